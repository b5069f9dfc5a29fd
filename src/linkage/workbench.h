// The record-linkage workbench of the server: lists imported as sources,
// reconciliation jobs run in the background, the review queue of doubtful
// pairs, people's decisions, and merges of persons that can be undone.
//
// What a list said stays in the records: each imported row becomes a
// person citing the list's source record, with the row's number and its
// mapped cells in the citation's note ("row 12: {...}"). A merge gathers
// the names and citations of the persons it joins into the survivor, so
// that the survivor shows which list said what; unmerge puts the survivor
// back to its revision before the merge and restores the others. The
// linkage store (storage/linkage_store.h) keeps ids, scores, decisions and
// merges, never names. Every read of a record goes through RecordService
// with the caller's clearance.
//
// Thread safety: all methods may be called from any thread; jobs run one
// at a time on the workbench's own thread. The destructor waits for the
// running job to stop.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "common/caller.h"
#include "common/status.h"
#include "records/service.h"
#include "storage/linkage_store.h"

namespace kuzot::linkage {

using WorkbenchJson = nlohmann::ordered_json;

class Workbench {
 public:
  // Fails unfinished jobs left by a server that stopped (their results are
  // incomplete), then starts the job thread.
  static Result<std::unique_ptr<Workbench>> Create(records::RecordService& records,
                                                   std::unique_ptr<storage::LinkageStore> store);
  virtual ~Workbench() = default;

  // Imports a list (CSV or XLSX bytes; the file name is for messages and
  // the source's description): {"name"?, "filename", "content_base64",
  // "columns": {COLUMN: ROLE}, "confidentiality"?, "event_date"?,
  // "encoding"?}. ROLE as for kuzot reconcile. One source record and one
  // person per row are written in one transaction; InvalidArgument naming
  // the file, row and column for an unreadable file, an unknown encoding, a
  // ragged row, a missing column, an empty name, an impossible age: then
  // nothing is written. Answers {"list": {...}, "persons": n, "warnings":
  // [...]} (dates that are no dates are kept in the row's note only).
  virtual Result<WorkbenchJson> ImportList(const Caller& caller, const WorkbenchJson& request) = 0;
  // Reads a list as ImportList would ({"filename", "content_base64",
  // "encoding"?}) and writes nothing: answers {"filename", "encoding",
  // "header": [...], "rows": [[...], ...] (the first few), "row_count"}, so
  // that a person can map the columns before importing. The same errors as
  // ImportList for an unreadable file.
  virtual Result<WorkbenchJson> PreviewList(const Caller& caller, const WorkbenchJson& request) = 0;
  // {"items": [list, ...]}, oldest first.
  virtual Result<WorkbenchJson> Lists(const Caller& caller) = 0;

  // Starts a reconciliation job over the persons of lists: {"list_ids"?
  // (default all), "threshold"?, "review_min"?, "review_max"?,
  // "event_date"?}. Answers the job (state "queued"); it runs in the
  // background as the caller (who sees only what the caller may).
  virtual Result<WorkbenchJson> StartJob(const Caller& caller, const WorkbenchJson& request) = 0;
  // The job with its progress ({"stage", "done", "total"}) while it runs,
  // its summary when done, its error when failed. NotFound for no such job.
  virtual Result<WorkbenchJson> Job(const Caller& caller, const std::string& id) = 0;
  virtual Result<WorkbenchJson> Jobs(const Caller& caller) = 0;

  // The review queue of a finished job: its doubtful pairs, best first,
  // `limit` at a time after `cursor` (from the previous page's
  // "next_cursor"); each with both persons as the caller may see them, the
  // field-by-field explanation and the latest decision. Pairs whose persons
  // the caller may not see are left out; with `undecided_only`, pairs with
  // a decision are too.
  virtual Result<WorkbenchJson> ReviewQueue(const Caller& caller, const std::string& job_id,
                                            int limit, const std::string& cursor,
                                            bool undecided_only) = 0;

  // Records a decision: {"left_id", "right_id", "decision": "same" |
  // "different" | "unsure", "note"?, "job_id"?}. Both persons must exist
  // and be visible to the caller. Decisions are never changed: a new one is
  // added and the latest counts; later jobs use them as labels.
  virtual Result<WorkbenchJson> Decide(const Caller& caller, const WorkbenchJson& request) = 0;
  // Every decision on the pair, oldest first ({"items": [...]}); without
  // ids the latest decisions made ({"items"}, newest first).
  virtual Result<WorkbenchJson> Decisions(const Caller& caller, const std::string& left_id,
                                          const std::string& right_id) = 0;

  // Merges persons: {"survivor_id", "absorbed_ids": [...], "job_id"?}. The
  // survivor gets every name and citation of the others (and the fields it
  // lacks); the others are deleted; all in one transaction; "same"
  // decisions are recorded for the pairs. Answers the merge.
  virtual Result<WorkbenchJson> Merge(const Caller& caller, const WorkbenchJson& request) = 0;
  // Undoes a merge: the survivor goes back to its revision before the
  // merge and the others are restored. Conflict when the survivor changed
  // since the merge, or the merge was already undone.
  virtual Result<WorkbenchJson> Unmerge(const Caller& caller, const std::string& merge_id) = 0;
  virtual Result<WorkbenchJson> Merges(const Caller& caller) = 0;
};

}  // namespace kuzot::linkage
