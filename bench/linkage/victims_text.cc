// Spelling of the generator: Cyrillic styles, Latin styles, typos.
#include "bench/linkage/victims_text.h"

#include <array>
#include <map>

namespace kuzot::linkage::bench::gen {
namespace {

// Upper/lower case of the Cyrillic letters used here.
struct CasePair {
  char32_t upper, lower;
};
constexpr std::array<CasePair, 10> kExtraCase = {{{U'Ё', U'ё'},
                                                  {U'Ү', U'ү'},
                                                  {U'Ө', U'ө'},
                                                  {U'Ң', U'ң'},
                                                  {U'Ҷ', U'ҷ'},
                                                  {U'Ӣ', U'ӣ'},
                                                  {U'Ӯ', U'ӯ'},
                                                  {U'Қ', U'қ'},
                                                  {U'Ғ', U'ғ'},
                                                  {U'Ҳ', U'ҳ'}}};

char32_t Lower(char32_t c) {
  if (c >= U'А' && c <= U'Я') return c + 0x20;
  if (c >= U'A' && c <= U'Z') return c + 0x20;
  if (c == U'Ў') return U'ў';
  for (const auto& p : kExtraCase)
    if (c == p.upper) return p.lower;
  return c;
}
char32_t Upper(char32_t c) {
  if (c >= U'а' && c <= U'я') return c - 0x20;
  if (c >= U'a' && c <= U'z') return c - 0x20;
  if (c == U'ў') return U'Ў';
  for (const auto& p : kExtraCase)
    if (c == p.lower) return p.upper;
  return c;
}
bool IsUpper(char32_t c) { return Lower(c) != c; }

bool IsVowel(char32_t c) {
  return std::u32string_view(U"аеёиоуыэюяөүӯӣўaeiouy").find(Lower(c)) != std::u32string_view::npos;
}

bool Chance(Rng& rng, double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; }

// Capitalises like the original: first letter upper if it was.
std::u32string MatchCase(std::u32string out, bool capital) {
  if (capital && !out.empty()) out[0] = Upper(out[0]);
  return out;
}

const std::map<char32_t, std::u32string>& BaseLatin() {
  static const std::map<char32_t, std::u32string> m = {
      {U'а', U"a"},  {U'б', U"b"},  {U'в', U"v"},    {U'г', U"g"},  {U'д', U"d"},  {U'з', U"z"},
      {U'и', U"i"},  {U'к', U"k"},  {U'л', U"l"},    {U'м', U"m"},  {U'н', U"n"},  {U'о', U"o"},
      {U'п', U"p"},  {U'р', U"r"},  {U'с', U"s"},    {U'т', U"t"},  {U'у', U"u"},  {U'ф', U"f"},
      {U'э', U"e"},  {U'ъ', U""},   {U'ь', U""},     {U'ш', U"sh"}, {U'ч', U"ch"}, {U'ц', U"ts"},
      {U'ы', U"y"},  {U'ю', U"yu"}, {U'я', U"ya"},   {U'ё', U"yo"}, {U'е', U"e"},  {U'ж', U"zh"},
      {U'х', U"kh"}, {U'й', U"y"},  {U'щ', U"shch"}, {U'ү', U"u"},  {U'ө', U"o"},  {U'ң', U"ng"},
      {U'ҷ', U"j"},  {U'ҳ', U"h"},  {U'қ', U"q"},    {U'ғ', U"gh"}, {U'ӣ', U"i"},  {U'ӯ', U"u"},
      {U'ў', U"u"}};
  return m;
}

std::u32string LatinLetter(char32_t c, char32_t prev, char32_t next, bool at_start,
                           LatinStyle style, Rng& rng) {
  const bool iotated_start = at_start || IsVowel(prev) || prev == U'ъ' || prev == U'ь';
  switch (style) {
    case LatinStyle::kBgn:
      if (c == U'е') return iotated_start ? U"ye" : U"e";
      if (c == U'ь' && Chance(rng, 0.2)) return U"'";
      break;
    case LatinStyle::kPopular:
      switch (c) {
        case U'ж':
          return U"j";
        case U'е':
          return iotated_start && at_start && Chance(rng, 0.5) ? U"ye" : U"e";
        case U'й':
          return Chance(rng, 0.5) ? U"i" : U"y";
        case U'х':
          return Chance(rng, 0.5) ? U"h" : U"kh";
        case U'ү':
          return Chance(rng, 0.25) ? U"ü" : U"u";
        case U'ө':
          return Chance(rng, 0.25) ? U"ö" : U"o";
        case U'ң':
          return Chance(rng, 0.3) ? U"n" : U"ng";
        case U'щ':
          return U"sh";
        case U'қ':
          return U"k";
        case U'ғ':
          return U"g";
        default:
          break;
      }
      break;
    case LatinStyle::kIcao:
      switch (c) {
        case U'е':
        case U'ё':
          return U"e";
        case U'й':
          return U"i";
        case U'ю':
          return U"iu";
        case U'я':
          return U"ia";
        case U'ъ':
          return U"ie";
        case U'ң':
          return U"n";
        case U'ҷ':
          return U"dzh";
        case U'ҳ':
          return U"kh";
        case U'қ':
          return U"k";
        case U'ғ':
          return U"g";
        default:
          break;
      }
      break;
    case LatinStyle::kGerman:
      switch (c) {
        case U'в':
          return U"w";
        case U'е':
          return at_start ? U"je" : U"e";
        case U'ё':
          return U"jo";
        case U'ж':
          return U"sch";
        case U'з':
          return U"s";
        case U'й':
          return U"j";
        case U'с':
          return IsVowel(prev) && IsVowel(next) ? U"ss" : U"s";
        case U'х':
          return U"ch";
        case U'ц':
          return U"z";
        case U'ч':
          return U"tsch";
        case U'ш':
          return U"sch";
        case U'щ':
          return U"schtsch";
        case U'ю':
          return U"ju";
        case U'я':
          return U"ja";
        case U'ү':
          return U"ü";
        case U'ө':
          return U"ö";
        case U'ҷ':
          return U"dsch";
        case U'қ':
          return U"k";
        case U'ғ':
          return U"g";
        default:
          break;
      }
      break;
    case LatinStyle::kUzbek:
      switch (c) {
        case U'ж':
          return U"j";
        case U'х':
          return U"x";
        case U'ҳ':
          return U"h";
        case U'қ':
          return U"q";
        case U'ғ':
          return Chance(rng, 0.5) ? U"gʻ" : U"g'";
        case U'ў':
          return Chance(rng, 0.5) ? U"oʻ" : U"o'";
        case U'е':
          return at_start ? U"ye" : U"e";
        case U'ы':
          return U"i";
        case U'ц':
          return Chance(rng, 0.5) ? U"s" : U"ts";
        case U'ъ':
          return U"'";
        default:
          break;
      }
      break;
    case LatinStyle::kTajik:
      switch (c) {
        case U'е':
          return at_start ? U"ye" : U"e";
        case U'ъ':
          return U"'";
        default:
          break;
      }
      break;
  }
  auto it = BaseLatin().find(c);
  return it == BaseLatin().end() ? std::u32string(1, c) : it->second;
}

bool KeyboardNeighbour(char32_t c, char32_t& out, Rng& rng) {
  static const std::array<std::u32string_view, 6> kRows = {
      U"qwertyuiop", U"asdfghjkl", U"zxcvbnm", U"йцукенгшщзхъ", U"фывапролджэ", U"ячсмитьбю"};
  char32_t lower = Lower(c);
  for (auto row : kRows) {
    size_t i = row.find(lower);
    if (i == std::u32string_view::npos) continue;
    bool left = i > 0 && (i + 1 >= row.size() || Chance(rng, 0.5));
    out = row[left ? i - 1 : i + 1];
    if (IsUpper(c)) out = Upper(out);
    return true;
  }
  return false;
}

bool Confusion(char32_t c, char32_t& out) {
  static const std::array<std::pair<char32_t, char32_t>, 12> kPairs = {{{U'е', U'э'},
                                                                        {U'и', U'ы'},
                                                                        {U'о', U'а'},
                                                                        {U'у', U'ү'},
                                                                        {U'о', U'ө'},
                                                                        {U'н', U'ң'},
                                                                        {U'i', U'y'},
                                                                        {U'e', U'i'},
                                                                        {U'o', U'u'},
                                                                        {U'a', U'o'},
                                                                        {U'k', U'q'},
                                                                        {U'z', U's'}}};
  for (const auto& [a, b] : kPairs) {
    if (Lower(c) == a) return out = IsUpper(c) ? Upper(b) : b, true;
    if (Lower(c) == b) return out = IsUpper(c) ? Upper(a) : a, true;
  }
  return false;
}

}  // namespace

std::u32string U32(std::string_view s) {
  std::u32string out;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = s[i];
    char32_t cp;
    int len;
    if (c < 0x80)
      cp = c, len = 1;
    else if ((c >> 5) == 6)
      cp = c & 0x1F, len = 2;
    else if ((c >> 4) == 14)
      cp = c & 0x0F, len = 3;
    else
      cp = c & 0x07, len = 4;
    for (int k = 1; k < len && i + k < s.size(); ++k) cp = (cp << 6) | (s[i + k] & 0x3F);
    out += cp;
    i += len;
  }
  return out;
}

std::string U8(std::u32string_view s) {
  std::string out;
  for (char32_t cp : s) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
  return out;
}

std::string Cyrillic(const std::string& native, CyrillicStyle style, Ethnicity e, Rng& rng) {
  if (style == CyrillicStyle::kNative) return native;
  std::u32string in = U32(native), out;
  // Russified Kyrgyz: "Жээнбеков" is often "Жеенбеков" or "Дженбеков",
  // "Жумабек" "Джумабек"; the choice holds for the whole word.
  const bool dzh =
      style == CyrillicStyle::kRussified && e == Ethnicity::kKyrgyz && Chance(rng, 0.4);
  const bool short_ee = style == CyrillicStyle::kRussified && Chance(rng, 0.4);
  for (size_t i = 0; i < in.size(); ++i) {
    char32_t c = in[i];
    bool upper = IsUpper(c);
    char32_t l = Lower(c);
    std::u32string rep(1, l);
    switch (l) {
      case U'ҷ':
        rep = style == CyrillicStyle::kRussified ? U"дж" : U"ж";
        break;
      case U'ӣ':
        rep = i + 1 == in.size() && Chance(rng, 0.6) ? U"ий" : U"и";
        break;
      case U'ӯ':
      case U'ў':
        rep = U"у";
        break;
      case U'қ':
        rep = U"к";
        break;
      case U'ғ':
        rep = U"г";
        break;
      case U'ҳ':
        rep = U"х";
        break;
      case U'ү':
        if (style == CyrillicStyle::kRussified) rep = U"у";
        break;
      case U'ө':
        if (style == CyrillicStyle::kRussified) rep = U"о";
        break;
      case U'ң':
        if (style == CyrillicStyle::kRussified) rep = U"н";
        break;
      case U'ж':
        if (dzh && i == 0) rep = U"дж";
        break;
      case U'э':
        if (short_ee && i > 0 && Lower(in[i - 1]) == U'э')
          rep = U"";
        else if (short_ee && i + 1 < in.size() && Lower(in[i + 1]) == U'э' && i > 0)
          rep = U"е";
        break;
      default:
        break;
    }
    if (upper && !rep.empty()) rep[0] = Upper(rep[0]);
    out += rep;
  }
  return U8(out);
}

std::string Latin(const std::string& cyrillic, LatinStyle style, Rng& rng) {
  std::u32string in = U32(cyrillic), out;
  bool word_start = true;
  for (size_t i = 0; i < in.size(); ++i) {
    char32_t c = in[i];
    char32_t l = Lower(c);
    if (l == U' ' || l == U'-' || l == U'.') {
      out += c;
      word_start = true;
      continue;
    }
    char32_t prev = i > 0 ? Lower(in[i - 1]) : 0;
    char32_t next = i + 1 < in.size() ? Lower(in[i + 1]) : 0;
    std::u32string rep;
    if (l == U'д' && next == U'ж') {  // дж is one sound
      rep = style == LatinStyle::kPopular || style == LatinStyle::kUzbek ? U"j"
            : style == LatinStyle::kGerman                               ? U"dsch"
                                                                         : U"dzh";
      ++i;
    } else if (style == LatinStyle::kGerman && (l == U'о' || l == U'е') && next == U'в' &&
               (i + 2 == in.size() || Lower(in[i + 2]) == U'а')) {
      rep = l == U'о' ? U"ow" : U"ew";  // Iwanow, Iwanowa
      ++i;
    } else {
      rep = LatinLetter(l, prev, next, word_start, style, rng);
    }
    out += MatchCase(rep, IsUpper(c));
    word_start = false;
  }
  return U8(out);
}

std::string Typo(const std::string& word, Rng& rng) {
  std::u32string w = U32(word);
  if (w.size() < 3) return word;
  // Not the first letter: people rarely get it wrong.
  size_t i = 1 + rng() % (w.size() - 1);
  int kind = static_cast<int>(rng() % 5);
  char32_t c;
  switch (kind) {
    case 0:
      if (KeyboardNeighbour(w[i], c, rng)) w[i] = c;
      break;
    case 1:
      w.erase(i, 1);
      break;
    case 2:
      w.insert(i, 1, Lower(w[i]));
      break;
    case 3:
      if (i + 1 < w.size())
        std::swap(w[i], w[i + 1]);
      else
        std::swap(w[i], w[i - 1]);
      break;
    default:
      if (Confusion(w[i], c))
        w[i] = c;
      else if (KeyboardNeighbour(w[i], c, rng))
        w[i] = c;
      break;
  }
  return U8(w);
}

std::string UpperAscii(std::string s) {
  for (auto& ch : s) {
    if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
  }
  return s;
}

std::string Initial(const std::string& word) {
  std::u32string w = U32(word);
  if (w.empty()) return {};
  return U8(std::u32string(1, Upper(w[0])));
}

}  // namespace kuzot::linkage::bench::gen
