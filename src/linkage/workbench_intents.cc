// Keeping the linkage store and the records in step. The two are separate
// SQLite files, so no transaction spans both: an import or a merge first
// notes an intent (with every id it will write) in the linkage store, then
// commits the records, then writes its own row and removes the intent in
// one transaction. A crash in between leaves an intent, settled on the next
// start from what the records hold: a list whose source record exists, or
// a merge whose audit entry exists, is completed; otherwise nothing was
// written and the intent goes.
#include <cstdlib>
#include <cstring>

#include "common/clock.h"
#include "linkage/workbench_impl.h"

namespace kuzot::linkage {

void FailPoint(const char* name) {
  // For tests only: a crash (as kill -9) at a named point, to prove the
  // settling above. Never set in production.
  const char* at = std::getenv("KUZOT_FAIL_POINT");
  if (at && std::strcmp(at, name) == 0) std::_Exit(137);
}

std::string ListIntent(const storage::ListRow& list, const std::vector<std::string>& persons) {
  return Json{{"source_id", list.source_id},   {"name", list.name},
              {"filename", list.filename},     {"rows", list.rows},
              {"columns", list.columns},       {"created_by", list.created_by},
              {"created_at", list.created_at}, {"persons", persons}}
      .dump();
}

std::string MergeIntent(const storage::MergeRow& m) {
  return Json{{"survivor_id", m.survivor_id},   {"revision_before", m.survivor_revision_before},
              {"absorbed_ids", m.absorbed_ids}, {"job_id", m.job_id},
              {"merged_by", m.merged_by},       {"merged_at", m.merged_at}}
      .dump();
}

namespace {

// One decision per absorbed person, on the pair (survivor, absorbed).
std::vector<storage::DecisionRow> MergeDecisions(const storage::MergeRow& merge,
                                                 const std::string& decision,
                                                 const std::string& note, const std::string& by,
                                                 const std::string& at) {
  std::vector<storage::DecisionRow> decisions;
  for (const auto& id : merge.absorbed_ids) {
    storage::DecisionRow d;
    std::tie(d.left_id, d.right_id) = Ordered(merge.survivor_id, id);
    d.decision = decision;
    d.note = note;
    d.job_id = merge.job_id;
    d.decided_by = by;
    d.decided_at = at;
    decisions.push_back(std::move(d));
  }
  return decisions;
}

}  // namespace

Status WorkbenchImpl::FinishMerge(storage::MergeRow& merge, const Json& outcome) {
  merge.survivor_revision_after = outcome["survivor"]["revision_after"];
  auto decisions =
      MergeDecisions(merge, "same", "merge " + merge.id, merge.merged_by, merge.merged_at);
  return store_->CompleteMerge(merge, decisions, merge.id);
}

Status WorkbenchImpl::FinishUnmerge(storage::MergeRow& merge, const std::string& by,
                                    const std::string& at) {
  merge.undone_by = by;
  merge.undone_at = at;
  // The merge's "same" no longer holds: the pairs are open again.
  auto decisions = MergeDecisions(merge, "unsure", "merge " + merge.id + " undone", by, at);
  return store_->CompleteMerge(merge, decisions, merge.id);
}

Result<Json> WorkbenchImpl::SettleIntents() {
  KUZOT_ASSIGN_OR_RETURN(auto intents, store_->Intents());
  const Caller system = Caller::System("kuzot");
  Json settled = Json::array();
  for (const auto& intent : intents) {
    Json detail = Json::parse(intent.detail, nullptr, false);
    if (!detail.is_object()) return Status::Internal("the intent " + intent.id + " is not JSON");
    bool completed = false;
    if (intent.kind == "list") {
      auto source = records_.Get(system, "source", detail["source_id"].get<std::string>());
      if (!source.ok() && source.status().code() != StatusCode::kNotFound) return source.status();
      if (source.ok()) {
        storage::ListRow list;
        list.id = intent.id;
        list.source_id = detail["source_id"];
        list.name = detail["name"];
        list.filename = detail["filename"];
        list.rows = detail["rows"];
        list.columns = detail["columns"];
        list.created_by = detail["created_by"];
        list.created_at = detail["created_at"];
        KUZOT_RETURN_IF_ERROR(
            store_->PutList(list, detail["persons"].get<std::vector<std::string>>()));
        completed = true;
      }
    } else if (intent.kind == "merge" || intent.kind == "unmerge") {
      const bool undo = intent.kind == "unmerge";
      KUZOT_ASSIGN_OR_RETURN(auto outcome, records_.MergeOutcome(intent.id, undo));
      if (outcome && !undo) {
        storage::MergeRow merge;
        merge.id = intent.id;
        merge.survivor_id = detail["survivor_id"];
        merge.survivor_revision_before = detail["revision_before"];
        merge.absorbed_ids = detail["absorbed_ids"].get<std::vector<std::string>>();
        merge.job_id = detail["job_id"];
        merge.merged_by = detail["merged_by"];
        merge.merged_at = detail["merged_at"];
        KUZOT_RETURN_IF_ERROR(FinishMerge(merge, *outcome));
        completed = true;
      } else if (outcome) {
        KUZOT_ASSIGN_OR_RETURN(auto merge, store_->GetMerge(intent.id));
        if (merge) {
          KUZOT_RETURN_IF_ERROR(FinishUnmerge(*merge, (*outcome)["by"], (*outcome)["at"]));
          completed = true;
        }
      }
    }
    if (!completed) KUZOT_RETURN_IF_ERROR(store_->RemoveIntent(intent.id));
    settled.push_back({{"id", intent.id}, {"kind", intent.kind}, {"completed", completed}});
  }
  return settled;
}

}  // namespace kuzot::linkage
