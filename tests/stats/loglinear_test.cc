// Log-linear models: estimates checked against their closed forms, the
// enumeration of hierarchical models, boundary cases and the profile
// likelihood interval.
#include <gtest/gtest.h>

#include <cmath>

#include "stats/estimate.h"
#include "test_data.h"

namespace kuzot::stats {
namespace {

const LoglinearModel* Find(const LoglinearResult& r, const std::string& name) {
  for (const auto& m : r.ranking)
    if (m.name == name) return &m;
  return nullptr;
}

TEST(Loglinear, ThreeListModelsMatchClosedForms) {
  const CaptureHistory h = testing::MadiganYork3();
  auto r = FitLoglinear(h, {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->ranking.size() + r->not_estimable.size(), 8u);
  // [12,13,23] (all two-way interactions) reproduces the observed cells;
  // the missing cell follows from "no three-way interaction":
  // m000 = n100 n010 n001 n111 / (n110 n101 n011).
  const LoglinearModel* full = Find(*r, "[12,13,23]");
  ASSERT_NE(full, nullptr);
  EXPECT_NEAR(full->missing, 60.0 * 49 * 247 * 12 / (4.0 * 112 * 142), 1e-6);
  EXPECT_EQ(full->df, 0);
  // [12,3]: list C independent of (A, B): m000 = n001 * sum_{ab!=00} n_ab0
  // / sum_{ab!=00} n_ab1.
  const LoglinearModel* ab_c = Find(*r, "[12,3]");
  ASSERT_NE(ab_c, nullptr);
  EXPECT_NEAR(ab_c->missing, 247.0 * (60 + 49 + 4) / (112 + 142 + 12), 1e-6);
  EXPECT_EQ(ab_c->df, 2);
  // Sorted by AIC, weights sum to 1.
  double w = 0;
  for (size_t i = 0; i < r->ranking.size(); ++i) {
    w += r->ranking[i].weight;
    if (i) EXPECT_LE(r->ranking[i - 1].aic, r->ranking[i].aic);
  }
  EXPECT_NEAR(w, 1.0, 1e-12);
  EXPECT_EQ(r->summary.estimate, r->ranking.front().estimate);
}

TEST(Loglinear, TwoListsIsLincolnPetersen) {
  CaptureHistory h;
  h.lists = {"A", "B"};
  h.cells[1] = 120;  // A only
  h.cells[2] = 80;   // B only
  h.cells[3] = 40;   // both
  auto r = FitLoglinear(h, {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->ranking.size(), 1u);
  EXPECT_NEAR(r->ranking[0].missing, 120.0 * 80 / 40, 1e-6);
  EXPECT_NEAR(r->summary.estimate, 240 + 240, 1e-6);
  bool warned = false;
  for (const auto& w : r->summary.warnings) warned |= w.find("only 2 lists") != std::string::npos;
  EXPECT_TRUE(warned);
}

TEST(Loglinear, CountsEveryHierarchicalModel) {
  // Rcapture's getAllModels: 113 models of 4 lists; 6893 of 5 (up to 4-way).
  auto four = FitLoglinear(testing::FromArray({"A", "B", "C", "D"}, {0, 30, 25, 8, 40, 10, 9, 4, 35,
                                                                     12, 11, 5, 14, 6, 5, 3}),
                           {});
  ASSERT_TRUE(four.ok());
  EXPECT_EQ(four->ranking.size() + four->not_estimable.size(), 113u);
  LoglinearOptions two;
  two.max_order = 2;
  auto five = FitLoglinear(testing::MadiganYork5(), two);
  ASSERT_TRUE(five.ok());
  EXPECT_EQ(five->ranking.size() + five->not_estimable.size(), 1024u);
}

TEST(Loglinear, AllModelsOfFiveLists) {
  auto r = FitLoglinear(testing::MadiganYork5(), {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->ranking.size() + r->not_estimable.size(), 6893u);
  // This table has empty cells, so some rich models are not estimable.
  EXPECT_FALSE(r->not_estimable.empty());
  EXPECT_GT(r->summary.estimate, 537);
}

TEST(Loglinear, EmptyCellsLeaveSomeModelsNotEstimable) {
  // No one on all three lists: under [12,13,23] the missing cell is
  // n100 n010 n001 n111 / (n110 n101 n011) = 0 at the limit, a boundary
  // estimate that says nothing; it must be left out, not reported as 0.
  auto h = testing::FromArray({"A", "B", "C"}, {0, 60, 49, 4, 247, 112, 142, 0});
  auto r = FitLoglinear(h, {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Find(*r, "[12,13,23]"), nullptr);
  bool listed = false;
  for (const auto& [name, why] : r->not_estimable) listed |= name == "[12,13,23]";
  EXPECT_TRUE(listed);
  // Models that do not need the empty cell are still there.
  EXPECT_NE(Find(*r, "[1,2,3]"), nullptr);
}

TEST(Loglinear, ProfileIntervalIsWhereTheLikelihoodDrops) {
  const CaptureHistory h = testing::MadiganYork3();
  LoglinearOptions o;
  o.intervals_for_top = 8;
  auto r = FitLoglinear(h, o);
  ASSERT_TRUE(r.ok());
  for (const auto& m : r->ranking) {
    SCOPED_TRACE(m.name);
    EXPECT_LT(m.lower, m.estimate);
    EXPECT_GT(m.upper, m.estimate);
    EXPECT_GE(m.lower, 626);
  }
  // Independence of three lists: the interval is asymmetric (longer above)
  // as a profile likelihood for a population size should be.
  const LoglinearModel* ind = Find(*r, "[1,2,3]");
  ASSERT_NE(ind, nullptr);
  EXPECT_GT(ind->upper - ind->estimate, ind->estimate - ind->lower);
}

TEST(Loglinear, BicPrefersSmallerModels) {
  LoglinearOptions o;
  o.criterion = Criterion::kBic;
  auto bic = FitLoglinear(testing::MadiganYork5(), o);
  auto aic = FitLoglinear(testing::MadiganYork5(), {});
  ASSERT_TRUE(bic.ok() && aic.ok());
  EXPECT_LE(bic->ranking.front().parameters, aic->ranking.front().parameters);
}

TEST(Loglinear, RefusesWhatCannotBeEstimated) {
  CaptureHistory one;
  one.lists = {"A"};
  one.cells[1] = 10;
  EXPECT_FALSE(FitLoglinear(one, {}).ok());
  LoglinearOptions o;
  o.max_order = 3;
  EXPECT_FALSE(FitLoglinear(testing::MadiganYork3(), o).ok());  // 3-way never estimable
}

}  // namespace
}  // namespace kuzot::stats
