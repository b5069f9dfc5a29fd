// Lists imported as sources: one source record and one person per row,
// written in one transaction after every row has been checked.
#include <charconv>

#include "common/base64.h"
#include "common/clock.h"
#include "linkage/workbench_impl.h"
#include "tabular/tabular.h"

namespace kuzot::linkage {
namespace {

// Beyond this a list is a job for the command line (kuzot reconcile).
constexpr size_t kMaxRows = 200000;

std::string StringField(const Json& request, const char* name) {
  if (!request.contains(name) || !request[name].is_string()) return {};
  return request[name].get<std::string>();
}

std::string Stem(const std::string& filename) {
  std::string base = filename.substr(filename.find_last_of("/\\") + 1);
  size_t dot = base.rfind('.');
  return dot == std::string::npos || dot == 0 ? base : base.substr(0, dot);
}

std::string Join(std::initializer_list<const std::string*> parts) {
  std::string out;
  for (const std::string* p : parts) {
    if (p->empty()) continue;
    if (!out.empty()) out += ' ';
    out += *p;
  }
  return out;
}

// The first column of the table mapped to one of `roles`, for messages.
std::optional<size_t> ColumnOf(const tabular::Table& table, const std::vector<ColumnRole>& columns,
                               std::initializer_list<Role> roles) {
  for (const auto& c : columns) {
    for (Role r : roles) {
      if (c.role == r) return table.Column(c.column);
    }
  }
  return std::nullopt;
}

// The list a request carries ({"filename", "content_base64", "encoding"?}),
// read whole, with at least one row and at most kMaxRows.
Result<tabular::Table> ReadList(const Json& request) {
  const std::string filename = StringField(request, "filename");
  if (filename.empty()) {
    return Status::InvalidArgument("is required: the list's file name", "filename");
  }
  const std::string encoded = StringField(request, "content_base64");
  if (encoded.empty()) {
    return Status::InvalidArgument("is required: the file's bytes in base64", "content_base64");
  }
  auto bytes = Base64Decode(encoded);
  if (!bytes) return Status::InvalidArgument("is not base64", "content_base64");
  tabular::ReadOptions options;
  options.encoding = StringField(request, "encoding");
  const bool xlsx = bytes->rfind("PK\x03\x04", 0) == 0;
  auto table = xlsx ? tabular::ReadXlsx(*bytes, filename, options)
                    : tabular::ReadCsv(*bytes, filename, options);
  if (!table.ok()) return Status::InvalidArgument(table.status().message(), "content_base64");
  if (table->rows.empty()) {
    return Status::InvalidArgument(filename + ": the list has no rows", "content_base64");
  }
  if (table->rows.size() > kMaxRows) {
    return Status::InvalidArgument(filename + ": more than " + std::to_string(kMaxRows) +
                                       " rows; reconcile it with kuzot reconcile",
                                   "content_base64");
  }
  return std::move(table).value();
}

}  // namespace

std::string RowNote(int64_t row, const Json& cells) {
  return "row " + std::to_string(row) + ": " + cells.dump();
}

bool ParseRowNote(const std::string& note, int64_t& row, Json& cells) {
  if (note.rfind("row ", 0) != 0) return false;
  size_t colon = note.find(": ", 4);
  if (colon == std::string::npos) return false;
  auto [p, ec] = std::from_chars(note.data() + 4, note.data() + colon, row);
  if (ec != std::errc() || p != note.data() + colon) return false;
  cells = Json::parse(note.substr(colon + 2), nullptr, false);
  return cells.is_object();
}

Result<Json> WorkbenchImpl::PreviewList(const Caller&, const Json& request) {
  if (!request.is_object()) return Status::InvalidArgument("must be a JSON object", "body");
  KUZOT_ASSIGN_OR_RETURN(tabular::Table table, ReadList(request));
  // Enough rows to recognise each column, few enough for a slow link.
  constexpr size_t kPreviewRows = 5;
  Json rows = Json::array();
  for (size_t i = 0; i < table.rows.size() && i < kPreviewRows; ++i) rows.push_back(table.rows[i]);
  return Json{{"filename", table.name},
              {"encoding", table.encoding},
              {"header", table.header},
              {"rows", std::move(rows)},
              {"row_count", table.rows.size()}};
}

Result<Json> WorkbenchImpl::ImportList(const Caller& caller, const Json& request) {
  if (!request.is_object()) return Status::InvalidArgument("must be a JSON object", "body");
  KUZOT_ASSIGN_OR_RETURN(const tabular::Table table, ReadList(request));
  const std::string filename = table.name;
  if (!request.contains("columns") || !request["columns"].is_object() ||
      request["columns"].empty()) {
    return Status::InvalidArgument(
        "is required: an object of COLUMN: ROLE (e.g. {\"ФИО\": \"full_name\"})", "columns");
  }
  std::vector<ColumnRole> columns;
  for (const auto& [column, role] : request["columns"].items()) {
    if (!role.is_string()) return Status::InvalidArgument("must be a role", "columns." + column);
    auto parsed = ParseRole(role.get<std::string>());
    if (!parsed.ok())
      return Status::InvalidArgument(parsed.status().message(), "columns." + column);
    columns.push_back({column, *parsed});
  }
  const std::string event_date = StringField(request, "event_date");
  if (!event_date.empty() && NormalizeDate(event_date).empty()) {
    return Status::InvalidArgument("is not a date (YYYY-MM-DD)", "event_date");
  }

  auto rows = RecordsFromTable(table, columns, 0, "row");
  if (!rows.ok()) return Status::InvalidArgument(rows.status().message(), "columns");

  const std::string list_name =
      StringField(request, "name").empty() ? Stem(filename) : StringField(request, "name");
  const std::string confidentiality = StringField(request, "confidentiality");
  Json source = {
      {"title", list_name},
      {"kind", "victim_list"},
      {"description", "List imported from " + filename + " (" + std::to_string(table.rows.size()) +
                          " rows); each person cites the row it came from."}};
  if (!confidentiality.empty()) source["confidentiality"] = confidentiality;
  Json items = Json::array();
  items.push_back({{"key", "list"}, {"type", "source"}, {"body", source}});

  Json warnings = Json::array();
  const auto name_column =
      ColumnOf(table, columns, {Role::kFullName, Role::kLastName, Role::kFirstName});
  for (size_t i = 0; i < rows->size(); ++i) {
    const Record& r = (*rows)[i];
    auto where = [&](std::initializer_list<Role> roles) {
      return table.Where(i, ColumnOf(table, columns, roles));
    };
    const std::string name =
        r.full_name.empty() ? Join({&r.last_name, &r.first_name, &r.patronymic}) : r.full_name;
    if (name.empty()) {
      return Status::InvalidArgument(
          table.Where(i, name_column) + ": the name is empty (every row must name a person)",
          "columns");
    }
    Json person = {{"names", Json::array({{{"value", name}}})}};
    if (!r.sex.empty()) {
      std::string sex = NormalizeSex(r.sex);
      if (sex.empty()) {
        warnings.push_back(where({Role::kSex}) + ": \"" + r.sex +
                           "\" is not a sex; kept in the row's note only");
      } else {
        person["sex"] = sex;
      }
    }
    std::string birth = r.birth_date.empty() ? "" : NormalizeDate(r.birth_date);
    if (!r.birth_date.empty() && birth.empty()) {
      warnings.push_back(where({Role::kBirthDate}) + ": \"" + r.birth_date +
                         "\" is not a date; kept in the row's note only");
    }
    if (birth.empty() && !r.birth_year.empty()) {
      birth = NormalizeDate(r.birth_year);
      if (birth.size() != 4) {
        birth.clear();
        warnings.push_back(where({Role::kBirthYear}) + ": \"" + r.birth_year +
                           "\" is not a year; kept in the row's note only");
      }
    }
    if (!birth.empty()) person["birth_date"] = birth;
    if (!r.age.empty()) {
      int age = -1;
      auto [p, ec] = std::from_chars(r.age.data(), r.age.data() + r.age.size(), age);
      if (ec != std::errc() || p != r.age.data() + r.age.size() || age < 0 || age > 130) {
        return Status::InvalidArgument(
            where({Role::kAge}) + ": \"" + r.age + "\" is not an age in whole years (0 to 130)",
            "columns");
      }
      person["age_at_event"] = age;
    }
    if (!r.address.empty()) person["address"] = r.address;
    if (!confidentiality.empty()) person["confidentiality"] = confidentiality;
    Json cells = Json::object();
    for (const auto& c : columns) {
      // An address is a sensitive field of the person; the note is not.
      if (c.role == Role::kAddress) continue;
      auto index = table.Column(c.column);
      if (!index) continue;
      const std::string& value = table.rows[i][*index];
      if (!value.empty()) cells[table.header[*index]] = value;
    }
    person["sources"] =
        Json::array({{{"source_id", "@list"}, {"note", RowNote(table.row_numbers[i], cells)}}});
    items.push_back(
        {{"key", "r" + std::to_string(i)}, {"type", "person"}, {"body", std::move(person)}});
  }

  // The ids are chosen first and noted as an intent in the linkage store:
  // should the server die between the records' transaction and the list's
  // row, the next start finds the records and writes the row (or finds
  // none and drops the intent). See SettleIntents.
  storage::ListRow list;
  list.id = NewId();
  list.source_id = NewId();
  list.name = list_name;
  list.filename = filename;
  list.rows = static_cast<int64_t>(rows->size());
  Json mapping = Json::object();
  for (const auto& c : columns) mapping[c.column] = RoleName(c.role);
  list.columns = Json{{"columns", mapping}, {"event_date", event_date}}.dump();
  list.created_by = caller.user;
  list.created_at = NowIso8601();
  std::map<std::string, std::string> preset = {{"list", list.source_id}};
  std::vector<std::string> persons;
  for (size_t i = 0; i < rows->size(); ++i) {
    persons.push_back(NewId());
    preset["r" + std::to_string(i)] = persons.back();
  }
  KUZOT_RETURN_IF_ERROR(
      store_->AddIntent({list.id, "list", ListIntent(list, persons), list.created_at}));
  FailPoint("list-noted");
  auto created = records_.CreateMany(caller, items, items.size(), preset);
  if (!created.ok()) {
    (void)store_->RemoveIntent(list.id);  // nothing was written; a leftover is settled on start
    // Name the row the failing record came from.
    const Status& s = created.status();
    std::string field = s.field();
    size_t index = 0;
    if (field.rfind("records[", 0) == 0) index = std::strtoul(field.c_str() + 8, nullptr, 10);
    if (s.code() != StatusCode::kInvalidArgument) return s;
    if (index == 0) return Status::InvalidArgument(filename + ": " + s.message(), field);
    return Status::InvalidArgument(
        table.Where(index - 1) + ": " + field.substr(field.find(".body") + 5) + ": " + s.message(),
        "content_base64");
  }
  FailPoint("list-written");
  KUZOT_RETURN_IF_ERROR(store_->PutList(list, persons));
  Json out = {{"list",
               {{"id", list.id},
                {"source_id", list.source_id},
                {"name", list.name},
                {"filename", list.filename},
                {"rows", list.rows},
                {"encoding", table.encoding},
                {"columns", mapping},
                {"event_date", event_date}}},
              {"persons", persons.size()},
              {"warnings", warnings}};
  return out;
}

Result<Json> WorkbenchImpl::Lists(const Caller&) {
  KUZOT_ASSIGN_OR_RETURN(auto lists, store_->Lists());
  Json items = Json::array();
  for (const auto& l : lists) {
    Json columns = Json::parse(l.columns, nullptr, false);
    items.push_back({{"id", l.id},
                     {"source_id", l.source_id},
                     {"name", l.name},
                     {"filename", l.filename},
                     {"rows", l.rows},
                     {"columns", columns.is_object() ? columns["columns"] : Json::object()},
                     {"event_date", columns.is_object() ? columns["event_date"] : Json("")},
                     {"created_by", l.created_by},
                     {"created_at", l.created_at}});
  }
  return Json{{"items", std::move(items)}};
}

}  // namespace kuzot::linkage
