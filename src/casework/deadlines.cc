// The deadlines view: what a lawyer must not miss, across every case,
// consultation follow-up and submission follow-up the caller may see.
#include <algorithm>

#include "casework/util.h"
#include "common/fuzzy_date.h"
#include "records/service.h"

namespace kuzot::casework {
namespace {

struct Window {
  std::string as_of;
  std::string until;
  bool include_overdue = true;

  // Whether a date falls in the window; fills the days left (negative
  // when past).
  bool Holds(const std::string& date, int* days_left) const {
    auto parsed = FuzzyDate::Parse(date);
    if (!parsed.ok()) return false;
    std::string day = parsed->Earliest();
    auto left = DaysBetween(as_of, day);
    if (!left) return false;
    *days_left = *left;
    if (day > until) return false;
    return *left >= 0 || include_overdue;
  }
};

bool Mentions(const Json& list, const std::string& id) {
  if (!list.is_array()) return false;
  return std::find(list.begin(), list.end(), Json(id)) != list.end();
}

Json RecordRef(const Json& record, const std::string& type) {
  return {{"type", type}, {"id", record["id"]}, {"title", records::DisplayTitle(type, record)}};
}

}  // namespace

Result<Json> CaseworkService::Deadlines(const Caller& caller, const DeadlineQuery& query) {
  if (query.days < 0 || query.days > 3660) {
    return Status::InvalidArgument("must be between 0 and 3660", "days");
  }
  Window window;
  window.as_of = query.as_of.empty() ? Today() : query.as_of;
  KUZOT_ASSIGN_OR_RETURN(window.until, AddDays(window.as_of, query.days, "as_of"));
  window.include_overdue = query.include_overdue;
  Labels labels(records_);
  Json items = Json::array();
  auto add = [&](Json item, int days_left) {
    item["days_left"] = days_left;
    item["overdue"] = days_left < 0;
    items.push_back(std::move(item));
  };

  KUZOT_RETURN_IF_ERROR(ForEachRecord(records_, caller, "case", {}, [&](const Json& c) {
    if (!query.case_id.empty() && c["id"] != query.case_id) return Status::Ok();
    if (Str(c, "status") == "closed") return Status::Ok();
    bool lawyers_case = query.lawyer_id.empty() ||
                        Mentions(c.value("lawyer_ids", Json()), query.lawyer_id) ||
                        Str(c, "supervising_lawyer_id") == query.lawyer_id;
    int days = 0;
    for (const Json& d : c.value("deadlines", Json::array())) {
      if (d.value("done", false)) continue;
      bool mine = lawyers_case || Str(d, "responsible_person_id") == query.lawyer_id;
      if (!mine || !window.Holds(Str(d, "due_date"), &days)) continue;
      add({{"date", d["due_date"]},
           {"kind", "deadline"},
           {"deadline_kind", d["kind"]},
           {"label", labels.Of("deadline_kind", Str(d, "kind"))},
           {"description", Str(d, "description")},
           {"responsible_person_id", d.value("responsible_person_id", Json())},
           {"record", RecordRef(c, "case")}},
          days);
    }
    if (!lawyers_case) return Status::Ok();
    for (const Json& h : c.value("hearings", Json::array())) {
      // A hearing past is history, not a deadline: only coming ones count,
      // the hearing's own day and the day it set for the next one.
      for (const char* field : {"date", "next_date"}) {
        if (!Has(h, field) || !window.Holds(Str(h, field), &days) || days < 0) continue;
        add({{"date", h[field]},
             {"kind", "hearing"},
             {"description", Str(h, "next_step")},
             {"court_id", h.value("court_id", Json())},
             {"record", RecordRef(c, "case")}},
            days);
      }
    }
    return Status::Ok();
  }));
  if (query.case_id.empty()) {
    KUZOT_RETURN_IF_ERROR(ForEachRecord(records_, caller, "consultation", {}, [&](const Json& c) {
      std::string status = Str(c, "status");
      if (status == "closed" || status == "converted_to_case") return Status::Ok();
      if (c.value("follow_up_done", false) || !Has(c, "follow_up_date")) return Status::Ok();
      if (!query.lawyer_id.empty() && Str(c, "lawyer_id") != query.lawyer_id) return Status::Ok();
      int days = 0;
      if (!window.Holds(Str(c, "follow_up_date"), &days)) return Status::Ok();
      add({{"date", c["follow_up_date"]},
           {"kind", "consultation_follow_up"},
           {"description", Str(c, "referral")},
           {"record", RecordRef(c, "consultation")}},
          days);
      return Status::Ok();
    }));
    if (query.lawyer_id.empty()) {
      KUZOT_RETURN_IF_ERROR(ForEachRecord(records_, caller, "submission", {}, [&](const Json& s) {
        if (Str(s, "status") == "closed") return Status::Ok();
        int days = 0;
        for (const Json& f : s.value("follow_ups", Json::array())) {
          if (f.value("done", false) || !window.Holds(Str(f, "due_date"), &days)) continue;
          add({{"date", f["due_date"]},
               {"kind", "submission_follow_up"},
               {"description", Str(f, "action")},
               {"record", RecordRef(s, "submission")}},
              days);
        }
        return Status::Ok();
      }));
    }
  }
  std::vector<Json> sorted(items.begin(), items.end());
  std::stable_sort(sorted.begin(), sorted.end(), [](const Json& a, const Json& b) {
    return a["days_left"].get<int>() < b["days_left"].get<int>();
  });
  int overdue = 0;
  for (const Json& item : sorted) overdue += item["overdue"].get<bool>() ? 1 : 0;
  return Json{{"as_of", window.as_of},
              {"until", window.until},
              {"overdue", overdue},
              {"items", Json(sorted)}};
}

}  // namespace kuzot::casework
