// From what a user typed to an FTS5 MATCH expression (see search.h).
#include <cctype>
#include <string>
#include <vector>

#include "search/search.h"

namespace kuzot::search {
namespace {

constexpr size_t kMaxTerms = 32;

// Quotes `term` as an FTS5 string; the tokenizer decides what is a word.
std::string Quote(std::string_view term) {
  std::string out = "\"";
  for (char c : term) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

bool HasWordChar(std::string_view s) {
  for (unsigned char c : s) {
    if (c >= 0x80 || std::isalnum(c)) return true;
  }
  return false;
}

}  // namespace

Result<std::string> BuildMatchExpression(std::string_view typed) {
  // Control characters (a NUL above all: FTS5 reads the expression as a C
  // string and found an unterminated quote) separate words like spaces.
  std::string cleaned(typed);
  for (char& c : cleaned) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  std::string_view query = cleaned;
  std::vector<std::string> terms;
  size_t i = 0;
  while (i < query.size() && terms.size() < kMaxTerms) {
    while (i < query.size() && std::isspace(static_cast<unsigned char>(query[i]))) ++i;
    if (i >= query.size()) break;
    std::string term;
    bool prefix = false;
    if (query[i] == '"') {
      size_t close = query.find('"', i + 1);
      if (close == std::string_view::npos) close = query.size();
      term = std::string(query.substr(i + 1, close - i - 1));
      i = close + 1;
    } else {
      size_t end = i;
      while (end < query.size() && !std::isspace(static_cast<unsigned char>(query[end]))) ++end;
      term = std::string(query.substr(i, end - i));
      i = end;
      while (!term.empty() && term.back() == '*') {
        term.pop_back();
        prefix = true;
      }
    }
    if (!HasWordChar(term)) continue;
    terms.push_back(Quote(term) + (prefix ? "*" : ""));
  }
  if (terms.empty()) {
    return Status::InvalidArgument("type at least one letter or digit to search for", "q");
  }
  std::string out;
  for (const auto& t : terms) out += (out.empty() ? "" : " AND ") + t;
  return out;
}

}  // namespace kuzot::search
