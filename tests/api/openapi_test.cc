// The OpenAPI document is kept true: every documented operation exists on
// the server, and real answers and accepted inputs match the documented
// schemas.
#include <gtest/gtest.h>

#include "kuzot_process.h"

namespace kuzot::testing {
namespace {

// Checks `value` against the subset of JSON Schema the document uses.
bool Validates(const Json& doc, const Json& schema, const Json& value, std::string* why,
               const std::string& at = "$") {
  if (schema.contains("$ref")) {
    std::string ref = schema["$ref"];  // "#/components/schemas/X"
    return Validates(doc, doc["components"]["schemas"][ref.substr(ref.rfind('/') + 1)], value,
                     why, at);
  }
  if (schema.contains("allOf")) {
    for (const auto& s : schema["allOf"]) {
      if (!Validates(doc, s, value, why, at)) return false;
    }
    return true;
  }
  std::string type = schema.value("type", "");
  auto fail = [&](const std::string& w) {
    *why = at + ": " + w;
    return false;
  };
  if (type == "object") {
    if (!value.is_object()) return fail("not an object");
    for (const auto& r : schema.value("required", Json::array())) {
      if (!value.contains(r.get<std::string>())) return fail("missing " + r.get<std::string>());
    }
    for (const auto& [k, v] : value.items()) {
      if (schema.contains("properties") && schema["properties"].contains(k)) {
        if (!Validates(doc, schema["properties"][k], v, why, at + "." + k)) return false;
      } else if (schema.contains("additionalProperties") && !schema["additionalProperties"]) {
        return fail("undocumented property " + k);
      }
    }
    return true;
  }
  if (type == "array") {
    if (!value.is_array()) return fail("not an array");
    for (size_t i = 0; i < value.size(); ++i) {
      if (!Validates(doc, schema["items"], value[i], why, at + "[" + std::to_string(i) + "]")) {
        return false;
      }
    }
    return true;
  }
  if (type == "string" && !value.is_string()) return fail("not a string");
  if (type == "integer" && !value.is_number_integer()) return fail("not an integer");
  if (type == "number" && !value.is_number()) return fail("not a number");
  if (type == "boolean" && !value.is_boolean()) return fail("not a boolean");
  return true;
}

TEST(OpenApiTest, DocumentMatchesTheServer) {
  KuzotProcess kuzot(TestDir("openapi"), {"--demo"});
  ASSERT_TRUE(kuzot.Start());
  auto r = kuzot.Request("GET", "/api/v1/openapi.json");
  ASSERT_EQ(r.status, 200);
  Json doc = r.json();
  ASSERT_EQ(doc["openapi"], "3.0.3");
  ASSERT_GE(doc["paths"].size(), 40u);

  // Every documented operation is routed (a made-up id gives "not found",
  // never "no such path" or "method not allowed").
  for (const auto& [path, ops] : doc["paths"].items()) {
    if (path == "/api/v1/auth/logout") continue;  // would end the test's own session
    for (const auto& [method, op] : ops.items()) {
      std::string target = path;
      for (const char* p : {"{id}", "{name}", "{code}", "{username}"}) {
        auto pos = target.find(p);
        if (pos != std::string::npos) target.replace(pos, std::string(p).size(), "01ZZZZZZZZZZZZZZZZZZZZZZZZ");
      }
      std::string m = method;
      for (char& c : m) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      auto answer = kuzot.Request(m, target, m == "GET" || m == "DELETE" ? "" : "{}");
      EXPECT_NE(answer.status, 405) << m << " " << path;
      if (answer.status == 404) {
        EXPECT_EQ(answer.body.find("no such path"), std::string::npos) << m << " " << path;
      }
      EXPECT_TRUE(op.contains("x-permission")) << m << " " << path;
    }
  }

  // Every demo record read through the API matches its documented schema.
  for (const auto& [path, ops] : doc["paths"].items()) {
    if (path.find("/{id}") == std::string::npos || path.find("/{id}/") != std::string::npos ||
        !ops.contains("get") || !ops.contains("put")) {
      continue;  // only the record types' read routes (uploads are no records)
    }
    std::string collection = path.substr(0, path.find("/{id}"));
    auto list = kuzot.Request("GET", collection + "?limit=20");
    ASSERT_EQ(list.status, 200) << collection;
    const Json& schema = ops["get"]["responses"]["200"]["content"]["application/json"]["schema"];
    ASSERT_GT(list.json()["items"].size(), 0u) << collection << " has no demo records";
    for (const auto& item : list.json()["items"]) {
      std::string why;
      EXPECT_TRUE(Validates(doc, schema, item, &why)) << collection << ": " << why;
      // And the record, sent back as input, is accepted as documented.
      Json input = item;
      for (const char* f : {"id", "type", "created_at", "created_by", "updated_at", "updated_by",
                            "deleted"}) {
        input.erase(f);
      }
      const Json& input_schema =
          ops["put"]["requestBody"]["content"]["application/json"]["schema"];
      EXPECT_TRUE(Validates(doc, input_schema, input, &why)) << collection << ": " << why;
      auto put = kuzot.Request("PUT", collection + "/" + item["id"].get<std::string>(),
                               input.dump());
      EXPECT_EQ(put.status, 200) << collection << ": " << put.body;
    }
  }
}

}  // namespace
}  // namespace kuzot::testing
