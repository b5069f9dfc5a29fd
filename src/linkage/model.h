// Private: the Fellegi-Sunter model and its estimation (doc/linkage.md).
#pragma once

#include <cstdint>
#include <vector>

#include "linkage/features.h"

namespace kuzot::linkage {

// A comparison pattern and how many pairs have it (a sampled pair stands
// for many). `label` is -1 for unlabelled pairs, 1 for a pair a person
// called the same person, 0 for one they called different.
struct PatternCount {
  uint64_t pattern = 0;
  double count = 0;
  int label = -1;
};

struct FittedModel {
  double lambda = 0.01;
  // m[field][level], u[field][level]; index 0 (missing) unused.
  std::vector<std::vector<double>> m, u;
  int iterations = 0;
  bool converged = false;
  double matches = 0;  // expected number of matches among the patterns fitted

  // log2 of the prior odds of a match.
  double PriorWeight() const;
  // log2(m/u) of one field's level (0 when missing).
  double LevelWeight(size_t field, int level) const;
  // log2(m/u) summed over the fields of `pattern`, from the table
  // ComputeWeights fills.
  double Weight(uint64_t pattern) const;
  std::vector<std::vector<double>> weights;
  void ComputeWeights();
};

// What EM may change.
struct EmOptions {
  // Fields left out of the E step (their m and u are still estimated from
  // the posteriors the other fields give): a field every pair was chosen
  // for agreeing on cannot tell matches from the rest there.
  std::vector<bool> silent;
  bool update_m = true;
  bool update_u = false;
  bool update_lambda = true;
  int max_iterations = 200;
  double tolerance = 1e-6;
};

using Levels = std::vector<std::vector<double>>;  // [field][level]

// Weakly informative priors: what m and u usually are for each kind of
// field (Dirichlet centres). They decide little when there are thousands
// of pairs and keep a list of twenty names from absurd estimates.
Levels PriorM(const std::vector<FieldSpec>& fields);
Levels PriorU(const std::vector<FieldSpec>& fields);
// How many pairs' worth each prior counts for.
inline constexpr double kPriorPairsM = 10;
inline constexpr double kPriorPairsU = 100;

// m probabilities to start from (the prior).
Levels StartingM(const std::vector<FieldSpec>& fields);

// EM for the two-class mixture (Winkler 1988; Enamorado et al. 2019) from
// `start`, with labelled pairs' classes fixed and m's level weights kept
// monotone (stronger agreement never weighs less).
FittedModel FitEm(const std::vector<FieldSpec>& fields, const std::vector<PatternCount>& patterns,
                  FittedModel start, const EmOptions& options);

}  // namespace kuzot::linkage
