// The Linker: blocking, comparison, EM, scoring and clustering in order.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <random>
#include <thread>
#include <unordered_map>

#include "linkage/blocking.h"
#include "linkage/cluster.h"
#include "linkage/compare.h"
#include "linkage/estimate.h"
#include "linkage/features.h"
#include "linkage/linkage.h"
#include "linkage/model.h"

namespace kuzot::linkage {
namespace {

constexpr const char* kRoleNames[] = {
    "id",  "full_name", "first_name", "last_name", "patronymic",  "birth_date", "birth_year",
    "age", "sex",       "place",      "address",   "document_id", "other"};

double Probability(double weight) { return 1.0 / (1.0 + std::exp2(-weight)); }

class LinkerImpl : public Linker {
 public:
  LinkerImpl(std::vector<Record> records, Settings settings, Features features,
             std::vector<BlockingRule> rules, std::vector<std::string> warnings)
      : records_(std::move(records)),
        settings_(std::move(settings)),
        features_(std::move(features)),
        blocker_(features_, std::move(rules), settings_),
        comparer_(features_, settings_),
        warnings_(std::move(warnings)) {}

  const std::vector<RuleCount>& PlannedComparisons() const override { return blocker_.planned(); }
  void ApplyBudget(int64_t budget) { blocker_.ApplyBudget(budget); }
  const std::vector<Record>& records() const override { return records_; }

  Result<Outcome> Run(const std::vector<Label>& labels, const ProgressFn& progress) override;
  Result<Explanation> Explain(uint32_t a, uint32_t b) const override;

 private:
  int Threads() const { return ThreadCount(settings_); }
  Model Describe(const FittedModel& fitted, int labelled) const;

  std::vector<Record> records_;
  Settings settings_;
  Features features_;
  Blocker blocker_;
  Comparer comparer_;
  std::vector<std::string> warnings_;
  // Record ids to indexes, built by Run only when there are decisions:
  // at a million records the table costs a second to build and free.
  std::unordered_map<std::string_view, uint32_t> index_;
  // After Run: the model and the decisions, for Explain.
  bool ran_ = false;
  FittedModel fitted_;
  std::unordered_map<uint64_t, Decision> decided_;
};

Model LinkerImpl::Describe(const FittedModel& fitted, int labelled) const {
  Model model;
  model.lambda = fitted.lambda;
  model.iterations = fitted.iterations;
  model.converged = fitted.converged;
  model.labelled_pairs = labelled;
  for (size_t k = 0; k < features_.fields.size(); ++k) {
    const auto& names = features_.fields[k].levels();
    for (size_t l = 1; l <= names.size(); ++l) {
      model.levels.push_back({features_.fields[k].name, names[l - 1], fitted.m[k][l],
                              fitted.u[k][l], fitted.weights[k][l]});
    }
  }
  return model;
}

Result<Outcome> LinkerImpl::Run(const std::vector<Label>& labels, const ProgressFn& progress) {
  Outcome out;
  auto clock_start = std::chrono::steady_clock::now();
  std::string current;
  auto report = [&](std::string_view stage, int64_t done, int64_t total) {
    if (stage != current) {
      auto now = std::chrono::steady_clock::now();
      if (!current.empty()) {
        out.timings.push_back({current, std::chrono::duration<double>(now - clock_start).count()});
      }
      clock_start = now;
      current = stage;
    }
    if (progress) progress(stage, done, total);
  };
  out.warnings = warnings_;
  const uint32_t n = features_.size;

  // 1. Candidate pairs.
  report("blocking", 0, 0);
  std::vector<uint64_t> codes = blocker_.Generate(out.blocking);
  const size_t pairs = codes.size();
  out.candidate_pairs = static_cast<int64_t>(pairs);

  // 2. Comparisons, in parallel.
  std::vector<uint64_t> patterns;
  std::vector<float> tf;
  ComparePairs(comparer_, n, codes, Threads(), &patterns, &tf,
               [&](int64_t done) { report("comparing", done, static_cast<int64_t>(pairs)); });
  report("comparing", static_cast<int64_t>(pairs), static_cast<int64_t>(pairs));

  // 3. Decisions: labels for EM, forced links and non-links.
  decided_.clear();
  std::vector<PatternCount> labelled;
  if (!labels.empty() && index_.empty()) {
    index_.reserve(records_.size());
    for (uint32_t i = 0; i < records_.size(); ++i) index_.emplace(records_[i].id, i);
  }
  for (const auto& label : labels) {
    if (label.decision == Decision::kUnsure) continue;
    auto ia = index_.find(label.left_id), ib = index_.find(label.right_id);
    if (ia == index_.end() || ib == index_.end() || ia->second == ib->second) continue;
    uint32_t a = std::min(ia->second, ib->second), b = std::max(ia->second, ib->second);
    decided_[uint64_t{a} * n + b] = label.decision;
  }
  for (const auto& [key, decision] : decided_) {
    float unused;
    uint64_t pattern =
        comparer_.Compare(static_cast<uint32_t>(key / n), static_cast<uint32_t>(key % n), unused);
    labelled.push_back({pattern, 1.0, decision == Decision::kSame ? 1 : 0});
  }

  // 4. The model.
  report("estimating", 0, 0);
  EstimationInput input{&features_, &comparer_, &settings_,         Threads(),
                        &codes,     &patterns,  std::move(labelled)};
  Estimate estimate = EstimateModel(input);
  fitted_ = std::move(estimate.model);
  for (auto& note : estimate.notes) out.warnings.push_back(std::move(note));
  out.model = Describe(fitted_, static_cast<int>(decided_.size()));
  const double prior = fitted_.PriorWeight();

  // 5. Scores, decisions, links.
  report("clustering", 0, 0);
  const double threshold = settings_.threshold;
  const double report_min =
      settings_.report_min_probability < 0 ? threshold : settings_.report_min_probability;
  std::vector<Link> links;
  std::vector<Pair> reported;
  std::vector<std::pair<uint32_t, uint32_t>> cannot, never;
  std::vector<uint8_t> linked(n, 0);
  std::vector<float> weight(pairs);
  for (size_t i = 0; i < pairs; ++i) {
    weight[i] = static_cast<float>(prior + fitted_.Weight(patterns[i]) + tf[i]);
  }
  auto decision_of = [&](uint32_t a, uint32_t b) -> const Decision* {
    if (decided_.empty()) return nullptr;
    auto it = decided_.find(uint64_t{a} * n + b);
    return it == decided_.end() ? nullptr : &it->second;
  };
  for (size_t i = 0; i < pairs; ++i) {
    uint32_t a = PairLeft(codes[i], n), b = PairRight(codes[i], n);
    double p = Probability(weight[i]);
    if (decision_of(a, b)) continue;  // decided pairs are added below
    if (p >= threshold) {
      links.push_back({a, b, p, false});
      linked[a] = linked[b] = 1;
    }
    if (p >= report_min) reported.push_back({a, b, weight[i], p});
  }
  // Every decided pair, compared by blocking or not.
  for (const auto& [key, decision] : decided_) {
    uint32_t a = static_cast<uint32_t>(key / n), b = static_cast<uint32_t>(key % n);
    if (decision == Decision::kSame) {
      links.push_back({a, b, 1.0, true});
      linked[a] = linked[b] = 1;
      reported.push_back({a, b, INFINITY, 1.0});
    } else {
      never.push_back({a, b});
    }
  }
  if (settings_.cannot_link_below > 0) {
    for (size_t i = 0; i < pairs; ++i) {
      uint32_t a = PairLeft(codes[i], n), b = PairRight(codes[i], n);
      if (!linked[a] || !linked[b]) continue;
      if (Probability(weight[i]) < settings_.cannot_link_below && !decision_of(a, b)) {
        cannot.push_back({a, b});
      }
    }
  }
  std::stable_sort(links.begin(), links.end(), [](const Link& x, const Link& y) {
    if (x.forced != y.forced) return x.forced;
    return x.probability > y.probability;
  });
  if (settings_.one_to_one) {
    std::vector<size_t> kept = OneToOne(links, features_.source);
    std::vector<Link> one;
    one.reserve(kept.size());
    for (size_t k : kept) one.push_back(links[k]);
    // Reported pairs above the threshold are the kept links only.
    std::unordered_map<uint64_t, bool> keep;
    for (const Link& l : one) keep[uint64_t{l.a} * n + l.b] = true;
    std::erase_if(reported, [&](const Pair& p) {
      return p.probability >= threshold && !keep.count(uint64_t{p.left} * n + p.right);
    });
    links = std::move(one);
  }
  auto any_pair = [&](uint32_t a, uint32_t b) {
    float adjust;
    uint64_t pattern = comparer_.Compare(a, b, adjust);
    return Probability(fitted_.PriorWeight() + fitted_.Weight(pattern) + adjust);
  };
  out.cluster = ClusterRecords(n, links, cannot, never, any_pair, settings_.cannot_link_below);
  std::sort(reported.begin(), reported.end(), [](const Pair& x, const Pair& y) {
    if (x.probability != y.probability) return x.probability > y.probability;
    return x.left != y.left ? x.left < y.left : x.right < y.right;
  });
  out.pairs = std::move(reported);
  ran_ = true;
  report("done", 1, 1);
  return out;
}

Result<Explanation> LinkerImpl::Explain(uint32_t a, uint32_t b) const {
  if (!ran_) return Status::InvalidArgument("Explain needs a successful Run first");
  if (a >= features_.size || b >= features_.size || a == b) {
    return Status::InvalidArgument("no such pair of records");
  }
  if (a > b) std::swap(a, b);
  Explanation e;
  e.prior_weight = fitted_.PriorWeight();
  e.weight = e.prior_weight;
  std::vector<FieldDetail> details = comparer_.Describe(a, b);
  for (size_t k = 0; k < details.size(); ++k) {
    const FieldSpec& field = features_.fields[k];
    FieldScore s;
    s.field = field.name;
    s.level = details[k].level == 0 ? "missing" : field.levels()[details[k].level - 1];
    s.left = details[k].left;
    s.right = details[k].right;
    s.weight = fitted_.LevelWeight(k, details[k].level);
    s.tf_weight = details[k].tf;
    e.weight += s.weight + s.tf_weight;
    e.fields.push_back(std::move(s));
  }
  e.probability = Probability(e.weight);
  auto it = decided_.find(uint64_t{a} * features_.size + b);
  if (it != decided_.end()) {
    e.decision = it->second == Decision::kSame ? "same" : "different";
    e.probability = it->second == Decision::kSame ? 1.0 : 0.0;
  }
  return e;
}

}  // namespace

const char* RoleName(Role role) { return kRoleNames[static_cast<int>(role)]; }

Result<Role> ParseRole(std::string_view name) {
  for (int i = 0; i <= static_cast<int>(Role::kOther); ++i) {
    if (name == kRoleNames[i]) return static_cast<Role>(i);
  }
  std::string known;
  for (const char* r : kRoleNames) known += std::string(known.empty() ? "" : ", ") + r;
  return Status::InvalidArgument(
      "unknown role \"" + std::string(name) + "\" (roles: " + known + ")", "map");
}

Result<std::unique_ptr<Linker>> Linker::Create(std::vector<Record> records,
                                               const Settings& settings,
                                               std::vector<Place> gazetteer) {
  if (records.size() >= (1u << 26)) {
    return Status::InvalidArgument("at most 67 million records can be linked in one run");
  }
  if (!(settings.threshold > 0 && settings.threshold <= 1)) {
    return Status::InvalidArgument("the threshold must be a probability in (0, 1]", "threshold");
  }
  if (settings.close_similarity < settings.medium_similarity || settings.close_similarity > 1 ||
      settings.medium_similarity < 0) {
    return Status::InvalidArgument("similarities must satisfy 0 <= medium <= close <= 1",
                                   "similarity");
  }
  KUZOT_ASSIGN_OR_RETURN(Gazetteer g, Gazetteer::Build(gazetteer));
  std::vector<std::string> warnings;
  KUZOT_ASSIGN_OR_RETURN(Features features, Prepare(records, settings, std::move(g), warnings));
  std::vector<std::string> rule_texts =
      settings.blocking_rules.empty() ? DefaultRules(features) : settings.blocking_rules;
  if (rule_texts.size() > kMaxRules) {
    return Status::InvalidArgument("too many blocking rules", "blocking");
  }
  std::vector<BlockingRule> rules;
  for (const auto& text : rule_texts) {
    KUZOT_ASSIGN_OR_RETURN(BlockingRule rule, ParseRule(text, features));
    rules.push_back(std::move(rule));
  }
  const size_t n = records.size();
  auto linker = std::make_unique<LinkerImpl>(std::move(records), settings, std::move(features),
                                             std::move(rules), std::move(warnings));
  if (settings.blocking_rules.empty() && settings.max_comparisons != 0) {
    int64_t budget = settings.max_comparisons > 0 ? settings.max_comparisons
                                                  : 15 * static_cast<int64_t>(n) + 1000000;
    linker->ApplyBudget(budget);
  }
  return std::unique_ptr<Linker>(std::move(linker));
}

}  // namespace kuzot::linkage
