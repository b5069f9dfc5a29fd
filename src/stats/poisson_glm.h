// Poisson log-linear regression by iteratively reweighted least squares
// (Newton's method for the canonical link), with detection of fitted
// values that go to zero (estimates on the boundary). Private to src/stats.
#pragma once

#include <Eigen/Dense>
#include <vector>

namespace kuzot::stats {

struct PoissonFit {
  Eigen::VectorXd beta;  // coefficients (diverging ones included, large)
  Eigen::VectorXd mu;    // fitted means
  double deviance = 0;
  double loglik = 0;  // sum of log Poisson probabilities, with the log y! terms
  int rank = 0;       // rank of the design
  int iterations = 0;
  bool converged = false;
  // Cells with y = 0 whose fitted mean went to 0: the maximum likelihood
  // estimate lies on the boundary (some interaction is minus infinity).
  std::vector<int> boundary;
};

// Fits log(mu) = X beta to counts y. X has full column rank. `start`, when
// not empty, gives starting means (as from a nearby fit).
PoissonFit FitPoisson(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                      const Eigen::VectorXd& start = Eigen::VectorXd());

}  // namespace kuzot::stats
