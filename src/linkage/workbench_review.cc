// The review queue, people's decisions, and merges of persons (and their
// undoing).
#include <algorithm>
#include <cstdio>
#include <set>

#include "common/clock.h"
#include "linkage/workbench_impl.h"
#include "records/schema.h"

namespace kuzot::linkage {
namespace {

constexpr size_t kMaxAbsorbed = 50;
constexpr size_t kMaxNote = 2000;

int Level(const std::string& confidentiality) {
  static const char* kLevels[] = {"public", "internal", "restricted", "secret"};
  for (int i = 0; i < 4; ++i) {
    if (confidentiality == kLevels[i]) return i;
  }
  return 1;  // the default, internal
}

Json DecisionJson(const storage::DecisionRow& d) {
  return {{"seq", d.seq},
          {"left_id", d.left_id},
          {"right_id", d.right_id},
          {"decision", d.decision},
          {"note", d.note},
          {"job_id", d.job_id},
          {"decided_by", d.decided_by},
          {"decided_at", d.decided_at}};
}

Json MergeJson(const storage::MergeRow& m) {
  Json out = {{"id", m.id},
              {"survivor_id", m.survivor_id},
              {"absorbed_ids", m.absorbed_ids},
              {"survivor_revision_before", m.survivor_revision_before},
              {"survivor_revision_after", m.survivor_revision_after},
              {"job_id", m.job_id},
              {"merged_by", m.merged_by},
              {"merged_at", m.merged_at},
              {"undone", !m.undone_at.empty()}};
  if (!m.undone_at.empty()) {
    out["undone_by"] = m.undone_by;
    out["undone_at"] = m.undone_at;
  }
  return out;
}

// The fields of a record as read, without the envelope (for a replace).
Json FieldsOf(const Json& record) {
  Json body = record;
  for (const auto& f : records::EnvelopeFields()) body.erase(f);
  return body;
}

// Puts under `key` the references a merge changed that the caller may
// see (a sensitive field, such as who gave a source, only to those who see
// sensitive fields), and under key + "_hidden" how many others it changed.
void AddChanges(const Caller& caller, const Json& changes, Json& out, const std::string& key) {
  Json shown = Json::array();
  int64_t hidden = 0;
  for (const auto& c : changes) {
    if (!caller.MaySee(c.value("confidentiality", "secret")) ||
        (c.value("sensitive", false) && !caller.sees_sensitive)) {
      ++hidden;
      continue;
    }
    shown.push_back({{"id", c["id"]},
                     {"type", c["type"]},
                     {"path", c["path"]},
                     {"from", c["from"]},
                     {"change", c["change"]}});
  }
  out[key] = std::move(shown);
  out[key + "_hidden"] = hidden;
}

std::string Cursor(const storage::ReviewPair& p) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", p.probability);
  return std::string(buf) + "|" + p.left_id + "|" + p.right_id;
}

}  // namespace

Result<Json> WorkbenchImpl::ReviewQueue(const Caller& caller, const std::string& job_id, int limit,
                                        const std::string& cursor, bool undecided_only) {
  if (limit < 1 || limit > 200)
    return Status::InvalidArgument("must be between 1 and 200", "limit");
  KUZOT_ASSIGN_OR_RETURN(auto job, store_->GetJob(job_id));
  if (!job) return Status::NotFound("there is no reconciliation job " + job_id);
  if (job->state != "done") {
    return Status::Conflict("the job is " + job->state +
                            "; its review queue comes when it is done");
  }
  Json settings = Json::parse(job->settings, nullptr, false);
  const double min_p = settings.value("review_min", 0.1);
  const double max_p = settings.value("review_max", 0.95);
  double after_p = 0;
  std::string after_left, after_right;
  if (!cursor.empty()) {
    size_t a = cursor.find('|'), b = cursor.rfind('|');
    if (a == std::string::npos || a == b)
      return Status::InvalidArgument("is not a cursor", "cursor");
    char* end = nullptr;
    after_p = std::strtod(cursor.c_str(), &end);
    if (end != cursor.c_str() + a) return Status::InvalidArgument("is not a cursor", "cursor");
    after_left = cursor.substr(a + 1, b - a - 1);
    after_right = cursor.substr(b + 1);
  }
  // Source record id -> list name, to say which list each citation is.
  KUZOT_ASSIGN_OR_RETURN(auto lists, store_->Lists());
  std::map<std::string, std::string> list_names;
  for (const auto& l : lists) list_names[l.source_id] = l.name;
  auto provenance = [&](const Json& person) {
    Json rows = Json::array();
    if (!person.contains("sources") || !person["sources"].is_array()) return rows;
    for (const auto& cite : person["sources"]) {
      auto list = list_names.find(cite.value("source_id", ""));
      int64_t row = 0;
      Json cells;
      if (list == list_names.end() || !ParseRowNote(cite.value("note", ""), row, cells)) continue;
      rows.push_back({{"list", list->second},
                      {"source_id", list->first},
                      {"row", row},
                      {"cells", std::move(cells)}});
    }
    return rows;
  };

  Json items = Json::array();
  std::string next_cursor;
  bool more = true;
  while (more && static_cast<int>(items.size()) < limit) {
    KUZOT_ASSIGN_OR_RETURN(auto pairs, store_->ReviewPairs(job_id, min_p, max_p, limit * 2,
                                                           after_left, after_right, after_p));
    more = static_cast<int>(pairs.size()) == limit * 2;
    for (const auto& p : pairs) {
      after_p = p.probability;
      after_left = p.left_id;
      after_right = p.right_id;
      auto left = Person(caller, p.left_id);
      auto right = Person(caller, p.right_id);
      if (!left.ok() && left.status().code() != StatusCode::kNotFound) return left.status();
      if (!right.ok() && right.status().code() != StatusCode::kNotFound) return right.status();
      if (!left.ok() || !right.ok()) continue;  // not visible to the caller
      if (left->value("deleted", false) || right->value("deleted", false)) continue;  // merged
      KUZOT_ASSIGN_OR_RETURN(auto history, store_->DecisionHistory(p.left_id, p.right_id));
      if (undecided_only && !history.empty()) continue;
      Json item = {{"left", *left},
                   {"right", *right},
                   {"probability", p.probability},
                   {"explanation", Json::parse(p.explanation, nullptr, false)},
                   {"provenance", {{"left", provenance(*left)}, {"right", provenance(*right)}}},
                   {"decision", history.empty() ? Json() : DecisionJson(history.back())}};
      items.push_back(std::move(item));
      if (static_cast<int>(items.size()) == limit) {
        next_cursor = Cursor(p);
        break;
      }
    }
  }
  return Json{{"job_id", job_id},
              {"review_min", min_p},
              {"review_max", max_p},
              {"items", std::move(items)},
              {"next_cursor", next_cursor.empty() ? Json() : Json(next_cursor)}};
}

Result<Json> WorkbenchImpl::Decide(const Caller& caller, const Json& request) {
  if (!request.is_object()) return Status::InvalidArgument("must be a JSON object", "body");
  for (const char* f : {"left_id", "right_id", "decision"}) {
    if (!request.contains(f) || !request[f].is_string() || request[f].get<std::string>().empty()) {
      return Status::InvalidArgument("is required", f);
    }
  }
  const std::string decision = request["decision"];
  if (decision != "same" && decision != "different" && decision != "unsure") {
    return Status::InvalidArgument("must be same, different or unsure", "decision");
  }
  if (request["left_id"] == request["right_id"]) {
    return Status::InvalidArgument("must be another person than left_id", "right_id");
  }
  for (const char* f : {"left_id", "right_id"}) {
    auto person = Person(caller, request[f]);
    if (!person.ok()) {
      if (person.status().code() == StatusCode::kNotFound) {
        return Status::InvalidArgument("there is no such person", f);
      }
      return person.status();
    }
  }
  storage::DecisionRow row;
  std::tie(row.left_id, row.right_id) = Ordered(request["left_id"], request["right_id"]);
  row.decision = decision;
  if (request.contains("note")) {
    if (!request["note"].is_string() || request["note"].get<std::string>().size() > kMaxNote) {
      return Status::InvalidArgument("must be a text of at most 2000 bytes", "note");
    }
    row.note = request["note"];
  }
  if (request.contains("job_id") && request["job_id"].is_string()) row.job_id = request["job_id"];
  row.decided_by = caller.user;
  row.decided_at = NowIso8601();
  KUZOT_RETURN_IF_ERROR(store_->AddDecision(row));
  return DecisionJson(row);
}

Result<Json> WorkbenchImpl::Decisions(const Caller&, const std::string& left_id,
                                      const std::string& right_id) {
  std::vector<storage::DecisionRow> rows;
  if (left_id.empty() != right_id.empty()) {
    return Status::InvalidArgument("give both left_id and right_id, or neither",
                                   left_id.empty() ? "left_id" : "right_id");
  }
  if (left_id.empty()) {
    KUZOT_ASSIGN_OR_RETURN(rows, store_->RecentDecisions(200));
  } else {
    auto [l, r] = Ordered(left_id, right_id);
    KUZOT_ASSIGN_OR_RETURN(rows, store_->DecisionHistory(l, r));
  }
  Json items = Json::array();
  for (const auto& d : rows) items.push_back(DecisionJson(d));
  return Json{{"items", std::move(items)}};
}

Result<Json> WorkbenchImpl::Merge(const Caller& caller, const Json& request) {
  if (!request.is_object()) return Status::InvalidArgument("must be a JSON object", "body");
  if (!request.contains("survivor_id") || !request["survivor_id"].is_string()) {
    return Status::InvalidArgument("is required: the person who stays", "survivor_id");
  }
  const std::string survivor_id = request["survivor_id"];
  if (!request.contains("absorbed_ids") || !request["absorbed_ids"].is_array() ||
      request["absorbed_ids"].empty() || request["absorbed_ids"].size() > kMaxAbsorbed) {
    return Status::InvalidArgument("must list 1 to 50 persons merged into the survivor",
                                   "absorbed_ids");
  }
  std::vector<std::string> absorbed;
  for (size_t i = 0; i < request["absorbed_ids"].size(); ++i) {
    const Json& id = request["absorbed_ids"][i];
    const std::string path = "absorbed_ids[" + std::to_string(i) + "]";
    if (!id.is_string()) return Status::InvalidArgument("must be a person id", path);
    if (id == survivor_id) return Status::InvalidArgument("is the survivor itself", path);
    if (std::find(absorbed.begin(), absorbed.end(), id.get<std::string>()) != absorbed.end()) {
      return Status::InvalidArgument("is listed twice", path);
    }
    absorbed.push_back(id);
  }
  auto load = [&](const std::string& id, const std::string& field) -> Result<Json> {
    auto person = Person(caller, id);
    if (!person.ok()) {
      if (person.status().code() == StatusCode::kNotFound) {
        return Status::InvalidArgument("there is no such person", field);
      }
      return person.status();
    }
    if (person->value("deleted", false)) {
      return Status::Conflict("the person " + id + " is deleted (merged already?)", field);
    }
    return std::move(person).value();
  };
  KUZOT_ASSIGN_OR_RETURN(Json survivor, load(survivor_id, "survivor_id"));
  Json body = FieldsOf(survivor);
  const int64_t revision_before = survivor["revision"];
  body["revision"] = revision_before;
  if (!body.contains("names") || !body["names"].is_array()) body["names"] = Json::array();
  if (!body.contains("sources") || !body["sources"].is_array()) body["sources"] = Json::array();
  int level = Level(body.value("confidentiality", "internal"));
  Json conflicts = Json::array();
  for (size_t i = 0; i < absorbed.size(); ++i) {
    KUZOT_ASSIGN_OR_RETURN(Json other,
                           load(absorbed[i], "absorbed_ids[" + std::to_string(i) + "]"));
    Json fields = FieldsOf(other);
    for (const auto& [key, value] : fields.items()) {
      if (key == "names" || key == "sources") {
        if (!value.is_array()) continue;
        for (const auto& entry : value) {
          auto& list = body[key];
          if (std::find(list.begin(), list.end(), entry) == list.end()) list.push_back(entry);
        }
      } else if (key == "confidentiality") {
        level = std::max(level, Level(value.get<std::string>()));
      } else if (key == "notes" || key == "private_notes") {
        if (!body.contains(key)) {
          body[key] = value;
        } else if (body[key] != value) {
          body[key] = body[key].get<std::string>() + "\n\n" + value.get<std::string>();
        }
      } else if (!body.contains(key) || body[key].is_null()) {
        body[key] = value;
      } else if (body[key] != value) {
        // The survivor's value stays; the other list's is in its citation.
        // Both are shown so that the reviewer sees what was set aside (the
        // caller could read both records: they were loaded as the caller).
        conflicts.push_back(
            {{"field", key}, {"person_id", absorbed[i]}, {"kept", body[key]}, {"other", value}});
      }
    }
  }
  // The merged person is as protected as the most protected of them.
  static const char* kLevels[] = {"public", "internal", "restricted", "secret"};
  body["confidentiality"] = kLevels[level];
  storage::MergeRow merge;
  merge.id = NewId();
  merge.survivor_id = survivor_id;
  merge.survivor_revision_before = revision_before;
  merge.absorbed_ids = absorbed;
  if (request.contains("job_id") && request["job_id"].is_string()) merge.job_id = request["job_id"];
  merge.merged_by = caller.user;
  merge.merged_at = NowIso8601();
  // Noted before the records change, completed after (workbench_intents.cc).
  KUZOT_RETURN_IF_ERROR(
      store_->AddIntent({merge.id, "merge", MergeIntent(merge), merge.merged_at}));
  FailPoint("merge-noted");
  records::RecordService::MergeSpec spec{merge.id, "person", survivor_id, body, absorbed};
  auto outcome = records_.MergeRecords(caller, spec);
  if (!outcome.ok()) {
    (void)store_->RemoveIntent(merge.id);  // nothing was written; a leftover is settled on start
    return outcome.status();
  }
  FailPoint("merge-written");
  KUZOT_RETURN_IF_ERROR(FinishMerge(merge, *outcome));
  Json out = MergeJson(merge);
  out["conflicts"] = std::move(conflicts);
  AddChanges(caller, (*outcome)["repointed"], out, "repointed");
  return out;
}

Result<Json> WorkbenchImpl::Unmerge(const Caller& caller, const std::string& merge_id) {
  KUZOT_ASSIGN_OR_RETURN(auto merge, store_->GetMerge(merge_id));
  if (!merge) return Status::NotFound("there is no merge " + merge_id);
  if (!merge->undone_at.empty()) {
    return Status::Conflict("the merge was undone already, by " + merge->undone_by + " at " +
                            merge->undone_at);
  }
  KUZOT_ASSIGN_OR_RETURN(Json survivor, Person(caller, merge->survivor_id));
  if (survivor["revision"] != merge->survivor_revision_after) {
    return Status::Conflict("the person " + merge->survivor_id +
                            " was changed after the merge (revision " +
                            survivor["revision"].dump() + ", the merge wrote " +
                            std::to_string(merge->survivor_revision_after) +
                            "); undo those changes or separate the persons by hand");
  }
  KUZOT_ASSIGN_OR_RETURN(Json history, records_.History(caller, "person", merge->survivor_id));
  Json before;
  for (const auto& rev : history["revisions"]) {
    if (rev["revision"] == merge->survivor_revision_before && rev.contains("record")) {
      before = rev["record"];
    }
  }
  if (!before.is_object()) {
    return Status::Conflict("the survivor's revision before the merge is not visible to you");
  }
  Json body = FieldsOf(before);
  body.erase("merged_into");
  body["revision"] = survivor["revision"];
  // What the merge did, as the records' audit log keeps it; a merge made
  // before references were repointed has no such entry and repointed none.
  KUZOT_ASSIGN_OR_RETURN(auto outcome, records_.MergeOutcome(merge->id, false));
  Json done = outcome ? *outcome : Json{{"merge_id", merge->id}, {"type", "person"}};
  if (!outcome) {
    done["survivor"] = {{"id", merge->survivor_id}};
    done["absorbed"] = Json::array();
    for (const auto& id : merge->absorbed_ids) done["absorbed"].push_back({{"id", id}});
    done["repointed"] = Json::array();
  }
  const std::string at = NowIso8601();
  KUZOT_RETURN_IF_ERROR(
      store_->AddIntent({merge->id, "unmerge", Json{{"by", caller.user}}.dump(), at}));
  auto undone = records_.UnmergeRecords(caller, done, body);
  if (!undone.ok()) {
    (void)store_->RemoveIntent(merge->id);
    return undone.status();
  }
  FailPoint("unmerge-written");
  KUZOT_RETURN_IF_ERROR(FinishUnmerge(*merge, caller.user, at));
  Json out = MergeJson(*merge);
  AddChanges(caller, (*undone)["pointed_back"], out, "pointed_back");
  AddChanges(caller, (*undone)["skipped"], out, "skipped");
  return out;
}

Result<Json> WorkbenchImpl::Merges(const Caller&) {
  KUZOT_ASSIGN_OR_RETURN(auto rows, store_->Merges(200));
  Json items = Json::array();
  for (const auto& m : rows) items.push_back(MergeJson(m));
  return Json{{"items", std::move(items)}};
}

}  // namespace kuzot::linkage
