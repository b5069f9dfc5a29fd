// Private: estimating the model's parameters without labels (and with
// them when a person has decided some pairs). See doc/linkage.md, "How
// the parameters are estimated".
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "linkage/blocking.h"
#include "linkage/compare.h"
#include "linkage/model.h"

namespace kuzot::linkage {

// Compares the packed pairs `codes` on `threads` threads. Fills the pattern
// and term-frequency adjustment of each pair when asked, and returns how
// many pairs have each pattern. `progress(done)` is called now and then.
std::unordered_map<uint64_t, double> ComparePairs(const Comparer& comparer, uint32_t n,
                                                  const std::vector<uint64_t>& codes, int threads,
                                                  std::vector<uint64_t>* patterns,
                                                  std::vector<float>* tf,
                                                  const std::function<void(int64_t)>& progress);

struct EstimationInput {
  const Features* features;
  const Comparer* comparer;
  const Settings* settings;
  int threads = 1;
  const std::vector<uint64_t>* codes;     // candidate pairs (sorted)
  const std::vector<uint64_t>* patterns;  // comparison of each
  std::vector<PatternCount> labelled;     // decided pairs
};

struct Estimate {
  FittedModel model;
  std::vector<std::string> notes;
};

// 1. u: agreement among random pairs outside the blocks. 2. m: EM over the
// candidate pairs. 3. lambda: EM over all pairs (the candidates plus the
// weighted sample) with m and u fixed.
Estimate EstimateModel(const EstimationInput& input);

}  // namespace kuzot::linkage
