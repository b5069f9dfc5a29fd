// Full-text and cross-script name search.
//
// Kuzot indexes every record's searchable text with an FTS5 tokenizer named
// "kuzot" that, for each word, indexes at one position:
//   - the case-folded word ("Аскаров" -> "аскаров"),
//   - its Latin transliteration ("askarov"),
//   - a spelling key that folds the ways Central Asian names are written in
//     Latin (zh/j/dzh/dj, kh/h/x, doubled vowels, y/i, ...): "Жээнбеков",
//     "Jeenbekov" and "Zheenbekov" share one key,
//   - its Snowball stem (Russian for Cyrillic words, English for Latin).
// A query word matches when any of its forms matches one of these.
#pragma once

#include <sqlite3.h>

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace kuzot::search {

// The tokenizer spec to use in CREATE VIRTUAL TABLE ... USING fts5(tokenize=...).
inline constexpr char kTokenizerSpec[] = "kuzot";

// Registers the "kuzot" tokenizer on `db`. Call once per connection before
// the full-text table is used.
Status RegisterTokenizer(sqlite3* db);

// Turns what a user typed into an FTS5 MATCH expression: every word must
// match (in any of its forms); a word ending in '*' matches as a prefix;
// "quoted words" match as a phrase. InvalidArgument when nothing searchable
// is left.
Result<std::string> BuildMatchExpression(std::string_view user_query);

// The forms the "kuzot" tokenizer indexes for each word of `utf8`, one
// list per word (the word, its Latin form, spelling key, stem): what the
// blind index of encrypted text stores, keyed. Thread-safe.
std::vector<std::vector<std::string>> WordForms(std::string_view utf8);

// Case-folded Latin transliteration of UTF-8 text (Cyrillic, including the
// Kyrgyz, Kazakh, Uzbek and Tajik letters, after BGN/PCGN); other scripts
// are folded and returned unchanged. Thread-safe.
std::string ToLatin(std::string_view utf8);

// The spelling key of one Latin, lower-case word (see above). Thread-safe.
std::string SpellingKey(std::string_view latin_word);

}  // namespace kuzot::search
