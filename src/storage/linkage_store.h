// The record-linkage workbench's own store (linkage.db beside kuzot.db):
// imported lists and which person each row became, reconciliation jobs,
// their doubtful pairs and clusters, people's decisions and merges.
//
// It holds ids, numbers, usernames and times only: names, dates and places
// stay in the records, under their confidentiality and encryption, and are
// read from there by whoever may see them. Decisions are never changed or
// removed: a new decision on a pair is a new row, and the latest counts.
//
// Thread safety: one LinkageStore is shared by all threads (one connection
// behind a mutex; the writes are small).
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

struct sqlite3;

namespace kuzot::storage {

struct ListRow {
  std::string id;         // the list
  std::string source_id;  // the source record it was imported as
  std::string name;
  std::string filename;
  int64_t rows = 0;
  std::string columns;  // JSON: the column -> role mapping used
  std::string created_by, created_at;
};

struct JobRow {
  std::string id;
  std::string state;     // "queued", "running", "done", "failed"
  std::string settings;  // JSON as requested
  std::string result;    // JSON summary, when done
  std::string error;     // when failed
  std::string created_by, created_at, finished_at;
};

// A pair of persons a job found doubtful, with its score and explanation
// (levels and weights only: JSON).
struct ReviewPair {
  std::string job_id;
  std::string left_id, right_id;  // left_id < right_id
  double probability = 0;
  std::string explanation;
};

struct DecisionRow {
  int64_t seq = 0;
  std::string left_id, right_id;  // left_id < right_id
  std::string decision;           // "same", "different", "unsure"
  std::string note;
  std::string job_id;
  std::string decided_by, decided_at;
};

struct MergeRow {
  std::string id;
  std::string survivor_id;
  int64_t survivor_revision_before = 0;  // to unmerge to
  int64_t survivor_revision_after = 0;   // unmerge refuses if it changed since
  std::vector<std::string> absorbed_ids;
  std::string job_id;
  std::string merged_by, merged_at;
  std::string undone_by, undone_at;  // empty while in force
};

// A change begun in the records that this store must learn the end of: a
// list being imported ("list"), a merge ("merge") or its undoing
// ("unmerge"). Written before the records' transaction, removed in the
// same transaction as the row it announced; one left behind by a crash is
// settled by the workbench on start from what the records hold.
struct IntentRow {
  std::string id;  // the list's or the merge's id
  std::string kind;
  std::string detail;  // JSON: what the workbench needs to settle it
  std::string created_at;
};

class LinkageStore {
 public:
  // Opens (creating when missing) the store at `path`.
  static Result<std::unique_ptr<LinkageStore>> Open(const std::string& path);
  ~LinkageStore();

  // Also removes the intent with the list's id, in the same transaction.
  Status PutList(const ListRow& list, const std::vector<std::string>& person_ids);
  Result<std::vector<ListRow>> Lists();
  Result<std::optional<ListRow>> GetList(const std::string& id);
  // The persons the rows of `list_id` became, in row order.
  Result<std::vector<std::string>> ListPersons(const std::string& list_id);
  // The list and row each of `person_ids` came from, when it came from one:
  // person id -> (list id, row number).
  Result<std::vector<std::pair<std::string, std::pair<std::string, int64_t>>>> RowsOf(
      const std::vector<std::string>& person_ids);

  Status PutJob(const JobRow& job);
  Result<std::optional<JobRow>> GetJob(const std::string& id);
  Result<std::vector<JobRow>> Jobs(int limit);
  // Jobs left "queued" or "running" by a server that stopped: failed.
  Status FailUnfinishedJobs(const std::string& error, const std::string& at);

  // Replaces the job's review pairs and clusters.
  Status PutJobOutput(const std::string& job_id, const std::vector<ReviewPair>& pairs,
                      const std::vector<std::pair<std::string, int64_t>>& clusters);
  // The job's pairs between `min_p` and `max_p`, best first, after the
  // pair (`after_left`, `after_right`) of the previous page when given.
  Result<std::vector<ReviewPair>> ReviewPairs(const std::string& job_id, double min_p, double max_p,
                                              int limit, const std::string& after_left,
                                              const std::string& after_right, double after_p);
  // person id -> cluster number, for persons in clusters of two or more.
  Result<std::vector<std::pair<std::string, int64_t>>> Clusters(const std::string& job_id);

  Status AddDecision(DecisionRow& decision);  // fills seq
  // The latest decision on each pair among persons `person_ids` (empty:
  // all pairs), and every decision on one pair, oldest first.
  Result<std::vector<DecisionRow>> LatestDecisions(const std::vector<std::string>& person_ids);
  Result<std::vector<DecisionRow>> DecisionHistory(const std::string& left_id,
                                                   const std::string& right_id);
  Result<std::vector<DecisionRow>> RecentDecisions(int limit);

  // Puts the merge, adds the decisions (filling their seq) and removes the
  // intent `intent_id`, in one transaction.
  Status CompleteMerge(const MergeRow& merge, std::vector<DecisionRow>& decisions,
                       const std::string& intent_id);

  Status AddIntent(const IntentRow& intent);
  Status RemoveIntent(const std::string& id);
  // Every intent left, oldest first.
  Result<std::vector<IntentRow>> Intents();
  Result<std::optional<MergeRow>> GetMerge(const std::string& id);
  Result<std::vector<MergeRow>> Merges(int limit);

 private:
  explicit LinkageStore(sqlite3* db) : db_(db) {}
  // The statements alone, for callers holding mutex_ (and a transaction).
  Status PutMergeIn(const MergeRow& merge);
  Status AddDecisionIn(DecisionRow& decision);
  Status DeleteIntentIn(const std::string& id);
  std::mutex mutex_;
  sqlite3* db_;
};

}  // namespace kuzot::storage
