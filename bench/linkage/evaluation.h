// Accuracy of a linkage run against ground truth: pairwise precision,
// recall and F1 (of the pairs a run calls matches, and of the pairs its
// clusters imply). Shared by tests/linkage and the bench programs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "linkage/linkage.h"

namespace kuzot::linkage::bench {

struct Scores {
  int64_t true_positives = 0, false_positives = 0, false_negatives = 0;
  double precision = 0, recall = 0, f1 = 0;
  std::string ToString() const;
};

// `entity[i]` names the real person behind record i.
// Pairs of `outcome` at or above `threshold` against all true pairs.
Scores PairScores(const Outcome& outcome, double threshold, const std::vector<std::string>& entity);
// Every pair inside a cluster against all true pairs.
Scores ClusterScores(const std::vector<uint32_t>& cluster, const std::vector<std::string>& entity);

struct Labelled {
  std::vector<Record> records;
  std::vector<std::string> entity;
};

// A Febrl file (../shared/data/linkage/febrlN.csv, ground truth in rec_id)
// read by src/tabular and mapped as `kuzot reconcile` would with
// rec_id=id, given_name=first_name, surname=last_name,
// date_of_birth=birth_date, suburb=place, address_1=address,
// soc_sec_id=document_id and street_number, address_2, postcode, state as
// other.
Result<Labelled> LoadFebrl(const std::string& path);

}  // namespace kuzot::linkage::bench
