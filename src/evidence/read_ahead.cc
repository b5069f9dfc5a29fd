#include "evidence/read_ahead.h"

#include <algorithm>
#include <cstring>
#include <system_error>

namespace kuzot::evidence {
namespace {

// A piece is a segment's plaintext: each worker seeks to a segment start
// and decrypts whole segments.
constexpr uint64_t kPieceBytes = kChunkBytes * kChunksPerSegment;

}  // namespace

std::atomic<int> ReadAhead::reading_{0};

ReadAhead::ReadAhead(std::unique_ptr<BlobReader> reader,
                     std::function<Result<std::unique_ptr<BlobReader>>()> open_another)
    : reader_(std::move(reader)),
      open_another_(std::move(open_another)),
      position_(reader_->position()) {}

ReadAhead::~ReadAhead() {
  Stop();
  for (auto& b : free_) WipeBuffer(b);
  WipeBuffer(scratch_);
}

uint64_t ReadAhead::PieceStart(uint64_t k) const {
  return k == 0 ? base_ : std::min(size(), (base_ / kPieceBytes + k) * kPieceBytes);
}

uint64_t ReadAhead::PieceEnd(uint64_t k) const {
  return std::min(size(), (base_ / kPieceBytes + k + 1) * kPieceBytes);
}

void ReadAhead::Start() {
  // Past kMaxReading downloads at once, the others read on their own
  // threads: threads and buffers stay bounded whatever the number of clients.
  if (reading_.fetch_add(1) >= kMaxReading) {
    reading_.fetch_sub(1);
    no_thread_ = true;
    return;
  }
  counted_ = true;
  if (!second_ && open_another_) {
    auto r = open_another_();
    if (r.ok()) second_ = std::move(r).value();
    open_another_ = nullptr;  // tried once
  }
  stop_ = false;
  base_ = position_;
  next_ = 0;
  uint64_t workers = second_ ? 2 : 1;
  try {
    workers_.emplace_back([this, workers] { Run(*reader_, 0, workers); });
    if (workers == 2) workers_.emplace_back([this] { Run(*second_, 1, 2); });
  } catch (const std::system_error&) {
    if (workers_.empty()) {
      no_thread_ = true;  // read on this thread, as before the read-ahead
      Release();
    } else {
      Stop();  // one worker with a stride of two would leave holes
      no_thread_ = true;
    }
  }
}

void ReadAhead::Stop() {
  if (workers_.empty()) return Release();
  Release();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  changed_.notify_all();
  for (auto& t : workers_) t.join();
  workers_.clear();
  for (auto& [k, p] : ready_) free_.push_back(std::move(p.data));
  ready_.clear();
}

void ReadAhead::TakeNext() {
  auto it = ready_.find(next_);
  free_.push_back(std::move(it->second.data));
  ready_.erase(it);
  ++next_;
  changed_.notify_all();
}

void ReadAhead::Release() {
  if (counted_) reading_.fetch_sub(1);
  counted_ = false;
}

void ReadAhead::Run(BlobReader& reader, uint64_t w, uint64_t workers) {
  for (uint64_t k = w;; k += workers) {
    uint64_t from = PieceStart(k);
    uint64_t to = PieceEnd(k);
    if (from >= to) return;  // past the end
    std::string buffer;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      // Within kPieces of what the caller reads: memory stays bounded, and
      // the caller's next piece is always someone's to make.
      changed_.wait(lock, [&] { return stop_ || k < next_ + kPieces; });
      if (stop_) return;
      if (!free_.empty()) {
        buffer = std::move(free_.back());
        free_.pop_back();
      }
    }
    buffer.resize(to - from);
    size_t got = 0;
    Status status = reader.position() == from ? Status::Ok() : reader.Seek(from);
    while (status.ok() && got < buffer.size()) {
      auto r = reader.Read(buffer.data() + got, buffer.size() - got);
      if (!r.ok()) {
        status = r.status();
      } else if (r.value() == 0) {
        status = Status::Corrupt("the stored file ended early");
      } else {
        got += r.value();
      }
    }
    buffer.resize(got);
    bool failed = !status.ok();
    {
      std::lock_guard<std::mutex> lock(mutex_);
      ready_[k] = Piece{std::move(buffer), 0, std::move(status)};
    }
    changed_.notify_all();
    if (failed) return;
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
  if (workers_.empty()) {
    if (in_a_row_ < kReadAheadAfterBytes || no_thread_ || position_ >= size()) {
      // The workers may have left reader_ elsewhere: read from position_.
      if (reader_->position() != position_) KUZOT_RETURN_IF_ERROR(reader_->Seek(position_));
      KUZOT_ASSIGN_OR_RETURN(size_t got, reader_->Read(out, n));
      position_ += got;
      in_a_row_ += got;
      return got;
    }
    Start();
    if (workers_.empty()) return Read(out, n);
  }
  size_t done = 0;
  std::unique_lock<std::mutex> lock(mutex_);
  while (done < n && position_ < size()) {
    changed_.wait(lock, [&] { return ready_.count(next_) > 0; });
    // Workers only add other pieces to ready_, which leaves this one in place.
    Piece& p = ready_[next_];
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
    TakeNext();
  }
  return done;
}

Result<std::string_view> ReadAhead::Next(size_t n) {
  if (workers_.empty() && in_a_row_ >= kReadAheadAfterBytes && !no_thread_ && position_ < size()) {
    Start();
  }
  if (workers_.empty()) {  // a short read (a seeking player's Range), or no thread
    scratch_.resize(n);
    KUZOT_ASSIGN_OR_RETURN(size_t got, Read(scratch_.data(), n));
    return std::string_view(scratch_.data(), got);
  }
  std::unique_lock<std::mutex> lock(mutex_);
  // The piece the last view was into, once given out whole, is free only now.
  auto last = ready_.find(next_);
  if (last != ready_.end() && last->second.used == last->second.data.size() &&
      last->second.status.ok()) {
    TakeNext();
  }
  if (position_ >= size()) return std::string_view();
  changed_.wait(lock, [&] { return ready_.count(next_) > 0; });
  Piece& p = ready_[next_];
  if (p.used == p.data.size()) {  // every good byte given: the reader's error
    if (!p.status.ok()) return p.status;
    return Status::Internal("a piece read ahead is empty");
  }
  size_t take = std::min(n, p.data.size() - p.used);
  std::string_view view(p.data.data() + p.used, take);
  p.used += take;
  position_ += take;
  return view;
}

}  // namespace kuzot::evidence
