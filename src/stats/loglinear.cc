// Log-linear models for multiple systems estimation (Fienberg 1972; Bishop,
// Fienberg & Holland 1975, ch. 6; Rcapture's closedpMS.t and closedpCI.t).
//
// Every hierarchical model containing the main effects of the lists, up to
// a maximum order of interaction, is fitted as a Poisson GLM to the 2^k - 1
// observed cells, with 0/1 (corner) coding so that exp(intercept) is the
// expected count of the unobserved cell. The models are ranked by AIC or
// BIC as glm() computes them; the chosen model gets a profile-likelihood
// interval for N from the multinomial likelihood (Cormack 1992).
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_min.h>
#include <gsl/gsl_roots.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <functional>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "stats/estimate.h"
#include "stats/poisson_glm.h"

namespace kuzot::stats {
namespace {

constexpr std::size_t kMaxModels = 50000;
constexpr double kInf = std::numeric_limits<double>::infinity();

// Every down-closed set of interaction terms (orders 2..max_order): the
// hierarchical models. Terms are bit masks over the lists.
std::vector<std::vector<std::uint32_t>> HierarchicalModels(int k, int max_order, std::size_t limit,
                                                           bool* too_many) {
  std::vector<std::uint32_t> terms;
  for (std::uint32_t t = 1; t < (1u << k); ++t) {
    int order = std::popcount(t);
    if (order >= 2 && order <= max_order) terms.push_back(t);
  }
  std::stable_sort(terms.begin(), terms.end(), [](std::uint32_t a, std::uint32_t b) {
    return std::popcount(a) < std::popcount(b);
  });
  std::vector<std::vector<std::uint32_t>> models;
  std::vector<std::uint32_t> chosen;
  std::set<std::uint32_t> in;
  *too_many = false;
  std::function<void(std::size_t)> rec = [&](std::size_t i) {
    if (*too_many) return;
    if (i == terms.size()) {
      if (models.size() >= limit) {
        *too_many = true;
        return;
      }
      models.push_back(chosen);
      return;
    }
    rec(i + 1);
    const std::uint32_t t = terms[i];
    bool allowed = true;
    if (std::popcount(t) > 2) {
      for (std::uint32_t rest = t; rest; rest &= rest - 1) {
        std::uint32_t bit = rest & (~rest + 1);
        if (!in.count(t & ~bit)) {
          allowed = false;
          break;
        }
      }
    }
    if (allowed) {
      in.insert(t);
      chosen.push_back(t);
      rec(i + 1);
      chosen.pop_back();
      in.erase(t);
    }
  };
  rec(0);
  return models;
}

// Maximal terms of the model (its generating class), main effects included.
std::vector<std::uint32_t> Generators(int k, const std::vector<std::uint32_t>& terms) {
  std::vector<std::uint32_t> all = terms;
  for (int j = 0; j < k; ++j) all.push_back(1u << j);
  std::vector<std::uint32_t> gens;
  for (std::uint32_t t : all) {
    bool maximal = true;
    for (std::uint32_t u : all)
      if (u != t && (u & t) == t) maximal = false;
    if (maximal) gens.push_back(t);
  }
  std::sort(gens.begin(), gens.end(), [](std::uint32_t a, std::uint32_t b) {
    // Lowest list first, then larger terms first: [12,13,4].
    std::uint32_t la = a & (~a + 1), lb = b & (~b + 1);
    if (la != lb) return la < lb;
    if (std::popcount(a) != std::popcount(b)) return std::popcount(a) > std::popcount(b);
    return a < b;
  });
  return gens;
}

}  // namespace

// Shared with bma.cc: "[12,3]" and "A*B + C" for a generating class.
std::string ModelName(int k, const std::vector<std::uint32_t>& generators) {
  std::string name = "[";
  for (size_t g = 0; g < generators.size(); ++g) {
    if (g) name += ",";
    for (int j = 0; j < k; ++j)
      if (generators[g] & (1u << j)) {
        if (k >= 10 && name.back() != '[' && name.back() != ',') name += ".";
        name += std::to_string(j + 1);
      }
  }
  return name + "]";
}

std::string ModelFormula(const std::vector<std::string>& lists,
                         const std::vector<std::uint32_t>& generators) {
  std::string f;
  for (size_t g = 0; g < generators.size(); ++g) {
    if (g) f += " + ";
    bool first = true;
    for (size_t j = 0; j < lists.size(); ++j)
      if (generators[g] & (1u << j)) {
        if (!first) f += "*";
        f += lists[j];
        first = false;
      }
  }
  return f;
}

namespace {

// Design matrix on the given cells (patterns): intercept, main effects,
// interaction terms; column for term S is 1 where S is inside the pattern.
Eigen::MatrixXd Design(int k, const std::vector<std::uint32_t>& cells,
                       const std::vector<std::uint32_t>& terms) {
  Eigen::MatrixXd x(cells.size(), 1 + k + terms.size());
  for (size_t r = 0; r < cells.size(); ++r) {
    const std::uint32_t c = cells[r];
    x(r, 0) = 1;
    for (int j = 0; j < k; ++j) x(r, 1 + j) = (c >> j) & 1u;
    for (size_t t = 0; t < terms.size(); ++t) x(r, 1 + k + t) = (c & terms[t]) == terms[t];
  }
  return x;
}

// Profile log-likelihood of N under the multinomial model (Cormack 1992):
// the model fitted to all 2^k cells with N - n in the unobserved one.
class Profile {
 public:
  Profile(const CaptureHistory& h, const std::vector<std::uint32_t>& terms)
      : n_(static_cast<double>(h.Observed())) {
    const int k = h.num_lists();
    std::vector<std::uint32_t> cells;
    for (std::uint32_t p = 0; p < (1u << k); ++p) cells.push_back(p);
    x_ = Design(k, cells, terms);
    y_.resize(cells.size());
    for (size_t i = 0; i < cells.size(); ++i) y_[i] = static_cast<double>(h.Count(cells[i]));
  }

  double operator()(double total) {
    const double missing = std::max(total - n_, 0.0);
    y_[0] = missing;
    PoissonFit fit = FitPoisson(x_, y_, last_mu_);
    last_mu_ = fit.mu;
    double ll = std::lgamma(total + 1) - std::lgamma(missing + 1);
    for (Eigen::Index i = 0; i < y_.size(); ++i)
      if (y_[i] > 0) ll += y_[i] * std::log(fit.mu[i] / total);
    return ll;
  }

 private:
  double n_;
  Eigen::MatrixXd x_;
  Eigen::VectorXd y_;
  Eigen::VectorXd last_mu_;
};

struct GslCallback {
  std::function<double(double)> f;
  static double Call(double x, void* self) { return static_cast<GslCallback*>(self)->f(x); }
};

// Brent's method (GSL) for a root of f in [lo, hi], f(lo) and f(hi) of
// opposite signs.
double FindRoot(const std::function<double(double)>& f, double lo, double hi) {
  GslCallback cb{f};
  gsl_function fn{&GslCallback::Call, &cb};
  gsl_root_fsolver* s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
  gsl_root_fsolver_set(s, &fn, lo, hi);
  double root = (lo + hi) / 2;
  for (int it = 0; it < 200; ++it) {
    if (gsl_root_fsolver_iterate(s) != GSL_SUCCESS) break;
    root = gsl_root_fsolver_root(s);
    double a = gsl_root_fsolver_x_lower(s), b = gsl_root_fsolver_x_upper(s);
    if (gsl_root_test_interval(a, b, 1e-4, 1e-9) == GSL_SUCCESS) break;
  }
  gsl_root_fsolver_free(s);
  return root;
}

// Brent's minimiser (GSL) of -f on [lo, hi] from `guess`, f(guess) above
// both ends.
double FindMax(const std::function<double(double)>& f, double lo, double guess, double hi) {
  GslCallback cb{[&](double x) { return -f(x); }};
  gsl_function fn{&GslCallback::Call, &cb};
  gsl_min_fminimizer* s = gsl_min_fminimizer_alloc(gsl_min_fminimizer_brent);
  double best = guess;
  if (gsl_min_fminimizer_set(s, &fn, guess, lo, hi) == GSL_SUCCESS) {
    for (int it = 0; it < 200; ++it) {
      if (gsl_min_fminimizer_iterate(s) != GSL_SUCCESS) break;
      best = gsl_min_fminimizer_x_minimum(s);
      double a = gsl_min_fminimizer_x_lower(s), b = gsl_min_fminimizer_x_upper(s);
      if (gsl_min_test_interval(a, b, 1e-4, 1e-9) == GSL_SUCCESS) break;
    }
  }
  gsl_min_fminimizer_free(s);
  return best;
}

// The profile-likelihood interval [lower, upper] for N; upper is +inf when
// the likelihood does not drop enough within a thousand times the estimate.
std::pair<double, double> ProfileInterval(const CaptureHistory& h,
                                          const std::vector<std::uint32_t>& terms, double estimate,
                                          double level) {
  gsl_set_error_handler_off();
  Profile profile(h, terms);
  const double n = static_cast<double>(h.Observed());
  std::function<double(double)> ll = [&](double total) { return profile(total); };
  const double drop = gsl_cdf_chisq_Pinv(level, 1) / 2;

  double guess = std::max(estimate, n);
  double top = 3 * guess + 10;
  double l_n = ll(n), l_guess = ll(guess), l_top = ll(top);
  double mle = guess, l_max = l_guess;
  if (l_n >= l_guess) {
    mle = n;
    l_max = l_n;
  } else if (l_top < l_guess && guess > n) {
    mle = FindMax(ll, n, guess, top);
    l_max = ll(mle);
  }
  const double target = l_max - drop;
  auto g = [&](double total) { return ll(total) - target; };
  double lower = n;
  if (mle > n && l_n < target) lower = FindRoot(g, n, mle);
  double upper = kInf;
  double hi = top;
  double l_hi = l_top;
  while (l_hi >= target && hi < 1000 * guess + 1000) {
    hi *= 2;
    l_hi = ll(hi);
  }
  if (l_hi < target) upper = FindRoot(g, std::max(mle, n), hi);
  return {lower, upper};
}

int DefaultMaxOrder(int k) { return k <= 5 ? k - 1 : std::min(k - 1, 2); }

}  // namespace

Result<LoglinearResult> FitLoglinear(const CaptureHistory& h, const LoglinearOptions& options) {
  KUZOT_RETURN_IF_ERROR(CheckCanEstimate(h));
  const int k = h.num_lists();
  if (k > 16) return Status::InvalidArgument("log-linear models take at most 16 lists");
  int max_order = options.max_order > 0 ? options.max_order : DefaultMaxOrder(k);
  if (max_order > k - 1)
    return Status::InvalidArgument("--max-order " + std::to_string(max_order) + " with " +
                                       std::to_string(k) + " lists: at most " +
                                       std::to_string(k - 1) + " (the " + std::to_string(k) +
                                       "-way interaction is never estimable)",
                                   "max_order");
  if (options.level <= 0 || options.level >= 1)
    return Status::InvalidArgument("the interval level must be between 0 and 1", "level");
  bool too_many = false;
  auto models = HierarchicalModels(k, max_order, kMaxModels, &too_many);
  if (too_many)
    return Status::InvalidArgument("more than " + std::to_string(kMaxModels) +
                                       " hierarchical models of " + std::to_string(k) +
                                       " lists up to order " + std::to_string(max_order) +
                                       "; lower --max-order or use fewer lists",
                                   "max_order");

  LoglinearResult result;
  result.criterion = options.criterion;
  result.max_order = max_order;
  result.summary.method = "loglinear";
  result.summary.level = options.level;
  const double n = static_cast<double>(h.Observed());
  result.summary.observed = h.Observed();

  std::vector<std::uint32_t> cells;
  for (std::uint32_t p = 1; p < (1u << k); ++p) cells.push_back(p);
  Eigen::VectorXd y(cells.size());
  for (size_t i = 0; i < cells.size(); ++i) y[i] = static_cast<double>(h.Count(cells[i]));

  std::vector<std::vector<std::uint32_t>> terms_of;
  for (const auto& terms : models) {
    const auto gens = Generators(k, terms);
    const std::string name = ModelName(k, gens);
    Eigen::MatrixXd x = Design(k, cells, terms);
    PoissonFit fit = FitPoisson(x, y);
    if (!fit.converged || !std::isfinite(fit.deviance)) {
      result.not_estimable.push_back({name, "the fit did not converge"});
      continue;
    }
    LoglinearModel m;
    m.name = name;
    m.formula = ModelFormula(h.lists, gens);
    m.generators = gens;
    m.parameters = fit.rank;
    m.df = static_cast<int>(cells.size()) - fit.rank;
    m.deviance = fit.deviance;
    m.aic = -2 * fit.loglik + 2 * fit.rank;
    m.bic = -2 * fit.loglik + std::log(n) * fit.rank;
    m.boundary = !fit.boundary.empty();
    if (m.boundary) {
      // On the boundary the expected count of the unobserved cell is still
      // determined when the intercept is a combination of the rows whose
      // fitted values stay positive (it is then unaffected by the diverging
      // interactions); otherwise it could be anything.
      std::vector<int> keep;
      size_t b = 0;
      for (int i = 0; i < static_cast<int>(cells.size()); ++i) {
        if (b < fit.boundary.size() && fit.boundary[b] == i) {
          ++b;
          continue;
        }
        keep.push_back(i);
      }
      Eigen::MatrixXd xf(keep.size() + 1, x.cols());
      for (size_t r = 0; r < keep.size(); ++r) xf.row(r) = x.row(keep[r]);
      Eigen::FullPivLU<Eigen::MatrixXd> lu_f(xf.topRows(keep.size()));
      lu_f.setThreshold(1e-9);
      xf.row(keep.size()).setZero();
      xf(keep.size(), 0) = 1;
      Eigen::FullPivLU<Eigen::MatrixXd> lu_e(xf);
      lu_e.setThreshold(1e-9);
      if (lu_e.rank() > lu_f.rank()) {
        result.not_estimable.push_back(
            {name,
             "empty cells put the fit on the boundary and leave the unobserved cell "
             "undetermined (infinite or zero)"});
        continue;
      }
    }
    m.missing = std::exp(fit.beta[0]);
    if (!std::isfinite(m.missing)) {
      result.not_estimable.push_back({name, "the estimate of the unobserved cell is infinite"});
      continue;
    }
    m.estimate = n + m.missing;
    m.lower = m.upper = std::numeric_limits<double>::quiet_NaN();
    result.ranking.push_back(std::move(m));
    terms_of.push_back(terms);
  }
  if (result.ranking.empty())
    return Status::InvalidArgument(
        "none of the " + std::to_string(models.size()) +
        " log-linear models can be estimated from these data (too many empty cells); try "
        "--method bma or fewer lists");

  // Rank.
  std::vector<size_t> order(result.ranking.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  auto crit = [&](const LoglinearModel& m) {
    return options.criterion == Criterion::kAic ? m.aic : m.bic;
  };
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    double ca = crit(result.ranking[a]), cb = crit(result.ranking[b]);
    if (ca != cb) return ca < cb;
    return result.ranking[a].parameters < result.ranking[b].parameters;
  });
  std::vector<LoglinearModel> ranked;
  std::vector<std::vector<std::uint32_t>> ranked_terms;
  for (size_t i : order) {
    ranked.push_back(std::move(result.ranking[i]));
    ranked_terms.push_back(terms_of[i]);
  }
  result.ranking = std::move(ranked);
  const double best = crit(result.ranking.front());
  double total_weight = 0;
  for (auto& m : result.ranking) total_weight += std::exp(-(crit(m) - best) / 2);
  for (auto& m : result.ranking) m.weight = std::exp(-(crit(m) - best) / 2) / total_weight;

  const int with_interval =
      std::min<int>(std::max(options.intervals_for_top, 1), result.ranking.size());
  for (int i = 0; i < with_interval; ++i) {
    auto [lo, hi] = ProfileInterval(h, ranked_terms[i], result.ranking[i].estimate, options.level);
    result.ranking[i].lower = lo;
    result.ranking[i].upper = hi;
  }

  const LoglinearModel& chosen = result.ranking.front();
  Summary& s = result.summary;
  s.estimate = chosen.estimate;
  s.lower = chosen.lower;
  s.upper = chosen.upper;
  s.warnings = DataWarnings(h);
  const char* crit_name = options.criterion == Criterion::kAic ? "AIC" : "BIC";
  if (chosen.boundary)
    s.warnings.push_back("the chosen model " + chosen.name +
                         " lies on the boundary: some pattern of lists is estimated to hold "
                         "no one, so some interaction is infinite");
  if (chosen.df == 0)
    s.warnings.push_back(
        "the chosen model " + chosen.name +
        " fits the observed patterns exactly: its estimate rests only on the assumption that "
        "the " +
        std::to_string(k) + "-way interaction is absent");
  if (!std::isfinite(chosen.upper))
    s.warnings.push_back(
        "the profile likelihood does not fall enough above the estimate: the "
        "upper end of the interval is unbounded");
  double lo_est = chosen.estimate, hi_est = chosen.estimate;
  std::string lo_name = chosen.name, hi_name = chosen.name;
  for (const auto& m : result.ranking) {
    if (crit(m) - best > 2) break;
    if (m.estimate < lo_est) lo_est = m.estimate, lo_name = m.name;
    if (m.estimate > hi_est) hi_est = m.estimate, hi_name = m.name;
  }
  if (hi_est > 1.2 * lo_est)
    s.warnings.push_back(
        std::string("models within 2 ") + crit_name + " points of the best give estimates from " +
        std::to_string(static_cast<long long>(std::llround(lo_est))) + " (" + lo_name + ") to " +
        std::to_string(static_cast<long long>(std::llround(hi_est))) + " (" + hi_name +
        "): the choice of model matters; consider --method bma");
  if (!result.not_estimable.empty())
    s.warnings.push_back(std::to_string(result.not_estimable.size()) + " of the " +
                         std::to_string(models.size()) +
                         " models cannot be estimated from these data and were left out");
  return result;
}

}  // namespace kuzot::stats
