// FuzzyDate: a calendar date known to the year, the month or the day, as
// people report them ("2021", "May 2021", "29 April 2021").
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace kuzot {

enum class DatePrecision { kYear, kMonth, kDay };

struct FuzzyDate {
  int year = 0;
  int month = 0;  // 1..12, 0 when precision is kYear
  int day = 0;    // 1..31, 0 unless precision is kDay
  DatePrecision precision = DatePrecision::kYear;

  // Parses "YYYY", "YYYY-MM" or "YYYY-MM-DD" (ISO 8601 calendar dates).
  // Rejects impossible dates (2021-02-30) and years outside 1000..9999 with
  // an InvalidArgument naming the problem.
  static Result<FuzzyDate> Parse(std::string_view text);

  // The ISO form the date was given in: "2021", "2021-05", "2021-05-04".
  std::string ToString() const;

  // The first and last day the date may denote, as "YYYY-MM-DD"; used for
  // range filters and sorting ("2021-05" spans 2021-05-01 .. 2021-05-31).
  std::string Earliest() const;
  std::string Latest() const;

  friend bool operator==(const FuzzyDate&, const FuzzyDate&) = default;
};

// Number of days in `month` of `year` (Gregorian).
int DaysInMonth(int year, int month);

}  // namespace kuzot
