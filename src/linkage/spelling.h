// Private: the spelling keys of a word (see linkage.h's SpellingKey).
#pragma once

#include <string>
#include <string_view>

namespace kuzot::linkage {

// `main` reads an ambiguous 'j' before a vowel as zh ("Jamila" = Жамила),
// `alt` (empty when the word has no such 'j') as y ("Jusup" = Юсуп). Two
// words are spelled alike when any of their keys are equal.
struct SpellingKeys {
  std::string main;
  std::string alt;
};
SpellingKeys KeysOf(std::string_view latin_word);

}  // namespace kuzot::linkage
