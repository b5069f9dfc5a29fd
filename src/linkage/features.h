// Private: the records as the comparators see them, normalised once
// (interned spelling keys, parsed dates, resolved places), and the fields
// the model compares.
#pragma once

#include <array>
#include <boost/unordered/unordered_flat_map.hpp>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/status.h"
#include "linkage/gazetteer.h"
#include "linkage/linkage.h"
#include "linkage/names.h"

namespace kuzot::linkage {

// Strings to dense ids; id 0 is the empty string (a missing value).
class Interner {
 public:
  Interner() { Intern(""); }
  uint32_t Intern(std::string_view s);
  const std::string& Get(uint32_t id) const { return strings_[id]; }
  size_t size() const { return strings_.size(); }

 private:
  // Views into strings_, whose elements never move (a deque). An open-
  // addressing table: a million records intern several million strings.
  boost::unordered_flat_map<std::string_view, uint32_t> ids_;
  std::deque<std::string> strings_;
};

enum class FieldKind : uint8_t {
  kName,  // the name tokens, compared as a set
  kBirth,
  kSex,
  kPlace,
  kAddress,
  kDocument,
  kOther,
};

// A compared field. Level 0 is "missing"; 1 is the best agreement.
struct FieldSpec {
  FieldKind kind;
  std::string name;
  int other_index = -1;                            // for kOther: which "other" column
  const std::vector<std::string>& levels() const;  // names of levels 1..L
  int level_count() const { return static_cast<int>(levels().size()); }
};
inline constexpr int kMaxFields = 16;  // four bits each in a 64-bit pattern

struct Token {
  uint32_t key = 0;
  uint32_t alt = 0;  // 0: none
  bool initial = false;
  bool father = false;  // the father's name (shown as such in explanations)
  uint32_t text = 0;    // the word in Latin letters, for explanations
};

struct Features {
  uint32_t size = 0;
  std::vector<FieldSpec> fields;
  Interner strings;

  std::vector<uint32_t> source;
  std::vector<std::array<Token, kMaxTokens>> tokens;
  std::vector<uint8_t> token_count;
  std::vector<uint8_t> has_initial;
  std::vector<uint32_t> full_name;        // the name's full tokens' keys, sorted, as one string id
  std::vector<uint32_t> patronymic;       // father's name key id (also a token), 0 missing
  std::vector<int32_t> birth_date;        // YYYYMMDD or 0
  std::vector<uint32_t> birth_digits;     // id of an impossible date's digits, or 0
  std::vector<int16_t> year_lo, year_hi;  // 0 unknown
  std::vector<uint8_t> sex;               // Sex
  std::vector<int32_t> place_node;        // gazetteer index or -1
  std::vector<uint32_t> place;            // place name key id
  std::vector<uint32_t> place_text;       // the place as written, for explanations
  std::vector<uint32_t> address;          // spelling keys of its words, space-separated
  std::vector<uint32_t> address_text;     // the address in Latin letters, for explanations
  std::vector<uint32_t> document;
  int other_count = 0;
  std::vector<uint32_t> other;  // size * other_count

  // Term-frequency adjustments (log2 of mean frequency over the value's
  // frequency), indexed by string id (name tokens, whole names, places) or
  // by date.
  std::vector<float> tf_name, tf_full_name, tf_place;
  std::unordered_map<int32_t, float> tf_date;

  Gazetteer gazetteer;

  uint32_t other_value(uint32_t record, int index) const {
    return other[static_cast<size_t>(record) * other_count + index];
  }
};

// Normalises every record. InvalidArgument naming the record's origin and
// the field for a record without a name, a duplicate id or an age without
// an event date; dates that are no dates become warnings (the value is
// still compared as written).
Result<Features> Prepare(const std::vector<Record>& records, const Settings& settings,
                         Gazetteer gazetteer, std::vector<std::string>& warnings);

// The threads the stages use: settings.threads, or one per core when it is 0.
int ThreadCount(const Settings& settings);

}  // namespace kuzot::linkage
