// Walks every API route as every role and with no session, and checks the
// answer against the permission table in doc/security.md.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>

#include "kuzot_process.h"

namespace kuzot::testing {
namespace {

// permission -> role -> allowed, read from the markdown table.
std::map<std::string, std::map<std::string, bool>> ReadTable(std::vector<std::string>* roles) {
  std::ifstream in(KUZOT_SECURITY_DOC);
  std::string line;
  std::map<std::string, std::map<std::string, bool>> table;
  auto cells = [](const std::string& l) {
    std::vector<std::string> out;
    std::stringstream ss(l);
    std::string cell;
    while (std::getline(ss, cell, '|')) {
      size_t b = cell.find_first_not_of(" `");
      size_t e = cell.find_last_not_of(" `");
      out.push_back(b == std::string::npos ? "" : cell.substr(b, e - b + 1));
    }
    return out;
  };
  while (std::getline(in, line)) {
    if (line.rfind("| permission |", 0) == 0) {
      auto header = cells(line);
      roles->assign(header.begin() + 2, header.end());
      continue;
    }
    if (roles->empty() || line.rfind("| `", 0) != 0) continue;
    auto row = cells(line);
    for (size_t i = 0; i < roles->size(); ++i) table[row[1]][(*roles)[i]] = row[i + 2] == "yes";
  }
  return table;
}

TEST(PermissionTest, EveryRouteWithEveryRole) {
  std::vector<std::string> roles;
  auto table = ReadTable(&roles);
  ASSERT_EQ(roles.size(), 6u);
  ASSERT_GE(table.size(), 8u);
  KuzotProcess kuzot(TestDir("permissions"));
  ASSERT_TRUE(kuzot.Start());
  Json doc = kuzot.Request("GET", "/api/v1/openapi.json").json();
  // A real record of each type so that reads can succeed.
  std::vector<std::string> identities = {"nobody"};
  identities.insert(identities.end(), roles.begin(), roles.end());
  int checked = 0;
  for (const std::string& who : identities) {
    ASSERT_TRUE(kuzot.ActAs(who)) << who;
    for (const auto& [path, ops] : doc["paths"].items()) {
      if (path == "/api/v1/auth/logout" || path == "/api/v1/auth/login") continue;
      for (const auto& [method, op] : ops.items()) {
        std::string permission = op["x-permission"];
        ASSERT_TRUE(table.count(permission)) << path << " declares '" << permission
                                             << "', which doc/security.md's table lacks";
        std::string target = std::regex_replace(path, std::regex(R"(\{[a-z]+\})"),
                                                "01ZZZZZZZZZZZZZZZZZZZZZZZZ");
        std::string m = method;
        for (char& c : m) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        auto r = kuzot.Request(m, target, m == "GET" || m == "DELETE" ? "" : "{}");
        std::string what = who + " " + m + " " + path + " (" + permission + ") -> " +
                           std::to_string(r.status) + " " + r.body.substr(0, 200);
        if (permission == "public") {
          EXPECT_NE(r.status, 401) << what;
          EXPECT_NE(r.status, 403) << what;
        } else if (who == "nobody") {
          EXPECT_EQ(r.status, 401) << what;
        } else if (table[permission][who]) {
          EXPECT_NE(r.status, 401) << what;
          EXPECT_NE(r.status, 403) << what;
        } else {
          EXPECT_EQ(r.status, 403) << what;
        }
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 300);
}

TEST(PermissionTest, CsrfTokenRequiredForCookieWrites) {
  KuzotProcess kuzot(TestDir("csrf"));
  ASSERT_TRUE(kuzot.Start());
  Identity admin;
  ASSERT_TRUE(kuzot.Login("admin", kAdminPassword, &admin));
  kuzot.ActAs("nobody");
  auto no_token = kuzot.Request("POST", "/api/v1/events", R"({"title": "x"})",
                                {{"Cookie", admin.cookie}});
  EXPECT_EQ(no_token.status, 403) << no_token.body;
  auto wrong = kuzot.Request("POST", "/api/v1/events", R"({"title": "x"})",
                             {{"Cookie", admin.cookie}, {"X-CSRF-Token", "forged"}});
  EXPECT_EQ(wrong.status, 403);
  auto right = kuzot.Request("POST", "/api/v1/events", R"({"title": "x"})",
                             {{"Cookie", admin.cookie}, {"X-CSRF-Token", admin.csrf}});
  EXPECT_EQ(right.status, 201) << right.body;
}

TEST(PermissionTest, ApiTokensWorkWithoutCsrfAndCanBeRevoked) {
  KuzotProcess kuzot(TestDir("tokens"));
  ASSERT_TRUE(kuzot.Start());
  auto created = kuzot.Request("POST", "/api/v1/tokens", R"({"name": "nightly export"})");
  ASSERT_EQ(created.status, 201) << created.body;
  std::string secret = created.json()["token"];
  std::string id = created.json()["id"];
  kuzot.ActAs("nobody");
  auto use = kuzot.Request("POST", "/api/v1/events", R"({"title": "by script"})",
                           {{"Authorization", "Bearer " + secret}});
  EXPECT_EQ(use.status, 201) << use.body;
  kuzot.ActAs("admin");
  EXPECT_EQ(kuzot.Request("DELETE", "/api/v1/tokens/" + id).status, 200);
  kuzot.ActAs("nobody");
  EXPECT_EQ(kuzot.Request("GET", "/api/v1/events", "", {{"Authorization", "Bearer " + secret}}).status,
            401);
}

// The server trusts a session it checked for up to a second
// (AuthService::kSessionCacheMs); ending it through the server must still
// take effect on the very next request.
TEST(PermissionTest, DisablingAUserOrChangingARoleActsOnTheNextRequest) {
  KuzotProcess kuzot(TestDir("session-cache"));
  ASSERT_TRUE(kuzot.Start());
  ASSERT_TRUE(kuzot.ActAs("documenter"));
  ASSERT_EQ(kuzot.Request("POST", "/api/v1/events", R"({"title": "before"})").status, 201);
  kuzot.ActAs("admin");
  ASSERT_EQ(kuzot.Request("PATCH", "/api/v1/users/documenter1", R"({"role": "viewer"})").status,
            200);
  kuzot.ActAs("documenter");
  EXPECT_EQ(kuzot.Request("POST", "/api/v1/events", R"({"title": "after"})").status, 403);
  EXPECT_EQ(kuzot.Request("GET", "/api/v1/events").status, 200);
  kuzot.ActAs("admin");
  ASSERT_EQ(kuzot.Request("PATCH", "/api/v1/users/documenter1", R"({"disabled": true})").status,
            200);
  kuzot.ActAs("documenter");
  EXPECT_EQ(kuzot.Request("GET", "/api/v1/events").status, 401);
}

TEST(PermissionTest, FailedLoginsAreSlowedThenLockedAndRevealNothing) {
  KuzotProcess kuzot(TestDir("throttle"));
  ASSERT_TRUE(kuzot.Start());
  kuzot.ActAs("nobody");
  auto attempt = [&](const std::string& user, const std::string& password) {
    return kuzot.Request("POST", "/api/v1/auth/login",
                         Json{{"username", user}, {"password", password}}.dump());
  };
  auto unknown = attempt("nobody-here", "wrong password");
  auto known = attempt("admin", "wrong password");
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(known.status, 401);
  EXPECT_EQ(unknown.json()["error"], known.json()["error"]) << "the answers differ";
  attempt("admin", "wrong password");
  attempt("admin", "wrong password");  // the third failure starts the slowing
  auto slowed = attempt("admin", kAdminPassword);
  EXPECT_EQ(slowed.status, 429) << slowed.body;
  EXPECT_NE(slowed.body.find("try again in"), std::string::npos);
  // An unknown account is slowed the same way.
  for (int i = 0; i < 3; ++i) attempt("nobody-here", "wrong password");
  auto slowed_unknown = attempt("nobody-here", "wrong password");
  EXPECT_EQ(slowed_unknown.status, 429);
}

}  // namespace
}  // namespace kuzot::testing
