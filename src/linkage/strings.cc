#include "linkage/strings.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <vector>

namespace kuzot::linkage {

double JaroWinkler(std::string_view a, std::string_view b) {
  if (a.empty() || b.empty()) return a.empty() && b.empty() ? 1.0 : 0.0;
  if (a == b) return 1.0;
  if (a.size() > b.size()) std::swap(a, b);
  const int la = static_cast<int>(a.size()), lb = static_cast<int>(b.size());
  const int range = std::max(0, lb / 2 - 1);
  // Names are short: flags fit on the stack for all but pathological input.
  constexpr int kStack = 64;
  bool a_flag_stack[kStack] = {}, b_flag_stack[kStack] = {};
  std::vector<char> a_heap, b_heap;
  bool* a_flag = a_flag_stack;
  bool* b_flag = b_flag_stack;
  if (lb > kStack) {
    a_heap.assign(la, 0);
    b_heap.assign(lb, 0);
    a_flag = reinterpret_cast<bool*>(a_heap.data());
    b_flag = reinterpret_cast<bool*>(b_heap.data());
  }
  int matches = 0;
  for (int i = 0; i < la; ++i) {
    int lo = std::max(0, i - range), hi = std::min(lb - 1, i + range);
    for (int j = lo; j <= hi; ++j) {
      if (!b_flag[j] && a[i] == b[j]) {
        a_flag[i] = b_flag[j] = true;
        ++matches;
        break;
      }
    }
  }
  if (matches == 0) return 0.0;
  int transpositions = 0;
  for (int i = 0, j = 0; i < la; ++i) {
    if (!a_flag[i]) continue;
    while (!b_flag[j]) ++j;
    if (a[i] != b[j]) ++transpositions;
    ++j;
  }
  double m = matches;
  double jaro = (m / la + m / lb + (m - transpositions / 2.0) / m) / 3.0;
  // Winkler's boost for a common prefix applies only to strings already alike.
  if (jaro <= 0.7) return jaro;
  int prefix = 0;
  while (prefix < std::min(4, la) && a[prefix] == b[prefix]) ++prefix;
  return jaro + prefix * 0.1 * (1.0 - jaro);
}

int EditDistance(std::string_view a, std::string_view b, int limit) {
  const int la = static_cast<int>(a.size()), lb = static_cast<int>(b.size());
  if (std::abs(la - lb) > limit) return limit + 1;
  std::vector<int> prev2(lb + 1), prev(lb + 1), cur(lb + 1);
  for (int j = 0; j <= lb; ++j) prev[j] = j;
  for (int i = 1; i <= la; ++i) {
    cur[0] = i;
    int row_min = cur[0];
    for (int j = 1; j <= lb; ++j) {
      int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        cur[j] = std::min(cur[j], prev2[j - 2] + 1);
      }
      row_min = std::min(row_min, cur[j]);
    }
    if (row_min > limit) return limit + 1;
    std::swap(prev2, prev);
    std::swap(prev, cur);
  }
  return std::min(prev[lb], limit + 1);
}

}  // namespace kuzot::linkage
