// The record-linkage workbench through the real server over HTTP: lists
// imported (CSV and XLSX), bad lists refused whole, a background job
// polled to its end, the review queue with explanations and provenance,
// decisions reused as labels, merge and unmerge.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "kuzot_process.h"
#include "tabular/tabular.h"

namespace kuzot::testing {
namespace {

std::string Base64(const std::string& in) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out += kAlphabet[(n >> s) & 63];
  }
  if (i + 1 == in.size()) {
    uint32_t n = uint8_t(in[i]) << 16;
    out += std::string{kAlphabet[(n >> 18) & 63], kAlphabet[(n >> 12) & 63], '=', '='};
  } else if (i + 2 == in.size()) {
    uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8);
    out += std::string{kAlphabet[(n >> 18) & 63], kAlphabet[(n >> 12) & 63],
                       kAlphabet[(n >> 6) & 63], '='};
  }
  return out;
}

// Fictional people, as a monitors' list writes them (Cyrillic) ...
const char kMonitors[] =
    "ФИО,Дата рождения,Пол,Село\n"
    "Абдыкадырова Айзада,12.05.1990,ж,Кок-Таш\n"
    "Жумабеков Нурбек Алиевич,1985,м,Максат\n"
    "Бакыт кызы Айгерим,03.03.2001,ж,Кок-Таш\n"
    "Турсунов Бахтияр,14.07.1978,м,Ак-Сай\n"
    "Осмонова Гулзат,22.11.1995,ж,Максат\n"
    "Исаков Эрлан,1969,м,Ак-Сай\n";

// ... and as a hospital's spreadsheet does (Latin).
std::string HospitalXlsx() {
  tabular::Sheet sheet;
  sheet.name = "patients";
  sheet.header = {"Name", "Born", "Sex", "Village"};
  sheet.rows = {{"Aizada Abdykadyrova", "1990-05-12", "F", "Kok-Tash"},
                {"Nurbek Zhumabekov", "1985", "M", "Maksat"},
                {"Aigerim Bakytovna", "2001-03-03", "F", "Kok-Tash"},
                {"Bakhtiyar Tursunov", "1978-07-14", "M", "Ak-Sai"},
                {"Gulzat Osmonova", "1996", "F", "Maksat"},
                {"Erlan Isakov", "1975", "M", "Ak-Sai"},
                {"Timur Sadykov", "1988", "M", "Samarkandyk"}};
  return tabular::XlsxBytes({sheet}).value();
}

Json ImportBody(const std::string& filename, const std::string& bytes, const Json& columns) {
  return {{"filename", filename}, {"content_base64", Base64(bytes)}, {"columns", columns}};
}

const Json kMonitorColumns = {
    {"ФИО", "full_name"}, {"Дата рождения", "birth_date"}, {"Пол", "sex"}, {"Село", "place"}};

class WorkbenchApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    kuzot_ = std::make_unique<KuzotProcess>(TestDir("workbench"));
    ASSERT_TRUE(kuzot_->Start()) << kuzot_->stderr_text();
    ASSERT_TRUE(kuzot_->ActAs("documenter"));
  }

  HttpResult Post(const std::string& target, const Json& body) {
    return kuzot_->Request("POST", target, body.dump());
  }

  int64_t Persons() {
    auto r = kuzot_->Request("GET", "/api/v1/persons?total=true&limit=1");
    return r.json().value("total", -1);
  }

  // person name -> id, for every person.
  std::map<std::string, std::string> PersonIds() {
    std::map<std::string, std::string> ids;
    auto r = kuzot_->Request("GET", "/api/v1/persons?limit=500");
    EXPECT_EQ(r.status, 200) << r.body.substr(0, 500);
    const Json answer = r.json();
    for (const auto& p : answer["items"]) ids[p["names"][0]["value"]] = p["id"];
    return ids;
  }

  void ImportBoth() {
    auto a = Post("/api/v1/linkage/lists", ImportBody("monitors.csv", kMonitors, kMonitorColumns));
    ASSERT_EQ(a.status, 201) << a.body;
    EXPECT_EQ(a.json()["persons"], 6);
    EXPECT_EQ(a.json()["list"]["name"], "monitors");
    auto b = Post(
        "/api/v1/linkage/lists",
        ImportBody(
            "hospital.xlsx", HospitalXlsx(),
            {{"Name", "full_name"}, {"Born", "birth_date"}, {"Sex", "sex"}, {"Village", "place"}}));
    ASSERT_EQ(b.status, 201) << b.body;
    EXPECT_EQ(b.json()["persons"], 7);
    EXPECT_EQ(b.json()["list"]["encoding"], "xlsx");
  }

  // Starts a job and polls it until it ends; the finished job.
  Json RunJob(const Json& request) {
    auto started = Post("/api/v1/linkage/jobs", request);
    EXPECT_EQ(started.status, 201) << started.body;
    const std::string id = started.json().value("id", "");
    EXPECT_EQ(started.json()["state"], "queued");
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (std::chrono::steady_clock::now() < deadline) {
      auto polled = kuzot_->Request("GET", "/api/v1/linkage/jobs/" + id);
      EXPECT_EQ(polled.status, 200) << polled.body;
      Json job = polled.json();
      if (job["state"] == "done" || job["state"] == "failed") return job;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ADD_FAILURE() << "job " << id << " did not end in 120 s";
    return Json();
  }

  // The review item of the pair of these two persons, or null.
  Json FindPair(const std::string& job, const std::string& a, const std::string& b) {
    auto r = kuzot_->Request("GET", "/api/v1/linkage/jobs/" + job + "/review?limit=200");
    EXPECT_EQ(r.status, 200) << r.body;
    const Json answer = r.json();
    for (const auto& item : answer["items"]) {
      std::set<std::string> ids = {item["left"]["id"], item["right"]["id"]};
      if (ids == std::set<std::string>{a, b}) return item;
    }
    return Json();
  }

  std::unique_ptr<KuzotProcess> kuzot_;
};

TEST_F(WorkbenchApiTest, BadListsAreRefusedWholeNamingFileRowAndColumn) {
  auto check = [&](const Json& body, const std::string& expected) {
    auto r = Post("/api/v1/linkage/lists", body);
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_NE(r.json()["error"]["message"].get<std::string>().find(expected), std::string::npos)
        << r.body;
    EXPECT_EQ(Persons(), 0) << "nothing may be imported half-way: " << r.body;
  };
  // A mapped column the list lacks.
  check(ImportBody("monitors.csv", kMonitors, {{"ФИО", "full_name"}, {"Возраст", "age"}}),
        "monitors.csv: no column \"Возраст\"");
  // A ragged row.
  check(ImportBody("ragged.csv", "name,year\nAsel Toktosunova,1990\nBolot,1980,extra\n",
                   {{"name", "full_name"}}),
        "ragged.csv, row 3");
  // An empty name in the fourth row (the others are fine).
  check(ImportBody("gaps.csv", "name,year\nAsel Toktosunova,1990\nBolot Mamytov,1980\n,1975\n",
                   {{"name", "full_name"}}),
        "gaps.csv, row 4, column \"name\": the name is empty");
  // An age that is no age.
  check(ImportBody("ages.csv", "name,age\nAsel Toktosunova,31\nBolot Mamytov,about forty\n",
                   {{"name", "full_name"}, {"age", "age"}}),
        "ages.csv, row 3, column \"age\"");
  // Bytes in no encoding that can be told.
  std::string noise;
  for (int i = 0; i < 400; ++i) noise += static_cast<char>((i * 73 + 11) % 256);
  check(ImportBody("noise.csv", noise, {{"name", "full_name"}}), "noise.csv");
  // An unknown role.
  check(ImportBody("monitors.csv", kMonitors, {{"ФИО", "nickname"}}), "nickname");
  EXPECT_EQ(kuzot_->Request("GET", "/api/v1/linkage/lists").json()["items"].size(), 0u);
}

// The web page maps a file's columns before importing it: the preview
// reads the file as an import would (src/tabular: encodings, XLSX) and
// writes nothing.
TEST_F(WorkbenchApiTest, PreviewShowsColumnsAndFirstRowsAndWritesNothing) {
  auto csv = Post("/api/v1/linkage/lists/preview",
                  {{"filename", "monitors.csv"}, {"content_base64", Base64(kMonitors)}});
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_EQ(csv.json()["header"], Json({"ФИО", "Дата рождения", "Пол", "Село"}));
  EXPECT_EQ(csv.json()["row_count"], 6);
  EXPECT_EQ(csv.json()["rows"].size(), 5u);
  EXPECT_EQ(csv.json()["rows"][0][0], "Абдыкадырова Айзада");
  EXPECT_EQ(csv.json()["encoding"], "UTF-8");

  auto xlsx = Post("/api/v1/linkage/lists/preview",
                   {{"filename", "hospital.xlsx"}, {"content_base64", Base64(HospitalXlsx())}});
  ASSERT_EQ(xlsx.status, 200) << xlsx.body;
  EXPECT_EQ(xlsx.json()["header"], Json({"Name", "Born", "Sex", "Village"}));
  EXPECT_EQ(xlsx.json()["row_count"], 7);

  auto ragged =
      Post("/api/v1/linkage/lists/preview",
           {{"filename", "ragged.csv"},
            {"content_base64", Base64("name,year\nAsel Toktosunova,1990\nBolot,1980,x\n")}});
  EXPECT_EQ(ragged.status, 400) << ragged.body;
  EXPECT_NE(ragged.body.find("ragged.csv, row 3"), std::string::npos) << ragged.body;
  EXPECT_EQ(Post("/api/v1/linkage/lists/preview", {{"filename", "x.csv"}}).status, 400);

  EXPECT_EQ(Persons(), 0);
  EXPECT_EQ(kuzot_->Request("GET", "/api/v1/linkage/lists").json()["items"].size(), 0u);
}

TEST_F(WorkbenchApiTest, ReconcileReviewDecideMergeUnmerge) {
  ImportBoth();
  auto ids = PersonIds();
  ASSERT_EQ(ids.size(), 13u);
  const std::string aizada_ru = ids["Абдыкадырова Айзада"], aizada_en = ids["Aizada Abdykadyrova"];
  const std::string gulzat_ru = ids["Осмонова Гулзат"], gulzat_en = ids["Gulzat Osmonova"];
  const std::string erlan_ru = ids["Исаков Эрлан"], erlan_en = ids["Erlan Isakov"];

  // A person keeps what the list said in the citation of the list's source.
  auto person = kuzot_->Request("GET", "/api/v1/persons/" + aizada_ru).json();
  EXPECT_EQ(person["birth_date"], "1990-05-12");
  EXPECT_EQ(person["sex"], "female");
  EXPECT_NE(person["sources"][0]["note"].get<std::string>().find("row 2: "), std::string::npos);
  EXPECT_NE(person["sources"][0]["note"].get<std::string>().find("Кок-Таш"), std::string::npos);

  Json job = RunJob({{"review_min", 0.001}, {"review_max", 1.0}});
  ASSERT_EQ(job["state"], "done") << job.dump();
  const std::string job_id = job["id"];
  EXPECT_EQ(job["result"]["persons"], 13);
  EXPECT_EQ(job["result"]["lists"], 2);
  EXPECT_FALSE(job["result"]["blocking"].empty());
  EXPECT_GE(job["result"]["links"].get<int>(), 4) << job.dump();
  EXPECT_EQ(job["result"]["labels"], 0);

  // The review queue: both persons, the explanation, which list said what.
  Json item = FindPair(job_id, aizada_ru, aizada_en);
  ASSERT_FALSE(item.is_null());
  EXPECT_GT(item["probability"].get<double>(), 0.9);
  bool name_field = false;
  for (const auto& f : item["explanation"]["fields"]) {
    if (f["field"] == "name") {
      name_field = true;
      EXPECT_EQ(f["level"], "exact") << item.dump();
    }
  }
  EXPECT_TRUE(name_field) << item.dump();
  std::set<std::string> lists = {item["provenance"]["left"][0]["list"],
                                 item["provenance"]["right"][0]["list"]};
  EXPECT_EQ(lists, (std::set<std::string>{"monitors", "hospital"}));
  EXPECT_TRUE(item["decision"].is_null());
  // Pages: one at a time, no pair twice.
  auto page1 = kuzot_->Request("GET", "/api/v1/linkage/jobs/" + job_id + "/review?limit=1").json();
  ASSERT_EQ(page1["items"].size(), 1u);
  ASSERT_TRUE(page1["next_cursor"].is_string());
  auto page2 = kuzot_
                   ->Request("GET", "/api/v1/linkage/jobs/" + job_id + "/review?limit=1&cursor=" +
                                        page1["next_cursor"].get<std::string>())
                   .json();
  ASSERT_EQ(page2["items"].size(), 1u) << page2.dump();
  EXPECT_NE(page1["items"][0]["left"]["id"].dump() + page1["items"][0]["right"]["id"].dump(),
            page2["items"][0]["left"]["id"].dump() + page2["items"][0]["right"]["id"].dump());

  // Decisions: kept, latest counts, reused as labels by the next job.
  auto same = Post(
      "/api/v1/linkage/decisions",
      {{"left_id", gulzat_ru}, {"right_id", gulzat_en}, {"decision", "same"}, {"job_id", job_id}});
  ASSERT_EQ(same.status, 201) << same.body;
  ASSERT_EQ(Post("/api/v1/linkage/decisions",
                 {{"left_id", erlan_ru}, {"right_id", erlan_en}, {"decision", "unsure"}})
                .status,
            201);
  ASSERT_EQ(Post("/api/v1/linkage/decisions", {{"left_id", erlan_en},
                                               {"right_id", erlan_ru},
                                               {"decision", "different"},
                                               {"note", "brothers, says the hospital"}})
                .status,
            201);
  auto bad = Post("/api/v1/linkage/decisions",
                  {{"left_id", erlan_ru}, {"right_id", erlan_en}, {"decision", "maybe"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.json()["error"]["field"], "decision");
  auto history = kuzot_
                     ->Request("GET", "/api/v1/linkage/decisions?left_id=" + erlan_ru +
                                          "&right_id=" + erlan_en)
                     .json();
  ASSERT_EQ(history["items"].size(), 2u);
  EXPECT_EQ(history["items"][1]["decision"], "different");
  EXPECT_EQ(history["items"][1]["decided_by"], "documenter1");
  EXPECT_EQ(FindPair(job_id, gulzat_ru, gulzat_en)["decision"]["decision"], "same");

  Json job2 = RunJob({{"review_min", 0.001}, {"review_max", 1.0}});
  ASSERT_EQ(job2["state"], "done") << job2.dump();
  EXPECT_EQ(job2["result"]["labels"], 2) << job2.dump();
  EXPECT_GE(job2["result"]["model"]["labelled_pairs"].get<int>(), 1) << job2.dump();
  Json gulzat = FindPair(job2["id"], gulzat_ru, gulzat_en);
  ASSERT_FALSE(gulzat.is_null());
  EXPECT_EQ(gulzat["explanation"]["decision"], "same");

  // Merge: the survivor carries both spellings and both lists' citations.
  auto merged =
      Post("/api/v1/linkage/merges",
           {{"survivor_id", aizada_ru}, {"absorbed_ids", {aizada_en}}, {"job_id", job_id}});
  ASSERT_EQ(merged.status, 201) << merged.body;
  const std::string merge_id = merged.json()["id"];
  auto survivor = kuzot_->Request("GET", "/api/v1/persons/" + aizada_ru).json();
  EXPECT_EQ(survivor["names"].size(), 2u) << survivor.dump();
  EXPECT_EQ(survivor["sources"].size(), 2u) << survivor.dump();
  EXPECT_TRUE(kuzot_->Request("GET", "/api/v1/persons/" + aizada_en).json()["deleted"]);
  EXPECT_TRUE(FindPair(job_id, aizada_ru, aizada_en).is_null()) << "merged pairs leave the queue";
  auto twice =
      Post("/api/v1/linkage/merges", {{"survivor_id", aizada_ru}, {"absorbed_ids", {aizada_en}}});
  EXPECT_EQ(twice.status, 409) << twice.body;

  // Unmerge: as before, the other restored; only once.
  auto undone = kuzot_->Request("POST", "/api/v1/linkage/merges/" + merge_id + "/undo");
  ASSERT_EQ(undone.status, 201) << undone.body;
  survivor = kuzot_->Request("GET", "/api/v1/persons/" + aizada_ru).json();
  EXPECT_EQ(survivor["names"].size(), 1u);
  EXPECT_EQ(survivor["sources"].size(), 1u);
  EXPECT_FALSE(kuzot_->Request("GET", "/api/v1/persons/" + aizada_en).json()["deleted"]);
  EXPECT_EQ(kuzot_->Request("POST", "/api/v1/linkage/merges/" + merge_id + "/undo").status, 409);
  EXPECT_FALSE(FindPair(job_id, aizada_ru, aizada_en).is_null());

  // A survivor edited after its merge is not silently rolled back.
  auto again =
      Post("/api/v1/linkage/merges", {{"survivor_id", gulzat_ru}, {"absorbed_ids", {gulzat_en}}});
  ASSERT_EQ(again.status, 201) << again.body;
  auto edit =
      kuzot_->Request("PATCH", "/api/v1/persons/" + gulzat_ru, R"({"occupation": "teacher"})");
  ASSERT_EQ(edit.status, 200) << edit.body;
  auto refused = kuzot_->Request(
      "POST", "/api/v1/linkage/merges/" + again.json()["id"].get<std::string>() + "/undo");
  EXPECT_EQ(refused.status, 409) << refused.body;
  EXPECT_EQ(kuzot_->Request("GET", "/api/v1/linkage/merges").json()["items"].size(), 2u);

  // An analyst runs jobs but does not write persons.
  ASSERT_TRUE(kuzot_->ActAs("analyst"));
  EXPECT_EQ(
      Post("/api/v1/linkage/lists", ImportBody("monitors.csv", kMonitors, kMonitorColumns)).status,
      403);
  EXPECT_EQ(RunJob(Json::object())["state"], "done");
}

}  // namespace
}  // namespace kuzot::testing
