// The decomposable (chordal) graphs on k labelled vertices, with their
// cliques and separators, generated rather than tabulated (dga ships them
// as data: graphs3, graphs4, graphs5). There are 2, 8, 61, 822 and 18154
// of them on 2..6 vertices.
//
// A graph is chordal iff a maximum cardinality search gives a perfect
// elimination ordering (Tarjan & Yannakakis 1984). Its separators are the
// edges of a junction tree: a maximum-weight spanning forest of the cliques
// weighted by the size of their intersections; the empty intersections
// between connected components are not separators (dga's convention: the
// marginal likelihood then has one Dirichlet normaliser per component).
#include <algorithm>
#include <bit>
#include <cstdint>
#include <numeric>
#include <vector>

#include "stats/estimate.h"

namespace kuzot::stats {
namespace {

using Adjacency = std::vector<std::uint32_t>;  // neighbours of each vertex

bool IsChordal(int k, const Adjacency& adj) {
  // Maximum cardinality search: number vertices from k-1 down to 0, each
  // time the unnumbered vertex with most numbered neighbours.
  std::vector<int> order(k), weight(k, 0);
  std::uint32_t numbered = 0;
  for (int i = k - 1; i >= 0; --i) {
    int best = -1;
    for (int v = 0; v < k; ++v)
      if (!(numbered & (1u << v)) && (best < 0 || weight[v] > weight[best])) best = v;
    order[i] = best;
    numbered |= 1u << best;
    for (int v = 0; v < k; ++v)
      if ((adj[best] & (1u << v)) && !(numbered & (1u << v))) ++weight[v];
  }
  // Perfect elimination check: for each vertex, its later neighbours must
  // form a clique.
  std::vector<int> position(k);
  for (int i = 0; i < k; ++i) position[order[i]] = i;
  for (int i = 0; i < k; ++i) {
    const int v = order[i];
    std::uint32_t later = 0;
    for (int u = 0; u < k; ++u)
      if ((adj[v] & (1u << u)) && position[u] > i) later |= 1u << u;
    for (int u = 0; u < k; ++u)
      if (later & (1u << u))
        if ((later & ~(1u << u) & ~adj[u]) != 0) return false;
  }
  return true;
}

bool IsClique(int k, const Adjacency& adj, std::uint32_t set) {
  for (int v = 0; v < k; ++v)
    if (set & (1u << v))
      if ((set & ~(1u << v) & ~adj[v]) != 0) return false;
  return true;
}

std::vector<std::uint32_t> MaximalCliques(int k, const Adjacency& adj) {
  std::vector<std::uint32_t> cliques;
  const std::uint32_t full = (1u << k) - 1;
  for (std::uint32_t s = 1; s <= full; ++s) {
    if (!IsClique(k, adj, s)) continue;
    bool maximal = true;
    for (int v = 0; v < k && maximal; ++v)
      if (!(s & (1u << v)) && IsClique(k, adj, s | (1u << v))) maximal = false;
    if (maximal) cliques.push_back(s);
  }
  return cliques;
}

// Separators from a maximum-weight spanning forest of the clique graph
// (Kruskal).
std::vector<std::uint32_t> Separators(const std::vector<std::uint32_t>& cliques) {
  struct Edge {
    int w;
    size_t a, b;
  };
  std::vector<Edge> edges;
  for (size_t a = 0; a < cliques.size(); ++a)
    for (size_t b = a + 1; b < cliques.size(); ++b) {
      int w = std::popcount(cliques[a] & cliques[b]);
      if (w > 0) edges.push_back({w, a, b});
    }
  std::stable_sort(edges.begin(), edges.end(),
                   [](const Edge& x, const Edge& y) { return x.w > y.w; });
  std::vector<size_t> parent(cliques.size());
  std::iota(parent.begin(), parent.end(), 0);
  auto find = [&](size_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  };
  std::vector<std::uint32_t> separators;
  for (const Edge& e : edges) {
    size_t ra = find(e.a), rb = find(e.b);
    if (ra == rb) continue;
    parent[ra] = rb;
    separators.push_back(cliques[e.a] & cliques[e.b]);
  }
  std::sort(separators.begin(), separators.end());
  return separators;
}

}  // namespace

std::vector<DecomposableGraph> DecomposableGraphs(int k) {
  std::vector<DecomposableGraph> graphs;
  if (k < 1 || k > 6) return graphs;
  std::vector<std::pair<int, int>> pairs;
  for (int a = 0; a < k; ++a)
    for (int b = a + 1; b < k; ++b) pairs.push_back({a, b});
  const std::uint32_t count = 1u << pairs.size();
  for (std::uint32_t e = 0; e < count; ++e) {
    Adjacency adj(k, 0);
    for (size_t i = 0; i < pairs.size(); ++i)
      if (e & (1u << i)) {
        adj[pairs[i].first] |= 1u << pairs[i].second;
        adj[pairs[i].second] |= 1u << pairs[i].first;
      }
    if (!IsChordal(k, adj)) continue;
    DecomposableGraph g;
    g.cliques = MaximalCliques(k, adj);
    g.separators = Separators(g.cliques);
    graphs.push_back(std::move(g));
  }
  return graphs;
}

}  // namespace kuzot::stats
