// Accuracy on generated Central Asian victim lists.
// Usage: linkage_eval_victims [--persons N] [--seed S] [--noise X]
//        [--threshold P] [--sources K] [--print N] [--verbose] [--errors N]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <random>
#include <set>
#include <string>

#include "bench/linkage/victims.h"

int main(int argc, char** argv) {
  using namespace kuzot::linkage;
  bench::GeneratorOptions options;
  Settings settings;
  int print = 0, errors = 0;
  std::string level_field, level_name;
  bool verbose = false;
  for (int i = 1; i < argc; ++i) {
    auto next = [&]() { return i + 1 < argc ? argv[++i] : "0"; };
    if (!std::strcmp(argv[i], "--persons"))
      options.persons = std::atoi(next());
    else if (!std::strcmp(argv[i], "--seed"))
      options.seed = std::atoll(next());
    else if (!std::strcmp(argv[i], "--noise"))
      options.noise = std::atof(next());
    else if (!std::strcmp(argv[i], "--sources"))
      options.sources = std::atoi(next());
    else if (!std::strcmp(argv[i], "--threshold"))
      settings.threshold = std::atof(next());
    else if (!std::strcmp(argv[i], "--print"))
      print = std::atoi(next());
    else if (!std::strcmp(argv[i], "--errors"))
      errors = std::atoi(next());
    else if (!std::strcmp(argv[i], "--verbose"))
      verbose = true;
    else if (!std::strcmp(argv[i], "--level")) {
      std::string v = next();
      level_field = v.substr(0, v.find(':'));
      level_name = v.substr(v.find(':') + 1);
    }
  }
  auto places = bench::DemoGazetteer(KUZOT_SOURCE_DIR);
  auto lists = bench::GenerateVictimLists(options, places);
  bench::Labelled data = bench::ToRecords(lists);
  for (int i = 0; i < print && i < static_cast<int>(data.records.size()); ++i) {
    const auto& r = data.records[i * (data.records.size() / print)];
    std::printf("%-16s | %-40s | %s | %s | %s | %s | %s | %s | %s | %s\n", r.id.c_str(),
                (r.full_name + r.last_name + " / " + r.first_name + " / " + r.patronymic).c_str(),
                r.birth_date.c_str(), r.birth_year.c_str(), r.age.c_str(), r.sex.c_str(),
                r.place.c_str(), r.document_id.c_str(),
                data.entity[i * (data.records.size() / print)].c_str(), "");
  }
  settings.event_date = lists.event_date;
  settings.report_min_probability = 0;  // every candidate pair, to measure blocking recall
  auto start = std::chrono::steady_clock::now();
  auto linker = Linker::Create(data.records, settings, places);
  if (!linker.ok()) {
    std::fprintf(stderr, "%s\n", linker.status().ToString().c_str());
    return 1;
  }
  auto outcome = (*linker)->Run();
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%zu records from %d persons, %lld candidate pairs, %.2f s\n", data.records.size(),
              options.persons, static_cast<long long>(outcome->candidate_pairs), secs);
  for (const auto& r : outcome->blocking) {
    std::printf("  rule %-22s comparisons %lld new %lld\n", r.rule.c_str(),
                static_cast<long long>(r.comparisons), static_cast<long long>(r.new_pairs));
  }
  // Recall of blocking: true pairs among candidates.
  {
    int64_t true_candidates = 0;
    for (const auto& p : outcome->pairs)
      true_candidates += data.entity[p.left] == data.entity[p.right];
    auto all = bench::PairScores(*outcome, 0.0, data.entity);
    std::printf("  blocking recall %.4f (%lld of %lld true pairs are candidates)\n",
                static_cast<double>(true_candidates) / (all.true_positives + all.false_negatives),
                static_cast<long long>(true_candidates),
                static_cast<long long>(all.true_positives + all.false_negatives));
  }
  std::printf("  pairs    %s\n",
              bench::PairScores(*outcome, settings.threshold, data.entity).ToString().c_str());
  std::printf("  clusters %s\n",
              bench::ClusterScores(outcome->cluster, data.entity).ToString().c_str());
  if (verbose) {
    // The true m: level shares among true pairs (candidates only).
    std::map<std::string, std::map<std::string, int>> share;
    std::map<std::string, int> total;
    for (const auto& p : outcome->pairs) {
      if (data.entity[p.left] != data.entity[p.right]) continue;
      auto e = (*linker)->Explain(p.left, p.right);
      for (const auto& f : e->fields) {
        if (f.level == "missing") continue;
        ++share[f.field][f.level];
        ++total[f.field];
      }
    }
    std::printf("  true m among candidate true pairs:\n");
    for (const auto& [field, levels] : share) {
      std::printf("    %-12s", field.c_str());
      for (const auto& [level, c] : levels)
        std::printf(" %s %.3f", level.c_str(), double(c) / total[field]);
      std::printf("\n");
    }
    std::printf("  lambda %.6f iterations %d converged %d\n", outcome->model.lambda,
                outcome->model.iterations, outcome->model.converged);
    for (const auto& l : outcome->model.levels) {
      std::printf("    %-12s %-14s m %.5f u %.5f w %+.2f\n", l.field.c_str(), l.level.c_str(), l.m,
                  l.u, l.weight);
    }
  }
  if (!level_field.empty()) {
    // True pairs whose comparison of one field has the given level.
    int shown = 0;
    for (const auto& p : outcome->pairs) {
      if (data.entity[p.left] != data.entity[p.right] || shown >= 10) continue;
      auto e = (*linker)->Explain(p.left, p.right);
      for (const auto& f : e->fields) {
        if (f.field == level_field && f.level == level_name) {
          ++shown;
          auto text = [&](const Record& r) {
            return r.full_name + r.last_name + " " + r.first_name + " " + r.patronymic + " | " +
                   r.birth_date + r.birth_year + r.age + " | " + r.place;
          };
          std::printf("%s: %s  ||  %s: %s   [%s] [%s]\n", data.records[p.left].id.c_str(),
                      text(data.records[p.left]).c_str(), data.records[p.right].id.c_str(),
                      text(data.records[p.right]).c_str(), f.left.c_str(), f.right.c_str());
        }
      }
    }
  }
  if (errors > 0) {
    // False positives among reported pairs, then missed true pairs.
    auto show = [&](uint32_t a, uint32_t b, const char* what) {
      auto e = (*linker)->Explain(a, b);
      const auto& ra = data.records[a];
      const auto& rb = data.records[b];
      std::printf("%s p=%.3f\n  %s: %s%s %s %s | %s%s%s | %s\n  %s: %s%s %s %s | %s%s%s | %s\n",
                  what, e->probability, ra.id.c_str(), ra.full_name.c_str(), ra.last_name.c_str(),
                  ra.first_name.c_str(), ra.patronymic.c_str(), ra.birth_date.c_str(),
                  ra.birth_year.c_str(), ra.age.c_str(), ra.place.c_str(), rb.id.c_str(),
                  rb.full_name.c_str(), rb.last_name.c_str(), rb.first_name.c_str(),
                  rb.patronymic.c_str(), rb.birth_date.c_str(), rb.birth_year.c_str(),
                  rb.age.c_str(), rb.place.c_str());
      for (const auto& f : e->fields) {
        std::printf("     %-12s %-14s %+6.2f %+5.2f  [%s] [%s]\n", f.field.c_str(), f.level.c_str(),
                    f.weight, f.tf_weight, f.left.c_str(), f.right.c_str());
      }
      std::printf("     prior %+.2f total %+.2f\n", e->prior_weight, e->weight);
    };
    int shown = 0;
    for (const auto& p : outcome->pairs) {
      if (p.probability >= settings.threshold && data.entity[p.left] != data.entity[p.right] &&
          shown++ < errors) {
        show(p.left, p.right, "FALSE POSITIVE");
      }
    }
    std::set<std::pair<uint32_t, uint32_t>> found;
    std::set<std::pair<uint32_t, uint32_t>> candidates;
    for (const auto& p : outcome->pairs) {
      if (p.probability >= settings.threshold) found.insert({p.left, p.right});
      candidates.insert({p.left, p.right});
    }
    std::map<std::string, std::vector<uint32_t>> by_entity;
    for (uint32_t i = 0; i < data.entity.size(); ++i) by_entity[data.entity[i]].push_back(i);
    shown = 0;
    std::mt19937 rng(1);
    std::vector<std::pair<uint32_t, uint32_t>> missed;
    for (const auto& [e, ids] : by_entity) {
      for (size_t x = 0; x < ids.size(); ++x) {
        for (size_t y = x + 1; y < ids.size(); ++y) {
          if (!found.count({ids[x], ids[y]})) missed.push_back({ids[x], ids[y]});
        }
      }
    }
    std::shuffle(missed.begin(), missed.end(), rng);
    for (const auto& [a, b] : missed) {
      if (shown++ >= errors) break;
      show(a, b, candidates.count({a, b}) ? "MISSED (scored low)" : "MISSED (not a candidate)");
    }
  }
  return 0;
}
