// From tables (src/tabular) to records: the column mapping of a list.
#include <unordered_set>

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
  struct Mapped {
    size_t index;
    Role role;
  };
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
  std::vector<Record> records;
  records.reserve(table.rows.size());
  std::unordered_set<std::string> ids;
  for (size_t row = 0; row < table.rows.size(); ++row) {
    const auto& cells = table.rows[row];
    Record r;
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
          if (value.empty()) {
            return Status::InvalidArgument(table.Where(row, index) + ": the id is empty", "id");
          }
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
    if (!ids.insert(r.id).second) {
      return Status::InvalidArgument(r.origin + ": the id \"" + id + "\" is used twice in the list",
                                     "id");
    }
    records.push_back(std::move(r));
  }
  return records;
}

}  // namespace kuzot::linkage
