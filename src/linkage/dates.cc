#include "linkage/dates.h"

#include "linkage/linkage.h"

#include <cctype>
#include <cstdio>
#include <vector>

namespace kuzot::linkage {
namespace {

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

bool Valid(int y, int m, int d) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1850 || y > 2100 || m < 1 || m > 12 || d < 1) return false;
  return d <= kDays[m - 1] + (m == 2 && IsLeap(y));
}

bool PlausibleYear(int y) { return y >= 1850 && y <= 2100; }

// The runs of digits in `text`, and whether anything but digits, spaces,
// separators and a trailing "г."/"y." stands between them.
std::vector<std::string> DigitRuns(std::string_view text, bool& clean) {
  std::vector<std::string> runs;
  clean = true;
  std::string cur;
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = text[i];
    if (std::isdigit(c)) {
      cur += static_cast<char>(c);
      continue;
    }
    if (!cur.empty()) runs.push_back(std::move(cur)), cur.clear();
    if (c == '.' || c == '-' || c == '/' || c == ' ' || c == '\t') continue;
    clean = false;
  }
  if (!cur.empty()) runs.push_back(std::move(cur));
  return runs;
}

int ToInt(const std::string& s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

// A date written in full; `ok` false when it cannot be one (1990-02-31).
Birth Full(int y, int m, int d, bool& ok) {
  Birth b;
  b.year_lo = b.year_hi = static_cast<int16_t>(y);
  if (Valid(y, m, d)) {
    b.date = y * 10000 + m * 100 + d;
  } else {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d%02d%02d", y % 10000, m % 100, d % 100);
    b.digits = buf;
    ok = false;
    if (!PlausibleYear(y)) b.year_lo = b.year_hi = 0;
  }
  return b;
}

Birth YearOnly(int y) {
  Birth b;
  b.year_lo = b.year_hi = static_cast<int16_t>(y);
  return b;
}

// Two-digit years: 85 is 1985, 05 is 2005 (people born this century are
// under 25 at the events Kuzot documents).
int ExpandYear(const std::string& s) {
  int v = ToInt(s);
  if (s.size() == 2) return v <= 25 ? 2000 + v : 1900 + v;
  return v;
}

}  // namespace

Birth ParseBirthDate(std::string_view text, bool& ok) {
  ok = true;
  bool clean;
  std::vector<std::string> runs = DigitRuns(text, clean);
  if (runs.empty()) {
    ok = text.find_first_not_of(" \t") == std::string_view::npos;
    return {};
  }
  if (runs.size() == 1) {
    const std::string& r = runs[0];
    if (r.size() == 4 && PlausibleYear(ToInt(r))) return YearOnly(ToInt(r));
    if (r.size() == 8) {
      int head = ToInt(r.substr(0, 2));
      if (head == 18 || head == 19 || head == 20) {  // YYYYMMDD
        return Full(ToInt(r.substr(0, 4)), ToInt(r.substr(4, 2)), ToInt(r.substr(6, 2)), ok);
      }
      return Full(ToInt(r.substr(4, 4)), ToInt(r.substr(2, 2)), ToInt(r.substr(0, 2)), ok);
    }
    ok = false;
    return {};
  }
  if (runs.size() == 2) {  // YYYY-MM or MM.YYYY: the year is what is known
    for (const auto& r : runs) {
      if (r.size() == 4 && PlausibleYear(ToInt(r))) return YearOnly(ToInt(r));
    }
    ok = false;
    return {};
  }
  if (runs.size() == 3) {
    if (runs[0].size() == 4) {  // YYYY-MM-DD
      return Full(ToInt(runs[0]), ToInt(runs[1]), ToInt(runs[2]), ok);
    }
    if (runs[2].size() == 4 || runs[2].size() == 2) {  // DD.MM.YYYY, DD.MM.YY
      if (runs[0].size() <= 2 && runs[1].size() <= 2) {
        return Full(ExpandYear(runs[2]), ToInt(runs[1]), ToInt(runs[0]), ok);
      }
    }
  }
  ok = false;
  return {};
}

Birth BirthFromYear(std::string_view text, bool& ok) {
  ok = true;
  bool clean;
  std::vector<std::string> runs = DigitRuns(text, clean);
  if (runs.empty()) {
    ok = text.find_first_not_of(" \t") == std::string_view::npos;
    return {};
  }
  if (runs.size() == 1 && runs[0].size() == 4 && PlausibleYear(ToInt(runs[0]))) {
    return YearOnly(ToInt(runs[0]));
  }
  // A full date in a year column is still a birth date.
  return ParseBirthDate(text, ok);
}

Birth BirthFromAge(std::string_view age, int event_year, bool& ok) {
  ok = true;
  bool clean;
  std::vector<std::string> runs = DigitRuns(age, clean);
  if (runs.empty()) {
    ok = age.find_first_not_of(" \t") == std::string_view::npos;
    return {};
  }
  if (runs.size() != 1 || runs[0].size() > 3 || event_year == 0) {
    ok = false;
    return {};
  }
  int a = ToInt(runs[0]);
  if (a > 130) {
    ok = false;
    return {};
  }
  Birth b;
  b.year_lo = static_cast<int16_t>(event_year - a - 1);
  b.year_hi = static_cast<int16_t>(event_year - a);
  b.from_age = true;
  return b;
}

std::string NormalizeDate(std::string_view text) {
  bool ok;
  Birth b = ParseBirthDate(text, ok);
  if (!ok) return {};
  char buf[16];
  if (b.date) {
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", b.date / 10000, b.date / 100 % 100,
                  b.date % 100);
    return buf;
  }
  if (b.year_lo && b.year_lo == b.year_hi) return std::to_string(b.year_lo);
  return {};
}

int YearOf(std::string_view date) {
  bool ok;
  Birth b = ParseBirthDate(date, ok);
  return ok ? b.year_hi : 0;
}

}  // namespace kuzot::linkage
