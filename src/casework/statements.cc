// Statements: publishing, the public view (no sign-in) and signatory lists.
#include <algorithm>
#include <map>
#include <sstream>

#include "casework/util.h"
#include "common/fuzzy_date.h"
#include "tabular/tabular.h"

namespace kuzot::casework {
namespace {

// The latest version of each language, in the order languages first appear.
Json LatestVersions(const Json& statement) {
  std::vector<std::string> order;
  std::map<std::string, Json> latest;
  for (const Json& v : statement.value("versions", Json::array())) {
    std::string language = Str(v, "language");
    auto it = latest.find(language);
    if (it == latest.end()) {
      order.push_back(language);
      latest[language] = v;
    } else if (v.value("version", 1) >= it->second.value("version", 1)) {
      it->second = v;
    }
  }
  Json out = Json::array();
  for (const auto& language : order) out.push_back(latest[language]);
  return out;
}

}  // namespace

Result<Json> CaseworkService::PublishStatement(const Caller& caller, std::string_view id,
                                               const Json& body) {
  if (!body.is_object()) return Status::InvalidArgument("the body must be a JSON object");
  for (const auto& [key, value] : body.items()) {
    if (key != "published_date" && key != "make_public" && key != "revision") {
      return Status::InvalidArgument("unknown field (published_date, make_public, revision)", key);
    }
  }
  if (body.contains("make_public") && !body["make_public"].is_boolean()) {
    return Status::InvalidArgument("must be true or false", "make_public");
  }
  Json patch = {{"status", "published"},
                {"published_date", body.value("published_date", Json(Today()))}};
  if (body.value("make_public", true)) patch["confidentiality"] = "public";
  if (body.contains("revision")) patch["revision"] = body["revision"];
  return records_.InOneTransaction(
      caller, [&](records::RecordService::Batch& batch) -> Result<Json> {
        KUZOT_ASSIGN_OR_RETURN(Json statement, batch.Get("statement", id));
        if (Str(statement, "status") == "published") {
          return Status::Conflict("the statement was published on " +
                                  Str(statement, "published_date"));
        }
        return batch.PatchAsServer("statement", id, patch);
      });
}

Result<Json> CaseworkService::PublicStatement(std::string_view id) {
  Caller anyone = Caller::Anonymous();
  auto found = records_.Get(anyone, "statement", id);
  if (!found.ok() || Str(found.value(), "status") != "published" ||
      found.value().value("deleted", false)) {
    return Status::NotFound("there is no published statement with id '" +
                            std::string(id.substr(0, 40)) + "'");
  }
  const Json& s = found.value();
  Labels labels(records_);
  Titles titles(records_, anyone);
  Json signatories = Json::array();
  int unnamed = 0;
  for (const Json& sig : s.value("signatories", Json::array())) {
    const Json& org = titles.Record("organization", Str(sig, "organization_id"));
    // An organisation that signed on condition of anonymity, or whose record
    // is not public, is counted but never named.
    if (sig.value("anonymous", false) || org.is_null() || org.value("deleted", false)) {
      ++unnamed;
      continue;
    }
    Json entry = {{"name", Has(sig, "name_as_signed") ? sig["name_as_signed"] : org["name"]},
                  {"organization_id", org["id"]}};
    if (Has(org, "country")) entry["country"] = org["country"];
    if (Has(sig, "signed_date")) entry["signed_date"] = sig["signed_date"];
    signatories.push_back(std::move(entry));
  }
  Json out = {{"id", s["id"]},
              {"title", s["title"]},
              {"statement_type", s["statement_type"]},
              {"statement_type_labels", labels.Of("statement_type", Str(s, "statement_type"))},
              {"date", s.value("date", Json())},
              {"published_date", s.value("published_date", Json())},
              {"addressees", s.value("addressees_text", Json())},
              {"url", s.value("url", Json())},
              {"versions", LatestVersions(s)},
              {"signatories", signatories},
              {"signatory_count", signatories.size() + unnamed},
              {"unnamed_signatories", unnamed}};
  if (Has(s, "author_organization_id")) {
    std::string author = titles.Of("organization", Str(s, "author_organization_id"));
    if (!author.empty()) out["author"] = author;
  }
  return out;
}

Result<Json> CaseworkService::PublicStatements() {
  Caller anyone = Caller::Anonymous();
  Json items = Json::array();
  KUZOT_RETURN_IF_ERROR(
      ForEachRecord(records_, anyone, "statement", {{"status", "published"}}, [&](const Json& s) {
        Json versions = LatestVersions(s);
        Json languages = Json::array();
        for (const Json& v : versions) languages.push_back(v["language"]);
        items.push_back({{"id", s["id"]},
                         {"title", s["title"]},
                         {"statement_type", s["statement_type"]},
                         {"date", s.value("date", Json())},
                         {"published_date", s.value("published_date", Json())},
                         {"languages", languages},
                         {"signatory_count", s.value("signatories", Json::array()).size()}});
        return Status::Ok();
      }));
  std::vector<Json> sorted(items.begin(), items.end());
  std::stable_sort(sorted.begin(), sorted.end(), [](const Json& a, const Json& b) {
    return Str(a, "published_date") > Str(b, "published_date");
  });
  return Json{{"items", Json(sorted)}};
}

Result<TableData> CaseworkService::Signatories(const Caller& caller, std::string_view id) {
  KUZOT_ASSIGN_OR_RETURN(Json s, records_.Get(caller, "statement", id));
  Titles titles(records_, caller);
  TableData table;
  table.name = "Signatories";
  table.header = {"No.",       "Organisation",   "Name as signed", "Country",
                  "Signed on", "Named publicly", "Kuzot id"};
  int n = 0;
  for (const Json& sig : s.value("signatories", Json::array())) {
    std::string org_id = Str(sig, "organization_id");
    const Json& org = titles.Record("organization", org_id);
    table.rows.push_back({std::to_string(++n),
                          org.is_null() ? "(not visible to you)" : Str(org, "name"),
                          Str(sig, "name_as_signed"), org.is_null() ? "" : Str(org, "country"),
                          Str(sig, "signed_date"), sig.value("anonymous", false) ? "no" : "yes",
                          org.is_null() ? "" : org_id});
  }
  return table;
}

Result<FileData> CaseworkService::SignatoriesFile(const Caller& caller, std::string_view id,
                                                  const std::string& format) {
  if (format != "csv" && format != "xlsx") {
    return Status::InvalidArgument("must be csv or xlsx", "format");
  }
  KUZOT_ASSIGN_OR_RETURN(TableData table, Signatories(caller, id));
  FileData file;
  file.filename = "signatories-" + std::string(id.substr(0, 26)) + "." + format;
  if (format == "csv") {
    std::ostringstream out;
    tabular::CsvWriteOptions options;
    options.excel_bom = true;
    tabular::WriteCsv(out, table.header, table.rows, options);
    file.content_type = "text/csv; charset=utf-8";
    file.bytes = out.str();
  } else {
    KUZOT_ASSIGN_OR_RETURN(file.bytes,
                           tabular::XlsxBytes({{table.name, table.header, table.rows}}));
    file.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  }
  return file;
}

}  // namespace kuzot::casework
