#include "linkage/features.h"

#include <algorithm>
#include <boost/unordered/unordered_flat_map.hpp>
#include <boost/unordered/unordered_flat_set.hpp>
#include <cmath>
#include <thread>
#include <unordered_set>

#include "linkage/dates.h"
#include "linkage/spelling.h"

namespace kuzot::linkage {

uint32_t Interner::Intern(std::string_view s) {
  auto it = ids_.find(s);
  if (it != ids_.end()) return it->second;
  uint32_t id = static_cast<uint32_t>(strings_.size());
  strings_.emplace_back(s);
  ids_.emplace(strings_.back(), id);
  return id;
}

const std::vector<std::string>& FieldSpec::levels() const {
  // One field for all name tokens, because the agreement of one token and of
  // the others are not independent (see compare.cc).
  static const std::vector<std::string> kName = {"exact",   "close", "initial",  "single",
                                                 "partial", "weak",  "conflict", "far"};
  static const std::vector<std::string> kBirth = {"exact", "close", "year", "near", "far"};
  static const std::vector<std::string> kSex = {"same", "different"};
  static const std::vector<std::string> kPlace = {"same",          "within",      "close",
                                                  "same_district", "same_oblast", "far"};
  static const std::vector<std::string> kAddress = {"exact", "close", "medium", "far"};
  static const std::vector<std::string> kExact = {"exact", "close", "far"};
  switch (kind) {
    case FieldKind::kName:
      return kName;
    case FieldKind::kBirth:
      return kBirth;
    case FieldKind::kSex:
      return kSex;
    case FieldKind::kPlace:
      return kPlace;
    case FieldKind::kAddress:
      return kAddress;
    case FieldKind::kDocument:
    case FieldKind::kOther:
      return kExact;
  }
  return kExact;
}

namespace {

// Lower-case Latin words of `text`, each reduced to its spelling key,
// joined by single spaces: how addresses are compared.
std::string WordKeys(std::string_view text) {
  std::string latin = ToLatin(text);
  std::string out, cur;
  auto flush = [&]() {
    if (cur.empty()) return;
    std::string key = KeysOf(cur).main;
    // Numbers have no spelling key: keep their digits.
    bool digits = std::all_of(cur.begin(), cur.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (digits) key = cur;
    if (!key.empty()) {
      if (!out.empty()) out += ' ';
      out += key;
    }
    cur.clear();
  };
  for (char c : latin) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
      cur += c;
    else if (c >= 'A' && c <= 'Z')
      cur += static_cast<char>(c - 'A' + 'a');
    else
      flush();
  }
  flush();
  return out;
}

// Letters and digits only, upper case: "AN 12-34 567" = "an1234567".
std::string DocumentKey(std::string_view text) {
  std::string latin = ToLatin(text);
  std::string out;
  for (char c : latin) {
    if (c >= 'a' && c <= 'z')
      out += static_cast<char>(c - 'a' + 'A');
    else if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
      out += c;
  }
  return out;
}

// Trimmed, lower case, single spaces.
std::string Plain(std::string_view text) {
  std::string latin = ToLatin(text);
  std::string out;
  for (char c : latin) {
    bool space = c == ' ' || c == '\t' || c == '\r' || c == '\n';
    if (space) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// Warnings of one kind shown before "... and N more".
constexpr int kWarningsShown = 20;

// ", column \"ФИО\"" for messages, from the columns the record's roles
// came from (empty when the record says nothing about its columns).
std::string ColumnsOf(const Record& r, std::initializer_list<Role> roles) {
  std::string names;
  for (Role role : roles) {
    const std::string& c = r.columns[static_cast<size_t>(role)];
    if (c.empty()) continue;
    names += (names.empty() ? "" : ", ") + ("\"" + c + "\"");
  }
  if (names.empty()) return {};
  return names.find(',') == std::string::npos ? ", column " + names : ", columns " + names;
}

std::string Trim(std::string_view s) {
  size_t a = s.find_first_not_of(" \t\r\n");
  if (a == std::string_view::npos) return {};
  size_t b = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(a, b - a + 1));
}

// What one record becomes before interning (built in parallel).
struct Parsed {
  const ParsedName* name = nullptr;  // shared by the records with the same name
  Birth birth;
  bool birth_ok = true;
  const char* birth_column = nullptr;
  Sex sex = Sex::kUnknown;
  bool sex_given = false;
  std::string place_key;
  int place_node = -1;
  std::string address, document;
  std::vector<std::string> other;
};

// Records (by index) with the same name columns have the same parsed name;
// hashed and compared in place, without building a key per record.
struct SameNameHash {
  const std::vector<Record>* records;
  size_t operator()(uint32_t i) const {
    const Record& r = (*records)[i];
    size_t h = 0;
    for (const std::string* s : {&r.full_name, &r.first_name, &r.last_name, &r.patronymic}) {
      h = h * 1000003u ^ std::hash<std::string_view>{}(*s);
    }
    return h;
  }
};
struct SameNameEq {
  const std::vector<Record>* records;
  bool operator()(uint32_t a, uint32_t b) const {
    const Record& x = (*records)[a];
    const Record& y = (*records)[b];
    return x.full_name == y.full_name && x.first_name == y.first_name &&
           x.last_name == y.last_name && x.patronymic == y.patronymic;
  }
};

// Runs fn(t, i) for i in [0, n) on `threads` threads (interleaved), t
// being the thread's number.
template <typename Fn>
void ParallelFor(uint32_t n, int threads, const Fn& fn) {
  if (threads <= 1) {
    for (uint32_t i = 0; i < n; ++i) fn(0, i);
    return;
  }
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      for (uint32_t i = t; i < n; i += threads) fn(t, i);
    });
  }
  for (auto& th : pool) th.join();
}

// Place name -> (gazetteer node, key), of one thread.
using PlaceCache = std::unordered_map<std::string, std::pair<int, std::string>>;

Parsed ParseOne(const Record& r, const ParsedName* name, int settings_event_year,
                const Gazetteer& gazetteer, PlaceCache& places) {
  Parsed p;
  p.name = name;
  if (!Trim(r.birth_date).empty()) {
    p.birth = ParseBirthDate(r.birth_date, p.birth_ok);
    p.birth_column = "birth_date";
  } else if (!Trim(r.birth_year).empty()) {
    p.birth = BirthFromYear(r.birth_year, p.birth_ok);
    p.birth_column = "birth_year";
  } else if (!Trim(r.age).empty()) {
    int event_year = r.event_date.empty() ? settings_event_year : YearOf(r.event_date);
    p.birth = BirthFromAge(r.age, event_year, p.birth_ok);
    p.birth_column = "age";
  }
  Sex given = ParseSex(r.sex);
  p.sex_given = given != Sex::kUnknown;
  p.sex = p.sex_given ? given : p.name->sex;
  if (!Trim(r.place).empty()) {
    // Few places, many records: each thread resolves a place name once.
    auto it = places.find(r.place);
    if (it == places.end()) {
      it = places
               .emplace(r.place,
                        std::make_pair(gazetteer.Resolve(r.place), Gazetteer::NameKey(r.place)))
               .first;
    }
    p.place_node = it->second.first;
    p.place_key = it->second.second;
  }
  p.address = WordKeys(r.address);
  p.document = DocumentKey(r.document_id);
  p.other.reserve(r.other.size());
  for (const auto& o : r.other) p.other.push_back(Plain(o));
  return p;
}

// log2(sum of squared frequencies / frequency of the value): the term-
// frequency adjustment of an exact agreement on the value (doc/linkage.md).
// `for_each(visit)` calls visit(value, count) for every value that occurs;
// `set(value, weight)` receives its adjustment.
template <typename ForEach, typename Set>
void Adjustments(const ForEach& for_each, uint64_t total, const Set& set) {
  if (total == 0) return;
  double sum_sq = 0;
  for_each([&](auto, uint32_t c) {
    double f = static_cast<double>(c) / total;
    sum_sq += f * f;
  });
  for_each([&](auto k, uint32_t c) {
    double f = static_cast<double>(c) / total;
    set(k, static_cast<float>(std::log2(sum_sq / f)));
  });
}

// The same for counts indexed by string id (0 where the id does not occur).
void DenseAdjustments(const std::vector<uint32_t>& counts, uint64_t total,
                      std::vector<float>& out) {
  Adjustments(
      [&](const auto& visit) {
        for (size_t k = 0; k < counts.size(); ++k) {
          if (counts[k]) visit(k, counts[k]);
        }
      },
      total, [&](size_t k, float w) { out[k] = w; });
}

}  // namespace

int ThreadCount(const Settings& settings) {
  return settings.threads > 0 ? settings.threads
                              : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

Result<Features> Prepare(const std::vector<Record>& records, const Settings& settings,
                         Gazetteer gazetteer, std::vector<std::string>& warnings) {
  const uint32_t n = static_cast<uint32_t>(records.size());
  int event_year = settings.event_date.empty() ? 0 : YearOf(settings.event_date);
  if (!settings.event_date.empty() && event_year == 0) {
    return Status::InvalidArgument("the event date \"" + settings.event_date + "\" is not a date",
                                   "event_date");
  }
  {
    boost::unordered_flat_set<std::string_view> ids;
    ids.reserve(records.size());
    for (const auto& r : records) {
      if (r.id.empty()) return Status::InvalidArgument(r.origin + ": the id is empty", "id");
      if (!ids.insert(r.id).second) {
        return Status::InvalidArgument(r.origin + ": the id \"" + r.id + "\" is used twice", "id");
      }
    }
  }

  // Parse in parallel; ICU and the spelling keys are the costly part.
  // Names repeat heavily (namesakes, the same person in several lists):
  // each distinct name is taken apart once, by one of the threads, and
  // shared by its records.
  const int threads = n < 5000 ? 1 : ThreadCount(settings);
  std::vector<uint32_t> name_of(n);
  std::vector<uint32_t> first_with_name;  // a record of each distinct name
  {
    boost::unordered_flat_map<uint32_t, uint32_t, SameNameHash, SameNameEq> index(
        n, SameNameHash{&records}, SameNameEq{&records});
    for (uint32_t i = 0; i < n; ++i) {
      auto [it, fresh] = index.try_emplace(i, static_cast<uint32_t>(first_with_name.size()));
      if (fresh) first_with_name.push_back(i);
      name_of[i] = it->second;
    }
  }
  std::vector<ParsedName> names(first_with_name.size());
  ParallelFor(static_cast<uint32_t>(names.size()), threads, [&](int, uint32_t k) {
    const Record& r = records[first_with_name[k]];
    names[k] = ParseName(r.full_name, r.first_name, r.last_name, r.patronymic);
  });
  std::vector<Parsed> parsed(n);
  std::vector<PlaceCache> places(threads);
  ParallelFor(n, threads, [&](int t, uint32_t i) {
    parsed[i] = ParseOne(records[i], &names[name_of[i]], event_year, gazetteer, places[t]);
  });

  Features f;
  f.size = n;
  f.source.resize(n);
  f.tokens.resize(n);
  f.token_count.resize(n);
  f.has_initial.resize(n);
  f.full_name.resize(n);
  f.patronymic.resize(n);
  f.birth_date.resize(n);
  f.birth_digits.resize(n);
  f.year_lo.resize(n);
  f.year_hi.resize(n);
  f.sex.resize(n);
  f.place_node.resize(n, -1);
  f.place.resize(n);
  f.place_text.resize(n);
  f.address.resize(n);
  f.address_text.resize(n);
  f.document.resize(n);
  for (const auto& r : records) f.other_count = std::max<int>(f.other_count, r.other.size());
  f.other.resize(static_cast<size_t>(n) * f.other_count);

  bool any_birth = false, any_sex = false, any_place = false, any_address = false,
       any_document = false;
  std::vector<bool> any_other(f.other_count);
  int bad_dates = 0, nameless = 0;
  for (uint32_t i = 0; i < n; ++i) {
    const Record& r = records[i];
    Parsed& p = parsed[i];
    f.source[i] = r.source;
    if (p.name->full_tokens() == 0 && p.name->patronymic_key.empty()) {
      // An unnamed victim ("unidentified man, about 40") is still compared
      // on everything else; the list's author should know, though.
      bool blank =
          Trim(r.full_name).empty() && Trim(r.first_name).empty() && Trim(r.last_name).empty();
      if (++nameless <= kWarningsShown) {
        std::string where = r.origin + ColumnsOf(r, {Role::kFullName, Role::kLastName,
                                                     Role::kFirstName, Role::kPatronymic});
        warnings.push_back(where +
                           (blank ? ": the name is empty"
                                  : ": the name has no full word to compare (\"" +
                                        Trim(r.full_name + " " + r.last_name + " " + r.first_name) +
                                        "\")") +
                           "; compared on the other fields only");
      }
    }
    if (!p.birth_ok) {
      if (p.birth_column == std::string_view("age") && event_year == 0 && r.event_date.empty()) {
        return Status::InvalidArgument(
            r.origin + ": an age is given but no event date to count it from (set the event date)",
            "age");
      }
      if (++bad_dates <= kWarningsShown) {
        const std::string_view column(p.birth_column);
        Role role = column == "birth_date"   ? Role::kBirthDate
                    : column == "birth_year" ? Role::kBirthYear
                                             : Role::kAge;
        const std::string& value = role == Role::kBirthDate   ? r.birth_date
                                   : role == Role::kBirthYear ? r.birth_year
                                                              : r.age;
        warnings.push_back(r.origin + ColumnsOf(r, {role}) + ": " + p.birth_column + " \"" +
                           Trim(value) +
                           (role == Role::kAge ? "\" is not an age; ignored"
                            : p.birth.known()  ? "\" is not a date; compared as written"
                                               : "\" is not a date; ignored"));
      }
    }
    uint8_t count = 0;
    for (const auto& t : p.name->tokens) {
      Token tok;
      tok.key = f.strings.Intern(t.key);
      tok.alt = t.alt.empty() ? 0 : f.strings.Intern(t.alt);
      // "Д." may be the initial of "Джамиля" = "Jamila".
      if (t.initial && t.key == "d") tok.alt = f.strings.Intern("J");
      tok.initial = t.initial;
      tok.father = t.father;
      tok.text = f.strings.Intern(t.latin);
      f.has_initial[i] |= t.initial;
      f.tokens[i][count++] = tok;
    }
    f.token_count[i] = count;
    if (p.name->full_tokens() >= 2) {
      std::vector<std::string_view> keys;
      for (const auto& t : p.name->tokens)
        if (!t.initial) keys.push_back(t.key);
      std::sort(keys.begin(), keys.end());
      std::string joined;
      for (auto k : keys) joined.append(k).push_back(' ');
      f.full_name[i] = f.strings.Intern(joined);
    }
    if (!p.name->patronymic_key.empty()) f.patronymic[i] = f.strings.Intern(p.name->patronymic_key);
    f.birth_date[i] = p.birth.date;
    if (!p.birth.digits.empty()) f.birth_digits[i] = f.strings.Intern(p.birth.digits);
    f.year_lo[i] = p.birth.year_lo;
    f.year_hi[i] = p.birth.year_hi;
    any_birth |= p.birth.known();
    f.sex[i] = static_cast<uint8_t>(p.sex);
    any_sex |= p.sex != Sex::kUnknown;
    f.place_node[i] = p.place_node;
    f.place[i] = f.strings.Intern(p.place_key);
    if (f.place[i]) f.place_text[i] = f.strings.Intern(Trim(r.place));
    any_place |= f.place[i] != 0;
    f.address[i] = f.strings.Intern(p.address);
    if (f.address[i]) f.address_text[i] = f.strings.Intern(Plain(r.address));
    any_address |= f.address[i] != 0;
    f.document[i] = f.strings.Intern(p.document);
    any_document |= f.document[i] != 0;
    for (size_t k = 0; k < p.other.size(); ++k) {
      uint32_t id = f.strings.Intern(p.other[k]);
      f.other[static_cast<size_t>(i) * f.other_count + k] = id;
      if (id) any_other[k] = true;
    }
  }
  if (nameless > kWarningsShown) {
    warnings.push_back("... and " + std::to_string(nameless - kWarningsShown) +
                       " more records without a name");
  }
  if (bad_dates > kWarningsShown) {
    warnings.push_back("... and " + std::to_string(bad_dates - kWarningsShown) +
                       " more dates or ages that are not dates or ages");
  }

  f.fields.push_back({FieldKind::kName, "name"});
  if (any_birth) f.fields.push_back({FieldKind::kBirth, "birth"});
  if (any_sex) f.fields.push_back({FieldKind::kSex, "sex"});
  if (any_place) f.fields.push_back({FieldKind::kPlace, "place"});
  if (any_address) f.fields.push_back({FieldKind::kAddress, "address"});
  if (any_document) f.fields.push_back({FieldKind::kDocument, "document_id"});
  for (int k = 0; k < f.other_count; ++k) {
    if (any_other[k]) f.fields.push_back({FieldKind::kOther, "other" + std::to_string(k + 1), k});
  }
  if (f.fields.size() > kMaxFields) {
    return Status::InvalidArgument("at most " + std::to_string(kMaxFields) +
                                       " fields can be compared; map fewer columns to \"other\"",
                                   "map");
  }

  // Term frequencies: of each name token among all tokens, of each
  // whole name, date and place among the records that have one.
  f.tf_name.assign(f.strings.size(), 0.f);
  f.tf_full_name.assign(f.strings.size(), 0.f);
  f.tf_place.assign(f.strings.size(), 0.f);
  if (settings.term_frequency) {
    // String ids are dense: counted in arrays rather than hash tables.
    std::vector<uint32_t> names(f.strings.size()), full_names(f.strings.size()),
        places(f.strings.size());
    uint64_t full_total = 0;
    std::unordered_map<int32_t, uint32_t> dates;
    uint64_t name_total = 0, place_total = 0, date_total = 0;
    for (uint32_t i = 0; i < n; ++i) {
      for (int t = 0; t < f.token_count[i]; ++t) {
        if (f.tokens[i][t].initial) continue;
        ++names[f.tokens[i][t].key];
        ++name_total;
      }
      if (f.full_name[i]) ++full_names[f.full_name[i]], ++full_total;
      if (f.place[i]) ++places[f.place[i]], ++place_total;
      if (f.birth_date[i]) ++dates[f.birth_date[i]], ++date_total;
    }
    DenseAdjustments(names, name_total, f.tf_name);
    DenseAdjustments(full_names, full_total, f.tf_full_name);
    DenseAdjustments(places, place_total, f.tf_place);
    Adjustments(
        [&](const auto& visit) {
          for (const auto& [k, c] : dates) visit(k, c);
        },
        date_total, [&](int32_t k, float w) { f.tf_date[k] = w; });
  }
  f.gazetteer = std::move(gazetteer);
  return f;
}

}  // namespace kuzot::linkage
