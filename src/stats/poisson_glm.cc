#include "stats/poisson_glm.h"

#include <cmath>
#include <limits>

namespace kuzot::stats {
namespace {

constexpr int kMaxIterations = 200;
// Tighter than glm()'s 1e-8 so that fitted values heading for zero (the
// boundary) get there and can be recognised.
constexpr double kTolerance = 1e-12;
constexpr double kBoundaryMean = 1e-7;
constexpr double kMaxEta = 700;  // exp() overflows past ~709

double Deviance(const Eigen::VectorXd& y, const Eigen::VectorXd& mu) {
  double d = 0;
  for (Eigen::Index i = 0; i < y.size(); ++i) {
    if (y[i] > 0) d += y[i] * std::log(y[i] / mu[i]);
    d -= y[i] - mu[i];
  }
  return 2 * d;
}

Eigen::VectorXd ExpClamped(const Eigen::VectorXd& eta) {
  Eigen::VectorXd mu(eta.size());
  for (Eigen::Index i = 0; i < eta.size(); ++i) mu[i] = std::exp(std::min(eta[i], kMaxEta));
  return mu;
}

}  // namespace

PoissonFit FitPoisson(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                      const Eigen::VectorXd& start) {
  PoissonFit fit;
  const Eigen::Index m = x.rows();
  const Eigen::Index p = x.cols();
  fit.rank = static_cast<int>(p);
  Eigen::VectorXd mu(m);
  if (start.size() == m) {
    for (Eigen::Index i = 0; i < m; ++i) mu[i] = std::max(start[i], 1e-3);
  } else {
    mu = y.array() + 0.1;  // glm()'s poisson()$initialize
  }
  Eigen::VectorXd eta = mu.array().log();
  double dev = Deviance(y, mu);
  Eigen::VectorXd beta = Eigen::VectorXd::Zero(p);
  bool have_beta = false;

  Eigen::MatrixXd xtwx(p, p);
  Eigen::VectorXd xtwz(p);
  for (int it = 1; it <= kMaxIterations; ++it) {
    fit.iterations = it;
    // Weighted least squares step: W = mu, z = eta + (y - mu) / mu.
    Eigen::VectorXd w = mu;
    Eigen::VectorXd wz = (w.array() * eta.array() + (y - mu).array()).matrix();
    xtwx.noalias() = x.transpose() * w.asDiagonal() * x;
    xtwz.noalias() = x.transpose() * wz;
    Eigen::LDLT<Eigen::MatrixXd> ldlt(xtwx);
    Eigen::VectorXd next = ldlt.solve(xtwz);
    if (ldlt.info() != Eigen::Success || !next.allFinite())
      next = xtwx.completeOrthogonalDecomposition().solve(xtwz);
    Eigen::VectorXd next_eta = x * next;
    Eigen::VectorXd next_mu = ExpClamped(next_eta);
    double next_dev = Deviance(y, next_mu);
    // Step halving when the step overshoots (as glm.fit does for
    // non-finite deviances; here also for increases).
    for (int half = 0; half < 30 && have_beta &&
                       (!std::isfinite(next_dev) || next_dev > dev * (1 + 1e-12) + 1e-12);
         ++half) {
      next = (beta + next) / 2;
      next_eta = x * next;
      next_mu = ExpClamped(next_eta);
      next_dev = Deviance(y, next_mu);
    }
    const double change = std::abs(next_dev - dev) / (std::abs(next_dev) + 0.1);
    beta = next;
    have_beta = true;
    eta = next_eta;
    mu = next_mu;
    dev = next_dev;
    if (change < kTolerance) {
      fit.converged = true;
      break;
    }
  }
  fit.beta = beta;
  fit.mu = mu;
  fit.deviance = dev;
  double ll = 0;
  for (Eigen::Index i = 0; i < m; ++i) {
    if (y[i] > 0) ll += y[i] * std::log(mu[i]);
    ll -= mu[i] + std::lgamma(y[i] + 1);
  }
  fit.loglik = ll;
  for (Eigen::Index i = 0; i < m; ++i)
    if (y[i] == 0 && mu[i] < kBoundaryMean) fit.boundary.push_back(static_cast<int>(i));
  return fit;
}

}  // namespace kuzot::stats
