// Private: from scored pairs to clusters of records that are one person.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

namespace kuzot::linkage {

struct Link {
  uint32_t a, b;
  double probability;
  bool forced = false;  // a person said "same"
};

// Joins records along `links` (taken in the order given: best first), the
// way connected components do, except that two groups are not joined when a
// pair in `cannot` (a direct comparison that scored very low) or in `never`
// (a person said "different") lies between them. Forced links ignore
// `cannot` but not `never`. Returns a cluster id per record, numbered from
// 0 in the order of each cluster's first record.
// With `probability` (any pair's match probability; may be empty), two
// small groups (at most kVerifiedMerge pairs between them) are joined only
// if no pair between them scores below `cannot_below`, compared or not.
inline constexpr size_t kVerifiedMerge = 64;
std::vector<uint32_t> ClusterRecords(uint32_t n, const std::vector<Link>& links,
                                     const std::vector<std::pair<uint32_t, uint32_t>>& cannot,
                                     const std::vector<std::pair<uint32_t, uint32_t>>& never,
                                     const std::function<double(uint32_t, uint32_t)>& probability,
                                     double cannot_below);

// One-to-one linking of lists: keeps, best first, each link whose records
// are not yet linked to any record of the other's list. Returns the indices
// of the kept links.
std::vector<size_t> OneToOne(const std::vector<Link>& links, const std::vector<uint32_t>& source);

}  // namespace kuzot::linkage
