#include "bench/linkage/evaluation.h"

#include <cstdio>
#include <filesystem>
#include <map>
#include <unordered_map>

namespace kuzot::linkage::bench {
namespace {

int64_t Choose2(int64_t n) { return n * (n - 1) / 2; }

Scores Finish(int64_t tp, int64_t predicted, int64_t truth) {
  Scores s;
  s.true_positives = tp;
  s.false_positives = predicted - tp;
  s.false_negatives = truth - tp;
  s.precision = predicted ? static_cast<double>(tp) / predicted : 0;
  s.recall = truth ? static_cast<double>(tp) / truth : 0;
  s.f1 = s.precision + s.recall > 0 ? 2 * s.precision * s.recall / (s.precision + s.recall) : 0;
  return s;
}

int64_t TruePairs(const std::vector<std::string>& entity) {
  std::unordered_map<std::string, int64_t> sizes;
  for (const auto& e : entity) ++sizes[e];
  int64_t total = 0;
  for (const auto& [e, n] : sizes) total += Choose2(n);
  return total;
}

}  // namespace

std::string Scores::ToString() const {
  char buf[160];
  std::snprintf(buf, sizeof buf, "precision %.4f recall %.4f F1 %.4f (tp %lld fp %lld fn %lld)",
                precision, recall, f1, static_cast<long long>(true_positives),
                static_cast<long long>(false_positives), static_cast<long long>(false_negatives));
  return buf;
}

Scores PairScores(const Outcome& outcome, double threshold,
                  const std::vector<std::string>& entity) {
  int64_t tp = 0, predicted = 0;
  for (const auto& p : outcome.pairs) {
    if (p.probability < threshold) continue;
    ++predicted;
    tp += entity[p.left] == entity[p.right];
  }
  return Finish(tp, predicted, TruePairs(entity));
}

Scores ClusterScores(const std::vector<uint32_t>& cluster, const std::vector<std::string>& entity) {
  std::unordered_map<uint32_t, int64_t> cluster_sizes;
  std::map<std::pair<uint32_t, std::string>, int64_t> both;
  for (size_t i = 0; i < cluster.size(); ++i) {
    ++cluster_sizes[cluster[i]];
    ++both[{cluster[i], entity[i]}];
  }
  int64_t predicted = 0, tp = 0;
  for (const auto& [c, n] : cluster_sizes) predicted += Choose2(n);
  for (const auto& [k, n] : both) tp += Choose2(n);
  return Finish(tp, predicted, TruePairs(entity));
}

Result<Labelled> LoadFebrl(const std::string& path) {
  KUZOT_ASSIGN_OR_RETURN(tabular::Table table, tabular::ReadFile(path));
  std::vector<ColumnRole> columns = {{"rec_id", Role::kId},
                                     {"given_name", Role::kFirstName},
                                     {"surname", Role::kLastName},
                                     {"date_of_birth", Role::kBirthDate},
                                     {"suburb", Role::kPlace},
                                     {"address_1", Role::kAddress},
                                     {"soc_sec_id", Role::kDocumentId},
                                     {"street_number", Role::kOther},
                                     {"address_2", Role::kOther},
                                     {"postcode", Role::kOther},
                                     {"state", Role::kOther}};
  std::string label = std::filesystem::path(path).stem().string();
  KUZOT_ASSIGN_OR_RETURN(std::vector<Record> records, RecordsFromTable(table, columns, 0, label));
  Labelled out;
  for (auto& r : records) {
    // "<label>:rec-<n>-org" / "<label>:rec-<n>-dup-<k>": <n> is the entity.
    std::string rec = r.id.substr(label.size() + 1);
    size_t a = rec.find('-'), b = rec.find('-', a + 1);
    out.entity.push_back(rec.substr(a + 1, b - a - 1));
    out.records.push_back(std::move(r));
  }
  return out;
}

}  // namespace kuzot::linkage::bench
