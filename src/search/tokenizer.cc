// The "kuzot" FTS5 tokenizer (see search.h).
#include <libstemmer.h>
#include <sqlite3.h>
#include <unicode/uchar.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>

#include <string>
#include <vector>

#include "search/search.h"

namespace kuzot::search {
namespace {

constexpr int kMaxWordBytes = 256;

struct Tokenizer {
  sb_stemmer* russian = sb_stemmer_new("russian", "UTF_8");
  sb_stemmer* english = sb_stemmer_new("english", "UTF_8");
  ~Tokenizer() {
    sb_stemmer_delete(russian);
    sb_stemmer_delete(english);
  }
};

bool IsWordChar(UChar32 c) {
  if (u_isalnum(c)) return true;
  int8_t type = u_charType(c);
  return type == U_NON_SPACING_MARK || type == U_COMBINING_SPACING_MARK;
}

bool IsJoiner(UChar32 c) {  // apostrophes inside Uzbek Latin words: o'g'li
  return c == '\'' || c == 0x2019 || c == 0x02BB || c == 0x02BC;
}

std::string FoldCase(std::string_view word) {
  UChar buffer[kMaxWordBytes * 2];
  UChar folded[kMaxWordBytes * 2];
  int32_t length = 0;
  UErrorCode status = U_ZERO_ERROR;
  u_strFromUTF8(buffer, kMaxWordBytes * 2, &length, word.data(),
                static_cast<int32_t>(word.size()), &status);
  if (U_FAILURE(status)) return std::string(word);
  int32_t folded_length =
      u_strFoldCase(folded, kMaxWordBytes * 2, buffer, length, U_FOLD_CASE_DEFAULT, &status);
  if (U_FAILURE(status)) return std::string(word);
  // ё is written е in most texts.
  for (int32_t i = 0; i < folded_length; ++i) {
    if (folded[i] == 0x0451) folded[i] = 0x0435;
  }
  char out[kMaxWordBytes * 4];
  int32_t out_length = 0;
  u_strToUTF8(out, sizeof out, &out_length, folded, folded_length, &status);
  if (U_FAILURE(status)) return std::string(word);
  return std::string(out, out_length);
}

bool HasCyrillic(std::string_view s) {
  for (unsigned char c : s) {
    if (c == 0xD0 || c == 0xD1 || c == 0xD2 || c == 0xD3) return true;
  }
  return false;
}

std::string Stem(sb_stemmer* stemmer, const std::string& word) {
  if (!stemmer) return {};
  const sb_symbol* stem = sb_stemmer_stem(
      stemmer, reinterpret_cast<const sb_symbol*>(word.data()), static_cast<int>(word.size()));
  if (!stem) return {};
  return std::string(reinterpret_cast<const char*>(stem), sb_stemmer_length(stemmer));
}

using TokenCallback = int (*)(void*, int, const char*, int, int, int);

int EmitWord(Tokenizer* t, void* ctx, int flags, TokenCallback x_token, std::string_view word,
             int start, int end) {
  // The word, its Latin form, its spelling key, its stem and, for Cyrillic,
  // the spelling key of the stem: "Лейлеке" is found by "Leilek".
  constexpr int kForms = 5;
  std::string forms[kForms];
  forms[0] = FoldCase(word);
  forms[1] = ToLatin(forms[0]);
  forms[2] = "~" + SpellingKey(forms[1]);
  bool prefix = flags & FTS5_TOKENIZE_PREFIX;
  if (!prefix) {
    bool cyrillic = HasCyrillic(forms[0]);
    forms[3] = Stem(cyrillic ? t->russian : t->english, forms[0]);
    if (cyrillic && !forms[3].empty()) forms[4] = "~" + SpellingKey(ToLatin(forms[3]));
  }
  int emitted = 0;
  for (int i = 0; i < kForms; ++i) {
    const std::string& form = forms[i];
    if (form.empty() || form == "~") continue;
    bool duplicate = false;
    for (int j = 0; j < i; ++j) duplicate |= forms[j] == form;
    if (duplicate) continue;
    int rc = x_token(ctx, emitted ? FTS5_TOKEN_COLOCATED : 0, form.data(),
                     static_cast<int>(form.size()), start, end);
    if (rc != SQLITE_OK) return rc;
    ++emitted;
  }
  return SQLITE_OK;
}

int Create(void*, const char**, int, Fts5Tokenizer** out) {
  *out = reinterpret_cast<Fts5Tokenizer*>(new Tokenizer());
  return SQLITE_OK;
}

void Delete(Fts5Tokenizer* p) { delete reinterpret_cast<Tokenizer*>(p); }

int Tokenize(Fts5Tokenizer* p, void* ctx, int flags, const char* text, int length,
             TokenCallback x_token) {
  auto* t = reinterpret_cast<Tokenizer*>(p);
  int32_t i = 0;
  while (i < length) {
    UChar32 c;
    int32_t start = i;
    U8_NEXT(text, i, length, c);
    if (c < 0 || !IsWordChar(c)) continue;
    int32_t end = i;
    while (i < length) {
      int32_t next = i;
      UChar32 d;
      U8_NEXT(text, next, length, d);
      if (d >= 0 && IsWordChar(d)) {
        i = end = next;
        continue;
      }
      if (d >= 0 && IsJoiner(d) && next < length) {
        int32_t after = next;
        UChar32 e;
        U8_NEXT(text, after, length, e);
        if (e >= 0 && u_isalpha(e)) {
          i = end = after;
          continue;
        }
      }
      break;
    }
    if (end - start > kMaxWordBytes) continue;  // not a word anyone searches for
    int rc = EmitWord(t, ctx, flags, x_token, std::string_view(text + start, end - start),
                      start, end);
    if (rc != SQLITE_OK) return rc;
  }
  return SQLITE_OK;
}

fts5_api* GetFts5Api(sqlite3* db) {
  fts5_api* api = nullptr;
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &stmt, nullptr) == SQLITE_OK) {
    sqlite3_bind_pointer(stmt, 1, reinterpret_cast<void*>(&api), "fts5_api_ptr", nullptr);
    sqlite3_step(stmt);
  }
  sqlite3_finalize(stmt);
  return api;
}

int CollectForm(void* ctx, int flags, const char* token, int length, int, int) {
  auto* words = static_cast<std::vector<std::vector<std::string>>*>(ctx);
  if (!(flags & FTS5_TOKEN_COLOCATED) || words->empty()) words->emplace_back();
  words->back().emplace_back(token, length);
  return SQLITE_OK;
}

}  // namespace

std::vector<std::vector<std::string>> WordForms(std::string_view utf8) {
  thread_local Tokenizer tokenizer;
  std::vector<std::vector<std::string>> words;
  Tokenize(reinterpret_cast<Fts5Tokenizer*>(&tokenizer), &words, FTS5_TOKENIZE_DOCUMENT,
           utf8.data(), static_cast<int>(utf8.size()), CollectForm);
  return words;
}

Status RegisterTokenizer(sqlite3* db) {
  fts5_api* api = GetFts5Api(db);
  if (!api) return Status::Internal("this SQLite has no FTS5");
  static fts5_tokenizer tokenizer = {Create, Delete, Tokenize};
  int rc = api->xCreateTokenizer(api, kTokenizerSpec, nullptr, &tokenizer, nullptr);
  if (rc != SQLITE_OK) return Status::Internal("cannot register the FTS5 tokenizer");
  return Status::Ok();
}

}  // namespace kuzot::search
