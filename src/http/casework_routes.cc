// Handlers of the casework routes: parse and check the request, call the
// casework service, map the result.
#include "http/casework_routes.h"

#include "http/api.h"
#include "http/error_mapping.h"

namespace kuzot::http {
namespace {

using casework::CaseworkService;

Response Reply(const Result<Json>& result) {
  if (!result.ok()) return ErrorResponse(result.status());
  return Response::JsonBody(200, result.value());
}

// The JSON object body of an action; an empty body is an empty object.
Result<Json> ActionBody(const Request& request) {
  if (request.body.empty()) return Json::object();
  KUZOT_ASSIGN_OR_RETURN(Json body, ParseJsonBody(request));
  if (!body.is_object()) return Status::InvalidArgument("the body must be a JSON object");
  return body;
}

// Lets through only the query parameters a route knows.
Status KnownQuery(const Request& request, std::initializer_list<const char*> names) {
  for (const auto& [key, value] : request.query) {
    bool known = false;
    for (const char* n : names) known |= key == n;
    if (!known) return Status::InvalidArgument("is not a parameter of this route", key);
  }
  return Status::Ok();
}

Response Deadlines(CaseworkService& casework, Request& r) {
  Status known = KnownQuery(r, {"as_of", "days", "include_overdue", "lawyer_id", "case_id"});
  if (!known.ok()) return ErrorResponse(known);
  casework::DeadlineQuery q;
  q.as_of = r.Query("as_of").value_or("");
  auto days = r.IntQuery("days", 30);
  if (!days.ok()) return ErrorResponse(days.status());
  q.days = days.value();
  auto overdue = r.BoolQuery("include_overdue", true);
  if (!overdue.ok()) return ErrorResponse(overdue.status());
  q.include_overdue = overdue.value();
  q.lawyer_id = r.Query("lawyer_id").value_or("");
  q.case_id = r.Query("case_id").value_or("");
  return Reply(casework.Deadlines(r.caller, q));
}

Response ConsultationCounts(CaseworkService& casework, Request& r) {
  Status known = KnownQuery(r, {"from", "to", "region_level"});
  if (!known.ok()) return ErrorResponse(known);
  casework::CountQuery q;
  q.from = r.Query("from").value_or("");
  q.to = r.Query("to").value_or("");
  q.region_level = r.Query("region_level").value_or("oblast");
  return Reply(casework.ConsultationCounts(r.caller, q));
}

Response Dashboard(CaseworkService& casework, Request& r) {
  casework::DashboardQuery q;
  for (const auto& [key, value] : r.query) {
    if (key == "sdg_targets") {
      auto targets = r.BoolQuery("sdg_targets", false);
      if (!targets.ok()) return ErrorResponse(targets.status());
      q.sdg_targets = targets.value();
    } else {
      q.filters.emplace_back(key, value);  // checked as list filters
    }
  }
  return Reply(casework.RecommendationDashboard(r.caller, q));
}

Response Import(CaseworkService& casework, Request& r) {
  Status known = KnownQuery(r, {"dry_run", "addressee_id", "confidentiality", "filename"});
  if (!known.ok()) return ErrorResponse(known);
  std::string type = r.Header("content-type");
  if (type.find("application/json") != std::string::npos) {
    return ErrorResponse(Status::InvalidArgument(
        "send the CSV or XLSX file itself as the body (text/csv or "
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet)",
        "content-type"));
  }
  if (r.body.empty()) return ErrorResponse(Status::InvalidArgument("the request body is empty"));
  casework::ImportOptions options;
  auto dry = r.BoolQuery("dry_run", false);
  if (!dry.ok()) return ErrorResponse(dry.status());
  options.dry_run = dry.value();
  for (const auto& [key, value] : r.query) {
    if (key == "addressee_id") options.addressee_ids.push_back(value);
  }
  options.confidentiality = r.Query("confidentiality").value_or("public");
  std::string name = r.Query("filename").value_or("upload");
  return Reply(casework.ImportUhriFile(r.caller, r.body, name, options));
}

Response SignatoryList(CaseworkService& casework, Request& r) {
  Status known = KnownQuery(r, {"format"});
  if (!known.ok()) return ErrorResponse(known);
  std::string format = r.Query("format").value_or("json");
  if (format == "json") {
    auto table = casework.Signatories(r.caller, r.params["id"]);
    if (!table.ok()) return ErrorResponse(table.status());
    Json rows = Json::array();
    for (const auto& row : table->rows) {
      Json item = Json::object();
      for (size_t i = 0; i < row.size(); ++i) item[table->header[i]] = row[i];
      rows.push_back(std::move(item));
    }
    return Response::JsonBody(200, {{"header", table->header}, {"rows", rows}});
  }
  auto file = casework.SignatoriesFile(r.caller, r.params["id"], format);
  if (!file.ok()) return ErrorResponse(file.status());
  Response response;
  response.content_type = file->content_type;
  response.body = std::move(file->bytes);
  response.headers.emplace_back("Content-Disposition",
                                "attachment; filename=\"" + file->filename + "\"");
  return response;
}

}  // namespace

void AddCaseworkRoutes(Router& router, CaseworkService& casework) {
  router.Add({"GET",
              "/api/v1/casework/deadlines",
              "records:read",
              "Open deadlines, coming hearings and follow-ups across cases, consultations and "
              "submissions, soonest first",
              [&casework](Request& r) { return Deadlines(casework, r); },
              nullptr,  // not streamed
              {{"as_of", "the day to count from, YYYY-MM-DD (default today)"},
               {"days", "how many days ahead (default 30)"},
               {"include_overdue", "true (default) or false"},
               {"lawyer_id", "only what this lawyer (person id) is responsible for"},
               {"case_id", "only this case"}}});
  router.Add({"GET",
              "/api/v1/casework/consultation-counts",
              "records:read",
              "Consultations of a period counted by problem category, region, vulnerable group, "
              "sex, age group, channel and month",
              [&casework](Request& r) { return ConsultationCounts(casework, r); },
              nullptr,  // not streamed
              {{"from", "first day, YYYY-MM-DD"},
               {"to", "last day, YYYY-MM-DD"},
               {"region_level", "country, oblast (default), district or city"}}});
  router.Add({"POST", "/api/v1/consultations/{id}/convert", "records:write",
              "Make a case of a consultation; the body may set the case's fields, and "
              "\"revision\" the consultation's",
              [&casework](Request& r) {
                auto body = ActionBody(r);
                if (!body.ok()) return ErrorResponse(body.status());
                return Reply(casework.ConvertConsultation(r.caller, r.params["id"], body.value()));
              }});
  router.Add({"GET",
              "/api/v1/casework/recommendation-dashboard",
              "records:read",
              "Recommendations counted by implementation status per issuing body, theme, SDG, "
              "addressee, state position and year; takes the filters of /api/v1/recommendations",
              [&casework](Request& r) { return Dashboard(casework, r); },
              nullptr,  // not streamed
              {{"sdg_targets", "true: count SDG targets instead of goals"}}});
  router.Add({"GET",
              "/api/v1/casework/recommendation-changes",
              "records:read",
              "Recommendations created, or whose assessments or status changed, since a moment",
              [&casework](Request& r) {
                Status known = KnownQuery(r, {"since"});
                if (!known.ok()) return ErrorResponse(known);
                auto since = r.Query("since");
                if (!since) return ErrorResponse(Status::InvalidArgument("is required", "since"));
                return Reply(casework.RecommendationChanges(r.caller, *since));
              },
              nullptr,  // not streamed
              {{"since", "YYYY-MM-DD or an ISO time (required)"}}});
  router.Add(
      {"POST",
       "/api/v1/recommendations/import",
       "records:write",
       "Import recommendations from a Universal Human Rights Index export: the CSV or "
       "XLSX file itself is the body; all or nothing",
       [&casework](Request& r) { return Import(casework, r); },
       nullptr,  // not streamed
       {{"filename", "the file's name, for messages"},
        {"dry_run", "true: check everything, write nothing"},
        {"addressee_id", "an organization the recommendations are addressed to (repeatable)"},
        {"confidentiality", "of the new records (default public)"}}});
  router.Add({"POST", "/api/v1/statements/{id}/publish", "statements:publish",
              "Publish a statement: {published_date, make_public (default true), revision}",
              [&casework](Request& r) {
                auto body = ActionBody(r);
                if (!body.ok()) return ErrorResponse(body.status());
                return Reply(casework.PublishStatement(r.caller, r.params["id"], body.value()));
              }});
  router.Add({"GET",
              "/api/v1/statements/{id}/signatories",
              "records:read",
              "The signatory list of a statement",
              [&casework](Request& r) { return SignatoryList(casework, r); },
              nullptr,  // not streamed
              {{"format", "json (default), csv or xlsx"}}});
  router.Add({"POST", "/api/v1/submissions/{id}/send", "records:write",
              "Send a submission, freezing what it contains: {date_sent, channel, "
              "reference_number, revision}",
              [&casework](Request& r) {
                auto body = ActionBody(r);
                if (!body.ok()) return ErrorResponse(body.status());
                return Reply(casework.SendSubmission(r.caller, r.params["id"], body.value()));
              }});
  router.Add({"GET", "/api/v1/submissions/{id}/package", "records:read",
              "What a sent submission contained, as it was sent, and whether it is intact",
              [&casework](Request& r) {
                return Reply(casework.SubmissionPackage(r.caller, r.params["id"]));
              }});
  router.Add({"GET", "/api/v1/public/statements", "public",
              "Published public statements (no sign-in)",
              [&casework](Request&) { return Reply(casework.PublicStatements()); }});
  router.Add({"GET", "/api/v1/public/statements/{id}", "public",
              "A published public statement with its signatories (no sign-in)",
              [&casework](Request& r) { return Reply(casework.PublicStatement(r.params["id"])); }});
  router.Add({"GET",
              "/public/statements/{id}",
              "public",
              "The public HTML page of a published statement (no sign-in)",
              [&casework](Request& r) {
                return StatementPage(casework.PublicStatement(r.params["id"]),
                                     r.Query("lang").value_or(""));
              },
              nullptr,  // not streamed
              {{"lang", "en, ru or ky: the text in that language when there is one"}}});
}

}  // namespace kuzot::http
