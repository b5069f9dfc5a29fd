#include "records/audit_group.h"

namespace kuzot::records {

Status AuditGroup::Write(std::vector<storage::AuditEntry>& entries) {
  KUZOT_ASSIGN_OR_RETURN(auto tx, store_->BeginWrite());
  for (auto& e : entries) KUZOT_RETURN_IF_ERROR(tx->AppendAudit(e));
  return tx->Commit();
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
