// Import of recommendations as the OHCHR Universal Human Rights Index
// (uhri.ohchr.org, "Export to Excel") exports them. The columns, the "- "
// prefixes, the line-separated lists and Excel's day numbers are described
// in doc/casework.md.
#include <cctype>
#include <chrono>
#include <cstdio>
#include <map>
#include <regex>
#include <set>

#include "casework/util.h"
#include "common/fuzzy_date.h"
#include "tabular/tabular.h"

namespace kuzot::casework {
namespace {

// The columns Kuzot reads, each with the names exports have used for it.
struct Columns {
  std::optional<size_t> text, body, symbol, date, country, themes, persons, sdgs, session, states,
      position, type, annotation;
};

std::optional<size_t> Find(const tabular::Table& t, std::initializer_list<const char*> names) {
  for (const char* name : names) {
    if (auto c = t.Column(name)) return c;
  }
  return std::nullopt;
}

// "- Foo" -> "Foo".
std::string Clean(const std::string& cell) {
  size_t b = cell.find_first_not_of(" \t\r\n-");
  if (b == std::string::npos) return "";
  size_t e = cell.find_last_not_of(" \t\r\n");
  return cell.substr(b, e - b + 1);
}

// A list cell: one item per line ("- A\n- B"), or separated by ";".
std::vector<std::string> Items(const std::string& cell) {
  std::vector<std::string> out;
  std::string item;
  for (char c : cell + "\n") {
    if (c == '\n' || c == ';') {
      std::string cleaned = Clean(item);
      if (!cleaned.empty()) out.push_back(cleaned);
      item.clear();
    } else {
      item += c;
    }
  }
  return out;
}

// Lower case ASCII letters and digits only, "&" read as "and": labels match
// whatever punctuation an export version uses.
std::string Key(const std::string& label) {
  std::string out;
  std::string s = label;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '&') {
      out += "and";
    } else if (std::isalnum(c)) {
      out += static_cast<char>(std::tolower(c));
    }
  }
  return out;
}

// UHRI labels that differ from the English labels of Kuzot's terms.
const std::map<std::string, std::string>& Aliases() {
  static const std::map<std::string, std::string> aliases = {
      {Key("Torture and other cruel, inhuman or degrading treatment"), "torture"},
      {Key("Prohibition of torture and cruel, inhuman or degrading treatment"), "torture"},
      {Key("Administration of justice and fair trial"), "administration_of_justice"},
      {Key("Liberty and security of the person"), "liberty"},
      {Key("Conditions of detention"), "conditions_of_detention"},
      {Key("Freedom of expression"), "freedom_of_expression"},
      {Key("Freedom of peaceful assembly and association"), "freedom_of_assembly"},
      {Key("Human rights defenders"), "human_rights_defenders"},
      {Key("Non-discrimination"), "equality_non_discrimination"},
      {Key("Violence against women"), "gender_based_violence"},
      {Key("Gender-based violence against women and girls"), "gender_based_violence"},
      {Key("Children: definition, general principles, protection"), "rights_of_the_child"},
      {Key("Juvenile justice"), "juvenile_justice"},
      {Key("Trafficking in persons"), "trafficking"},
      {Key("National human rights institution"), "national_human_rights_institution"},
      {Key("National Human Rights Institutions"), "national_human_rights_institution"},
      {Key("Cooperation with treaty bodies"), "treaty_body_cooperation"},
      {Key("Scope of international obligations"), "international_instruments"},
      {Key("Human rights education and training"), "human_rights_education"},
      {Key("Women"), "women_girls"},
      {Key("Girls"), "women_girls"},
      {Key("Persons deprived of liberty"), "persons_deprived_of_liberty"},
      {Key("Journalists"), "journalists"},
      {Key("Media"), "journalists"},
      {Key("Minorities"), "minorities"},
      {Key("Refugees and asylum-seekers"), "refugees"},
      {Key("Internally displaced persons"), "internally_displaced"},
      {Key("Persons living in poverty"), "persons_in_poverty"},
      {Key("Older persons"), "older_persons"},
      {Key("Lesbian, gay, bisexual, transgender and intersex persons"), "lgbti"},
      {Key("LGBTI persons"), "lgbti"},
  };
  return aliases;
}

// Matches labels against a vocabulary's terms (English label or code) and
// the aliases above.
class VocabularyMatcher {
 public:
  VocabularyMatcher(const Json& vocabularies, const std::string& name) {
    if (!vocabularies.contains(name)) return;
    for (const Json& term : vocabularies[name]) {
      if (term.value("deprecated", false)) continue;
      std::string code = term["code"];
      codes_.insert(code);
      by_key_[Key(term["labels"].value("en", ""))] = code;
      by_key_[Key(code)] = code;
    }
  }
  std::optional<std::string> Match(const std::string& label) const {
    std::string key = Key(label);
    if (auto it = by_key_.find(key); it != by_key_.end()) return it->second;
    if (auto it = Aliases().find(key); it != Aliases().end() && codes_.count(it->second)) {
      return it->second;
    }
    return std::nullopt;
  }
  bool Has(const std::string& code) const { return codes_.count(code) > 0; }

 private:
  std::set<std::string> codes_;
  std::map<std::string, std::string> by_key_;
};

// The Kuzot code of a UHRI recommending body ("- CCPR", "- SR on torture;
// - Special Procedures"), or "other".
std::string BodyCode(const std::vector<std::string>& tokens) {
  static const std::map<std::string, std::string> codes = {
      {"UPR", "upr"},       {"CCPR", "ccpr"},
      {"CAT", "cat"},       {"SPT", "spt"},
      {"CEDAW", "cedaw"},   {"CERD", "cerd"},
      {"CRC", "crc"},       {"CRC-OP-AC", "crc"},
      {"CRC-OP-SC", "crc"}, {"CESCR", "cescr"},
      {"CMW", "cmw"},       {"CRPD", "crpd"},
      {"CED", "ced"},       {"SPECIAL PROCEDURES", "special_procedures"}};
  for (const auto& token : tokens) {
    std::string upper;
    for (char c : token) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (auto it = codes.find(upper); it != codes.end()) return it->second;
    for (const char* prefix : {"SR ", "IE ", "WG "}) {
      if (upper.rfind(prefix, 0) == 0) return "special_procedures";
    }
  }
  return "other";
}

// UPR sessions 1-12 were the first cycle, 13-26 the second, 27-40 the
// third, 41-54 the fourth (OHCHR's calendar).
std::string UprCycle(const std::string& session) {
  std::smatch m;
  static const std::regex number(R"((\d+))");
  if (!std::regex_search(session, m, number)) return "";
  int n = std::stoi(m[1]);
  if (n < 1) return "";
  static const char* kCycles[] = {"1st cycle", "2nd cycle", "3rd cycle", "4th cycle", "5th cycle"};
  int cycle = n <= 12 ? 0 : n <= 26 ? 1 : n <= 40 ? 2 : n <= 54 ? 3 : 4;
  return kCycles[cycle];
}

// A publication date as UHRI exports it: an Excel day number, YYYY-MM-DD
// (with or without a time) or DD/MM/YYYY. "" when it is none of them.
std::string ParseDate(const std::string& cell) {
  std::string s = Clean(cell);
  if (s.empty()) return "";
  static const std::regex serial(R"(^(\d{5})(\.\d+)?$)");
  static const std::regex iso(R"(^(\d{4}-\d{2}-\d{2})([ T].*)?$)");
  static const std::regex dmy(R"(^(\d{1,2})[./](\d{1,2})[./](\d{4})$)");
  std::smatch m;
  if (std::regex_match(s, m, serial)) {
    // Excel counts days from 1899-12-30 (its 1900 leap-year bug included).
    using namespace std::chrono;
    year_month_day ymd(sys_days(year(1899) / December / 30) + days(std::stoi(m[1])));
    char out[16];
    std::snprintf(out, sizeof out, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
    return out;
  }
  std::string day;
  if (std::regex_match(s, m, iso)) {
    day = m[1];
  } else if (std::regex_match(s, m, dmy)) {
    char out[16];
    std::snprintf(out, sizeof out, "%s-%02d-%02d", m[3].str().c_str(), std::stoi(m[2]),
                  std::stoi(m[1]));
    day = out;
  }
  return FuzzyDate::Parse(day).ok() ? day : "";
}

std::string Paragraph(const std::string& text) {
  static const std::regex paragraph(R"(^\s*(\d+(\.\d+)+)\b)");
  std::smatch m;
  return std::regex_search(text, m, paragraph) ? m[1].str() : "";
}

// The column a record field came from, for error messages.
std::optional<size_t> ColumnOfField(const Columns& c, const std::string& field) {
  std::string top = field.substr(0, field.find_first_of(".["));
  if (top == "text" || top == "paragraph") return c.text;
  if (top == "issuing_body" || top == "issuing_body_name") return c.body;
  if (top == "document_symbol") return c.symbol;
  if (top == "year") return c.date;
  if (top == "country") return c.country;
  if (top == "themes") return c.themes;
  if (top == "affected_groups") return c.persons;
  if (top == "sdgs") return c.sdgs;
  if (top == "session" || top == "cycle") return c.session;
  if (top == "recommending_states") return c.states;
  if (top == "state_position") return c.position;
  if (top == "uhri_annotation_id") return c.annotation;
  return std::nullopt;
}

constexpr char kDryRun[] = "dry run: nothing is written";

}  // namespace

Result<Json> CaseworkService::ImportUhri(const Caller& caller, const tabular::Table& table,
                                         const ImportOptions& options) {
  Columns c;
  c.text = Find(table, {"Text", "Recommendation", "Recommendation text"});
  c.body = Find(
      table, {"Reccomending Body", "Recommending Body", "Recommending body", "Body", "Mechanism"});
  c.symbol = Find(table, {"Document Symbol", "Symbol"});
  c.date = Find(table, {"Document Publication Date", "Publication Date", "Date"});
  c.country = Find(table, {"Countries Concerned", "Countries", "Country", "State under Review"});
  c.themes = Find(table, {"Themes", "Theme", "Issues"});
  c.persons = Find(table, {"Affected Persons", "Affected persons", "Concerned groups"});
  c.sdgs = Find(table, {"Sdgs", "SDGs", "SDG", "Sustainable Development Goals"});
  c.session = Find(table, {"UPR Session", "Session", "Cycle"});
  c.states = Find(table, {"UPR Reccomending States", "UPR Recommending States",
                          "Recommending State", "Recommending States"});
  c.position = Find(table, {"UPR Position", "Position", "Response"});
  c.type = Find(table, {"Type", "Annotation Type"});
  c.annotation = Find(table, {"OHCHR Annotation Id", "Annotation Id", "AnnotationId", "Id"});
  if (!c.text) {
    return Status::InvalidArgument(table.name +
                                   ": has no \"Text\" column (the recommendation's text); "
                                   "is it a Universal Human Rights Index export?");
  }
  if (!c.body) {
    return Status::InvalidArgument(table.name + ": has no \"Reccomending Body\" column");
  }
  KUZOT_ASSIGN_OR_RETURN(Json vocabularies, records_.Vocabularies());
  VocabularyMatcher themes(vocabularies, "theme"), groups(vocabularies, "affected_group"),
      sdg_codes(vocabularies, "sdg");
  auto cell = [&](size_t row, const std::optional<size_t>& column) -> std::string {
    return column ? table.rows[row][*column] : std::string();
  };
  auto error = [&](size_t row, const std::optional<size_t>& column, const std::string& what) {
    return Status::InvalidArgument(table.Where(row, column) + ": " + what);
  };

  // First every row becomes a recommendation body; nothing is written yet.
  struct Pending {
    size_t row;
    Json body;
  };
  std::vector<Pending> pending;
  std::map<std::string, int> skipped_types;
  std::map<std::pair<std::string, std::string>, std::vector<int64_t>> unmapped;
  std::set<std::string> annotations_in_file;
  int already_present = 0;
  for (size_t row = 0; row < table.rows.size(); ++row) {
    std::string type = Clean(cell(row, c.type));
    if (!type.empty() && Key(type).find("recommend") == std::string::npos) {
      ++skipped_types[type];
      continue;
    }
    std::string text = cell(row, c.text);
    if (Clean(text).empty()) {
      return error(row, c.text, "is empty: a recommendation needs its text");
    }
    Json body = {{"text", text}};
    std::vector<std::string> body_tokens = Items(cell(row, c.body));
    if (body_tokens.empty()) return error(row, c.body, "is empty: who made the recommendation?");
    body["issuing_body"] = BodyCode(body_tokens);
    if (body["issuing_body"] == "special_procedures" || body["issuing_body"] == "other") {
      body["issuing_body_name"] = body_tokens.front();
    }
    if (std::string symbol = Clean(cell(row, c.symbol)); !symbol.empty()) {
      body["document_symbol"] = symbol;
    }
    if (std::string raw = Clean(cell(row, c.date)); !raw.empty()) {
      std::string date = ParseDate(raw);
      if (date.empty()) {
        return error(row, c.date, "'" + raw.substr(0, 40) + "' is not a date");
      }
      body["year"] = std::stoi(date.substr(0, 4));
    }
    if (auto countries = Items(cell(row, c.country)); !countries.empty()) {
      body["country"] = countries.front();
    }
    if (std::string paragraph = Paragraph(text); !paragraph.empty()) body["paragraph"] = paragraph;
    if (std::string session = Clean(cell(row, c.session)); !session.empty()) {
      body["session"] = session;
      if (body["issuing_body"] == "upr") {
        if (std::string cycle = UprCycle(session); !cycle.empty()) body["cycle"] = cycle;
      }
    }
    if (auto states = Items(cell(row, c.states)); !states.empty()) {
      body["recommending_states"] = states;
    }
    if (std::string position = Clean(cell(row, c.position)); !position.empty()) {
      std::string key = Key(position);
      if (key == "supported" || key == "accepted") {
        body["state_position"] = "accepted";
      } else if (key == "noted") {
        body["state_position"] = "noted";
      } else if (key.find("partially") != std::string::npos || key == "supportednoted") {
        body["state_position"] = "partially_accepted";
      } else {
        return error(row, c.position,
                     "'" + position.substr(0, 40) +
                         "' is not a UPR position Kuzot knows (Supported, Noted, Partially "
                         "supported)");
      }
    }
    Json published = Json::array();
    auto map_list = [&](const std::optional<size_t>& column, const VocabularyMatcher& matcher,
                        const char* field, const char* column_name) {
      Json codes = Json::array();
      for (const auto& label : Items(cell(row, column))) {
        auto code = matcher.Match(label);
        if (code) {
          if (std::find(codes.begin(), codes.end(), Json(*code)) == codes.end()) {
            codes.push_back(*code);
          }
        } else {
          published.push_back(std::string(column_name) + ": " + label);
          unmapped[{column_name, label}].push_back(table.row_numbers[row]);
        }
      }
      if (!codes.empty()) body[field] = codes;
    };
    map_list(c.themes, themes, "themes", "Themes");
    map_list(c.persons, groups, "affected_groups", "Affected Persons");
    // SDGs come as "16.3 - Promote the rule of law": the number decides.
    Json sdgs = Json::array();
    for (const auto& label : Items(cell(row, c.sdgs))) {
      static const std::regex number(R"(^(?:Goal\s*)?(\d{1,2})(?:\.([0-9a-z]{1,2}))?)",
                                     std::regex::icase);
      std::smatch m;
      std::string code;
      if (std::regex_search(label, m, number)) {
        std::string goal = m[1];
        std::string target = m[2].matched ? goal + "-" + m[2].str() : "";
        code = !target.empty() && sdg_codes.Has(target) ? target : sdg_codes.Has(goal) ? goal : "";
        if (!target.empty() && code == goal) published.push_back("Sdgs: " + label);
      }
      if (code.empty()) {
        published.push_back("Sdgs: " + label);
        unmapped[{"Sdgs", label}].push_back(table.row_numbers[row]);
        continue;
      }
      if (std::find(sdgs.begin(), sdgs.end(), Json(code)) == sdgs.end()) sdgs.push_back(code);
    }
    if (!sdgs.empty()) body["sdgs"] = sdgs;
    if (!published.empty()) body["labels_as_published"] = published;
    if (!options.addressee_ids.empty()) body["addressee_ids"] = options.addressee_ids;
    body["confidentiality"] = options.confidentiality;
    if (std::string annotation = Clean(cell(row, c.annotation)); !annotation.empty()) {
      if (!annotations_in_file.insert(annotation).second) {
        return error(row, c.annotation, "the annotation " + annotation + " is in the file twice");
      }
      body["uhri_annotation_id"] = annotation;
      KUZOT_ASSIGN_OR_RETURN(
          Json existing,
          records_.List(caller, "recommendation",
                        {{{"uhri_annotation_id", annotation}}, "", 1, "", false, false}));
      if (!existing["items"].empty()) {
        ++already_present;
        continue;
      }
    }
    pending.push_back({row, std::move(body)});
  }

  // Then all of them are written in one transaction, or none.
  Json ids = Json::array();
  auto written =
      records_.InOneTransaction(caller, [&](records::RecordService::Batch& batch) -> Result<Json> {
        for (const auto& p : pending) {
          auto created = batch.Create("recommendation", p.body);
          if (!created.ok()) {
            const Status& s = created.status();
            if (s.code() != StatusCode::kInvalidArgument) return s;
            return error(p.row, ColumnOfField(c, s.field()),
                         (s.field().empty() ? "" : s.field() + ": ") + s.message());
          }
          ids.push_back(created.value()["id"]);
        }
        if (options.dry_run) return Status::Conflict(kDryRun);
        return Json::object();
      });
  if (!written.ok() && !(options.dry_run && written.status().message() == kDryRun)) {
    return written.status();
  }
  Json skipped = Json::object();
  for (const auto& [type, n] : skipped_types) skipped[type] = n;
  Json labels = Json::array();
  for (const auto& [key, rows] : unmapped) {
    Json row_numbers = Json::array();
    for (size_t i = 0; i < rows.size() && i < 20; ++i) row_numbers.push_back(rows[i]);
    labels.push_back({{"column", key.first},
                      {"label", key.second},
                      {"rows", row_numbers},
                      {"count", rows.size()}});
  }
  return Json{{"file", table.name},
              {"encoding", table.encoding},
              {"rows", table.rows.size()},
              {"imported", options.dry_run ? 0 : pending.size()},
              {"would_import", pending.size()},
              {"already_present", already_present},
              {"skipped_not_recommendations", skipped},
              {"unmapped_labels", labels},
              {"dry_run", options.dry_run},
              {"ids", options.dry_run ? Json::array() : ids}};
}

Result<Json> CaseworkService::ImportUhriFile(const Caller& caller, std::string_view bytes,
                                             const std::string& name,
                                             const ImportOptions& options) {
  tabular::ReadOptions read;
  // UHRI leaves cells empty at the end of rows; they are empty cells.
  read.pad_short_rows = true;
  // Told by content: an XLSX workbook is a ZIP archive.
  bool xlsx = bytes.substr(0, 4) == std::string_view("PK\x03\x04", 4);
  KUZOT_ASSIGN_OR_RETURN(tabular::Table table, xlsx ? tabular::ReadXlsx(bytes, name, read)
                                                    : tabular::ReadCsv(bytes, name, read));
  return ImportUhri(caller, table, options);
}

}  // namespace kuzot::casework
