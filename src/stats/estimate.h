// Multiple systems estimation (capture-recapture) of how many victims no list
// recorded: the capture-history table and three estimators.
//
//   * log-linear models (Bishop, Fienberg & Holland 1975; Fienberg 1972): every
//     hierarchical model of the lists, chosen by AIC or BIC, with a profile
//     likelihood interval for the total (Cormack 1992);
//   * Bayesian model averaging over decomposable graphical models (Madigan &
//     York 1997), as HRDAG's R package `dga` computes it;
//   * the Bayesian non-parametric latent-class model (Manrique-Vallier 2016),
//     as HRDAG's R package `LCMCR` samples it.
//
// doc/estimation.md explains each for an analyst: assumptions, when they
// mislead, and the references. Every function here is pure computation (no
// I/O) and thread-compatible: distinct calls may run on distinct threads.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <variant>
#include <vector>

#include "common/status.h"
#include "tabular/tabular.h"

namespace kuzot::stats {

using Json = nlohmann::ordered_json;

// How many people each pattern of lists holds. A pattern is a bit mask over
// `lists` (bit j set: the person is on lists[j]). The pattern 0 (on no list)
// is what the estimators estimate: it is never stored.
struct CaptureHistory {
  std::vector<std::string> lists;
  std::map<std::uint32_t, std::int64_t> cells;  // pattern -> count > 0

  int num_lists() const { return static_cast<int>(lists.size()); }
  // People on at least one list.
  std::int64_t Observed() const;
  // The count of one pattern (0 when absent).
  std::int64_t Count(std::uint32_t pattern) const;
  // People on each list.
  std::vector<std::int64_t> ListTotals() const;
};

// One stratum (a value of the stratifying fields, or "all").
struct Stratum {
  std::string label;                // "all", or the values joined with " / "
  std::vector<std::string> values;  // one per stratifying field
  CaptureHistory history;
};

// Which columns of a table are what.
struct HistoryColumns {
  // The list columns, in order; empty: every column except the count and
  // stratum columns.
  std::vector<std::string> lists;
  // One row per pattern with its count when this column exists (matched
  // without regard to case); otherwise one row per person.
  std::string count_column = "count";
  // Columns whose values split the people into strata; empty: one stratum.
  std::vector<std::string> strata;
};

// Reads capture histories from a table with one 0/1 column per list and an
// optional count column. InvalidArgument naming the file, row and column
// for: a missing column, a value other than 0/1, a count that is not a
// whole number >= 0, fewer than two lists, no one recorded at all, or a
// row that puts someone on no list with a positive count (which would claim
// to know the unknowable). Repeated patterns are summed.
Result<std::vector<Stratum>> ReadCaptureHistories(const tabular::Table& table,
                                                  const HistoryColumns& columns);

// One person (or one row of people) for BuildCaptureHistories.
struct Membership {
  std::vector<int> lists;           // indexes into the list names; empty: on no list
  std::vector<std::string> strata;  // the person's stratum values
  std::int64_t count = 1;
};

// Builds the tables from people and the lists each appears on (reconciled
// records: one person, every source that names them). People on no list
// are skipped and counted in `*skipped` when given.
Result<std::vector<Stratum>> BuildCaptureHistories(const std::vector<std::string>& lists,
                                                   const std::vector<Membership>& people,
                                                   std::int64_t* skipped = nullptr);

// The tables in the forms HRDAG's R packages take, as tables for
// tabular::WriteCsv / tabular::XlsxBytes (only header and rows are set) (doc/estimation.md shows
// the R lines):
//   dga:   every stratum's 2^k patterns in R array order (first list varies
//          fastest), columns [stratum,] <lists...>, count; the all-zero row
//          is 0. `array(d$count, dim = rep(2, k))` is bma.cr's Y.
//   lcmcr: one row per person, columns [stratum,] <lists...> with "0"/"1",
//          people on no list omitted: lcmCR(captures = <factors>).
tabular::Table DgaTable(const std::vector<Stratum>& strata);
tabular::Table LcmcrTable(const std::vector<Stratum>& strata);
// One row per observed pattern: [stratum,] <lists...>, count.
tabular::Table PatternTable(const std::vector<Stratum>& strata);

// InvalidArgument when no estimator can say anything from `history`: fewer
// than two lists, no one recorded, a list that records no one, or no one on
// more than one list (lists that never overlap cannot tell how many they
// missed). Every Fit* function checks this first.
Status CheckCanEstimate(const CaptureHistory& history);

// Warnings about what the data can carry, shared by all methods: fewer
// than three lists, lists with fewer than 10 people, lists that overlap no
// other list, empty or tiny (< 5) cells.
std::vector<std::string> DataWarnings(const CaptureHistory& history);

// What every estimator reports. `estimate`, `lower` and `upper` are totals
// (observed + undocumented); an unbounded end is +infinity (JSON null).
struct Summary {
  std::string method;
  std::int64_t observed = 0;
  double estimate = 0;
  double lower = 0;
  double upper = 0;
  double level = 0.95;  // of the interval
  std::vector<std::string> warnings;
};

// ---------------------------------------------------------------- log-linear

enum class Criterion { kAic, kBic };

struct LoglinearOptions {
  Criterion criterion = Criterion::kAic;
  // Highest order of interaction considered; 0: k-1 for up to 5 lists, 2
  // for 6 lists. The k-way interaction is never estimable.
  int max_order = 0;
  double level = 0.95;
  // Profile-likelihood intervals are computed for this many of the best
  // models (the chosen one always).
  int intervals_for_top = 5;
};

struct LoglinearModel {
  std::string name;                       // generating class, Rcapture style: "[12,3]"
  std::string formula;                    // with list names: "A*B + C"
  std::vector<std::uint32_t> generators;  // maximal terms (bit masks)
  int parameters = 0;                     // rank of the design on the observed cells
  int df = 0;                             // residual degrees of freedom
  double deviance = 0;
  double aic = 0;
  double bic = 0;
  double weight = 0;    // Akaike or Schwarz weight among estimable models
  double missing = 0;   // estimated people on no list (exp of the intercept)
  double estimate = 0;  // observed + missing
  double lower = 0;     // profile-likelihood interval (NaN when not computed)
  double upper = 0;
  bool boundary = false;  // some fitted cell is 0 (an interaction is infinite)
};

struct LoglinearResult {
  Summary summary;
  Criterion criterion = Criterion::kAic;
  int max_order = 0;
  std::vector<LoglinearModel> ranking;  // estimable models, best first
  // Models whose estimate of the missing cell is not finite on these data
  // (the name and why).
  std::vector<std::pair<std::string, std::string>> not_estimable;
};

Result<LoglinearResult> FitLoglinear(const CaptureHistory& history,
                                     const LoglinearOptions& options = {});

// ----------------------------------------------------------------------- BMA

struct Prior {
  enum class Kind { kInverse, kUniform, kNegativeBinomial };
  Kind kind = Kind::kInverse;  // dga's default: p(N) proportional to 1/N
  double a = 0;                // negative binomial: Madigan & York's a, b
  double b = 0;
};

// "1/N", "uniform", "negbin" -> the kind of prior; InvalidArgument otherwise.
Result<Prior::Kind> ParsePrior(const std::string& name);

struct BmaOptions {
  double delta = 0;  // hyper-Dirichlet parameter; 0: 2^-k (dga's suggestion)
  Prior prior;
  std::int64_t min_missing = 0;
  // Largest number of missing people considered; -1: grow the range until
  // the posterior has vanished (warning when it does not).
  std::int64_t max_missing = -1;
  double level = 0.95;
};

struct BmaModel {
  std::string name;                          // cliques, same notation as log-linear: "[12,23]"
  std::vector<std::vector<int>> cliques;     // list indexes
  std::vector<std::vector<int>> separators;  // non-empty ones, with repeats
  double probability = 0;                    // posterior
  double estimate = 0;                       // dga's Bayes estimator
  double mode = 0;
  double lower = 0;
  double upper = 0;
};

struct BmaResult {
  Summary summary;  // estimate: the averaged Bayes estimator
  double delta = 0;
  double mode = 0;  // of the averaged posterior
  double mean = 0;
  double median = 0;
  std::vector<BmaModel> models;      // most probable first
  std::vector<std::int64_t> totals;  // N values of the posterior
  std::vector<double> posterior;     // averaged posterior over `totals`
};

Result<BmaResult> FitBma(const CaptureHistory& history, const BmaOptions& options = {});

// The decomposable graphical models on k lists (2 <= k <= 6): cliques and
// separators as list indexes, in a fixed order.
struct DecomposableGraph {
  std::vector<std::uint32_t> cliques;
  std::vector<std::uint32_t> separators;
};
std::vector<DecomposableGraph> DecomposableGraphs(int k);

// -------------------------------------------------------------------- LCMCR

struct LcmcrOptions {
  int classes = 5;  // K, truncation of the stick-breaking prior (LCMCR's default)
  double a_alpha = 0.25;
  double b_alpha = 0.25;
  std::int64_t burn_in = 10000;
  std::int64_t iterations = 10000;  // after burn-in
  int thinning = 10;                // keep every thinning-th draw
  std::uint64_t seed = 1;
  double level = 0.95;
  // Called now and then with (iterations done, total).
  std::function<void(std::int64_t, std::int64_t)> progress;
};

struct LcmcrResult {
  Summary summary;  // estimate: posterior median
  double mean = 0;
  std::uint64_t seed = 0;
  std::vector<std::int64_t> samples;  // N, one per kept draw
  double geweke_z = 0;                // first 10% vs last 50% of the kept draws
  double effective_sample_size = 0;
  double mean_classes_used = 0;
  double share_at_max_classes = 0;  // of kept draws where every class held someone
};

Result<LcmcrResult> FitLcmcr(const CaptureHistory& history, const LcmcrOptions& options = {});

// ------------------------------------------------------------ one interface

enum class Method { kLoglinear, kBma, kLcmcr };
// "loglinear", "bma", "lcmcr" -> Method; InvalidArgument otherwise.
Result<Method> ParseMethod(const std::string& name);

struct EstimateOptions {
  Method method = Method::kLoglinear;
  LoglinearOptions loglinear;
  BmaOptions bma;
  LcmcrOptions lcmcr;
};

using Report = std::variant<LoglinearResult, BmaResult, LcmcrResult>;

Result<Report> Estimate(const CaptureHistory& history, const EstimateOptions& options);
const Summary& SummaryOf(const Report& report);

// {"method", "lists", "observed", "estimate", "lower", "upper", "level",
//  "undocumented": {"estimate","lower","upper"}, "warnings", ...details}.
// Unbounded ends are null. `top` limits the models listed.
Json ToJson(const Report& report, const CaptureHistory& history, int top = 10);
// The same for a terminal.
std::string ToText(const Report& report, const CaptureHistory& history, int top = 10);

}  // namespace kuzot::stats
