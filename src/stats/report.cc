// One entry point for the three estimators, and their reports as JSON (for
// the API and `kuzot estimate --format json`) and as text (for a terminal).
#include <cmath>
#include <cstdio>
#include <sstream>
#include <string>

#include "stats/estimate.h"

namespace kuzot::stats {
namespace {

// Counts are whole people: round, and write an unbounded end as null.
Json Count(double x) {
  if (!std::isfinite(x)) return nullptr;
  return static_cast<std::int64_t>(std::llround(x));
}

std::string CountText(double x) {
  if (!std::isfinite(x)) return "unbounded";
  return std::to_string(static_cast<long long>(std::llround(x)));
}

Json Rounded(double x, int digits) {
  if (!std::isfinite(x)) return nullptr;
  const double f = std::pow(10.0, digits);
  return std::round(x * f) / f;
}

Json Lists(const std::vector<std::vector<int>>& sets, const CaptureHistory& h) {
  Json out = Json::array();
  for (const auto& set : sets) {
    Json names = Json::array();
    for (int j : set) names.push_back(h.lists[j]);
    out.push_back(names);
  }
  return out;
}

Json SummaryJson(const Summary& s, const CaptureHistory& h) {
  Json j;
  j["method"] = s.method;
  j["lists"] = h.lists;
  j["observed"] = s.observed;
  j["estimate"] = Count(s.estimate);
  j["lower"] = Count(s.lower);
  j["upper"] = Count(s.upper);
  j["level"] = s.level;
  const double n = static_cast<double>(s.observed);
  j["undocumented"] = {{"estimate", Count(s.estimate - n)},
                       {"lower", Count(s.lower - n)},
                       {"upper", Count(s.upper - n)}};
  j["warnings"] = s.warnings;
  return j;
}

void Details(Json& j, const LoglinearResult& r, const CaptureHistory&, int top) {
  j["criterion"] = r.criterion == Criterion::kAic ? "aic" : "bic";
  j["max_order"] = r.max_order;
  j["model"] = r.ranking.front().name;
  j["formula"] = r.ranking.front().formula;
  j["models_fitted"] = r.ranking.size() + r.not_estimable.size();
  Json ranking = Json::array();
  for (size_t i = 0; i < r.ranking.size() && static_cast<int>(i) < top; ++i) {
    const auto& m = r.ranking[i];
    Json row = {{"rank", i + 1},
                {"model", m.name},
                {"formula", m.formula},
                {"estimate", Rounded(m.estimate, 1)},
                {"undocumented", Rounded(m.missing, 1)},
                {"parameters", m.parameters},
                {"df", m.df},
                {"deviance", Rounded(m.deviance, 3)},
                {"aic", Rounded(m.aic, 3)},
                {"bic", Rounded(m.bic, 3)},
                {"weight", Rounded(m.weight, 4)},
                {"boundary", m.boundary}};
    if (!std::isnan(m.lower)) {
      row["lower"] = Count(m.lower);
      row["upper"] = Count(m.upper);
    }
    ranking.push_back(row);
  }
  j["ranking"] = ranking;
  Json skipped = Json::array();
  for (size_t i = 0; i < r.not_estimable.size() && static_cast<int>(i) < top; ++i)
    skipped.push_back({{"model", r.not_estimable[i].first}, {"reason", r.not_estimable[i].second}});
  j["not_estimable"] = skipped;
  j["not_estimable_count"] = r.not_estimable.size();
}

void Details(Json& j, const BmaResult& r, const CaptureHistory& h, int top) {
  j["delta"] = r.delta;
  j["mode"] = Count(r.mode);
  j["mean"] = Rounded(r.mean, 1);
  j["median"] = Count(r.median);
  j["range"] = {r.totals.front(), r.totals.back()};
  Json models = Json::array();
  for (size_t i = 0; i < r.models.size() && static_cast<int>(i) < top; ++i) {
    const auto& m = r.models[i];
    models.push_back({{"model", m.name},
                      {"cliques", Lists(m.cliques, h)},
                      {"separators", Lists(m.separators, h)},
                      {"probability", Rounded(m.probability, 5)},
                      {"estimate", Count(m.estimate)},
                      {"mode", Count(m.mode)},
                      {"lower", Count(m.lower)},
                      {"upper", Count(m.upper)}});
  }
  j["models"] = models;
  j["models_averaged"] = r.models.size();
  // The averaged posterior where it is not negligible, at most 400 points.
  double peak = 0;
  for (double w : r.posterior) peak = std::max(peak, w);
  size_t from = 0, to = r.posterior.size();
  while (from < to && r.posterior[from] < 1e-6 * peak) ++from;
  while (to > from && r.posterior[to - 1] < 1e-6 * peak) --to;
  const size_t step = std::max<size_t>(1, (to - from + 399) / 400);
  Json post = Json::array();
  for (size_t i = from; i < to; i += step)
    post.push_back({r.totals[i], Rounded(r.posterior[i], 8)});
  j["posterior"] = post;
}

void Details(Json& j, const LcmcrResult& r, const CaptureHistory&, int) {
  j["mean"] = Rounded(r.mean, 1);
  j["seed"] = r.seed;
  j["draws"] = r.samples.size();
  j["diagnostics"] = {{"geweke_z", Rounded(r.geweke_z, 3)},
                      {"effective_sample_size", Rounded(r.effective_sample_size, 1)},
                      {"mean_classes_used", Rounded(r.mean_classes_used, 2)},
                      {"share_at_max_classes", Rounded(r.share_at_max_classes, 3)}};
}

}  // namespace

Result<Method> ParseMethod(const std::string& name) {
  if (name == "loglinear") return Method::kLoglinear;
  if (name == "bma") return Method::kBma;
  if (name == "lcmcr") return Method::kLcmcr;
  return Status::InvalidArgument("unknown method \"" + name + "\" (loglinear, bma or lcmcr)",
                                 "method");
}

Result<Prior::Kind> ParsePrior(const std::string& name) {
  if (name == "1/N") return Prior::Kind::kInverse;
  if (name == "uniform") return Prior::Kind::kUniform;
  if (name == "negbin") return Prior::Kind::kNegativeBinomial;
  return Status::InvalidArgument("the prior is 1/N, uniform or negbin", "prior");
}

Result<Report> Estimate(const CaptureHistory& h, const EstimateOptions& o) {
  switch (o.method) {
    case Method::kLoglinear: {
      auto r = FitLoglinear(h, o.loglinear);
      if (!r.ok()) return r.status();
      return Report(std::move(r).value());
    }
    case Method::kBma: {
      auto r = FitBma(h, o.bma);
      if (!r.ok()) return r.status();
      return Report(std::move(r).value());
    }
    case Method::kLcmcr: {
      auto r = FitLcmcr(h, o.lcmcr);
      if (!r.ok()) return r.status();
      return Report(std::move(r).value());
    }
  }
  return Status::Internal("unknown method");
}

const Summary& SummaryOf(const Report& report) {
  return std::visit([](const auto& r) -> const Summary& { return r.summary; }, report);
}

Json ToJson(const Report& report, const CaptureHistory& h, int top) {
  Json j = SummaryJson(SummaryOf(report), h);
  std::visit([&](const auto& r) { Details(j, r, h, top); }, report);
  return j;
}

std::string ToText(const Report& report, const CaptureHistory& h, int top) {
  const Summary& s = SummaryOf(report);
  std::ostringstream out;
  const double n = static_cast<double>(s.observed);
  const int pct = static_cast<int>(std::lround(100 * s.level));
  out << "Method:        " << s.method << "\n";
  out << "Lists:         ";
  for (size_t i = 0; i < h.lists.size(); ++i) out << (i ? ", " : "") << h.lists[i];
  out << "\n";
  out << "Recorded:      " << s.observed << "\n";
  out << "Estimate:      " << CountText(s.estimate) << " in total (" << pct << "% interval "
      << CountText(s.lower) << " to " << CountText(s.upper) << ")\n";
  out << "Undocumented:  " << CountText(s.estimate - n) << " (" << CountText(s.lower - n) << " to "
      << CountText(s.upper - n) << ")\n";
  char line[256];
  if (const auto* r = std::get_if<LoglinearResult>(&report)) {
    const char* crit = r->criterion == Criterion::kAic ? "AIC" : "BIC";
    out << "Chosen model:  " << r->ranking.front().name << "  " << r->ranking.front().formula
        << " (lowest " << crit << " of " << r->ranking.size() << " estimable models)\n\n";
    std::snprintf(line, sizeof line, "%-4s %-22s %10s %10s %10s %4s %10s %10s %7s\n", "rank",
                  "model", "estimate", "lower", "upper", "df", "AIC", "BIC", "weight");
    out << line;
    for (size_t i = 0; i < r->ranking.size() && static_cast<int>(i) < top; ++i) {
      const auto& m = r->ranking[i];
      std::snprintf(line, sizeof line, "%-4zu %-22s %10.1f %10s %10s %4d %10.2f %10.2f %7.4f%s\n",
                    i + 1, m.name.c_str(), m.estimate,
                    std::isnan(m.lower) ? "" : CountText(m.lower).c_str(),
                    std::isnan(m.upper) ? "" : CountText(m.upper).c_str(), m.df, m.aic, m.bic,
                    m.weight, m.boundary ? " boundary" : "");
      out << line;
    }
  } else if (const auto* r = std::get_if<BmaResult>(&report)) {
    out << "Posterior:     mode " << CountText(r->mode) << ", median " << CountText(r->median)
        << ", mean " << CountText(r->mean) << " (delta " << r->delta << ", N from "
        << r->totals.front() << " to " << r->totals.back() << ")\n\n";
    std::snprintf(line, sizeof line, "%-22s %11s %10s %8s %8s %8s\n", "model", "probability",
                  "estimate", "mode", "lower", "upper");
    out << line;
    for (size_t i = 0; i < r->models.size() && static_cast<int>(i) < top; ++i) {
      const auto& m = r->models[i];
      std::snprintf(line, sizeof line, "%-22s %11.4f %10s %8s %8s %8s\n", m.name.c_str(),
                    m.probability, CountText(m.estimate).c_str(), CountText(m.mode).c_str(),
                    CountText(m.lower).c_str(), CountText(m.upper).c_str());
      out << line;
    }
  } else if (const auto* r = std::get_if<LcmcrResult>(&report)) {
    std::snprintf(line, sizeof line,
                  "Posterior:     median %s, mean %.1f from %zu draws (seed %llu)\n"
                  "Diagnostics:   Geweke z %.2f, effective sample size %.0f, classes used %.2f "
                  "on average\n",
                  CountText(s.estimate).c_str(), r->mean, r->samples.size(),
                  static_cast<unsigned long long>(r->seed), r->geweke_z, r->effective_sample_size,
                  r->mean_classes_used);
    out << line;
  }
  if (!s.warnings.empty()) {
    out << "\nWarnings:\n";
    for (const auto& w : s.warnings) out << "  - " << w << "\n";
  }
  return out.str();
}

}  // namespace kuzot::stats
