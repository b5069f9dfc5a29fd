#include "records/audit_group.h"

namespace kuzot::records {

AuditGroup::~AuditGroup() {
  {
    std::lock_guard<std::mutex> lock(sync_mutex_);
    stopping_ = true;
  }
  sync_wake_.notify_all();
  if (syncer_.joinable()) syncer_.join();
}

Status AuditGroup::Write(std::vector<storage::AuditEntry>& entries) {
  KUZOT_ASSIGN_OR_RETURN(auto tx, store_->BeginLogWrite());
  for (auto& e : entries) KUZOT_RETURN_IF_ERROR(tx->AppendAudit(e));
  KUZOT_RETURN_IF_ERROR(tx->Commit());
  {
    std::lock_guard<std::mutex> lock(sync_mutex_);
    unsynced_ = true;
    if (!syncer_.joinable()) syncer_ = std::thread([this] { SyncLoop(); });
  }
  sync_wake_.notify_all();
  return Status::Ok();
}

void AuditGroup::SyncLoop() {
  std::unique_lock<std::mutex> lock(sync_mutex_);
  for (;;) {
    sync_wake_.wait(lock, [this] { return unsynced_ || stopping_; });
    if (!unsynced_) return;  // stopping, nothing left to sync
    // Commits arriving during the delay ride on the same sync.
    sync_wake_.wait_for(lock, kSyncDelay, [this] { return stopping_; });
    unsynced_ = false;
    lock.unlock();
    Status status = store_->Sync();
    lock.lock();
    // Not synced (the disk refused?): try again after another delay, but
    // not forever when stopping. The next write of records syncs it too.
    if (!status.ok() && !stopping_) unsynced_ = true;
  }
}

Status AuditGroup::Append(std::vector<storage::AuditEntry> entries) {
  if (entries.empty()) return Status::Ok();
  std::unique_lock<std::mutex> lock(mutex_);
  std::shared_ptr<Batch> mine = open_;
  for (auto& e : entries) mine->entries.push_back(std::move(e));
  // Wait while another caller commits; whoever finds no commit running
  // takes the open batch (with everything queued meanwhile) and writes it.
  while (!mine->done) {
    if (!writing_) {
      writing_ = true;
      std::shared_ptr<Batch> batch = std::move(open_);
      open_ = std::make_shared<Batch>();
      lock.unlock();
      Status status = Write(batch->entries);
      lock.lock();
      batch->status = std::move(status);
      batch->done = true;
      writing_ = false;
      done_.notify_all();
    } else {
      done_.wait(lock);
    }
  }
  return mine->status;
}

}  // namespace kuzot::records
