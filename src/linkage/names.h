// Private: a person's name taken apart into the tokens that are compared
// (given names and surnames, in any order), the patronymic (father's name)
// and what the name says about the person's sex. See doc/linkage.md, "Names".
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kuzot::linkage {

enum class Sex : unsigned char { kUnknown = 0, kFemale = 1, kMale = 2 };

// "f", "female", "ж", "жен", "женский", "аял", "m", "м", "эркек", ... -> Sex.
Sex ParseSex(std::string_view text);

struct NameToken {
  std::string latin;     // the word in Latin letters, as written (lower case)
  std::string key;       // spelling key of its gender-neutral stem
  std::string alt;       // alternative key (ambiguous 'j'), often empty
  bool initial = false;  // "A." / "А." / "Zh.": only `key`'s first letter counts
  bool father = false;   // the father's name, from a patronymic or a particle
};

struct ParsedName {
  // Given names, surnames and, last, the father's name (its initial when
  // only that is known), at most kMaxTokens. The father's name is compared
  // like the others, because lists put it in different places: "Бакыт
  // кызы Айгерим", "Aigerim Bakytovna", "Бакытова Айгерим" (a surname made
  // from it).
  std::vector<NameToken> tokens;
  // The father's name again, from a patronymic ("Bakytovna") or a particle
  // ("Bakyt kyzy"): its key, its Latin form, or only its initial ("А.Б.").
  std::string patronymic_key;
  std::string patronymic_latin;
  char patronymic_initial = 0;
  Sex sex = Sex::kUnknown;  // what the endings and particles say
  int full_tokens() const;
};

inline constexpr int kMaxTokens = 4;

// Parses the name fields of one record (any may be empty). Surnames,
// first names and full names are all tokens; their roles are kept only for
// the patronymic rules, because the order people write names in varies.
ParsedName ParseName(std::string_view full_name, std::string_view first_name,
                     std::string_view last_name, std::string_view patronymic);

}  // namespace kuzot::linkage
