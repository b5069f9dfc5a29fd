// `kuzot reconcile` run as a user runs it: the real binary on real CSV and
// XLSX files, its outputs, and its refusals of bad input.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "tabular/tabular.h"

namespace {

namespace fs = std::filesystem;

struct RunResult {
  int exit_code = -1;
  std::string out, err;
};

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

class ReconcileCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("kuzot-reconcile-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path Write(const std::string& name, const std::string& bytes) {
    fs::path p = dir_ / name;
    std::ofstream(p, std::ios::binary) << bytes;
    return p;
  }

  RunResult Run(const std::vector<std::string>& args) {
    std::string cmd = Quote(KUZOT_BINARY) + " reconcile";
    for (const auto& a : args) cmd += " " + Quote(a);
    cmd += " > " + Quote((dir_ / "stdout").string()) + " 2> " + Quote((dir_ / "stderr").string());
    int status = std::system(cmd.c_str());
    RunResult r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = Slurp(dir_ / "stdout");
    r.err = Slurp(dir_ / "stderr");
    return r;
  }

  // The rows of a CSV the command wrote.
  std::vector<std::vector<std::string>> Rows(const fs::path& p) {
    auto t = kuzot::tabular::ReadFile(p.string());
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    return t.ok() ? t->rows : std::vector<std::vector<std::string>>{};
  }

  fs::path dir_;
};

const char kMonitors[] =
    "№,ФИО,Туулган күнү,Айылы\n"
    "1,Абдыкадырова Айзада Бакытовна,12.05.1990,Көк-Таш\n"
    "2,Бакыт кызы Айгерим,1985,Ак-Сай\n"
    "3,Осмонов Нурлан,03.03.1970,Максат\n"
    "4,Абдыкадырова Айзада,12.05.1990,Кок-Таш\n";
const char kMedia[] =
    "name,age,village\n"
    "Aizada Abdykadyrova,30,Kok-Tash\n"
    "Aigerim Bakytovna,36,Ak-Sai\n"
    "Temir Jusupov,50,Arka\n";

TEST_F(ReconcileCliTest, LinksListsAndDeduplicatesWithinThem) {
  fs::path a = Write("monitors.csv", kMonitors);
  fs::path b = Write("media.csv", kMedia);
  fs::path out = dir_ / "out";
  RunResult r = Run({"--input",
                     a.string(),
                     "--input",
                     b.string(),
                     "--map",
                     "1:№=id",
                     "--map",
                     "1:ФИО=full_name",
                     "--map",
                     "1:Туулган күнү=birth_date",
                     "--map",
                     "monitors:Айылы=place",
                     "--map",
                     "media:name=full_name",
                     "--map",
                     "2:age=age",
                     "--map",
                     "2:village=place",
                     "--event-date",
                     "2021-04-29",
                     "--output",
                     out.string(),
                     "--explain",
                     "--pairs-min",
                     "0"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("blocking rules"), std::string::npos) << r.err;
  for (const char* f : {"pairs.csv", "clusters.csv", "explain.csv", "model.json"}) {
    EXPECT_TRUE(fs::exists(out / f)) << f;
  }
  std::map<std::string, std::string> cluster;
  for (const auto& row : Rows(out / "clusters.csv")) cluster[row[0]] = row[1];
  ASSERT_EQ(cluster.size(), 7u);
  EXPECT_EQ(cluster["monitors:1"], cluster["monitors:4"]);  // a duplicate in one list
  EXPECT_EQ(cluster["monitors:1"], cluster["media:row2"]);  // across lists and scripts
  EXPECT_EQ(cluster["monitors:2"], cluster["media:row3"]);  // kyzy / -ovna
  EXPECT_NE(cluster["monitors:3"], cluster["monitors:1"]);
  EXPECT_NE(cluster["media:row4"], cluster["monitors:3"]);
  auto pairs = Rows(out / "pairs.csv");
  ASSERT_FALSE(pairs.empty());
  EXPECT_GE(std::stod(pairs[0][2]), std::stod(pairs.back()[2]));  // best first
  std::string explain = Slurp(out / "explain.csv");
  EXPECT_NE(explain.find("left_id,right_id,match_probability,field,level"), std::string::npos);
  EXPECT_NE(explain.find(",name,"), std::string::npos);
  EXPECT_NE(explain.find(",birth,"), std::string::npos);
}

TEST_F(ReconcileCliTest, ReadsXlsxAndWindows1251) {
  kuzot::tabular::Sheet sheet{"list",
                              {"Фамилия", "Имя", "Год"},
                              {{"Асанова", "Айзада", "1990"}, {"Осмонов", "Нурлан", "1970"}}};
  fs::path x = dir_ / "hospital.xlsx";
  ASSERT_TRUE(kuzot::tabular::WriteXlsx(x.string(), {sheet}).ok());
  // "Фамилия;Имя;Год\nАсанова;Айзада;1990\n" in windows-1251.
  const std::string cp1251 =
      "\xD4\xE0\xEC\xE8\xEB\xE8\xFF;\xC8\xEC\xFF;\xC3\xEE\xE4\n"
      "\xC0\xF1\xE0\xED\xEE\xE2\xE0;\xC0\xE9\xE7\xE0\xE4\xE0;1990\n";
  fs::path c = Write("police.csv", cp1251);
  fs::path out = dir_ / "out";
  RunResult r =
      Run({"--input", x.string(), "--input", c.string(), "--map", "Фамилия=last_name", "--map",
           "Имя=first_name", "--map", "Год=birth_year", "--output", out.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("windows-1251"), std::string::npos) << r.err;
  std::map<std::string, std::string> cluster;
  for (const auto& row : Rows(out / "clusters.csv")) cluster[row[0]] = row[1];
  EXPECT_EQ(cluster["hospital:row2"], cluster["police:row2"]);
  EXPECT_NE(cluster["hospital:row3"], cluster["police:row2"]);
}

TEST_F(ReconcileCliTest, RefusesBadInputAndWritesNothing) {
  fs::path a = Write("monitors.csv", kMonitors);
  fs::path out = dir_ / "out";
  auto refused = [&](std::vector<std::string> args, const std::string& expected) {
    args.insert(args.end(), {"--output", out.string()});
    RunResult r = Run(args);
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find(expected), std::string::npos) << "expected \"" << expected << "\" in\n"
                                                       << r.err;
    EXPECT_NE(r.err.find("nothing was written"), std::string::npos) << r.err;
    EXPECT_TRUE(!fs::exists(out) || fs::is_empty(out));
  };
  refused({"--input", a.string(), "--map", "Name=full_name"},
          "monitors.csv: no column \"Name\" (it has \"№\", \"ФИО\"");
  refused({"--input", a.string(), "--map", "ФИО=surname"}, "unknown role \"surname\"");
  refused({"--input", a.string(), "--map", "ФИО"}, "is not COLUMN=ROLE");
  refused({"--input", a.string(), "--map", "Айылы=place"}, "no column is mapped to a name");
  refused({"--input", a.string(), "--map", "ФИО=full_name", "--rule", "names+shoe"},
          "unknown key \"shoe\"");
  fs::path ragged = Write("ragged.csv", "name,age\nAizada,30\nNurlan,40,Osh,extra\n");
  refused({"--input", ragged.string(), "--map", "name=full_name"}, "ragged.csv, row 3");
  fs::path dup = Write("dup.csv", "id,name\n1,Aizada\n1,Nurlan\n");
  refused({"--input", dup.string(), "--map", "id=id", "--map", "name=full_name"},
          "dup.csv, row 3: the id \"1\" is used twice");
  fs::path ages = Write("ages.csv", "name,age\nAizada Asanova,30\n");
  refused({"--input", ages.string(), "--map", "name=full_name", "--map", "age=age"},
          "ages.csv, row 2");
  refused({"--input", a.string(), "--map", "ФИО=full_name", "--encoding", "no-such-encoding"},
          "no-such-encoding");
  fs::path binary =
      Write("binary.csv", std::string("name\n\xFF\xFE\x00\x01\x02garbage\x80\x81", 20));
  RunResult r =
      Run({"--input", binary.string(), "--map", "name=full_name", "--output", out.string()});
  EXPECT_NE(r.exit_code, 0);
}

TEST_F(ReconcileCliTest, NamesEmptyNamesAndBadDatesByFileRowAndColumn) {
  fs::path a = Write(
      "list.csv", "ФИО,Дата\nАсанова Айзада,12.05.1990\n,01.01.1980\nОсмонов Нурлан,31.02.1970\n");
  fs::path out = dir_ / "out";
  RunResult r = Run({"--input", a.string(), "--map", "ФИО=full_name", "--map", "Дата=birth_date",
                     "--output", out.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("list.csv, row 3, column \"ФИО\": the name is empty"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("list.csv, row 4, column \"Дата\""), std::string::npos) << r.err;
}

TEST_F(ReconcileCliTest, FebrlThroughTheCommandLine) {
  fs::path out = dir_ / "out";
  RunResult r = Run({"--input",  std::string(KUZOT_SHARED_DIR) + "/data/linkage/febrl1.csv",
                     "--map",    "rec_id=id",
                     "--map",    "given_name=first_name",
                     "--map",    "surname=last_name",
                     "--map",    "date_of_birth=birth_date",
                     "--map",    "suburb=place",
                     "--map",    "address_1=address",
                     "--map",    "soc_sec_id=document_id",
                     "--map",    "street_number=other",
                     "--map",    "postcode=other",
                     "--map",    "state=other",
                     "--output", out.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto entity = [](const std::string& id) {  // febrl1:rec-<n>-...
    size_t a = id.find('-'), b = id.find('-', a + 1);
    return id.substr(a + 1, b - a - 1);
  };
  int64_t tp = 0, predicted = 0;
  for (const auto& row : Rows(out / "pairs.csv")) {
    ++predicted;
    tp += entity(row[0]) == entity(row[1]);
  }
  const int64_t truth = 500;  // ../shared/data/linkage/README.md
  double precision = double(tp) / predicted, recall = double(tp) / truth;
  EXPECT_GE(2 * precision * recall / (precision + recall), 0.97);
}

}  // namespace
