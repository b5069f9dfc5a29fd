// `kuzot estimate` through the real binary: the published example, the
// exports, reproducible sampling, and bad input refused with a message
// naming file, row and column and no number on standard output.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "tabular/tabular.h"

namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

struct CliRun {
  int code = -1;
  std::string out, err;
};

fs::path Dir() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  fs::path dir = fs::temp_directory_path() / ("kuzot-estimate-" + std::string(info->name()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

fs::path Write(const fs::path& dir, const std::string& name, const std::string& text) {
  std::ofstream(dir / name, std::ios::binary) << text;
  return dir / name;
}

CliRun Kuzot(const fs::path& dir, const std::string& args) {
  const std::string cmd = std::string(KUZOT_BINARY) + " estimate " + args + " >" +
                          (dir / "out").string() + " 2>" + (dir / "err").string();
  CliRun r;
  int status = std::system(cmd.c_str());
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = Slurp(dir / "out");
  r.err = Slurp(dir / "err");
  return r;
}

const char kMadiganYork[] =
    "A,B,C,count\n1,0,0,60\n0,1,0,49\n1,1,0,4\n0,0,1,247\n1,0,1,112\n0,1,1,142\n1,1,1,12\n";

TEST(EstimateCli, ReproducesMadiganYork) {
  fs::path dir = Dir();
  fs::path in = Write(dir, "my.csv", kMadiganYork);
  CliRun r = Kuzot(dir, "--input " + in.string() +
                            " --method bma --delta 1 --prior negbin --prior-a 13.14 "
                            "--prior-b 55.17 --min-missing 1 --max-missing 300 --format json");
  ASSERT_EQ(r.code, 0) << r.err;
  Json j = Json::parse(r.out);
  EXPECT_EQ(j["method"], "bma");
  EXPECT_EQ(j["observed"], 626);
  EXPECT_EQ(j["estimate"], 731);
  EXPECT_EQ(j["mode"], 728);
  EXPECT_EQ(j["undocumented"]["estimate"], 105);
  EXPECT_LT(j["lower"].get<int>(), 731);
  EXPECT_GT(j["upper"].get<int>(), 731);
  EXPECT_EQ(j["models"][0]["model"], "[12,3]");
  EXPECT_NEAR(j["models"][0]["probability"].get<double>(), 0.37, 0.005);
  EXPECT_EQ(j["models"][0]["estimate"], 731);
  EXPECT_EQ(j["models"][0]["mode"], 729);
}

TEST(EstimateCli, LoglinearReportsTheRanking) {
  fs::path dir = Dir();
  fs::path in = Write(dir, "my.csv", kMadiganYork);
  CliRun r = Kuzot(dir, "-i " + in.string() + " --format json --criterion bic");
  ASSERT_EQ(r.code, 0) << r.err;
  Json j = Json::parse(r.out);
  EXPECT_EQ(j["method"], "loglinear");
  EXPECT_EQ(j["criterion"], "bic");
  EXPECT_EQ(j["models_fitted"], 8);
  ASSERT_EQ(j["ranking"].size(), 8u);
  EXPECT_EQ(j["ranking"][0]["model"], j["model"]);
  EXPECT_NEAR(j["estimate"].get<double>(), j["ranking"][0]["estimate"].get<double>(), 0.5);
  for (const char* key : {"observed", "estimate", "lower", "upper", "warnings", "undocumented"})
    EXPECT_TRUE(j.contains(key)) << key;
  // The text form says the same.
  CliRun t = Kuzot(dir, "-i " + in.string() + " --criterion bic");
  ASSERT_EQ(t.code, 0);
  EXPECT_NE(t.out.find("Chosen model:  " + j["model"].get<std::string>()), std::string::npos);
}

TEST(EstimateCli, LcmcrIsReproducibleWithASeed) {
  fs::path dir = Dir();
  fs::path in = Write(dir, "my.csv", kMadiganYork);
  const std::string args =
      "-i " + in.string() + " -m lcmcr --burn-in 500 --iterations 2000 --thinning 2 --format json";
  CliRun a = Kuzot(dir, args + " --seed 7");
  CliRun b = Kuzot(dir, args + " --seed 7");
  CliRun c = Kuzot(dir, args + " --seed 8");
  ASSERT_EQ(a.code, 0) << a.err;
  EXPECT_EQ(a.out, b.out);
  EXPECT_NE(a.out, c.out);
  Json j = Json::parse(a.out);
  EXPECT_EQ(j["seed"], 7);
  EXPECT_EQ(j["draws"], 1000);
}

TEST(EstimateCli, ReadsOneRowPerPersonFromXlsxAndStratifies) {
  fs::path dir = Dir();
  std::vector<std::vector<std::string>> rows;
  const char* patterns[] = {"100", "010", "001", "110", "101", "011", "111"};
  for (int region = 0; region < 2; ++region)
    for (int i = 0; i < 7; ++i)
      for (int n = 0; n < 10 + 3 * i + region; ++n)
        rows.push_back({region ? "south" : "north", std::string(1, patterns[i][0]),
                        std::string(1, patterns[i][1]), std::string(1, patterns[i][2])});
  ASSERT_TRUE(kuzot::tabular::WriteXlsx((dir / "people.xlsx").string(),
                                        {{"people", {"region", "police", "ngo", "press"}, rows}})
                  .ok());
  CliRun r = Kuzot(dir, "-i " + (dir / "people.xlsx").string() + " --strata region --format json");
  ASSERT_EQ(r.code, 0) << r.err;
  Json j = Json::parse(r.out);
  ASSERT_EQ(j["strata"].size(), 2u);
  EXPECT_EQ(j["strata"][0]["stratum"], "north");
  EXPECT_EQ(j["strata"][0]["lists"], Json({"police", "ngo", "press"}));
  EXPECT_EQ(j["strata"][0]["observed"], 7 * 10 + 3 * 21);
  EXPECT_EQ(j["strata"][1]["observed"], 7 * 11 + 3 * 21);
}

TEST(EstimateCli, ExportsTheTablesForTheRPackages) {
  fs::path dir = Dir();
  fs::path in = Write(dir, "my.csv", kMadiganYork);
  CliRun dga = Kuzot(dir, "-i " + in.string() + " --export dga");
  ASSERT_EQ(dga.code, 0) << dga.err;
  EXPECT_EQ(dga.out,
            "A,B,C,count\r\n0,0,0,0\r\n1,0,0,60\r\n0,1,0,49\r\n1,1,0,4\r\n0,0,1,247\r\n"
            "1,0,1,112\r\n0,1,1,142\r\n1,1,1,12\r\n");
  CliRun lcmcr = Kuzot(dir, "-i " + in.string() + " --export lcmcr -o " + (dir / "p.csv").string());
  ASSERT_EQ(lcmcr.code, 0) << lcmcr.err;
  auto table = kuzot::tabular::ReadFile((dir / "p.csv").string());
  ASSERT_TRUE(table.ok());
  EXPECT_EQ(table->rows.size(), 626u);
}

// A database of fictional victims on three lists (sources), loaded with
// `kuzot import`, then estimated from the records.
TEST(EstimateCli, EstimatesFromTheRecords) {
  fs::path dir = Dir();
  Json records = Json::array();
  records.push_back({{"key", "ev"},
                     {"type", "event"},
                     {"body", {{"title", "Fictional event"}, {"confidentiality", "public"}}}});
  const char* lists[] = {"A", "B", "C"};
  for (const char* l : lists)
    records.push_back({{"key", std::string("src-") + l},
                       {"type", "source"},
                       {"body",
                        {{"title", std::string("List ") + l},
                         {"kind", "document"},
                         {"confidentiality", "public"}}}});
  // Madigan & York's counts, person by person.
  const int counts[] = {0, 60, 49, 4, 247, 112, 142, 12};
  int n = 0;
  for (int pattern = 1; pattern < 8; ++pattern)
    for (int i = 0; i < counts[pattern]; ++i, ++n) {
      Json sources = Json::array();
      for (int j = 0; j < 3; ++j)
        if (pattern & (1 << j)) sources.push_back({{"source_id", std::string("@src-") + lists[j]}});
      const std::string key = "p" + std::to_string(n);
      records.push_back({{"key", key},
                         {"type", "person"},
                         {"body",
                          {{"names", {{{"value", "Fictional person " + key}}}},
                           {"sex", n % 2 ? "female" : "male"},
                           {"confidentiality", "public"},
                           {"sources", sources}}}});
      records.push_back({{"key", "a" + key},
                         {"type", "act"},
                         {"body",
                          {{"type", "killing"},
                           {"event_id", "@ev"},
                           {"victim_person_id", "@" + key},
                           {"confidentiality", "public"}}}});
    }
  Write(dir, "bundle.json",
        Json({{"format", "kuzot-bundle"}, {"version", 1}, {"records", records}}).dump());
  // The data is encrypted at rest: the key file lives beside it.
  ::setenv("KUZOT_KEY_FILE", (dir / "key").string().c_str(), 1);
  const std::string import = std::string(KUZOT_BINARY) + " import --data " +
                             (dir / "data").string() + " " + (dir / "bundle.json").string() +
                             " >/dev/null 2>&1";
  ASSERT_EQ(std::system(import.c_str()), 0);
  CliRun r = Kuzot(dir, "--from-records --data " + (dir / "data").string() +
                            " --method bma --delta 1 --prior negbin --prior-a 13.14 --prior-b 55.17"
                            " --min-missing 1 --max-missing 300 --format json");
  ASSERT_EQ(r.code, 0) << r.err;
  Json j = Json::parse(r.out);
  EXPECT_EQ(j["observed"], 626);
  EXPECT_EQ(j["estimate"], 731);  // the same figures as from the table
  EXPECT_EQ(j["mode"], 728);
  // Stratified by a person field, and exported for dga.
  CliRun strata = Kuzot(
      dir, "--from-records --data " + (dir / "data").string() + " --strata sex --format json");
  ASSERT_EQ(strata.code, 0) << strata.err;
  EXPECT_EQ(Json::parse(strata.out)["strata"].size(), 2u);
  CliRun dga = Kuzot(dir, "--from-records --data " + (dir / "data").string() + " --export dga");
  ASSERT_EQ(dga.code, 0) << dga.err;
  EXPECT_NE(dga.out.find("List C,List B,List A,count"), std::string::npos);  // largest first
  // Neither a file nor the records: refused.
  CliRun neither = Kuzot(dir, "--method bma");
  EXPECT_EQ(neither.code, 1);
  EXPECT_NE(neither.err.find("--from-records"), std::string::npos);
}

void ExpectRefused(const std::string& csv, const std::string& message,
                   const std::string& extra = "") {
  fs::path dir = Dir();
  fs::path in = Write(dir, "bad.csv", csv);
  CliRun r = Kuzot(dir, "-i " + in.string() + " --format json " + extra);
  EXPECT_EQ(r.code, 1) << csv;
  EXPECT_TRUE(r.out.empty()) << "printed something that looks like an answer: " << r.out;
  EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
}

TEST(EstimateCli, RefusesBadInputClearly) {
  ExpectRefused("A,B,C\n1,0,1\n1,2,0\n", "bad.csv, row 3, column \"B\": \"2\" is not 0 or 1");
  ExpectRefused("A,B,C\n1,0,1\n1,yes?,0\n", "row 3, column \"B\"");
  ExpectRefused("A,B,count\n1,0,5\n0,1,-2\n", "row 3, column \"count\": negative count -2");
  ExpectRefused("A,count\n1,5\n", "1 list(s)");
  ExpectRefused("", "bad.csv");
  ExpectRefused("A,B,C\n", "no data rows");
  ExpectRefused("A,B,C\n1,0,1\n", "no list column \"D\"", "--lists A,B,D");
  ExpectRefused("A,B,count\n0,0,9\n", "on no list");
  ExpectRefused("A,B,count\n1,0,3\n0,1,4\n1,1,2\n", "three lists", "-m lcmcr");
  ExpectRefused("A,B,C,count\n1,0,0,3\n", "record no one", "-m lcmcr");
  ExpectRefused("A,B,C,count\n1,0,0,3\n0,1,0,3\n0,0,1,5\n", "never overlap", "-m bma");
}

}  // namespace
