#include "common/fuzzy_date.h"

#include <gtest/gtest.h>

namespace kuzot {
namespace {

TEST(FuzzyDateTest, ParsesThreePrecisions) {
  auto y = FuzzyDate::Parse("2021");
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(y->precision, DatePrecision::kYear);
  EXPECT_EQ(y->Earliest(), "2021-01-01");
  EXPECT_EQ(y->Latest(), "2021-12-31");
  auto m = FuzzyDate::Parse("2024-02");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->Latest(), "2024-02-29");
  auto d = FuzzyDate::Parse("2021-04-29");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->ToString(), "2021-04-29");
  EXPECT_EQ(d->Earliest(), d->Latest());
}

TEST(FuzzyDateTest, RejectsImpossibleDates) {
  for (const char* bad : {"2021-02-29", "2021-13", "21-05-01", "2021-5-1", "abcd", "", "0999",
                          "2021-04-31", "2021/04/01"}) {
    auto r = FuzzyDate::Parse(bad);
    EXPECT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.status().message().find("not a valid date"), std::string::npos);
  }
}

}  // namespace
}  // namespace kuzot
