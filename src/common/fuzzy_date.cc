#include "common/fuzzy_date.h"

#include <cstdio>

namespace kuzot {
namespace {

bool ParseDigits(std::string_view text, size_t pos, size_t count, int* out) {
  if (pos + count > text.size()) return false;
  int value = 0;
  for (size_t i = pos; i < pos + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    value = value * 10 + (text[i] - '0');
  }
  *out = value;
  return true;
}

std::string Format(int year, int month, int day) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
  return buf;
}

}  // namespace

int DaysInMonth(int year, int month) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2) {
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return leap ? 29 : 28;
  }
  return kDays[month - 1];
}

Result<FuzzyDate> FuzzyDate::Parse(std::string_view text) {
  const std::string shown(text.substr(0, 40));
  auto bad = [&](const std::string& why) {
    return Status::InvalidArgument("'" + shown + "' is not a valid date: " + why +
                                   " (use YYYY, YYYY-MM or YYYY-MM-DD)");
  };
  FuzzyDate date;
  if (text.size() != 4 && text.size() != 7 && text.size() != 10) return bad("wrong length");
  if (!ParseDigits(text, 0, 4, &date.year)) return bad("the year must be four digits");
  if (date.year < 1000) return bad("year out of range");
  date.precision = DatePrecision::kYear;
  if (text.size() >= 7) {
    if (text[4] != '-' || !ParseDigits(text, 5, 2, &date.month)) return bad("bad month");
    if (date.month < 1 || date.month > 12) return bad("month must be 01..12");
    date.precision = DatePrecision::kMonth;
  }
  if (text.size() == 10) {
    if (text[7] != '-' || !ParseDigits(text, 8, 2, &date.day)) return bad("bad day");
    if (date.day < 1 || date.day > DaysInMonth(date.year, date.month)) {
      return bad("that month has no such day");
    }
    date.precision = DatePrecision::kDay;
  }
  return date;
}

std::string FuzzyDate::ToString() const {
  std::string full = Format(year, month, day);
  switch (precision) {
    case DatePrecision::kYear: return full.substr(0, 4);
    case DatePrecision::kMonth: return full.substr(0, 7);
    case DatePrecision::kDay: return full;
  }
  return full;
}

std::string FuzzyDate::Earliest() const {
  return Format(year, month == 0 ? 1 : month, day == 0 ? 1 : day);
}

std::string FuzzyDate::Latest() const {
  int m = month == 0 ? 12 : month;
  int d = day == 0 ? DaysInMonth(year, m) : day;
  return Format(year, m, d);
}

}  // namespace kuzot
