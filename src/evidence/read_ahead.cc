#include "evidence/read_ahead.h"

#include <sodium.h>

#include <algorithm>
#include <cstring>
#include <system_error>

namespace kuzot::evidence {
namespace {

constexpr size_t kPieceBytes = 1 << 20;
// Pieces decrypted ahead or in work: one being sent, two ready.
constexpr size_t kPieces = 3;

// Zeroes a buffer of plaintext up to its capacity (a shorter last piece
// leaves earlier bytes behind its end).
void Wipe(std::string& b) {
  b.resize(b.capacity());
  sodium_memzero(b.data(), b.size());
}

}  // namespace

ReadAhead::ReadAhead(std::unique_ptr<BlobReader> reader)
    : reader_(std::move(reader)), position_(reader_->position()) {}

ReadAhead::~ReadAhead() {
  Stop();
  for (auto& b : free_) Wipe(b);
}

void ReadAhead::Start() {
  stop_ = false;
  worker_done_ = false;
  try {
    worker_ = std::thread([this] { Run(); });
  } catch (const std::system_error&) {
    no_thread_ = true;  // read on this thread, as before the read-ahead
  }
}

void ReadAhead::Stop() {
  if (!worker_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  changed_.notify_all();
  worker_.join();
  for (auto& p : ready_) free_.push_back(std::move(p.data));
  ready_.clear();
}

void ReadAhead::Run() {
  for (;;) {
    std::string buffer;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      changed_.wait(lock, [&] { return stop_ || !free_.empty() || made_ < kPieces; });
      if (stop_) return;
      if (!free_.empty()) {
        buffer = std::move(free_.back());
        free_.pop_back();
      } else {
        ++made_;
      }
    }
    buffer.resize(kPieceBytes);
    size_t got = 0;
    Status status;
    while (got < kPieceBytes && reader_->position() < reader_->size()) {
      auto r = reader_->Read(buffer.data() + got, kPieceBytes - got);
      if (!r.ok()) {
        status = r.status();
        break;
      }
      if (r.value() == 0) break;
      got += r.value();
    }
    buffer.resize(got);
    bool end = !status.ok() || reader_->position() >= reader_->size();
    {
      std::lock_guard<std::mutex> lock(mutex_);
      ready_.push_back(Piece{std::move(buffer), 0, std::move(status)});
      if (end) worker_done_ = true;
    }
    changed_.notify_all();
    if (end) return;
  }
}

Status ReadAhead::Seek(uint64_t offset) {
  Stop();
  KUZOT_RETURN_IF_ERROR(reader_->Seek(offset));
  position_ = offset;
  in_a_row_ = 0;
  return Status::Ok();
}

Result<size_t> ReadAhead::Read(char* out, size_t n) {
  if (!worker_.joinable()) {
    if (in_a_row_ < kReadAheadAfterBytes || no_thread_ || position_ >= size()) {
      KUZOT_ASSIGN_OR_RETURN(size_t got, reader_->Read(out, n));
      position_ += got;
      in_a_row_ += got;
      return got;
    }
    Start();
    if (no_thread_) return Read(out, n);
  }
  size_t done = 0;
  std::unique_lock<std::mutex> lock(mutex_);
  while (done < n) {
    changed_.wait(lock, [&] { return !ready_.empty() || worker_done_; });
    if (ready_.empty()) break;  // the end
    // The worker only appends to ready_, which leaves this element in place.
    Piece& p = ready_.front();
    if (p.used < p.data.size()) {
      size_t take = std::min(n - done, p.data.size() - p.used);
      lock.unlock();
      std::memcpy(out + done, p.data.data() + p.used, take);
      lock.lock();
      p.used += take;
      done += take;
      position_ += take;
    }
    if (p.used < p.data.size()) continue;
    if (!p.status.ok()) {
      // The good bytes first; the error on the next call (and every one after).
      if (done > 0) return done;
      return p.status;
    }
    free_.push_back(std::move(p.data));
    ready_.pop_front();
    changed_.notify_all();
  }
  return done;
}

}  // namespace kuzot::evidence
