// Bayesian model averaging over decomposable graphical models for
// multiple systems estimation (Madigan & York 1997), following HRDAG's R
// package dga (bma.cr, MakeCompMatrix, CompLogML, bayesEstimator,
// posteriorMode, posteriorQuantiles) formula for formula.
//
// For a decomposable model with cliques C and separators S, a
// hyper-Dirichlet prior with delta per cell of the full 2^k table, and a
// candidate number m of people on no list (N = n + m), the log posterior
// weight of (model, m) is
//
//   sum_C L_C(m) - sum_S L_S(m) + (|C| - |S|) [lgamma(a) - lgamma(N + a)]
//     + lgamma(N + 1) - sum_cells lgamma(y + 1) - lgamma(m + 1) + log p(N)
//
// with a = delta 2^k and, for a set of lists D with marginal table counts
// d (the all-zero margin holding m more), alpha_D = delta 2^(k - |D|):
//
//   L_D(m) = sum_margins lgamma(d + alpha_D) - 2^|D| lgamma(alpha_D).
//
// The weights are normalised over every model and every m together.
#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <memory>
#include <vector>

#include "stats/estimate.h"

namespace kuzot::stats {

std::string ModelName(int k, const std::vector<std::uint32_t>& generators);  // loglinear.cc

namespace {

constexpr int kMaxBmaLists = 6;

std::vector<int> Members(std::uint32_t set, int k) {
  std::vector<int> out;
  for (int j = 0; j < k; ++j)
    if (set & (1u << j)) out.push_back(j);
  return out;
}

// Everything about one subset D of lists that does not depend on m: the
// sum of lgamma over its margins except the all-zero one, and alpha_D and
// the all-zero margin's observed count.
struct Component {
  double constant = 0;
  double alpha = 0;
  double zero_margin = 0;
};

std::vector<Component> Components(const CaptureHistory& h, double delta) {
  const int k = h.num_lists();
  const std::uint32_t full = (1u << k);
  std::vector<Component> comps(full);
  for (std::uint32_t d = 1; d < full; ++d) {
    const int size = std::popcount(d);
    Component& c = comps[d];
    c.alpha = delta * std::ldexp(1.0, k - size);
    // Margins indexed by the pattern restricted to D.
    std::vector<double> margin(full, 0.0);
    for (const auto& [pattern, count] : h.cells) margin[pattern & d] += static_cast<double>(count);
    c.zero_margin = margin[0];
    double s = 0;
    for (std::uint32_t sub = d; sub; sub = (sub - 1) & d) s += std::lgamma(margin[sub] + c.alpha);
    c.constant = s - std::ldexp(1.0, size) * std::lgamma(c.alpha);
  }
  return comps;
}

double LogPrior(const Prior& prior, double total) {
  switch (prior.kind) {
    case Prior::Kind::kInverse:
      return -std::log(total);
    case Prior::Kind::kUniform:
      return 0;
    case Prior::Kind::kNegativeBinomial:
      return total * std::log(prior.b) - (total + prior.a) * std::log1p(prior.b) +
             std::lgamma(total + prior.a) - std::lgamma(total + 1) - std::lgamma(prior.a);
  }
  return 0;
}

// dga's bayesEstimator: the estimate minimising relative squared error,
// sum(w/N) / sum(w/N^2).
double BayesEstimator(const std::vector<double>& w, const std::vector<std::int64_t>& totals) {
  double a = 0, b = 0;
  for (size_t i = 0; i < w.size(); ++i) {
    const double t = static_cast<double>(totals[i]);
    a += w[i] / t;
    b += w[i] / (t * t);
  }
  return a / b;
}

double Mode(const std::vector<double>& w, const std::vector<std::int64_t>& totals) {
  return static_cast<double>(totals[std::max_element(w.begin(), w.end()) - w.begin()]);
}

// dga's posteriorQuantiles: the first N whose cumulative probability
// exceeds the level.
double Quantile(const std::vector<double>& w, const std::vector<std::int64_t>& totals,
                double level) {
  double sum = 0;
  for (double x : w) sum += x;
  double cum = 0;
  for (size_t i = 0; i < w.size(); ++i) {
    cum += w[i] / sum;
    if (cum > level) return static_cast<double>(totals[i]);
  }
  return static_cast<double>(totals.back());
}

// What one pass over (model, m) accumulates for each model.
struct ModelSums {
  double log_sum = -std::numeric_limits<double>::infinity();  // log sum of weights
  double probability = 0;
  double over_n = 0;   // sum w / N
  double over_n2 = 0;  // sum w / N^2
  double best = -1;
  std::int64_t mode = 0;
  double cum = 0;
  double lower = -1, upper = -1;
};

// The posterior over (model, m) for m in [min_missing, max_missing],
// computed in blocks of m so that memory stays small for wide ranges: a
// first pass finds each model's normalising sum, a second accumulates the
// summaries (dga's bayesEstimator, posteriorMode, posteriorQuantiles) and
// the averaged posterior.
class Posterior {
 public:
  Posterior(const CaptureHistory& h, const std::vector<DecomposableGraph>& graphs,
            const std::vector<Component>& comps, double delta, const Prior& prior,
            std::int64_t min_missing, std::int64_t max_missing, double level,
            std::int64_t stride = 1)
      : h_(h),
        graphs_(graphs),
        comps_(comps),
        prior_(prior),
        min_(min_missing),
        max_(max_missing),
        stride_(stride),
        count_((max_missing - min_missing) / stride + 1),
        level_(level) {
    n_ = static_cast<double>(h.Observed());
    a_ = delta * std::ldexp(1.0, h.num_lists());
    for (const auto& [pattern, count] : h.cells) sum_lfact_ += std::lgamma(count + 1.0);
    sums_.resize(graphs.size());
    Pass(/*second=*/false);
    double global = -std::numeric_limits<double>::infinity();
    for (const auto& s : sums_) global = LogAdd(global, s.log_sum);
    log_total_ = global;
    averaged_.assign(static_cast<size_t>(count_), 0.0);
    Pass(/*second=*/true);
  }

  const std::vector<ModelSums>& sums() const { return sums_; }
  const std::vector<double>& averaged() const { return averaged_; }
  std::int64_t Total(size_t i) const {
    return static_cast<std::int64_t>(n_) + min_ + static_cast<std::int64_t>(i) * stride_;
  }

 private:
  static constexpr std::int64_t kBlock = 4096;

  static double LogAdd(double a, double b) {
    if (a == -std::numeric_limits<double>::infinity()) return b;
    if (b == -std::numeric_limits<double>::infinity()) return a;
    return a > b ? a + std::log1p(std::exp(b - a)) : b + std::log1p(std::exp(a - b));
  }

  void Pass(bool second) {
    const size_t subsets = comps_.size();
    std::vector<double> common(kBlock), denominator(kBlock), lw(kBlock);
    std::vector<std::vector<double>> comp_ml(subsets, std::vector<double>(kBlock));
    for (std::int64_t from = 0; from < count_; from += kBlock) {
      const std::int64_t len = std::min(kBlock, count_ - from);
      for (std::int64_t i = 0; i < len; ++i) {
        const double m = static_cast<double>(min_ + (from + i) * stride_);
        const double total = n_ + m;
        denominator[i] = std::lgamma(a_) - std::lgamma(total + a_);
        common[i] =
            std::lgamma(total + 1) - sum_lfact_ - std::lgamma(m + 1) + LogPrior(prior_, total);
        for (size_t d = 1; d < subsets; ++d)
          comp_ml[d][i] =
              comps_[d].constant + std::lgamma(comps_[d].zero_margin + m + comps_[d].alpha);
      }
      for (size_t g = 0; g < graphs_.size(); ++g) {
        const auto& graph = graphs_[g];
        const double subgraphs = static_cast<double>(graph.cliques.size()) -
                                 static_cast<double>(graph.separators.size());
        for (std::int64_t i = 0; i < len; ++i) lw[i] = subgraphs * denominator[i] + common[i];
        for (std::uint32_t c : graph.cliques)
          for (std::int64_t i = 0; i < len; ++i) lw[i] += comp_ml[c][i];
        for (std::uint32_t s : graph.separators)
          for (std::int64_t i = 0; i < len; ++i) lw[i] -= comp_ml[s][i];
        ModelSums& s = sums_[g];
        if (!second) {
          double mx = *std::max_element(lw.begin(), lw.begin() + len);
          double acc = 0;
          for (std::int64_t i = 0; i < len; ++i) acc += std::exp(lw[i] - mx);
          s.log_sum = LogAdd(s.log_sum, mx + std::log(acc));
          continue;
        }
        for (std::int64_t i = 0; i < len; ++i) {
          const double w = std::exp(lw[i] - log_total_);   // joint posterior
          const double row = std::exp(lw[i] - s.log_sum);  // within the model
          const double total = static_cast<double>(Total(static_cast<size_t>(from + i)));
          s.probability += w;
          s.over_n += row / total;
          s.over_n2 += row / (total * total);
          if (row > s.best) {
            s.best = row;
            s.mode = static_cast<std::int64_t>(total);
          }
          s.cum += row;
          if (s.lower < 0 && s.cum > (1 - level_) / 2) s.lower = total;
          if (s.upper < 0 && s.cum > 1 - (1 - level_) / 2) s.upper = total;
          averaged_[static_cast<size_t>(from + i)] += w;
        }
      }
    }
    if (second)
      for (auto& s : sums_) {
        const double last = static_cast<double>(Total(static_cast<size_t>(count_ - 1)));
        if (s.lower < 0) s.lower = last;
        if (s.upper < 0) s.upper = last;
      }
  }

  const CaptureHistory& h_;
  const std::vector<DecomposableGraph>& graphs_;
  const std::vector<Component>& comps_;
  Prior prior_;
  std::int64_t min_, max_, stride_, count_;
  double level_;
  double n_ = 0, a_ = 0, sum_lfact_ = 0, log_total_ = 0;
  std::vector<ModelSums> sums_;
  std::vector<double> averaged_;
};

// Share of the averaged posterior in the top 5% of the range of m.
double TailShare(const std::vector<double>& avg) {
  const size_t from = avg.size() - std::max<size_t>(1, avg.size() / 20);
  double tail = 0, sum = 0;
  for (size_t i = 0; i < avg.size(); ++i) {
    sum += avg[i];
    if (i >= from) tail += avg[i];
  }
  return tail / sum;
}

}  // namespace

Result<BmaResult> FitBma(const CaptureHistory& h, const BmaOptions& options) {
  KUZOT_RETURN_IF_ERROR(CheckCanEstimate(h));
  const int k = h.num_lists();
  if (k > kMaxBmaLists)
    return Status::InvalidArgument("model averaging over decomposable graphs takes at most " +
                                   std::to_string(kMaxBmaLists) + " lists (" + std::to_string(k) +
                                   " given); choose fewer lists");
  const std::int64_t n = h.Observed();
  if (options.delta < 0 || !std::isfinite(options.delta))
    return Status::InvalidArgument("delta must be positive", "delta");
  const double delta = options.delta > 0 ? options.delta : std::ldexp(1.0, -k);
  if (options.prior.kind == Prior::Kind::kNegativeBinomial &&
      !(options.prior.a > 0 && options.prior.b > 0))
    return Status::InvalidArgument("the negative binomial prior needs a > 0 and b > 0", "prior");
  if (options.min_missing < 0)
    return Status::InvalidArgument("the smallest number of missing people must be >= 0",
                                   "min_missing");
  if (options.max_missing >= 0 && options.max_missing < options.min_missing)
    return Status::InvalidArgument("the range of missing people is empty", "max_missing");
  if (options.level <= 0 || options.level >= 1)
    return Status::InvalidArgument("the interval level must be between 0 and 1", "level");

  const auto graphs = DecomposableGraphs(k);
  const auto comps = Components(h, delta);
  BmaResult result;
  result.delta = delta;
  Summary& s = result.summary;
  s.method = "bma";
  s.observed = n;
  s.level = options.level;

  // The range of m: as given, or grown until the posterior has vanished.
  const bool automatic = options.max_missing < 0;
  const std::int64_t cap = std::max<std::int64_t>(20 * n, 20000);
  std::int64_t max_missing =
      automatic ? options.min_missing + std::max<std::int64_t>(3 * n, 300) : options.max_missing;
  // When the range is automatic, a coarse grid (at most ~2000 values of m)
  // finds where the posterior lives; the exact computation then covers
  // that part only (what is left out holds less than 1e-13 of the peak).
  std::unique_ptr<Posterior> post;
  std::int64_t stride = 1;
  for (;;) {
    stride = automatic ? std::max<std::int64_t>(1, (max_missing - options.min_missing) / 2000) : 1;
    post = std::make_unique<Posterior>(h, graphs, comps, delta, options.prior, options.min_missing,
                                       max_missing, options.level, stride);
    if (!automatic || max_missing >= cap) break;
    // Stop when the last tenth of the range holds (next to) nothing.
    const auto& avg = post->averaged();
    double tail = 0;
    for (size_t i = avg.size() - avg.size() / 10; i < avg.size(); ++i) tail += avg[i];
    if (tail < 1e-9) break;
    max_missing = std::min(cap, options.min_missing + 2 * (max_missing - options.min_missing));
  }
  if (stride > 1) {
    const auto& coarse = post->averaged();
    const double peak = *std::max_element(coarse.begin(), coarse.end());
    std::int64_t lo = 0, hi = static_cast<std::int64_t>(coarse.size()) - 1;
    while (lo < hi && coarse[lo] < 1e-13 * peak) ++lo;
    while (hi > lo && coarse[hi] < 1e-13 * peak) --hi;
    const std::int64_t from = options.min_missing + std::max<std::int64_t>(0, lo - 2) * stride;
    const std::int64_t to = std::min(max_missing, options.min_missing + (hi + 2) * stride);
    post = std::make_unique<Posterior>(h, graphs, comps, delta, options.prior, from, to,
                                       options.level);
  }
  const std::vector<double>& avg = post->averaged();
  result.posterior = avg;
  result.totals.resize(avg.size());
  for (size_t i = 0; i < avg.size(); ++i) result.totals[i] = post->Total(i);

  for (size_t g = 0; g < graphs.size(); ++g) {
    BmaModel m;
    m.name = ModelName(k, graphs[g].cliques);
    for (std::uint32_t c : graphs[g].cliques) m.cliques.push_back(Members(c, k));
    for (std::uint32_t sep : graphs[g].separators) m.separators.push_back(Members(sep, k));
    const ModelSums& ms = post->sums()[g];
    m.probability = ms.probability;
    m.estimate = ms.over_n / ms.over_n2;
    m.mode = static_cast<double>(ms.mode);
    m.lower = ms.lower;
    m.upper = ms.upper;
    result.models.push_back(std::move(m));
  }
  std::stable_sort(
      result.models.begin(), result.models.end(),
      [](const BmaModel& a, const BmaModel& b) { return a.probability > b.probability; });

  s.estimate = BayesEstimator(avg, result.totals);
  s.lower = Quantile(avg, result.totals, (1 - options.level) / 2);
  s.upper = Quantile(avg, result.totals, 1 - (1 - options.level) / 2);
  result.mode = Mode(avg, result.totals);
  result.median = Quantile(avg, result.totals, 0.5);
  double mean = 0, sum = 0;
  for (size_t i = 0; i < avg.size(); ++i) {
    mean += avg[i] * static_cast<double>(result.totals[i]);
    sum += avg[i];
  }
  result.mean = mean / sum;

  s.warnings = DataWarnings(h);
  const double tail = TailShare(avg);
  if (tail > 1e-3)
    s.warnings.push_back(
        "the posterior of the total has not vanished at the top of the range considered (" +
        std::to_string(result.totals.back()) +
        "): the estimate and the upper end depend on where the range stops; the data do not "
        "bound the number missed");
  if (result.models.front().probability < 0.2)
    s.warnings.push_back("no model has much posterior probability (the best has " +
                         std::to_string(result.models.front().probability).substr(0, 5) +
                         "): the estimate averages over many different models");
  return result;
}

}  // namespace kuzot::stats
