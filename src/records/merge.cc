// Merges of records (the linkage workbench's merges of persons) and their
// undoing, each in one transaction: the survivor rewritten, every
// reference to an absorbed record pointed at the survivor, the absorbed
// records kept as tombstones naming the survivor, and one audit entry that
// says all of it. The audit entry is also the proof that the transaction
// committed: the workbench, which keeps its own store, looks for it after a
// crash (MergeOutcome).
#include <algorithm>
#include <set>

#include "common/clock.h"
#include "records/sealing.h"
#include "records/service.h"
#include "records/validate.h"

namespace kuzot::records {
namespace {

// More records referring to one person than this is not a person a list
// repeats: it is refused rather than half repointed.
constexpr size_t kMaxReferrers = 1000;

// "clients[0].person_id" -> "/clients/0/person_id" (field names are
// [a-z_0-9]+, so nothing needs escaping).
Json::json_pointer PointerOf(const std::string& path) {
  std::string out = "/";
  for (char c : path) {
    if (c == '.' || c == '[') {
      out += '/';
    } else if (c != ']') {
      out += c;
    }
  }
  return Json::json_pointer(out);
}

// The index of a path that ends in a list item ("person_ids[3]"), or -1.
int64_t TrailingIndex(const std::string& path) {
  if (path.empty() || path.back() != ']') return -1;
  size_t open = path.rfind('[');
  if (open == std::string::npos) return -1;
  return std::strtoll(path.c_str() + open + 1, nullptr, 10);
}

// Whoever merges changes the records that refer to the merged persons even
// when they may not see them: a reference left to a deleted person would be
// lost to those who may. The revisions still name the caller.
Caller Writer(const Caller& caller) {
  Caller writer = caller;
  writer.clearance = Confidentiality::kSecret;
  writer.sees_sensitive = true;
  return writer;
}

Status AuditMerge(storage::Transaction& tx, const Caller& caller, const std::string& action,
                  const std::string& merge_id, const Json& detail) {
  storage::AuditEntry e;
  e.at = NowIso8601();
  e.actor = caller.user;
  e.action = action;
  e.target = "merge/" + merge_id;
  e.detail = detail.dump();
  e.remote = caller.remote_address;
  return tx.AppendAudit(e);
}

// A referring record that cannot be written: the merge stops, saying which
// record and why (its own checks, which the caller may not override).
Status Referrer(const Status& s, const std::string& type, const std::string& id) {
  if (s.code() != StatusCode::kInvalidArgument && s.code() != StatusCode::kConflict &&
      s.code() != StatusCode::kForbidden) {
    return s;
  }
  std::string field = s.field().empty() ? "" : s.field() + ": ";
  return Status::Conflict("the " + type + " " + id + " refers to a merged record and cannot be " +
                          "changed to refer to the survivor: " + field + s.message());
}

}  // namespace

Result<Json> RecordService::MergeRecords(const Caller& caller, const MergeSpec& spec) {
  const TypeSpec* type = FindType(spec.type);
  if (!type) return Status::InvalidArgument("there is no record type '" + spec.type + "'");
  if (spec.merge_id.empty() || spec.absorbed_ids.empty()) {
    return Status::InvalidArgument("a merge needs an id and records to absorb");
  }
  const std::set<std::string> absorbed(spec.absorbed_ids.begin(), spec.absorbed_ids.end());
  const Caller writer = Writer(caller);
  KUZOT_ASSIGN_OR_RETURN(auto tx, store_->BeginWrite());

  KUZOT_ASSIGN_OR_RETURN(auto before, tx->Get(spec.survivor_id));
  if (!before || before->type != type->name || !caller.MaySee(before->confidentiality)) {
    return Status::NotFound("there is no " + type->name + " with id '" + spec.survivor_id + "'");
  }
  bool compact = false, secret = false;
  auto survivor =
      WriteIn(*tx, caller, *type, spec.survivor_id, spec.survivor_body, false, {}, &secret);
  if (!survivor.ok()) return survivor.status().WithFieldPrefix("survivor");
  compact |= secret;

  // Every live record referring to an absorbed one, in the clear or in
  // blind form (secret records, sensitive fields).
  std::set<std::string> referrers;
  for (const auto& id : spec.absorbed_ids) {
    std::vector<std::string> forms = {id};
    if (codec_) forms.push_back(BlindReference(*codec_, id));
    for (const auto& form : forms) {
      KUZOT_ASSIGN_OR_RETURN(auto links, tx->ReferencesTo(form, false));
      if (links.size() >= kMaxReferrers) {
        return Status::Conflict("more than " + std::to_string(kMaxReferrers) +
                                " records refer to " + id + "; merge it with kuzot import");
      }
      for (const auto& link : links) referrers.insert(link.from_id);
    }
  }
  referrers.erase(spec.survivor_id);
  for (const auto& id : absorbed) referrers.erase(id);

  Json repointed = Json::array();
  for (const auto& from_id : referrers) {
    KUZOT_ASSIGN_OR_RETURN(auto record, tx->Get(from_id));
    if (!record || record->deleted) continue;
    const TypeSpec* from_type = FindType(record->type);
    if (!from_type) continue;
    Json body = Json::parse(record->body);
    auto valid =
        ValidateBody(*from_type, body, [](const std::string&, const std::string&) { return true; });
    if (!valid.ok()) {
      return Status::Conflict("the " + record->type + " " + from_id +
                              " refers to a merged record but does not pass today's checks (" +
                              valid.status().message() + "); correct it first");
    }
    // Later list items first, so that removing one leaves the paths of the
    // earlier ones as they were.
    std::vector<PendingRef> refs;
    for (const auto& ref : valid->references) {
      if (absorbed.count(ref.target_id)) refs.push_back(ref);
    }
    std::sort(refs.begin(), refs.end(), [](const PendingRef& a, const PendingRef& b) {
      return std::make_pair(a.field, -TrailingIndex(a.path)) <
             std::make_pair(b.field, -TrailingIndex(b.path));
    });
    for (const auto& ref : refs) {
      const FieldSpec* field_spec = FindField(from_type->fields, ref.field);
      Json::json_pointer at = PointerOf(ref.path);
      Json& parent = body[at.parent_pointer()];
      Json change = {{"id", from_id},
                     {"type", record->type},
                     {"path", ref.path},
                     {"from", ref.target_id},
                     {"confidentiality", record->confidentiality},
                     {"sensitive", field_spec && field_spec->sensitive}};
      const int64_t index = TrailingIndex(ref.path);
      // A list of references already naming the survivor keeps it once.
      if (index >= 0 && parent.is_array() &&
          std::find(parent.begin(), parent.end(), Json(spec.survivor_id)) != parent.end()) {
        parent.erase(parent.begin() + index);
        change["change"] = "removed";
      } else {
        body[at] = spec.survivor_id;
        change["change"] = "replaced";
      }
      repointed.push_back(std::move(change));
    }
    if (refs.empty()) continue;
    body["revision"] = record->revision;
    auto written = WriteIn(*tx, writer, *from_type, from_id, body, false, {}, &secret, true);
    if (!written.ok()) return Referrer(written.status(), record->type, from_id);
    compact |= secret;
    for (auto& change : repointed) {
      if (change["id"] == from_id) change["revision"] = written->revision;
    }
  }

  // Tombstones: deleted, naming the survivor, so that old links resolve.
  Json tombstones = Json::array();
  for (size_t i = 0; i < spec.absorbed_ids.size(); ++i) {
    auto gone = SetDeletedIn(*tx, caller, *type, spec.absorbed_ids[i], true, spec.survivor_id);
    if (!gone.ok()) {
      return gone.status().WithFieldPrefix("absorbed[" + std::to_string(i) + "]");
    }
    tombstones.push_back({{"id", gone->id}, {"revision", gone->revision}});
  }
  Json detail = {{"merge_id", spec.merge_id},
                 {"type", type->name},
                 {"survivor",
                  {{"id", spec.survivor_id},
                   {"revision_before", before->revision},
                   {"revision_after", survivor->revision}}},
                 {"absorbed", std::move(tombstones)},
                 {"repointed", std::move(repointed)}};
  KUZOT_RETURN_IF_ERROR(AuditMerge(*tx, caller, "record.merge", spec.merge_id, detail));
  KUZOT_RETURN_IF_ERROR(tx->Commit());
  if (compact) {
    tx.reset();
    (void)store_->Compact(false);  // best effort, as for a single write
  }
  return detail;
}

Result<Json> RecordService::UnmergeRecords(const Caller& caller, const Json& merge,
                                           const Json& survivor_body) {
  if (!merge.is_object() || !merge.contains("merge_id") || !merge.contains("survivor") ||
      !merge.contains("absorbed") || !merge.contains("repointed")) {
    return Status::InvalidArgument("not the record of a merge", "merge");
  }
  const TypeSpec* type = FindType(merge.value("type", ""));
  if (!type) return Status::InvalidArgument("the merge names no record type", "merge");
  const std::string merge_id = merge["merge_id"];
  const std::string survivor_id = merge["survivor"]["id"];
  const Caller writer = Writer(caller);
  KUZOT_ASSIGN_OR_RETURN(auto tx, store_->BeginWrite());
  bool compact = false, secret = false;
  auto survivor = WriteIn(*tx, caller, *type, survivor_id, survivor_body, false, {}, &secret);
  if (!survivor.ok()) return survivor.status().WithFieldPrefix("survivor");
  compact |= secret;
  Json restored = Json::array();
  for (const auto& absorbed : merge["absorbed"]) {
    auto back = SetDeletedIn(*tx, caller, *type, absorbed["id"].get<std::string>(), false, "");
    if (!back.ok()) return back.status().WithFieldPrefix("absorbed");
    restored.push_back({{"id", back->id}, {"revision", back->revision}});
  }
  // The references back as they were, the last change first, when they
  // still say what the merge made them say; otherwise someone changed them
  // since, and their change stays (listed under "skipped").
  Json pointed_back = Json::array(), skipped = Json::array();
  const Json& changes = merge["repointed"];
  std::map<std::string, std::pair<Json, const TypeSpec*>> bodies;  // id -> body, type
  std::vector<std::string> order;
  for (auto it = changes.rbegin(); it != changes.rend(); ++it) {
    const Json& change = *it;
    const std::string id = change["id"];
    if (!bodies.count(id)) {
      KUZOT_ASSIGN_OR_RETURN(auto record, tx->Get(id));
      const TypeSpec* t = record ? FindType(record->type) : nullptr;
      if (!record || record->deleted || !t) {
        skipped.push_back(change);
        continue;
      }
      Json body = Json::parse(record->body);
      body["revision"] = record->revision;
      bodies[id] = {std::move(body), t};
      order.push_back(id);
    }
    Json& body = bodies[id].first;
    const std::string path = change["path"];
    const Json::json_pointer at = PointerOf(path);
    const Json from = change["from"];
    bool done = false;
    if (change["change"] == "replaced") {
      if (body.contains(at) && body[at] == Json(survivor_id)) {
        body[at] = from;
        done = true;
      }
    } else if (body.contains(at.parent_pointer()) && body[at.parent_pointer()].is_array()) {
      Json& list = body[at.parent_pointer()];
      if (std::find(list.begin(), list.end(), from) == list.end()) {
        const size_t index = std::min<size_t>(TrailingIndex(path), list.size());
        list.insert(list.begin() + index, from);
        done = true;
      }
    }
    (done ? pointed_back : skipped).push_back(change);
  }
  for (const auto& id : order) {
    auto& [body, t] = bodies[id];
    auto written = WriteIn(*tx, writer, *t, id, body, false, {}, &secret, true);
    if (!written.ok()) return Referrer(written.status(), t->name, id);
    compact |= secret;
  }
  Json detail = {{"merge_id", merge_id},
                 {"survivor", {{"id", survivor_id}, {"revision", survivor->revision}}},
                 {"restored", std::move(restored)},
                 {"pointed_back", std::move(pointed_back)},
                 {"skipped", std::move(skipped)}};
  KUZOT_RETURN_IF_ERROR(AuditMerge(*tx, caller, "record.unmerge", merge_id, detail));
  KUZOT_RETURN_IF_ERROR(tx->Commit());
  if (compact) {
    tx.reset();
    (void)store_->Compact(false);
  }
  return detail;
}

Result<std::optional<Json>> RecordService::MergeOutcome(std::string_view merge_id, bool undo) {
  KUZOT_ASSIGN_OR_RETURN(auto tx, store_->BeginRead());
  storage::AuditQuery query;
  query.action = undo ? "record.unmerge" : "record.merge";
  query.target = "merge/" + std::string(merge_id);
  query.limit = 1;
  KUZOT_ASSIGN_OR_RETURN(auto entries, tx->ListAudit(query));
  if (entries.empty()) return std::optional<Json>();
  Json detail = Json::parse(entries[0].detail, nullptr, false);
  if (!detail.is_object())
    return Status::Internal("the audit entry of merge " + std::string(merge_id) + " is not JSON");
  detail["at"] = entries[0].at;
  detail["by"] = entries[0].actor;
  return std::optional<Json>(std::move(detail));
}

}  // namespace kuzot::records
