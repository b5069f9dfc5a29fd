#include <sqlite3.h>

#include <sstream>

#include "test_db.h"

namespace kuzot::records {
namespace {

using BundleTest = DatabaseTest;

TEST_F(BundleTest, ExportImportRoundTripsExactly) {
  Json event = MustCreate("event", {{"title", "Batken"}});
  Json person = MustCreate("person", {{"names", {{{"value", "Ташиева Гүлзат"}}}}});
  MustCreate("act", {{"type", "injury"}, {"event_id", event["id"]},
                     {"victim_person_id", person["id"]}});
  ASSERT_TRUE(service_->Patch(caller_, "event", event["id"].get<std::string>(),
                              {{"description", "more"}}).ok());
  ASSERT_TRUE(service_->Delete(caller_, "person", person["id"].get<std::string>()).ok());
  std::stringstream first;
  ASSERT_TRUE(service_->ExportBundle(first).ok());

  auto copy = RecordService::Open((dir_ / "copy.db").string());
  ASSERT_TRUE(copy.ok());
  std::stringstream in(first.str());
  auto report = copy.value()->ImportBundle(in, caller_);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->records, 3);
  EXPECT_EQ(report->revisions, 5);
  std::stringstream second;
  ASSERT_TRUE(copy.value()->ExportBundle(second).ok());
  EXPECT_EQ(first.str(), second.str());
}

TEST_F(BundleTest, HandWrittenBundleWithKeys) {
  std::stringstream in(R"({"format":"kuzot-bundle","version":1,"records":[
    {"key":"act1","type":"act","body":{"type":"killing","event_id":"@ev","victim_person_id":"@p"}},
    {"key":"ev","type":"event","body":{"title":"Batken"}},
    {"key":"p","type":"person","body":{"names":[{"value":"Fictional Person"}]}}]})");
  auto report = service_->ImportBundle(in, caller_);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->records, 3);
}

// The import reads a bundle in one pass; members in another order than
// ExportBundle's (records before format, version and vocabularies,
// revisions before records) are held until what they need has been read.
TEST_F(BundleTest, MembersInAnyOrderImportTheSame) {
  Json event = MustCreate("event", {{"title", "Batken"}});
  MustCreate("act",
             {{"type", "injury"}, {"event_id", event["id"]}, {"object", {{"kind", "house"}}}});
  ASSERT_TRUE(
      service_->Patch(caller_, "event", event["id"].get<std::string>(), {{"description", "more"}})
          .ok());
  std::stringstream exported;
  ASSERT_TRUE(service_->ExportBundle(exported).ok());
  Json bundle = Json::parse(exported.str());
  bundle["vocabularies"].push_back({{"vocabulary", "act_type"},
                                    {"code", "forced_labour"},
                                    {"labels", {{"en", "Forced labour"}}}});
  bundle["records"].push_back(
      {{"type", "act"},
       {"body",
        {{"type", "forced_labour"}, {"event_id", event["id"]}, {"object", {{"kind", "house"}}}}}});
  Json reordered = Json::object();
  for (const char* member : {"revisions", "records", "vocabularies", "version", "format"}) {
    reordered[member] = bundle[member];
  }
  auto copy = RecordService::Open((dir_ / "copy.db").string());
  ASSERT_TRUE(copy.ok());
  auto report = copy.value()->ImportBundle(std::string_view(reordered.dump()), caller_);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->records, 3);
  EXPECT_EQ(report->revisions, 3);  // the new act has none in the bundle
  EXPECT_EQ(copy.value()->CountRecords("act").value(), 2);
  auto history = copy.value()->History(caller_, "event", event["id"].get<std::string>());
  ASSERT_TRUE(history.ok()) << history.status().ToString();
  EXPECT_EQ(history.value()["revisions"].size(), 2u);

  // The same members without format first: refused before anything is written.
  Json headless = bundle;
  headless.erase("format");
  auto copy2 = RecordService::Open((dir_ / "copy2.db").string());
  ASSERT_TRUE(copy2.ok());
  EXPECT_EQ(
      copy2.value()->ImportBundle(std::string_view(headless.dump()), caller_).status().field(),
      "format");
}

// Without a history in the bundle each record's first revision is itself,
// added at the end of the import, with its statistics row.
TEST_F(BundleTest, RecordsWithoutHistoryGetTheirCreateRevision) {
  std::string text = R"({"format":"kuzot-bundle","version":1,"records":[
    {"key":"ev","type":"event","body":{"title":"Batken"}},
    {"type":"act","revision":3,"body":{"type":"killing","event_id":"@ev","date":"2021-04-29","object":{"kind":"house"}}}]})";
  auto report = service_->ImportBundle(std::string_view(text), caller_);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->records, 2);
  EXPECT_EQ(report->revisions, 0);
  ListParams params;
  auto acts = service_->List(caller_, "act", params);
  ASSERT_TRUE(acts.ok());
  ASSERT_EQ(acts.value()["items"].size(), 1u);
  auto history =
      service_->History(caller_, "act", acts.value()["items"][0]["id"].get<std::string>());
  ASSERT_TRUE(history.ok()) << history.status().ToString();
  const Json& revisions = history.value()["revisions"];
  ASSERT_EQ(revisions.size(), 1u);
  EXPECT_EQ(revisions[0]["op"], "create");
  EXPECT_EQ(revisions[0]["revision"], 3);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2((dir_ / "kuzot.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr),
            SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(
      sqlite3_prepare_v2(db, "SELECT act_type, date, revision FROM stat_acts", -1, &stmt, nullptr),
      SQLITE_OK);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)), "killing");
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 1)), "2021-04-29");
  EXPECT_EQ(sqlite3_column_int(stmt, 2), 3);
  EXPECT_EQ(sqlite3_step(stmt), SQLITE_DONE);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}

TEST_F(BundleTest, BadBundleImportsNothing) {
  std::stringstream in(R"({"format":"kuzot-bundle","version":1,"records":[
    {"key":"ev","type":"event","body":{"title":"Fine"}},
    {"key":"bad","type":"act","body":{"type":"killing","event_id":"@nowhere"}}]})");
  auto report = service_->ImportBundle(in, caller_);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().field(), "records[1].body.event_id");
  EXPECT_EQ(service_->CountRecords("event").value(), 0);

  // Found by fuzzing: a history for a record the bundle does not bring
  // added revisions to whatever record had that id (or hit a unique key).
  Json event = MustCreate("event", {{"title", "Already here"}});
  std::string id = event["id"];
  std::stringstream foreign(R"({"format":"kuzot-bundle","version":1,"records":[
    {"id":"01ARZ3NDEKTSV4RRFFQ69G5FAV","type":"event","revision":2,"body":{"title":"B"}}],
    "revisions":[{"id":"01ARZ3NDEKTSV4RRFFQ69G5FAV","type":"event","revision":1,"body":{"title":"A"}},
    {"id":")" + id + R"(","type":"event","revision":7,"body":{"title":"Forged"}}]})");
  report = service_->ImportBundle(foreign, caller_);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().field(), "revisions[1].id");
  EXPECT_EQ(service_->CountRecords("event").value(), 1);

  std::stringstream twice(R"({"format":"kuzot-bundle","version":1,"records":[
    {"id":"01ARZ3NDEKTSV4RRFFQ69G5FAV","type":"event","revision":1,"body":{"title":"A"}}],
    "revisions":[{"id":"01ARZ3NDEKTSV4RRFFQ69G5FAV","type":"event","revision":1,"body":{"title":"A"}},
    {"id":"01ARZ3NDEKTSV4RRFFQ69G5FAV","type":"event","revision":1,"body":{"title":"A"}}]})");
  EXPECT_EQ(service_->ImportBundle(twice, caller_).status().field(), "revisions[1].revision");

  std::stringstream broken("{\"format\": ");
  EXPECT_EQ(service_->ImportBundle(broken, caller_).status().code(),
            StatusCode::kInvalidArgument);
}

// A dangling reference is reported at the record that holds it, whether
// the bundle names that record by id, by key or not at all; records already
// stored (or named twice) are skipped, not replaced.
TEST_F(BundleTest, DanglingReferenceNamesItsRecordAndKnownRecordsAreSkipped) {
  std::stringstream by_id(R"({"format":"kuzot-bundle","version":1,"records":[
    {"id":"01ARZ3NDEKTSV4RRFFQ69G5FAV","type":"event","body":{"title":"Fine"}},
    {"id":"01ARZ3NDEKTSV4RRFFQ69G5FAW","type":"act","body":{"type":"injury","object":{"kind":"house"},
     "event_id":"01ARZ3NDEKTSV4RRFFQ69G5FAX"}}]})");
  auto report = service_->ImportBundle(by_id, caller_);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().field(), "records[1].body.event_id");
  std::stringstream unnamed(R"({"format":"kuzot-bundle","version":1,"records":[
    {"type":"event","body":{"title":"Fine"}},
    {"type":"act","body":{"type":"injury","object":{"kind":"house"},
     "event_id":"01ARZ3NDEKTSV4RRFFQ69G5FAX"}}]})");
  report = service_->ImportBundle(unnamed, caller_);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().field(), "records[1].body.event_id");
  EXPECT_EQ(service_->CountRecords("event").value(), 0);

  Json event = MustCreate("event", {{"title", "Already here"}});
  std::string id = event["id"];
  std::stringstream known(R"({"format":"kuzot-bundle","version":1,"records":[
    {"id":")" + id + R"(","type":"event","body":{"title":"Replaced?"}},
    {"id":"01ARZ3NDEKTSV4RRFFQ69G5FAV","type":"event","body":{"title":"New"}},
    {"id":"01ARZ3NDEKTSV4RRFFQ69G5FAV","type":"event","body":{"title":"Twice"}}]})");
  report = service_->ImportBundle(known, caller_);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->records, 1);
  EXPECT_EQ(report->skipped, 2);
  EXPECT_EQ(service_->CountRecords("event").value(), 2);
  auto kept = service_->Get(caller_, "event", id);
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(kept.value()["title"], "Already here");
}

// A bundle of `n` events "Fictional event i" (unnamed), `extra` appended
// to the records list, and `tail` appended to the top-level object.
std::string EventBundle(int n, const std::string& extra = "", const std::string& tail = "") {
  std::string text = R"({"format":"kuzot-bundle","version":1,"records":[)";
  for (int i = 0; i < n; ++i) {
    text += (i ? "," : "");
    text += R"({"type":"event","body":{"title":"Fictional event )" + std::to_string(i) + R"("}})";
  }
  return text + extra + "]" + tail + "}";
}

// Large enough for bulk mode and many batches handed from the parsing
// thread to the writing one: the records keep the bundle's order, an
// error anywhere names its own element and leaves nothing written, and
// one the writing thread meets stops the parsing thread.
TEST_F(BundleTest, LargeBundlesKeepTheirOrderAndFailWhole) {
  constexpr int kEvents = 6000;
  auto bad = service_->ImportBundle(
      std::string_view(EventBundle(kEvents, R"(,{"type":"event","body":{"title":7}})")), caller_);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().field(), "records[6000].body.title") << bad.status().ToString();
  EXPECT_EQ(service_->CountRecords("event").value(), 0);

  // Met by the writing thread while the parser is far ahead: a bad
  // vocabulary term before the records.
  std::string text = EventBundle(kEvents);
  std::string bad_term = text;
  bad_term.insert(bad_term.find("\"records\""),
                  R"("vocabularies":[{"vocabulary":"act_type","code":"x"}],)");
  bad = service_->ImportBundle(std::string_view(bad_term), caller_);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().field(), "vocabularies[0].labels");
  EXPECT_EQ(service_->CountRecords("event").value(), 0);

  // A reference to nothing from an unnamed record deep in the bundle.
  bad = service_->ImportBundle(
      std::string_view(EventBundle(
          kEvents,
          R"(,{"type":"act","body":{"type":"injury","object":{"kind":"house"},"event_id":"01ARZ3NDEKTSV4RRFFQ69G5FAX"}})")),
      caller_);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().field(), "records[6000].body.event_id");
  EXPECT_EQ(service_->CountRecords("event").value(), 0);

  // The same id twice within one batch: written once, skipped once.
  std::string twice = R"(,{"id":"01ARZ3NDEKTSV4RRFFQ69G5FAV","type":"event","body":{"title":"A"}},)"
                      R"({"id":"01ARZ3NDEKTSV4RRFFQ69G5FAV","type":"event","body":{"title":"B"}})";
  auto report = service_->ImportBundle(std::string_view(EventBundle(kEvents, twice)), caller_);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->records, kEvents + 1);
  EXPECT_EQ(report->skipped, 1);
  EXPECT_EQ(service_->Get(caller_, "event", "01ARZ3NDEKTSV4RRFFQ69G5FAV").value()["title"], "A");
  // Written in the bundle's order, each with its create revision.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2((dir_ / "kuzot.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr),
            SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(
      sqlite3_prepare_v2(db,
                         "SELECT json_extract(body,'$.title'), (SELECT count(*) FROM revisions "
                         "v WHERE v.record_id=r.id) FROM records r ORDER BY seq",
                         -1, &stmt, nullptr),
      SQLITE_OK);
  int i = 0;
  for (; sqlite3_step(stmt) == SQLITE_ROW; ++i) {
    std::string title = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    ASSERT_EQ(title, i < kEvents ? "Fictional event " + std::to_string(i) : "A");
    ASSERT_EQ(sqlite3_column_int(stmt, 1), 1) << title;
  }
  EXPECT_EQ(i, kEvents + 1);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}

}  // namespace
}  // namespace kuzot::records
