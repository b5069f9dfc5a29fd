#include "linkage/cluster.h"

#include <algorithm>
#include <numeric>

namespace kuzot::linkage {
namespace {

// Compressed adjacency lists of the pairs in `edges`.
struct Adjacency {
  std::vector<uint32_t> start, target;
  Adjacency(uint32_t n, const std::vector<std::pair<uint32_t, uint32_t>>& edges)
      : start(n + 1, 0), target(edges.size() * 2) {
    for (const auto& [a, b] : edges) ++start[a + 1], ++start[b + 1];
    std::partial_sum(start.begin(), start.end(), start.begin());
    std::vector<uint32_t> fill(start.begin(), start.end() - 1);
    for (const auto& [a, b] : edges) {
      target[fill[a]++] = b;
      target[fill[b]++] = a;
    }
  }
};

}  // namespace

std::vector<uint32_t> ClusterRecords(uint32_t n, const std::vector<Link>& links,
                                     const std::vector<std::pair<uint32_t, uint32_t>>& cannot,
                                     const std::vector<std::pair<uint32_t, uint32_t>>& never,
                                     const std::function<double(uint32_t, uint32_t)>& probability,
                                     double cannot_below) {
  std::vector<uint32_t> parent(n);
  std::iota(parent.begin(), parent.end(), 0);
  // Members of each root, merged small into large so that each record is
  // moved O(log n) times.
  std::vector<std::vector<uint32_t>> members(n);
  auto find = [&](uint32_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  };
  Adjacency soft(n, cannot), hard(n, never);
  auto blocked = [&](uint32_t small_root, uint32_t large_root, const Adjacency& adj) {
    auto check = [&](uint32_t x) {
      for (uint32_t e = adj.start[x]; e < adj.start[x + 1]; ++e) {
        if (find(adj.target[e]) == large_root) return true;
      }
      return false;
    };
    if (members[small_root].empty()) return check(small_root);
    for (uint32_t x : members[small_root])
      if (check(x)) return true;
    return false;
  };
  for (const Link& link : links) {
    uint32_t ra = find(link.a), rb = find(link.b);
    if (ra == rb) continue;
    size_t sa = std::max<size_t>(1, members[ra].size()),
           sb = std::max<size_t>(1, members[rb].size());
    if (sa > sb) std::swap(ra, rb);
    if (blocked(ra, rb, hard)) continue;
    if (!link.forced && blocked(ra, rb, soft)) continue;
    if (!link.forced && probability && cannot_below > 0) {
      // Chaining guard: A-B and B-C link, but is A like C at all?
      const std::vector<uint32_t> one_a{ra}, one_b{rb};
      const auto& ma = members[ra].empty() ? one_a : members[ra];
      const auto& mb = members[rb].empty() ? one_b : members[rb];
      if (ma.size() * mb.size() <= kVerifiedMerge && ma.size() * mb.size() > 1) {
        bool unlike = false;
        for (uint32_t x : ma) {
          for (uint32_t y : mb) {
            if ((x == link.a && y == link.b) || (x == link.b && y == link.a)) continue;
            if (probability(x, y) < cannot_below) unlike = true;
          }
          if (unlike) break;
        }
        if (unlike) continue;
      }
    }
    if (members[rb].empty()) members[rb].push_back(rb);
    if (members[ra].empty()) members[ra].push_back(ra);
    members[rb].insert(members[rb].end(), members[ra].begin(), members[ra].end());
    std::vector<uint32_t>().swap(members[ra]);
    parent[ra] = rb;
  }
  std::vector<uint32_t> id(n, UINT32_MAX), cluster(n);
  uint32_t next = 0;
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t r = find(i);
    if (id[r] == UINT32_MAX) id[r] = next++;
    cluster[i] = id[r];
  }
  return cluster;
}

std::vector<size_t> OneToOne(const std::vector<Link>& links, const std::vector<uint32_t>& source) {
  // For each record, the lists it is already linked into.
  std::vector<std::vector<uint32_t>> linked(source.size());
  auto has = [&](uint32_t r, uint32_t s) {
    return std::find(linked[r].begin(), linked[r].end(), s) != linked[r].end();
  };
  std::vector<size_t> kept;
  for (size_t i = 0; i < links.size(); ++i) {
    const Link& l = links[i];
    uint32_t sa = source[l.a], sb = source[l.b];
    if (sa == sb) continue;
    if (has(l.a, sb) || has(l.b, sa)) continue;
    linked[l.a].push_back(sb);
    linked[l.b].push_back(sa);
    kept.push_back(i);
  }
  return kept;
}

}  // namespace kuzot::linkage
