// Recommendations: the implementation dashboard and what changed since a date.
#include <algorithm>
#include <map>
#include <set>

#include "casework/util.h"
#include "common/fuzzy_date.h"

namespace kuzot::casework {
namespace {

const std::vector<std::string>& Statuses() {
  static const std::vector<std::string> statuses = {"not_implemented", "partially_implemented",
                                                    "fully_implemented", "unknown"};
  return statuses;
}

// Counts of recommendations per key, split by implementation status.
class Tally {
 public:
  void Add(const std::string& key, const std::string& status) {
    auto& row = rows_[key];
    ++row[status];
    ++row[""];
  }
  // Rows of {key..., total, by_status}, most recommendations first.
  Json Rows(const std::function<Json(const std::string&)>& describe) const {
    std::vector<std::pair<std::string, std::map<std::string, int>>> rows(rows_.begin(),
                                                                         rows_.end());
    // Most first; the row of records without a value last among equals.
    std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
      if (a.second.at("") != b.second.at("")) return a.second.at("") > b.second.at("");
      return !a.first.empty() && b.first.empty();
    });
    Json out = Json::array();
    for (const auto& [key, counts] : rows) {
      Json row = describe(key);
      row["total"] = counts.at("");
      Json by_status = Json::object();
      for (const auto& s : Statuses()) {
        auto it = counts.find(s);
        by_status[s] = it == counts.end() ? 0 : it->second;
      }
      row["by_status"] = by_status;
      out.push_back(std::move(row));
    }
    return out;
  }

 private:
  std::map<std::string, std::map<std::string, int>> rows_;
};

// "16-3" -> "16"; goals stay as they are.
std::string Goal(const std::string& code) { return code.substr(0, code.find('-')); }

}  // namespace

Result<Json> CaseworkService::RecommendationDashboard(const Caller& caller,
                                                      const DashboardQuery& query) {
  Labels labels(records_);
  Titles titles(records_, caller);
  Tally by_body, by_theme, by_sdg, by_addressee, by_position, by_year;
  std::map<std::string, int> totals;
  int total = 0, never_assessed = 0;
  KUZOT_RETURN_IF_ERROR(
      ForEachRecord(records_, caller, "recommendation", query.filters, [&](const Json& r) {
        std::string status = Str(r, "status");
        if (status.empty()) status = "unknown";
        ++total;
        ++totals[status];
        if (!Has(r, "assessments")) ++never_assessed;
        by_body.Add(Str(r, "issuing_body"), status);
        by_position.Add(Str(r, "state_position"), status);
        by_year.Add(Has(r, "year") ? r["year"].dump() : "", status);
        const Json& themes = r.value("themes", Json::array());
        if (themes.empty()) by_theme.Add("", status);
        for (const Json& t : themes) by_theme.Add(t.get<std::string>(), status);
        std::set<std::string> sdgs;
        for (const Json& s : r.value("sdgs", Json::array())) {
          sdgs.insert(query.sdg_targets ? s.get<std::string>() : Goal(s.get<std::string>()));
        }
        if (sdgs.empty()) by_sdg.Add("", status);
        for (const auto& s : sdgs) by_sdg.Add(s, status);
        const Json& addressees = r.value("addressee_ids", Json::array());
        if (addressees.empty()) by_addressee.Add("", status);
        for (const Json& a : addressees) by_addressee.Add(a.get<std::string>(), status);
        return Status::Ok();
      }));
  auto coded = [&](const char* vocabulary) {
    return [&labels, vocabulary](const std::string& code) -> Json {
      if (code.empty()) return {{"code", nullptr}, {"labels", nullptr}};
      return {{"code", code}, {"labels", labels.Of(vocabulary, code)}};
    };
  };
  Json by_status = Json::object();
  for (const auto& s : Statuses()) {
    by_status[s] = {{"count", totals[s]}, {"labels", labels.Of("implementation_status", s)}};
  }
  return Json{
      {"total", total},
      {"never_assessed", never_assessed},
      {"by_status", by_status},
      {"by_body", by_body.Rows(coded("recommending_body"))},
      {"by_theme", by_theme.Rows(coded("theme"))},
      {"by_sdg", by_sdg.Rows(coded("sdg"))},
      {"by_addressee", by_addressee.Rows([&](const std::string& id) -> Json {
         if (id.empty()) return {{"organization_id", nullptr}, {"name", nullptr}};
         std::string name = titles.Of("organization", id);
         return {{"organization_id", id}, {"name", name.empty() ? Json() : Json(name)}};
       })},
      {"by_state_position", by_position.Rows(coded("state_position"))},
      {"by_year", by_year.Rows([](const std::string& year) -> Json {
         return {{"year", year.empty() ? Json() : Json(std::stoi(year))}};
       })},
  };
}

Result<Json> CaseworkService::RecommendationChanges(const Caller& caller,
                                                    const std::string& since_text) {
  // A day means its start; a time is taken as given (UTC).
  std::string since = since_text;
  auto day = FuzzyDate::Parse(since_text);
  if (day.ok() && day->precision == DatePrecision::kDay) {
    since = since_text + "T00:00:00.000Z";
  } else if (since_text.size() < 19 || since_text[10] != 'T' ||
             !FuzzyDate::Parse(since_text.substr(0, 10)).ok()) {
    return Status::InvalidArgument("must be a day (YYYY-MM-DD) or a time (YYYY-MM-DDTHH:MM:SSZ)",
                                   "since");
  }
  Json items = Json::array();
  KUZOT_ASSIGN_OR_RETURN(auto tx, records_.store().BeginRead());
  KUZOT_RETURN_IF_ERROR(ForEachRecord(records_, caller, "recommendation", {}, [&](const Json& r) {
    if (Str(r, "updated_at") < since) return Status::Ok();
    KUZOT_ASSIGN_OR_RETURN(auto before, tx->AsOf(Str(r, "id"), since));
    Json item = {{"id", r["id"]},
                 {"title", records::DisplayTitle("recommendation", r)},
                 {"issuing_body", r["issuing_body"]},
                 {"status_now", r.value("status", Json("unknown"))},
                 {"updated_at", r["updated_at"]},
                 {"updated_by", r["updated_by"]}};
    const Json& now_assessments = r.value("assessments", Json::array());
    if (!before) {
      item["created"] = true;
      item["status_before"] = nullptr;
      item["new_assessments"] = now_assessments;
      items.push_back(std::move(item));
      return Status::Ok();
    }
    item["created"] = false;
    if (!caller.MaySee(before->confidentiality)) {
      // Its earlier state was above the caller's level: say only that it changed.
      item["status_before"] = nullptr;
      item["before_hidden"] = true;
      item["new_assessments"] = Json::array();
      items.push_back(std::move(item));
      return Status::Ok();
    }
    Json old = Json::parse(before->body, nullptr, false);
    const Json& old_assessments = old.value("assessments", Json::array());
    Json added = Json::array();
    for (const Json& a : now_assessments) {
      if (std::find(old_assessments.begin(), old_assessments.end(), a) == old_assessments.end()) {
        added.push_back(a);
      }
    }
    int removed = 0;
    for (const Json& a : old_assessments) {
      if (std::find(now_assessments.begin(), now_assessments.end(), a) == now_assessments.end()) {
        ++removed;
      }
    }
    Json status_before = old.value("status", Json("unknown"));
    if (added.empty() && removed == 0 && status_before == item["status_now"]) {
      return Status::Ok();  // edited, but not its implementation
    }
    item["status_before"] = status_before;
    item["status_changed"] = status_before != item["status_now"];
    item["new_assessments"] = added;
    item["removed_assessments"] = removed;
    items.push_back(std::move(item));
    return Status::Ok();
  }));
  int changed = 0;
  for (const Json& item : items) changed += item.value("status_changed", false) ? 1 : 0;
  return Json{{"since", since}, {"status_changed", changed}, {"items", items}};
}

}  // namespace kuzot::casework
