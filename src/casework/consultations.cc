// Consultations: counts for reports, and turning a consultation into a case.
#include <algorithm>
#include <map>

#include "casework/util.h"
#include "common/fuzzy_date.h"

namespace kuzot::casework {
namespace {

// Rows of {key, labels, count}, largest first.
Json CountRows(const std::map<std::string, int>& counts,
               const std::function<Json(const std::string&)>& describe) {
  std::vector<std::pair<std::string, int>> rows(counts.begin(), counts.end());
  // Most first; the row of records without a value last among equals.
  std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    if (a.second != b.second) return a.second > b.second;
    return !a.first.empty() && b.first.empty();
  });
  Json out = Json::array();
  for (const auto& [key, count] : rows) {
    Json row = describe(key);
    row["count"] = count;
    out.push_back(std::move(row));
  }
  return out;
}

// Walks up the gazetteer from a place to the level reports are made at.
class RegionFinder {
 public:
  RegionFinder(records::RecordService& records, const Caller& caller, std::string level)
      : titles_(records, caller), level_(std::move(level)) {}

  // The id of the place at the level (or the place itself when it is above
  // that level or has no parent), "" when the place is not visible.
  std::string Region(const std::string& place_id) {
    auto cached = regions_.find(place_id);
    if (cached != regions_.end()) return cached->second;
    static const std::vector<std::string> kOrder = {"country", "oblast",  "district", "city",
                                                    "jamoat",  "village", "site"};
    auto rank = [](const std::string& level) {
      auto it = std::find(kOrder.begin(), kOrder.end(), level);
      return static_cast<int>(it - kOrder.begin());
    };
    // Up the parents while they are still at or below the level: a city
    // directly under the country (Bishkek) stays itself.
    std::string found;
    const Json* place = &titles_.Record("place", place_id);
    if (!place->is_null()) found = place_id;
    for (int depth = 0; depth < 16 && !place->is_null(); ++depth) {
      if (rank(Str(*place, "level")) <= rank(level_)) break;
      std::string parent_id = Str(*place, "parent_id");
      static const Json kNone;
      const Json& parent = parent_id.empty() ? kNone : titles_.Record("place", parent_id);
      if (parent.is_null() || rank(Str(parent, "level")) < rank(level_)) break;
      found = parent_id;
      place = &parent;
    }
    regions_[place_id] = found;
    return found;
  }
  std::string Name(const std::string& id) { return titles_.Of("place", id); }

 private:
  Titles titles_;
  std::string level_;
  std::map<std::string, std::string> regions_;
};

std::string DefaultCaseType(const std::string& category) {
  if (category == "torture_ill_treatment") return "torture_complaint";
  if (category == "criminal_case" || category == "detention" || category == "police_misconduct") {
    return "criminal_defence";
  }
  if (category == "property_land" || category == "housing" || category == "family" ||
      category == "labour" || category == "conflict_damage") {
    return "civil";
  }
  if (category == "documents_citizenship" || category == "social_benefits") {
    return "administrative";
  }
  return "other";
}

}  // namespace

Result<Json> CaseworkService::ConsultationCounts(const Caller& caller, const CountQuery& query) {
  static const std::vector<std::string> kLevels = {"country", "oblast", "district", "city"};
  if (std::find(kLevels.begin(), kLevels.end(), query.region_level) == kLevels.end()) {
    return Status::InvalidArgument("must be country, oblast, district or city", "region_level");
  }
  std::vector<std::pair<std::string, std::string>> filters;
  for (const auto& [value, name] : {std::pair{query.from, "from"}, std::pair{query.to, "to"}}) {
    if (value.empty()) continue;
    auto day = FuzzyDate::Parse(value);
    if (!day.ok() || day->precision != DatePrecision::kDay) {
      return Status::InvalidArgument("must be a day (YYYY-MM-DD)", name);
    }
    filters.emplace_back(std::string("date_") + name, value);
  }
  if (!query.from.empty() && !query.to.empty() && query.to < query.from) {
    return Status::InvalidArgument("is before from", "to");
  }
  Labels labels(records_);
  RegionFinder regions(records_, caller, query.region_level);
  std::map<std::string, int> by_category, by_group, by_region, by_sex, by_age, by_month, by_channel;
  int total = 0, became_cases = 0;
  KUZOT_RETURN_IF_ERROR(
      ForEachRecord(records_, caller, "consultation", filters, [&](const Json& c) {
        ++total;
        ++by_category[Str(c, "problem_category")];
        const Json& groups = c.value("vulnerable_groups", Json::array());
        if (groups.empty()) ++by_group[""];
        for (const Json& g : groups) ++by_group[g.get<std::string>()];
        ++by_region[Has(c, "place_id") ? regions.Region(Str(c, "place_id")) : ""];
        ++by_sex[Str(c, "client_sex")];
        ++by_age[Str(c, "age_group")];
        ++by_channel[Str(c, "channel")];
        ++by_month[Str(c, "date").substr(0, 7)];
        if (Has(c, "case_id")) ++became_cases;
        return Status::Ok();
      }));
  auto coded = [&](const char* vocabulary) {
    return [&labels, vocabulary](const std::string& code) -> Json {
      if (code.empty()) return {{"code", nullptr}, {"labels", nullptr}};
      return {{"code", code}, {"labels", labels.Of(vocabulary, code)}};
    };
  };
  std::vector<std::pair<std::string, int>> months(by_month.begin(), by_month.end());
  Json month_rows = Json::array();
  for (const auto& [month, count] : months)
    month_rows.push_back({{"month", month}, {"count", count}});
  return Json{
      {"from", query.from.empty() ? Json() : Json(query.from)},
      {"to", query.to.empty() ? Json() : Json(query.to)},
      {"region_level", query.region_level},
      {"total", total},
      {"became_cases", became_cases},
      {"by_category", CountRows(by_category, coded("problem_category"))},
      {"by_region", CountRows(by_region,
                              [&](const std::string& id) -> Json {
                                if (id.empty()) return {{"place_id", nullptr}, {"name", nullptr}};
                                return {{"place_id", id}, {"name", regions.Name(id)}};
                              })},
      {"by_group", CountRows(by_group, coded("affected_group"))},
      {"by_sex", CountRows(by_sex, coded("sex"))},
      {"by_age_group", CountRows(by_age, coded("age_group"))},
      {"by_channel", CountRows(by_channel, coded("consultation_channel"))},
      {"by_month", month_rows},
  };
}

Result<Json> CaseworkService::ConvertConsultation(const Caller& caller, std::string_view id,
                                                  const Json& overrides) {
  if (!overrides.is_object()) return Status::InvalidArgument("the body must be a JSON object");
  Labels labels(records_);
  return records_.InOneTransaction(
      caller, [&](records::RecordService::Batch& batch) -> Result<Json> {
        KUZOT_ASSIGN_OR_RETURN(Json consultation, batch.Get("consultation", id));
        if (consultation.value("deleted", false)) {
          return Status::Conflict("the consultation is deleted; restore it first");
        }
        if (Has(consultation, "case_id")) {
          return Status::Conflict("the consultation became the case " +
                                  Str(consultation, "case_id") + " already");
        }
        std::string level = Str(consultation, "confidentiality");
        Json out = Json::object();
        std::string person_id = Str(consultation, "person_id");
        if (person_id.empty() && Has(consultation, "client_name")) {
          // Who came had only a name: the case needs them as a person.
          Json person = {{"names", Json::array({{{"value", consultation["client_name"]}}})},
                         {"confidentiality", level}};
          if (Has(consultation, "client_sex")) person["sex"] = consultation["client_sex"];
          if (Has(consultation, "client_contact"))
            person["contact"] = consultation["client_contact"];
          if (Has(consultation, "sources")) person["sources"] = consultation["sources"];
          KUZOT_ASSIGN_OR_RETURN(Json created, batch.Create("person", person));
          person_id = created["id"].get<std::string>();
          out["person"] = created;
        }
        std::string category = Str(consultation, "problem_category");
        std::string who = Has(consultation, "client_name")
                              ? Str(consultation, "client_name")
                              : "consultation of " + Str(consultation, "date");
        std::string summary = Str(consultation, "problem");
        if (Has(consultation, "advice_given")) {
          summary += (summary.empty() ? "" : "\n\n") + std::string("Advice given: ") +
                     Str(consultation, "advice_given");
        }
        Json body = {
            {"title",
             who + ": " + labels.Of("problem_category", category)["en"].get<std::string>()},
            {"case_type", DefaultCaseType(category)},
            {"opened_date", Today()},
            {"consultation_id", consultation["id"]},
            {"status", "intake"},
            {"confidentiality", level}};
        if (!summary.empty()) body["summary"] = summary;
        if (!person_id.empty()) body["clients"] = Json::array({{{"person_id", person_id}}});
        if (Has(consultation, "lawyer_id")) {
          body["lawyer_ids"] = Json::array({consultation["lawyer_id"]});
        }
        if (Has(consultation, "sources")) body["sources"] = consultation["sources"];
        for (const auto& [key, value] : overrides.items()) {
          if (key == "revision") continue;
          if (value.is_null()) {
            body.erase(key);
          } else {
            body[key] = value;
          }
        }
        KUZOT_ASSIGN_OR_RETURN(Json created_case, batch.Create("case", body));
        Json link = {{"case_id", created_case["id"]}};
        if (!person_id.empty() && !Has(consultation, "person_id")) link["person_id"] = person_id;
        if (overrides.contains("revision")) link["revision"] = overrides["revision"];
        KUZOT_ASSIGN_OR_RETURN(
            Json updated,
            batch.PatchAsServer("consultation", consultation["id"].get<std::string>(), link));
        out["case"] = created_case;
        out["consultation"] = updated;
        return out;
      });
}

}  // namespace kuzot::casework
