#include "tabular/table_builder.h"

#include <set>

namespace kuzot::tabular {
namespace {

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

std::string Folded(const std::string& s) {
  std::string out = Trim(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace

std::optional<size_t> Table::Column(std::string_view name) const {
  std::string wanted = Folded(std::string(name));
  for (size_t i = 0; i < header.size(); ++i) {
    if (Folded(header[i]) == wanted) return i;
  }
  return std::nullopt;
}

std::string Table::Where(size_t row_index, std::optional<size_t> column) const {
  std::string out = name;
  if (row_index < row_numbers.size()) out += ", row " + std::to_string(row_numbers[row_index]);
  if (column && *column < header.size()) out += ", column \"" + header[*column] + "\"";
  return out;
}

TableBuilder::TableBuilder(std::string name, bool pad_short_rows)
    : pad_short_rows_(pad_short_rows) {
  table_.name = std::move(name);
}

void TableBuilder::SetHeader(std::vector<std::string> cells, int64_t row_number) {
  // Trailing empty header cells are spreadsheet residue, not columns.
  while (!cells.empty() && Trim(cells.back()).empty()) cells.pop_back();
  std::set<std::string> seen;
  for (size_t i = 0; i < cells.size(); ++i) {
    cells[i] = Trim(cells[i]);
    std::string where =
        table_.name + ", row " + std::to_string(row_number) + ", column " + std::to_string(i + 1);
    if (cells[i].empty()) {
      status_ =
          Status::InvalidArgument(where + ": the header cell is empty; every column needs a name");
      return;
    }
    if (!seen.insert(Folded(cells[i])).second) {
      status_ = Status::InvalidArgument(where + ": the column name \"" + cells[i] +
                                        "\" appears twice in the header");
      return;
    }
  }
  table_.header = std::move(cells);
  have_header_ = true;
}

void TableBuilder::AddRow(std::vector<std::string> cells, int64_t row_number) {
  if (!status_.ok()) return;
  if (!have_header_) {
    SetHeader(std::move(cells), row_number);
    return;
  }
  const size_t width = table_.header.size();
  // Built only for a message: a million rows would otherwise build a
  // million strings.
  auto where = [&] { return table_.name + ", row " + std::to_string(row_number); };
  if (cells.size() > width) {
    for (size_t i = width; i < cells.size(); ++i) {
      if (!Trim(cells[i]).empty()) {
        status_ = Status::InvalidArgument(where() + ": has " + std::to_string(cells.size()) +
                                          " cells, the header has " + std::to_string(width) +
                                          " (a separator inside a value that is not quoted?)");
        return;
      }
    }
    cells.resize(width);
  }
  if (cells.size() < width) {
    if (!pad_short_rows_) {
      status_ = Status::InvalidArgument(where() + ": has " + std::to_string(cells.size()) +
                                        " cells, the header has " + std::to_string(width) +
                                        "; the first missing is column \"" +
                                        table_.header[cells.size()] + "\"");
      return;
    }
    cells.resize(width);
  }
  table_.rows.push_back(std::move(cells));
  table_.row_numbers.push_back(row_number);
}

Result<Table> TableBuilder::Finish() && {
  if (!status_.ok()) return status_;
  if (!have_header_ || table_.header.empty()) {
    return Status::InvalidArgument(table_.name +
                                   ": is empty; a header row naming the columns is needed");
  }
  return std::move(table_);
}

}  // namespace kuzot::tabular
