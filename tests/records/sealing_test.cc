// Encryption at rest as the records service does it: what is stored, what
// callers get back, lists, search, links, re-encryption and the encryption
// of a database written before it.
#include <sqlite3.h>

#include <algorithm>
#include <fstream>
#include <tuple>

#include "crypto/crypto.h"
#include "test_db.h"

namespace kuzot::records {
namespace {

std::string FileBytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Every file of the folder, concatenated: the database, its -wal and -shm.
std::string AllBytes(const std::filesystem::path& dir) {
  std::string out;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.is_regular_file()) out += FileBytes(entry.path());
  }
  return out;
}

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// A scalar query on the raw file, bypassing the store.
std::string Scalar(const std::filesystem::path& db, const std::string& sql) {
  sqlite3* handle = nullptr;
  sqlite3_open_v2(db.c_str(), &handle, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* stmt = nullptr;
  std::string out;
  if (sqlite3_prepare_v2(handle, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
      sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0)) {
    out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(handle);
  return out;
}

class SealingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("kuzot-sealing-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_ / "data");
    key_ = dir_ / "key";
    ASSERT_TRUE(crypto::CreateKeyFile(key_.string()).ok());
    auto keyring = crypto::Keyring::Create(data().string(), source());
    ASSERT_TRUE(keyring.ok()) << keyring.status().ToString();
    keyring_ = std::move(keyring).value();
    Reopen();
  }
  void TearDown() override {
    service_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::filesystem::path data() const { return dir_ / "data"; }
  std::filesystem::path db() const { return data() / "kuzot.db"; }
  crypto::KeySource source() const { return crypto::KeySource::KeyFile(key_.string()); }

  void Reopen() {
    service_.reset();
    OpenOptions options;
    options.keyring = keyring_;
    auto opened = RecordService::Open(db().string(), options);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    service_ = std::move(opened).value();
  }

  Json MustCreate(const std::string& type, const Json& body, const Caller& caller) {
    auto r = service_->Create(caller, type, body);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r.value() : Json();
  }

  static Caller As(Confidentiality clearance, bool sensitive) {
    Caller c;
    c.user = "someone";
    c.clearance = clearance;
    c.sees_sensitive = sensitive;
    return c;
  }

  std::filesystem::path dir_;
  std::filesystem::path key_;
  std::shared_ptr<crypto::Keyring> keyring_;
  std::unique_ptr<RecordService> service_;
  Caller admin_ = Caller::System("admin");
};

TEST_F(SealingTest, SensitiveFieldsAndSecretRecordsAreStoredSealed) {
  Json person = MustCreate("person",
                           {{"names", {{{"value", "Осмонова Айгуль"}}}},
                            {"contact", "+996 555 818 272"},
                            {"address", "Kulundu, Pobedy street 14"},
                            {"private_notes", "hides with her aunt in Leilek"},
                            {"confidentiality", "restricted"}},
                           admin_);
  std::string person_id = person["id"];
  Json secret = MustCreate("event",
                           {{"title", "Operation Tulpar"},
                            {"description", "witnesses moved across the border at Kapchygay"},
                            {"start_date", "2021-05-01"},
                            {"confidentiality", "secret"}},
                           admin_);
  MustCreate("source",
             {{"title", "Interview 7"}, {"kind", "interview"}, {"given_by_person_id", person_id}},
             admin_);
  ASSERT_TRUE(service_->Patch(admin_, "person", person_id, {{"contact", "+996 700 313 131"}}).ok());
  // Read back in the clear, in the schema's order.
  auto read = service_->Get(admin_, "person", person_id);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read.value()["contact"], "+996 700 313 131");
  EXPECT_EQ(read.value()["address"], "Kulundu, Pobedy street 14");
  auto event = service_->Get(admin_, "event", secret["id"].get<std::string>());
  ASSERT_TRUE(event.ok());
  EXPECT_EQ(event.value()["title"], "Operation Tulpar");
  // Nothing of it in the files (database, WAL, shm), in any revision.
  std::string bytes = AllBytes(data());
  for (const char* needle : {"818 272", "313 131", "Pobedy", "aunt in Leilek", "Tulpar", "tulpar",
                             "Kapchygay", "kapchygay"}) {
    EXPECT_FALSE(Contains(bytes, needle)) << needle;
  }
  EXPECT_TRUE(Contains(bytes, "Осмонова"));  // a restricted name is not sensitive
  // The witness link is stored in blind form only.
  EXPECT_EQ(Scalar(db(), "SELECT count(*) FROM refs WHERE to_id='" + person_id + "'"), "0");
  EXPECT_EQ(Scalar(db(),
                   "SELECT count(*) FROM refs WHERE field='given_by_person_id' AND "
                   "to_id LIKE '~%'"),
            "1");
  EXPECT_EQ(Scalar(db(), "SELECT count(*) FROM search_text WHERE text LIKE '%Tulpar%'"), "0");
}

// An event's acts of one type, newest first: read through the list index
// over (event_id, type, date) for open records and through the references
// for secret ones, merged in order, paged by cursor; levels the caller may
// not see are neither listed nor counted.
TEST_F(SealingTest, AnEventsActsByTypeAndDateThroughTheListIndex) {
  EXPECT_EQ(Scalar(db(),
                   "SELECT count(*) FROM sqlite_master WHERE name="
                   "'lidx_act_event_id_type_date'"),
            "1");
  std::string event = MustCreate("event", {{"title", "Batken"}}, admin_)["id"];
  std::string other = MustCreate("event", {{"title", "Osh"}}, admin_)["id"];
  // No secret act yet: the open records alone, without the sealed arm.
  std::string first = MustCreate("act",
                                 {{"type", "torture"},
                                  {"event_id", other},
                                  {"date", "2021-05-04"},
                                  {"object", {{"kind", "house"}}}},
                                 admin_)["id"];
  ListParams early;
  early.filters = {{"event_id", other}, {"type", "torture"}};
  early.sort = "-date";
  early.with_total = true;
  auto only = service_->List(admin_, "act", early);
  ASSERT_TRUE(only.ok()) << only.status().ToString();
  ASSERT_EQ(only.value()["items"].size(), 1u);
  EXPECT_EQ(only.value()["items"][0]["id"], first);
  EXPECT_EQ(only.value()["total"], 1);
  struct Act {
    std::string event, type, date, level;
    bool deleted;
  };
  std::vector<Act> acts = {
      {event, "killing", "2021-04-29", "internal", false},
      {event, "killing", "2021-05-01", "secret", false},
      {event, "injury", "2021-05-02", "internal", false},
      {event, "killing", "2021-04-30", "restricted", false},
      {other, "killing", "2021-05-03", "internal", false},
      {event, "killing", "2021-04-30", "internal", false},
      {event, "killing", "2021-05-02", "internal", true},
      {event, "killing", "2021", "secret", false},
      {event, "killing", "2021-04", "public", false},
  };
  struct Row {
    std::string date, id, level;
  };
  std::vector<Row> expected;
  for (const auto& a : acts) {
    std::string id = MustCreate("act",
                                {{"type", a.type},
                                 {"event_id", a.event},
                                 {"date", a.date},
                                 {"object", {{"kind", "house"}}},
                                 {"confidentiality", a.level}},
                                admin_)["id"];
    if (a.deleted) ASSERT_TRUE(service_->Delete(admin_, "act", id).ok());
    if (a.event == event && a.type == "killing" && !a.deleted) {
      expected.push_back({a.date, id, a.level});
    }
  }
  std::sort(expected.begin(), expected.end(), [](const Row& a, const Row& b) {
    return std::tie(a.date, a.id) > std::tie(b.date, b.id);
  });
  for (const Caller& caller : {admin_, As(Confidentiality::kRestricted, true)}) {
    std::vector<std::string> want;
    for (const auto& r : expected) {
      if (caller.MaySee(r.level)) want.push_back(r.id);
    }
    ListParams params;
    params.filters = {{"event_id", event}, {"type", "killing"}};
    params.sort = "-date";
    params.limit = 2;
    params.with_total = true;
    std::vector<std::string> seen;
    for (int page = 0; page < 10; ++page) {
      auto r = service_->List(caller, "act", params);
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      EXPECT_EQ(r.value()["total"], static_cast<int>(want.size()));
      for (const auto& item : r.value()["items"]) seen.push_back(item["id"]);
      if (r.value()["next_cursor"].is_null()) break;
      params.cursor = r.value()["next_cursor"];
    }
    EXPECT_EQ(seen, want) << "clearance " << static_cast<int>(caller.clearance);
  }
  // Oldest first, without the type: the (event_id, date) index.
  ListParams ascending;
  ascending.filters = {{"event_id", other}};
  ascending.sort = "date";
  auto r = service_->List(admin_, "act", ascending);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r.value()["items"].size(), 2u);
  EXPECT_EQ(r.value()["items"][0]["date"], "2021-05-03");
  EXPECT_EQ(r.value()["items"][1]["date"], "2021-05-04");
}

TEST_F(SealingTest, SecretRecordsListSortFilterAndCountWithTheOthers) {
  for (const auto& [title, date, level] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"Alpha", "2021-04-29", "internal"},
           {"Bravo", "2021-04-30", "secret"},
           {"Charlie", "2021-05-01", "public"},
           {"Delta", "2021-05-02", "secret"}}) {
    MustCreate("event", {{"title", title}, {"start_date", date}, {"confidentiality", level}},
               admin_);
  }
  ListParams params;
  params.sort = "-start_date";
  params.limit = 2;
  params.with_total = true;
  auto page = service_->List(admin_, "event", params);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page.value()["items"].size(), 2u);
  EXPECT_EQ(page.value()["items"][0]["title"], "Delta");
  EXPECT_EQ(page.value()["items"][1]["title"], "Charlie");
  EXPECT_EQ(page.value()["total"], 4);
  params.cursor = page.value()["next_cursor"];
  auto next = service_->List(admin_, "event", params);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next.value()["items"][0]["title"], "Bravo");
  EXPECT_EQ(next.value()["items"][1]["title"], "Alpha");
  // Filters read sealed bodies too; callers who may not see secret records
  // get neither them nor their count.
  ListParams filtered;
  filtered.filters = {{"start_date_from", "2021-04-30"}};
  filtered.with_total = true;
  auto admin_view = service_->List(admin_, "event", filtered);
  ASSERT_TRUE(admin_view.ok()) << admin_view.status().ToString();
  EXPECT_EQ(admin_view.value()["total"], 3);
  auto analyst_view = service_->List(As(Confidentiality::kInternal, false), "event", filtered);
  ASSERT_TRUE(analyst_view.ok());
  EXPECT_EQ(analyst_view.value()["total"], 1);
  EXPECT_EQ(analyst_view.value()["items"][0]["title"], "Charlie");
}

TEST_F(SealingTest, SearchFindsSealedDataOnlyForThoseWhoMaySeeIt) {
  Json person = MustCreate("person",
                           {{"names", {{{"value", "Абдыкадырова Нуриза"}}}},
                            {"contact", "+996 (555) 44-11-22"},
                            {"confidentiality", "internal"}},
                           admin_);
  Json secret = MustCreate(
      "event", {{"title", "Жалал-Абад interrogations"}, {"confidentiality", "secret"}}, admin_);
  auto ids = [](const Result<Json>& r) {
    std::vector<std::string> out;
    if (r.ok()) {
      for (const auto& item : r.value()["items"]) out.push_back(item["id"]);
    }
    return out;
  };
  using ::testing::ElementsAre;
  using ::testing::IsEmpty;
  // A whole sensitive value, typed another way: found by who sees it.
  EXPECT_THAT(ids(service_->Search(admin_, "996555441122", {}, 20, 0)),
              ElementsAre(person["id"].get<std::string>()));
  EXPECT_THAT(
      ids(service_->Search(As(Confidentiality::kRestricted, true), "+996 555 441122", {}, 20, 0)),
      ElementsAre(person["id"].get<std::string>()));
  EXPECT_THAT(
      ids(service_->Search(As(Confidentiality::kInternal, false), "996555441122", {}, 20, 0)),
      IsEmpty());
  // Words of a secret record, across scripts, by who may see secret records.
  EXPECT_THAT(ids(service_->Search(admin_, "Jalal-Abad", {}, 20, 0)),
              ElementsAre(secret["id"].get<std::string>()));
  EXPECT_THAT(ids(service_->Search(admin_, "interrogation", {}, 20, 0)),
              ElementsAre(secret["id"].get<std::string>()));
  EXPECT_THAT(
      ids(service_->Search(As(Confidentiality::kRestricted, true), "interrogations", {}, 20, 0)),
      IsEmpty());
  // The name, which is not sensitive, through the full-text index as before.
  EXPECT_THAT(
      ids(service_->Search(As(Confidentiality::kInternal, false), "Abdykadyrova", {}, 20, 0)),
      ElementsAre(person["id"].get<std::string>()));
}

TEST_F(SealingTest, LinksThroughBlindReferences) {
  Json witness = MustCreate("person", {{"names", {{{"value", "Witness One"}}}}}, admin_);
  std::string witness_id = witness["id"];
  Json event =
      MustCreate("event", {{"title", "Public event"}, {"confidentiality", "public"}}, admin_);
  Json source = MustCreate(
      "source", {{"title", "Testimony"}, {"kind", "interview"}, {"given_by_person_id", witness_id}},
      admin_);
  Json act = MustCreate("act",
                        {{"type", "torture"},
                         {"event_id", event["id"]},
                         {"victim_person_id", witness_id},
                         {"confidentiality", "secret"}},
                        admin_);
  auto links = service_->Links(admin_, "person", witness_id);
  ASSERT_TRUE(links.ok()) << links.status().ToString();
  std::set<std::string> from;
  for (const auto& l : links.value()["referenced_by"]) from.insert(l["id"]);
  EXPECT_EQ(from, (std::set<std::string>{source["id"], act["id"]}));
  auto forward = service_->Links(admin_, "act", act["id"].get<std::string>());
  ASSERT_TRUE(forward.ok());
  EXPECT_EQ(forward.value()["references"].size(), 2u);
  // Lists filtered by a reference find the secret act through its blind form.
  ListParams params;
  params.filters = {{"event_id", event["id"]}};
  params.with_total = true;
  auto acts = service_->List(admin_, "act", params);
  ASSERT_TRUE(acts.ok());
  EXPECT_EQ(acts.value()["total"], 1);
  auto hidden = service_->List(As(Confidentiality::kRestricted, true), "act", params);
  ASSERT_TRUE(hidden.ok());
  EXPECT_EQ(hidden.value()["total"], 0);
  // Who cannot see sensitive fields does not see the witness behind a source.
  auto redacted = service_->Links(As(Confidentiality::kInternal, false), "person", witness_id);
  ASSERT_TRUE(redacted.ok());
  EXPECT_TRUE(redacted.value()["referenced_by"].empty());
}

TEST_F(SealingTest, BecomingSecretSealsThePast) {
  Json event = MustCreate(
      "event", {{"title", "Kara-Bulak shelter"}, {"description", "names of the Bakyt-Ordo evacuees"}}, admin_);
  std::string id = event["id"];
  EXPECT_TRUE(Contains(AllBytes(data()), "Kara-Bulak"));
  ASSERT_TRUE(service_->Patch(admin_, "event", id, {{"confidentiality", "secret"}}).ok());
  std::string bytes = AllBytes(data());
  EXPECT_FALSE(Contains(bytes, "Kara-Bulak"));
  // (A word no vocabulary holds: "families" is in the affected groups.)
  EXPECT_FALSE(Contains(bytes, "evacuees"));
  auto history = service_->History(admin_, "event", id);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history.value()["revisions"].size(), 2u);
  EXPECT_EQ(history.value()["revisions"][0]["record"]["title"], "Kara-Bulak shelter");
}

TEST_F(SealingTest, EditorsWhoCannotSeeSensitiveFieldsNeitherSeeNorEraseThem) {
  Json person =
      MustCreate("person", {{"names", {{{"value", "Person A"}}}}, {"contact", "+996 111"}}, admin_);
  Json bare = MustCreate("person", {{"names", {{{"value", "Person B"}}}}}, admin_);
  Caller editor = As(Confidentiality::kInternal, false);
  // The same answer whether or not there is a hidden value.
  auto a = service_->Patch(editor, "person", person["id"].get<std::string>(),
                           {{"occupation", "teacher"}});
  auto b =
      service_->Patch(editor, "person", bare["id"].get<std::string>(), {{"occupation", "teacher"}});
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_FALSE(a.value().contains("contact"));
  auto replaced = service_->Replace(editor, "person", person["id"].get<std::string>(),
                                    {{"names", {{{"value", "Person A"}}}}});
  ASSERT_TRUE(replaced.ok()) << replaced.status().ToString();
  EXPECT_EQ(service_->Get(admin_, "person", person["id"].get<std::string>()).value()["contact"],
            "+996 111");
  auto set = service_->Patch(editor, "person", bare["id"].get<std::string>(), {{"contact", "x"}});
  EXPECT_EQ(set.status().code(), StatusCode::kForbidden);
  ListParams params;
  params.sort = "address";
  EXPECT_EQ(service_->List(admin_, "person", params).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(SealingTest, ReencryptUnderANewGeneration) {
  Json person = MustCreate(
      "person", {{"names", {{{"value", "Rotated"}}}}, {"contact", "+996 222 333"}}, admin_);
  Json secret =
      MustCreate("event", {{"title", "Rotated secret"}, {"confidentiality", "secret"}}, admin_);
  std::string before =
      Scalar(db(), "SELECT body FROM records WHERE id='" + person["id"].get<std::string>() + "'");
  auto generation = keyring_->AddGeneration();
  ASSERT_TRUE(generation.ok());
  auto report = service_->Reencrypt(generation.value(), admin_);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->from_generation, 1u);
  EXPECT_EQ(report->to_generation, 2u);
  EXPECT_GE(report->bodies, 4);
  EXPECT_EQ(report->records, 2);
  std::string after =
      Scalar(db(), "SELECT body FROM records WHERE id='" + person["id"].get<std::string>() + "'");
  EXPECT_NE(before, after);
  EXPECT_EQ(crypto::Keyring::SealedGeneration(Json::parse(after)["$sealed"].get<std::string>()),
            2u);
  Reopen();
  EXPECT_EQ(service_->key_generation(), 2u);
  EXPECT_EQ(service_->Get(admin_, "person", person["id"].get<std::string>()).value()["contact"],
            "+996 222 333");
  auto found = service_->Search(admin_, "rotated secret", {}, 20, 0);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found.value()["items"].size(), 1u);
  auto tx = service_->store().BeginRead();
  ASSERT_TRUE(tx.ok());
  auto verdict = tx.value()->VerifyAudit();
  ASSERT_TRUE(verdict.ok());
  EXPECT_TRUE(verdict->intact) << verdict->problem;
  // The old sealed body is gone from the file, not just replaced.
  std::string old_sealed = Json::parse(before)["$sealed"];
  EXPECT_FALSE(Contains(AllBytes(data()), old_sealed.substr(4, 40)));
}

TEST_F(SealingTest, ADatabaseFromBeforeEncryptionIsEncryptedOnFirstOpen) {
  service_.reset();
  std::filesystem::path legacy = dir_ / "legacy";
  std::filesystem::create_directories(legacy);
  std::string event_id;
  {
    auto plain = RecordService::Open((legacy / "kuzot.db").string());
    ASSERT_TRUE(plain.ok());
    auto person = plain.value()->Create(
        admin_, "person", {{"names", {{{"value", "Old Person"}}}}, {"address", "Old address 77"}});
    ASSERT_TRUE(person.ok());
    auto event = plain.value()->Create(
        admin_, "event", {{"title", "Old secret Zhyldyz"}, {"confidentiality", "secret"}});
    ASSERT_TRUE(event.ok());
    event_id = event.value()["id"];
  }
  EXPECT_TRUE(Contains(AllBytes(legacy), "Old address 77"));
  OpenOptions options;
  options.keyring = keyring_;
  auto opened = RecordService::Open((legacy / "kuzot.db").string(), options);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  std::string bytes = AllBytes(legacy);
  EXPECT_FALSE(Contains(bytes, "Old address 77"));
  EXPECT_FALSE(Contains(bytes, "Zhyldyz"));
  EXPECT_FALSE(Contains(bytes, "zhyldyz"));
  EXPECT_EQ(opened.value()->Get(admin_, "event", event_id).value()["title"], "Old secret Zhyldyz");
  auto found = opened.value()->Search(admin_, "Zhyldyz", {}, 20, 0);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found.value()["items"].size(), 1u);
  opened.value().reset();
  // Once encrypted, it is refused without its keyring.
  auto without = RecordService::Open((legacy / "kuzot.db").string());
  ASSERT_FALSE(without.ok());
  EXPECT_EQ(without.status().code(), StatusCode::kUnauthorized);
  // And with another installation's keyring.
  std::filesystem::create_directories(dir_ / "other");
  OpenOptions other;
  other.keyring = crypto::Keyring::Create((dir_ / "other").string(), source()).value();
  auto wrong = RecordService::Open((legacy / "kuzot.db").string(), other);
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.status().message().find("not the one"), std::string::npos);
}

TEST_F(SealingTest, ATamperedSealIsAnErrorNotGarbage) {
  Json person =
      MustCreate("person", {{"names", {{{"value", "Tampered"}}}}, {"contact", "+996 1"}}, admin_);
  Json other =
      MustCreate("person", {{"names", {{{"value", "Other"}}}}, {"contact", "+996 2"}}, admin_);
  service_.reset();
  // Move one record's sealed contact onto the other record.
  sqlite3* handle = nullptr;
  ASSERT_EQ(sqlite3_open(db().c_str(), &handle), SQLITE_OK);
  std::string sql = "UPDATE records SET body=(SELECT body FROM records WHERE id='" +
                    other["id"].get<std::string>() + "') WHERE id='" +
                    person["id"].get<std::string>() + "'";
  ASSERT_EQ(sqlite3_exec(handle, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(handle);
  Reopen();
  auto read = service_->Get(admin_, "person", person["id"].get<std::string>());
  ASSERT_FALSE(read.ok());
  EXPECT_NE(read.status().message().find("cannot be decrypted"), std::string::npos);
}

}  // namespace
}  // namespace kuzot::records
