// A bounded queue of batches between two threads, private to the records
// module: the bundle import parses on one thread and writes on another
// (records/bundle_import.cc).
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <vector>

namespace kuzot::records {

// One producer, one consumer. Push waits while `capacity` batches wait (so
// memory stays flat however far the producer could run ahead), Pop while
// none does. Either side may stop: the producer with Close (Pop hands out
// what is left, then returns false), the consumer with Cancel (Push
// returns false from then on, also to a producer waiting for room).
template <typename T>
class BatchQueue {
 public:
  explicit BatchQueue(size_t capacity) : capacity_(capacity) {}

  // Hands `batch` over; false when the consumer cancelled.
  bool Push(std::vector<T> batch) {
    std::unique_lock<std::mutex> lock(mutex_);
    room_.wait(lock, [&] { return cancelled_ || batches_.size() < capacity_; });
    if (cancelled_) return false;
    batches_.push_back(std::move(batch));
    ready_.notify_one();
    return true;
  }

  // The producer has no more batches.
  void Close() {
    std::lock_guard<std::mutex> lock(mutex_);
    closed_ = true;
    ready_.notify_one();
  }

  // The next batch into `batch`; false once the producer closed the queue
  // and every batch was taken.
  bool Pop(std::vector<T>* batch) {
    std::unique_lock<std::mutex> lock(mutex_);
    ready_.wait(lock, [&] { return closed_ || !batches_.empty(); });
    if (batches_.empty()) return false;
    *batch = std::move(batches_.front());
    batches_.pop_front();
    room_.notify_one();
    return true;
  }

  // The consumer takes no more batches: the producer should stop.
  void Cancel() {
    std::lock_guard<std::mutex> lock(mutex_);
    cancelled_ = true;
    batches_.clear();
    room_.notify_one();
  }

 private:
  const size_t capacity_;
  std::mutex mutex_;
  std::condition_variable room_;   // a batch was taken, or Cancel
  std::condition_variable ready_;  // a batch was pushed, or Close
  std::deque<std::vector<T>> batches_;
  bool closed_ = false;
  bool cancelled_ = false;
};

}  // namespace kuzot::records
