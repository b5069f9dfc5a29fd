// Merges of persons through the real server over HTTP: the records that
// refer to an absorbed person (acts, a secret act, a case's clients and
// lawyers, a source's sensitive "given by") follow it to the survivor in
// the merge's transaction, the absorbed person stays resolvable as a
// tombstone, the audit log says what changed, and unmerge points them back.
// Then kill -9 at the points between the records and linkage.db: after a
// restart lists and merges are whole or absent, never half.
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <thread>

#include "common/base64.h"
#include "kuzot_process.h"

namespace kuzot::testing {
namespace {

// Fictional people.
const char kList[] =
    "ФИО,Год\n"
    "Абдыкадырова Айзада,1990\n"
    "Жумабеков Нурбек,1985\n"
    "Осмонова Гулзат,1995\n";

class LinkageMergeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = TestDir("linkage_merge");
    Start();
  }

  void Start(const std::string& fail_point = "") {
    kuzot_ = std::make_unique<KuzotProcess>(dir_);
    if (!fail_point.empty()) kuzot_->SetEnv("KUZOT_FAIL_POINT", fail_point);
    ASSERT_TRUE(kuzot_->Start()) << kuzot_->stderr_text();
  }

  // The server dies at `fail_point` during `method target body`; then it
  // is started again without it.
  void CrashDuring(const std::string& fail_point, const std::string& method,
                   const std::string& target, const Json& body) {
    kuzot_->Stop();
    Start(fail_point);
    auto r = kuzot_->Request(method, target, body.is_null() ? "" : body.dump());
    EXPECT_LE(r.status, 0) << "the server answered instead of dying: " << r.body;
    kuzot_->Kill();
    Start();
  }

  std::string Create(const std::string& plural, const Json& body) {
    auto r = kuzot_->Request("POST", "/api/v1/" + plural, body.dump());
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json().value("id", "");
  }
  Json Get(const std::string& plural, const std::string& id) {
    auto r = kuzot_->Request("GET", "/api/v1/" + plural + "/" + id);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json();
  }
  HttpResult Merge(const std::string& survivor, const std::string& absorbed) {
    return kuzot_->Request("POST", "/api/v1/linkage/merges",
                           Json{{"survivor_id", survivor}, {"absorbed_ids", {absorbed}}}.dump());
  }
  Json Merges() { return kuzot_->Request("GET", "/api/v1/linkage/merges").json()["items"]; }
  Json Lists() { return kuzot_->Request("GET", "/api/v1/linkage/lists").json()["items"]; }
  int64_t Persons() {
    return kuzot_->Request("GET", "/api/v1/persons?total=true&limit=1").json().value("total", -1);
  }

  std::filesystem::path dir_;
  std::unique_ptr<KuzotProcess> kuzot_;
};

TEST_F(LinkageMergeTest, ReferencesFollowTheMergeAndComeBackOnUndo) {
  const std::string survivor = Create("persons", {{"names", {{{"value", "Aizada Abdykadyrova"}}}}});
  const std::string absorbed = Create("persons", {{"names", {{{"value", "Абдыкадырова Айзада"}}}}});
  const std::string other = Create("persons", {{"names", {{{"value", "Нурбек Жумабеков"}}}}});
  const std::string event = Create("events", {{"title", "Shelling of Kök-Tash"}});
  const std::string act =
      Create("acts", {{"type", "injury"}, {"event_id", event}, {"victim_person_id", absorbed}});
  const std::string secret_act = Create("acts", {{"type", "torture"},
                                                 {"event_id", event},
                                                 {"victim_person_id", absorbed},
                                                 {"perpetrator_person_id", other},
                                                 {"confidentiality", "secret"}});
  const std::string kase = Create("cases", {{"title", "Injuries at Kök-Tash"},
                                            {"case_type", "rehabilitation"},
                                            {"clients", {{{"person_id", absorbed}}}},
                                            {"lawyer_ids", {survivor, absorbed, other}}});
  const std::string source = Create(
      "sources", {{"title", "Interview"}, {"kind", "interview"}, {"given_by_person_id", absorbed}});

  auto merged = Merge(survivor, absorbed);
  ASSERT_EQ(merged.status, 201) << merged.body;
  const Json merge = merged.json();
  const std::string merge_id = merge["id"];
  EXPECT_EQ(merge["repointed"].size(), 5u) << merge.dump();
  EXPECT_EQ(merge["repointed_hidden"], 0);

  EXPECT_EQ(Get("acts", act)["victim_person_id"], survivor);
  EXPECT_EQ(Get("acts", secret_act)["victim_person_id"], survivor);
  EXPECT_EQ(Get("acts", secret_act)["perpetrator_person_id"], other);
  Json c = Get("cases", kase);
  EXPECT_EQ(c["clients"][0]["person_id"], survivor);
  EXPECT_EQ(c["lawyer_ids"], Json({survivor, other})) << "the survivor is listed once";
  EXPECT_EQ(Get("sources", source)["given_by_person_id"], survivor);
  // The secret act is found by its (blind) reference to the survivor too.
  auto links = kuzot_->Request("GET", "/api/v1/persons/" + survivor + "/links").json();
  std::set<std::string> referrers;
  for (const auto& l : links["referenced_by"]) referrers.insert(l["id"]);
  EXPECT_TRUE(referrers.count(act) && referrers.count(secret_act) && referrers.count(kase))
      << links.dump();
  // The absorbed person resolves to the survivor.
  Json tombstone = Get("persons", absorbed);
  EXPECT_TRUE(tombstone["deleted"]);
  EXPECT_EQ(tombstone["merged_into"], survivor);
  // A client may not forge a tombstone.
  auto forged =
      kuzot_->Request("PATCH", "/api/v1/persons/" + other, Json{{"merged_into", survivor}}.dump());
  EXPECT_EQ(forged.status, 400) << forged.body;
  // The audit log says what the merge changed.
  auto audit =
      kuzot_->Request("GET", "/api/v1/audit?action=record.merge&target=merge/" + merge_id).json();
  ASSERT_EQ(audit["items"].size(), 1u) << audit.dump();
  Json detail = audit["items"][0]["detail"];
  if (detail.is_string()) detail = Json::parse(detail.get<std::string>());
  EXPECT_EQ(detail["repointed"].size(), 5u) << detail.dump();
  EXPECT_EQ(detail["survivor"]["id"], survivor);
  auto updates =
      kuzot_->Request("GET", "/api/v1/audit?action=record.update&target=act/" + act).json();
  EXPECT_EQ(updates["items"].size(), 1u) << updates.dump();

  // Someone without clearance for secret records merges: the secret act is
  // repointed all the same, and only counted in the answer.
  const std::string a2 = Create("persons", {{"names", {{{"value", "Gulzat Osmonova"}}}}});
  const std::string b2 = Create("persons", {{"names", {{{"value", "Осмонова Гулзат"}}}}});
  const std::string hidden_act = Create("acts", {{"type", "torture"},
                                                 {"event_id", event},
                                                 {"victim_person_id", b2},
                                                 {"confidentiality", "secret"}});
  ASSERT_TRUE(kuzot_->ActAs("documenter"));
  auto by_documenter = Merge(a2, b2);
  ASSERT_EQ(by_documenter.status, 201) << by_documenter.body;
  EXPECT_EQ(by_documenter.json()["repointed"].size(), 0u) << by_documenter.body;
  EXPECT_EQ(by_documenter.json()["repointed_hidden"], 1);
  ASSERT_TRUE(kuzot_->ActAs("admin"));
  EXPECT_EQ(Get("acts", hidden_act)["victim_person_id"], a2);

  // Undo: every reference back, the absorbed person alive again.
  auto undone = kuzot_->Request("POST", "/api/v1/linkage/merges/" + merge_id + "/undo");
  ASSERT_EQ(undone.status, 201) << undone.body;
  EXPECT_EQ(undone.json()["pointed_back"].size(), 5u) << undone.body;
  EXPECT_EQ(undone.json()["skipped"].size(), 0u) << undone.body;
  EXPECT_EQ(Get("acts", act)["victim_person_id"], absorbed);
  EXPECT_EQ(Get("acts", secret_act)["victim_person_id"], absorbed);
  c = Get("cases", kase);
  EXPECT_EQ(c["clients"][0]["person_id"], absorbed);
  EXPECT_EQ(c["lawyer_ids"], Json({survivor, absorbed, other}));
  EXPECT_EQ(Get("sources", source)["given_by_person_id"], absorbed);
  Json back = Get("persons", absorbed);
  EXPECT_FALSE(back["deleted"]);
  EXPECT_FALSE(back.contains("merged_into")) << back.dump();
  EXPECT_EQ(kuzot_->Request("GET", "/api/v1/audit?action=record.unmerge&target=merge/" + merge_id)
                .json()["items"]
                .size(),
            1u);

  // A reference changed by hand after the merge keeps that change on undo.
  auto again = Merge(survivor, absorbed);
  ASSERT_EQ(again.status, 201) << again.body;
  auto edit =
      kuzot_->Request("PATCH", "/api/v1/acts/" + act, Json{{"victim_person_id", other}}.dump());
  ASSERT_EQ(edit.status, 200) << edit.body;
  auto undone2 = kuzot_->Request(
      "POST", "/api/v1/linkage/merges/" + again.json()["id"].get<std::string>() + "/undo");
  ASSERT_EQ(undone2.status, 201) << undone2.body;
  ASSERT_EQ(undone2.json()["skipped"].size(), 1u) << undone2.body;
  EXPECT_EQ(undone2.json()["skipped"][0]["id"], act);
  EXPECT_EQ(Get("acts", act)["victim_person_id"], other);
  EXPECT_EQ(Get("acts", secret_act)["victim_person_id"], absorbed);
}

TEST_F(LinkageMergeTest, KillNineBetweenRecordsAndLinkageStoreLeavesNothingHalfDone) {
  const Json import = {{"filename", "monitors.csv"},
                       {"content_base64", Base64Encode(kList)},
                       {"columns", {{"ФИО", "full_name"}, {"Год", "birth_year"}}}};
  // Killed after the intent, before the records: nothing of the list.
  CrashDuring("list-noted", "POST", "/api/v1/linkage/lists", import);
  EXPECT_EQ(Lists().size(), 0u);
  EXPECT_EQ(Persons(), 0);
  // Killed after the records, before the list's row: the list is completed.
  CrashDuring("list-written", "POST", "/api/v1/linkage/lists", import);
  Json lists = Lists();
  ASSERT_EQ(lists.size(), 1u) << lists.dump();
  EXPECT_EQ(lists[0]["rows"], 3);
  EXPECT_EQ(lists[0]["name"], "monitors");
  EXPECT_EQ(Persons(), 3);
  // ... and its persons are the list's: a job reads all three.
  auto job = kuzot_->Request("POST", "/api/v1/linkage/jobs", "{}");
  ASSERT_EQ(job.status, 201) << job.body;
  Json done;
  for (int i = 0; i < 600; ++i) {
    done = kuzot_->Request("GET", "/api/v1/linkage/jobs/" + job.json()["id"].get<std::string>())
               .json();
    if (done["state"] == "done" || done["state"] == "failed") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(done["state"], "done") << done.dump();
  EXPECT_EQ(done["result"]["persons"], 3) << done.dump();

  const std::string survivor = Create("persons", {{"names", {{{"value", "Erlan Isakov"}}}}});
  const std::string absorbed = Create("persons", {{"names", {{{"value", "Исаков Эрлан"}}}}});
  const std::string event = Create("events", {{"title", "Shelling of Maksat"}});
  const std::string act =
      Create("acts", {{"type", "injury"}, {"event_id", event}, {"victim_person_id", absorbed}});
  const Json merge = {{"survivor_id", survivor}, {"absorbed_ids", {absorbed}}};
  // Killed before the records changed: no merge, nothing moved.
  CrashDuring("merge-noted", "POST", "/api/v1/linkage/merges", merge);
  EXPECT_EQ(Merges().size(), 0u);
  EXPECT_FALSE(Get("persons", absorbed)["deleted"]);
  EXPECT_EQ(Get("acts", act)["victim_person_id"], absorbed);
  // Killed after: the merge is there, with its decision, and undoable.
  CrashDuring("merge-written", "POST", "/api/v1/linkage/merges", merge);
  Json merges = Merges();
  ASSERT_EQ(merges.size(), 1u) << merges.dump();
  const std::string merge_id = merges[0]["id"];
  EXPECT_EQ(merges[0]["survivor_revision_after"], Get("persons", survivor)["revision"]);
  EXPECT_TRUE(Get("persons", absorbed)["deleted"]);
  EXPECT_EQ(Get("acts", act)["victim_person_id"], survivor);
  auto decisions = kuzot_
                       ->Request("GET", "/api/v1/linkage/decisions?left_id=" + survivor +
                                            "&right_id=" + absorbed)
                       .json();
  ASSERT_EQ(decisions["items"].size(), 1u) << decisions.dump();
  EXPECT_EQ(decisions["items"][0]["decision"], "same");
  // Killed after the undo's records: the merge reads as undone after restart.
  CrashDuring("unmerge-written", "POST", "/api/v1/linkage/merges/" + merge_id + "/undo", Json());
  merges = Merges();
  ASSERT_EQ(merges.size(), 1u);
  EXPECT_TRUE(merges[0]["undone"]) << merges.dump();
  EXPECT_FALSE(Get("persons", absorbed)["deleted"]);
  EXPECT_EQ(Get("acts", act)["victim_person_id"], absorbed);
  EXPECT_EQ(kuzot_->Request("POST", "/api/v1/linkage/merges/" + merge_id + "/undo").status, 409);
}

// Where the persons disagree, the answer says what each one said: the
// survivor's value stays, the other is shown so that a reviewer can see
// what was set aside. Fields only one of them has are simply taken.
TEST_F(LinkageMergeTest, DisagreementsShowBothValues) {
  const std::string survivor = Create("persons", {{"names", {{{"value", "Бакыт кызы Айгерим"}}}},
                                                  {"birth_date", "1994"},
                                                  {"occupation", "teacher"}});
  const std::string absorbed = Create("persons", {{"names", {{{"value", "Aigerim Bakytovna"}}}},
                                                  {"birth_date", "1995-03-02"},
                                                  {"occupation", "teacher"},
                                                  {"sex", "female"}});
  auto merged = Merge(survivor, absorbed);
  ASSERT_EQ(merged.status, 201) << merged.body;
  const Json conflicts = merged.json()["conflicts"];
  ASSERT_EQ(conflicts.size(), 1u) << conflicts.dump();
  EXPECT_EQ(conflicts[0]["field"], "birth_date");
  EXPECT_EQ(conflicts[0]["person_id"], absorbed);
  EXPECT_EQ(conflicts[0]["kept"], "1994");
  EXPECT_EQ(conflicts[0]["other"], "1995-03-02");
  Json person = Get("persons", survivor);
  EXPECT_EQ(person["birth_date"], "1994");
  EXPECT_EQ(person["sex"], "female") << "a field only the absorbed person had is taken";
  EXPECT_EQ(person["names"].size(), 2u) << person.dump();
}

}  // namespace
}  // namespace kuzot::testing
