#include "linkage/model.h"

#include <algorithm>
#include <cmath>

#include "linkage/compare.h"

namespace kuzot::linkage {
namespace {

// Smallest probability a level may have: keeps log(m/u) finite when a level
// never occurs among matches (or non-matches) in the data.
constexpr double kFloor = 1e-6;
// Dirichlet pseudo-count added to each level of m in the M step (Laplace):
// a level never seen among a few hundred matches is rare, not impossible.
constexpr double kPseudo = 1.0;

// Levels are ordered from the strongest agreement to the weakest, so their
// weights log(m/u) must not increase down the list (Winkler's constrained
// EM). Where an estimate breaks the order (sampling noise, or non-matches
// that agree more than random pairs do), adjacent levels are pooled (pool-
// adjacent-violators) and share one ratio; u keeps its estimate.
void MonotoneRatios(std::vector<double>& m, const std::vector<double>& u) {
  struct Block {
    double m, u;
    size_t first, last;
  };
  std::vector<Block> blocks;
  for (size_t l = 1; l < m.size(); ++l) {
    blocks.push_back({m[l], u[l], l, l});
    while (blocks.size() >= 2) {
      Block& b = blocks[blocks.size() - 1];
      Block& a = blocks[blocks.size() - 2];
      if (a.m / a.u >= b.m / b.u) break;
      a.m += b.m;
      a.u += b.u;
      a.last = b.last;
      blocks.pop_back();
    }
  }
  for (const Block& b : blocks) {
    for (size_t l = b.first; l <= b.last; ++l) m[l] = u[l] * (b.m / b.u);
  }
}

}  // namespace

double FittedModel::PriorWeight() const { return std::log2(lambda / (1 - lambda)); }

double FittedModel::LevelWeight(size_t field, int level) const {
  if (level == 0) return 0;
  return std::log2(m[field][level] / u[field][level]);
}

void FittedModel::ComputeWeights() {
  weights.assign(m.size(), {});
  for (size_t k = 0; k < m.size(); ++k) {
    weights[k].assign(m[k].size(), 0.0);
    for (size_t l = 1; l < m[k].size(); ++l) weights[k][l] = LevelWeight(k, static_cast<int>(l));
  }
}

double FittedModel::Weight(uint64_t pattern) const {
  double w = 0;
  for (size_t k = 0; k < weights.size(); ++k) w += weights[k][LevelOf(pattern, k)];
  return w;
}

namespace {

// Centres of the priors, level by level in FieldSpec::levels() order. m: how
// lists that describe one person agree; u: how two random people agree.
const std::vector<double>& PriorCentre(FieldKind kind, bool m) {
  static const std::vector<double> kNameM = {.60, .12, .08, .08, .03, .04, .03, .02};
  static const std::vector<double> kNameU = {1e-5, 1e-5, 1e-4, 2e-3, 1e-4, .04, .01, .94779};
  static const std::vector<double> kBirthM = {.40, .05, .45, .06, .04};
  static const std::vector<double> kBirthU = {1e-4, 3e-4, .02, .03, .9496};
  static const std::vector<double> kSexM = {.98, .02};
  static const std::vector<double> kSexU = {.5, .5};
  static const std::vector<double> kPlaceM = {.55, .30, .03, .04, .04, .04};
  static const std::vector<double> kPlaceU = {.05, .1, .01, .1, .3, .44};
  static const std::vector<double> kAddressM = {.6, .2, .1, .1};
  static const std::vector<double> kAddressU = {1e-3, 2e-3, .03, .967};
  static const std::vector<double> kDocumentM = {.9, .05, .05};
  static const std::vector<double> kDocumentU = {1e-5, 1e-4, .99989};
  static const std::vector<double> kOtherM = {.8, .1, .1};
  static const std::vector<double> kOtherU = {.1, .05, .85};
  switch (kind) {
    case FieldKind::kName:
      return m ? kNameM : kNameU;
    case FieldKind::kBirth:
      return m ? kBirthM : kBirthU;
    case FieldKind::kSex:
      return m ? kSexM : kSexU;
    case FieldKind::kPlace:
      return m ? kPlaceM : kPlaceU;
    case FieldKind::kAddress:
      return m ? kAddressM : kAddressU;
    case FieldKind::kDocument:
      return m ? kDocumentM : kDocumentU;
    case FieldKind::kOther:
      break;
  }
  return m ? kOtherM : kOtherU;
}

Levels Prior(const std::vector<FieldSpec>& fields, bool m) {
  Levels out(fields.size());
  for (size_t k = 0; k < fields.size(); ++k) {
    const auto& centre = PriorCentre(fields[k].kind, m);
    out[k].assign(fields[k].level_count() + 1, 0.0);
    for (size_t l = 1; l < out[k].size() && l - 1 < centre.size(); ++l) out[k][l] = centre[l - 1];
  }
  return out;
}

}  // namespace

Levels PriorM(const std::vector<FieldSpec>& fields) { return Prior(fields, true); }
Levels PriorU(const std::vector<FieldSpec>& fields) { return Prior(fields, false); }
Levels StartingM(const std::vector<FieldSpec>& fields) { return PriorM(fields); }

FittedModel FitEm(const std::vector<FieldSpec>& fields, const std::vector<PatternCount>& patterns,
                  FittedModel model, const EmOptions& options) {
  const size_t nf = fields.size();
  const Levels prior_m = PriorM(fields), prior_u = PriorU(fields);
  std::vector<double> post(patterns.size());
  std::vector<std::vector<double>> mc(nf), uc(nf);
  model.converged = false;
  for (int it = 1; it <= options.max_iterations; ++it) {
    model.iterations = it;
    // E step: posterior match probability of each pattern.
    double log_prior = std::log(model.lambda / (1 - model.lambda));
    for (size_t p = 0; p < patterns.size(); ++p) {
      if (patterns[p].label >= 0) {
        post[p] = patterns[p].label;
        continue;
      }
      double llr = log_prior;
      for (size_t k = 0; k < nf; ++k) {
        if (!options.silent.empty() && options.silent[k]) continue;
        int l = LevelOf(patterns[p].pattern, k);
        if (l) llr += std::log(model.m[k][l] / model.u[k][l]);
      }
      post[p] = llr > 40 ? 1.0 : llr < -40 ? 0.0 : 1.0 / (1.0 + std::exp(-llr));
    }
    // M step.
    double matches = 0, total = 0;
    for (size_t k = 0; k < nf; ++k) {
      mc[k].resize(model.m[k].size());
      uc[k].resize(model.u[k].size());
      for (size_t l = 0; l < mc[k].size(); ++l) {
        mc[k][l] = kPriorPairsM * prior_m[k][l];
        uc[k][l] = kPriorPairsU * prior_u[k][l];
      }
    }
    for (size_t p = 0; p < patterns.size(); ++p) {
      double c = patterns[p].count;
      double xm = c * post[p], xu = c * (1 - post[p]);
      if (patterns[p].label < 0) {
        matches += xm;
        total += c;
      }
      for (size_t k = 0; k < nf; ++k) {
        int l = LevelOf(patterns[p].pattern, k);
        if (!l) continue;
        mc[k][l] += xm;
        uc[k][l] += xu;
      }
    }
    model.matches = matches;
    double change = 0;
    if (options.update_lambda && total > 0) {
      double lambda = std::clamp(matches / total, 1e-12, 1 - 1e-9);
      change = std::max(change, std::abs(lambda - model.lambda) / std::max(lambda, 1e-12));
      model.lambda = lambda;
    }
    for (size_t k = 0; k < nf; ++k) {
      double sm = 0, su = 0;
      for (size_t l = 1; l < mc[k].size(); ++l) sm += mc[k][l], su += uc[k][l];
      std::vector<double> m = model.m[k], u = model.u[k];
      for (size_t l = 1; l < mc[k].size(); ++l) {
        if (options.update_m) m[l] = std::max(kFloor, mc[k][l] / sm);
        if (options.update_u) u[l] = std::max(kFloor, uc[k][l] / su);
      }
      MonotoneRatios(m, u);
      for (size_t l = 1; l < mc[k].size(); ++l) {
        change = std::max({change, std::abs(m[l] - model.m[k][l]), std::abs(u[l] - model.u[k][l])});
        model.m[k][l] = m[l];
        model.u[k][l] = u[l];
      }
    }
    if (change < options.tolerance) {
      model.converged = true;
      break;
    }
  }
  model.ComputeWeights();
  return model;
}

}  // namespace kuzot::linkage
