// XLSX reading: the workbook is a ZIP (libzip) of XML parts (expat). We read
// the workbook to find the sheet, the shared strings, the styles (to tell
// dates from numbers) and the sheet's cells, and hand the rows to the same
// TableBuilder as CSV.
#include <expat.h>
#include <zip.h>

#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <set>

#include "tabular/table_builder.h"
#include "tabular/tabular.h"

namespace kuzot::tabular {
namespace {

using Attributes = std::map<std::string, std::string>;

// The part after a namespace prefix: "x:sheet" -> "sheet", "r:id" -> "id".
std::string Local(const char* name) {
  std::string s(name);
  size_t colon = s.rfind(':');
  return colon == std::string::npos ? s : s.substr(colon + 1);
}

// A SAX walk over one XML part with plain callbacks.
struct XmlWalk {
  std::function<void(const std::string&, const Attributes&)> start;
  std::function<void(const std::string&)> end;
  std::function<void(std::string_view)> text;

  Status Run(const std::string& xml, const std::string& where) {
    std::unique_ptr<std::remove_pointer_t<XML_Parser>, decltype(&XML_ParserFree)> parser(
        XML_ParserCreate("UTF-8"), &XML_ParserFree);
    if (!parser) return Status::Internal("cannot start the XML parser");
    XML_SetUserData(parser.get(), this);
    XML_SetElementHandler(
        parser.get(),
        [](void* self, const XML_Char* name, const XML_Char** attrs) {
          auto* w = static_cast<XmlWalk*>(self);
          if (!w->start) return;
          Attributes a;
          for (int i = 0; attrs[i]; i += 2) a[Local(attrs[i])] = attrs[i + 1];
          w->start(Local(name), a);
        },
        [](void* self, const XML_Char* name) {
          auto* w = static_cast<XmlWalk*>(self);
          if (w->end) w->end(Local(name));
        });
    XML_SetCharacterDataHandler(parser.get(), [](void* self, const XML_Char* s, int len) {
      auto* w = static_cast<XmlWalk*>(self);
      if (w->text) w->text(std::string_view(s, len));
    });
    if (XML_Parse(parser.get(), xml.data(), static_cast<int>(xml.size()), 1) == XML_STATUS_ERROR) {
      return Status::InvalidArgument(where + ": damaged workbook (" +
                                     XML_ErrorString(XML_GetErrorCode(parser.get())) + " at line " +
                                     std::to_string(XML_GetCurrentLineNumber(parser.get())) + ")");
    }
    return Status::Ok();
  }
};

class Zip {
 public:
  static Result<std::unique_ptr<Zip>> Open(std::string_view bytes, const std::string& name,
                                           int64_t max_bytes) {
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
    zip_t* archive = source ? zip_open_from_source(source, ZIP_RDONLY, &error) : nullptr;
    if (!archive) {
      if (source) zip_source_free(source);
      std::string why = zip_error_strerror(&error);
      zip_error_fini(&error);
      return Status::InvalidArgument(name + ": is not a readable XLSX workbook (" + why + ")");
    }
    zip_error_fini(&error);
    return std::unique_ptr<Zip>(new Zip(archive, name, max_bytes));
  }
  ~Zip() { zip_discard(archive_); }

  bool Has(const std::string& entry) const {
    return zip_name_locate(archive_, entry.c_str(), 0) >= 0;
  }

  Result<std::string> Read(const std::string& entry) {
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat(archive_, entry.c_str(), 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE)) {
      return Status::InvalidArgument(name_ + ": is not an XLSX workbook (no " + entry + ")");
    }
    // A ZIP can claim a small size and inflate to gigabytes: trust the
    // limit, not the archive.
    if (static_cast<int64_t>(st.size) > max_bytes_) {
      return Status::TooLarge(name_ + ": the part " + entry + " is larger than the limit");
    }
    std::unique_ptr<zip_file_t, decltype(&zip_fclose)> file(zip_fopen(archive_, entry.c_str(), 0),
                                                            &zip_fclose);
    if (!file) return Status::InvalidArgument(name_ + ": cannot open " + entry);
    std::string out(st.size, '\0');
    zip_int64_t got = zip_fread(file.get(), out.data(), out.size());
    if (got < 0 || static_cast<zip_uint64_t>(got) != st.size) {
      return Status::InvalidArgument(name_ + ": damaged workbook (" + entry + " is truncated)");
    }
    return out;
  }

 private:
  Zip(zip_t* archive, std::string name, int64_t max_bytes)
      : archive_(archive), name_(std::move(name)), max_bytes_(max_bytes) {}
  zip_t* archive_;
  std::string name_;
  int64_t max_bytes_;
};

// "AB12" -> 27 (zero-based column); -1 when there are no letters.
int ColumnIndex(const std::string& ref) {
  int col = 0;
  size_t i = 0;
  for (; i < ref.size() && std::isalpha(static_cast<unsigned char>(ref[i])); ++i) {
    col = col * 26 + (std::toupper(static_cast<unsigned char>(ref[i])) - 'A' + 1);
    if (col > 16384) return -1;
  }
  return i == 0 ? -1 : col - 1;
}

// Whether a number format shows a date (built-in ids, or a code with
// day or year letters outside quotes and brackets).
bool IsDateFormat(int id, const std::string& code) {
  if ((id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) ||
      (id >= 50 && id <= 58)) {
    return true;
  }
  bool quoted = false, bracket = false;
  for (size_t i = 0; i < code.size(); ++i) {
    char c = code[i];
    if (c == '\\') {
      ++i;
      continue;
    }
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    if (c == '[') bracket = true;
    if (c == ']') bracket = false;
    if (bracket) continue;
    if (c == 'd' || c == 'D' || c == 'y' || c == 'Y') return true;
  }
  return false;
}

// Excel's serial day number to "YYYY-MM-DD" (and "THH:MM:SS" when not midnight).
std::string SerialToDate(double serial, bool date1904) {
  double whole = std::floor(serial);
  int64_t seconds = std::llround((serial - whole) * 86400.0);
  int64_t days = static_cast<int64_t>(whole);
  if (seconds >= 86400) {
    ++days;
    seconds -= 86400;
  }
  // Days since 1970-01-01. Excel's 1900 system counts a 29 February 1900
  // that never was: serials from 61 on are one day ahead.
  int64_t z = date1904 ? days + 24107 : days - (days >= 61 ? 25569 : 25568);
  // Howard Hinnant's civil_from_days.
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = yoe + era * 400;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int64_t d = doy - (153 * mp + 2) / 5 + 1;
  int64_t m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) ++y;
  char out[96];
  std::snprintf(out, sizeof out, "%04lld-%02lld-%02lld", static_cast<long long>(y),
                static_cast<long long>(m), static_cast<long long>(d));
  std::string s = out;
  if (seconds) {
    std::snprintf(out, sizeof out, "T%02lld:%02lld:%02lld", static_cast<long long>(seconds / 3600),
                  static_cast<long long>(seconds / 60 % 60), static_cast<long long>(seconds % 60));
    s += out;
  }
  return s;
}

std::string FormatNumber(const std::string& raw) {
  char* end = nullptr;
  double v = std::strtod(raw.c_str(), &end);
  if (raw.empty() || *end) return raw;
  if (std::floor(v) == v && std::fabs(v) < 1e15) {
    char out[32];
    std::snprintf(out, sizeof out, "%lld", static_cast<long long>(v));
    return out;
  }
  char out[40];
  std::snprintf(out, sizeof out, "%.15g", v);
  return out;
}

struct Workbook {
  std::vector<std::string> shared;
  std::vector<bool> date_style;  // by cellXfs index
  bool date1904 = false;
};

Status ReadSharedStrings(Zip& zip, const std::string& name, Workbook* book) {
  if (!zip.Has("xl/sharedStrings.xml")) return Status::Ok();
  KUZOT_ASSIGN_OR_RETURN(std::string xml, zip.Read("xl/sharedStrings.xml"));
  std::string current;
  bool in_t = false, in_phonetic = false;
  XmlWalk walk;
  walk.start = [&](const std::string& e, const Attributes&) {
    if (e == "si") current.clear();
    if (e == "rPh") in_phonetic = true;
    if (e == "t" && !in_phonetic) in_t = true;
  };
  walk.end = [&](const std::string& e) {
    if (e == "t") in_t = false;
    if (e == "rPh") in_phonetic = false;
    if (e == "si") book->shared.push_back(current);
  };
  walk.text = [&](std::string_view s) {
    if (in_t) current.append(s);
  };
  return walk.Run(xml, name);
}

Status ReadStyles(Zip& zip, const std::string& name, Workbook* book) {
  if (!zip.Has("xl/styles.xml")) return Status::Ok();
  KUZOT_ASSIGN_OR_RETURN(std::string xml, zip.Read("xl/styles.xml"));
  std::map<int, std::string> codes;
  bool in_xfs = false;
  std::vector<int> xf_formats;
  XmlWalk walk;
  walk.start = [&](const std::string& e, const Attributes& a) {
    if (e == "numFmt" && a.count("numFmtId")) {
      codes[std::atoi(a.at("numFmtId").c_str())] = a.count("formatCode") ? a.at("formatCode") : "";
    }
    if (e == "cellXfs") in_xfs = true;
    if (e == "xf" && in_xfs) {
      xf_formats.push_back(a.count("numFmtId") ? std::atoi(a.at("numFmtId").c_str()) : 0);
    }
  };
  walk.end = [&](const std::string& e) {
    if (e == "cellXfs") in_xfs = false;
  };
  KUZOT_RETURN_IF_ERROR(walk.Run(xml, name));
  for (int id : xf_formats) book->date_style.push_back(IsDateFormat(id, codes[id]));
  return Status::Ok();
}

// Finds the part of the wanted sheet (first, or by name).
Result<std::string> SheetPart(Zip& zip, const std::string& name, const std::string& wanted,
                              Workbook* book) {
  KUZOT_ASSIGN_OR_RETURN(std::string xml, zip.Read("xl/workbook.xml"));
  std::vector<std::pair<std::string, std::string>> sheets;  // name, rel id
  XmlWalk walk;
  walk.start = [&](const std::string& e, const Attributes& a) {
    if (e == "sheet" && a.count("id"))
      sheets.emplace_back(a.count("name") ? a.at("name") : "", a.at("id"));
    if (e == "workbookPr" && a.count("date1904")) {
      book->date1904 = a.at("date1904") == "1" || a.at("date1904") == "true";
    }
  };
  KUZOT_RETURN_IF_ERROR(walk.Run(xml, name));
  if (sheets.empty()) return Status::InvalidArgument(name + ": the workbook has no sheets");
  std::string rel = sheets.front().second;
  if (!wanted.empty()) {
    rel.clear();
    std::string names;
    for (const auto& [n, id] : sheets) {
      if (n == wanted) rel = id;
      names += (names.empty() ? "\"" : ", \"") + n + "\"";
    }
    if (rel.empty()) {
      return Status::InvalidArgument(name + ": has no sheet \"" + wanted + "\"; its sheets are " +
                                     names);
    }
  }
  KUZOT_ASSIGN_OR_RETURN(std::string rels, zip.Read("xl/_rels/workbook.xml.rels"));
  std::string target;
  XmlWalk rwalk;
  rwalk.start = [&](const std::string& e, const Attributes& a) {
    if (e == "Relationship" && a.count("Id") && a.at("Id") == rel && a.count("Target")) {
      target = a.at("Target");
    }
  };
  KUZOT_RETURN_IF_ERROR(rwalk.Run(rels, name));
  if (target.empty())
    return Status::InvalidArgument(name + ": damaged workbook (sheet part missing)");
  return target[0] == '/' ? target.substr(1) : "xl/" + target;
}

}  // namespace

Result<Table> ReadXlsx(std::string_view bytes, std::string_view name_view,
                       const ReadOptions& options) {
  std::string name(name_view);
  if (static_cast<int64_t>(bytes.size()) > options.max_bytes) {
    return Status::TooLarge(name + ": is larger than the limit of " +
                            std::to_string(options.max_bytes) + " bytes");
  }
  KUZOT_ASSIGN_OR_RETURN(auto zip, Zip::Open(bytes, name, options.max_bytes));
  Workbook book;
  KUZOT_ASSIGN_OR_RETURN(std::string part, SheetPart(*zip, name, options.sheet, &book));
  KUZOT_RETURN_IF_ERROR(ReadSharedStrings(*zip, name, &book));
  KUZOT_RETURN_IF_ERROR(ReadStyles(*zip, name, &book));
  KUZOT_ASSIGN_OR_RETURN(std::string xml, zip->Read(part));

  // A sheet leaves empty trailing cells out: a short row is not an error.
  TableBuilder builder(name, /*pad_short_rows=*/true);
  std::vector<std::string> row;
  int64_t row_number = 0;
  int next_column = 0;
  std::string type, value, inline_text;
  int column = 0, style = 0;
  bool in_v = false, in_is_t = false;
  Status cell_error;
  XmlWalk walk;
  walk.start = [&](const std::string& e, const Attributes& a) {
    if (e == "row") {
      row.clear();
      next_column = 0;
      row_number = a.count("r") ? std::atoll(a.at("r").c_str()) : row_number + 1;
    } else if (e == "c") {
      type = a.count("t") ? a.at("t") : "n";
      style = a.count("s") ? std::atoi(a.at("s").c_str()) : 0;
      column = a.count("r") ? ColumnIndex(a.at("r")) : next_column;
      if (column < 0) column = next_column;
      value.clear();
      inline_text.clear();
    } else if (e == "v") {
      in_v = true;
    } else if (e == "t") {
      in_is_t = type == "inlineStr";
    }
  };
  walk.end = [&](const std::string& e) {
    if (e == "v") in_v = false;
    if (e == "t") in_is_t = false;
    if (e == "c") {
      std::string text;
      if (type == "s") {
        size_t index = std::strtoul(value.c_str(), nullptr, 10);
        if (index >= book.shared.size()) {
          if (cell_error.ok()) {
            cell_error = Status::InvalidArgument(name + ", row " + std::to_string(row_number) +
                                                 ": damaged workbook (a missing shared string)");
          }
        } else {
          text = book.shared[index];
        }
      } else if (type == "inlineStr") {
        text = inline_text;
      } else if (type == "b") {
        text = value == "1" ? "TRUE" : "FALSE";
      } else if (type == "n" && !value.empty()) {
        bool is_date = style >= 0 && static_cast<size_t>(style) < book.date_style.size() &&
                       book.date_style[style];
        text = is_date ? SerialToDate(std::strtod(value.c_str(), nullptr), book.date1904)
                       : FormatNumber(value);
      } else {
        text = value;  // "str" (formula result), "e" (error such as #N/A)
      }
      if (static_cast<size_t>(column) >= row.size()) row.resize(column + 1);
      row[column] = std::move(text);
      next_column = column + 1;
    }
    if (e == "row") {
      bool blank = true;
      for (const auto& cell : row)
        blank = blank && cell.find_first_not_of(" \t") == std::string::npos;
      if (!blank) builder.AddRow(std::move(row), row_number);
      row.clear();
    }
  };
  walk.text = [&](std::string_view s) {
    if (in_v) value.append(s);
    if (in_is_t) inline_text.append(s);
  };
  KUZOT_RETURN_IF_ERROR(walk.Run(xml, name));
  KUZOT_RETURN_IF_ERROR(cell_error);
  KUZOT_RETURN_IF_ERROR(builder.status());
  KUZOT_ASSIGN_OR_RETURN(Table table, std::move(builder).Finish());
  table.encoding = "xlsx";
  return table;
}

}  // namespace kuzot::tabular
