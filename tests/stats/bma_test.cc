// Bayesian model averaging (Madigan & York 1997, dga) against published
// answers.
#include <gtest/gtest.h>

#include <cmath>

#include "stats/estimate.h"
#include "test_data.h"

namespace kuzot::stats {
namespace {

TEST(DecomposableGraphs, CountsMatchTheKnownSequence) {
  // Labelled chordal graphs on 2..6 vertices (OEIS A058862).
  EXPECT_EQ(DecomposableGraphs(2).size(), 2u);
  EXPECT_EQ(DecomposableGraphs(3).size(), 8u);
  EXPECT_EQ(DecomposableGraphs(4).size(), 61u);
  EXPECT_EQ(DecomposableGraphs(5).size(), 822u);
  EXPECT_EQ(DecomposableGraphs(6).size(), 18154u);
}

TEST(DecomposableGraphs, SeparatorsOfAChainAndOfAStar) {
  // The path 1-2-3 has cliques {1,2},{2,3} and separator {2}; the empty
  // graph has three cliques and no separators.
  for (const auto& g : DecomposableGraphs(3)) {
    if (g.cliques == std::vector<std::uint32_t>{0b011, 0b110}) {
      EXPECT_EQ(g.separators, std::vector<std::uint32_t>{0b010});
    }
    if (g.cliques.size() == 3) {
      EXPECT_TRUE(g.separators.empty());
    }
  }
}

// ../shared/data/estimation/README.md: delta = 1, negative binomial prior
// a = 13.14, b = 55.17, 1 to 300 missing.
TEST(Bma, ReproducesMadiganYorkThreeLists) {
  BmaOptions o;
  o.delta = 1;
  o.prior.kind = Prior::Kind::kNegativeBinomial;
  o.prior.a = 13.14;
  o.prior.b = 55.17;
  o.min_missing = 1;
  o.max_missing = 300;
  auto r = FitBma(testing::MadiganYork3(), o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->summary.observed, 626);
  EXPECT_EQ(r->models.size(), 8u);
  const BmaModel& best = r->models.front();
  EXPECT_EQ(std::round(best.probability * 100) / 100, 0.37);
  EXPECT_EQ(std::lround(best.estimate), 731);
  EXPECT_EQ(std::lround(best.mode), 729);
  EXPECT_EQ(std::lround(r->summary.estimate), 731);
  EXPECT_EQ(std::lround(r->mode), 728);
  EXPECT_EQ(r->totals.front(), 627);
  EXPECT_EQ(r->totals.back(), 926);
  double sum = 0;
  for (const auto& m : r->models) sum += m.probability;
  EXPECT_NEAR(sum, 1.0, 1e-12);
}

// dga's README (the five-list example of Madigan & York with delta = 0.5,
// the default prior 1/N, 1 to 300 missing): the table of the top models
// printed by posteriorSummaryTable. The posterior probabilities match to
// the 8 digits printed. The README's N column was computed with the N
// vector left over from the three-list example (626 + Nmissing instead of
// 537 + Nmissing), so its modes and quantiles, which are positions on that
// vector, are exactly 89 higher than the totals here, and its Bayes
// estimates about 89 higher.
TEST(Bma, ReproducesDgaFiveListTable) {
  BmaOptions o;
  o.delta = 0.5;
  o.min_missing = 1;
  o.max_missing = 300;
  auto r = FitBma(testing::MadiganYork5(), o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->models.size(), 822u);
  struct Row {
    double probability;
    long estimate, mode, lower, upper;
  };
  const Row rows[] = {{0.21707345, 716, 713, 687, 752},
                      {0.16029369, 704, 703, 680, 734},
                      {0.08226562, 702, 699, 675, 737},
                      {0.06535887, 699, 697, 674, 729},
                      {0.05193514, 705, 703, 680, 736}};
  for (int i = 0; i < 5; ++i) {
    SCOPED_TRACE(i);
    const BmaModel& m = r->models[i];
    EXPECT_NEAR(m.probability, rows[i].probability, 5e-8);
    const long shift = 626 - 537;
    EXPECT_NEAR(m.estimate, rows[i].estimate - shift, 1.0);
    EXPECT_EQ(std::lround(m.mode), rows[i].mode - shift);
    EXPECT_EQ(std::lround(m.lower), rows[i].lower - shift);
    EXPECT_EQ(std::lround(m.upper), rows[i].upper - shift);
  }
}

TEST(Bma, AutomaticRangeCoversThePosterior) {
  auto r = FitBma(testing::MadiganYork3(), {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->totals.front(), 626);  // from 0 missing
  EXPECT_GT(r->summary.upper, r->summary.estimate);
  EXPECT_LT(r->summary.lower, r->summary.estimate);
  EXPECT_DOUBLE_EQ(r->delta, 0.125);  // 2^-3
}

TEST(Bma, RefusesASingleListAndTooManyLists) {
  CaptureHistory one;
  one.lists = {"A"};
  one.cells[1] = 10;
  EXPECT_FALSE(FitBma(one, {}).ok());
  CaptureHistory seven;
  for (int i = 0; i < 7; ++i) seven.lists.push_back("L" + std::to_string(i));
  seven.cells[1] = 3;
  seven.cells[3] = 2;
  EXPECT_FALSE(FitBma(seven, {}).ok());
}

}  // namespace
}  // namespace kuzot::stats
