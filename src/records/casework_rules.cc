#include "records/casework_rules.h"

#include <algorithm>
#include <set>

#include "common/clock.h"
#include "common/fuzzy_date.h"

namespace kuzot::records {
namespace {

std::string Str(const Json& object, const char* field) {
  auto it = object.find(field);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool Has(const Json& object, const char* field) {
  return object.is_object() && object.contains(field) && !object[field].is_null();
}

std::string Path(const char* list, size_t i, const char* field) {
  return std::string(list) + "[" + std::to_string(i) + "]." + field;
}

// Dates in a body were validated already; an unparsable one sorts first.
FuzzyDate DateOf(const Json& object, const char* field) {
  auto parsed = FuzzyDate::Parse(Str(object, field));
  return parsed.ok() ? parsed.value() : FuzzyDate{};
}

// `later` may not end before `earlier` starts.
Status InOrder(const Json& body, const char* earlier, const char* later, const std::string& what) {
  if (!Has(body, earlier) || !Has(body, later)) return Status::Ok();
  if (DateOf(body, later).Latest() < DateOf(body, earlier).Earliest()) {
    return Status::InvalidArgument("is before " + what, later);
  }
  return Status::Ok();
}

// Sorts the objects of `list` by their `date` (stable, so entries of the
// same day keep the order they were given in).
void SortByDate(Json& list, const char* field) {
  if (!list.is_array()) return;
  std::vector<Json> items(list.begin(), list.end());
  std::stable_sort(items.begin(), items.end(), [&](const Json& a, const Json& b) {
    return DateOf(a, field).Earliest() < DateOf(b, field).Earliest();
  });
  list = Json(items);
}

// A derived field the client sent with another value than the server's.
Status Differs(const Json& body, const char* field, const Json& derived, const std::string& how) {
  if (Has(body, field) && body[field] != derived) return Status::InvalidArgument(how, field);
  return Status::Ok();
}

}  // namespace

std::string TodayIso() { return NowIso8601().substr(0, 10); }

Status DeriveCase(Json& body) {
  if (Has(body, "clients")) {
    for (size_t i = 0; i < body["clients"].size(); ++i) {
      const Json& c = body["clients"][i];
      if (Has(c, "representation_basis") && !Has(c, "representative_person_id")) {
        return Status::InvalidArgument(
            "is required when representation_basis says why someone acts for the client",
            Path("clients", i, "representative_person_id"));
      }
      if (Str(c, "representative_person_id") == Str(c, "person_id") &&
          Has(c, "representative_person_id")) {
        return Status::InvalidArgument("is the client; a representative is someone else",
                                       Path("clients", i, "representative_person_id"));
      }
    }
  }
  if (Has(body, "opposing_parties")) {
    for (size_t i = 0; i < body["opposing_parties"].size(); ++i) {
      const Json& p = body["opposing_parties"][i];
      if (!Has(p, "organization_id") && !Has(p, "person_id")) {
        return Status::InvalidArgument("give the organization_id or the person_id of the party",
                                       Path("opposing_parties", i, "organization_id"));
      }
    }
  }
  if (Has(body, "deadlines")) {
    for (size_t i = 0; i < body["deadlines"].size(); ++i) {
      Json& d = body["deadlines"][i];
      if (DateOf(d, "due_date").precision != DatePrecision::kDay) {
        return Status::InvalidArgument("must be a day (YYYY-MM-DD): a deadline falls on a day",
                                       Path("deadlines", i, "due_date"));
      }
      if (Has(d, "done_date")) d["done"] = true;
    }
  }
  KUZOT_RETURN_IF_ERROR(InOrder(body, "opened_date", "closed_date", "opened_date"));
  if (Has(body, "hearings")) SortByDate(body["hearings"], "date");
  if (Has(body, "decisions")) SortByDate(body["decisions"], "date");
  // The status log is the record of the case's status over the years; the
  // current status is its latest entry. Setting the status appends an entry.
  if (Has(body, "status_log")) SortByDate(body["status_log"], "date");
  std::string latest = Has(body, "status_log") ? Str(body["status_log"].back(), "status") : "";
  if (Has(body, "status") && body["status"] != latest) {
    if (!Has(body, "status_log")) body["status_log"] = Json::array();
    std::string date = Has(body, "opened_date") && body["status_log"].empty()
                           ? body["opened_date"].get<std::string>()
                           : TodayIso();
    body["status_log"].push_back({{"date", date}, {"status", body["status"]}});
    latest = body["status"].get<std::string>();
  }
  if (latest.empty()) {
    body.erase("status");
  } else {
    body["status"] = latest;
  }
  return Status::Ok();
}

Status DeriveConsultation(Json& body) {
  if (!Has(body, "date")) body["date"] = TodayIso();
  if (Has(body, "case_id")) {
    body["status"] = "converted_to_case";
  } else if (Str(body, "status") == "converted_to_case") {
    return Status::InvalidArgument(
        "a consultation becomes a case through POST /api/v1/consultations/{id}/convert", "status");
  } else if (!Has(body, "status")) {
    body["status"] = "open";
  }
  return Status::Ok();
}

Status DeriveRecommendation(Json& body) {
  Json status = "unknown";
  Json status_date;
  if (Has(body, "assessments")) {
    Json& list = body["assessments"];
    for (size_t i = 0; i < list.size(); ++i) {
      if (!Has(list[i], "assessed_by") && !Has(list[i], "assessed_by_organization_id") &&
          !Has(list[i], "assessed_by_person_id")) {
        return Status::InvalidArgument(
            "say who assessed it: assessed_by, assessed_by_organization_id or "
            "assessed_by_person_id",
            Path("assessments", i, "assessed_by"));
      }
    }
    SortByDate(list, "date");
    status = list.back()["status"];
    status_date = list.back()["date"];
  }
  KUZOT_RETURN_IF_ERROR(Differs(body, "status", status,
                                "is the latest assessment's status; add an assessment (date, "
                                "status, who assessed) to change it"));
  KUZOT_RETURN_IF_ERROR(
      Differs(body, "status_date", status_date, "is the date of the latest assessment"));
  body["status"] = status;
  if (status_date.is_null()) {
    body.erase("status_date");
  } else {
    body["status_date"] = status_date;
  }
  return Status::Ok();
}

Status DeriveStatement(Json& body) {
  if (!Has(body, "status")) body["status"] = "draft";
  std::set<std::pair<std::string, int64_t>> versions;
  if (Has(body, "versions")) {
    for (size_t i = 0; i < body["versions"].size(); ++i) {
      const Json& v = body["versions"][i];
      int64_t number = v.value("version", int64_t{1});
      if (!versions.insert({Str(v, "language"), number}).second) {
        return Status::InvalidArgument(
            "there is already a version " + std::to_string(number) + " in " + Str(v, "language"),
            Path("versions", i, "version"));
      }
    }
  }
  if (Has(body, "signatories")) {
    std::set<std::string> seen;
    for (size_t i = 0; i < body["signatories"].size(); ++i) {
      if (!seen.insert(Str(body["signatories"][i], "organization_id")).second) {
        return Status::InvalidArgument("has signed already",
                                       Path("signatories", i, "organization_id"));
      }
    }
  }
  std::string status = Str(body, "status");
  if ((status == "published" || status == "open_for_signature") && versions.empty()) {
    return Status::InvalidArgument("a statement needs its text before it is signed or published",
                                   "versions");
  }
  return Status::Ok();
}

Status GuardStatement(const Json& before, const Json& after, bool by_server) {
  bool was_published = Str(before, "status") == "published";
  if (!by_server && Str(after, "status") == "published" && !was_published) {
    return Status::InvalidArgument(
        "publishing is an action of coordinators: POST /api/v1/statements/{id}/publish", "status");
  }
  if (!was_published || !Has(before, "versions")) return Status::Ok();
  // What was published stays as it was published; corrections are versions.
  for (const Json& old : before["versions"]) {
    const Json* now = nullptr;
    if (Has(after, "versions")) {
      for (const Json& v : after["versions"]) {
        if (v["language"] == old["language"] && v.value("version", 1) == old.value("version", 1)) {
          now = &v;
        }
      }
    }
    std::string which =
        "version " + std::to_string(old.value("version", 1)) + " (" + Str(old, "language") + ")";
    if (!now) {
      return Status::InvalidArgument(
          which + " was published and cannot be removed; withdraw the statement instead",
          "versions");
    }
    if ((*now)["text"] != old["text"] || now->value("title", "") != old.value("title", "")) {
      return Status::InvalidArgument(
          which + " was published and stays as it was; add a new version with the correction",
          "versions");
    }
  }
  return Status::Ok();
}

Status DeriveMission(Json& body) {
  KUZOT_RETURN_IF_ERROR(InOrder(body, "start_date", "end_date", "the start_date"));
  if (!Has(body, "visits")) return Status::Ok();
  for (size_t i = 0; i < body["visits"].size(); ++i) {
    const Json& v = body["visits"][i];
    if (!Has(v, "date")) continue;
    FuzzyDate date = DateOf(v, "date");
    if ((Has(body, "start_date") && date.Latest() < DateOf(body, "start_date").Earliest()) ||
        (Has(body, "end_date") && date.Earliest() > DateOf(body, "end_date").Latest())) {
      return Status::InvalidArgument("is outside the mission's dates", Path("visits", i, "date"));
    }
  }
  return Status::Ok();
}

Status DeriveSubmission(Json& body) {
  if (!Has(body, "status")) body["status"] = "draft";
  if (!Has(body, "sent")) return Status::Ok();
  if (Str(body, "status") == "draft") {
    return Status::InvalidArgument("it was sent; it cannot be a draft again", "status");
  }
  std::set<std::string> sent_ids;
  for (const Json& item : body["sent"].value("items", Json::array())) {
    sent_ids.insert(Str(item, "record_id"));
  }
  std::set<std::string> included;
  for (const Json& id : body.value("included_record_ids", Json::array())) {
    included.insert(id.get<std::string>());
  }
  if (included != sent_ids) {
    return Status::InvalidArgument("the package was sent (" + Str(body["sent"], "at") +
                                       "); what it contained cannot change: make a new "
                                       "submission",
                                   "included_record_ids");
  }
  return Status::Ok();
}

Status GuardSubmission(const Json& before, const Json& after, bool by_server) {
  if (!by_server && !Has(after, "sent") && Str(after, "status") != "draft") {
    return Status::InvalidArgument(
        "a submission leaves draft when it is sent: POST /api/v1/submissions/{id}/send freezes "
        "what it contains",
        "status");
  }
  return Status::Ok();
}

std::optional<std::string> CaseworkTitle(const std::string& type, const Json& r) {
  if (type == "consultation") {
    std::string who = Str(r, "client_name");
    return Str(r, "date") + " · " +
           (who.empty() ? Str(r, "problem_category") : who + " · " + Str(r, "problem_category"));
  }
  if (type == "recommendation") {
    std::string text = Str(r, "text");
    // Cut at a character boundary of UTF-8, not inside one.
    size_t cut = 90;
    if (text.size() > cut) {
      while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
      text = text.substr(0, cut) + "…";
    }
    std::string ref = Str(r, "issuing_body_name");
    if (ref.empty()) {
      ref = Str(r, "issuing_body");
      for (char& c : ref) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    if (Has(r, "paragraph")) ref += " " + Str(r, "paragraph");
    return ref + ": " + text;
  }
  return std::nullopt;
}

}  // namespace kuzot::records
