#include "linkage/blocking.h"

#include <algorithm>
#include <atomic>
#include <numeric>
#include <thread>

namespace kuzot::linkage {
namespace {

struct KeyName {
  const char* name;
  KeyKind kind;
};
constexpr KeyName kKeys[] = {
    {"names", KeyKind::kNames},
    {"name", KeyKind::kName},
    {"name_prefix", KeyKind::kNamePrefix},
    {"initial", KeyKind::kInitial},
    {"patronymic", KeyKind::kPatronymic},
    {"birth_date", KeyKind::kBirthDate},
    {"birth_year", KeyKind::kBirthYear},
    {"sex", KeyKind::kSex},
    {"place", KeyKind::kPlace},
    {"district", KeyKind::kDistrict},
    {"document_id", KeyKind::kDocument},
    {"address", KeyKind::kAddress},
};

uint64_t Mix(uint64_t x) {  // splitmix64 finaliser
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}
uint64_t Combine(uint64_t seed, uint64_t value) { return Mix(seed ^ Mix(value)); }

bool HasField(const Features& f, FieldKind kind) {
  for (const auto& field : f.fields)
    if (field.kind == kind) return true;
  return false;
}

int64_t PairsOf(int64_t size, int max_block, int window) {
  if (size <= max_block) return size * (size - 1) / 2;
  int64_t w = std::min<int64_t>(window, size - 1);
  return w * size - w * (w + 1) / 2;
}

}  // namespace

Result<BlockingRule> ParseRule(const std::string& text, const Features& features) {
  BlockingRule rule;
  rule.text = text;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('+', start);
    if (end == std::string::npos) end = text.size();
    std::string key = text.substr(start, end - start);
    key.erase(0, key.find_first_not_of(' '));
    key.erase(key.find_last_not_of(' ') + 1);
    bool found = false;
    for (const auto& k : kKeys) {
      if (key == k.name) {
        rule.keys.push_back({k.kind, -1});
        rule.has_initial_key |= k.kind == KeyKind::kInitial;
        found = true;
      }
    }
    if (!found && key.rfind("other", 0) == 0 && key.size() > 5) {
      int index = std::atoi(key.c_str() + 5);
      if (index >= 1 && index <= features.other_count) {
        rule.keys.push_back({KeyKind::kOther, index - 1});
        found = true;
      }
    }
    if (!found) {
      std::string known;
      for (const auto& k : kKeys) known += std::string(known.empty() ? "" : ", ") + k.name;
      return Status::InvalidArgument("blocking rule \"" + text + "\": unknown key \"" + key +
                                         "\" (known: " + known + ", other1..otherN)",
                                     "blocking");
    }
    start = end + 1;
  }
  return rule;
}

std::vector<std::string> DefaultRules(const Features& f) {
  // Each rule catches what the others miss: "names" the records whose name
  // keys agree (in any order); "initial" the "Surname A." forms and a typo
  // in one name after its first letter; the rules with dates and places
  // those with one name mistyped beyond that. The father's name counts as
  // one of the names ("Bakyt kyzy Aigerim" / "Aigerim Bakytovna").
  std::vector<std::string> rules = {"names", "name_prefix", "initial"};
  bool birth = HasField(f, FieldKind::kBirth);
  if (birth) {
    rules.push_back("name+birth_date");
    rules.push_back("name+birth_year");
  }
  if (HasField(f, FieldKind::kPlace)) rules.push_back("name+place");
  if (HasField(f, FieldKind::kDocument)) rules.push_back("document_id");
  if (birth && HasField(f, FieldKind::kPlace)) rules.push_back("birth_date+place");
  return rules;
}

Blocker::Blocker(const Features& features, std::vector<BlockingRule> rules,
                 const Settings& settings)
    : f_(features),
      rules_(std::move(rules)),
      within_(settings.within_lists && !settings.one_to_one),
      across_(settings.across_lists),
      max_block_(std::max(2, settings.max_block_size)),
      window_(std::max(1, settings.window)) {
  // Sorted neighbourhood order inside large blocks: records with the same
  // name (as a set of words) come together, by birth year.
  std::vector<uint64_t> signature(f_.size);
  for (uint32_t i = 0; i < f_.size; ++i) {
    uint32_t ids[kMaxTokens];
    int n = f_.token_count[i];
    for (int t = 0; t < n; ++t) ids[t] = f_.tokens[i][t].key;
    std::sort(ids, ids + n);
    uint64_t h = 0x5eed;
    for (int t = 0; t < n; ++t) h = Combine(h, ids[t]);
    signature[i] = (h & ~0xFFFFULL) | static_cast<uint16_t>(f_.year_lo[i]);
  }
  order_.resize(f_.size);
  std::iota(order_.begin(), order_.end(), 0);
  std::sort(order_.begin(), order_.end(), [&](uint32_t x, uint32_t y) {
    return signature[x] != signature[y] ? signature[x] < signature[y] : x < y;
  });  // order_[r]: the record at rank r

  // The rules' indexes are independent: built on several threads at once
  // (a few seconds each at a million records).
  entries_.resize(rules_.size());
  {
    const int threads =
        std::min<int>(f_.size < 5000 ? 1 : ThreadCount(settings), static_cast<int>(rules_.size()));
    std::atomic<size_t> next{0};
    auto work = [&] {
      for (size_t r; (r = next++) < rules_.size();) entries_[r] = Entries(rules_[r]);
    };
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t) pool.emplace_back(work);
    work();
    for (auto& th : pool) th.join();
  }
  for (size_t r = 0; r < rules_.size(); ++r) {
    RuleCount count;
    count.rule = rules_[r].text;
    const auto& e = entries_[r];
    for (size_t i = 0; i < e.size();) {
      size_t j = i;
      while (j < e.size() && e[j].key == e[i].key) ++j;
      int64_t size = static_cast<int64_t>(j - i);
      if (size > max_block_) ++count.large_blocks;
      count.comparisons += PairsOf(size, max_block_, window_);
      i = j;
    }
    planned_.push_back(count);
  }
}

void Blocker::ApplyBudget(int64_t budget) {
  if (planned_.empty()) return;
  int64_t total = planned_[0].comparisons;
  std::vector<size_t> by_cost;
  for (size_t r = 1; r < planned_.size(); ++r) by_cost.push_back(r);
  std::stable_sort(by_cost.begin(), by_cost.end(), [&](size_t x, size_t y) {
    return planned_[x].comparisons < planned_[y].comparisons;
  });
  for (size_t r : by_cost) {
    if (total + planned_[r].comparisons > budget) {
      planned_[r].skipped = true;
      std::vector<Entry>().swap(entries_[r]);
    } else {
      total += planned_[r].comparisons;
    }
  }
}

std::vector<Blocker::Entry> Blocker::Entries(const BlockingRule& rule) const {
  std::vector<Entry> entries;
  std::vector<uint64_t> keys, next, values;
  std::vector<std::pair<uint32_t, uint32_t>> words;  // (key, alt) of full words
  for (uint32_t rank = 0; rank < f_.size; ++rank) {
    const uint32_t i = order_[rank];
    keys.assign(1, 0x5eed);
    words.clear();
    bool words_done = false;
    for (const auto& [kind, other] : rule.keys) {
      values.clear();
      const auto& tok = f_.tokens[i];
      const int n = f_.token_count[i];
      if (words.empty() && !words_done) {
        for (int p = 0; p < n; ++p) {
          if (!tok[p].initial) words.push_back({tok[p].key, tok[p].alt});
        }
        words_done = true;
      }
      const uint64_t tag =
          static_cast<uint64_t>(kind) + 1;  // a lambda may not capture a binding in clang 14
      auto tagged = [&](uint64_t v) { values.push_back(Combine(tag, v)); };
      switch (kind) {
        case KeyKind::kNames:
          // Pairs of words: the name tokens and the father's name, which
          // is the family name in "Бакыт кызы Айгерим".
          for (size_t p = 0; p < words.size(); ++p) {
            for (size_t q = p + 1; q < words.size(); ++q) {
              uint32_t ps[2] = {words[p].first, words[p].second};
              uint32_t qs[2] = {words[q].first, words[q].second};
              for (uint32_t x : ps) {
                for (uint32_t y : qs) {
                  if (!x || !y) continue;
                  tagged((static_cast<uint64_t>(std::min(x, y)) << 32) | std::max(x, y));
                }
              }
            }
          }
          break;
        case KeyKind::kName:
          for (int p = 0; p < n; ++p) {
            if (tok[p].initial) continue;
            tagged(tok[p].key);
            if (tok[p].alt) tagged(tok[p].alt);
          }
          break;
        case KeyKind::kNamePrefix:
          // A word and the first three letters of another: one typo later
          // in the other word still meets.
          for (size_t p = 0; p < words.size(); ++p) {
            for (size_t q = 0; q < words.size(); ++q) {
              if (p == q) continue;
              const std::string& other = f_.strings.Get(words[q].first);
              uint64_t prefix = 0;
              for (size_t c = 0; c < 3 && c < other.size(); ++c) {
                prefix = (prefix << 8) | static_cast<unsigned char>(other[c]);
              }
              tagged((static_cast<uint64_t>(words[p].first) << 24) ^ prefix);
            }
          }
          break;
        case KeyKind::kInitial:
          // A word (name or father's name) and the first letter of another
          // name token, full or initial: "Abdykadyrova A.", "Бакыт кызы
          // А." and "Abdykadyrova Aizada" meet.
          for (size_t p = 0; p < words.size(); ++p) {
            for (int q = 0; q < n; ++q) {
              if (!tok[q].initial && tok[q].key == words[p].first) continue;
              for (uint32_t id : {tok[q].key, tok[q].alt}) {
                if (!id) continue;
                unsigned char c = f_.strings.Get(id)[0];
                tagged((static_cast<uint64_t>(words[p].first) << 8) | c);
                if (words[p].second) tagged((static_cast<uint64_t>(words[p].second) << 8) | c);
              }
            }
          }
          break;
        case KeyKind::kPatronymic:
          if (f_.patronymic[i]) tagged(f_.patronymic[i]);
          break;
        case KeyKind::kBirthDate:
          if (f_.birth_date[i])
            tagged(static_cast<uint64_t>(f_.birth_date[i]));
          else if (f_.birth_digits[i])
            tagged((1ULL << 40) | f_.birth_digits[i]);
          break;
        case KeyKind::kBirthYear:
          if (f_.year_lo[i] && f_.year_hi[i] - f_.year_lo[i] <= 2) {
            for (int y = f_.year_lo[i]; y <= f_.year_hi[i]; ++y) tagged(static_cast<uint64_t>(y));
          }
          break;
        case KeyKind::kSex:
          if (f_.sex[i]) tagged(f_.sex[i]);
          break;
        case KeyKind::kPlace:
          if (f_.place_node[i] >= 0)
            tagged(static_cast<uint64_t>(f_.place_node[i]));
          else if (f_.place[i])
            tagged((1ULL << 40) | f_.place[i]);
          break;
        case KeyKind::kDistrict:
          if (f_.place_node[i] >= 0) {
            tagged(static_cast<uint64_t>(f_.gazetteer.DistrictOf(f_.place_node[i])));
          } else if (f_.place[i]) {
            tagged((1ULL << 40) | f_.place[i]);
          }
          break;
        case KeyKind::kDocument:
          if (f_.document[i]) tagged(f_.document[i]);
          break;
        case KeyKind::kAddress:
          if (f_.address[i]) tagged(f_.address[i]);
          break;
        case KeyKind::kOther:
          if (uint32_t v = f_.other_value(i, other)) tagged(v);
          break;
      }
      next.clear();
      for (uint64_t k : keys) {
        for (uint64_t v : values) next.push_back(Combine(k, v));
      }
      keys.swap(next);
      if (keys.empty()) break;
    }
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    for (uint64_t k : keys) entries.push_back({k, i});
  }
  // By key; the sort is stable, so inside a key the records keep the
  // sorted-neighbourhood order they were visited in.
  std::vector<Entry> buffer(entries.size());
  std::vector<size_t> count(1 << 16);
  for (int shift = 0; shift < 64; shift += 16) {
    std::fill(count.begin(), count.end(), 0);
    for (const Entry& e : entries) ++count[(e.key >> shift) & 0xFFFF];
    size_t sum = 0;
    for (auto& c : count) {
      size_t t = c;
      c = sum;
      sum += t;
    }
    for (const Entry& e : entries) buffer[count[(e.key >> shift) & 0xFFFF]++] = e;
    entries.swap(buffer);
  }
  return entries;
}

bool Blocker::Wanted(uint32_t a, uint32_t b, const BlockingRule& rule) const {
  bool same_list = f_.source[a] == f_.source[b];
  if (same_list ? !within_ : !across_) return false;
  // "Surname + initial" blocks are for the records that have initials:
  // between two full names the letter says little and the blocks of common
  // surnames are large.
  if (rule.has_initial_key && !f_.has_initial[a] && !f_.has_initial[b]) return false;
  return true;
}

std::vector<uint64_t> Blocker::Generate(std::vector<RuleCount>& counts) const {
  counts.clear();
  std::vector<uint64_t> codes;
  const uint64_t n = f_.size;
  for (size_t r = 0; r < rules_.size(); ++r) {
    RuleCount count = planned_[r];
    count.comparisons = 0;
    if (count.skipped) {
      counts.push_back(count);
      continue;
    }
    const auto& e = entries_[r];
    auto add = [&](uint32_t a, uint32_t b) {
      if (a == b || !Wanted(a, b, rules_[r])) return;
      if (a > b) std::swap(a, b);
      codes.push_back(((a * n + b) << kRuleBits) | r);
      ++count.comparisons;
    };
    for (size_t i = 0; i < e.size();) {
      size_t j = i;
      while (j < e.size() && e[j].key == e[i].key) ++j;
      size_t size = j - i;
      if (static_cast<int>(size) <= max_block_) {
        for (size_t x = i; x < j; ++x) {
          for (size_t y = x + 1; y < j; ++y) add(e[x].record, e[y].record);
        }
      } else {
        for (size_t x = i; x < j; ++x) {
          size_t last = std::min(j, x + 1 + window_);
          for (size_t y = x + 1; y < last; ++y) add(e[x].record, e[y].record);
        }
      }
      i = j;
    }
    counts.push_back(count);
  }
  RadixSort(codes);
  // Keep the first code of each pair: the lowest rule that found it.
  size_t out = 0;
  for (size_t i = 0; i < codes.size(); ++i) {
    if (out > 0 && (codes[out - 1] >> kRuleBits) == (codes[i] >> kRuleBits)) continue;
    codes[out++] = codes[i];
  }
  codes.resize(out);
  for (uint64_t c : codes) ++counts[c & ((1u << kRuleBits) - 1)].new_pairs;
  return codes;
}

void RadixSort(std::vector<uint64_t>& values) {
  if (values.size() < 2) return;
  uint64_t all_or = 0;
  for (uint64_t v : values) all_or |= v;
  std::vector<uint64_t> buffer(values.size());
  std::vector<size_t> count(1 << 16);
  for (int shift = 0; shift < 64; shift += 16) {
    if ((all_or >> shift) == 0) break;
    std::fill(count.begin(), count.end(), 0);
    for (uint64_t v : values) ++count[(v >> shift) & 0xFFFF];
    size_t sum = 0;
    for (auto& c : count) {
      size_t t = c;
      c = sum;
      sum += t;
    }
    for (uint64_t v : values) buffer[count[(v >> shift) & 0xFFFF]++] = v;
    values.swap(buffer);
  }
}

}  // namespace kuzot::linkage
