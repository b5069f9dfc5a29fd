// Transliteration to Latin and the spelling key (see search.h).
#include <unicode/translit.h>
#include <unicode/unistr.h>

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "search/search.h"

namespace kuzot::search {
namespace {

// BGN/PCGN-style romanisation of Russian, with the letters of Kyrgyz,
// Kazakh, Uzbek and Tajik Cyrillic; then Turkic Latin letters spelled as
// digraphs, then diacritics dropped. ICU does the work; these are its rules.
constexpr char16_t kRules[] = uR"(
:: Any-Lower ;
ж > zh ; х > kh ; ц > ts ; ч > ch ; ш > sh ; щ > shch ; ю > yu ; я > ya ; ё > yo ;
й > y ; ы > y ; э > e ; ъ > ; ь > ;
а > a ; б > b ; в > v ; г > g ; д > d ; е > e ; з > z ; и > i ; к > k ; л > l ; м > m ;
н > n ; о > o ; п > p ; р > r ; с > s ; т > t ; у > u ; ф > f ;
ү > u ; ө > o ; ң > ng ; ҷ > j ; ҳ > h ; қ > q ; ғ > gh ; ӣ > i ; ӯ > u ; ў > u ;
ә > a ; і > i ; ұ > u ; һ > h ; ї > yi ; є > ye ; ґ > g ; ҙ > dh ; ҡ > q ;
ş > sh ; ç > ch ; ğ > gh ; ı > i ;
:: Latin-ASCII ;
)";

std::unique_ptr<icu::Transliterator> MakeTransliterator() {
  UErrorCode status = U_ZERO_ERROR;
  UParseError parse_error;
  std::unique_ptr<icu::Transliterator> t(icu::Transliterator::createFromRules(
      "kuzot-Latin", icu::UnicodeString(kRules), UTRANS_FORWARD, parse_error, status));
  if (U_FAILURE(status)) return nullptr;
  return t;
}

struct ThreadState {
  std::unique_ptr<icu::Transliterator> transliterator = MakeTransliterator();
  std::unordered_map<std::string, std::string> cache;
};

ThreadState& State() {
  thread_local ThreadState state;
  return state;
}

bool StartsWith(std::string_view s, size_t pos, std::string_view prefix) {
  return s.compare(pos, prefix.size(), prefix) == 0;
}

}  // namespace

std::string ToLatin(std::string_view utf8) {
  ThreadState& state = State();
  std::string key(utf8);
  if (auto it = state.cache.find(key); it != state.cache.end()) return it->second;
  icu::UnicodeString text = icu::UnicodeString::fromUTF8(utf8);
  if (state.transliterator) state.transliterator->transliterate(text);
  std::string out;
  text.toUTF8String(out);
  if (state.cache.size() > 200000) state.cache.clear();
  state.cache.emplace(std::move(key), out);
  return out;
}

std::string SpellingKey(std::string_view word) {
  // Digraphs first (longest first), then single letters.
  static const std::pair<std::string_view, std::string_view> kFolds[] = {
      {"shch", "1"}, {"sch", "1"}, {"sh", "1"}, {"tch", "2"}, {"ch", "2"}, {"dzh", "j"},
      {"dj", "j"},   {"zh", "j"},  {"kh", "h"}, {"gh", "g"},  {"ts", "3"}, {"tz", "3"},
      {"ph", "f"},   {"ck", "k"},  {"x", "h"},  {"q", "k"},   {"c", "k"},  {"w", "v"},
      {"y", "i"},
  };
  std::string folded;
  folded.reserve(word.size());
  for (size_t i = 0; i < word.size();) {
    char ch = word[i];
    if (ch == '\'' || ch == '`' || ch == '-') {
      ++i;
      continue;
    }
    bool matched = false;
    for (const auto& [from, to] : kFolds) {
      if (StartsWith(word, i, from)) {
        folded += to;
        i += from.size();
        matched = true;
        break;
      }
    }
    if (!matched) folded += word[i++];
  }
  // "Ie"/"Ye" at the start of a name is the same sound as "E" (Yevgeniy/Evgeniy).
  if (folded.size() > 2 && folded[0] == 'i' && (folded[1] == 'e' || folded[1] == 'o')) {
    folded.erase(0, 1);
  }
  // Doubled letters: Jeenbekov/Jenbekov, Dmitrii/Dmitriy, Ali/Alli.
  std::string out;
  out.reserve(folded.size());
  for (char ch : folded) {
    if (out.empty() || out.back() != ch) out += ch;
  }
  return out;
}

}  // namespace kuzot::search
