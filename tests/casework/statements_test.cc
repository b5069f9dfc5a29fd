// Statements (publication, public view, signatory lists) and submissions
// (sending freezes the package).
#include <sstream>

#include "fixture.h"
#include "tabular/tabular.h"

namespace kuzot::casework {
namespace {

class StatementTest : public CaseworkTest {
 protected:
  void SetUp() override {
    CaseworkTest::SetUp();
    named_ = Id("organization", {{"name", "Norwegian Helsinki Committee"},
                                 {"kind", "ngo"},
                                 {"country", "NO"},
                                 {"confidentiality", "public"}});
    shy_ = Id("organization", {{"name", "A local NGO that signs quietly"},
                               {"kind", "ngo"},
                               {"confidentiality", "public"}});
    internal_ = Id("organization", {{"name", "Internal partner"}, {"kind", "ngo"}});
  }
  Json Statement(const std::string& level) {
    return Create("statement",
                  {{"title", "Kyrgyzstan: civil society appeals for dialogue"},
                   {"statement_type", "statement"},
                   {"versions",
                    {{{"version", 1}, {"language", "en"}, {"text", "We call <b>for</b> dialogue."}},
                     {{"version", 1},
                      {"language", "ru"},
                      {"title", "Кыргызстан: призыв к диалогу"},
                      {"text", "Мы призываем к диалогу."}}}},
                   {"signatories",
                    {{{"organization_id", named_}, {"signed_date", "2020-10-09"}},
                     {{"organization_id", shy_}, {"anonymous", true}},
                     {{"organization_id", internal_}}}},
                   {"confidentiality", level}});
  }
  std::string named_, shy_, internal_;
};

TEST_F(StatementTest, PublishingIsAnActionAndThePublicSeesOnlyPublishedPublicStatements) {
  std::string id = Statement("internal")["id"];
  EXPECT_EQ(casework_->PublicStatement(id).status().code(), StatusCode::kNotFound);
  // Publishing by editing the status is refused; the action does it.
  EXPECT_EQ(records_->Patch(lawyer_, "statement", id, {{"status", "published"}}).status().field(),
            "status");
  EXPECT_EQ(
      Refused("statement",
              {{"title", "x"}, {"statement_type", "statement"}, {"status", "open_for_signature"}})
          .field(),
      "versions");
  auto published = casework_->PublishStatement(lawyer_, id, {{"published_date", "2020-10-09"}});
  ASSERT_TRUE(published.ok()) << published.status().ToString();
  EXPECT_EQ(published.value()["status"], "published");
  EXPECT_EQ(published.value()["confidentiality"], "public");
  EXPECT_EQ(casework_->PublishStatement(lawyer_, id, Json::object()).status().code(),
            StatusCode::kConflict);

  auto shown = casework_->PublicStatement(id);
  ASSERT_TRUE(shown.ok()) << shown.status().ToString();
  const Json& s = shown.value();
  ASSERT_EQ(s["signatories"].size(), 1u) << s.dump();
  EXPECT_EQ(s["signatories"][0]["name"], "Norwegian Helsinki Committee");
  EXPECT_EQ(s["signatory_count"], 3);
  EXPECT_EQ(s["unnamed_signatories"], 2) << "anonymous and non-public signatories are not named";
  EXPECT_EQ(s.dump().find("quietly"), std::string::npos);
  EXPECT_EQ(s.dump().find("Internal partner"), std::string::npos);
  EXPECT_EQ(casework_->PublicStatements().value()["items"].size(), 1u);

  // What was published stays as published; a correction is a new version.
  Json versions = published.value()["versions"];
  versions[0]["text"] = "Changed after publication.";
  EXPECT_EQ(records_->Patch(lawyer_, "statement", id, {{"versions", versions}}).status().field(),
            "versions");
  versions = published.value()["versions"];
  versions.push_back({{"version", 2}, {"language", "en"}, {"text", "We call for dialogue now."}});
  ASSERT_TRUE(records_->Patch(lawyer_, "statement", id, {{"versions", versions}}).ok());
  EXPECT_EQ(casework_->PublicStatement(id).value()["versions"][0]["text"],
            "We call for dialogue now.");

  // Withdrawn statements disappear from the public.
  ASSERT_TRUE(records_->Patch(lawyer_, "statement", id, {{"status", "withdrawn"}}).ok());
  EXPECT_EQ(casework_->PublicStatement(id).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(casework_->PublicStatements().value()["items"].empty());
}

TEST_F(StatementTest, UnpublishedOrNonPublicStatementsStayHidden) {
  std::string draft = Statement("public")["id"];
  EXPECT_EQ(casework_->PublicStatement(draft).status().code(), StatusCode::kNotFound);
  std::string kept = Statement("restricted")["id"];
  ASSERT_TRUE(casework_->PublishStatement(lawyer_, kept, {{"make_public", false}}).ok());
  EXPECT_EQ(casework_->PublicStatement(kept).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(casework_->PublicStatements().value()["items"].empty());
  EXPECT_EQ(casework_->PublishStatement(lawyer_, draft, {{"colour", "red"}}).status().field(),
            "colour");
}

TEST_F(StatementTest, SignatoryListExportsAsCsvAndXlsx) {
  std::string id = Statement("internal")["id"];
  auto table = casework_->Signatories(lawyer_, id);
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  ASSERT_EQ(table->rows.size(), 3u);
  EXPECT_EQ(table->rows[0][1], "Norwegian Helsinki Committee");
  EXPECT_EQ(table->rows[0][4], "2020-10-09");
  EXPECT_EQ(table->rows[1][5], "no") << "signed without being named publicly";
  // A viewer may not see an internal statement at all.
  EXPECT_EQ(casework_->Signatories(viewer_, id).status().code(), StatusCode::kNotFound);

  auto csv = casework_->SignatoriesFile(lawyer_, id, "csv");
  ASSERT_TRUE(csv.ok());
  EXPECT_EQ(csv->bytes.substr(0, 3), "\xEF\xBB\xBF") << "a byte-order mark for Excel";
  auto read = tabular::ReadCsv(csv->bytes, "signatories.csv");
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(read->rows.size(), 3u);
  EXPECT_EQ(read->rows[2][1], "Internal partner");
  auto xlsx = casework_->SignatoriesFile(lawyer_, id, "xlsx");
  ASSERT_TRUE(xlsx.ok());
  auto sheet = tabular::ReadXlsx(xlsx->bytes, "signatories.xlsx");
  ASSERT_TRUE(sheet.ok()) << sheet.status().ToString();
  EXPECT_EQ(sheet->header, table->header);
  EXPECT_EQ(sheet->rows[0][1], "Norwegian Helsinki Committee");
  EXPECT_EQ(casework_->SignatoriesFile(lawyer_, id, "pdf").status().field(), "format");
}

class SubmissionTest : public CaseworkTest {};

TEST_F(SubmissionTest, SendingFreezesWhatThePackageSaid) {
  std::string ombudsman =
      Id("organization", {{"name", "Office of the Ombudsman"}, {"kind", "state_body"}});
  std::string victim = Id("person", {{"names", {{{"value", "Абдыкадырова Айзада"}}}},
                                     {"contact", "+996 700 000 000"},
                                     {"confidentiality", "restricted"}});
  std::string event =
      Id("event", {{"title", "Shelling of Kök-Tash"}, {"start_date", "2021-04-29"}});
  Json sub = Create("submission", {{"title", "Materials of the mission"},
                                   {"recipient_organization_id", ombudsman},
                                   {"included_record_ids", {event, victim}}});
  std::string id = sub["id"];
  EXPECT_EQ(sub["status"], "draft");
  EXPECT_EQ(records_->Patch(lawyer_, "submission", id, {{"status", "sent"}}).status().field(),
            "status");
  EXPECT_EQ(casework_->SubmissionPackage(lawyer_, id).status().code(), StatusCode::kConflict);

  auto sent =
      casework_->SendSubmission(lawyer_, id, {{"date_sent", "2021-05-27"}, {"channel", "post"}});
  ASSERT_TRUE(sent.ok()) << sent.status().ToString();
  EXPECT_EQ(sent.value()["status"], "sent");
  EXPECT_EQ(sent.value()["date_sent"], "2021-05-27");
  EXPECT_EQ(sent.value()["sent"]["items"].size(), 2u);
  EXPECT_EQ(sent.value()["sent"]["sha256"].get<std::string>().size(), 64u);
  EXPECT_EQ(casework_->SendSubmission(lawyer_, id, Json::object()).status().code(),
            StatusCode::kConflict);

  // The records change after sending; the package still says what was sent.
  ASSERT_TRUE(
      records_->Patch(lawyer_, "event", event, {{"title", "Shelling of Kök-Tash village"}}).ok());
  ASSERT_TRUE(records_->Delete(lawyer_, "event", event).ok());
  auto package = casework_->SubmissionPackage(lawyer_, id);
  ASSERT_TRUE(package.ok()) << package.status().ToString();
  const Json& p = package.value();
  EXPECT_EQ(p["intact"], true);
  EXPECT_EQ(p["items"][0]["record"]["title"], "Shelling of Kök-Tash");
  EXPECT_EQ(p["items"][0]["revision"], 1);
  EXPECT_EQ(p["items"][0]["current_revision"], 3);
  EXPECT_EQ(p["items"][0]["changed_since"], true);
  EXPECT_EQ(p["items"][1]["record"]["contact"], "+996 700 000 000");

  // What it contained cannot change, nor can the frozen package.
  EXPECT_EQ(records_->Patch(lawyer_, "submission", id, {{"included_record_ids", {victim}}})
                .status()
                .field(),
            "included_record_ids");
  EXPECT_EQ(records_->Patch(lawyer_, "submission", id, {{"sent", nullptr}}).status().field(),
            "sent");
  Json forged = sent.value();
  forged["sent"]["sha256"] = std::string(64, '0');
  EXPECT_EQ(records_->Replace(lawyer_, "submission", id, forged).status().field(), "sent");
  EXPECT_EQ(records_->Patch(lawyer_, "submission", id, {{"status", "draft"}}).status().field(),
            "status");
  // Replies and follow-ups are still recorded.
  auto replied = records_->Patch(
      lawyer_, "submission", id,
      {{"status", "replied"},
       {"replies", {{{"date", "2021-06-15"}, {"summary", "Taken under control."}}}}});
  ASSERT_TRUE(replied.ok()) << replied.status().ToString();
  EXPECT_EQ(replied.value()["sent"], sent.value()["sent"]);

  // Who may not see a record in the package learns only that it was there.
  Caller analyst = lawyer_;
  analyst.clearance = Confidentiality::kInternal;
  analyst.sees_sensitive = false;
  auto limited = casework_->SubmissionPackage(analyst, id);
  ASSERT_TRUE(limited.ok());
  EXPECT_EQ(limited.value()["items"][1]["hidden"], true);
  EXPECT_FALSE(limited.value()["items"][1].contains("record"));
}

TEST_F(SubmissionTest, SubmissionsRecordedAsSentAreFrozenWhenLoaded) {
  std::string org = Id("organization", {{"name", "Security Council"}, {"kind", "state_body"}});
  std::string event = Id("event", {{"title", "Batken"}});
  std::istringstream bundle(Json{{"format", "kuzot-bundle"},
                                 {"version", 1},
                                 {"records",
                                  {{{"key", "s"},
                                    {"type", "submission"},
                                    {"body",
                                     {{"title", "Sent on paper in 2021"},
                                      {"recipient_organization_id", org},
                                      {"status", "sent"},
                                      {"date_sent", "2021-05"},
                                      {"included_record_ids", {event}}}}}}}}
                                .dump());
  ASSERT_TRUE(records_->ImportBundle(bundle, lawyer_).ok());
  auto frozen = casework_->FreezeRecordedSubmissions(lawyer_);
  ASSERT_TRUE(frozen.ok()) << frozen.status().ToString();
  EXPECT_EQ(frozen.value(), 1);
  EXPECT_EQ(casework_->FreezeRecordedSubmissions(lawyer_).value(), 0);
  records::ListParams params;
  Json s = records_->List(lawyer_, "submission", params).value()["items"][0];
  EXPECT_EQ(s["sent"]["recorded_after_sending"], true);
  EXPECT_EQ(s["date_sent"], "2021-05");
  EXPECT_EQ(casework_->SubmissionPackage(lawyer_, s["id"].get<std::string>()).value()["intact"],
            true);
}

}  // namespace
}  // namespace kuzot::casework
