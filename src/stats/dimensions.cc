// The dimensions counts are broken down by, and the filters on acts.
#include <algorithm>
#include <array>
#include <cstdio>
#include <functional>
#include <optional>

#include "stats/context.h"

namespace kuzot::stats {
namespace {

constexpr char kKeyNoVictim[] = "(no victim)";

// Days since 1970-01-01 of a Gregorian date (Hinnant's days_from_civil).
long long DaysFromCivil(int y, int m, int d) {
  y -= m <= 2;
  const long long era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long long>(doe) - 719468;
}

int YearOfDays(long long z) {
  z += 719468;
  const long long era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return static_cast<int>(yoe + era * 400) + (m <= 2);
}

// "2021-W17": the ISO 8601 week of a day.
std::string IsoWeek(int y, int m, int d) {
  const long long days = DaysFromCivil(y, m, d);
  const long long weekday = ((days + 3) % 7 + 7) % 7;  // Monday 0; 1970-01-01 was a Thursday
  const long long thursday = days - weekday + 3;
  const int year = YearOfDays(thursday);
  const long long week = (thursday - DaysFromCivil(year, 1, 1)) / 7 + 1;
  char out[32];
  std::snprintf(out, sizeof out, "%04d-W%02lld", year, week);
  return out;
}

// Parsed dates, memoised by dictionary index.
class DateCache {
 public:
  explicit DateCache(const Dictionary& dates) : dates_(dates) {}
  const std::optional<FuzzyDate>& Get(std::uint32_t index) {
    if (index >= parsed_.size()) parsed_.resize(dates_.size());
    auto& slot = parsed_[index];
    if (!slot.first) {
      slot.first = true;
      auto d = FuzzyDate::Parse(dates_.Text(index));
      if (d.ok()) slot.second = *d;
    }
    return slot.second;
  }

 private:
  const Dictionary& dates_;
  std::vector<std::pair<bool, std::optional<FuzzyDate>>> parsed_;
};

std::string Padded(int n) {
  char out[16];
  std::snprintf(out, sizeof out, "%06d", n);
  return out;
}

// ----------------------------------------------------------- dimensions

class ActTypeDimension : public Dimension {
 public:
  using Dimension::Dimension;
  std::uint32_t KeyOf(std::uint32_t slot) override {
    const Act& a = context_.facts->acts[slot];
    if (a.type == kNone) return Special(kKeyNone);
    if (a.type >= memo_.size()) memo_.resize(context_.facts->codes.size(), kNone);
    if (memo_[a.type] == kNone) {
      const std::string& code = context_.facts->codes.Text(a.type);
      auto pos = context_.positions.find("act_type");
      int p = 999999;
      if (pos != context_.positions.end() && pos->second.count(code)) p = pos->second.at(code);
      memo_[a.type] = Key(code, context_.Label("act_type", code), Padded(p) + code);
    }
    return memo_[a.type];
  }

 private:
  std::vector<std::uint32_t> memo_;
};

// Event, place (own or rolled up) and perpetrator: keyed by a node.
class NodeDimension : public Dimension {
 public:
  enum class Kind { kEvent, kPlace, kPerpetrator };
  NodeDimension(std::string spec, const StatsService::Context& c, Kind kind, std::string level)
      : Dimension(std::move(spec), c), kind_(kind), level_(std::move(level)) {}

  std::uint32_t KeyOf(std::uint32_t slot) override {
    const Act& a = context_.facts->acts[slot];
    const std::uint32_t ref = kind_ == Kind::kEvent   ? a.event
                              : kind_ == Kind::kPlace ? a.place
                                                      : a.perpetrator;
    if (ref == kNone) return Special(kKeyNone);
    const int node = context_.NodeOfRef(ref);
    if (node < 0) return Special(kKeyNone);  // refers to nothing known
    if (memo_.empty()) memo_.assign(context_.nodes.size(), kNone);
    if (memo_[node] == kNone) memo_[node] = Resolve(node);
    return memo_[node];
  }

 private:
  std::uint32_t Resolve(int node) {
    if (!context_.SeesNode(node)) return Special(kKeyHidden);
    if (kind_ == Kind::kPlace && !level_.empty()) {
      // Up the gazetteer to the asked level, never through a place the
      // caller may not see (its parent would be revealed).
      for (int n = node, guard = 0; n >= 0 && guard < 64; n = context_.nodes[n].parent, ++guard) {
        if (!context_.SeesNode(n)) return Special(kKeyHidden);
        if (context_.nodes[n].place_level == level_) return KeyFor(n);
      }
      return Special(kKeyImprecise);
    }
    return KeyFor(node);
  }

  std::uint32_t KeyFor(int n) {
    const Node& node = context_.nodes[n];
    std::string sort = kind_ == Kind::kEvent ? node.start + "\x1f" + node.label : node.label;
    return Key(node.id, node.label, sort);
  }

  Kind kind_;
  std::string level_;
  std::vector<std::uint32_t> memo_;  // by node
};

class PeriodDimension : public Dimension {
 public:
  PeriodDimension(std::string spec, const StatsService::Context& c, std::string unit)
      : Dimension(std::move(spec), c), unit_(std::move(unit)), dates_(c.facts->dates) {}

  std::uint32_t KeyOf(std::uint32_t slot) override {
    const Act& a = context_.facts->acts[slot];
    if (a.date == kNone) return Special(kKeyNone);
    if (a.date >= memo_.size()) memo_.resize(context_.facts->dates.size(), kNone);
    if (memo_[a.date] != kNone) return memo_[a.date];
    const auto& d = dates_.Get(a.date);
    std::uint32_t key;
    if (!d) {
      key = Special(kKeyImprecise);
    } else if (unit_ == "year") {
      key = Period(std::to_string(d->year));
    } else if (unit_ == "month") {
      key = d->precision == DatePrecision::kYear ? Special(kKeyImprecise)
                                                 : Period(d->ToString().substr(0, 7));
    } else if (d->precision != DatePrecision::kDay) {
      key = Special(kKeyImprecise);
    } else if (unit_ == "week") {
      key = Period(IsoWeek(d->year, d->month, d->day));
    } else {
      key = Period(d->ToString());
    }
    memo_[a.date] = key;
    return key;
  }

 private:
  std::uint32_t Period(const std::string& p) { return Key(p, p, p); }
  std::string unit_;
  DateCache dates_;
  std::vector<std::uint32_t> memo_;
};

// Days of a "YYYY-MM-DD" as a number that orders like the date (yyyymmdd).
int Packed(const std::string& ymd) {
  return std::stoi(ymd.substr(0, 4)) * 10000 + std::stoi(ymd.substr(5, 2)) * 100 +
         std::stoi(ymd.substr(8, 2));
}

// Dimensions of the victim: sex, age group, child.
class VictimDimension : public Dimension {
 public:
  enum class Kind { kSex, kAgeGroup, kChild };
  VictimDimension(std::string spec, const StatsService::Context& c, Kind kind)
      : Dimension(std::move(spec), c), kind_(kind), dates_(c.facts->dates) {}

  std::uint32_t KeyOf(std::uint32_t slot) override {
    const Act& a = context_.facts->acts[slot];
    if (a.victim == kNone) return Special(kKeyNoVictim);
    // Most keys depend on the person only: computed once per person in one
    // pass, so that each act reads two bytes instead of a whole person.
    if (by_person_.empty()) ByPerson();
    const std::uint16_t known = by_person_[a.victim];
    if (known != kPerAct) return known;
    return Compute(a, context_.facts->persons[a.victim]);
  }

 private:
  static constexpr std::uint16_t kPerAct = 0xFFFF;

  void ByPerson() {
    const auto& persons = context_.facts->persons;
    by_person_.assign(persons.size(), kPerAct);
    Act none;
    for (std::uint32_t i = 0; i < persons.size(); ++i) {
      const Person& p = persons[i];
      if (kind_ != Kind::kSex && p.revision >= 0 && p.age < 0 && context_.SeesPerson(i))
        continue;  // the age comes from the birth date and each act's date
      const std::uint32_t key = Compute(none, p, i);
      if (key < kPerAct) by_person_[i] = static_cast<std::uint16_t>(key);
    }
  }

  std::uint32_t Compute(const Act& a, const Person& p) { return Compute(a, p, a.victim); }

  std::uint32_t Compute(const Act& a, const Person& p, std::uint32_t person) {
    if (p.revision < 0) return Special(kKeyNone);
    if (!context_.SeesPerson(person)) return Special(kKeyHidden);
    if (kind_ == Kind::kSex) {
      if (p.sex == kNone) return Special(kKeyNone);
      if (p.sex >= sex_memo_.size()) sex_memo_.resize(context_.facts->codes.size(), kNone);
      if (sex_memo_[p.sex] == kNone) {
        const std::string& code = context_.facts->codes.Text(p.sex);
        auto pos = context_.positions.find("sex");
        int order = 999999;
        if (pos != context_.positions.end() && pos->second.count(code))
          order = pos->second.at(code);
        sex_memo_[p.sex] = Key(code, context_.Label("sex", code), Padded(order) + code);
      }
      return sex_memo_[p.sex];
    }
    int lo = -1, hi = -1;
    Age(a, p, &lo, &hi);
    if (lo < 0) return Special(kKeyNone);
    if (kind_ == Kind::kChild) {
      if (hi < 18) return Memo(0, "child", "Children (under 18)", "0");
      if (lo >= 18) return Memo(1, "adult", "Adults (18 and over)", "1");
      return Special(kKeyImprecise);
    }
    static const int kFrom[] = {0, 5, 12, 18, 30, 45, 60};
    static const char* kNames[] = {"0-4", "5-11", "12-17", "18-29", "30-44", "45-59", "60+"};
    auto band = [&](int age) {
      int b = 0;
      for (int i = 0; i < 7; ++i)
        if (age >= kFrom[i]) b = i;
      return b;
    };
    const int b = band(lo);
    if (band(hi) != b) return Special(kKeyImprecise);
    return Memo(b, kNames[b], kNames[b], std::to_string(b));
  }

  std::uint32_t Memo(int i, const char* key, const char* label, const std::string& sort) {
    if (band_memo_[i] == kNone) band_memo_[i] = Key(key, label, sort);
    return band_memo_[i];
  }

  // The earliest and latest day a date may denote, packed; 0 when invalid.
  std::pair<int, int> Span(std::uint32_t date) {
    if (date >= spans_.size()) spans_.resize(context_.facts->dates.size(), {-1, -1});
    auto& s = spans_[date];
    if (s.first < 0) {
      const auto& d = dates_.Get(date);
      s = d ? std::pair{Packed(d->Earliest()), Packed(d->Latest())} : std::pair{0, 0};
    }
    return s;
  }

  // The youngest and oldest the victim can have been at the act.
  void Age(const Act& a, const Person& p, int* lo, int* hi) {
    if (p.age >= 0) {
      *lo = *hi = p.age;
      return;
    }
    if (p.birth == kNone || a.date == kNone) return;
    const auto birth = Span(p.birth);
    const auto when = Span(a.date);
    if (birth.first == 0 || when.first == 0) return;
    // Whole years from one packed day to another.
    auto years = [](int from, int to) {
      return to / 10000 - from / 10000 - (to % 10000 < from % 10000 ? 1 : 0);
    };
    *lo = years(birth.second, when.first);
    *hi = years(birth.first, when.second);
    if (*hi < 0) *lo = *hi = -1;  // born after the act: inconsistent data
    if (*lo < 0 && *hi >= 0) *lo = 0;
  }

  Kind kind_;
  DateCache dates_;
  std::vector<std::uint32_t> sex_memo_;
  std::uint32_t band_memo_[7] = {kNone, kNone, kNone, kNone, kNone, kNone, kNone};
  std::vector<std::pair<int, int>> spans_;
  std::vector<std::uint16_t> by_person_;  // key, or kPerAct
};

}  // namespace

// --------------------------------------------------------------- Context

bool StatsService::Context::SeesAct(std::uint32_t slot) const {
  const Act& a = facts->acts[slot];
  if (!caller->MaySee(a.level)) return false;
  if (current != facts) {
    // Reclassified since: protection wins over reproducing the old figure.
    if (slot < current->acts.size() && !caller->MaySee(current->acts[slot].level)) return false;
  }
  return true;
}

bool StatsService::Context::SeesPerson(std::uint32_t slot) const {
  const Person& p = facts->persons[slot];
  if (p.revision < 0 || !caller->MaySee(p.level)) return false;
  if (current != facts && slot < current->persons.size() &&
      !caller->MaySee(current->persons[slot].level))
    return false;
  return true;
}

std::string StatsService::Context::Label(const std::string& vocabulary,
                                         const std::string& code) const {
  auto v = labels.find(vocabulary);
  if (v != labels.end()) {
    auto c = v->second.find(code);
    if (c != v->second.end()) return c->second;
  }
  return code;
}

Result<std::vector<bool>> StatsService::Context::Inside(const std::string& id,
                                                        const std::string& type) const {
  auto it = node_of.find(id);
  if (it == node_of.end() || nodes[it->second].type != type || !SeesNode(it->second))
    return Status::NotFound("there is no " + type + " with id '" + id.substr(0, 64) + "'");
  std::vector<bool> inside(nodes.size(), false);
  for (size_t n = 0; n < nodes.size(); ++n) {
    for (int m = static_cast<int>(n), guard = 0; m >= 0 && guard < 64;
         m = nodes[m].parent, ++guard) {
      if (!SeesNode(m)) break;
      if (m == it->second) {
        inside[n] = true;
        break;
      }
    }
  }
  return inside;
}

// ------------------------------------------------------------- Dimension

std::uint32_t Dimension::Key(const std::string& key, const std::string& label,
                             const std::string& sort) {
  auto it = index_.find(key);
  if (it != index_.end()) return it->second;
  const auto i = static_cast<std::uint32_t>(keys_.size());
  keys_.push_back({{key, label}, sort});
  index_.emplace(key, i);
  return i;
}

std::uint32_t Dimension::Special(const char* key) {
  struct Kind {
    const char* key;
    const char* sort;
    const char* label;
  };
  static const Kind kKinds[] = {{kKeyNone,
                                 "\x7f"
                                 "1",
                                 "(not recorded)"},
                                {kKeyNoVictim,
                                 "\x7f"
                                 "2",
                                 "(no person as victim)"},
                                {kKeyImprecise,
                                 "\x7f"
                                 "3",
                                 "(not known this precisely)"},
                                {kKeyHidden,
                                 "\x7f"
                                 "4",
                                 "(not visible to you)"}};
  for (int i = 0; i < 4; ++i) {
    // The constants are compared by address: callers pass them, not copies.
    if (key != kKinds[i].key) continue;
    if (special_[i] == kNone) special_[i] = Key(kKinds[i].key, kKinds[i].label, kKinds[i].sort);
    return special_[i];
  }
  return Key(key, key,
             "\x7f"
             "9");
}

std::vector<CountKey> Dimension::SortedKeys(std::vector<std::uint32_t>* order) const {
  order->resize(keys_.size());
  for (std::uint32_t i = 0; i < keys_.size(); ++i) (*order)[i] = i;
  std::stable_sort(order->begin(), order->end(),
                   [&](std::uint32_t a, std::uint32_t b) { return keys_[a].sort < keys_[b].sort; });
  std::vector<CountKey> out;
  for (std::uint32_t i : *order) out.push_back(keys_[i].key);
  return out;
}

const std::vector<std::string>& Dimensions() {
  static const std::vector<std::string> dims = {
      "act_type",       "event",        "place",        "place:country", "place:oblast",
      "place:district", "place:city",   "place:jamoat", "place:village", "period:day",
      "period:week",    "period:month", "period:year",  "sex",           "age_group",
      "child",          "perpetrator"};
  return dims;
}

Result<std::unique_ptr<Dimension>> Dimension::Make(const std::string& spec,
                                                   const StatsService::Context& c,
                                                   const std::string& field) {
  using Node = NodeDimension::Kind;
  using Victim = VictimDimension::Kind;
  if (spec == "act_type") return std::unique_ptr<Dimension>(new ActTypeDimension(spec, c));
  if (spec == "event")
    return std::unique_ptr<Dimension>(new NodeDimension(spec, c, Node::kEvent, ""));
  if (spec == "perpetrator")
    return std::unique_ptr<Dimension>(new NodeDimension(spec, c, Node::kPerpetrator, ""));
  if (spec == "place")
    return std::unique_ptr<Dimension>(new NodeDimension(spec, c, Node::kPlace, ""));
  if (spec.rfind("place:", 0) == 0 && spec.size() > 6) {
    std::string level = spec.substr(6);
    if (!c.labels.count("place_level") || !c.labels.at("place_level").count(level))
      return Status::InvalidArgument(
          "unknown place level '" + level.substr(0, 40) +
              "' (country, oblast, district, city, jamoat, village, ...)",
          field);
    return std::unique_ptr<Dimension>(new NodeDimension(spec, c, Node::kPlace, level));
  }
  if (spec == "period:day" || spec == "period:week" || spec == "period:month" ||
      spec == "period:year")
    return std::unique_ptr<Dimension>(new PeriodDimension(spec, c, spec.substr(7)));
  if (spec == "sex") return std::unique_ptr<Dimension>(new VictimDimension(spec, c, Victim::kSex));
  if (spec == "age_group")
    return std::unique_ptr<Dimension>(new VictimDimension(spec, c, Victim::kAgeGroup));
  if (spec == "child")
    return std::unique_ptr<Dimension>(new VictimDimension(spec, c, Victim::kChild));
  std::string known;
  for (const auto& d : Dimensions()) known += (known.empty() ? "" : ", ") + d;
  return Status::InvalidArgument("unknown dimension '" + spec.substr(0, 40) + "'; one of " + known,
                                 field);
}

// ---------------------------------------------------------------- filters

Result<ActFilter> ActFilter::Make(const StatsService::Context& c, const ActSelection& selection) {
  const std::string& event_id = selection.event_id;
  const std::string& place_id = selection.place_id;
  const std::vector<std::string>& act_types = selection.act_types;
  const std::string& date_from = selection.date_from;
  const std::string& date_to = selection.date_to;
  ActFilter f;
  if (!event_id.empty()) {
    auto inside = c.Inside(event_id, "event");
    if (!inside.ok()) return Status::InvalidArgument(inside.status().message(), "event_id");
    f.events = std::move(inside).value();
  }
  if (!place_id.empty()) {
    auto inside = c.Inside(place_id, "place");
    if (!inside.ok()) return Status::InvalidArgument(inside.status().message(), "place_id");
    f.places = std::move(inside).value();
  }
  f.act_types = act_types;
  for (const auto& t : act_types) {
    if (!c.labels.count("act_type") || !c.labels.at("act_type").count(t))
      return Status::InvalidArgument("unknown act type '" + t.substr(0, 40) + "'", "act_type");
  }
  for (auto [value, name] : {std::pair{&date_from, "date_from"}, std::pair{&date_to, "date_to"}}) {
    if (value->empty()) continue;
    auto d = FuzzyDate::Parse(*value);
    if (!d.ok()) return Status::InvalidArgument(d.status().message(), name);
  }
  if (!date_from.empty()) f.date_from = FuzzyDate::Parse(date_from)->Earliest();
  if (!date_to.empty()) f.date_to = FuzzyDate::Parse(date_to)->Latest();
  return f;
}

bool ActFilter::Passes(const StatsService::Context& c, const Act& a) {
  if (!events.empty()) {
    const int n = c.NodeOfRef(a.event);
    if (n < 0 || !events[n]) return false;
  }
  if (!places.empty()) {
    const int n = c.NodeOfRef(a.place);
    if (n < 0 || !places[n]) return false;
  }
  if (!act_types.empty()) {
    if (a.type == kNone) return false;
    const std::string& code = c.facts->codes.Text(a.type);
    if (std::find(act_types.begin(), act_types.end(), code) == act_types.end()) return false;
  }
  if (!date_from.empty() || !date_to.empty()) {
    if (a.date == kNone) return false;
    auto it = date_ok.find(a.date);
    if (it == date_ok.end()) {
      auto d = FuzzyDate::Parse(c.facts->dates.Text(a.date));
      bool ok = d.ok() && (date_from.empty() || d->Earliest() >= date_from) &&
                (date_to.empty() || d->Latest() <= date_to);
      it = date_ok.emplace(a.date, ok).first;
    }
    if (!it->second) return false;
  }
  return true;
}

Result<std::string> NormaliseAsOf(const std::string& as_of) {
  if (as_of.empty()) return std::string();
  if (as_of.size() == 10) {
    auto d = FuzzyDate::Parse(as_of);
    if (!d.ok() || d->precision != DatePrecision::kDay)
      return Status::InvalidArgument(
          "give a date as YYYY-MM-DD or a time as "
          "YYYY-MM-DDTHH:MM:SS(.mmm)Z",
          "as_of");
    return as_of + "T23:59:59.999Z";
  }
  // YYYY-MM-DDTHH:MM:SS[.mmm]Z, compared as text with the stored times.
  const bool shaped = as_of.size() >= 20 && as_of.size() <= 24 && as_of[10] == 'T' &&
                      as_of.back() == 'Z' && FuzzyDate::Parse(as_of.substr(0, 10)).ok();
  if (!shaped)
    return Status::InvalidArgument(
        "give a date as YYYY-MM-DD or a time as "
        "YYYY-MM-DDTHH:MM:SS(.mmm)Z",
        "as_of");
  std::string t = as_of.substr(0, as_of.size() - 1);
  if (t.size() == 19) t += ".999";  // the whole second
  return t + "Z";
}

}  // namespace kuzot::stats
