// Published capture-recapture data sets used by the stats tests.
#pragma once

#include <string>
#include <vector>

#include "stats/estimate.h"

namespace kuzot::stats::testing {

// A history from counts in R array order (dga's Y: the first list varies
// fastest, so index i is the pattern bit mask i); Y[0] is ignored.
inline CaptureHistory FromArray(const std::vector<std::string>& lists,
                                const std::vector<long long>& y) {
  CaptureHistory h;
  h.lists = lists;
  for (size_t i = 1; i < y.size(); ++i)
    if (y[i] > 0) h.cells[static_cast<std::uint32_t>(i)] = y[i];
  return h;
}

// Madigan & York (1997), three lists (../shared/data/estimation/README.md).
inline CaptureHistory MadiganYork3() {
  return FromArray({"A", "B", "C"}, {0, 60, 49, 4, 247, 112, 142, 12});
}

// Madigan & York (1997), five lists, as in dga's examples.
inline CaptureHistory MadiganYork5() {
  return FromArray({"L1", "L2", "L3", "L4", "L5"},
                   {0,  27, 37, 19, 4, 4, 1, 1, 97, 22, 37, 25, 2, 1, 3, 5,
                    83, 36, 34, 18, 3, 5, 0, 2, 30, 5,  23, 8,  0, 3, 0, 2});
}

}  // namespace kuzot::stats::testing
