// Sequential reading of a blob with decryption ahead, on two worker
// threads: the blob's segments (1 MiB of plaintext each, every one its own
// secretstream, doc/evidence.md) are independent, so worker 0 decrypts the
// even pieces and worker 1 the odd ones, each with its own BlobReader,
// while the caller sends the current piece: on two cores the cipher
// overlaps the network copies. Downloads use it (service.cc), taking views
// of the pieces (Next) so the plaintext is not copied once more. Behind
// O_DIRECT reads it was no faster than the bare reader, which waited on
// the disk either way; reads now go through the page cache (BlobReader).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/status.h"
#include "evidence/blob_format.h"

namespace kuzot::evidence {

// Wraps a BlobReader for one consumer. The workers start only once the
// caller has read kReadAheadAfterBytes in a row from one place, so that the
// short reads of a seeking video player (HTTP Range) decrypt nothing
// beyond what they ask for; Seek stops them. At most kPieces pieces of
// 1 MiB are decrypted ahead or in work: memory stays flat. An error of a
// reader (a corrupt chunk) reaches the caller after every good byte before
// it, as with the bare reader: nothing unauthenticated is returned. Not
// thread-safe: one calling thread.
class ReadAhead {
 public:
  static constexpr uint64_t kReadAheadAfterBytes = 1 << 20;
  static constexpr size_t kPieces = 4;
  // Readers whose workers may run at once, in the whole process.
  static constexpr int kMaxReading = 4;

  // `open_another` opens a second reader of the same blob for the second
  // worker; without it (or when it fails) one worker decrypts every piece.
  explicit ReadAhead(std::unique_ptr<BlobReader> reader,
                     std::function<Result<std::unique_ptr<BlobReader>>()> open_another = nullptr);
  // Stops the workers and wipes the plaintext buffers.
  ~ReadAhead();
  ReadAhead(const ReadAhead&) = delete;
  ReadAhead& operator=(const ReadAhead&) = delete;

  uint64_t size() const { return reader_->size(); }
  // Whether workers decrypt ahead now.
  bool reading_ahead() const { return !workers_.empty(); }
  Status Seek(uint64_t offset);
  // Up to `n` bytes at the current position; 0 at the end.
  Result<size_t> Read(char* out, size_t n);
  // The same bytes as Read, as a view into the decrypted piece itself
  // (empty at the end): no copy. Valid until the next call of any member.
  Result<std::string_view> Next(size_t n);

 private:
  struct Piece {
    std::string data;
    size_t used = 0;  // bytes of `data` already given out
    Status status;    // the reader's error, after data
  };
  void Start();
  void Stop();
  // Piece next_ is given out whole: its buffer goes back to free_ and the
  // workers may go one piece further. With mutex_ held.
  void TakeNext();
  // Gives back this reader's place among the kMaxReading.
  void Release();
  // Worker `w` of `workers`: pieces w, w + workers, … through `reader`.
  void Run(BlobReader& reader, uint64_t w, uint64_t workers);
  // The plaintext range of piece `k` since Start.
  uint64_t PieceStart(uint64_t k) const;
  uint64_t PieceEnd(uint64_t k) const;

  std::unique_ptr<BlobReader> reader_;  // worker 0's while the workers run
  std::function<Result<std::unique_ptr<BlobReader>>()> open_another_;
  std::unique_ptr<BlobReader> second_;  // worker 1's, opened at the first Start
  uint64_t position_ = 0;               // the caller's
  uint64_t in_a_row_ = 0;               // bytes read since the last seek
  bool no_thread_ = false;              // no thread could be started, or kMaxReading were busy
  bool counted_ = false;                // holds a place among the kMaxReading
  static std::atomic<int> reading_;
  uint64_t base_ = 0;  // position_ at Start

  std::mutex mutex_;
  std::condition_variable changed_;
  std::map<uint64_t, Piece> ready_;  // decrypted pieces by number
  uint64_t next_ = 0;                // the piece the caller reads next
  std::vector<std::string> free_;    // buffers to reuse
  bool stop_ = false;
  std::vector<std::thread> workers_;
  std::string scratch_;  // Next's bytes while no worker runs
};

}  // namespace kuzot::evidence
