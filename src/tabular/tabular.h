// Tables in and out: the spreadsheets people actually send (CSV in any
// common encoding and delimiter, XLSX) read into rows of UTF-8 text, and
// tables written back as CSV or XLSX.
//
// Reading never half-succeeds: a file is either read whole or refused with
// an InvalidArgument whose message names the file, the row (as a
// spreadsheet shows it: the header is row 1) and, where it applies, the
// column, e.g. `victims.csv, row 12: has 5 cells, the header has 4`.
//
// Thread safety: every function is reentrant; nothing is shared.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace kuzot::tabular {

// A table read from a file: a header and rows of the same width.
struct Table {
  std::string name;                 // the file's name, for messages
  std::vector<std::string> header;  // trimmed, unique, none empty
  std::vector<std::vector<std::string>> rows;
  // For each row, its number as a spreadsheet shows it (header = 1).
  std::vector<int64_t> row_numbers;
  std::string encoding;  // what the bytes were: "UTF-8", "windows-1251", ...; "xlsx"

  // The index of the column whose header equals `name` ignoring case and
  // surrounding spaces, or nullopt.
  std::optional<size_t> Column(std::string_view name) const;
  // "victims.csv, row 12, column \"age\"" for messages about one cell.
  std::string Where(size_t row_index, std::optional<size_t> column = std::nullopt) const;
};

struct ReadOptions {
  // Force an encoding (any name ICU knows: "windows-1251", "KOI8-R",
  // "UTF-16LE"); empty: detect (BOM, valid UTF-8, else ICU's detector).
  std::string encoding;
  // Force a delimiter; 0: detect among ',', ';', tab and '|' from the
  // header line.
  char delimiter = 0;
  // Rows shorter than the header are padded with empty cells instead of
  // refused. Longer rows are always refused unless the extra cells are
  // empty (Excel's trailing separators).
  bool pad_short_rows = false;
  // XLSX: the sheet to read by name; empty: the first sheet.
  std::string sheet;
  // Refuse larger inputs before reading them.
  int64_t max_bytes = int64_t{2} << 30;
};

// Reads a CSV or XLSX file, told apart by content (an XLSX is a ZIP),
// never by the name.
Result<Table> ReadFile(const std::string& path, const ReadOptions& options = {});
// Reads CSV bytes; `name` is used in messages.
Result<Table> ReadCsv(std::string_view bytes, std::string_view name,
                      const ReadOptions& options = {});
// Reads XLSX bytes (the first sheet, or options.sheet). Dates are given as
// YYYY-MM-DD (with the time when it is not midnight), whole numbers without
// a decimal point.
Result<Table> ReadXlsx(std::string_view bytes, std::string_view name,
                       const ReadOptions& options = {});

// Converts `bytes` to UTF-8. `encoding` empty: detect. Sets *detected to the
// encoding used. InvalidArgument (naming `name`) when the bytes are in no
// encoding that can be told with confidence.
Result<std::string> ToUtf8(std::string_view bytes, std::string_view name,
                           const std::string& encoding, std::string* detected);

struct CsvWriteOptions {
  char delimiter = ',';
  // Starts with a UTF-8 byte-order mark, so that Excel opens Cyrillic text
  // correctly.
  bool excel_bom = false;
  // A cell that would start a spreadsheet formula (=, +, -, @ and not a
  // number) gets a leading apostrophe, so that an exported name cannot run
  // as a formula on the recipient's machine.
  bool neutralize_formulas = true;
};

// Writes one CSV row (RFC 4180 quoting, CRLF line ends).
void WriteCsvRow(std::ostream& out, const std::vector<std::string>& cells,
                 const CsvWriteOptions& options = {});
// Writes a whole table: the header, then the rows.
void WriteCsv(std::ostream& out, const std::vector<std::string>& header,
              const std::vector<std::vector<std::string>>& rows,
              const CsvWriteOptions& options = {});

// One sheet of an XLSX workbook. Cells that parse wholly as numbers are
// written as numbers; the rest as text.
struct Sheet {
  std::string name;  // up to 31 characters; [ ] : * ? / \ are replaced
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

// The bytes of an XLSX workbook with these sheets. Built in memory (no
// temporary file on disk holds the data). Internal on a library failure.
Result<std::string> XlsxBytes(const std::vector<Sheet>& sheets);
// Writes the workbook to `path`.
Status WriteXlsx(const std::string& path, const std::vector<Sheet>& sheets);

}  // namespace kuzot::tabular
