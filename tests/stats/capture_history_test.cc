// Capture-history tables: reading 0/1 columns with or without counts, the
// errors that name file, row and column, strata, and the exports for
// HRDAG's R packages.
#include <gtest/gtest.h>

#include "stats/estimate.h"
#include "test_data.h"

namespace kuzot::stats {
namespace {

tabular::Table Table(std::vector<std::string> header, std::vector<std::vector<std::string>> rows) {
  tabular::Table t;
  t.name = "lists.csv";
  t.header = std::move(header);
  t.rows = std::move(rows);
  for (size_t i = 0; i < t.rows.size(); ++i) t.row_numbers.push_back(static_cast<int64_t>(i) + 2);
  return t;
}

TEST(CaptureHistory, ReadsOneRowPerPatternWithCounts) {
  auto r = ReadCaptureHistories(Table({"A", "B", "C", "count"}, {{"1", "0", "0", "60"},
                                                                 {"0", "1", "0", "49"},
                                                                 {"1", "1", "0", "4"},
                                                                 {"0", "0", "1", "247"},
                                                                 {"1", "0", "1", "112"},
                                                                 {"0", "1", "1", "142"},
                                                                 {"1", "1", "1", "12"},
                                                                 {"0", "0", "0", "0"}}),
                                {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 1u);
  const CaptureHistory& h = r->front().history;
  EXPECT_EQ(h.lists, (std::vector<std::string>{"A", "B", "C"}));
  EXPECT_EQ(h.Observed(), 626);
  EXPECT_EQ(h.Count(0b001), 60);
  EXPECT_EQ(h.Count(0b111), 12);
  EXPECT_EQ(h.ListTotals(), (std::vector<std::int64_t>{188, 207, 513}));
}

TEST(CaptureHistory, ReadsOneRowPerPersonAndStrata) {
  auto r =
      ReadCaptureHistories(Table({"id", "region", "A", "B", "C"}, {{"p1", "north", "1", "0", "1"},
                                                                   {"p2", "north", "1", "0", "1"},
                                                                   {"p3", "south", "0", "1", "0"},
                                                                   {"p4", "south", "1", "1", "1"}}),
                           {.lists = {"A", "B", "C"}, .strata = {"region"}});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].label, "north");
  EXPECT_EQ((*r)[0].history.Count(0b101), 2);
  EXPECT_EQ((*r)[1].label, "south");
  EXPECT_EQ((*r)[1].history.Observed(), 2);
}

void ExpectError(const tabular::Table& t, const HistoryColumns& c, const std::string& part) {
  auto r = ReadCaptureHistories(t, c);
  ASSERT_FALSE(r.ok()) << part;
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find(part), std::string::npos) << r.status().message();
}

TEST(CaptureHistory, BadInputIsNamedByFileRowAndColumn) {
  ExpectError(Table({"A", "B", "C"}, {{"1", "0", "1"}, {"1", "2", "0"}}), {},
              "lists.csv, row 3, column \"B\": \"2\" is not 0 or 1");
  ExpectError(Table({"A", "B", "count"}, {{"1", "0", "5"}, {"0", "1", "-3"}}), {},
              "row 3, column \"count\": negative count -3");
  ExpectError(Table({"A", "B", "count"}, {{"1", "0", "five"}}), {},
              "row 2, column \"count\": \"five\" is not a whole number");
  ExpectError(Table({"A", "count"}, {{"1", "5"}}), {}, "1 list(s)");
  ExpectError(Table({"A", "B"}, {}), {}, "no data rows");
  ExpectError(Table({}, {}), {}, "empty");
  ExpectError(Table({"A", "B"}, {{"1", "0"}}), {.lists = {"A", "Z"}}, "no list column \"Z\"");
  ExpectError(Table({"A", "B"}, {{"1", "0"}}), {.strata = {"region"}}, "no column \"region\"");
  ExpectError(Table({"A", "B", "count"}, {{"0", "0", "7"}}), {}, "on no list");
  ExpectError(Table({"A", "B", "count"}, {{"1", "0", "0"}, {"0", "1", "0"}}), {},
              "no one is recorded");
}

TEST(CaptureHistory, BuildsFromPeopleAndTheirLists) {
  std::int64_t skipped = 0;
  auto r = BuildCaptureHistories({"police", "ngo", "press"},
                                 {{{0, 1}, {"2021"}},
                                  {{1}, {"2021"}},
                                  {{}, {"2021"}},
                                  {{0, 1, 2}, {"2020"}},
                                  {{0, 1}, {"2021"}}},
                                 &skipped);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(skipped, 1);
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[1].label, "2021");
  EXPECT_EQ((*r)[1].history.Count(0b011), 2);
  EXPECT_EQ((*r)[1].history.Count(0b010), 1);
}

TEST(CaptureHistory, ExportsForDgaAndLcmcr) {
  std::vector<Stratum> strata(1);
  strata[0].label = "all";
  strata[0].history = testing::MadiganYork3();
  tabular::Table dga = DgaTable(strata);
  EXPECT_EQ(dga.header, (std::vector<std::string>{"A", "B", "C", "count"}));
  ASSERT_EQ(dga.rows.size(), 8u);
  // R array order: array(count, dim = c(2, 2, 2)) is dga's Y.
  const char* counts[] = {"0", "60", "49", "4", "247", "112", "142", "12"};
  for (int i = 0; i < 8; ++i) EXPECT_EQ(dga.rows[i].back(), counts[i]);
  EXPECT_EQ(dga.rows[1], (std::vector<std::string>{"1", "0", "0", "60"}));
  tabular::Table lcmcr = LcmcrTable(strata);
  EXPECT_EQ(lcmcr.header, (std::vector<std::string>{"A", "B", "C"}));
  EXPECT_EQ(lcmcr.rows.size(), 626u);
  tabular::Table patterns = PatternTable(strata);
  EXPECT_EQ(patterns.rows.size(), 7u);
}

TEST(CaptureHistory, WarnsWhereTheDataCannotCarryTheMethod) {
  CaptureHistory h;
  h.lists = {"A", "B", "C"};
  h.cells[0b001] = 100;
  h.cells[0b010] = 80;
  h.cells[0b011] = 30;
  h.cells[0b100] = 6;  // C: small and overlapping no one
  auto w = DataWarnings(h);
  auto has = [&](const std::string& part) {
    for (const auto& s : w)
      if (s.find(part) != std::string::npos) return true;
    return false;
  };
  EXPECT_TRUE(has("list \"C\" records only 6"));
  EXPECT_TRUE(has("list \"C\" shares no one"));
  EXPECT_TRUE(has("patterns of lists are empty"));
}

}  // namespace
}  // namespace kuzot::stats
