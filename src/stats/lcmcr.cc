// The Bayesian non-parametric latent-class model for capture-recapture
// (Manrique-Vallier 2016, Biometrics 72:1246-1254), sampled as HRDAG's R
// package LCMCR does (NPLCM_CR_Basic_Freq.cpp): K latent classes with a
// truncated stick-breaking prior (concentration alpha ~ Gamma(a, b)),
// independent Bernoulli list memberships within a class with Beta(1, 1)
// priors, and data augmentation of the people on no list, whose number
// n0 is drawn from a negative binomial (the prior p(N) proportional to
// 1/N). The Gibbs steps, their order, the initial values and the 500
// warm-up sweeps follow LCMCR's source; the random numbers come from
// GSL's taus2 generator seeded with the given seed, as LCMCR's do.
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sf_log.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <numeric>
#include <vector>

#include "stats/estimate.h"

namespace kuzot::stats {
namespace {

constexpr int kWarmUp = 500;

struct RngDeleter {
  void operator()(gsl_rng* r) const { gsl_rng_free(r); }
};

double LogSum(double a, double b) {
  return a < b ? b + gsl_sf_log_1plusx(std::exp(a - b)) : a + gsl_sf_log_1plusx(std::exp(b - a));
}

// log of a Gamma(shape, 1) draw; for small shapes by Robert & Casella's
// (2004, p. 45) method, which stays accurate where the draw underflows.
double LogGamma1(gsl_rng* r, double shape) {
  return shape < 0.5 ? std::log(gsl_rng_uniform_pos(r)) / shape +
                           std::log(gsl_ran_gamma(r, 1.0 + shape, 1.0))
                     : std::log(gsl_ran_gamma(r, shape, 1.0));
}

// One draw from unnormalised probabilities p[0..k).
int Categorical(gsl_rng* r, const double* p, int k) {
  double norm = 0;
  std::vector<double> cum(k);
  for (int i = 0; i < k; ++i) cum[i] = norm += p[i];
  const double u = gsl_rng_uniform(r) * norm;
  int i = 0;
  while (i < k - 1 && cum[i] <= u) ++i;
  return i;
}

class Sampler {
 public:
  Sampler(const CaptureHistory& h, const LcmcrOptions& o)
      : j_(h.num_lists()), k_(o.classes), a_alpha_(o.a_alpha), b_alpha_(o.b_alpha) {
    for (const auto& [pattern, count] : h.cells) {
      std::vector<int> cell(j_);
      for (int j = 0; j < j_; ++j) cell[j] = (pattern >> j) & 1u;
      cells_.push_back(cell);
      freq_.push_back(static_cast<unsigned>(count));
      n_ += count;
    }
    m_ = static_cast<int>(cells_.size());
    rng_.reset(gsl_rng_alloc(gsl_rng_taus2));
    gsl_rng_set(rng_.get(), static_cast<unsigned long>(o.seed));
    lambda_.assign(j_ * k_, 0.5);
    nu_.assign(k_, 1.0 / k_);
    log_nu_.assign(k_, -std::log(static_cast<double>(k_)));
    count_zik_.assign(static_cast<size_t>(m_) * k_, 0);
    count_k_.assign(k_, 0);
    count0_k_.assign(k_, 0);
    aux_.assign(static_cast<size_t>(j_) * k_ * 2, 0);
    probs_.resize(k_);
    Initialise();
  }

  // One Gibbs sweep, in LCMCR's order; the warm-up leaves alpha fixed.
  void Update(bool with_alpha = true) {
    SampleCountZ();
    SampleLambda();
    SampleNu();
    ComputeProbMissing();
    SampleN0();
    SampleZ0();
    if (with_alpha) SampleAlpha();
  }

  std::int64_t Total() const { return n_ + n0_; }
  int ClassesUsed() const { return k_star_; }

 private:
  double& Lambda(int j, int k) { return lambda_[static_cast<size_t>(j) * k_ + k]; }
  unsigned& CountZ(int m, int k) { return count_zik_[static_cast<size_t>(m) * k_ + k]; }
  int& Aux(int j, int k, int x) { return aux_[(static_cast<size_t>(j) * k_ + k) * 2 + x]; }

  void Initialise() {
    gsl_rng* r = rng_.get();
    alpha_ = 1;
    double lacc = 0;
    for (int k = 0; k < k_ - 1; ++k) {
      double g1 = LogGamma1(r, 1), g2 = LogGamma1(r, 1);
      double gs = LogSum(g1, g2);
      log_nu_[k] = g1 - gs + lacc;
      lacc += g2 - gs;
    }
    log_nu_[k_ - 1] = lacc;
    nu_[k_ - 1] = std::exp(lacc);
    // Class membership probabilities start at the lists' marginal shares.
    for (int j = 0; j < j_; ++j) {
      std::int64_t on = 0;
      for (int m = 0; m < m_; ++m)
        if (cells_[m][j]) on += freq_[m];
      for (int k = 0; k < k_; ++k) Lambda(j, k) = static_cast<double>(on) / static_cast<double>(n_);
    }
    alpha_ = 0.3 / k_;
    if (k_ > 4) {
      for (int k = 0; k < 4; ++k) nu_[k] = 0.25 * 0.9;
      for (int k = 4; k < k_; ++k) nu_[k] = 0.1 / (k_ - 4);
    } else {
      // LCMCR assumes K > 4 here; with fewer classes, start uniform.
      std::fill(nu_.begin(), nu_.end(), 1.0 / k_);
    }
    for (int i = 0; i < kWarmUp; ++i) Update(/*with_alpha=*/false);
    PermuteClassesByNu();
  }

  void SampleCountZ() {
    gsl_rng* r = rng_.get();
    for (int m = 0; m < m_; ++m) {
      for (int k = 0; k < k_; ++k) {
        double p = nu_[k];
        for (int j = 0; j < j_; ++j) p *= cells_[m][j] == 1 ? Lambda(j, k) : 1.0 - Lambda(j, k);
        probs_[k] = p;
      }
      if (freq_[m] > 1) {
        gsl_ran_multinomial(r, k_, freq_[m], probs_.data(), &CountZ(m, 0));
      } else {
        int z = Categorical(r, probs_.data(), k_);
        std::fill(&CountZ(m, 0), &CountZ(m, 0) + k_, 0u);
        CountZ(m, z) = 1;
      }
    }
  }

  void SampleLambda() {
    gsl_rng* r = rng_.get();
    std::fill(aux_.begin(), aux_.end(), 0);
    for (int m = 0; m < m_; ++m)
      for (int k = 0; k < k_; ++k)
        for (int j = 0; j < j_; ++j) Aux(j, k, cells_[m][j]) += static_cast<int>(CountZ(m, k));
    for (int j = 0; j < j_; ++j)
      for (int k = 0; k < k_; ++k) Aux(j, k, 0) += static_cast<int>(count0_k_[k]);
    for (int j = 0; j < j_; ++j)
      for (int k = 0; k < k_; ++k)
        Lambda(j, k) = gsl_ran_beta(r, 1.0 + Aux(j, k, 1), 1.0 + Aux(j, k, 0));
  }

  void CountClasses() {
    for (int k = 0; k < k_; ++k) count_k_[k] = count0_k_[k];
    for (int m = 0; m < m_; ++m)
      for (int k = 0; k < k_; ++k) count_k_[k] += CountZ(m, k);
    k_star_ = k_ - static_cast<int>(std::count(count_k_.begin(), count_k_.end(), 0u));
  }

  // Stick-breaking weights given the class counts.
  void SampleNu() {
    gsl_rng* r = rng_.get();
    CountClasses();
    std::int64_t acc = 0;
    double l_acc = 0;
    for (int k = 0; k < k_ - 1; ++k) {
      acc += count_k_[k];
      const double a = 1.0 + count_k_[k];
      const double b = alpha_ + static_cast<double>(n0_ + n_ - acc);
      const double lg1 = LogGamma1(r, a), lg2 = LogGamma1(r, b);
      const double ls = LogSum(lg1, lg2);
      log_nu_[k] = lg1 - ls + l_acc;
      l_acc += lg2 - ls;  // log(1 - V_k)
      nu_[k] = std::exp(log_nu_[k]);
    }
    log_nu_[k_ - 1] = l_acc;
    nu_[k_ - 1] = std::exp(l_acc);
  }

  void SampleAlpha() {
    alpha_ = gsl_ran_gamma(rng_.get(), a_alpha_ + k_ - 1.0, 1.0 / (b_alpha_ - log_nu_[k_ - 1]));
  }

  void ComputeProbMissing() {
    prob_zero_ = 0;
    for (int k = 0; k < k_; ++k) {
      double p = nu_[k];
      for (int j = 0; j < j_; ++j) p *= 1.0 - Lambda(j, k);
      prob_zero_ += p;
    }
  }

  // n0 | rest ~ NegBin(n, 1 - P(on no list)): failures before n successes,
  // which is the conditional under the prior p(N) proportional to 1/N.
  void SampleN0() {
    n0_ = gsl_ran_negative_binomial(rng_.get(), 1.0 - prob_zero_, static_cast<double>(n_));
  }

  void SampleZ0() {
    for (int k = 0; k < k_; ++k) {
      double p = nu_[k];
      for (int j = 0; j < j_; ++j) p *= 1.0 - Lambda(j, k);
      probs_[k] = p;
    }
    gsl_ran_multinomial(rng_.get(), k_, static_cast<unsigned>(n0_), probs_.data(),
                        count0_k_.data());
  }

  // Largest class first, as LCMCR orders them after the warm-up.
  void PermuteClassesByNu() {
    std::vector<int> new2old(k_);
    std::iota(new2old.begin(), new2old.end(), 0);
    std::stable_sort(new2old.begin(), new2old.end(),
                     [&](int a, int b) { return 1.0 - nu_[a] < 1.0 - nu_[b]; });
    auto lambda = lambda_;
    auto nu = nu_, log_nu = log_nu_;
    auto count_k = count_k_, count0_k = count0_k_;
    auto count_z = count_zik_;
    for (int k = 0; k < k_; ++k) {
      const int o = new2old[k];
      for (int j = 0; j < j_; ++j) Lambda(j, k) = lambda[static_cast<size_t>(j) * k_ + o];
      for (int m = 0; m < m_; ++m) CountZ(m, k) = count_z[static_cast<size_t>(m) * k_ + o];
      nu_[k] = nu[o];
      log_nu_[k] = log_nu[o];
      count_k_[k] = count_k[o];
      count0_k_[k] = count0_k[o];
    }
  }

  int j_, k_, m_ = 0;
  double a_alpha_, b_alpha_;
  std::int64_t n_ = 0;
  std::vector<std::vector<int>> cells_;
  std::vector<unsigned> freq_;
  std::unique_ptr<gsl_rng, RngDeleter> rng_;
  std::vector<double> lambda_, nu_, log_nu_, probs_;
  std::vector<unsigned> count_zik_, count_k_, count0_k_;
  std::vector<int> aux_;
  double alpha_ = 1, prob_zero_ = 0;
  std::int64_t n0_ = 0;
  int k_star_ = 0;
};

// R's default (type 7) sample quantile.
double SampleQuantile(std::vector<double> sorted, double p) {
  const double h = (sorted.size() - 1) * p;
  const size_t lo = static_cast<size_t>(std::floor(h));
  const size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

double Mean(const std::vector<double>& x, size_t from, size_t to) {
  double s = 0;
  for (size_t i = from; i < to; ++i) s += x[i];
  return s / static_cast<double>(to - from);
}

// Variance of the mean of x[from, to) allowing for autocorrelation, by
// batch means (sqrt(length) batches).
double VarianceOfMean(const std::vector<double>& x, size_t from, size_t to) {
  const size_t len = to - from;
  const size_t batches = std::max<size_t>(2, static_cast<size_t>(std::sqrt(len)));
  const size_t size = len / batches;
  if (size == 0) return 0;
  std::vector<double> means;
  for (size_t b = 0; b < batches; ++b)
    means.push_back(Mean(x, from + b * size, from + (b + 1) * size));
  const double mu = Mean(means, 0, means.size());
  double v = 0;
  for (double m : means) v += (m - mu) * (m - mu);
  v /= static_cast<double>(means.size() - 1);
  return v / static_cast<double>(means.size());
}

// Effective sample size by Geyer's initial positive sequence.
double EffectiveSampleSize(const std::vector<double>& x) {
  const size_t n = x.size();
  const double mu = Mean(x, 0, n);
  double c0 = 0;
  for (double v : x) c0 += (v - mu) * (v - mu);
  c0 /= static_cast<double>(n);
  if (c0 <= 0) return static_cast<double>(n);
  auto rho = [&](size_t lag) {
    double c = 0;
    for (size_t i = 0; i + lag < n; ++i) c += (x[i] - mu) * (x[i + lag] - mu);
    return c / static_cast<double>(n) / c0;
  };
  double sum = 0;
  for (size_t lag = 0; lag + 1 < n; lag += 2) {
    const double pair = rho(lag) + rho(lag + 1);
    if (pair <= 0) break;
    sum += pair;
  }
  const double tau = 2 * sum - 1;
  return static_cast<double>(n) / std::max(tau, 1e-9);
}

}  // namespace

Result<LcmcrResult> FitLcmcr(const CaptureHistory& h, const LcmcrOptions& o) {
  const int k = h.num_lists();
  if (k < 3)
    return Status::InvalidArgument(
        std::to_string(k) +
        " list(s): the latent-class model needs at least three lists to tell classes of "
        "people apart (with two, any estimate would come from the prior alone)");
  KUZOT_RETURN_IF_ERROR(CheckCanEstimate(h));
  if (o.classes < 2 || o.classes > 1000)
    return Status::InvalidArgument("--classes must be between 2 and 1000", "classes");
  if (!(o.a_alpha > 0) || !(o.b_alpha > 0))
    return Status::InvalidArgument("the Gamma prior of alpha needs a > 0 and b > 0", "a_alpha");
  if (o.burn_in < 0) return Status::InvalidArgument("--burn-in must be >= 0", "burn_in");
  if (o.thinning < 1) return Status::InvalidArgument("--thinning must be >= 1", "thinning");
  if (o.iterations < o.thinning * 10)
    return Status::InvalidArgument(
        "--iterations must give at least 10 kept draws (iterations / thinning)", "iterations");
  if (o.level <= 0 || o.level >= 1)
    return Status::InvalidArgument("the interval level must be between 0 and 1", "level");
  if (h.Observed() > 2000000000)
    return Status::InvalidArgument("too many people for the sampler's counters");

  Sampler sampler(h, o);
  const std::int64_t total = o.burn_in + o.iterations;
  std::int64_t done = 0;
  auto tick = [&] {
    ++done;
    if (o.progress && (done % 1000 == 0 || done == total)) o.progress(done, total);
  };
  for (std::int64_t i = 0; i < o.burn_in; ++i) {
    sampler.Update();
    tick();
  }
  LcmcrResult result;
  result.seed = o.seed;
  std::vector<double> draws;
  std::int64_t classes_sum = 0, at_max = 0;
  for (std::int64_t i = 1; i <= o.iterations; ++i) {
    sampler.Update();
    tick();
    if (i % o.thinning == 0) {
      result.samples.push_back(sampler.Total());
      draws.push_back(static_cast<double>(sampler.Total()));
      classes_sum += sampler.ClassesUsed();
      if (sampler.ClassesUsed() == o.classes) ++at_max;
    }
  }
  const size_t kept = draws.size();
  std::vector<double> sorted = draws;
  std::sort(sorted.begin(), sorted.end());
  Summary& s = result.summary;
  s.method = "lcmcr";
  s.observed = h.Observed();
  s.level = o.level;
  s.estimate = SampleQuantile(sorted, 0.5);
  s.lower = SampleQuantile(sorted, (1 - o.level) / 2);
  s.upper = SampleQuantile(sorted, 1 - (1 - o.level) / 2);
  result.mean = Mean(draws, 0, kept);
  result.mean_classes_used = static_cast<double>(classes_sum) / static_cast<double>(kept);
  result.share_at_max_classes = static_cast<double>(at_max) / static_cast<double>(kept);
  result.effective_sample_size = EffectiveSampleSize(draws);
  // Geweke (1992): first 10% against last 50% of the kept draws.
  const size_t first = kept / 10, last_from = kept / 2;
  const double var = VarianceOfMean(draws, 0, first) + VarianceOfMean(draws, last_from, kept);
  result.geweke_z =
      var > 0 ? (Mean(draws, 0, first) - Mean(draws, last_from, kept)) / std::sqrt(var) : 0;

  s.warnings = DataWarnings(h);
  if (std::abs(result.geweke_z) > 2.58)
    s.warnings.push_back(
        "the chain may not have converged: the mean of the total early and late "
        "in the kept draws differ (Geweke z = " +
        std::to_string(result.geweke_z).substr(0, 5) + "); run more --burn-in and --iterations");
  if (result.effective_sample_size < 200)
    s.warnings.push_back("only about " +
                         std::to_string(static_cast<long long>(result.effective_sample_size)) +
                         " effectively independent draws of the total: the interval is rough; "
                         "run more --iterations");
  if (result.share_at_max_classes > 0.1)
    s.warnings.push_back("all " + std::to_string(o.classes) + " latent classes were in use in " +
                         std::to_string(static_cast<int>(100 * result.share_at_max_classes)) +
                         "% of the draws: raise --classes");
  if (s.upper > 20.0 * static_cast<double>(s.observed))
    s.warnings.push_back(
        "the upper end is over 20 times the number recorded: the lists say "
        "little about how many they missed");
  return result;
}

}  // namespace kuzot::stats
