// Accuracy on the Febrl data sets: prints pairwise and cluster F1 per file.
// Usage: linkage_eval_febrl [--threshold P] FILE...
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

#include "bench/linkage/evaluation.h"

int main(int argc, char** argv) {
  using namespace kuzot::linkage;
  Settings settings;
  bool verbose = false;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--threshold") && i + 1 < argc) {
      settings.threshold = std::atof(argv[++i]);
      continue;
    }
    if (!std::strcmp(argv[i], "--verbose")) {
      verbose = true;
      continue;
    }
    auto loaded = bench::LoadFebrl(argv[i]);
    if (!loaded.ok()) {
      std::fprintf(stderr, "%s\n", loaded.status().ToString().c_str());
      return 1;
    }
    bench::Labelled& data = *loaded;
    auto start = std::chrono::steady_clock::now();
    auto linker = Linker::Create(data.records, settings);
    if (!linker.ok()) {
      std::fprintf(stderr, "%s\n", linker.status().ToString().c_str());
      return 1;
    }
    auto outcome = (*linker)->Run();
    if (!outcome.ok()) {
      std::fprintf(stderr, "%s\n", outcome.status().ToString().c_str());
      return 1;
    }
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("%s: %zu records, %lld candidate pairs, %.2f s\n", argv[i], data.records.size(),
                static_cast<long long>(outcome->candidate_pairs), secs);
    for (const auto& r : outcome->blocking) {
      std::printf("  rule %-22s comparisons %lld new %lld\n", r.rule.c_str(),
                  static_cast<long long>(r.comparisons), static_cast<long long>(r.new_pairs));
    }
    std::printf("  pairs    %s\n",
                bench::PairScores(*outcome, settings.threshold, data.entity).ToString().c_str());
    std::printf("  clusters %s\n",
                bench::ClusterScores(outcome->cluster, data.entity).ToString().c_str());
    if (verbose) {
      std::printf("  lambda %.5f iterations %d converged %d\n", outcome->model.lambda,
                  outcome->model.iterations, outcome->model.converged);
      for (const auto& l : outcome->model.levels) {
        std::printf("    %-12s %-14s m %.5f u %.5f w %+.2f\n", l.field.c_str(), l.level.c_str(),
                    l.m, l.u, l.weight);
      }
    }
  }
  return 0;
}
