// From tables (src/tabular) to records: the column mapping of a list.
#include <algorithm>
#include <boost/unordered/unordered_flat_set.hpp>
#include <thread>

#include "linkage/linkage.h"

namespace kuzot::linkage {
namespace {

std::string Trim(std::string_view s) {
  size_t a = s.find_first_not_of(" \t\r\n");
  if (a == std::string_view::npos) return {};
  size_t b = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(a, b - a + 1));
}

void Append(std::string& field, const std::string& value) {
  if (value.empty()) return;
  if (!field.empty()) field += ' ';
  field += value;
}

struct Mapped {
  size_t index;
  Role role;
};

// Fills `r` from row `row` of `table`; false when the id cell is empty.
bool FillRecord(const tabular::Table& table, const std::vector<Mapped>& mapped, uint32_t source,
                const std::string& label, size_t row, Record& r) {
  const auto& cells = table.rows[row];
  r.source = source;
  r.origin = table.Where(row);
  std::string id;
  for (const auto& [index, role] : mapped) {
    std::string value = Trim(cells[index]);
    std::string& column = r.columns[static_cast<size_t>(role)];
    if (column.empty())
      column = table.header[index];
    else if (role != Role::kOther)
      column += ", " + table.header[index];
    switch (role) {
      case Role::kId:
        if (value.empty()) return false;
        id = value;
        break;
      case Role::kFullName:
        Append(r.full_name, value);
        break;
      case Role::kFirstName:
        Append(r.first_name, value);
        break;
      case Role::kLastName:
        Append(r.last_name, value);
        break;
      case Role::kPatronymic:
        Append(r.patronymic, value);
        break;
      case Role::kBirthDate:
        Append(r.birth_date, value);
        break;
      case Role::kBirthYear:
        Append(r.birth_year, value);
        break;
      case Role::kAge:
        Append(r.age, value);
        break;
      case Role::kSex:
        Append(r.sex, value);
        break;
      case Role::kPlace:
        if (!value.empty()) r.place += (r.place.empty() ? "" : ", ") + value;
        break;
      case Role::kAddress:
        Append(r.address, value);
        break;
      case Role::kDocumentId:
        Append(r.document_id, value);
        break;
      case Role::kOther:
        r.other.push_back(value);
        break;
    }
  }
  r.id = label + ":" + (id.empty() ? "row" + std::to_string(table.row_numbers[row]) : id);
  return true;
}

}  // namespace

Result<ColumnRole> ParseColumnRole(std::string_view text) {
  size_t eq = text.rfind('=');
  if (eq == std::string_view::npos || eq == 0 || eq + 1 == text.size()) {
    return Status::InvalidArgument(
        "\"" + std::string(text) + "\" is not COLUMN=ROLE (e.g. \"ФИО=full_name\")", "map");
  }
  KUZOT_ASSIGN_OR_RETURN(Role role, ParseRole(Trim(text.substr(eq + 1))));
  return ColumnRole{Trim(text.substr(0, eq)), role};
}

Result<std::vector<Record>> RecordsFromTable(const tabular::Table& table,
                                             const std::vector<ColumnRole>& columns,
                                             uint32_t source, const std::string& label) {
  std::vector<Mapped> mapped;
  bool has_name = false;
  int id_columns = 0;
  for (const auto& c : columns) {
    auto index = table.Column(c.column);
    if (!index) {
      std::string have;
      for (const auto& h : table.header) have += (have.empty() ? "\"" : ", \"") + h + "\"";
      return Status::InvalidArgument(
          table.name + ": no column \"" + c.column + "\" (it has " + have + ")", "map");
    }
    mapped.push_back({*index, c.role});
    has_name |= c.role == Role::kFullName || c.role == Role::kFirstName ||
                c.role == Role::kLastName || c.role == Role::kPatronymic;
    id_columns += c.role == Role::kId;
  }
  if (id_columns > 1) {
    return Status::InvalidArgument(table.name + ": two columns are mapped to the role id", "map");
  }
  if (!has_name) {
    return Status::InvalidArgument(
        table.name +
            ": no column is mapped to a name (full_name, first_name, last_name or "
            "patronymic)",
        "map");
  }
  // Rows become records on all cores (a million-row list takes seconds on
  // one), then ids are checked in row order so that the error reported is
  // the one a row-by-row reading would meet first.
  const size_t rows = table.rows.size();
  std::vector<Record> records(rows);
  int threads =
      rows < 20000 ? 1 : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::vector<size_t> first_empty(threads, rows);  // per thread: the first row without an id
  {
    auto work = [&](int t) {
      size_t begin = rows * t / threads, end = rows * (t + 1) / threads;
      for (size_t row = begin; row < end; ++row) {
        if (!FillRecord(table, mapped, source, label, row, records[row])) {
          first_empty[t] = row;
          return;
        }
      }
    };
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t) pool.emplace_back(work, t);
    work(0);
    for (auto& th : pool) th.join();
  }
  const size_t empty_row = *std::min_element(first_empty.begin(), first_empty.end());
  boost::unordered_flat_set<std::string_view> ids;
  ids.reserve(empty_row);
  for (size_t row = 0; row < empty_row; ++row) {
    const Record& r = records[row];
    if (!ids.insert(r.id).second) {
      return Status::InvalidArgument(
          r.origin + ": the id \"" + r.id.substr(label.size() + 1) + "\" is used twice in the list",
          "id");
    }
  }
  if (empty_row < rows) {
    for (const auto& m : mapped) {
      if (m.role == Role::kId) {
        return Status::InvalidArgument(table.Where(empty_row, m.index) + ": the id is empty", "id");
      }
    }
  }
  return records;
}

}  // namespace kuzot::linkage
