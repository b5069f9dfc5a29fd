#include "linkage/estimate.h"

#include <algorithm>
#include <atomic>
#include <random>
#include <thread>

namespace kuzot::linkage {
namespace {

// Pairs outside the blocks compared to stand for all of them: twice the
// records, at least 50,000, at most 200,000 (u of the common levels is then
// known to a fraction of a percent; the rare ones come from the
// candidates, see EstimateModel).
uint64_t SampleSize(uint32_t records) {
  return std::clamp<uint64_t>(2 * uint64_t{records}, 50000, 200000);
}
// Name levels up to "partial" (FieldSpec::levels()): the names agree.
constexpr int kNameAgreement = 5;

bool IsCandidate(const std::vector<uint64_t>& codes, uint64_t pair) {
  auto it = std::lower_bound(codes.begin(), codes.end(), pair << kRuleBits);
  return it != codes.end() && (*it >> kRuleBits) == pair;
}

// Agreement among the pairs no rule proposed: a uniform sample of them (all
// of them when there are few), each standing for `weight` pairs. Fills u
// (the sample's level shares, with the prior's kPriorPairsU pairs).
std::vector<PatternCount> SampleOtherPairs(const EstimationInput& in,
                                           std::vector<std::vector<double>>& u) {
  const Features& f = *in.features;
  const auto& codes = *in.codes;
  u = PriorU(f.fields);
  for (auto& levels : u) {
    for (double& x : levels) x *= kPriorPairsU;
  }
  const uint32_t n = f.size;
  std::vector<PatternCount> out;
  const bool within = in.settings->within_lists && !in.settings->one_to_one;
  const bool across = in.settings->across_lists;
  std::unordered_map<uint32_t, uint64_t> per_list;
  for (uint32_t s : f.source) ++per_list[s];
  uint64_t within_pairs = 0, all_pairs = n < 2 ? 0 : uint64_t{n} * (n - 1) / 2;
  for (const auto& [s, c] : per_list) within_pairs += c * (c - 1) / 2;
  const uint64_t total = (within ? within_pairs : 0) + (across ? all_pairs - within_pairs : 0);
  const uint64_t others = total > codes.size() ? total - codes.size() : 0;

  std::vector<uint64_t> sample;
  auto allowed = [&](uint32_t a, uint32_t b) {
    bool same_list = f.source[a] == f.source[b];
    return same_list ? within : across;
  };
  const uint64_t wanted = SampleSize(n);
  if (others > 0 && others <= wanted) {
    for (uint32_t a = 0; a < n; ++a) {
      for (uint32_t b = a + 1; b < n; ++b) {
        uint64_t pair = uint64_t{a} * n + b;
        if (allowed(a, b) && !IsCandidate(codes, pair)) sample.push_back(pair << kRuleBits);
      }
    }
  } else if (others > 0) {
    std::mt19937_64 rng(20240601);
    std::uniform_int_distribution<uint32_t> pick(0, n - 1);
    for (uint64_t attempt = 0; attempt < wanted * 50 && sample.size() < wanted; ++attempt) {
      uint32_t a = pick(rng), b = pick(rng);
      if (a == b) continue;
      if (a > b) std::swap(a, b);
      uint64_t pair = uint64_t{a} * n + b;
      if (allowed(a, b) && !IsCandidate(codes, pair)) sample.push_back(pair << kRuleBits);
    }
  }
  if (sample.empty()) return out;
  auto counts = ComparePairs(*in.comparer, n, sample, in.threads, nullptr, nullptr, {});
  const double weight = static_cast<double>(others) / sample.size();
  for (const auto& [p, c] : counts) {
    out.push_back({p, c * weight, -1});
    for (size_t k = 0; k < f.fields.size(); ++k) {
      int l = LevelOf(p, k);
      if (l) u[k][l] += c;
    }
  }
  for (auto& levels : u) {
    double sum = 0;
    for (size_t l = 1; l < levels.size(); ++l) sum += levels[l];
    for (size_t l = 1; l < levels.size(); ++l) levels[l] /= sum;
  }
  std::sort(out.begin(), out.end(),
            [](const PatternCount& x, const PatternCount& y) { return x.pattern < y.pattern; });
  return out;
}

std::vector<PatternCount> ToTable(const std::unordered_map<uint64_t, double>& counts) {
  std::vector<PatternCount> table;
  table.reserve(counts.size());
  for (const auto& [p, c] : counts) table.push_back({p, c, -1});
  // A fixed order: the EM sums do not depend on hash map layout.
  std::sort(table.begin(), table.end(),
            [](const PatternCount& x, const PatternCount& y) { return x.pattern < y.pattern; });
  return table;
}

}  // namespace

std::unordered_map<uint64_t, double> ComparePairs(const Comparer& comparer, uint32_t n,
                                                  const std::vector<uint64_t>& codes, int threads,
                                                  std::vector<uint64_t>* patterns,
                                                  std::vector<float>* tf,
                                                  const std::function<void(int64_t)>& progress) {
  const size_t pairs = codes.size();
  if (patterns) patterns->resize(pairs);
  if (tf) tf->resize(pairs);
  threads = std::max(1, std::min<int>(threads, static_cast<int>(pairs / 10000) + 1));
  std::vector<std::unordered_map<uint64_t, double>> counts(threads);
  std::atomic<int64_t> done{0};
  std::vector<std::thread> pool;
  const size_t chunk = (pairs + threads - 1) / threads;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      size_t begin = t * chunk, end = std::min(pairs, begin + chunk);
      auto& local = counts[t];
      for (size_t i = begin; i < end; ++i) {
        float adjust;
        uint64_t p = comparer.Compare(PairLeft(codes[i], n), PairRight(codes[i], n), adjust);
        if (patterns) (*patterns)[i] = p;
        if (tf) (*tf)[i] = adjust;
        local[p] += 1;
        if ((i - begin) % 65536 == 65535) {
          int64_t now = done.fetch_add(65536) + 65536;
          if (t == 0 && progress) progress(now);
        }
      }
    });
  }
  for (auto& th : pool) th.join();
  for (int t = 1; t < threads; ++t) {
    for (const auto& [p, c] : counts[t]) counts[0][p] += c;
  }
  return std::move(counts[0]);
}

Estimate EstimateModel(const EstimationInput& in) {
  const Features& f = *in.features;
  Estimate est;

  // 1. u: agreement among random pairs (outside the blocks).
  std::vector<std::vector<double>> u;
  std::vector<PatternCount> others = SampleOtherPairs(in, u);

  // 2. m: EM over the candidate pairs whose names agree (exactly, by a
  //    typo, an initial or one word), where the matches are: there the two
  //    classes are the same person and namesakes, which the other fields
  //    tell apart. Over all candidates, pairs that share little more than a
  //    letter would outnumber both and EM would split them off instead. m
  //    and u are free (labelled pairs with their class fixed); only m is
  //    kept, and for the name the levels left out keep the prior's share.
  std::unordered_map<uint64_t, double> counts;
  for (uint64_t p : *in.patterns) counts[p] += 1;
  std::vector<PatternCount> candidates = ToTable(counts);
  int name_field = -1;
  for (size_t k = 0; k < f.fields.size(); ++k) {
    if (f.fields[k].kind == FieldKind::kName) name_field = static_cast<int>(k);
  }
  auto names_agree = [&](uint64_t pattern) {
    return name_field < 0 || LevelOf(pattern, name_field) <= kNameAgreement;
  };
  std::vector<PatternCount> table;
  for (const auto& p : candidates) {
    if (names_agree(p.pattern)) table.push_back(p);
  }
  table.insert(table.end(), in.labelled.begin(), in.labelled.end());
  FittedModel start;
  start.lambda = 0.5;
  start.m = StartingM(f.fields);
  start.u = u;
  EmOptions options;
  options.update_u = true;
  options.max_iterations = in.settings->em_max_iterations;
  options.tolerance = in.settings->em_tolerance;
  // The names chose these pairs: the other fields tell matches from
  // namesakes, and the name's own m follows from their verdict.
  options.silent.assign(f.fields.size(), false);
  if (name_field >= 0 && f.fields.size() > 1) options.silent[name_field] = true;
  FittedModel candidate = table.empty() ? start : FitEm(f.fields, table, start, options);
  options.silent.clear();
  if (name_field >= 0) {
    // Only agreeing levels were seen (labels aside): rescale them to what
    // the prior leaves them, and take the rest from the prior.
    const auto prior = PriorM(f.fields)[name_field];
    auto& m = candidate.m[name_field];
    double rest = 0, seen = 0;
    for (size_t l = 1; l < m.size(); ++l) {
      if (static_cast<int>(l) > kNameAgreement)
        rest += prior[l];
      else
        seen += m[l];
    }
    for (size_t l = 1; l < m.size(); ++l) {
      m[l] = static_cast<int>(l) > kNameAgreement ? prior[l] : m[l] / seen * (1 - rest);
    }
  }

  // 3. lambda over all pairs (the candidates plus the weighted sample),
  //    with m from 2 and u from 1 fixed: the share of all pairs that are
  //    the same person.
  FittedModel model;
  model.m = candidate.m;
  model.u = u;
  std::vector<PatternCount> all = candidates;
  double population = static_cast<double>(in.patterns->size());
  for (const auto& p : others) population += p.count;
  all.insert(all.end(), others.begin(), others.end());
  model.lambda = population > 0 ? std::clamp(f.size / (2.0 * population), 1e-12, 0.5) : 0.1;
  options.update_m = false;
  options.update_u = true;
  FittedModel fitted = all.empty() ? model : FitEm(f.fields, all, model, options);
  if (all.empty()) fitted.ComputeWeights();
  fitted.iterations += candidate.iterations;
  fitted.converged = fitted.converged && candidate.converged;
  est.model = std::move(fitted);
  return est;
}

}  // namespace kuzot::linkage
