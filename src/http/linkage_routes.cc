#include "http/linkage_routes.h"

#include "http/api.h"
#include "http/error_mapping.h"

namespace kuzot::http {
namespace {

Response Reply(const Result<linkage::WorkbenchJson>& result, int success = 200) {
  if (!result.ok()) return ErrorResponse(result.status());
  return Response::JsonBody(success, result.value());
}

// The handler for routes whose body is a JSON object handed on as is.
template <typename Call>
Handler WithBody(Call call, int success) {
  return [call, success](Request& r) {
    auto body = ParseJsonBody(r);
    if (!body.ok()) return ErrorResponse(body.status());
    return Reply(call(r, body.value()), success);
  };
}

}  // namespace

void AddLinkageRoutes(Router& router, linkage::Workbench& workbench) {
  linkage::Workbench* w = &workbench;
  router.Add(
      {"POST", "/api/v1/linkage/lists", "linkage:write",
       "Import a victim list (CSV or XLSX, base64) as a source and one person per row",
       WithBody([w](Request& r, const auto& body) { return w->ImportList(r.caller, body); }, 201)});
  router.Add({"POST", "/api/v1/linkage/lists/preview", "linkage:write",
              "Read a list (CSV or XLSX, base64) without importing it: its columns and first rows",
              WithBody([w](Request& r, const auto& body) { return w->PreviewList(r.caller, body); },
                       200)});
  router.Add({"GET", "/api/v1/linkage/lists", "linkage:read", "Imported lists",
              [w](Request& r) { return Reply(w->Lists(r.caller)); }});
  router.Add(
      {"POST", "/api/v1/linkage/jobs", "linkage:review",
       "Start reconciling lists in the background",
       WithBody([w](Request& r, const auto& body) { return w->StartJob(r.caller, body); }, 201)});
  router.Add({"GET", "/api/v1/linkage/jobs", "linkage:read", "Reconciliation jobs, newest first",
              [w](Request& r) { return Reply(w->Jobs(r.caller)); }});
  router.Add({"GET", "/api/v1/linkage/jobs/{id}", "linkage:read",
              "A reconciliation job: state, progress, summary",
              [w](Request& r) { return Reply(w->Job(r.caller, r.params["id"])); }});
  router.Add({"GET", "/api/v1/linkage/jobs/{id}/review", "linkage:read",
              "The job's doubtful pairs side by side, with explanations and decisions",
              [w](Request& r) {
                auto limit = IntParam(r, "limit", 20);
                if (!limit.ok()) return ErrorResponse(limit.status());
                std::string undecided = r.Query("undecided").value_or("");
                return Reply(w->ReviewQueue(r.caller, r.params["id"], limit.value(),
                                            r.Query("cursor").value_or(""),
                                            undecided == "true" || undecided == "1"));
              }});
  router.Add(
      {"POST", "/api/v1/linkage/decisions", "linkage:review",
       "Decide whether two persons are the same, different, or say unsure",
       WithBody([w](Request& r, const auto& body) { return w->Decide(r.caller, body); }, 201)});
  router.Add({"GET", "/api/v1/linkage/decisions", "linkage:read",
              "Every decision on a pair (left_id, right_id), or the latest decisions",
              [w](Request& r) {
                return Reply(w->Decisions(r.caller, r.Query("left_id").value_or(""),
                                          r.Query("right_id").value_or("")));
              }});
  router.Add(
      {"POST", "/api/v1/linkage/merges", "linkage:write",
       "Merge persons into one, keeping every list's citation",
       WithBody([w](Request& r, const auto& body) { return w->Merge(r.caller, body); }, 201)});
  router.Add({"GET", "/api/v1/linkage/merges", "linkage:read", "Merges, newest first",
              [w](Request& r) { return Reply(w->Merges(r.caller)); }});
  router.Add({"POST", "/api/v1/linkage/merges/{id}/undo", "linkage:write",
              "Undo a merge: the survivor as before, the others restored",
              [w](Request& r) { return Reply(w->Unmerge(r.caller, r.params["id"]), 201); }});
}

}  // namespace kuzot::http
