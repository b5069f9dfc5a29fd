// Group commit of audit entries: concurrent requests that must log reads
// share one write transaction instead of one each, committed without
// waiting for the disk and synced within a second (doc/storage.md, "Audit
// entries of reads").
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "common/status.h"
#include "storage/store.h"

namespace kuzot::records {

class AuditGroup {
 public:
  explicit AuditGroup(storage::Store* store) : store_(store) {}
  // Syncs what is still unsynced, then stops the syncing thread.
  ~AuditGroup();

  // Appends `entries` to the audit log and returns once they are committed
  // with the entries of whatever other callers arrived meanwhile, or with
  // the error that stopped that commit. The first caller to find no commit
  // running writes the batch; the others wait for it (leader and
  // followers, as database logs do). The commit (Store::BeginLogWrite)
  // survives a crash of the process at once and a power cut once synced:
  // a thread syncs within kSyncDelay of the first unsynced commit.
  // Thread-safe.
  Status Append(std::vector<storage::AuditEntry> entries);

  // How long a committed entry may wait for the disk.
  static constexpr std::chrono::milliseconds kSyncDelay{1000};

 private:
  struct Batch {
    std::vector<storage::AuditEntry> entries;
    bool done = false;
    Status status;
  };
  // Writes one batch in one transaction.
  Status Write(std::vector<storage::AuditEntry>& entries);
  // The syncing thread: waits for an unsynced commit, then kSyncDelay,
  // then syncs.
  void SyncLoop();

  storage::Store* store_;
  std::mutex mutex_;
  std::condition_variable done_;
  std::shared_ptr<Batch> open_ = std::make_shared<Batch>();  // filling up
  bool writing_ = false;                                     // a leader is committing

  std::mutex sync_mutex_;
  std::condition_variable sync_wake_;
  bool unsynced_ = false;  // a commit since the last sync
  bool stopping_ = false;
  std::thread syncer_;  // started with the first commit
};

}  // namespace kuzot::records
