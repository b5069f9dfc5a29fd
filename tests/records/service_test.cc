#include "test_db.h"

namespace kuzot::records {
namespace {

using ServiceTest = DatabaseTest;

TEST_F(ServiceTest, CreateReadUpdateDeleteWithHistory) {
  Json event = MustCreate("event", {{"title", "Batken armed conflict"},
                                    {"start_date", "2021-04-29"},
                                    {"end_date", "2021-05-02"}});
  std::string id = event["id"];
  EXPECT_EQ(event["revision"], 1);
  EXPECT_EQ(event["confidentiality"], "internal");
  EXPECT_EQ(event["created_by"], "tester");

  auto updated = service_->Patch(caller_, "event", id, {{"description", "Clashes on the border"}});
  ASSERT_TRUE(updated.ok()) << updated.status().ToString();
  EXPECT_EQ(updated.value()["revision"], 2);
  EXPECT_EQ(updated.value()["title"], "Batken armed conflict");

  // A stale revision is refused: no lost update.
  Json stale = event;
  stale["title"] = "Something else";
  auto conflict = service_->Replace(caller_, "event", id, stale);
  EXPECT_EQ(conflict.status().code(), StatusCode::kConflict);

  ASSERT_TRUE(service_->Delete(caller_, "event", id).ok());
  auto got = service_->Get(caller_, "event", id);
  ASSERT_TRUE(got.ok());
  EXPECT_TRUE(got.value()["deleted"].get<bool>());

  auto history = service_->History(caller_, "event", id);
  ASSERT_TRUE(history.ok());
  const Json& revisions = history.value()["revisions"];
  ASSERT_EQ(revisions.size(), 3u);
  EXPECT_EQ(revisions[0]["op"], "create");
  EXPECT_EQ(revisions[1]["changes"][0]["field"], "description");
  EXPECT_EQ(revisions[2]["op"], "delete");

  ASSERT_TRUE(service_->Restore(caller_, "event", id).ok());
  EXPECT_FALSE(service_->Get(caller_, "event", id).value()["deleted"].get<bool>());
}

TEST_F(ServiceTest, ValidationNamesTheField) {
  struct Case {
    std::string type;
    Json body;
    std::string field;
  };
  std::vector<Case> cases = {
      {"event", Json::object(), "title"},
      {"event", {{"title", "x"}, {"colour", "red"}}, "colour"},
      {"event", {{"title", 5}}, "title"},
      {"event", {{"title", "x"}, {"start_date", "2021-02-30"}}, "start_date"},
      {"event", {{"title", "x"}, {"start_date", "2021-05"}, {"end_date", "2021-04"}}, "end_date"},
      {"event", {{"title", "x"}, {"parent_id", "01ARZ3NDEKTSV4RRFFQ69G5FAV"}}, "parent_id"},
      {"person", {{"names", Json::array({{{"value", "A"}, {"script", "Klingon"}}})}},
       "names[0].script"},
      {"person", {{"names", Json::array()}}, "names"},
      {"person", {{"names", Json::array({{{"value", "A"}}})}, {"age_at_event", 300}},
       "age_at_event"},
      {"place", {{"name", "Batken"}, {"level", "oblast"}, {"latitude", 40.0}}, "longitude"},
      {"act", {{"type", "killing"}}, "event_id"},
      {"claim", {{"indicator", "killed"}}, "event_id"},
  };
  for (const auto& c : cases) {
    auto r = service_->Create(caller_, c.type, c.body);
    ASSERT_FALSE(r.ok()) << c.body.dump();
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << c.body.dump();
    EXPECT_EQ(r.status().field(), c.field) << c.body.dump() << " " << r.status().ToString();
  }
  // Nothing was written.
  EXPECT_EQ(service_->CountRecords("event").value(), 0);
}

TEST_F(ServiceTest, ReferencesMustExistAndHaveTheRightType) {
  Json event = MustCreate("event", {{"title", "June 2010 events"}});
  Json place = MustCreate("place", {{"name", "Osh"}, {"level", "city"}});
  Json person = MustCreate("person", {{"names", {{{"value", "Тестова Айгүл"}}}}});
  auto wrong = service_->Create(caller_, "act", {{"type", "killing"},
                                                 {"event_id", place["id"]},
                                                 {"victim_person_id", person["id"]}});
  EXPECT_EQ(wrong.status().field(), "event_id");
  Json act = MustCreate("act", {{"type", "killing"},
                                {"event_id", event["id"]},
                                {"victim_person_id", person["id"]},
                                {"place_id", place["id"]}});
  auto links = service_->Links(caller_, "event", event["id"].get<std::string>());
  ASSERT_TRUE(links.ok());
  ASSERT_EQ(links.value()["referenced_by"].size(), 1u);
  EXPECT_EQ(links.value()["referenced_by"][0]["id"], act["id"]);
  EXPECT_EQ(links.value()["referenced_by"][0]["field"], "event_id");
}

TEST_F(ServiceTest, ParentCyclesAreRefused) {
  Json a = MustCreate("place", {{"name", "Kyrgyzstan"}, {"level", "country"}});
  Json b = MustCreate("place", {{"name", "Batken oblast"}, {"level", "oblast"}, {"parent_id", a["id"]}});
  auto cycle = service_->Patch(caller_, "place", a["id"].get<std::string>(), {{"parent_id", b["id"]}});
  EXPECT_EQ(cycle.status().field(), "parent_id");
  EXPECT_NE(cycle.status().message().find("ancestor"), std::string::npos);
}

TEST_F(ServiceTest, ListFiltersSortsAndPages) {
  Json event = MustCreate("event", {{"title", "Batken"}});
  Json other = MustCreate("event", {{"title", "October 2020"}});
  for (int i = 0; i < 7; ++i) {
    MustCreate("act", {{"type", i % 2 ? "killing" : "injury"},
                       {"event_id", i < 5 ? event["id"] : other["id"]},
                       {"object", {{"kind", "house"}, {"count", i + 1}}}});
  }
  ListParams params;
  params.filters = {{"event_id", event["id"]}};
  params.limit = 2;
  params.with_total = true;
  std::vector<std::string> seen;
  for (int page = 0; page < 5; ++page) {
    auto r = service_->List(caller_, "act", params);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r.value()["total"], 5);
    for (const auto& item : r.value()["items"]) seen.push_back(item["id"]);
    if (r.value()["next_cursor"].is_null()) break;
    params.cursor = r.value()["next_cursor"];
  }
  EXPECT_EQ(seen.size(), 5u);
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));

  ListParams by_type;
  by_type.filters = {{"type", "killing"}};
  by_type.sort = "-id";
  auto killings = service_->List(caller_, "act", by_type);
  ASSERT_TRUE(killings.ok());
  EXPECT_EQ(killings.value()["items"].size(), 3u);

  ListParams bad;
  bad.filters = {{"colour", "red"}};
  EXPECT_EQ(service_->List(caller_, "act", bad).status().field(), "colour");
  bad.filters.clear();
  bad.cursor = "garbage!";
  EXPECT_EQ(service_->List(caller_, "act", bad).status().field(), "cursor");
}

TEST_F(ServiceTest, VocabulariesAreEditableData) {
  auto v = service_->Vocabulary("act_type");
  ASSERT_TRUE(v.ok());
  EXPECT_GE(v.value()["terms"].size(), 9u);
  EXPECT_EQ(v.value()["terms"][0]["labels"]["ky"], "Өлтүрүү");
  Json event = MustCreate("event", {{"title", "X"}});
  Json act = {{"type", "forced_labour"}, {"event_id", event["id"]},
              {"object", {{"kind", "house"}}}};
  EXPECT_EQ(service_->Create(caller_, "act", act).status().field(), "type");
  ASSERT_TRUE(service_
                  ->PutVocabularyTerm(caller_, "act_type", "forced_labour",
                                      {{"labels", {{"en", "Forced labour"},
                                                   {"ru", "Принудительный труд"},
                                                   {"ky", "Мажбурлап иштетүү"}}}})
                  .ok());
  EXPECT_TRUE(service_->Create(caller_, "act", act).ok());
}

}  // namespace
}  // namespace kuzot::records
