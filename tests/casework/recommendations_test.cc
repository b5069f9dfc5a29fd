// Recommendations: assessments over time, the dashboard, what changed since
// a date, and the import of Universal Human Rights Index exports.
#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "common/clock.h"
#include "fixture.h"
#include "tabular/tabular.h"

namespace kuzot::casework {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

class RecommendationTest : public CaseworkTest {
 protected:
  Json Assessment(const std::string& date, const std::string& status) {
    return {{"date", date}, {"status", status}, {"assessed_by", "monitoring group"}};
  }
};

TEST_F(RecommendationTest, StatusIsTheLatestAssessment) {
  Json r = Create("recommendation",
                  {{"text", "Investigate all allegations of torture."}, {"issuing_body", "cat"}});
  EXPECT_EQ(r["status"], "unknown");
  EXPECT_FALSE(r.contains("status_date"));
  std::string id = r["id"];
  auto assessed = records_->Patch(lawyer_, "recommendation", id,
                                  {{"assessments",
                                    {Assessment("2022-03-01", "partially_implemented"),
                                     Assessment("2019-01", "not_implemented")}}});
  ASSERT_TRUE(assessed.ok()) << assessed.status().ToString();
  EXPECT_EQ(assessed.value()["status"], "partially_implemented");
  EXPECT_EQ(assessed.value()["status_date"], "2022-03-01");
  EXPECT_EQ(assessed.value()["assessments"][0]["date"], "2019-01") << "kept in date order";
  // The status follows the assessments; it is not set by hand.
  EXPECT_EQ(records_->Patch(lawyer_, "recommendation", id, {{"status", "fully_implemented"}})
                .status()
                .field(),
            "status");
  // Who assessed it is required.
  Status anonymous = records_
                         ->Patch(lawyer_, "recommendation", id,
                                 {{"assessments", {{{"date", "2023"}, {"status", "unknown"}}}}})
                         .status();
  EXPECT_EQ(anonymous.field(), "assessments[0].assessed_by");
  EXPECT_EQ(
      Refused("recommendation", {{"text", "x"}, {"issuing_body", "upr"}, {"sdgs", {"18"}}}).field(),
      "sdgs[0]");
  EXPECT_EQ(Refused("recommendation", {{"issuing_body", "upr"}}).field(), "text");
}

TEST_F(RecommendationTest, DashboardCountsStatusByBodyThemeSdgAndAddressee) {
  std::string mvd =
      Id("organization", {{"name", "Ministry of Internal Affairs"}, {"kind", "state_body"}});
  std::string gpo =
      Id("organization", {{"name", "General Prosecutor's Office"}, {"kind", "state_body"}});
  Create("recommendation", {{"text", "a"},
                            {"issuing_body", "organization"},
                            {"themes", {"torture"}},
                            {"sdgs", {"16", "16-3"}},
                            {"addressee_ids", {mvd, gpo}},
                            {"assessments", {Assessment("2021", "not_implemented")}}});
  Create("recommendation", {{"text", "b"},
                            {"issuing_body", "organization"},
                            {"themes", {"torture", "impunity"}},
                            {"sdgs", {"5-2"}},
                            {"addressee_ids", {gpo}},
                            {"assessments", {Assessment("2021", "partially_implemented")}}});
  Create("recommendation", {{"text", "c"}, {"issuing_body", "upr"}, {"state_position", "noted"}});
  auto d = casework_->RecommendationDashboard(lawyer_, {});
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  const Json& dash = d.value();
  EXPECT_EQ(dash["total"], 3);
  EXPECT_EQ(dash["never_assessed"], 1);
  EXPECT_EQ(dash["by_status"]["not_implemented"]["count"], 1);
  EXPECT_EQ(dash["by_body"][0]["code"], "organization");
  EXPECT_EQ(dash["by_body"][0]["total"], 2);
  EXPECT_EQ(dash["by_body"][0]["by_status"]["partially_implemented"], 1);
  EXPECT_EQ(dash["by_theme"][0]["code"], "torture");
  EXPECT_EQ(dash["by_theme"][0]["total"], 2);
  // Targets roll up to their goals, each counted once per recommendation.
  EXPECT_EQ(dash["by_sdg"][0]["code"], "16");
  EXPECT_EQ(dash["by_sdg"][0]["total"], 1);
  bool goal5 = false;
  for (const auto& row : dash["by_sdg"]) goal5 |= row["code"] == "5";
  EXPECT_TRUE(goal5);
  EXPECT_EQ(dash["by_addressee"][0]["name"], "General Prosecutor's Office");
  EXPECT_EQ(dash["by_addressee"][0]["total"], 2);

  DashboardQuery targets;
  targets.sdg_targets = true;
  targets.filters = {{"themes", "impunity"}};
  auto t = casework_->RecommendationDashboard(lawyer_, targets);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t.value()["total"], 1);
  EXPECT_EQ(t.value()["by_sdg"][0]["code"], "5-2");
  DashboardQuery bad;
  bad.filters = {{"colour", "red"}};
  EXPECT_EQ(casework_->RecommendationDashboard(lawyer_, bad).status().field(), "colour");
}

TEST_F(RecommendationTest, ChangesSinceADate) {
  std::string unchanged =
      Id("recommendation", {{"text", "old and untouched"}, {"issuing_body", "cat"}});
  std::string assessed =
      Id("recommendation", {{"text", "to be assessed"}, {"issuing_body", "ccpr"}});
  std::string edited = Id("recommendation", {{"text", "text typo"}, {"issuing_body", "crc"}});
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  std::string since = NowIso8601();
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ASSERT_TRUE(records_
                  ->Patch(lawyer_, "recommendation", assessed,
                          {{"assessments", {Assessment("2024-02-01", "fully_implemented")}}})
                  .ok());
  ASSERT_TRUE(
      records_->Patch(lawyer_, "recommendation", edited, {{"text", "text, corrected"}}).ok());
  std::string created = Id("recommendation", {{"text", "new"}, {"issuing_body", "upr"}});

  auto changes = casework_->RecommendationChanges(lawyer_, since);
  ASSERT_TRUE(changes.ok()) << changes.status().ToString();
  const Json& items = changes.value()["items"];
  ASSERT_EQ(items.size(), 2u) << items.dump();
  EXPECT_EQ(items[0]["id"], assessed);
  EXPECT_EQ(items[0]["status_before"], "unknown");
  EXPECT_EQ(items[0]["status_now"], "fully_implemented");
  EXPECT_EQ(items[0]["status_changed"], true);
  EXPECT_EQ(items[0]["new_assessments"].size(), 1u);
  EXPECT_EQ(items[1]["id"], created);
  EXPECT_EQ(items[1]["created"], true);
  EXPECT_EQ(changes.value()["status_changed"], 1);
  // A day means from its start: everything here was made today.
  auto today = casework_->RecommendationChanges(lawyer_, since.substr(0, 10));
  ASSERT_TRUE(today.ok());
  EXPECT_EQ(today.value()["items"].size(), 4u);
  EXPECT_EQ(casework_->RecommendationChanges(lawyer_, "last week").status().field(), "since");
  (void)unchanged;
}

TEST_F(RecommendationTest, UhriImportMapsTheExportsColumns) {
  std::string bytes = ReadFile(KUZOT_CASEWORK_DATA "/uhri_kyrgyzstan.csv");
  ImportOptions options;
  auto report = casework_->ImportUhriFile(lawyer_, bytes, "uhri_kyrgyzstan.csv", options);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report.value()["imported"], 4);
  EXPECT_EQ(report.value()["skipped_not_recommendations"]["Concerns/Observations"], 1);
  EXPECT_EQ(report.value()["unmapped_labels"][0]["label"], "Civic space");

  records::ListParams params;
  params.filters = {{"uhri_annotation_id", "00000000-0000-4000-8000-000000000001"}};
  Json upr = records_->List(lawyer_, "recommendation", params).value()["items"][0];
  EXPECT_EQ(upr["issuing_body"], "upr");
  EXPECT_EQ(upr["paragraph"], "114.32");
  EXPECT_EQ(upr["session"], "35th Session");
  EXPECT_EQ(upr["cycle"], "3rd cycle");
  EXPECT_EQ(upr["year"], 2020) << "from the Excel day number 44014";
  EXPECT_EQ(upr["state_position"], "accepted");
  EXPECT_EQ(upr["recommending_states"], Json({"Norway", "Sweden"}));
  EXPECT_EQ(upr["themes"], Json({"torture", "impunity"}));
  EXPECT_EQ(upr["sdgs"], Json({"16-3"}));
  EXPECT_EQ(upr["confidentiality"], "public");
  params.filters = {{"uhri_annotation_id", "00000000-0000-4000-8000-000000000005"}};
  Json sr = records_->List(lawyer_, "recommendation", params).value()["items"][0];
  EXPECT_EQ(sr["issuing_body"], "special_procedures");
  EXPECT_EQ(sr["issuing_body_name"], "SR on torture");

  // Importing the same export again adds nothing.
  auto again = casework_->ImportUhriFile(lawyer_, bytes, "uhri_kyrgyzstan.csv", options);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again.value()["imported"], 0);
  EXPECT_EQ(again.value()["already_present"], 4);
  EXPECT_EQ(records_->CountRecords("recommendation").value(), 4);
}

TEST_F(RecommendationTest, UhriImportIsAllOrNothing) {
  std::string bad = ReadFile(KUZOT_CASEWORK_DATA "/uhri_bad_row.csv");
  auto report = casework_->ImportUhriFile(lawyer_, bad, "uhri_bad_row.csv", {});
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(report.status().message(),
            "uhri_bad_row.csv, row 4, column \"UPR Position\": 'Maybe' is not a UPR position Kuzot "
            "knows (Supported, Noted, Partially supported)");
  EXPECT_EQ(records_->CountRecords("recommendation").value(), 0);

  // A row the records service refuses also names its cell, and the rows
  // before it are not kept.
  ImportOptions options;
  options.addressee_ids = {"01ARZ3NDEKTSV4RRFFQ69G5FAV"};
  std::string good = ReadFile(KUZOT_CASEWORK_DATA "/uhri_kyrgyzstan.csv");
  auto refused = casework_->ImportUhriFile(lawyer_, good, "uhri_kyrgyzstan.csv", options);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("uhri_kyrgyzstan.csv, row 2: addressee_ids[0]"),
            std::string::npos)
      << refused.status().message();
  EXPECT_EQ(records_->CountRecords("recommendation").value(), 0);

  std::string no_text = "Reccomending Body,Text\n- UPR,\n";
  EXPECT_EQ(casework_->ImportUhriFile(lawyer_, no_text, "x.csv", {}).status().message(),
            "x.csv, row 2, column \"Text\": is empty: a recommendation needs its text");
  EXPECT_NE(casework_->ImportUhriFile(lawyer_, "Name,Age\nA,1\n", "people.csv", {})
                .status()
                .message()
                .find("has no \"Text\" column"),
            std::string::npos);

  ImportOptions dry;
  dry.dry_run = true;
  auto checked = casework_->ImportUhriFile(lawyer_, good, "uhri_kyrgyzstan.csv", dry);
  ASSERT_TRUE(checked.ok()) << checked.status().ToString();
  EXPECT_EQ(checked.value()["would_import"], 4);
  EXPECT_EQ(records_->CountRecords("recommendation").value(), 0);
}

TEST_F(RecommendationTest, UhriImportReadsXlsx) {
  auto table = tabular::ReadCsv(ReadFile(KUZOT_CASEWORK_DATA "/uhri_kyrgyzstan.csv"), "csv");
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  auto xlsx = tabular::XlsxBytes({{"Export", table->header, table->rows}});
  ASSERT_TRUE(xlsx.ok());
  auto report = casework_->ImportUhriFile(lawyer_, xlsx.value(), "export.xlsx", {});
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report.value()["imported"], 4);
  EXPECT_EQ(report.value()["encoding"], "xlsx");
}

}  // namespace
}  // namespace kuzot::casework
