#include "common/clock.h"

#include <gtest/gtest.h>

#include <set>

namespace kuzot {
namespace {

TEST(ClockTest, IdsAreUniqueWellFormedAndSortByTime) {
  std::set<std::string> seen;
  std::string previous;
  for (int i = 0; i < 1000; ++i) {
    std::string id = NewId();
    EXPECT_TRUE(LooksLikeId(id)) << id;
    EXPECT_TRUE(seen.insert(id).second);
    EXPECT_GE(id.substr(0, 10), previous.substr(0, std::min<size_t>(10, previous.size())));
    previous = id;
  }
  EXPECT_FALSE(LooksLikeId("not-an-id"));
}

TEST(ClockTest, IsoTimeShape) {
  std::string now = NowIso8601();
  ASSERT_EQ(now.size(), 24u);
  EXPECT_EQ(now[10], 'T');
  EXPECT_EQ(now.back(), 'Z');
}

}  // namespace
}  // namespace kuzot
