// The casework demo data through the real server: the October 2020
// statement's public page with its 35 signatories, with a CSP that allows no
// script; the submissions loaded as sent are frozen and intact.
#include <gtest/gtest.h>

#include "kuzot_process.h"

namespace kuzot::testing {
namespace {

TEST(CaseworkDemoTest, PublicStatementPageAndFrozenSubmissions) {
  KuzotProcess kuzot(TestDir("casework-demo"), {"--demo"});
  ASSERT_TRUE(kuzot.Start());
  kuzot.ActAs("nobody");
  auto list = kuzot.Request("GET", "/api/v1/public/statements");
  ASSERT_EQ(list.status, 200) << list.body;
  std::string csp_statement;
  Json listed = list.json();
  for (const auto& item : listed["items"]) {
    if (item["date"] == "2020-10-09") csp_statement = item["id"];
  }
  ASSERT_FALSE(csp_statement.empty()) << list.body;
  ASSERT_EQ(list.json()["items"].size(), 3u);

  auto statement = kuzot.Request("GET", "/api/v1/public/statements/" + csp_statement);
  ASSERT_EQ(statement.status, 200);
  EXPECT_EQ(statement.json()["signatory_count"], 35);
  ASSERT_EQ(statement.json()["signatories"].size(), 35u);
  EXPECT_EQ(statement.json()["signatories"][2]["name"],
            "Human Rights Movement \"Bir Duino-Kyrgyzstan\"");
  EXPECT_EQ(statement.json()["signatories"][34]["name"],
            "Human Rights Centre \"Viasna\" (Belarus)");

  auto page = kuzot.Request("GET", "/public/statements/" + csp_statement);
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.headers["content-type"], "text/html; charset=utf-8");
  const std::string& policy = page.headers["content-security-policy"];
  EXPECT_EQ(policy.rfind("default-src 'none'; style-src 'sha256-", 0), 0u) << policy;
  EXPECT_EQ(policy.find("script"), std::string::npos) << policy;
  EXPECT_NE(policy.find("frame-ancestors 'none'"), std::string::npos);
  size_t items = 0;
  for (size_t at = page.body.find("<li>"); at != std::string::npos;
       at = page.body.find("<li>", at + 1)) {
    ++items;
  }
  EXPECT_EQ(items, 35u);
  EXPECT_NE(page.body.find("Signed by (35)"), std::string::npos);

  // Signed in: the submissions the demo records as sent to the Ombudsman,
  // the Prosecutor General, the President's Office and the Security Council
  // were frozen when the demo was loaded, and are intact.
  kuzot.ActAs("coordinator");
  auto subs = kuzot.Request("GET", "/api/v1/submissions?status=sent");
  ASSERT_EQ(subs.status, 200);
  Json sent = subs.json();
  ASSERT_EQ(sent["items"].size(), 4u);
  for (const auto& s : sent["items"]) {
    EXPECT_EQ(s["sent"]["recorded_after_sending"], true);
    auto package =
        kuzot.Request("GET", "/api/v1/submissions/" + s["id"].get<std::string>() + "/package");
    ASSERT_EQ(package.status, 200);
    EXPECT_EQ(package.json()["intact"], true);
    EXPECT_EQ(package.json()["items"].size(), 7u);
  }
  auto dashboard = kuzot.Request("GET", "/api/v1/casework/recommendation-dashboard");
  ASSERT_EQ(dashboard.status, 200);
  EXPECT_GE(dashboard.json()["total"].get<int>(), 15);
}

}  // namespace
}  // namespace kuzot::testing
