// Evidence files over HTTP: tus 1.0 resumable uploads (core, creation,
// checksum, termination) under /api/v1/uploads, single-request uploads,
// downloads with Range, previews and the chain of custody. Handlers parse
// and call the evidence service; bodies stream through (flat memory).
#pragma once

#include "evidence/evidence.h"
#include "http/router.h"

namespace kuzot::http {

// Adds the routes. `evidence` may be null (no data key was given): the
// routes then answer 503 saying how to start the server with a key.
void AddEvidenceRoutes(Router& router, evidence::EvidenceService* evidence);

}  // namespace kuzot::http
