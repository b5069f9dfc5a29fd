// The encrypted blob file format: a plaintext cut into 64 KiB chunks, each
// sealed with libsodium's secretstream (XChaCha20-Poly1305); every 16 chunks
// (1 MiB) start a new secretstream segment with its own header, so that a
// reader can seek to any offset by decrypting at most one segment (HTTP
// Range, video seeking) and a writer can restart a segment instead of ever
// reusing a nonce. Layout (doc/evidence.md):
//
//   header  "KZBLOB1\0" | file id (16 random bytes) | chunk size u32 LE | chunks per segment u32 LE
//           | key generation u32 LE | reserved u32
//   segment i: secretstream header (24 bytes) | up to 16 chunks of (plaintext + 17 bytes)
//
// Every chunk's additional data is the file id and its segment index, so
// segments cannot be swapped, reordered or moved to another file; the last
// chunk (holding size % 64 KiB bytes, possibly none) carries the FINAL tag,
// so truncation is detected. The plaintext size is kept by the caller
// (database) and must match the file's size exactly.
#pragma once

#include <sodium.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "evidence/keys.h"
#include "evidence/sha256.h"

namespace kuzot::evidence {

inline constexpr uint64_t kChunkBytes = 64 << 10;
inline constexpr uint64_t kChunksPerSegment = 16;
inline constexpr uint64_t kBlobHeaderBytes = 40;

// The content key of a keyring generation (blobs name the generation that
// encrypted them, so that old blobs stay readable after a new one).
using KeyLookup = std::function<Result<DataKey>(uint32_t generation)>;

// Bytes on disk of a blob holding `plain_size` bytes.
uint64_t CipherSize(uint64_t plain_size);

// Zeroes a buffer of plaintext up to its capacity (a shorter last piece
// leaves earlier bytes behind its end).
void WipeBuffer(std::string& b);

// The keyring generation named in the header of the blob (finished or not)
// at `path`. Corrupt when it is not a Kuzot blob.
Result<uint32_t> BlobGeneration(const std::filesystem::path& path);

// Writes to `to` a new unfinished blob under `key` of `generation` holding
// the plaintext of the first `chunks` complete chunks of the unfinished blob
// at `from` (authenticated as they are read), and syncs it: what a key
// rotation does to an upload in progress. Corrupt when `from` is shorter
// or altered.
Status CopyUnfinished(const std::filesystem::path& from, const KeyLookup& keys, uint64_t chunks,
                      const std::filesystem::path& to, const DataKey& key, uint32_t generation);

// Writes a blob as its plaintext streams in, hashing it (SHA-256) on the way.
// Memory: one chunk of plaintext and about one segment of ciphertext.
// Ciphertext goes to disk with O_DIRECT where the file system allows it, in
// 4 KiB-aligned writes of about 1 MiB, bypassing the page cache: a large
// upload neither pays for filling the cache (the largest cost after the
// cipher, bench/README.md) nor evicts what the database keeps there. The
// unaligned end (under 4 KiB) is written through an ordinary descriptor
// when the writer syncs. Without O_DIRECT (tmpfs, some file systems) the
// writes are ordinary.
//
// Large appends are pipelined over the machine's two cores: Append copies
// the piece into one of a few 1 MiB buffers, hands it to the writer's own
// worker thread (encryption + disk writes, in order) and hashes it on the
// calling thread meanwhile, then returns, so that the caller (the HTTP
// connection) receives the next piece while this one is encrypted. At most
// three pieces wait or are in work: memory stays flat. An error
// of the worker (a failed write) is returned by the next Append, Sync,
// RollBack or Finish. Not thread-safe; one writer per file, used by one
// thread at a time.
class BlobWriter {
 public:
  // Starts a new blob at `path` (replacing any file there) under `key` of
  // keyring generation `generation`, and writes its header.
  static Result<std::unique_ptr<BlobWriter>> Create(const std::filesystem::path& path,
                                                    const DataKey& key, uint32_t generation);
  // Reopens a blob left unfinished: `plain_offset` bytes were accepted, of
  // which `tail` (less than a chunk) never reached the file. Decrypts what is
  // there to rebuild the hash, and re-encrypts the last, partial segment
  // under a fresh header. Corrupt when the file is shorter than that.
  static Result<std::unique_ptr<BlobWriter>> Resume(const std::filesystem::path& path,
                                                    const KeyLookup& keys, uint64_t plain_offset,
                                                    std::string tail);
  ~BlobWriter();

  // Accepts `data` (the writer copies what it keeps; `data` may be reused
  // as soon as this returns).
  Status Append(std::string_view data);
  // Makes every complete chunk durable (write + fdatasync). The tail stays
  // in memory: callers persist it themselves (sealed) when they must.
  Status Sync();

  // A point to come back to (RollBack) when a piece turns out to be bad.
  struct Mark {
    uint64_t offset = 0;
    std::string tail;
    Sha256 hash;
  };
  // Waits for the pieces in work first.
  Mark MarkHere();
  // Forgets everything appended since `mark` was taken.
  Status RollBack(const Mark& mark);

  // Seals the last chunk, syncs, and returns the plaintext's SHA-256 (hex).
  // The writer is spent afterwards.
  Result<std::string> Finish();

  // Plaintext bytes accepted so far (pieces in work included).
  uint64_t size() const { return offset_; }
  // Accepted bytes not yet in a complete chunk; valid after Sync.
  const std::string& tail() const { return tail_; }

 private:
  // Ciphertext waiting for the disk, in a 4 KiB-aligned buffer (O_DIRECT
  // needs aligned memory, offsets and lengths).
  struct Staging {
    Staging();
    ~Staging();
    Staging(const Staging&) = delete;
    Staging& operator=(const Staging&) = delete;
    unsigned char* data = nullptr;
    size_t size = 0;
    void Append(const void* bytes, size_t n);
  };

  // The worker thread and its queue of pieces (blob_format.cc).
  class Pipeline;
  // Waits until the worker has encrypted and written every piece handed to
  // it; returns its first error (which stays: the writer is then unusable).
  Status Drain();

  // Opens `path` with `flags` for writing (O_DIRECT when it can).
  static Result<std::unique_ptr<BlobWriter>> OpenFile(const std::filesystem::path& path, int flags);
  BlobWriter(int fd, int io_fd, bool direct);
  Status EncryptChunk(const unsigned char* data, size_t size, unsigned char tag);
  // Append's encryption half (the hash is updated by Append).
  Status EncryptPiece(std::string_view data);
  // Writes the aligned part of staging_ (all of it without O_DIRECT).
  Status Flush();
  // Flush, then the unaligned rest too (through io_fd_), kept in staging_
  // so that the next aligned write covers its block again.
  Status FlushAll();
  // Cuts the file back to `chunks` complete chunks, re-encrypting the
  // chunks of their last segment under a fresh segment header.
  Status RestartAt(uint64_t chunks);

  int fd_;     // writes (O_DIRECT when direct_)
  int io_fd_;  // reads and unaligned writes (fd_ itself when not direct_)
  bool direct_;
  uint64_t written_ = 0;  // file offset where staging_ starts (aligned when direct_)
  DataKey key_;
  unsigned char file_id_[16];
  crypto_secretstream_xchacha20poly1305_state state_;
  uint64_t chunks_ = 0;  // complete chunks encrypted so far
  uint64_t offset_ = 0;  // plaintext bytes accepted
  std::string tail_;     // accepted bytes not yet in a chunk
  Staging staging_;      // ciphertext not yet written (or written only unaligned)
  Sha256 hash_;          // updated by the calling thread only
  bool finished_ = false;
  // Started by the first large Append; until then everything is done on
  // the calling thread. Declared last: destroyed (its thread joined) first.
  std::unique_ptr<Pipeline> pipeline_;
};

// Reads a blob back, decrypting and authenticating each chunk; seeks in
// O(1 MiB). Segments are read through the page cache (ReadSegment says
// why), a whole segment at a time. A chunk that fails
// authentication, a wrong size or a missing FINAL tag gives a Corrupt status: nothing
// unauthenticated is returned.
class BlobReader {
 public:
  static Result<std::unique_ptr<BlobReader>> Open(const std::filesystem::path& path,
                                                  const KeyLookup& keys, uint64_t plain_size);
  ~BlobReader();

  Status Seek(uint64_t offset);
  // Up to `n` bytes at the current position; 0 at the end.
  Result<size_t> Read(char* out, size_t n);
  uint64_t size() const { return plain_size_; }
  uint64_t position() const { return position_; }

 private:
  BlobReader(int fd, uint64_t plain_size);
  // Decrypts chunk `chunk` into plain_, or into `into` (kChunkBytes) when
  // given and the chunk is not the final one.
  Status LoadChunk(uint64_t chunk, unsigned char* into = nullptr);
  // Reads `size` bytes at `offset` of the file into segment_data_.
  Status ReadSegment(uint64_t offset, size_t size);

  int fd_;
  DataKey key_;
  uint64_t plain_size_;
  uint64_t chunk_count_;
  unsigned char file_id_[16];
  crypto_secretstream_xchacha20poly1305_state state_;
  int64_t segment_ = -1;                     // segment whose ciphertext is in segment_data_
  int64_t chunk_ = -1;                       // chunk whose plaintext is in plain_
  std::vector<unsigned char> segment_data_;  // the ciphertext of segment_
  uint64_t last_read_end_ = 0;               // where the last segment read ended in the file
  uint64_t advised_until_ = 0;               // the kernel was asked to fetch the file up to here
  std::string plain_;
  size_t in_chunk_ = 0;      // read position within plain_
  bool plain_holds_ = true;  // plain_ holds chunk_ (false: it went to the caller)
  uint64_t position_ = 0;
};

}  // namespace kuzot::evidence
