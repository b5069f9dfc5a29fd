// The JSON API under /api/v1: routes, their handlers and the OpenAPI
// document derived from the route table and the record schema.
#pragma once

#include "http/router.h"
#include "records/service.h"

namespace kuzot::http {

// Adds every /api/v1 route. `records` must outlive the router.
void AddApiRoutes(Router& router, records::RecordService& records);

// The OpenAPI 3.0 document for the routes in `router`.
Json OpenApiDocument(const Router& router);

}  // namespace kuzot::http
