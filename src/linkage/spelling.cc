// Transliteration to Latin (ICU) and the spelling key (see linkage.h and
// doc/linkage.md, "Names").
#include "linkage/spelling.h"

#include <unicode/translit.h>
#include <unicode/unistr.h>

#include <memory>
#include <string>
#include <unordered_map>

#include "linkage/linkage.h"

namespace kuzot::linkage {
namespace {

// Letters ICU's BGN/PCGN transliterators leave alone (Tajik, Uzbek and
// Kazakh Cyrillic), a few Latin letters whose ASCII fallback loses a sound
// (ž is zh, not z), and apostrophes (Uzbek oʻ, gʻ; the soft sign written ').
// Then one of the BGN transliterators, then Latin-ASCII.
constexpr char16_t kBefore[] =
    uR"(
:: Any-Lower ;
ҷ > j ; ҳ > h ; қ > q ; ғ > gh ; ӣ > i ; ӯ > u ; ў > u ; ё > yo ;
ә > a ; і > i ; ұ > u ; һ > h ; ҡ > q ; ҙ > z ; ї > yi ; є > ye ; ґ > g ;
ž > zh ; š > sh ; č > ch ; ş > sh ; ç > ch ; ğ > gh ; ı > i ;
[ʻʼ’‘\`\'] > ;
)";
constexpr char16_t kAfter[] = uR"( ; :: Latin-ASCII ; :: Any-Lower ; '·' > ; )";

std::unique_ptr<icu::Transliterator> Make(const char* bgn) {
  icu::UnicodeString rules(kBefore);
  rules += u":: ";
  rules += icu::UnicodeString(bgn, -1, US_INV);
  rules += kAfter;
  UErrorCode status = U_ZERO_ERROR;
  UParseError parse_error;
  std::unique_ptr<icu::Transliterator> t(icu::Transliterator::createFromRules(
      "kuzot-Latin", rules, UTRANS_FORWARD, parse_error, status));
  if (U_FAILURE(status)) return nullptr;
  return t;
}

// Looks strings up by string_view without copying them (C++20
// heterogeneous lookup).
struct ViewHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// Compiling the rules takes a while: once per process; threads clone.
const icu::Transliterator* Prototype(bool kyrgyz) {
  static const std::unique_ptr<icu::Transliterator> ky = Make("ky-ky_Latn/BGN");
  static const std::unique_ptr<icu::Transliterator> ru = Make("Russian-Latin/BGN");
  return kyrgyz ? ky.get() : ru.get();
}

std::unique_ptr<icu::Transliterator> Clone(bool kyrgyz) {
  const icu::Transliterator* p = Prototype(kyrgyz);
  return std::unique_ptr<icu::Transliterator>(p ? p->clone() : nullptr);
}

struct ThreadState {
  std::unique_ptr<icu::Transliterator> kyrgyz = Clone(true);
  std::unique_ptr<icu::Transliterator> russian = Clone(false);
  std::unordered_map<std::string, std::string, ViewHash, std::equal_to<>> cache;
};

ThreadState& State() {
  thread_local ThreadState state;
  return state;
}

// ү ө ң (either case) in UTF-8: the text is Kyrgyz, and ky-ky_Latn/BGN
// knows them (Russian-Latin/BGN does not).
bool HasKyrgyzLetters(std::string_view s) {
  for (size_t i = 0; i + 1 < s.size(); ++i) {
    auto a = static_cast<unsigned char>(s[i]), b = static_cast<unsigned char>(s[i + 1]);
    if (a == 0xD2 && (b == 0xAE || b == 0xAF || b == 0xA2 || b == 0xA3)) return true;  // Ү ү Ң ң
    if (a == 0xD3 && (b == 0xA8 || b == 0xA9)) return true;                            // Ө ө
  }
  return false;
}

bool IsAsciiLower(std::string_view s) {
  for (unsigned char c : s) {
    if (c >= 0x80 || (c >= 'A' && c <= 'Z') || c == '\'' || c == '`') return false;
  }
  return true;
}

bool IsVowel(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'; }

bool At(std::string_view s, size_t i, std::string_view what) {
  return s.compare(i, what.size(), what) == 0;
}

}  // namespace

std::string ToLatin(std::string_view utf8) {
  if (IsAsciiLower(utf8)) return std::string(utf8);
  ThreadState& state = State();
  if (auto it = state.cache.find(utf8); it != state.cache.end()) return it->second;
  std::string key(utf8);
  icu::UnicodeString text = icu::UnicodeString::fromUTF8(utf8);
  icu::Transliterator* t = HasKyrgyzLetters(utf8) ? state.kyrgyz.get() : state.russian.get();
  if (t) t->transliterate(text);
  std::string out;
  text.toUTF8String(out);
  if (state.cache.size() > 500000) state.cache.clear();
  state.cache.emplace(std::move(key), out);
  return out;
}

SpellingKeys KeysOf(std::string_view word) {
  // The letters only: apostrophes, hyphens and digits say nothing about
  // the sound.
  std::string w;
  w.reserve(word.size());
  for (char c : word) {
    if (c >= 'a' && c <= 'z')
      w += c;
    else if (c >= 'A' && c <= 'Z')
      w += static_cast<char>(c - 'A' + 'a');
  }
  // Sounds written in several ways, each folded to one symbol. Upper-case
  // symbols stand for sounds with no one Latin letter: S sh/sch/shch,
  // C ch/tch, T ts/tz/c, J zh/dzh/dj/j, H kh/h/x.
  // 'j' is the ambiguous one: zh in English and Turkic spellings
  // ("Jeenbekov"), y in German and Czech ones ("Jusupow", "Ajzada"). Before
  // a consonant or at the end it is always y; before a vowel the main key
  // reads it as zh and the alternative key as y.
  std::string main_key, alt_key;
  bool ambiguous = false;
  auto emit = [&](std::string_view main, std::string_view alt) {
    main_key += main;
    alt_key += alt;
  };
  for (size_t i = 0; i < w.size();) {
    char c = w[i];
    char next = i + 1 < w.size() ? w[i + 1] : '\0';
    if (At(w, i, "shch")) {
      emit("S", "S");
      i += 4;
    } else if (At(w, i, "tsch")) {
      emit("C", "C");
      i += 4;
    } else if (At(w, i, "sch")) {
      emit("S", "S");
      i += 3;
    } else if (At(w, i, "tch")) {
      emit("C", "C");
      i += 3;
    } else if (At(w, i, "dzh")) {
      emit("J", "J");
      i += 3;
    } else if (At(w, i, "sh")) {
      emit("S", "S");
      i += 2;
    } else if (At(w, i, "ch")) {
      emit("C", "C");
      i += 2;
    } else if (At(w, i, "zh") || At(w, i, "dj")) {
      emit("J", "J");
      i += 2;
    } else if (At(w, i, "kh")) {
      emit("H", "H");
      i += 2;
    } else if (At(w, i, "gh")) {
      emit("g", "g");
      i += 2;
    } else if (At(w, i, "ph")) {
      emit("f", "f");
      i += 2;
    } else if (At(w, i, "ck")) {
      emit("k", "k");
      i += 2;
    } else if (At(w, i, "ts") || At(w, i, "tz")) {
      emit("T", "T");
      i += 2;
    } else if (At(w, i, "ng")) {
      emit("n", "n");
      i += 2;
    }  // ң: ng or n
    else if (At(w, i, "ue")) {
      emit("u", "u");
      i += 2;
    }  // ү: ü, ue, u
    else if (At(w, i, "oe")) {
      emit("o", "o");
      i += 2;
    }  // ө: ö, oe, o
    else if (At(w, i, "ou")) {
      emit("u", "u");
      i += 2;
    }  // French "Youssouf"
    else if (c == 'j') {
      if (IsVowel(next) || next == 'y') {
        emit("J", "i");
        ambiguous = true;
      } else {
        emit("i", "i");
      }
      ++i;
    } else if (c == 'x' || c == 'h') {
      emit("H", "H");
      ++i;
    } else if (c == 'q') {
      emit("k", "k");
      ++i;
    } else if (c == 'c') {
      emit("T", "T");
      ++i;
    } else if (c == 'w') {
      emit("v", "v");
      ++i;
    } else if (c == 'y') {
      emit("i", "i");
      ++i;
    } else {
      emit(std::string_view(&w[i], 1), std::string_view(&w[i], 1));
      ++i;
    }
  }
  auto finish = [](std::string& k) {
    // "Ye"/"Ie" at the start is "E" (Yevgeniy, Evgeniy, Ievgenii); "ie"
    // after a vowel is "e" (Valeyev, Valeev).
    if (k.size() >= 2 && k[0] == 'i' && k[1] == 'e') k.erase(0, 1);
    std::string out;
    out.reserve(k.size());
    for (size_t i = 0; i < k.size(); ++i) {
      if (k[i] == 'i' && i + 1 < k.size() && k[i + 1] == 'e' && !out.empty() &&
          IsVowel(out.back())) {
        continue;
      }
      // Doubled letters: Jeenbekov/Jenbekov, Dmitrii/Dmitriy/Dmitri, Alla/Ala.
      if (!out.empty() && out.back() == k[i]) continue;
      out += k[i];
    }
    k = std::move(out);
  };
  finish(main_key);
  SpellingKeys keys;
  keys.main = std::move(main_key);
  if (ambiguous) {
    finish(alt_key);
    if (alt_key != keys.main) keys.alt = std::move(alt_key);
  }
  return keys;
}

std::string SpellingKey(std::string_view latin_word) { return KeysOf(latin_word).main; }

}  // namespace kuzot::linkage
