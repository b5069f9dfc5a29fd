// Speed of the statistics (issue 7): the estimators on five lists, and
// counts over the acts of a database. Prints one line per measurement
// with the median (and min, max) of REPEATS runs; bench/stats/run.sh runs
// it and bench/README.md records the figures.
//
//   stats_bench estimators [--repeats 5]
//   stats_bench counts --data DIR [--repeats 7]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "crypto/crypto.h"
#include "records/service.h"
#include "stats/estimate.h"
#include "stats/stats_service.h"

namespace {

using kuzot::stats::CaptureHistory;
using Clock = std::chrono::steady_clock;

double Ms(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

// Runs `fn` `repeats` times; prints median, min and max in milliseconds.
void Measure(const char* name, int repeats, const std::function<std::string()>& fn) {
  std::vector<double> times;
  std::string what;
  for (int i = 0; i < repeats; ++i) {
    auto t0 = Clock::now();
    what = fn();
    times.push_back(Ms(t0, Clock::now()));
  }
  std::sort(times.begin(), times.end());
  std::printf("%-44s median %9.1f ms  (min %.1f, max %.1f, %d runs)  %s\n", name,
              times[times.size() / 2], times.front(), times.back(), repeats, what.c_str());
  std::fflush(stdout);
}

// 10,000 recorded people on five lists, from two hidden classes.
CaptureHistory FiveLists(int recorded) {
  std::mt19937 gen(11);
  std::bernoulli_distribution hard(0.3);
  const double easy[] = {0.5, 0.4, 0.45, 0.35, 0.4};
  const double difficult[] = {0.2, 0.1, 0.25, 0.15, 0.2};
  CaptureHistory h;
  h.lists = {"A", "B", "C", "D", "E"};
  while (h.Observed() < recorded) {
    const bool is_hard = hard(gen);
    std::uint32_t p = 0;
    for (int j = 0; j < 5; ++j)
      if (std::bernoulli_distribution(is_hard ? difficult[j] : easy[j])(gen)) p |= 1u << j;
    if (p) ++h.cells[p];
  }
  return h;
}

int Estimators(int repeats) {
  const CaptureHistory h = FiveLists(10000);
  Measure("loglinear: all 6893 models of 5 lists, AIC", repeats, [&] {
    auto r = kuzot::stats::FitLoglinear(h, {});
    return "N=" + std::to_string(static_cast<long>(r->summary.estimate)) + " model " +
           r->ranking.front().name;
  });
  Measure("bma: 822 decomposable graphs of 5 lists", repeats, [&] {
    auto r = kuzot::stats::FitBma(h, {});
    return "N=" + std::to_string(static_cast<long>(r->summary.estimate)) + ", N range " +
           std::to_string(r->totals.front()) + ".." + std::to_string(r->totals.back());
  });
  kuzot::stats::LcmcrOptions o;
  o.burn_in = 0;
  o.iterations = 10000;
  o.thinning = 10;
  Measure("lcmcr: 5 lists, 10,000 people, 10,000 iterations", repeats, [&] {
    auto r = kuzot::stats::FitLcmcr(h, o);
    return "N=" + std::to_string(static_cast<long>(r->summary.estimate));
  });
  o.classes = 10;
  Measure("lcmcr: the same with K = 10 classes", repeats, [&] {
    auto r = kuzot::stats::FitLcmcr(h, o);
    return "N=" + std::to_string(static_cast<long>(r->summary.estimate));
  });
  return 0;
}

int Counts(const std::string& dir, int repeats) {
  // The data is encrypted at rest; the key file is in KUZOT_KEY_FILE.
  const char* key = std::getenv("KUZOT_KEY_FILE");
  kuzot::records::OpenOptions options;
  if (key) {
    auto keyring = kuzot::crypto::Keyring::Open(dir, kuzot::crypto::KeySource::KeyFile(key));
    if (!keyring.ok()) {
      std::fprintf(stderr, "%s\n", keyring.status().ToString().c_str());
      return 1;
    }
    options.keyring = std::move(keyring).value();
  }
  auto records = kuzot::records::RecordService::Open(dir + "/kuzot.db", options);
  if (!records.ok()) {
    std::fprintf(stderr, "%s\n", records.status().ToString().c_str());
    return 1;
  }
  kuzot::stats::StatsService stats(*records.value());
  const kuzot::Caller admin = kuzot::Caller::System("bench");
  kuzot::Caller analyst = admin;
  analyst.clearance = kuzot::Confidentiality::kInternal;
  analyst.sees_sensitive = false;
  auto count = [&](const kuzot::Caller& caller, kuzot::stats::CountRequest q) {
    return [&, q] {
      auto t = stats.Count(caller, q);
      if (!t.ok()) return t.status().ToString();
      return std::to_string(t->total) + " " + q.measure + ", " + std::to_string(t->rows.size()) +
             "x" + std::to_string(t->columns.size()) + " cells";
    };
  };
  Measure("first count (loads 1M acts and persons)", 1, count(admin, {.rows = "act_type"}));
  Measure("acts by act_type", repeats, count(admin, {.rows = "act_type"}));
  Measure("acts by period:month x act_type", repeats,
          count(admin, {.rows = "period:month", .columns = "act_type"}));
  Measure("acts by place:district x sex", repeats,
          count(admin, {.rows = "place:district", .columns = "sex"}));
  Measure("acts by event x age_group (analyst)", repeats,
          count(analyst, {.rows = "event", .columns = "age_group"}));
  Measure("victims by place:oblast x child", repeats,
          count(admin, {.measure = "victims", .rows = "place:oblast", .columns = "child"}));
  Measure("acts by act_type as of 2000-01-01 (nothing)", repeats,
          count(admin, {.rows = "act_type", .as_of = "2000-01-01"}));
  Measure("acts by act_type as of now (all revisions)", 3,
          count(admin, {.rows = "period:year", .as_of = "2999-01-01"}));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string mode = argc > 1 ? argv[1] : "";
  std::string data;
  int repeats = 0;
  for (int i = 2; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--data")) data = argv[i + 1];
    if (!std::strcmp(argv[i], "--repeats")) repeats = std::atoi(argv[i + 1]);
  }
  if (mode == "estimators") return Estimators(repeats > 0 ? repeats : 5);
  if (mode == "counts" && !data.empty()) return Counts(data, repeats > 0 ? repeats : 7);
  std::fprintf(stderr,
               "usage: stats_bench estimators [--repeats N] | counts --data DIR [--repeats N]\n");
  return 2;
}
