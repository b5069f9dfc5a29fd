// Group commit of audit entries: concurrent requests that must log reads
// share one write transaction (one fsync) instead of one each.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

#include "common/status.h"
#include "storage/store.h"

namespace kuzot::records {

class AuditGroup {
 public:
  explicit AuditGroup(storage::Store* store) : store_(store) {}

  // Appends `entries` to the audit log and returns once they are committed
  // (durable) with the entries of whatever other callers arrived meanwhile,
  // or with the error that stopped that commit. The first caller to find no
  // commit running writes the batch; the others wait for it (leader and
  // followers, as database logs do). Thread-safe.
  Status Append(std::vector<storage::AuditEntry> entries);

 private:
  struct Batch {
    std::vector<storage::AuditEntry> entries;
    bool done = false;
    Status status;
  };
  // Writes one batch in one transaction.
  Status Write(std::vector<storage::AuditEntry>& entries);

  storage::Store* store_;
  std::mutex mutex_;
  std::condition_variable done_;
  std::shared_ptr<Batch> open_ = std::make_shared<Batch>();  // filling up
  bool writing_ = false;                                     // a leader is committing
};

}  // namespace kuzot::records
