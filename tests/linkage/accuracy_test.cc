// Accuracy on labelled data, unsupervised: the Febrl data sets and a
// generated set of Central Asian victim lists with a fixed seed. The figures
// (and the other seeds) are in bench/README.md.
#include <gtest/gtest.h>

#include "bench/linkage/evaluation.h"
#include "bench/linkage/victims.h"

namespace kuzot::linkage::bench {
namespace {

class FebrlTest : public ::testing::TestWithParam<const char*> {};

TEST_P(FebrlTest, PairwiseF1IsAtLeast097) {
  auto data = LoadFebrl(std::string(KUZOT_SHARED_DIR) + "/data/linkage/" + GetParam());
  ASSERT_TRUE(data.ok()) << data.status().ToString();
  auto linker = Linker::Create(data->records, Settings{});
  ASSERT_TRUE(linker.ok()) << linker.status().ToString();
  auto outcome = (*linker)->Run();
  ASSERT_TRUE(outcome.ok());
  Scores pairs = PairScores(*outcome, Settings{}.threshold, data->entity);
  Scores clusters = ClusterScores(outcome->cluster, data->entity);
  RecordProperty("pairwise_f1", std::to_string(pairs.f1));
  EXPECT_GE(pairs.f1, 0.97) << pairs.ToString();
  EXPECT_GE(clusters.f1, 0.97) << clusters.ToString();
}

INSTANTIATE_TEST_SUITE_P(Febrl, FebrlTest,
                         ::testing::Values("febrl1.csv", "febrl2.csv", "febrl3.csv"));

TEST(VictimListsTest, PairwiseF1IsAtLeast095OnAGeneratedSet) {
  GeneratorOptions options;
  options.seed = 20210429;
  options.persons = 2000;
  auto places = DemoGazetteer(KUZOT_SOURCE_DIR);
  ASSERT_FALSE(places.empty());
  GeneratedLists lists = GenerateVictimLists(options, places);
  ASSERT_EQ(lists.lists.size(), 5u);
  Labelled data = ToRecords(lists);
  Settings settings;
  settings.event_date = lists.event_date;
  auto linker = Linker::Create(data.records, settings, places);
  ASSERT_TRUE(linker.ok()) << linker.status().ToString();
  auto outcome = (*linker)->Run();
  ASSERT_TRUE(outcome.ok());
  Scores pairs = PairScores(*outcome, settings.threshold, data.entity);
  Scores clusters = ClusterScores(outcome->cluster, data.entity);
  EXPECT_GE(pairs.f1, 0.95) << pairs.ToString();
  EXPECT_GE(clusters.f1, 0.95) << clusters.ToString();
}

TEST(VictimListsTest, TheGeneratorIsDeterministicAndWritesWhatItClaims) {
  GeneratorOptions options;
  options.seed = 7;
  options.persons = 300;
  auto places = DemoGazetteer(KUZOT_SOURCE_DIR);
  GeneratedLists a = GenerateVictimLists(options, places);
  GeneratedLists b = GenerateVictimLists(options, places);
  ASSERT_EQ(a.lists.size(), b.lists.size());
  for (size_t i = 0; i < a.lists.size(); ++i) {
    EXPECT_EQ(a.lists[i].rows, b.lists[i].rows);
    EXPECT_EQ(a.lists[i].person, b.lists[i].person);
    EXPECT_EQ(a.lists[i].columns.size(), a.lists[i].roles.size());
    for (const auto& row : a.lists[i].rows) EXPECT_EQ(row.size(), a.lists[i].columns.size());
  }
  // Cyrillic and Latin spellings both occur, and some people are listed twice.
  std::string all;
  for (const auto& row : a.lists[0].rows) all += row[1];
  for (const auto& row : a.lists[2].rows) all += row[0];
  EXPECT_NE(all.find("\xD0"), std::string::npos);
  EXPECT_NE(all.find_first_of("abcdefghijklmnopqrstuvwxyz"), std::string::npos);
}

}  // namespace
}  // namespace kuzot::linkage::bench
