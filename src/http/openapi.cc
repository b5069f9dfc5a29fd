// The OpenAPI document, derived from the route table and the record schema
// so that it cannot describe an API the server does not have.
#include <functional>

#include "http/api.h"

namespace kuzot::http {
namespace {

Json FieldSchema(const records::FieldSpec& f) {
  using records::FieldKind;
  Json s;
  switch (f.kind) {
    case FieldKind::kString:
      s = {{"type", "string"}, {"maxLength", 1000}};
      break;
    case FieldKind::kText:
      s = {{"type", "string"}, {"maxLength", 100000}};
      break;
    case FieldKind::kEnum:
      s = {{"type", "string"}, {"x-vocabulary", f.vocabulary}};
      break;
    case FieldKind::kDate:
      s = {{"type", "string"}, {"pattern", "^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"}};
      break;
    case FieldKind::kInteger:
      s = {{"type", "integer"}, {"minimum", f.min}, {"maximum", f.max}};
      break;
    case FieldKind::kNumber:
      s = {{"type", "number"}, {"minimum", f.min}, {"maximum", f.max}};
      break;
    case FieldKind::kBool:
      s = {{"type", "boolean"}};
      break;
    case FieldKind::kRef:
      s = {{"$ref", "#/components/schemas/Id"}};
      break;
    case FieldKind::kRefList:
      s = {{"type", "array"}, {"items", {{"$ref", "#/components/schemas/Id"}}}};
      break;
    case FieldKind::kStringList:
      s = {{"type", "array"}, {"items", {{"type", "string"}}}};
      if (!f.vocabulary.empty()) s["items"]["x-vocabulary"] = f.vocabulary;
      break;
    case FieldKind::kObject:
    case FieldKind::kObjectList: {
      Json object = {{"type", "object"}, {"additionalProperties", false}};
      Json required = Json::array();
      for (const auto& sub : f.fields) {
        object["properties"][sub.name] = FieldSchema(sub);
        if (sub.required) required.push_back(sub.name);
      }
      if (!required.empty()) object["required"] = required;
      s = f.kind == FieldKind::kObject ? object : Json{{"type", "array"}, {"items", object}};
      break;
    }
  }
  if (!f.description.empty() && !s.contains("$ref")) s["description"] = f.description;
  if (f.written_by != records::FieldSpec::Writer::kClient && !s.contains("$ref")) {
    s["readOnly"] = true;
  }
  if (!f.ref_types.empty()) s = {{"allOf", {s}}, {"x-ref-types", f.ref_types}};
  return s;
}

Json TypeSchema(const records::TypeSpec& t, bool with_envelope) {
  Json s = {{"type", "object"}, {"description", t.description}, {"additionalProperties", false}};
  Json required = Json::array();
  if (with_envelope) {
    s["properties"]["id"] = {{"$ref", "#/components/schemas/Id"}};
    s["properties"]["type"] = {{"type", "string"}, {"enum", {t.name}}};
  }
  for (const auto& f : t.fields) {
    s["properties"][f.name] = FieldSchema(f);
    if (f.required) required.push_back(f.name);
  }
  s["properties"]["revision"] = {{"type", "integer"},
                                 {"description", "current revision; send it back to edit"}};
  if (with_envelope) {
    for (const char* f : {"created_at", "created_by", "updated_at", "updated_by"}) {
      s["properties"][f] = {{"type", "string"}};
    }
    s["properties"]["deleted"] = {{"type", "boolean"}};
  }
  s["required"] = required;
  return s;
}

std::string Capitalised(const std::string& name) {
  std::string out;
  bool up = true;
  for (char c : name) {
    if (c == '_') {
      up = true;
      continue;
    }
    out += up ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    up = false;
  }
  return out;
}

const records::TypeSpec* TypeOfPath(const std::string& pattern) {
  const std::string prefix = "/api/v1/";
  if (pattern.rfind(prefix, 0) != 0) return nullptr;
  std::string rest = pattern.substr(prefix.size());
  std::string segment = rest.substr(0, rest.find('/'));
  const records::TypeSpec* t = records::FindType(segment);
  return t && t->plural == segment ? t : nullptr;
}

}  // namespace

Json OpenApiDocument(const Router& router) {
  Json doc = {{"openapi", "3.0.3"},
              {"info",
               {{"title", "Kuzot API"},
                {"version", "0.1.0"},
                {"description",
                 "Human-rights monitoring and documentation records. Errors are "
                 "{\"error\": {\"code\", \"message\", \"field\"}} with a 4xx or 5xx status."}}}};
  Json schemas = Json::object();
  schemas["Id"] = {{"type", "string"}, {"pattern", "^[0-9A-HJKMNP-TV-Z]{26}$"}};
  Json error_fields = Json::object();
  error_fields["code"] = {{"type", "string"}};
  error_fields["message"] = {{"type", "string"}};
  error_fields["field"] = {{"type", "string"}};
  Json error_object = {{"type", "object"}};
  error_object["properties"] = error_fields;
  schemas["Error"] = {{"type", "object"}};
  schemas["Error"]["properties"]["error"] = error_object;
  for (const auto& t : records::RecordTypes()) {
    schemas[Capitalised(t.name)] = TypeSchema(t, true);
    schemas[Capitalised(t.name) + "Input"] = TypeSchema(t, false);
  }
  doc["components"]["schemas"] = schemas;
  Json error_response = {{"description", "an error naming the field at fault"},
                         {"content",
                          {{"application/json",
                            {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}}}};
  Json paths = Json::object();
  for (const Route& route : router.routes()) {
    std::string method = route.method;
    for (char& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    Json op = {{"summary", route.summary}, {"x-permission", route.permission}};
    Json parameters = Json::array();
    size_t pos = 0;
    while ((pos = route.pattern.find('{', pos)) != std::string::npos) {
      size_t end = route.pattern.find('}', pos);
      parameters.push_back({{"name", route.pattern.substr(pos + 1, end - pos - 1)},
                            {"in", "path"},
                            {"required", true},
                            {"schema", {{"type", "string"}}}});
      pos = end;
    }
    const records::TypeSpec* type = TypeOfPath(route.pattern);
    bool is_collection = type && route.pattern == "/api/v1/" + type->plural;
    if (type && is_collection && method == "get") {
      for (const char* p : {"limit", "cursor", "sort", "include_deleted", "total"}) {
        parameters.push_back({{"name", p}, {"in", "query"}, {"schema", {{"type", "string"}}}});
      }
      for (const auto& f : type->fields) {
        if (!f.filterable) continue;
        parameters.push_back({{"name", f.name},
                              {"in", "query"},
                              {"description", "filter: " + f.description},
                              {"schema", {{"type", "string"}}}});
      }
    }
    if (route.pattern == "/api/v1/search") {
      parameters.push_back({{"name", "q"}, {"in", "query"}, {"required", true},
                            {"schema", {{"type", "string"}}}});
      for (const char* p : {"type", "limit", "offset"}) {
        parameters.push_back({{"name", p}, {"in", "query"}, {"schema", {{"type", "string"}}}});
      }
    }
    for (const auto& [name, description] : route.query) {
      parameters.push_back({{"name", name},
                            {"in", "query"},
                            {"description", description},
                            {"schema", {{"type", "string"}}}});
    }
    if (!parameters.empty()) op["parameters"] = parameters;
    bool has_body = method == "post" || method == "put" || method == "patch";
    bool is_restore = route.pattern.size() > 8 &&
                      route.pattern.compare(route.pattern.size() - 8, 8, "/restore") == 0;
    // An action on a record (/records/{id}/convert, /records/import) takes
    // and answers its own objects, not the record type's.
    bool is_action = type && !is_collection && route.pattern != "/api/v1/" + type->plural + "/{id}";
    if (has_body && !is_restore) {
      Json schema = type && !is_action
                        ? Json{{"$ref", "#/components/schemas/" + Capitalised(type->name) + "Input"}}
                        : Json{{"type", "object"}};
      op["requestBody"] = {{"required", true},
                           {"content", {{"application/json", {{"schema", schema}}}}}};
    }
    Json ok_schema = {{"type", "object"}};
    if (type && !is_collection && route.pattern == "/api/v1/" + type->plural + "/{id}") {
      ok_schema = {{"$ref", "#/components/schemas/" + Capitalised(type->name)}};
    }
    op["responses"][method == "post" && !is_restore && !is_action ? "201" : "200"] = {
        {"description", "success"}, {"content", {{"application/json", {{"schema", ok_schema}}}}}};
    op["responses"]["4XX"] = error_response;
    paths[route.pattern][method] = op;
  }
  doc["paths"] = paths;
  return doc;
}

}  // namespace kuzot::http
