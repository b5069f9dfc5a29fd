// The generator's people and sources (see victims.h and
// bench/linkage/README.md).
#include "bench/linkage/victims.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "bench/linkage/evaluation.h"
#include "bench/linkage/victims_text.h"

namespace kuzot::linkage::bench {
namespace {

using gen::CyrillicStyle;
using gen::Ethnicity;
using gen::LatinStyle;
using gen::Rng;

constexpr int kEventYear = 2021, kEventMonth = 4, kEventDay = 29;  // Batken, 29 April 2021

struct Village {
  std::vector<std::string> latin, cyrillic;                    // the village's names
  std::vector<std::string> district_latin, district_cyrillic;  // its district's
  bool tajikistan = false;
};

struct Person {
  std::string id;
  Ethnicity ethnicity;
  bool female = false;
  std::string given, father, surname;  // native Cyrillic; surname empty for "uulu" names
  bool patronymic = false;             // uses a Russian-style patronymic in documents
  int year = 0, month = 0, day = 0;
  int village = 0;
  std::string document;
};

bool Chance(Rng& rng, double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; }
int Uniform(Rng& rng, int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); }

bool HasCyrillic(const std::string& s) {
  for (unsigned char c : s) {
    if (c == 0xD0 || c == 0xD1 || c == 0xD2 || c == 0xD3) return true;
  }
  return false;
}

std::vector<Village> Villages(const std::vector<Place>& gazetteer) {
  std::unordered_map<std::string, const Place*> by_id;
  for (const auto& p : gazetteer) by_id[p.id] = &p;
  auto split = [](const Place& p, std::vector<std::string>& latin, std::vector<std::string>& cyr) {
    for (const auto& n : p.names) (HasCyrillic(n) ? cyr : latin).push_back(n);
  };
  std::vector<Village> out;
  for (const auto& p : gazetteer) {
    if (p.level != "village" && p.level != "city" && p.level != "jamoat") continue;
    auto parent = by_id.find(p.parent_id);
    if (parent == by_id.end() || parent->second->level != "district") continue;
    Village v;
    split(p, v.latin, v.cyrillic);
    split(*parent->second, v.district_latin, v.district_cyrillic);
    const Place* root = &p;
    while (by_id.count(root->parent_id)) root = by_id[root->parent_id];
    v.tajikistan = root->id.find("tj") != std::string::npos;
    if (!v.latin.empty() && !v.cyrillic.empty() && !v.district_latin.empty() &&
        !v.district_cyrillic.empty()) {
      out.push_back(std::move(v));
    }
  }
  if (out.empty()) {  // no gazetteer: two made-up villages keep the generator usable
    out.push_back({{"Ak-Suu"}, {"Ак-Суу"}, {"Batken district"}, {"Баткенский район"}, false});
    out.push_back({{"Kara-Too"}, {"Кара-Тоо"}, {"Leilek district"}, {"Лейлекский район"}, false});
  }
  return out;
}

const std::string& Pick(const std::vector<std::string>& v, Rng& rng) { return v[rng() % v.size()]; }

// The Russian spelling among a place's Cyrillic names (no Kyrgyz letters).
std::string RussianName(const std::vector<std::string>& names, Rng& rng) {
  for (const auto& n : names) {
    if (n.find("ү") == std::string::npos && n.find("ө") == std::string::npos &&
        n.find("ң") == std::string::npos) {
      return n;
    }
  }
  return gen::Cyrillic(names.front(), CyrillicStyle::kRussified, Ethnicity::kKyrgyz, rng);
}

std::string RandomDigits(Rng& rng, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += static_cast<char>('0' + rng() % 10);
  return s;
}

// ---------------------------------------------------------------- people

Ethnicity PickEthnicity(Rng& rng) {
  double x = std::uniform_real_distribution<double>(0, 1)(rng);
  if (x < 0.55) return Ethnicity::kKyrgyz;
  if (x < 0.70) return Ethnicity::kUzbek;
  if (x < 0.90) return Ethnicity::kTajik;
  return Ethnicity::kRussian;
}

std::string PickRoot(Ethnicity e, Rng& rng) {
  if (Chance(rng, 0.5)) return gen::PickZipf(gen::SurnameRoots(e), 0.5, rng);
  return gen::PickGivenName(e, false, rng);
}

// A family's shared part: father, surname form, village.
struct Family {
  Ethnicity ethnicity;
  std::string father, surname_root;
  bool uulu = false, zoda = false, patronymic = true;
  int village = 0;
  int year = 0;
};

Family NewFamily(const std::vector<Village>& villages, Rng& rng) {
  Family f;
  f.ethnicity = PickEthnicity(rng);
  f.father = gen::PickGivenName(f.ethnicity, false, rng);
  switch (f.ethnicity) {
    case Ethnicity::kKyrgyz:
      f.uulu = Chance(rng, 0.25);
      f.surname_root = Chance(rng, 0.4) ? f.father : PickRoot(f.ethnicity, rng);
      f.patronymic = !f.uulu && Chance(rng, 0.9);
      break;
    case Ethnicity::kUzbek:
      f.surname_root = PickRoot(f.ethnicity, rng);
      f.patronymic = Chance(rng, 0.9);
      break;
    case Ethnicity::kTajik:
      f.zoda = Chance(rng, 0.3);
      f.surname_root = PickRoot(f.ethnicity, rng);
      f.patronymic = Chance(rng, 0.7);
      break;
    case Ethnicity::kRussian:
      f.surname_root = gen::PickZipf(gen::SurnameRoots(f.ethnicity), 0.5, rng);
      f.patronymic = true;
      break;
  }
  bool tajik_side = f.ethnicity == Ethnicity::kTajik && Chance(rng, 0.7);
  std::vector<int> fitting;
  for (size_t i = 0; i < villages.size(); ++i) {
    if (villages[i].tajikistan == tajik_side) fitting.push_back(static_cast<int>(i));
  }
  f.village = fitting.empty() ? 0 : fitting[rng() % fitting.size()];
  f.year = Uniform(rng, 1945, 2012);
  return f;
}

Person NewPerson(const Family& f, int index, Rng& rng) {
  Person p;
  char id[16];
  std::snprintf(id, sizeof id, "P%06d", index);
  p.id = id;
  p.ethnicity = f.ethnicity;
  p.female = Chance(rng, 0.5);
  p.given = gen::PickGivenName(f.ethnicity, p.female, rng);
  p.father = f.father;
  if (f.uulu) {
    p.surname.clear();
  } else if (f.ethnicity == Ethnicity::kRussian) {
    p.surname = p.female ? gen::FeminineSurname(f.surname_root) : f.surname_root;
  } else if (f.zoda) {
    p.surname = f.surname_root + "зода";
  } else {
    p.surname = gen::SurnameFromRoot(f.surname_root, p.female);
  }
  p.patronymic = f.patronymic;
  p.year = std::clamp(f.year + Uniform(rng, -8, 8), 1935, 2020);
  p.month = Uniform(rng, 1, 12);
  p.day = Uniform(rng, 1, 28);
  p.village = f.village;
  p.document = (Chance(rng, 0.5) ? "ID" : "AN") + RandomDigits(rng, 7);
  return p;
}

int AgeAtEvent(const Person& p) {
  int age = kEventYear - p.year;
  if (p.month > kEventMonth || (p.month == kEventMonth && p.day > kEventDay)) --age;
  return age;
}

// ---------------------------------------------------------------- spelling

struct Spelled {
  std::string given, surname, patronymic;  // patronymic: Russian style, if used
  std::string particle;  // "уулу"/"кызы" (or Latin) for uulu names, with `father`
  std::string father;
};

// The person's name parts in one Cyrillic style.
Spelled InCyrillic(const Person& p, CyrillicStyle style, Rng& rng) {
  Spelled s;
  s.given = gen::Cyrillic(p.given, style, p.ethnicity, rng);
  if (p.surname.empty()) {
    s.father = gen::Cyrillic(p.father, style, p.ethnicity, rng);
    s.particle = p.female ? "кызы" : "уулу";
  } else {
    s.surname = gen::Cyrillic(p.surname, style, p.ethnicity, rng);
  }
  if (p.patronymic) {
    s.patronymic = gen::RussianPatronymic(
        gen::Cyrillic(p.father, CyrillicStyle::kRussified, p.ethnicity, rng), p.female);
  }
  return s;
}

LatinStyle PickLatinStyle(Ethnicity e, Rng& rng) {
  double x = std::uniform_real_distribution<double>(0, 1)(rng);
  switch (e) {
    case Ethnicity::kKyrgyz:
      return x < 0.45   ? LatinStyle::kPopular
             : x < 0.8  ? LatinStyle::kBgn
             : x < 0.95 ? LatinStyle::kIcao
                        : LatinStyle::kGerman;
    case Ethnicity::kUzbek:
      return x < 0.4    ? LatinStyle::kUzbek
             : x < 0.65 ? LatinStyle::kPopular
             : x < 0.9  ? LatinStyle::kBgn
                        : LatinStyle::kIcao;
    case Ethnicity::kTajik:
      return x < 0.4    ? LatinStyle::kTajik
             : x < 0.75 ? LatinStyle::kBgn
             : x < 0.9  ? LatinStyle::kPopular
                        : LatinStyle::kIcao;
    case Ethnicity::kRussian:
      return x < 0.6    ? LatinStyle::kBgn
             : x < 0.85 ? LatinStyle::kIcao
             : x < 0.97 ? LatinStyle::kPopular
                        : LatinStyle::kGerman;
  }
  return LatinStyle::kBgn;
}

Spelled InLatin(const Person& p, LatinStyle style, bool from_native, Rng& rng) {
  Spelled c = InCyrillic(p, from_native ? CyrillicStyle::kNative : CyrillicStyle::kRussified, rng);
  Spelled s;
  s.given = gen::Latin(c.given, style, rng);
  s.surname = c.surname.empty() ? "" : gen::Latin(c.surname, style, rng);
  s.patronymic = c.patronymic.empty() ? "" : gen::Latin(c.patronymic, style, rng);
  if (!c.particle.empty()) {
    s.father = gen::Latin(c.father, style, rng);
    bool uzbek = p.ethnicity == Ethnicity::kUzbek;
    s.particle = p.female ? (uzbek              ? "qizi"
                             : Chance(rng, 0.8) ? "kyzy"
                                                : "kizi")
                          : (uzbek ? "o'g'li" : "uulu");
  }
  return s;
}

// Typos in each word with probability `rate`.
std::string Noisy(const std::string& text, double rate, Rng& rng) {
  if (text.empty() || !Chance(rng, rate)) return text;
  return gen::Typo(text, rng);
}

std::string Join(std::initializer_list<std::string> parts) {
  std::string out;
  for (const auto& p : parts) {
    if (p.empty()) continue;
    if (!out.empty()) out += ' ';
    out += p;
  }
  return out;
}

std::string TwoDigits(int v) {
  char b[4];
  std::snprintf(b, sizeof b, "%02d", v);
  return b;
}

// A birth date with the errors of hand-kept lists: placeholder 01.01,
// day and month swapped, one digit wrong, a year off by one.
void DateErrors(int& y, int& m, int& d, double noise, Rng& rng) {
  if (Chance(rng, 0.03 * noise)) m = d = 1;
  if (Chance(rng, 0.02 * noise) && d <= 12) std::swap(m, d);
  if (Chance(rng, 0.03 * noise)) {
    switch (rng() % 3) {
      case 0:
        d = std::clamp(d + (Chance(rng, 0.5) ? 10 : -10), 1, 28);
        break;
      case 1:
        y += Chance(rng, 0.5) ? 1 : -1;
        break;
      default:
        m = std::clamp(m + (Chance(rng, 0.5) ? 1 : -1), 1, 12);
        break;
    }
  }
}

// ---------------------------------------------------------------- sources

class Sources {
 public:
  Sources(const std::vector<Village>& villages, double noise, Rng& rng)
      : villages_(villages), noise_(noise), rng_(rng) {}

  std::vector<std::string> Row(int source, const Person& p) {
    switch (source) {
      case 0:
        return Monitors(p);
      case 1:
        return Hospital(p);
      case 2:
        return Media(p);
      case 3:
        return Authorities(p);
      default:
        return Registry(p);
    }
  }

  static GeneratedList Header(int source) {
    GeneratedList l;
    switch (source) {
      case 0:
        l.name = "monitors";
        l.columns = {"№", "ФИО", "Туулган күнү", "Жынысы", "Айылы"};
        l.roles = {Role::kId, Role::kFullName, Role::kBirthDate, Role::kSex, Role::kPlace};
        break;
      case 1:
        l.name = "hospital";
        l.columns = {"Фамилия", "Имя", "Отчество", "Возраст", "Пол", "Адрес", "Паспорт"};
        l.roles = {Role::kLastName, Role::kFirstName, Role::kPatronymic, Role::kAge,
                   Role::kSex,      Role::kPlace,     Role::kDocumentId};
        break;
      case 2:
        l.name = "media";
        l.columns = {"name", "age", "village"};
        l.roles = {Role::kFullName, Role::kAge, Role::kPlace};
        break;
      case 3:
        l.name = "authorities";
        l.columns = {"№", "Ф.И.О.", "Год рождения", "Район"};
        l.roles = {Role::kId, Role::kFullName, Role::kBirthYear, Role::kPlace};
        break;
      default:
        l.name = "registry";
        l.columns = {"ID", "SURNAME", "GIVEN_NAMES", "DATE_OF_BIRTH", "SEX", "DOCUMENT"};
        l.roles = {Role::kId,        Role::kLastName, Role::kFirstName,
                   Role::kBirthDate, Role::kSex,      Role::kDocumentId};
        break;
    }
    return l;
  }

 private:
  double P(double p) const { return std::min(1.0, p * noise_); }

  std::vector<std::string> Monitors(const Person& p) {
    Spelled s = InCyrillic(
        p, p.ethnicity == Ethnicity::kRussian ? CyrillicStyle::kNative : CyrillicStyle::kKyrgyz,
        rng_);
    double typo = P(0.04);
    std::string given = Noisy(s.given, typo, rng_);
    std::string family = s.surname.empty() ? Join({Noisy(s.father, typo, rng_), s.particle})
                                           : Noisy(s.surname, typo, rng_);
    std::string patronymic = Chance(rng_, 0.6) ? Noisy(s.patronymic, typo, rng_) : "";
    std::string name = Chance(rng_, P(0.1)) ? Join({given, family, patronymic})
                                            : Join({family, given, patronymic});
    std::string birth;
    double x = std::uniform_real_distribution<double>(0, 1)(rng_);
    if (x < 0.7) {
      int y = p.year, m = p.month, d = p.day;
      DateErrors(y, m, d, noise_, rng_);
      birth = TwoDigits(d) + "." + TwoDigits(m) + "." + std::to_string(y);
    } else if (x < 0.82) {
      birth = std::to_string(p.year);
    }
    std::string sex = Chance(rng_, 0.85) ? (p.female ? "аял" : "эркек") : "";
    const Village& v = villages_[p.village];
    std::string place;
    x = std::uniform_real_distribution<double>(0, 1)(rng_);
    if (x < 0.85)
      place = Pick(v.cyrillic, rng_);
    else if (x < 0.9)
      place = Pick(v.district_cyrillic, rng_);
    return {"", name, birth, sex, place};
  }

  std::vector<std::string> Hospital(const Person& p) {
    Spelled s = InCyrillic(p, CyrillicStyle::kRussified, rng_);
    double typo = P(0.07);
    std::string last = s.surname.empty() ? Join({Noisy(s.father, typo, rng_), s.particle})
                                         : Noisy(s.surname, typo, rng_);
    if (s.surname.empty() && Chance(rng_, P(0.1))) {
      // The clerk turned "Бакыт уулу" into a Russian surname.
      last = gen::SurnameFromRoot(s.father, p.female);
    }
    std::string first = Noisy(s.given, typo, rng_);
    if (Chance(rng_, P(0.05))) std::swap(last, first);
    std::string patronymic = Chance(rng_, 0.75) ? Noisy(s.patronymic, typo, rng_) : "";
    std::string age;
    if (Chance(rng_, 0.85)) {
      int a = AgeAtEvent(p);
      if (Chance(rng_, P(0.1))) a += Chance(rng_, 0.5) ? 1 : -1;
      age = std::to_string(std::max(0, a));
    }
    std::string sex = Chance(rng_, 0.8) ? (p.female ? "ж" : "м") : "";
    const Village& v = villages_[p.village];
    std::string place;
    double x = std::uniform_real_distribution<double>(0, 1)(rng_);
    if (x < 0.6)
      place = "с. " + RussianName(v.cyrillic, rng_) + ", " + v.district_cyrillic.front();
    else if (x < 0.8)
      place = v.district_cyrillic.front();
    std::string document;
    if (Chance(rng_, 0.25)) document = Noisy(p.document, P(0.03), rng_);
    return {last, first, patronymic, age, sex, place, document};
  }

  std::vector<std::string> Media(const Person& p) {
    LatinStyle style = PickLatinStyle(p.ethnicity, rng_);
    Spelled s = InLatin(p, style, Chance(rng_, 0.5), rng_);
    double typo = P(0.06);
    std::string given = Noisy(s.given, typo, rng_);
    std::string family = s.surname.empty() ? Join({Noisy(s.father, typo, rng_), s.particle})
                                           : Noisy(s.surname, typo, rng_);
    std::string name = Chance(rng_, P(0.2)) ? Join({family, given}) : Join({given, family});
    std::string age;
    if (Chance(rng_, 0.6)) {
      int a = AgeAtEvent(p);
      if (Chance(rng_, P(0.2))) a += Chance(rng_, 0.5) ? 1 : -1;
      age = std::to_string(std::max(0, a));
    }
    const Village& v = villages_[p.village];
    std::string place;
    double x = std::uniform_real_distribution<double>(0, 1)(rng_);
    if (x < 0.5)
      place = Pick(v.latin, rng_);
    else if (x < 0.75)
      place = v.district_latin.front();
    return {name, age, place};
  }

  std::vector<std::string> Authorities(const Person& p) {
    Spelled s = InCyrillic(p, CyrillicStyle::kRussified, rng_);
    double typo = P(0.03);
    std::string family = s.surname.empty() ? Join({Noisy(s.father, typo, rng_), s.particle})
                                           : Noisy(s.surname, typo, rng_);
    std::string name;
    if (Chance(rng_, 0.4)) {
      std::string initials = gen::Initial(s.given) + ".";
      if (!s.patronymic.empty()) initials += gen::Initial(s.patronymic) + ".";
      name = family + " " + initials;
    } else {
      name = Join({family, Noisy(s.given, typo, rng_), Noisy(s.patronymic, typo, rng_)});
    }
    std::string year;
    if (Chance(rng_, 0.85)) {
      int y = p.year;
      if (Chance(rng_, P(0.05))) y += Chance(rng_, 0.5) ? 1 : -1;
      year = std::to_string(y);
    }
    const Village& v = villages_[p.village];
    std::string place = Chance(rng_, 0.85) ? v.district_cyrillic.front() : "";
    return {"", name, year, place};
  }

  std::vector<std::string> Registry(const Person& p) {
    LatinStyle style = Chance(rng_, 0.8) ? LatinStyle::kIcao : LatinStyle::kBgn;
    Spelled s = InLatin(p, style, p.ethnicity == Ethnicity::kKyrgyz, rng_);
    double typo = P(0.02);
    std::string last = s.surname.empty() ? Join({s.father, s.particle}) : s.surname;
    last = gen::UpperAscii(Noisy(last, typo, rng_));
    std::string first = gen::UpperAscii(Noisy(s.given, typo, rng_));
    std::string birth;
    if (Chance(rng_, 0.95)) {
      int y = p.year, m = p.month, d = p.day;
      if (Chance(rng_, P(0.02))) DateErrors(y, m, d, 10, rng_);
      birth = std::to_string(y) + "-" + TwoDigits(m) + "-" + TwoDigits(d);
    }
    std::string document = Chance(rng_, 0.9) ? Noisy(p.document, P(0.02), rng_) : "";
    return {"", last, first, birth, p.female ? "F" : "M", document};
  }

  const std::vector<Village>& villages_;
  double noise_;
  Rng& rng_;
};

}  // namespace

GeneratedLists GenerateVictimLists(const GeneratorOptions& options,
                                   const std::vector<Place>& gazetteer) {
  Rng rng(options.seed);
  std::vector<Village> villages = Villages(gazetteer);
  // People, in families (siblings) or alone.
  std::vector<Person> people;
  people.reserve(options.persons);
  while (static_cast<int>(people.size()) < options.persons) {
    Family f = NewFamily(villages, rng);
    int size = Chance(rng, options.families) ? Uniform(rng, 2, 4) : 1;
    std::vector<std::string> names;  // siblings never share a given name
    for (int k = 0; k < size && static_cast<int>(people.size()) < options.persons; ++k) {
      Person p = NewPerson(f, static_cast<int>(people.size()), rng);
      for (int retry = 0; retry < 20 && std::count(names.begin(), names.end(), p.given); ++retry) {
        p.given = gen::PickGivenName(p.ethnicity, p.female, rng);
      }
      if (std::count(names.begin(), names.end(), p.given)) continue;
      names.push_back(p.given);
      people.push_back(std::move(p));
    }
  }
  static const double kCoverage[] = {0.6, 0.4, 0.35, 0.4, 0.3};
  GeneratedLists out;
  out.event_date =
      std::to_string(kEventYear) + "-" + TwoDigits(kEventMonth) + "-" + TwoDigits(kEventDay);
  Sources sources(villages, options.noise, rng);
  const int n_sources = std::clamp(options.sources, 1, 5);
  for (int s = 0; s < n_sources; ++s) {
    GeneratedList list = Sources::Header(s);
    struct Row {
      std::vector<std::string> cells;
      std::string person;
    };
    std::vector<Row> rows;
    double coverage = std::min(1.0, kCoverage[s] * options.coverage);
    for (const auto& p : people) {
      if (!Chance(rng, coverage)) continue;
      rows.push_back({sources.Row(s, p), p.id});
      // Listed twice in the same list, written down again.
      if (Chance(rng, std::min(1.0, 0.03 * options.noise)))
        rows.push_back({sources.Row(s, p), p.id});
    }
    std::shuffle(rows.begin(), rows.end(), rng);
    int number = 0;
    for (auto& r : rows) {
      ++number;
      for (size_t c = 0; c < list.roles.size(); ++c) {
        if (list.roles[c] == Role::kId) {
          r.cells[c] = s == 4 ? "KG-" + std::to_string(100000 + number) : std::to_string(number);
        }
      }
      list.rows.push_back(std::move(r.cells));
      list.person.push_back(std::move(r.person));
    }
    out.lists.push_back(std::move(list));
  }
  return out;
}

Labelled ToRecords(const GeneratedLists& lists) {
  Labelled out;
  for (size_t s = 0; s < lists.lists.size(); ++s) {
    const GeneratedList& list = lists.lists[s];
    for (size_t r = 0; r < list.rows.size(); ++r) {
      Record rec;
      rec.source = static_cast<uint32_t>(s);
      rec.origin = list.name + " row " + std::to_string(r + 2);
      rec.event_date = lists.event_date;
      std::string id = "row" + std::to_string(r + 2);
      auto append = [](std::string& field, const std::string& v) {
        if (v.empty()) return;
        if (!field.empty()) field += ' ';
        field += v;
      };
      for (size_t c = 0; c < list.roles.size(); ++c) {
        const std::string& v = list.rows[r][c];
        switch (list.roles[c]) {
          case Role::kId:
            id = v;
            break;
          case Role::kFullName:
            append(rec.full_name, v);
            break;
          case Role::kFirstName:
            append(rec.first_name, v);
            break;
          case Role::kLastName:
            append(rec.last_name, v);
            break;
          case Role::kPatronymic:
            append(rec.patronymic, v);
            break;
          case Role::kBirthDate:
            append(rec.birth_date, v);
            break;
          case Role::kBirthYear:
            append(rec.birth_year, v);
            break;
          case Role::kAge:
            append(rec.age, v);
            break;
          case Role::kSex:
            append(rec.sex, v);
            break;
          case Role::kPlace:
            append(rec.place, v);
            break;
          case Role::kAddress:
            append(rec.address, v);
            break;
          case Role::kDocumentId:
            append(rec.document_id, v);
            break;
          case Role::kOther:
            rec.other.push_back(v);
            break;
        }
      }
      rec.id = list.name + ":" + id;
      out.records.push_back(std::move(rec));
      out.entity.push_back(list.person[r]);
    }
  }
  return out;
}

std::vector<Place> DemoGazetteer(const std::string& project_dir) {
  std::vector<std::string> texts;
  std::filesystem::path dir = std::filesystem::path(project_dir) / "data" / "demo";
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    std::ifstream in(f);
    std::stringstream ss;
    ss << in.rdbuf();
    texts.push_back(ss.str());
  }
  std::vector<std::string_view> views(texts.begin(), texts.end());
  auto places = PlacesFromBundles(views);
  return places.ok() ? *places : std::vector<Place>{};
}

}  // namespace kuzot::linkage::bench
