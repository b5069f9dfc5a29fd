// The JSON API under /api/v1: routes, their handlers and the OpenAPI
// document derived from the route table and the record schema.
#pragma once

#include "http/router.h"
#include "records/service.h"

namespace kuzot::http {

// Adds every /api/v1 route. `records` must outlive the router.
void AddApiRoutes(Router& router, records::RecordService& records);

// The request's JSON body; InvalidArgument naming where it is malformed,
// or when it is not sent as application/json.
Result<Json> ParseJsonBody(const Request& request);
// Query parameter `name` as a whole number, `fallback` when absent;
// InvalidArgument naming the parameter when it is not one.
Result<int> IntParam(const Request& request, const char* name, int fallback);

// The OpenAPI 3.0 document for the routes in `router`.
Json OpenApiDocument(const Router& router);

}  // namespace kuzot::http
