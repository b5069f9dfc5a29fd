// CSV reading with libcsv (RFC 4180, strict mode): the text is first made
// UTF-8, the delimiter found from the header line, then rows are checked
// against the header's width.
#include <csv.h>

#include <algorithm>
#include <memory>

#include "tabular/table_builder.h"
#include "tabular/tabular.h"

namespace kuzot::tabular {
namespace {

// Counts candidate delimiters on the first line, outside quotes.
char DetectDelimiter(std::string_view text) {
  const std::string candidates = ",;\t|";
  size_t counts[4] = {0, 0, 0, 0};
  bool quoted = false;
  for (char c : text) {
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    if (c == '\n' || c == '\r') break;
    size_t k = candidates.find(c);
    if (k != std::string::npos) ++counts[k];
  }
  size_t best = std::max_element(counts, counts + 4) - counts;
  return counts[best] ? candidates[best] : ',';
}

int IsSpace(unsigned char c) { return c == ' ' ? 1 : 0; }
int IsSpaceOrTab(unsigned char c) { return c == ' ' || c == '\t' ? 1 : 0; }

struct ParseState {
  TableBuilder* builder;
  std::vector<std::string> row;
  int64_t row_number = 0;  // of the row being read
  bool after_cr = false;   // the last row ended with a bare CR
};

void OnField(void* data, size_t length, void* state) {
  auto* s = static_cast<ParseState*>(state);
  s->row.emplace_back(data ? static_cast<const char*>(data) : "", data ? length : 0);
}

void OnRowEnd(int terminator, void* state) {
  auto* s = static_cast<ParseState*>(state);
  bool empty = s->row.empty() || (s->row.size() == 1 && s->row[0].empty());
  // With CSV_REPALL_NL every line end is reported: the LF of a CRLF pair
  // is not a row of its own.
  bool crlf_tail = empty && terminator == '\n' && s->after_cr;
  s->after_cr = terminator == '\r';
  if (crlf_tail) return;
  ++s->row_number;
  size_t width = s->row.size();
  if (!empty) s->builder->AddRow(std::move(s->row), s->row_number);
  s->row.clear();
  // The next row is most likely as wide: one allocation instead of several.
  s->row.reserve(width);
}

}  // namespace

Result<Table> ReadCsv(std::string_view bytes, std::string_view name, const ReadOptions& options) {
  if (static_cast<int64_t>(bytes.size()) > options.max_bytes) {
    return Status::TooLarge(std::string(name) + ": is larger than the limit of " +
                            std::to_string(options.max_bytes) + " bytes");
  }
  std::string encoding;
  KUZOT_ASSIGN_OR_RETURN(std::string text, ToUtf8(bytes, name, options.encoding, &encoding));
  char delimiter = options.delimiter ? options.delimiter : DetectDelimiter(text);

  csv_parser parser;
  if (csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI | CSV_REPALL_NL) != 0) {
    return Status::Internal("cannot start the CSV parser");
  }
  std::unique_ptr<csv_parser, decltype(&csv_free)> guard(&parser, &csv_free);
  csv_set_delim(&parser, static_cast<unsigned char>(delimiter));
  csv_set_space_func(&parser, delimiter == '\t' ? IsSpace : IsSpaceOrTab);

  TableBuilder builder(std::string(name), options.pad_short_rows);
  ParseState state{&builder, {}, 0, false};
  size_t parsed = csv_parse(&parser, text.data(), text.size(), OnField, OnRowEnd, &state);
  int error = csv_error(&parser);
  if (parsed == text.size() && csv_fini(&parser, OnField, OnRowEnd, &state) != 0) {
    error = csv_error(&parser);
  }
  if (error == CSV_EPARSE) {
    return Status::InvalidArgument(
        std::string(name) + ", row " + std::to_string(state.row_number + 1) +
        ": a quote is misplaced or never closed (a quoted value must be quoted whole, with "
        "any quote inside it doubled)");
  }
  if (error != 0) {
    return Status::Internal(std::string(name) + ": " + csv_strerror(error));
  }
  KUZOT_RETURN_IF_ERROR(builder.status());
  KUZOT_ASSIGN_OR_RETURN(Table table, std::move(builder).Finish());
  table.encoding = encoding;
  return table;
}

}  // namespace kuzot::tabular
