// Birth dates as lists write them; string similarity.
#include <gtest/gtest.h>

#include "linkage/dates.h"
#include "linkage/strings.h"

namespace kuzot::linkage {
namespace {

TEST(BirthTest, ReadsTheUsualFormats) {
  bool ok;
  for (const char* text : {"1990-05-12", "12.05.1990", "12/05/1990", "12-05-1990", "19900512",
                           "12051990", "12.05.90"}) {
    Birth b = ParseBirthDate(text, ok);
    EXPECT_TRUE(ok) << text;
    EXPECT_EQ(b.date, 19900512) << text;
  }
  Birth year = ParseBirthDate("1990", ok);
  EXPECT_TRUE(ok);
  EXPECT_EQ(year.date, 0);
  EXPECT_EQ(year.year_lo, 1990);
  EXPECT_EQ(ParseBirthDate("05.1990", ok).year_hi, 1990);
  EXPECT_EQ(BirthFromYear("1990 г.", ok).year_lo, 1990);
}

TEST(BirthTest, KeepsImpossibleDatesAsDigitsAndRefusesText) {
  bool ok;
  Birth b = ParseBirthDate("31.02.1990", ok);
  EXPECT_FALSE(ok);
  EXPECT_EQ(b.digits, "19900231");
  EXPECT_EQ(b.year_lo, 1990);
  EXPECT_FALSE(ParseBirthDate("unknown", ok).known());
  EXPECT_FALSE(ok);
  EXPECT_FALSE(ParseBirthDate("", ok).known());
  EXPECT_TRUE(ok);
}

TEST(BirthTest, AnAgeGivesTwoPossibleYears) {
  bool ok;
  Birth b = BirthFromAge("34", 2021, ok);
  EXPECT_TRUE(ok);
  EXPECT_EQ(b.year_lo, 1986);
  EXPECT_EQ(b.year_hi, 1987);
  EXPECT_TRUE(b.from_age);
  BirthFromAge("34", 0, ok);
  EXPECT_FALSE(ok);  // no event date
  BirthFromAge("about 40", 2021, ok);
  EXPECT_TRUE(ok);  // the number is what counts
  BirthFromAge("200", 2021, ok);
  EXPECT_FALSE(ok);
}

TEST(JaroWinklerTest, MatchesWinklersExamples) {
  EXPECT_NEAR(JaroWinkler("martha", "marhta"), 0.961, 0.001);
  EXPECT_NEAR(JaroWinkler("dwayne", "duane"), 0.840, 0.001);
  EXPECT_NEAR(JaroWinkler("dixon", "dicksonx"), 0.813, 0.001);
  EXPECT_EQ(JaroWinkler("same", "same"), 1.0);
  EXPECT_EQ(JaroWinkler("", "x"), 0.0);
  EXPECT_EQ(JaroWinkler("abc", "xyz"), 0.0);
}

TEST(EditDistanceTest, CountsTranspositionsAsOneAndStopsAtTheLimit) {
  EXPECT_EQ(EditDistance("aizada", "aizada", 2), 0);
  EXPECT_EQ(EditDistance("aizada", "aziada", 2), 1);
  EXPECT_EQ(EditDistance("aizada", "aizda", 2), 1);
  EXPECT_EQ(EditDistance("nurlan", "nurbek", 2), 3);
  EXPECT_EQ(EditDistance("a", "abcdef", 2), 3);
}

}  // namespace
}  // namespace kuzot::linkage
