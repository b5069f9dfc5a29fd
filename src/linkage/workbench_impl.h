// The workbench's implementation, split over workbench.cc (jobs),
// workbench_import.cc (lists) and workbench_review.cc (review queue,
// decisions, merges).
#pragma once

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

#include "linkage/linkage.h"
#include "linkage/workbench.h"

namespace kuzot::linkage {

using Json = WorkbenchJson;

// The provenance note of an imported row: "row 12: {column: value, ...}".
std::string RowNote(int64_t row, const Json& cells);
// The row number and cells of such a note; false when it is not one.
bool ParseRowNote(const std::string& note, int64_t& row, Json& cells);

// Exits at once (as kill -9 would) when KUZOT_FAIL_POINT names `name`:
// how tests crash the server between the records and the linkage store.
void FailPoint(const char* name);
// The detail of the intent of a list being imported and of a merge
// (workbench_intents.cc).
std::string ListIntent(const storage::ListRow& list, const std::vector<std::string>& persons);
std::string MergeIntent(const storage::MergeRow& merge);

// Pairs of person ids are kept with the smaller id first.
inline std::pair<std::string, std::string> Ordered(const std::string& a, const std::string& b) {
  return a < b ? std::make_pair(a, b) : std::make_pair(b, a);
}

class WorkbenchImpl : public Workbench {
 public:
  WorkbenchImpl(records::RecordService& records, std::unique_ptr<storage::LinkageStore> store);
  ~WorkbenchImpl() override;

  Result<Json> ImportList(const Caller& caller, const Json& request) override;
  Result<Json> PreviewList(const Caller& caller, const Json& request) override;
  Result<Json> Lists(const Caller& caller) override;
  Result<Json> StartJob(const Caller& caller, const Json& request) override;
  Result<Json> Job(const Caller& caller, const std::string& id) override;
  Result<Json> Jobs(const Caller& caller) override;
  Result<Json> ReviewQueue(const Caller& caller, const std::string& job_id, int limit,
                           const std::string& cursor, bool undecided_only) override;
  Result<Json> Decide(const Caller& caller, const Json& request) override;
  Result<Json> Decisions(const Caller& caller, const std::string& left_id,
                         const std::string& right_id) override;
  Result<Json> Merge(const Caller& caller, const Json& request) override;
  Result<Json> Unmerge(const Caller& caller, const std::string& merge_id) override;
  Result<Json> Merges(const Caller& caller) override;

  // Completes or drops the intents a crash left (workbench_intents.cc);
  // answers [{"id", "kind", "completed"}]. Call before serving.
  Result<Json> SettleIntents();

 private:
  struct Progress {
    std::string stage;
    int64_t done = 0, total = 0;
  };
  struct Queued {
    std::string job_id;
    Caller caller;
    Json settings;
  };

  void Worker();
  // Runs one job to its end and stores its output; the error when it fails.
  Status RunJob(const Queued& job);
  // The job's persons as linkage records, read as `caller`.
  Result<std::vector<Record>> PersonsOf(const Caller& caller, const Json& settings,
                                        std::vector<std::string>& warnings);
  Json JobJson(const storage::JobRow& row);
  // The person record as `caller` sees it; NotFound when it is not there
  // or not visible.
  Result<Json> Person(const Caller& caller, const std::string& id);
  // Writes the merge's row (with the survivor's revision after it, set in
  // `merge`) and its "same" decisions, and removes its intent; `outcome` is
  // the records' account of the merge.
  Status FinishMerge(storage::MergeRow& merge, const Json& outcome);
  // Marks the merge undone in `merge` and its row (with "unsure"
  // decisions), removing the intent.
  Status FinishUnmerge(storage::MergeRow& merge, const std::string& by, const std::string& at);

  records::RecordService& records_;
  std::unique_ptr<storage::LinkageStore> store_;

  std::mutex mutex_;  // guards the members below
  std::condition_variable wake_;
  std::deque<Queued> queue_;
  std::map<std::string, Progress> progress_;  // of queued and running jobs
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace kuzot::linkage
