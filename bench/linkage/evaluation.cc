#include "bench/linkage/evaluation.h"

#include <cstdio>
#include <fstream>
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

Scores PairScores(const Outcome& outcome, double threshold, const std::vector<std::string>& entity) {
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

Labelled LoadFebrl(const std::string& path) {
  Labelled out;
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);  // header
  int row = 1;
  while (std::getline(in, line)) {
    ++row;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::vector<std::string> f;
    size_t start = 0;
    while (true) {
      size_t end = line.find(", ", start);
      if (end == std::string::npos) {
        f.push_back(line.substr(start));
        break;
      }
      f.push_back(line.substr(start, end - start));
      start = end + 2;
    }
    for (auto& v : f) {
      while (!v.empty() && v.back() == ' ') v.pop_back();
      while (!v.empty() && v.front() == ' ') v.erase(0, 1);
    }
    if (f.size() != 11) continue;
    Record r;
    r.id = f[0];
    r.origin = path + " row " + std::to_string(row);
    r.first_name = f[1];
    r.last_name = f[2];
    r.address = f[4];
    r.place = f[6];
    r.birth_date = f[9];
    r.document_id = f[10];
    r.other = {f[3], f[5], f[7], f[8]};
    // rec-<n>-org / rec-<n>-dup-<k>: <n> is the entity.
    size_t a = r.id.find('-'), b = r.id.find('-', a + 1);
    out.entity.push_back(r.id.substr(a + 1, b - a - 1));
    out.records.push_back(std::move(r));
  }
  return out;
}

}  // namespace kuzot::linkage::bench
