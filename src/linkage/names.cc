#include "linkage/names.h"

#include <algorithm>
#include <array>

#include "linkage/linkage.h"
#include "linkage/spelling.h"

namespace kuzot::linkage {
namespace {

enum class Column { kFull, kFirst, kLast, kPatronymic };

struct RawToken {
  std::string text;     // UTF-8 as written
  bool dotted = false;  // followed by '.'
  Column column;
};

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Particles that make the word before them a father's name: Kyrgyz uulu
// (son of) and kyzy (daughter of), Kazakh uly/qyzy, Uzbek o'g'li/qizi,
// Azerbaijani and Turkmen ogly/gyzy. Compared by spelling key.
Sex ParticleSex(const std::string& key) {
  static const std::array<std::string_view, 6> kSon = {"ulu", "uli", "ogli", "oglu", "ugli", "ogl"};
  static const std::array<std::string_view, 4> kDaughter = {"kizi", "gizi", "kiz", "kizii"};
  for (auto p : kSon)
    if (key == p) return Sex::kMale;
  for (auto p : kDaughter)
    if (key == p) return Sex::kFemale;
  return Sex::kUnknown;
}

// Splits one field on spaces and punctuation; a hyphen splits only when
// one side is a particle ("Бакыт-кызы"), since "Abdy-Kadyrov" is one name.
void Split(std::string_view text, Column column, std::vector<RawToken>& out) {
  size_t i = 0;
  auto is_sep = [](unsigned char c) {
    return c == ' ' || c == '\t' || c == ',' || c == ';' || c == '.' || c == '(' || c == ')' ||
           c == '"' || c == '/' || c == '\r' || c == '\n' || c == '_';
  };
  while (i < text.size()) {
    while (i < text.size() && is_sep(text[i])) ++i;
    size_t start = i;
    while (i < text.size() && !is_sep(text[i])) ++i;
    if (i == start) continue;
    std::string word(text.substr(start, i - start));
    bool dotted = i < text.size() && text[i] == '.';
    size_t hyphen = word.rfind('-');
    if (hyphen != std::string::npos && hyphen > 0 && hyphen + 1 < word.size()) {
      std::string tail = word.substr(hyphen + 1);
      if (ParticleSex(KeysOf(ToLatin(tail)).main) != Sex::kUnknown) {
        out.push_back({word.substr(0, hyphen), false, column});
        out.push_back({tail, dotted, column});
        continue;
      }
    }
    // Strip stray hyphens and apostrophes at the ends ("-Айзада", "O'").
    while (!word.empty() && (word.back() == '-' || word.back() == '\'')) word.pop_back();
    while (!word.empty() && (word.front() == '-' || word.front() == '\'')) word.erase(0, 1);
    if (!word.empty()) out.push_back({std::move(word), dotted, column});
  }
}

// Number of letters (code points that are not ASCII punctuation or digits).
int Letters(std::string_view utf8) {
  int n = 0;
  for (unsigned char c : utf8) {
    if ((c & 0xC0) == 0x80) continue;  // continuation byte
    if (c < 0x80 && !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) continue;
    ++n;
  }
  return n;
}

// An initial: one letter, or a two-letter digraph followed by a dot
// ("Zh.", "Sh.", "Yu."), or an upper-case letter followed by a dot.
bool IsInitial(const RawToken& t, const std::string& latin) {
  int letters = Letters(t.text);
  if (letters == 1) return true;
  if (letters == 2 && t.dotted) {
    static const std::array<std::string_view, 9> kDigraphs = {"zh", "sh", "ch", "kh", "yu",
                                                              "ya", "yo", "ts", "dj"};
    for (auto d : kDigraphs)
      if (latin == d) return true;
  }
  return false;
}

struct PatronymicEnding {
  std::string_view ending;
  Sex sex;
  bool always;  // a patronymic wherever it stands (female forms)
};
// On spelling keys: C is ch, so "oviC" is -ovich/-ovych, "eviC" -evich/-yevich.
constexpr std::array<PatronymicEnding, 7> kPatronymicEndings = {{
    {"iniCna", Sex::kFemale, true},
    {"iCna", Sex::kFemale, true},
    {"ovna", Sex::kFemale, true},
    {"evna", Sex::kFemale, true},
    {"ivna", Sex::kFemale, true},
    {"oviC", Sex::kMale, false},
    {"eviC", Sex::kMale, false},
}};

// Surname endings that differ by sex, on spelling keys (y is i, doubled
// letters are one): -ova/-ov, -eva/-ev, -ina/-in, -skaya/-sky.
Sex EndingSex(const std::string& key) {
  if (key.size() < 5) return Sex::kUnknown;
  if (EndsWith(key, "skaia") || EndsWith(key, "ckaia") || EndsWith(key, "ova") ||
      EndsWith(key, "eva") || EndsWith(key, "ina")) {
    return Sex::kFemale;
  }
  if (EndsWith(key, "ski") || EndsWith(key, "ov") || EndsWith(key, "ev") || EndsWith(key, "in")) {
    return Sex::kMale;
  }
  return Sex::kUnknown;
}

// The stem both sexes share: Abdykadyrova and Abdykadyrov compare equal
// (the sex field tells them apart).
std::string NeutralStem(std::string key) {
  if (key.size() >= 6 && EndsWith(key, "skaia")) {
    key.resize(key.size() - 5);
    key += "ski";
  } else if (key.size() >= 5 &&
             (EndsWith(key, "ova") || EndsWith(key, "eva") || EndsWith(key, "ina"))) {
    key.pop_back();
  }
  return key;
}

Sex Combine(Sex a, Sex b) {
  if (a == Sex::kUnknown) return b;
  if (b == Sex::kUnknown || a == b) return a;
  return Sex::kUnknown;  // contradictory hints say nothing
}

}  // namespace

int ParsedName::full_tokens() const {
  int n = 0;
  for (const auto& t : tokens) n += !t.initial;
  return n;
}

Sex ParseSex(std::string_view text) {
  std::string latin = ToLatin(text);
  std::string s;
  for (char c : latin) {
    if (c >= 'a' && c <= 'z') s += c;
  }
  if (s.empty()) return Sex::kUnknown;
  // English, Russian (ж/м, жен/муж), Kyrgyz (аял, кыз / эркек), Uzbek
  // (ayol / erkak), Tajik (zan / mard).
  static const std::array<std::string_view, 10> kFemale = {"f",  "female", "woman", "w",    "girl",
                                                           "zh", "ayal",   "kyz",   "ayol", "zan"};
  static const std::array<std::string_view, 8> kMale = {"m",     "male",  "man",  "boy",
                                                        "erkek", "erkak", "mard", "ugil"};
  for (auto f : kFemale)
    if (s == f) return Sex::kFemale;
  for (auto m : kMale)
    if (s == m) return Sex::kMale;
  if (s.rfind("zhen", 0) == 0 || s.rfind("fem", 0) == 0) return Sex::kFemale;
  if (s.rfind("muzh", 0) == 0 || s.rfind("mal", 0) == 0) return Sex::kMale;
  return Sex::kUnknown;
}

std::string NormalizeSex(std::string_view text) {
  switch (ParseSex(text)) {
    case Sex::kFemale: return "female";
    case Sex::kMale: return "male";
    case Sex::kUnknown: break;
  }
  return {};
}

ParsedName ParseName(std::string_view full_name, std::string_view first_name,
                     std::string_view last_name, std::string_view patronymic) {
  std::vector<RawToken> raw;
  Split(last_name, Column::kLast, raw);
  Split(first_name, Column::kFirst, raw);
  Split(full_name, Column::kFull, raw);
  Split(patronymic, Column::kPatronymic, raw);

  struct Work {
    RawToken raw;
    std::string latin;
    SpellingKeys keys;
    bool initial = false;
    bool used = false;
  };
  std::vector<Work> words;
  words.reserve(raw.size());
  for (auto& r : raw) {
    Work w;
    w.latin = ToLatin(r.text);
    w.keys = KeysOf(w.latin);
    w.initial = IsInitial(r, w.latin);
    w.raw = std::move(r);
    if (!w.keys.main.empty()) words.push_back(std::move(w));
  }

  ParsedName name;
  Sex sex = Sex::kUnknown;
  auto set_patronymic = [&](const Work& w, std::string key) {
    name.patronymic_key = std::move(key);
    name.patronymic_latin = w.latin;
  };

  // 1. Particles: the word before "uulu"/"kyzy" in the same field is the
  //    father's name.
  for (size_t i = 1; i < words.size(); ++i) {
    Sex s = ParticleSex(words[i].keys.main);
    if (s == Sex::kUnknown || words[i].raw.column != words[i - 1].raw.column || words[i - 1].used ||
        words[i - 1].initial) {
      continue;
    }
    sex = Combine(sex, s);
    words[i].used = true;
    words[i - 1].used = true;
    if (name.patronymic_key.empty()) {
      set_patronymic(words[i - 1], words[i - 1].keys.main);
      name.patronymic_latin += " " + words[i].latin;
    }
  }
  // A lone particle ("kyzy" with nothing before it) says only the sex.
  for (auto& w : words) {
    if (!w.used && ParticleSex(w.keys.main) != Sex::kUnknown) {
      sex = Combine(sex, ParticleSex(w.keys.main));
      w.used = true;
    }
  }

  // 2. The patronymic column: whatever it holds is the father's name.
  for (auto& w : words) {
    if (w.used || w.raw.column != Column::kPatronymic) continue;
    w.used = true;
    if (w.initial) {
      name.patronymic_initial = w.keys.main[0];
      continue;
    }
    if (!name.patronymic_key.empty()) continue;
    std::string key = w.keys.main;
    for (const auto& e : kPatronymicEndings) {
      if (EndsWith(key, e.ending) && key.size() > e.ending.size() + 1) {
        key.resize(key.size() - e.ending.size());
        sex = Combine(sex, e.sex);
        break;
      }
    }
    set_patronymic(w, key);
  }

  // 3. Patronymics by their endings, in the name fields.
  int full_words = 0;
  for (const auto& w : words) full_words += !w.used && !w.initial;
  for (size_t i = 0; i < words.size() && name.patronymic_key.empty(); ++i) {
    Work& w = words[i];
    if (w.used || w.initial || w.raw.column == Column::kFirst) continue;
    const std::string& key = w.keys.main;
    bool found = false;
    for (const auto& e : kPatronymicEndings) {
      if (!EndsWith(key, e.ending) || key.size() < e.ending.size() + 2) continue;
      if (!e.always && full_words < 2) continue;  // "Petrovich" alone is a surname
      sex = Combine(sex, e.sex);
      set_patronymic(w, key.substr(0, key.size() - e.ending.size()));
      w.used = true;
      found = true;
      break;
    }
    // Plain -ich (Ilyich, Kuzmich) only as the third of three names.
    if (!found && full_words >= 3 && EndsWith(key, "iC") && key.size() >= 4 &&
        i + 1 == words.size() && w.raw.column == Column::kFull) {
      sex = Combine(sex, Sex::kMale);
      set_patronymic(w, key.substr(0, key.size() - 2));
      w.used = true;
    }
  }

  // 4. Initials: with two or more after a surname ("Иванов И.И."), the last
  //    one is the patronymic's.
  int initials = 0, fulls = 0;
  for (const auto& w : words) {
    if (w.used) continue;
    initials += w.initial;
    fulls += !w.initial;
  }
  if (initials >= 2 && fulls >= 1 && name.patronymic_key.empty()) {
    for (size_t i = words.size(); i-- > 0;) {
      if (!words[i].used && words[i].initial) {
        name.patronymic_initial = words[i].keys.main[0];
        words[i].used = true;
        break;
      }
    }
  }

  // 5. What remains are given names and surnames.
  const bool father = !name.patronymic_key.empty() || name.patronymic_initial;
  const int room = father ? kMaxTokens - 1 : kMaxTokens;
  for (auto& w : words) {
    if (w.used || static_cast<int>(name.tokens.size()) >= room) continue;
    NameToken t;
    t.latin = w.latin;
    t.initial = w.initial;
    if (w.initial) {
      t.key = w.keys.main.substr(0, 1);
      if (!w.keys.alt.empty())
        t.alt = w.keys.alt.substr(0, 1);
      else if (w.latin == "j")
        t.alt = "i";
    } else {
      if (w.raw.column != Column::kFirst) sex = Combine(sex, EndingSex(w.keys.main));
      t.key = NeutralStem(w.keys.main);
      if (!w.keys.alt.empty()) t.alt = NeutralStem(w.keys.alt);
    }
    // The same word twice ("Aigerim Aigerim") is one token.
    bool repeated = false;
    for (const auto& o : name.tokens) repeated |= o.key == t.key && o.initial == t.initial;
    if (!repeated) name.tokens.push_back(std::move(t));
  }
  // 6. The father's name, last.
  if (!name.patronymic_key.empty()) {
    NameToken t;
    t.latin = name.patronymic_latin;
    t.key = name.patronymic_key;
    t.father = true;
    name.tokens.push_back(std::move(t));
  } else if (name.patronymic_initial) {
    NameToken t;
    t.latin = std::string(1, name.patronymic_initial);
    t.key = t.latin;
    if (t.key == "d") t.alt = "J";  // Д. may be Дж.
    t.initial = true;
    t.father = true;
    name.tokens.push_back(std::move(t));
  }
  name.sex = sex;
  return name;
}

}  // namespace kuzot::linkage
