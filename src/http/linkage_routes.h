// The record-linkage workbench over HTTP (/api/v1/linkage/...): importing
// lists, reconciliation jobs and their progress, the review queue,
// decisions, merges and their undoing. Handlers parse and call the
// workbench (src/linkage/workbench.h).
#pragma once

#include "http/router.h"
#include "linkage/workbench.h"

namespace kuzot::http {

// Adds the routes; `workbench` must outlive the router.
void AddLinkageRoutes(Router& router, linkage::Workbench& workbench);

}  // namespace kuzot::http
