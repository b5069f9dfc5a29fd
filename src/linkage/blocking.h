// Private: blocking. A rule is a conjunction of keys ("name+birth_year");
// two records are a candidate pair when some rule gives them a common key.
// Rules are OR-ed; a pair several rules find is compared once.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "linkage/features.h"
#include "linkage/linkage.h"

namespace kuzot::linkage {

enum class KeyKind : uint8_t {
  kNames,       // the two name tokens together, in either order
  kName,        // any one name token
  kNamePrefix,  // a name token and the first three letters of another
  kInitial,     // a name word and the initial of another ("Abdykadyrova A.")
  kPatronymic,
  kBirthDate,
  kBirthYear,  // each year the person may have been born in
  kSex,
  kPlace,
  kDistrict,
  kDocument,
  kAddress,
  kOther,  // other1, other2, ...
};

struct BlockingRule {
  std::string text;
  std::vector<std::pair<KeyKind, int>> keys;  // (kind, other index)
  bool has_initial_key = false;               // pairs only where a record has an initial
};

// Parses "names", "name+birth_date", ...; InvalidArgument naming the
// unknown key and listing the known ones.
Result<BlockingRule> ParseRule(const std::string& text, const Features& features);

// The rules used when none are given, for the fields present.
std::vector<std::string> DefaultRules(const Features& features);

// The packed pair (left, right) with left < right; the low kRuleBits bits
// hold the index of the first rule that found it.
inline constexpr int kRuleBits = 8;
inline uint32_t PairLeft(uint64_t code, uint32_t n) {
  return static_cast<uint32_t>((code >> kRuleBits) / n);
}
inline uint32_t PairRight(uint64_t code, uint32_t n) {
  return static_cast<uint32_t>((code >> kRuleBits) % n);
}

inline constexpr size_t kMaxRules = 64;

class Blocker {
 public:
  Blocker(const Features& features, std::vector<BlockingRule> rules, const Settings& settings);

  // Comparisons each rule's blocks make, from the block sizes alone.
  const std::vector<RuleCount>& planned() const { return planned_; }

  // Skips rules, cheapest first kept, so that the planned comparisons stay
  // within `budget`; rule 0 is always kept.
  void ApplyBudget(int64_t budget);

  // Every candidate pair once (sorted packed codes, see PairLeft/PairRight),
  // with each rule's comparisons and new pairs counted into `counts`.
  std::vector<uint64_t> Generate(std::vector<RuleCount>& counts) const;
  const std::vector<BlockingRule>& rules() const { return rules_; }

 private:
  struct Entry {
    uint64_t key;
    uint32_t record;
  };
  // Entries of one rule, sorted by key.
  std::vector<Entry> Entries(const BlockingRule& rule) const;
  bool Wanted(uint32_t a, uint32_t b, const BlockingRule& rule) const;

  const Features& f_;
  std::vector<BlockingRule> rules_;
  std::vector<std::vector<Entry>> entries_;
  std::vector<uint32_t> order_;  // records by their name signature
  bool within_, across_;
  int max_block_, window_;
  std::vector<RuleCount> planned_;
};

// Sorts 64-bit values (LSD radix, 16 bits a pass; stable, O(n)).
void RadixSort(std::vector<uint64_t>& values);

}  // namespace kuzot::linkage
