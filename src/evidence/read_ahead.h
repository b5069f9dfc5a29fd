// Sequential reading of a blob with decryption one step ahead: a worker
// thread reads and decrypts the next pieces (1 MiB each, at most three
// ready or in work) while the caller sends the current one, so that on a
// two-core machine the download's disk wait and cipher overlap its network
// copies (bench/README.md, "Evidence files").
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/status.h"
#include "evidence/blob_format.h"

namespace kuzot::evidence {

// Wraps a BlobReader for one consumer. The worker starts only once the
// caller has read kReadAheadAfterBytes in a row from one place, so that the
// short reads of a seeking video player (HTTP Range) decrypt nothing
// beyond what they ask for; Seek stops it. An error of the reader (a
// corrupt chunk) reaches the caller after every good byte before it, as
// with the bare reader: nothing unauthenticated is returned. Not
// thread-safe: one calling thread.
class ReadAhead {
 public:
  static constexpr uint64_t kReadAheadAfterBytes = 1 << 20;

  explicit ReadAhead(std::unique_ptr<BlobReader> reader);
  // Stops the worker and wipes the plaintext buffers.
  ~ReadAhead();
  ReadAhead(const ReadAhead&) = delete;
  ReadAhead& operator=(const ReadAhead&) = delete;

  uint64_t size() const { return reader_->size(); }
  Status Seek(uint64_t offset);
  // Up to `n` bytes at the current position; 0 at the end.
  Result<size_t> Read(char* out, size_t n);

 private:
  struct Piece {
    std::string data;
    size_t used = 0;  // bytes of `data` already given out
    Status status;    // the reader's error, after data
  };
  void Start();
  void Stop();
  void Run();

  std::unique_ptr<BlobReader> reader_;  // the worker's while it runs
  uint64_t position_ = 0;               // the caller's
  uint64_t in_a_row_ = 0;               // bytes read since the last seek
  bool no_thread_ = false;              // no thread could be started

  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Piece> ready_;        // decrypted, in order
  std::vector<std::string> free_;  // buffers to reuse
  size_t made_ = 0;                // buffers allocated
  bool stop_ = false;
  bool worker_done_ = false;  // the worker reached the end or an error
  std::thread worker_;
};

}  // namespace kuzot::evidence
