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

}  // namespace
}  // namespace kuzot::records
