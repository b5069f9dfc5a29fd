// The one place where a Status becomes an HTTP status code and a JSON error
// body: {"error": {"code": "invalid_argument", "message": "...", "field": "..."}}.
#pragma once

#include "common/status.h"
#include "http/router.h"

namespace kuzot::http {

// HTTP status for a Status code (InvalidArgument 400, Unauthorized 401,
// Forbidden 403, NotFound 404, Conflict 409, TooLarge 413, Unavailable 503,
// Internal 500; for evidence files: ChecksumMismatch 460 (tus), PreconditionFailed
// 412, UnsupportedMediaType 415, RangeNotSatisfiable 416, Corrupt 500 with its
// message shown).
int HttpStatusFor(StatusCode code);

// The JSON error response; `http_status` overrides the mapping when not 0.
Response ErrorResponse(const Status& status, int http_status = 0);

}  // namespace kuzot::http
