// Private: string similarity used by the comparators.
#pragma once

#include <string_view>

namespace kuzot::linkage {

// Jaro-Winkler similarity in [0, 1] (Winkler 1990; prefix scale 0.1 over at
// most 4 characters). Byte-wise: call it on ASCII spelling keys.
double JaroWinkler(std::string_view a, std::string_view b);

// Optimal string alignment distance (Levenshtein plus adjacent
// transpositions), or `limit + 1` as soon as it exceeds `limit`.
int EditDistance(std::string_view a, std::string_view b, int limit);

}  // namespace kuzot::linkage
