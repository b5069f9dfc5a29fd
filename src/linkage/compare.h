// Private: comparing two records field by field. The result is a pattern
// (one comparison level per field, four bits each, 0 = missing) and the
// term-frequency adjustment of the exact agreements in it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "linkage/features.h"

namespace kuzot::linkage {

inline int LevelOf(uint64_t pattern, size_t field) {
  return static_cast<int>((pattern >> (4 * field)) & 0xF);
}

// What Compare found for one field, for explanations.
struct FieldDetail {
  int level = 0;
  float tf = 0;
  std::string left, right;
};

class Comparer {
 public:
  Comparer(const Features& features, const Settings& settings);

  // Thread-safe (reads only).
  uint64_t Compare(uint32_t a, uint32_t b, float& tf) const;

  // The same comparison with the values that were compared.
  std::vector<FieldDetail> Describe(uint32_t a, uint32_t b) const;

 private:
  struct NameLevel {
    int level = 0;
    float tf = 0;
    int exact = 0;                    // tokens that agree exactly ...
    uint32_t exact_keys[kMaxTokens];  // ... and their keys
    std::string left, right;          // with `describe`: the aligned tokens
  };
  NameLevel CompareNames(uint32_t a, uint32_t b, bool describe) const;
  int TokenLevel(const Token& x, const Token& y) const;
  int WordLevel(const std::string& p, const std::string& q) const;
  int FieldLevel(const FieldSpec& field, uint32_t a, uint32_t b, const NameLevel& name,
                 float& tf) const;
  int StringLevel(uint32_t x, uint32_t y, bool with_medium) const;

  const Features& f_;
  double close_;
  double medium_;
};

}  // namespace kuzot::linkage
