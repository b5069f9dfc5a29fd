// CSV and XLSX writing. XLSX goes through libxlsxwriter into an anonymous
// in-memory file (memfd), with its scratch files in /dev/shm when there is
// one, so that exported records never touch the disk unencrypted.
#include <sys/mman.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <set>

#include "tabular/tabular.h"

namespace kuzot::tabular {
namespace {

bool LooksNumeric(const std::string& s) {
  if (s.empty() || s.size() > 17) return false;
  size_t digits_start = (s[0] == '-') ? 1 : 0;
  if (digits_start >= s.size() || !std::isdigit(static_cast<unsigned char>(s[digits_start]))) {
    return false;
  }
  // "007" or "0550123456" are identifiers and phone numbers, not numbers.
  if (s[digits_start] == '0' && s.size() > digits_start + 1 && s[digits_start + 1] != '.') {
    return false;
  }
  char* end = nullptr;
  std::strtod(s.c_str(), &end);
  if (*end) return false;
  for (char c : s) {
    if (c == 'e' || c == 'E' || c == 'x' || c == 'X' || c == 'n' || c == 'N' || c == 'i') {
      return false;  // no exponents, hex, nan or inf: keep them as text
    }
  }
  return true;
}

bool StartsFormula(const std::string& s) {
  return !s.empty() && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@') &&
         !LooksNumeric(s);
}

std::string SheetName(std::string name, std::set<std::string>* used) {
  for (char& c : name) {
    if (std::string_view("[]:*?/\\").find(c) != std::string_view::npos) c = '_';
  }
  if (name.empty()) name = "Sheet";
  // Cut at 31 bytes without splitting a UTF-8 sequence.
  if (name.size() > 31) {
    size_t cut = 31;
    while (cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xC0) == 0x80) --cut;
    name.resize(cut);
  }
  std::string unique = name;
  for (int n = 2; used->count(unique); ++n) {
    std::string suffix = " (" + std::to_string(n) + ")";
    unique = name.substr(0, 31 - suffix.size()) + suffix;
  }
  used->insert(unique);
  return unique;
}

Status BuildWorkbook(const std::string& path, const std::vector<Sheet>& sheets) {
  lxw_workbook_options options = {};
  std::string scratch = std::filesystem::is_directory("/dev/shm") ? "/dev/shm" : "";
  options.tmpdir = scratch.empty() ? nullptr : scratch.data();
  lxw_workbook* workbook = workbook_new_opt(path.c_str(), &options);
  if (!workbook) return Status::Internal("cannot create an XLSX workbook");
  lxw_format* bold = workbook_add_format(workbook);
  format_set_bold(bold);
  std::set<std::string> used;
  for (const Sheet& sheet : sheets.empty() ? std::vector<Sheet>{Sheet{}} : sheets) {
    std::string name = SheetName(sheet.name, &used);
    lxw_worksheet* ws = workbook_add_worksheet(workbook, name.c_str());
    if (!ws) {
      workbook_close(workbook);
      return Status::Internal("cannot add the sheet \"" + name + "\"");
    }
    std::vector<size_t> widths(sheet.header.size(), 8);
    for (size_t c = 0; c < sheet.header.size(); ++c) {
      worksheet_write_string(ws, 0, static_cast<lxw_col_t>(c), sheet.header[c].c_str(), bold);
      widths[c] = std::max(widths[c], sheet.header[c].size());
    }
    for (size_t r = 0; r < sheet.rows.size(); ++r) {
      auto row = static_cast<lxw_row_t>(r + 1);
      for (size_t c = 0; c < sheet.rows[r].size(); ++c) {
        const std::string& cell = sheet.rows[r][c];
        auto col = static_cast<lxw_col_t>(c);
        if (cell.empty()) continue;
        if (LooksNumeric(cell)) {
          worksheet_write_number(ws, row, col, std::strtod(cell.c_str(), nullptr), nullptr);
        } else {
          worksheet_write_string(ws, row, col, cell.c_str(), nullptr);
        }
        if (c < widths.size()) widths[c] = std::max(widths[c], std::min<size_t>(cell.size(), 60));
      }
    }
    for (size_t c = 0; c < widths.size(); ++c) {
      worksheet_set_column(ws, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c),
                           static_cast<double>(widths[c]) * 0.9 + 2, nullptr);
    }
    if (!sheet.header.empty()) worksheet_freeze_panes(ws, 1, 0);
  }
  lxw_error error = workbook_close(workbook);
  if (error != LXW_NO_ERROR) {
    return Status::Internal(std::string("cannot write the XLSX workbook: ") + lxw_strerror(error));
  }
  return Status::Ok();
}

}  // namespace

void WriteCsvRow(std::ostream& out, const std::vector<std::string>& cells,
                 const CsvWriteOptions& options) {
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i) out.put(options.delimiter);
    std::string cell = cells[i];
    if (options.neutralize_formulas && StartsFormula(cell)) cell.insert(0, "'");
    bool quote =
        cell.find_first_of(std::string("\"\r\n") + options.delimiter) != std::string::npos ||
        (!cell.empty() && (cell.front() == ' ' || cell.back() == ' '));
    if (!quote) {
      out << cell;
      continue;
    }
    out.put('"');
    for (char c : cell) {
      if (c == '"') out.put('"');
      out.put(c);
    }
    out.put('"');
  }
  out << "\r\n";
}

void WriteCsv(std::ostream& out, const std::vector<std::string>& header,
              const std::vector<std::vector<std::string>>& rows, const CsvWriteOptions& options) {
  if (options.excel_bom) out << "\xEF\xBB\xBF";
  WriteCsvRow(out, header, options);
  for (const auto& row : rows) WriteCsvRow(out, row, options);
}

Result<std::string> XlsxBytes(const std::vector<Sheet>& sheets) {
  int fd = memfd_create("kuzot-xlsx", MFD_CLOEXEC);
  if (fd < 0) return Status::Internal("cannot create an in-memory file for the workbook");
  std::string path = "/proc/self/fd/" + std::to_string(fd);
  Status built = BuildWorkbook(path, sheets);
  std::string bytes;
  if (built.ok()) {
    off_t size = lseek(fd, 0, SEEK_END);
    bytes.resize(size > 0 ? static_cast<size_t>(size) : 0);
    size_t done = 0;
    while (done < bytes.size()) {
      ssize_t n = pread(fd, bytes.data() + done, bytes.size() - done, static_cast<off_t>(done));
      if (n <= 0) break;
      done += static_cast<size_t>(n);
    }
    if (done != bytes.size()) built = Status::Internal("cannot read the workbook back");
  }
  close(fd);
  if (!built.ok()) return built;
  return bytes;
}

Status WriteXlsx(const std::string& path, const std::vector<Sheet>& sheets) {
  return BuildWorkbook(path, sheets);
}

}  // namespace kuzot::tabular
