// Private: birth dates as lists give them: a full date, a year, an age at
// the event, or a date mistyped into something that is no date at all.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace kuzot::linkage {

struct Birth {
  int32_t date = 0;     // YYYYMMDD when the day is known and valid, else 0
  int16_t year_lo = 0;  // the years the person may have been born in
  int16_t year_hi = 0;  // (0, 0) when unknown
  std::string digits;   // an impossible date, kept as YYYYMMDD digits to compare as text
  bool from_age = false;
  bool known() const { return year_lo != 0 || date != 0 || !digits.empty(); }
};

// A date as written: YYYY-MM-DD, YYYY-MM, YYYY, DD.MM.YYYY, DD/MM/YYYY,
// DD-MM-YYYY, MM.YYYY, YYYYMMDD. A day and month are read day first, as
// in Central Asia. `ok` is false when the text is not empty and is no date;
// an impossible one such as 1990-02-31 (a typing error) is still kept, as
// digits to compare as text, with `ok` false.
Birth ParseBirthDate(std::string_view text, bool& ok);

// Birth from a year ("1990", "1990 г.") or an age at an event: someone aged
// A in year Y was born in Y - A - 1 or Y - A.
Birth BirthFromYear(std::string_view text, bool& ok);
Birth BirthFromAge(std::string_view age, int event_year, bool& ok);

// The year of "YYYY", "YYYY-MM-DD", "DD.MM.YYYY", ...; 0 when none.
int YearOf(std::string_view date);

}  // namespace kuzot::linkage
