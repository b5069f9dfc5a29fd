// Handlers: parse and validate the request, call one service method, map
// the result. No SQL here, no HTTP status decisions outside error_mapping.
#include "http/api.h"

#include "http/error_mapping.h"

namespace kuzot::http {
namespace {

using records::RecordService;
using records::TypeSpec;

constexpr char kVersion[] = "0.1.0";

}  // namespace

Result<Json> ParseJsonBody(const Request& request) {
  std::string type = request.Header("content-type");
  if (type.find("application/json") == std::string::npos) {
    return Status::InvalidArgument("send the body as application/json", "content-type");
  }
  if (request.body.empty()) return Status::InvalidArgument("the request body is empty");
  try {
    return Json::parse(request.body);
  } catch (const Json::parse_error& e) {
    // e.byte is the position where parsing stopped.
    std::string what = e.what();
    size_t colon = what.rfind(": ");
    return Status::InvalidArgument("malformed JSON at byte " + std::to_string(e.byte) + ": " +
                                   (colon == std::string::npos ? what : what.substr(colon + 2)));
  } catch (const Json::exception& e) {
    // Numbers too large for a double, and the like.
    return Status::InvalidArgument(std::string("unreadable JSON: ") + e.what());
  }
}

namespace {

const Caller& CallerOf(const Request& r) { return r.caller; }

Response Reply(const Result<Json>& result, int success = 200) {
  if (!result.ok()) return ErrorResponse(result.status());
  return Response::JsonBody(success, result.value());
}

}  // namespace

Result<int> IntParam(const Request& request, const char* name, int fallback) {
  return request.IntQuery(name, fallback);
}

namespace {

Result<records::ListParams> ListParamsOf(const Request& request) {
  records::ListParams params;
  KUZOT_ASSIGN_OR_RETURN(params.limit, request.IntQuery("limit", 50));
  KUZOT_ASSIGN_OR_RETURN(params.include_deleted, request.BoolQuery("include_deleted", false));
  KUZOT_ASSIGN_OR_RETURN(params.with_total, request.BoolQuery("total", false));
  for (const auto& [k, v] : request.query) {
    if (k == "limit" || k == "include_deleted" || k == "total") continue;
    if (k == "sort") {
      params.sort = v;
    } else if (k == "cursor") {
      params.cursor = v;
    } else {
      params.filters.emplace_back(k, v);
    }
  }
  return params;
}

void AddRecordRoutes(Router& router, RecordService& records, const TypeSpec& type) {
  const std::string base = "/api/v1/" + type.plural;
  const std::string name = type.name;
  router.Add({"GET", base, "records:read", "List " + type.plural + " with filters, sorting and paging",
              [&records, name](Request& r) {
                auto params = ListParamsOf(r);
                if (!params.ok()) return ErrorResponse(params.status());
                return Reply(records.List(CallerOf(r), name, params.value()));
              }});
  router.Add({"POST", base, "records:write", "Create a " + name,
              [&records, name](Request& r) {
                auto body = ParseJsonBody(r);
                if (!body.ok()) return ErrorResponse(body.status());
                return Reply(records.Create(CallerOf(r), name, body.value()), 201);
              }});
  router.Add({"GET", base + "/{id}", "records:read", "Read a " + name,
              [&records, name](Request& r) {
                return Reply(records.Get(CallerOf(r), name, r.params["id"]));
              }});
  router.Add({"PUT", base + "/{id}", "records:write",
              "Replace a " + name + "'s fields (send \"revision\" to refuse lost updates)",
              [&records, name](Request& r) {
                auto body = ParseJsonBody(r);
                if (!body.ok()) return ErrorResponse(body.status());
                return Reply(records.Replace(CallerOf(r), name, r.params["id"], body.value()));
              }});
  router.Add({"PATCH", base + "/{id}", "records:write",
              "Change some of a " + name + "'s fields (JSON merge patch)",
              [&records, name](Request& r) {
                auto body = ParseJsonBody(r);
                if (!body.ok()) return ErrorResponse(body.status());
                return Reply(records.Patch(CallerOf(r), name, r.params["id"], body.value()));
              }});
  router.Add({"DELETE", base + "/{id}", "records:delete",
              "Delete a " + name + " (kept in history; can be restored)",
              [&records, name](Request& r) {
                return Reply(records.Delete(CallerOf(r), name, r.params["id"]));
              }});
  router.Add({"POST", base + "/{id}/restore", "records:delete", "Restore a deleted " + name,
              [&records, name](Request& r) {
                return Reply(records.Restore(CallerOf(r), name, r.params["id"]));
              }});
  router.Add({"GET", base + "/{id}/history", "records:read",
              "Every revision of a " + name + " with what changed",
              [&records, name](Request& r) {
                return Reply(records.History(CallerOf(r), name, r.params["id"]));
              }});
  router.Add({"GET", base + "/{id}/links", "records:read",
              "Records this " + name + " refers to and records referring to it",
              [&records, name](Request& r) {
                return Reply(records.Links(CallerOf(r), name, r.params["id"]));
              }});
}

Json SchemaJson() {
  Json types = Json::array();
  std::function<Json(const std::vector<records::FieldSpec>&)> fields_json =
      [&](const std::vector<records::FieldSpec>& fields) {
        Json out = Json::array();
        for (const auto& f : fields) {
          static const char* kKinds[] = {"string", "text",   "enum",        "date",
                                         "integer", "number", "bool",        "ref",
                                         "ref_list", "string_list", "object", "object_list"};
          Json field = {{"name", f.name},
                        {"kind", kKinds[static_cast<int>(f.kind)]},
                        {"description", f.description},
                        {"required", f.required},
                        {"filterable", f.filterable}};
          if (!f.vocabulary.empty()) field["vocabulary"] = f.vocabulary;
          if (!f.ref_types.empty()) field["ref_types"] = f.ref_types;
          if (f.kind == records::FieldKind::kInteger || f.kind == records::FieldKind::kNumber) {
            field["min"] = f.min;
            field["max"] = f.max;
          }
          if (!f.fields.empty()) field["fields"] = fields_json(f.fields);
          if (f.written_by != records::FieldSpec::Writer::kClient) {
            field["written_by"] =
                f.written_by == records::FieldSpec::Writer::kDerived ? "derived" : "server";
          }
          out.push_back(std::move(field));
        }
        return out;
      };
  for (const auto& t : records::RecordTypes()) {
    types.push_back({{"name", t.name},
                     {"plural", t.plural},
                     {"description", t.description},
                     {"fields", fields_json(t.fields)}});
  }
  return {{"types", types}};
}

}  // namespace

void AddApiRoutes(Router& router, RecordService& records) {
  router.Add({"GET", "/api/v1/health", "public", "Liveness and version",
              [](Request&) {
                return Response::JsonBody(200, {{"status", "ok"}, {"version", kVersion}});
              }});
  router.Add({"GET", "/api/v1/openapi.json", "public", "This API as OpenAPI 3.0",
              [&router](Request&) { return Response::JsonBody(200, OpenApiDocument(router)); }});
  router.Add({"GET", "/api/v1/schema", "records:read",
              "Record types and their fields, for building forms",
              [](Request&) { return Response::JsonBody(200, SchemaJson()); }});
  router.Add({"GET", "/api/v1/search", "records:read",
              "Full-text search over all records, across Cyrillic and Latin spellings",
              [&records](Request& r) {
                auto limit = r.IntQuery("limit", 20);
                if (!limit.ok()) return ErrorResponse(limit.status());
                auto offset = r.IntQuery("offset", 0);
                if (!offset.ok()) return ErrorResponse(offset.status());
                std::vector<std::string> types;
                for (const auto& [k, v] : r.query) {
                  if (k == "type") types.push_back(v);
                }
                return Reply(records.Search(CallerOf(r), r.Query("q").value_or(""), types,
                                            limit.value(), offset.value()));
              }});
  router.Add({"GET", "/api/v1/vocabularies", "records:read",
              "Every vocabulary with its terms in English, Russian and Kyrgyz",
              [&records](Request&) { return Reply(records.Vocabularies()); }});
  router.Add({"GET", "/api/v1/vocabularies/{name}", "records:read", "One vocabulary",
              [&records](Request& r) { return Reply(records.Vocabulary(r.params["name"])); }});
  router.Add({"PUT", "/api/v1/vocabularies/{name}/{code}", "vocabularies:write",
              "Create or change a vocabulary term",
              [&records](Request& r) {
                auto body = ParseJsonBody(r);
                if (!body.ok()) return ErrorResponse(body.status());
                return Reply(records.PutVocabularyTerm(CallerOf(r), r.params["name"],
                                                       r.params["code"], body.value()));
              }});
  for (const auto& type : records::RecordTypes()) AddRecordRoutes(router, records, type);
}

}  // namespace kuzot::http
