// Private to the generator: name lists, how sources spell names, typos.
// Written independently of src/linkage (its own letter tables) so that the
// engine is not tested against its own rules.
#pragma once

#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace kuzot::linkage::bench::gen {

using Rng = std::mt19937_64;

enum class Ethnicity { kKyrgyz, kUzbek, kTajik, kRussian };

std::u32string U32(std::string_view utf8);
std::string U8(std::u32string_view text);

// Common given names in the people's own Cyrillic spelling.
const std::vector<std::string>& GivenNames(Ethnicity e, bool female);
// A given name: mostly a common one (Zipf-weighted), sometimes a compound
// built the way Kyrgyz, Uzbek and Tajik names are (Nur+bek, Ai+gul, ...).
std::string PickGivenName(Ethnicity e, bool female, Rng& rng);
// Surname roots besides given names (old names surnames were made from);
// for Russians, whole surnames in the masculine form.
const std::vector<std::string>& SurnameRoots(Ethnicity e);
std::string PickZipf(const std::vector<std::string>& list, double exponent, Rng& rng);

// Бакыт -> Бакытович / Бакытовна; Сергей -> Сергеевич; Илья -> Ильич.
std::string RussianPatronymic(const std::string& father, bool female);
// Бакыт -> Бакытов / Бакытова; Жумабай -> Жумабаев; Иванов -> Иванова.
std::string SurnameFromRoot(const std::string& root, bool female);
std::string FeminineSurname(const std::string& masculine);

// How a source writes Cyrillic: the people's own letters, Russified (ү->у,
// ҷ->дж, ...), or Kyrgyz Cyrillic (Tajik and Uzbek letters replaced).
enum class CyrillicStyle { kNative, kRussified, kKyrgyz };
std::string Cyrillic(const std::string& native, CyrillicStyle style, Ethnicity e, Rng& rng);

// Latin spellings people use: BGN/PCGN-like, the popular Kyrgyz one (j, ü,
// ö or u, o), passport ICAO (iu, ia, i), German (sch, tsch, j, ow), Uzbek
// Latin (x, q, oʻ, gʻ), Tajik Latin (j, q, gh).
enum class LatinStyle { kBgn, kPopular, kIcao, kGerman, kUzbek, kTajik };
std::string Latin(const std::string& cyrillic, LatinStyle style, Rng& rng);

// One typing error: a neighbouring key, a letter dropped, doubled or two
// letters swapped; also the vowel confusions of hand-copied lists.
std::string Typo(const std::string& word, Rng& rng);

std::string UpperAscii(std::string s);
// "Айзада" -> "А".
std::string Initial(const std::string& word);

}  // namespace kuzot::linkage::bench::gen
