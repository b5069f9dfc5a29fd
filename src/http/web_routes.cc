#include "http/web_routes.h"

#include "http/api.h"
#include "http/error_mapping.h"

namespace kuzot::http {
namespace {

Response Reply(const Result<Json>& result, int success = 200) {
  if (!result.ok()) return ErrorResponse(result.status());
  return Response::JsonBody(success, result.value());
}

// "a,b,c" and repeated parameters alike.
std::vector<std::string> ListParam(const Request& request, std::string_view name) {
  std::vector<std::string> out;
  for (const auto& [k, v] : request.query) {
    if (k != name) continue;
    size_t start = 0;
    while (start <= v.size()) {
      size_t comma = v.find(',', start);
      if (comma == std::string::npos) comma = v.size();
      if (comma > start) out.push_back(v.substr(start, comma - start));
      start = comma + 1;
    }
  }
  return out;
}

}  // namespace

void AddWebRoutes(Router& router, records::RecordService& records, WebOptions options) {
  router.Add({"GET", "/api/v1/config", "public",
              "Settings of the web application: the map's tile server", [options](Request&) {
                return Response::JsonBody(200, {{"tile_url", options.tile_url},
                                                {"tile_attribution", options.tile_attribution}});
              }});
  router.Add({"GET", "/api/v1/overview", "records:read",
              "Counts by record type and act type, victims, and the latest changes you may see",
              [&records](Request& r) {
                auto recent = IntParam(r, "recent", 15);
                if (!recent.ok()) return ErrorResponse(recent.status());
                return Reply(records.Overview(r.caller, recent.value()));
              }});
  router.Add(
      {"GET", "/api/v1/events/{id}/figures", "records:read",
       "An event's claims side by side with the acts and victims documented for it",
       [&records](Request& r) { return Reply(records.EventFigures(r.caller, r.params["id"])); }});
  router.Add(
      {"GET", "/api/v1/titles", "records:read",
       "Display titles of records by id (?ids=a,b); records you may not see are left out",
       [&records](Request& r) { return Reply(records.Titles(r.caller, ListParam(r, "ids"))); }});
  router.Add({"GET", "/api/v1/map", "records:read",
              "Places with coordinates and the events and acts there", [&records](Request& r) {
                auto per_place = IntParam(r, "per_place", 20);
                if (!per_place.ok()) return ErrorResponse(per_place.status());
                return Reply(records.MapPoints(r.caller, per_place.value()));
              }});
  router.Add({"POST", "/api/v1/intake", "records:write",
              "Create several records in one transaction ({\"records\": [{\"key\", \"type\", "
              "\"body\"}]}, later bodies refer to earlier ones as \"@key\")",
              [&records](Request& r) {
                auto body = ParseJsonBody(r);
                if (!body.ok()) return ErrorResponse(body.status());
                if (!body->is_object() || !body->contains("records")) {
                  return ErrorResponse(Status::InvalidArgument("is required", "records"));
                }
                return Reply(records.CreateMany(r.caller, (*body)["records"]), 201);
              }});
}

}  // namespace kuzot::http
