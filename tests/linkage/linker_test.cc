// The engine end to end on small lists: the issue's examples, decisions,
// explanations, one-to-one linking, the chaining guard, bad input.
#include <gtest/gtest.h>

#include <cmath>

#include "linkage/linkage.h"

namespace kuzot::linkage {
namespace {

// Fictional people who are all different: the population the examples sit
// in (the model needs non-matches to learn from).
std::vector<Record> Background(uint32_t source) {
  static const char* kSurnames[] = {"Асанов",   "Осмонов",   "Токтогулов", "Мамытов",  "Сыдыков",
                                    "Жапаров",  "Бейшенов",  "Курманов",   "Ташматов", "Эшматов",
                                    "Калматов", "Орозбеков", "Дүйшөнов",   "Кенешов",  "Акматов"};
  static const char* kMale[] = {"Нурлан", "Эрлан", "Айбек", "Улан",   "Мирлан", "Канат", "Тилек",
                                "Эрмек",  "Алмаз", "Марат", "Талант", "Максат", "Санжар"};
  static const char* kFemale[] = {"Асел",     "Мээрим", "Чолпон", "Динара", "Бермет", "Айнура",
                                  "Салтанат", "Элнура", "Кундуз", "Чынара", "Аида",   "Сезим"};
  std::vector<Record> out;
  int n = 0;
  for (const char* s : kSurnames) {
    for (int k = 0; k < 12; ++k) {
      bool female = (n % 2) == 1;
      Record r;
      r.source = source;
      r.id = "bg" + std::to_string(source) + "-" + std::to_string(n);
      r.origin = r.id;
      std::string surname = s;
      if (female) surname += "а";
      r.full_name = surname + " " + (female ? kFemale[k % 12] : kMale[k % 13]);
      r.birth_year = std::to_string(1940 + (n * 7) % 70);
      r.sex = female ? "ж" : "м";
      out.push_back(std::move(r));
      ++n;
    }
  }
  return out;
}

Record Person(std::string id, uint32_t source, std::string full_name, std::string birth_year = "",
              std::string sex = "") {
  Record r;
  r.id = std::move(id);
  r.origin = r.id;
  r.source = source;
  r.full_name = std::move(full_name);
  r.birth_year = std::move(birth_year);
  r.sex = std::move(sex);
  return r;
}

size_t IndexOf(const Linker& linker, std::string_view id) {
  for (size_t i = 0; i < linker.records().size(); ++i) {
    if (linker.records()[i].id == id) return i;
  }
  ADD_FAILURE() << "no record " << id;
  return 0;
}

class LinkerTest : public ::testing::Test {
 protected:
  void Build(std::vector<Record> people, Settings settings = {}) {
    std::vector<Record> records = Background(0);
    for (auto& r : Background(1)) records.push_back(std::move(r));
    for (auto& p : people) records.push_back(std::move(p));
    auto linker = Linker::Create(std::move(records), settings);
    ASSERT_TRUE(linker.ok()) << linker.status().ToString();
    linker_ = std::move(*linker);
  }
  void Run(const std::vector<Label>& labels = {}) {
    auto outcome = linker_->Run(labels);
    ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
    outcome_ = std::move(*outcome);
  }
  bool Together(std::string_view a, std::string_view b) {
    return outcome_.cluster[IndexOf(*linker_, a)] == outcome_.cluster[IndexOf(*linker_, b)];
  }
  double Probability(std::string_view a, std::string_view b) {
    auto e = linker_->Explain(IndexOf(*linker_, a), IndexOf(*linker_, b));
    EXPECT_TRUE(e.ok());
    return e.ok() ? e->probability : -1;
  }
  std::unique_ptr<Linker> linker_;
  Outcome outcome_;
};

TEST_F(LinkerTest, FindsTheIssuesExamplesAcrossScriptsAndForms) {
  Build({Person("monitors:1", 0, "Абдыкадырова Айзада", "1990"),
         Person("media:1", 1, "Aizada Abdykadyrova", "1990"),
         Person("authorities:1", 2, "Abdykadyrova A.", "1990"),
         Person("monitors:2", 0, "Бакыт кызы Айгерим", "1985"),
         Person("hospital:2", 1, "Aigerim Bakytovna", "1985"),
         Person("monitors:3", 0, "Абдыкадыров Азамат", "1987")});
  Run();
  EXPECT_TRUE(Together("monitors:1", "media:1"));
  EXPECT_TRUE(Together("monitors:1", "authorities:1"));
  EXPECT_TRUE(Together("monitors:2", "hospital:2"));
  EXPECT_FALSE(Together("monitors:1", "monitors:3"));  // her brother
  EXPECT_FALSE(Together("monitors:1", "monitors:2"));
  EXPECT_GT(Probability("monitors:1", "media:1"), 0.9);
  EXPECT_LT(Probability("monitors:1", "monitors:3"), 0.1);
  // Background people stay alone.
  EXPECT_FALSE(Together("bg0-0", "bg0-1"));
}

TEST_F(LinkerTest, ReportsEachRulesComparisonsBeforeRunning) {
  Build({Person("a", 0, "Асанова Айзада", "1990"), Person("b", 1, "Asanova Aizada", "1990")});
  const auto& planned = linker_->PlannedComparisons();
  ASSERT_FALSE(planned.empty());
  EXPECT_EQ(planned[0].rule, "names");
  EXPECT_GT(planned[0].comparisons, 0);
  Run();
  int64_t new_pairs = 0;
  for (const auto& r : outcome_.blocking) new_pairs += r.new_pairs;
  EXPECT_EQ(new_pairs, outcome_.candidate_pairs);  // each pair compared once
  for (size_t i = 0; i < planned.size(); ++i) {
    EXPECT_LE(outcome_.blocking[i].comparisons, planned[i].comparisons);
  }
}

TEST_F(LinkerTest, DecisionsForceLinksAndNonLinksAndCountAsLabels) {
  Build({Person("a", 0, "Асанова Айзада", "1990"), Person("b", 1, "Asanova Aizada", "1990"),
         Person("c", 0, "Осмонова Бермет", "1970"), Person("d", 1, "Kenje Temirova", "1955")});
  Run({{"a", "b", Decision::kDifferent},
       {"c", "d", Decision::kSame},
       {"a", "c", Decision::kUnsure},
       {"a", "nobody", Decision::kSame}});
  EXPECT_FALSE(Together("a", "b"));
  EXPECT_TRUE(Together("c", "d"));
  EXPECT_EQ(outcome_.model.labelled_pairs, 2);
  auto e = linker_->Explain(IndexOf(*linker_, "a"), IndexOf(*linker_, "b"));
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->decision, "different");
  EXPECT_EQ(e->probability, 0.0);
}

TEST_F(LinkerTest, ExplainsEveryPairFieldByField) {
  Build({Person("a", 0, "Асанова Айзада", "1990", "ж"), Person("b", 1, "Asanova Aizada", "1990")});
  Run();
  auto e = linker_->Explain(IndexOf(*linker_, "a"), IndexOf(*linker_, "b"));
  ASSERT_TRUE(e.ok());
  double sum = e->prior_weight;
  std::map<std::string, std::string> levels;
  for (const auto& f : e->fields) {
    sum += f.weight + f.tf_weight;
    levels[f.field] = f.level;
  }
  EXPECT_NEAR(sum, e->weight, 1e-9);
  EXPECT_NEAR(e->probability, 1 / (1 + std::exp2(-e->weight)), 1e-9);
  EXPECT_EQ(levels["name"], "exact");
  EXPECT_EQ(levels["birth"], "year");
  EXPECT_EQ(levels["sex"], "missing");  // the names already say it
  EXPECT_FALSE(linker_->Explain(0, 0).ok());
}

TEST_F(LinkerTest, OneToOneLinksEachRecordOnce) {
  Settings settings;
  settings.one_to_one = true;
  Build({Person("a", 0, "Асанова Айзада", "1990"), Person("b1", 1, "Asanova Aizada", "1990"),
         Person("b2", 1, "Asanova Aizada", "1990")},
        settings);
  Run();
  int links = 0;
  for (const auto& p : outcome_.pairs) {
    bool involves_a = linker_->records()[p.left].id == "a" || linker_->records()[p.right].id == "a";
    links += involves_a && p.probability >= settings.threshold;
  }
  EXPECT_EQ(links, 1);
  EXPECT_NE(Together("a", "b1"), Together("a", "b2"));
}

TEST_F(LinkerTest, DoesNotChainDifferentPeopleThroughAnInitial) {
  Build({Person("x", 0, "Асанова Айзада", "1990"), Person("y", 1, "Асанова А.", ""),
         Person("z", 2, "Асанова Айпери", "1950")});
  Run();
  EXPECT_FALSE(Together("x", "z"));
}

// A father's name is not a given name: the son's patronymic is the
// father's first name, and the surname is the same, yet they are two people.
TEST_F(LinkerTest, AFathersNameIsNotAGivenName) {
  Build({Person("father", 0, "Морозов Михаил", ""), Person("son", 1, "Морозов Юрий Михайлович", ""),
         Person("daughter", 2, "Морозова Валентина Михайловна", ""),
         Person("son again", 3, "Yuriy Mikhailovich Morozov", "")});
  Run();
  EXPECT_FALSE(Together("father", "son"));
  EXPECT_FALSE(Together("father", "daughter"));
  EXPECT_TRUE(Together("son", "son again"));
}

TEST(LinkerErrorsTest, RefusesBadInputWithClearMessages) {
  Record a = Person("same", 0, "Asanova Aizada");
  Record b = Person("same", 1, "Asanova Aizada");
  auto dup = Linker::Create({a, b}, {});
  ASSERT_FALSE(dup.ok());
  EXPECT_NE(dup.status().message().find("used twice"), std::string::npos);

  b.id = "other";
  b.age = "30";
  b.origin = "hospital.csv, row 3";
  auto no_event = Linker::Create({a, b}, {});
  ASSERT_FALSE(no_event.ok());
  EXPECT_NE(no_event.status().message().find("hospital.csv, row 3"), std::string::npos);
  EXPECT_NE(no_event.status().message().find("event date"), std::string::npos);

  Settings rules;
  rules.blocking_rules = {"names+shoe_size"};
  auto bad_rule = Linker::Create({a}, rules);
  ASSERT_FALSE(bad_rule.ok());
  EXPECT_NE(bad_rule.status().message().find("shoe_size"), std::string::npos);

  Settings threshold;
  threshold.threshold = 1.5;
  EXPECT_FALSE(Linker::Create({a}, threshold).ok());
}

TEST(LinkerErrorsTest, WarnsAboutEmptyNamesAndImpossibleDatesAndStillLinks) {
  Record a = Person("a", 0, "");
  a.origin = "list.csv, row 2";
  a.columns[static_cast<size_t>(Role::kFullName)] = "ФИО";
  a.birth_date = "31.02.1990";
  Record b = Person("b", 0, "Asanova Aizada", "1990");
  auto linker = Linker::Create({a, b}, {});
  ASSERT_TRUE(linker.ok()) << linker.status().ToString();
  auto outcome = (*linker)->Run();
  ASSERT_TRUE(outcome.ok());
  std::string all;
  for (const auto& w : outcome->warnings) all += w + "\n";
  EXPECT_NE(all.find("list.csv, row 2, column \"ФИО\": the name is empty"), std::string::npos)
      << all;
  EXPECT_NE(all.find("31.02.1990"), std::string::npos) << all;
}

// Large lists are turned into records on several threads; the error
// reported must still be the first one met reading row by row.
TEST(RecordsFromTableTest, ManyRowsKeepOrderAndReportTheFirstErrorInRowOrder) {
  tabular::Table table;
  table.name = "big.csv";
  table.header = {"id", "name"};
  const int rows = 50000;
  for (int i = 0; i < rows; ++i) {
    table.rows.push_back({std::to_string(i), "Name" + std::to_string(i)});
    table.row_numbers.push_back(i + 2);
  }
  const std::vector<ColumnRole> columns = {{"id", Role::kId}, {"name", Role::kFullName}};
  auto ok = RecordsFromTable(table, columns, 0, "big");
  ASSERT_TRUE(ok.ok()) << ok.status().message();
  ASSERT_EQ(ok->size(), static_cast<size_t>(rows));
  EXPECT_EQ((*ok)[0].id, "big:0");
  EXPECT_EQ((*ok)[rows - 1].id, "big:" + std::to_string(rows - 1));
  EXPECT_EQ((*ok)[rows - 1].full_name, "Name" + std::to_string(rows - 1));
  EXPECT_EQ((*ok)[rows - 1].origin, "big.csv, row " + std::to_string(rows + 1));

  // An empty id late in the list and a repeated id earlier: the repeat is
  // met first.
  table.rows[45000][0] = "";
  table.rows[30000][0] = "7";
  auto dup = RecordsFromTable(table, columns, 0, "big");
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.status().message(), "big.csv, row 30002: the id \"7\" is used twice in the list");
  // The empty id first.
  table.rows[20000][0] = "";
  auto empty = RecordsFromTable(table, columns, 0, "big");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.status().message(), "big.csv, row 20002, column \"id\": the id is empty");
}

}  // namespace
}  // namespace kuzot::linkage
