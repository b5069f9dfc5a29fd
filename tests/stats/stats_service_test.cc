// Counts, counts as of a date, claims side by side and capture histories,
// on a real SQLite database of fictional victims.
#include "stats/stats_service.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "common/clock.h"
#include "crypto/crypto.h"

namespace kuzot::stats {
namespace {

using records::Json;

Caller Role(Confidentiality clearance, bool sensitive) {
  Caller c;
  c.user = "tester";
  c.role = "tester";
  c.clearance = clearance;
  c.sees_sensitive = sensitive;
  return c;
}

class StatsServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("kuzot-stats-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto opened = records::RecordService::Open((dir_ / "kuzot.db").string());
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    records_ = std::move(opened).value();
    stats_ = std::make_unique<StatsService>(*records_);
    Build();
  }
  void TearDown() override {
    stats_.reset();
    records_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::string Create(const std::string& type, Json body) {
    if (!body.contains("confidentiality")) body["confidentiality"] = "public";
    auto r = records_->Create(admin_, type, body);
    EXPECT_TRUE(r.ok()) << r.status().ToString() << " " << body.dump();
    return r.ok() ? r.value()["id"].get<std::string>() : "";
  }

  // A small fictional world on the public facts of the 2021 Batken conflict.
  void Build() {
    kg_ = Create("place", {{"name", "Kyrgyzstan"}, {"level", "country"}});
    batken_ = Create("place", {{"name", "Batken oblast"}, {"level", "oblast"}, {"parent_id", kg_}});
    leilek_ = Create("place",
                     {{"name", "Leilek district"}, {"level", "district"}, {"parent_id", batken_}});
    kulundu_ = Create("place", {{"name", "Kulundu"}, {"level", "village"}, {"parent_id", leilek_}});
    hidden_district_ = Create("place", {{"name", "Closed district"},
                                        {"level", "district"},
                                        {"parent_id", batken_},
                                        {"confidentiality", "restricted"}});
    hidden_village_ = Create(
        "place", {{"name", "Village X"}, {"level", "village"}, {"parent_id", hidden_district_}});
    conflict_ = Create("event", {{"title", "Batken armed conflict"}, {"start_date", "2021-04-29"}});
    shelling_ = Create("event", {{"title", "Shelling of Kök-Tash"},
                                 {"start_date", "2021-04-30"},
                                 {"parent_id", conflict_}});
    other_ = Create("event", {{"title", "October 2020 protests"}, {"start_date", "2020-10-05"}});
    girl_ = Create(
        "person", {{"names", {{{"value", "Айзада Т."}}}}, {"sex", "female"}, {"age_at_event", 12}});
    man_ = Create(
        "person",
        {{"names", {{{"value", "Bakyt O."}}}}, {"sex", "male"}, {"birth_date", "1980-03-02"}});
    teen_ = Create(
        "person", {{"names", {{{"value", "Nurlan K."}}}}, {"sex", "male"}, {"birth_date", "2003"}});
    secret_person_ = Create("person", {{"names", {{{"value", "Protected witness"}}}},
                                       {"sex", "female"},
                                       {"age_at_event", 30},
                                       {"confidentiality", "restricted"}});
    // Acts.
    Act("killing", shelling_, girl_, "2021-04-30", kulundu_);
    Act("killing", conflict_, man_, "2021-04-29", kulundu_);
    Act("injury", conflict_, man_, "2021-04-29", leilek_);  // the same man, injured first
    Act("hostage_taking", conflict_, teen_, "2021-05", hidden_village_);
    Act("killing", conflict_, secret_person_, "2021-05-01", kulundu_);
    Act("injury", other_, teen_, "2020-10-06", kg_);
    restricted_act_ = Create("act", {{"type", "torture"},
                                     {"event_id", conflict_},
                                     {"victim_person_id", man_},
                                     {"date", "2021-05-02"},
                                     {"confidentiality", "restricted"}});
    Create("act", {{"type", "destruction_of_property"},
                   {"event_id", conflict_},
                   {"object", {{"kind", "house"}, {"count", 5}}},
                   {"date", "2021-04-30"},
                   {"place_id", kulundu_}});
    Create("act", {{"type", "destruction_of_property"},
                   {"event_id", shelling_},
                   {"object", {{"kind", "school"}}},
                   {"date", "2021-04-30"},
                   {"place_id", kulundu_}});
  }

  std::string Act(const std::string& type, const std::string& event, const std::string& victim,
                  const std::string& date, const std::string& place) {
    return Create("act", {{"type", type},
                          {"event_id", event},
                          {"victim_person_id", victim},
                          {"date", date},
                          {"place_id", place}});
  }

  CountTable Count(const Caller& caller, CountRequest request) {
    auto r = stats_->Count(caller, request);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r.value() : CountTable();
  }

  // The cell of row `row` and column `column` (keys), -2 when absent.
  static std::int64_t Cell(const CountTable& t, const std::string& row,
                           const std::string& column = "total") {
    for (size_t i = 0; i < t.rows.size(); ++i)
      for (size_t j = 0; j < t.columns.size(); ++j)
        if (t.rows[i].key == row && t.columns[j].key == column) return t.cells[i][j];
    return -2;
  }

  std::filesystem::path dir_;
  std::unique_ptr<records::RecordService> records_;
  std::unique_ptr<StatsService> stats_;
  Caller admin_ = Caller::System("tester");
  Caller viewer_ = Role(Confidentiality::kPublic, false);
  Caller documenter_ = Role(Confidentiality::kRestricted, true);
  std::string kg_, batken_, leilek_, kulundu_, hidden_district_, hidden_village_;
  std::string conflict_, shelling_, other_;
  std::string girl_, man_, teen_, secret_person_, restricted_act_;
};

TEST_F(StatsServiceTest, CountsActsByTypeForWhatTheCallerMaySee) {
  CountTable all = Count(admin_, {.rows = "act_type"});
  EXPECT_EQ(all.total, 9);
  EXPECT_EQ(Cell(all, "killing"), 3);
  EXPECT_EQ(Cell(all, "torture"), 1);
  EXPECT_EQ(all.rows.front().key, "killing");  // in the vocabulary's order
  EXPECT_EQ(all.rows.front().label, "Killing");
  // The viewer may not open the restricted torture: it is not counted.
  CountTable viewer = Count(viewer_, {.rows = "act_type"});
  EXPECT_EQ(viewer.total, 8);
  EXPECT_EQ(Cell(viewer, "torture"), -2);
  // Labels in Russian.
  CountTable ru = Count(admin_, {.rows = "act_type", .language = "ru"});
  EXPECT_EQ(ru.rows.front().label, "Убийство");
}

TEST_F(StatsServiceTest, VictimsAreDistinctPersons) {
  CountTable acts = Count(admin_, {.measure = "acts", .rows = "event"});
  CountTable victims = Count(admin_, {.measure = "victims", .rows = "event"});
  // The man is the victim of a killing, an injury and a torture in the
  // conflict: one victim, three acts (and a destroyed house has none).
  EXPECT_EQ(Cell(acts, conflict_), 6);
  EXPECT_EQ(Cell(victims, conflict_), 3);
  EXPECT_EQ(Cell(victims, shelling_), 1);
  EXPECT_EQ(Cell(victims, other_), 1);
  EXPECT_EQ(victims.total, 4);  // the teen appears in two events but counts once
}

TEST_F(StatsServiceTest, HiddenRecordsAreNeverShownThroughACount) {
  CountTable t = Count(viewer_, {.measure = "acts", .rows = "place:district", .columns = "sex"});
  // The hostage-taking happened in a village of a district the viewer may
  // not see, and the killing of the protected witness: both counted (the
  // acts are public) but under "(hidden)", not under the hidden values.
  EXPECT_EQ(Cell(t, "(hidden)", "male"), 1);
  EXPECT_EQ(Cell(t, leilek_, "(hidden)"), 1);
  EXPECT_EQ(Cell(t, leilek_, "female"), 1);
  EXPECT_EQ(Cell(t, leilek_, "(no victim)"), 2);
  for (const auto& row : t.rows) EXPECT_NE(row.label, "Closed district");
  // The injury recorded at the country level cannot be put in a district.
  EXPECT_EQ(Cell(t, "(imprecise)", "male"), 1);
  // A documenter sees the district and the witness.
  CountTable d = Count(documenter_, {.rows = "place:district", .columns = "sex"});
  EXPECT_EQ(Cell(d, hidden_district_, "male"), 1);
  EXPECT_EQ(Cell(d, leilek_, "female"), 2);
}

TEST_F(StatsServiceTest, RollsUpTheGazetteerAndBreaksDownByPeriod) {
  CountTable oblast = Count(admin_, {.rows = "place:oblast"});
  EXPECT_EQ(Cell(oblast, batken_), 7);  // every act with a place inside Batken oblast
  CountTable months = Count(admin_, {.rows = "period:month", .columns = "act_type"});
  EXPECT_EQ(Cell(months, "2021-04", "killing"), 2);
  EXPECT_EQ(Cell(months, "2021-05", "hostage_taking"), 1);
  CountTable days = Count(admin_, {.rows = "period:day"});
  EXPECT_EQ(Cell(days, "(imprecise)"), 1);  // "2021-05" is not a day
  CountTable weeks = Count(admin_, {.rows = "period:week"});
  EXPECT_EQ(Cell(weeks, "2021-W17"), 7);  // Thu 29 Apr - Sun 2 May 2021
  EXPECT_EQ(weeks.rows.front().key, "2020-W41");
  CountTable years = Count(admin_, {.rows = "period:year"});
  EXPECT_EQ(Cell(years, "2020"), 1);
}

TEST_F(StatsServiceTest, ChildrenApart) {
  CountTable t = Count(admin_, {.measure = "victims", .rows = "child"});
  // The girl (age 12), and the teen: born "2003", injured in October 2020
  // at 16 or 17 (a child then); taken hostage in May 2021 at 17 or 18 (not
  // placed).
  EXPECT_EQ(Cell(t, "child"), 2);
  EXPECT_EQ(Cell(t, "(imprecise)"), 1);
  EXPECT_EQ(Cell(t, "adult"), 2);  // the man (born 1980), the witness (30)
  CountTable ages = Count(admin_, {.rows = "age_group"});
  EXPECT_EQ(Cell(ages, "12-17"), 2);  // the girl's killing, the teen's injury
  EXPECT_EQ(Cell(ages, "30-44"), 4);  // the man's three acts at 41, the witness at 30
  EXPECT_EQ(Cell(ages, "18-29"), -2);
}

TEST_F(StatsServiceTest, FiltersIncludeWhatIsInside) {
  CountTable conflict = Count(admin_, {.rows = "act_type", .acts = {.event_id = conflict_}});
  EXPECT_EQ(conflict.total, 8);  // the conflict and the shelling within it
  CountTable village = Count(admin_, {.rows = "act_type", .acts = {.place_id = leilek_}});
  EXPECT_EQ(village.total, 6);
  CountTable may =
      Count(admin_, {.rows = "act_type", .acts = {.date_from = "2021-05", .date_to = "2021-05"}});
  EXPECT_EQ(may.total, 3);  // 2021-05, 2021-05-01, 2021-05-02
  CountTable killings = Count(admin_, {.rows = "event", .acts = {.act_types = {"killing"}}});
  EXPECT_EQ(killings.total, 3);
  // A filter on a place the viewer may not see is refused as if it did
  // not exist.
  auto r = stats_->Count(viewer_, {.rows = "act_type", .acts = {.place_id = hidden_district_}});
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().field(), "place_id");
}

TEST_F(StatsServiceTest, AsOfADateReproducesThePastFigures) {
  CountTable before = Count(admin_, {.rows = "act_type", .columns = "sex"});
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const std::string then = NowIso8601();
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  // Afterwards: a new act, a changed act, a deleted act, a changed victim.
  Act("killing", conflict_, teen_, "2021-05-01", kulundu_);
  auto acts = records_->List(admin_, "act", {.filters = {{"type", "injury"}}});
  ASSERT_TRUE(acts.ok());
  std::string injury = acts.value()["items"][0]["id"];
  ASSERT_TRUE(records_->Patch(admin_, "act", injury, {{"type", "torture"}}).ok());
  ASSERT_TRUE(records_->Delete(admin_, "act", restricted_act_).ok());
  ASSERT_TRUE(records_->Patch(admin_, "person", girl_, {{"sex", "unknown"}}).ok());

  CountTable now = Count(admin_, {.rows = "act_type", .columns = "sex"});
  EXPECT_NE(ToJson(now).dump(), ToJson(before).dump());
  CountTable past = Count(admin_, {.rows = "act_type", .columns = "sex", .as_of = then});
  EXPECT_EQ(ToJson(past)["cells"], ToJson(before)["cells"]);
  EXPECT_EQ(past.total, before.total);
  EXPECT_EQ(past.as_of, then);
  // A date before anything was recorded counts nothing.
  CountTable empty = Count(admin_, {.rows = "act_type", .as_of = "2000-01-01"});
  EXPECT_EQ(empty.total, 0);
}

TEST_F(StatsServiceTest, AsOfLeavesOutWhatWasClassifiedSince) {
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const std::string then = NowIso8601();
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  auto acts = records_->List(admin_, "act", {.filters = {{"type", "hostage_taking"}}});
  std::string hostage = acts.value()["items"][0]["id"];
  ASSERT_TRUE(records_->Patch(admin_, "act", hostage, {{"confidentiality", "secret"}}).ok());
  EXPECT_EQ(Cell(Count(viewer_, {.rows = "act_type", .as_of = then}), "hostage_taking"), -2);
  EXPECT_EQ(Cell(Count(admin_, {.rows = "act_type", .as_of = then}), "hostage_taking"), 1);
}

TEST_F(StatsServiceTest, NewRecordsAreCountedAtOnce) {
  EXPECT_EQ(Count(admin_, {.rows = "act_type"}).total, 9);
  Create("act", {{"type", "looting"},
                 {"event_id", other_},
                 {"date", "2020-10-06"},
                 {"object", {{"kind", "house"}}}});
  EXPECT_EQ(Count(admin_, {.rows = "act_type"}).total, 10);
}

TEST_F(StatsServiceTest, SmallCellsCanBeSuppressed) {
  CountTable t = Count(admin_, {.rows = "act_type", .min_cell = 3});
  EXPECT_EQ(Cell(t, "killing"), 3);
  EXPECT_EQ(Cell(t, "torture"), -1);
  EXPECT_TRUE(ToJson(t)["cells"][1][0].is_null());
  tabular::Table table = ToTable(t);
  EXPECT_EQ(table.rows.back().front(), "Total");
  bool shown = false;
  for (const auto& row : table.rows) shown |= row.back() == "<3";
  EXPECT_TRUE(shown);
}

TEST_F(StatsServiceTest, BadRequestsNameTheField) {
  auto r = stats_->Count(admin_, {.rows = "colour"});
  EXPECT_EQ(r.status().field(), "rows");
  EXPECT_EQ(stats_->Count(admin_, {.rows = "sex", .columns = "place:planet"}).status().field(),
            "columns");
  EXPECT_EQ(stats_->Count(admin_, {.measure = "bodies", .rows = "sex"}).status().field(),
            "measure");
  EXPECT_EQ(stats_->Count(admin_, {.rows = "sex", .as_of = "yesterday"}).status().field(), "as_of");
  EXPECT_EQ(
      stats_->Count(admin_, {.rows = "sex", .acts = {.date_from = "2021-13"}}).status().field(),
      "date_from");
  EXPECT_EQ(stats_->Count(admin_, {.rows = ""}).status().field(), "rows");
}

TEST_F(StatsServiceTest, ClaimsSideBySideWithTheDocumentedCount) {
  std::string forum =
      Create("source", {{"title", "Kyrgyz expert forum"}, {"kind", "official_statement"}});
  std::string tajik =
      Create("source", {{"title", "Tajik authorities' statement"}, {"kind", "official_statement"}});
  std::string media = Create(
      "source",
      {{"title", "Media reports"}, {"kind", "media_report"}, {"confidentiality", "restricted"}});
  Create("claim", {{"event_id", conflict_},
                   {"indicator", "killed"},
                   {"value", 46},
                   {"as_of", "2021-05-03"},
                   {"source_id", forum}});
  Create("claim", {{"event_id", conflict_},
                   {"indicator", "killed"},
                   {"value", 19},
                   {"as_of", "2021-05-02"},
                   {"source_id", tajik}});
  Create("claim", {{"event_id", shelling_},
                   {"indicator", "houses_destroyed"},
                   {"value_min", 4},
                   {"value_max", 8},
                   {"approximate", true},
                   {"source_id", media},
                   {"confidentiality", "public"}});
  auto r = stats_->Claims(admin_, conflict_, "", "", "en");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const Json& j = r.value();
  EXPECT_EQ(j["event"]["title"], "Batken armed conflict");
  Json killed, houses;
  for (const auto& i : j["indicators"]) {
    if (i["indicator"] == "killed") killed = i;
    if (i["indicator"] == "houses_destroyed") houses = i;
  }
  ASSERT_FALSE(killed.is_null());
  EXPECT_EQ(killed["documented"]["count"], 3);  // victims of killings in the conflict
  ASSERT_EQ(killed["claims"].size(), 2u);
  EXPECT_EQ(killed["claims"][0]["value"], 19);  // earlier figure first
  EXPECT_EQ(killed["claims"][0]["source"]["title"], "Tajik authorities' statement");
  EXPECT_EQ(killed["claims"][1]["value"], 46);
  EXPECT_EQ(houses["documented"]["count"], 5);
  EXPECT_EQ(houses["claims"][0]["value_min"], 4);
  EXPECT_EQ(houses["claims"][0]["event"]["title"], "Shelling of Kök-Tash");
  // The viewer sees the claim but not who made it; and one killing fewer.
  auto v = stats_->Claims(viewer_, conflict_, "killed", "", "en");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v.value()["indicators"][0]["documented"]["count"], 3);
  auto vh = stats_->Claims(viewer_, conflict_, "houses_destroyed", "", "en");
  EXPECT_EQ(vh.value()["indicators"][0]["claims"][0]["source"]["title"], "(not visible to you)");
  EXPECT_FALSE(stats_->Claims(admin_, conflict_, "bodies", "", "en").ok());
  EXPECT_FALSE(stats_->Claims(admin_, "", "", "", "en").ok());
}

TEST_F(StatsServiceTest, CaptureHistoriesFromVictimsAndTheirSources) {
  std::string ngo = Create("source", {{"title", "NGO list"}, {"kind", "document"}});
  std::string ombudsman = Create("source", {{"title", "Ombudsman list"}, {"kind", "document"}});
  std::string hospital = Create("source", {{"title", "Hospital register"}, {"kind", "document"}});
  auto link = [&](const std::string& person, std::vector<std::string> sources) {
    Json list = Json::array();
    for (const auto& s : sources) list.push_back({{"source_id", s}});
    ASSERT_TRUE(records_->Patch(admin_, "person", person, {{"sources", list}}).ok());
  };
  link(girl_, {ngo, ombudsman});
  link(man_, {ngo, hospital});
  link(teen_, {ombudsman});
  link(secret_person_, {ngo});
  auto h = stats_->CaptureHistories(admin_, {.acts = {.event_id = conflict_}});
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  ASSERT_EQ(h->strata.size(), 1u);
  const CaptureHistory& c = h->strata[0].history;
  EXPECT_EQ(c.lists, (std::vector<std::string>{"NGO list", "Ombudsman list", "Hospital register"}));
  EXPECT_EQ(c.Observed(), 4);
  EXPECT_EQ(c.Count(0b011), 1);  // the girl: NGO and Ombudsman
  EXPECT_EQ(c.Count(0b101), 1);  // the man: NGO and hospital
  // The viewer may not see the witness: left out, and told so.
  auto v =
      stats_->CaptureHistories(viewer_, {.lists = {ngo, ombudsman, hospital}, .strata = "sex"});
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  std::int64_t seen = 0;
  for (const auto& s : v->strata) seen += s.history.Observed();
  EXPECT_EQ(seen, 3);
  ASSERT_FALSE(v->notes.empty());
  EXPECT_NE(v->notes.back().find("1 victims of acts you may see are persons you may not see"),
            std::string::npos);
  EXPECT_EQ(v->strata[0].label, "Female");
  // Only one list named: refused.
  EXPECT_FALSE(stats_->CaptureHistories(admin_, {.lists = {ngo}}).ok());
  EXPECT_EQ(stats_->CaptureHistories(admin_, {.lists = {ngo, "01ARZ3NDEKTSV4RRFFQ69G5FAV"}})
                .status()
                .field(),
            "lists");
}

}  // namespace
}  // namespace kuzot::stats

namespace kuzot::stats {
namespace {

// With encryption at rest, secret records are sealed whole: the statistics
// rows must not keep their fields in the clear, yet those allowed to see
// them must find them counted.
TEST(StatsSealedTest, SecretRecordsAreCountedButNeverStoredInTheClear) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("kuzot-stats-sealed-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "data");
  ASSERT_TRUE(crypto::CreateKeyFile((dir / "key").string()).ok());
  auto keyring = crypto::Keyring::Create((dir / "data").string(),
                                         crypto::KeySource::KeyFile((dir / "key").string()));
  ASSERT_TRUE(keyring.ok()) << keyring.status().ToString();
  records::OpenOptions options;
  options.keyring = std::move(keyring).value();
  const std::string db = (dir / "data" / "kuzot.db").string();
  auto opened = records::RecordService::Open(db, options);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  auto& records = *opened.value();
  const Caller admin = Caller::System("tester");
  auto create = [&](const std::string& type, const Json& body) {
    auto r = records.Create(admin, type, body);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r.value()["id"].get<std::string>() : std::string();
  };
  std::string event = create("event", {{"title", "Event"}, {"confidentiality", "public"}});
  std::string witness = create("person", {{"names", {{{"value", "Protected person"}}}},
                                          {"sex", "female"},
                                          {"confidentiality", "secret"}});
  std::string secret_act = create("act", {{"type", "torture"},
                                          {"event_id", event},
                                          {"victim_person_id", witness},
                                          {"confidentiality", "secret"}});
  std::string open_act = create("act", {{"type", "hostage_taking"},
                                        {"event_id", event},
                                        {"object", {{"kind", "house"}}},
                                        {"confidentiality", "public"}});
  StatsService stats(records);
  auto cell = [&](const Caller& c, const std::string& row, const std::string& column) {
    auto t = stats.Count(c, {.rows = "act_type", .columns = "sex"});
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    for (size_t i = 0; i < t->rows.size(); ++i)
      for (size_t j = 0; j < t->columns.size(); ++j)
        if (t->rows[i].key == row && t->columns[j].key == column) return t->cells[i][j];
    return std::int64_t{-2};
  };
  EXPECT_EQ(cell(admin, "torture", "female"), 1);
  EXPECT_EQ(cell(Role(Confidentiality::kRestricted, true), "torture", "female"), -2);
  // Nothing of the secret act or person is in the statistics rows.
  auto in_clear = [&](const std::string& sql) {
    sqlite3* handle = nullptr;
    sqlite3_open_v2(db.c_str(), &handle, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_stmt* s = nullptr;
    sqlite3_prepare_v2(handle, sql.c_str(), -1, &s, nullptr);
    int n = 0;
    while (sqlite3_step(s) == SQLITE_ROW) ++n;
    sqlite3_finalize(s);
    sqlite3_close(handle);
    return n;
  };
  EXPECT_EQ(
      in_clear("SELECT 1 FROM stat_acts WHERE act_type='torture' OR victim_id IS NOT NULL AND "
               "record_id='" +
               secret_act + "'"),
      0);
  EXPECT_EQ(
      in_clear("SELECT 1 FROM stat_persons WHERE sex IS NOT NULL AND record_id='" + witness + "'"),
      0);
  EXPECT_EQ(in_clear("SELECT 1 FROM stat_acts WHERE act_type='hostage_taking'"), 1);
  // Made secret later: its past rows are rebuilt from the sealed history.
  ASSERT_TRUE(records.Patch(admin, "act", open_act, {{"confidentiality", "secret"}}).ok());
  EXPECT_EQ(in_clear("SELECT 1 FROM stat_acts WHERE act_type='hostage_taking'"), 0);
  EXPECT_EQ(cell(admin, "hostage_taking", "(no victim)"), 1);
  EXPECT_EQ(cell(Role(Confidentiality::kRestricted, true), "hostage_taking", "(no victim)"), -2);
  opened.value().reset();
  fs::remove_all(dir);
}

}  // namespace
}  // namespace kuzot::stats
