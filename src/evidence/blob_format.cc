#include "evidence/blob_format.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

namespace kuzot::evidence {
namespace {

constexpr char kMagic[8] = {'K', 'Z', 'B', 'L', 'O', 'B', '1', '\0'};
constexpr uint64_t kTagBytes = crypto_secretstream_xchacha20poly1305_ABYTES;  // 17
constexpr uint64_t kStreamHeaderBytes = crypto_secretstream_xchacha20poly1305_HEADERBYTES;
constexpr uint64_t kSegmentBytes =
    kStreamHeaderBytes + kChunksPerSegment * (kChunkBytes + kTagBytes);
constexpr size_t kFlushBytes = 1 << 20;
// O_DIRECT alignment of memory, offsets and lengths (a page: enough for any
// logical block size in use).
constexpr size_t kDirectAlign = 4096;
// How far ahead of a reader reading on the kernel is asked to fetch the
// file (posix_fadvise WILLNEED), in steps of half of it: enough to keep
// the disk busy while the segments before are decrypted and sent.
constexpr uint64_t kAdviseBytes = 16 * kSegmentBytes;
// Largest staging: an unaligned carry, a flush's worth, one more chunk and
// a segment header, rounded up to the alignment (aligned_alloc wants that).
constexpr size_t kStagingBytes =
    (kDirectAlign + kFlushBytes + 2 * (kChunkBytes + 64) + kDirectAlign - 1) / kDirectAlign *
    kDirectAlign;
// Appends of at least this size start the writer's pipeline.
constexpr size_t kPipelineFromBytes = 256 << 10;
// Pieces waiting or in work in a writer's pipeline (each up to the
// caller's piece size, 1 MiB from the HTTP server).
constexpr size_t kPipelinePieces = 3;

uint64_t SegmentStart(uint64_t segment) { return kBlobHeaderBytes + segment * kSegmentBytes; }

uint64_t ChunkOffset(uint64_t chunk) {
  return SegmentStart(chunk / kChunksPerSegment) + kStreamHeaderBytes +
         (chunk % kChunksPerSegment) * (kChunkBytes + kTagBytes);
}

// Where the file ends after `chunks` complete chunks (no header for a
// segment that has no chunk yet).
uint64_t EndAfterChunks(uint64_t chunks) {
  return chunks % kChunksPerSegment == 0 ? SegmentStart(chunks / kChunksPerSegment)
                                         : ChunkOffset(chunks);
}

void AdditionalData(const unsigned char file_id[16], uint64_t segment, unsigned char out[24]) {
  std::memcpy(out, file_id, 16);
  for (int i = 0; i < 8; ++i) out[16 + i] = static_cast<unsigned char>(segment >> (8 * i));
}

void PutU32(unsigned char* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<unsigned char>(v >> (8 * i));
}
uint32_t GetU32(const unsigned char* p) {
  return p[0] | (p[1] << 8) | (p[2] << 16) | (static_cast<uint32_t>(p[3]) << 24);
}

Status Errno(const std::string& what) {
  return Status::Internal(what + ": " + std::strerror(errno));
}

// Writes all of `data` at `offset` (pwrite: the descriptors share no file
// position).
Status WriteAllAt(int fd, const unsigned char* data, size_t size, uint64_t offset) {
  while (size > 0) {
    ssize_t n = ::pwrite(fd, data, size, static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      return Errno("writing an evidence blob");
    }
    data += n;
    size -= static_cast<size_t>(n);
    offset += static_cast<uint64_t>(n);
  }
  return Status::Ok();
}

// Reads exactly `size` bytes at `offset`; Corrupt when the file is shorter.
Status ReadAt(int fd, uint64_t offset, char* out, size_t size) {
  while (size > 0) {
    ssize_t n = ::pread(fd, out, size, static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      return Errno("reading an evidence blob");
    }
    if (n == 0) return Status::Corrupt("the stored file is shorter than its record says");
    out += n;
    size -= static_cast<size_t>(n);
    offset += static_cast<uint64_t>(n);
  }
  return Status::Ok();
}

Result<uint64_t> FileSize(int fd) {
  struct stat st;
  if (::fstat(fd, &st) != 0) return Errno("stat of an evidence blob");
  return static_cast<uint64_t>(st.st_size);
}

Status ReadHeader(int fd, unsigned char file_id[16], uint32_t* generation) {
  unsigned char header[kBlobHeaderBytes];
  KUZOT_RETURN_IF_ERROR(ReadAt(fd, 0, reinterpret_cast<char*>(header), sizeof header));
  if (std::memcmp(header, kMagic, sizeof kMagic) != 0) {
    return Status::Corrupt("the stored file is not a Kuzot blob (bad magic)");
  }
  if (GetU32(header + 24) != kChunkBytes || GetU32(header + 28) != kChunksPerSegment) {
    return Status::Corrupt("the stored file has an unknown chunk layout");
  }
  std::memcpy(file_id, header + 8, 16);
  *generation = GetU32(header + 32);
  return Status::Ok();
}

// The plaintext of the first `count` complete chunks of `segment` (an
// unfinished blob's: none of them is the final chunk).
Result<std::string> DecryptSegmentPrefix(int fd, const DataKey& key,
                                         const unsigned char file_id[16], uint64_t segment,
                                         uint64_t count) {
  std::string cipher(kStreamHeaderBytes + count * (kChunkBytes + kTagBytes), '\0');
  KUZOT_RETURN_IF_ERROR(ReadAt(fd, SegmentStart(segment), cipher.data(), cipher.size()));
  crypto_secretstream_xchacha20poly1305_state pull;
  if (crypto_secretstream_xchacha20poly1305_init_pull(
          &pull, reinterpret_cast<unsigned char*>(cipher.data()), key.bytes.data()) != 0) {
    return Status::Corrupt("a segment header of the upload is damaged");
  }
  unsigned char ad[24];
  AdditionalData(file_id, segment, ad);
  std::string plain(count * kChunkBytes, '\0');
  for (uint64_t i = 0; i < count; ++i) {
    unsigned char tag = 0;
    const auto* c = reinterpret_cast<const unsigned char*>(cipher.data()) + kStreamHeaderBytes +
                    i * (kChunkBytes + kTagBytes);
    if (crypto_secretstream_xchacha20poly1305_pull(
            &pull, reinterpret_cast<unsigned char*>(plain.data() + i * kChunkBytes), nullptr, &tag,
            c, kChunkBytes + kTagBytes, ad, sizeof ad) != 0 ||
        tag != crypto_secretstream_xchacha20poly1305_TAG_MESSAGE) {
      sodium_memzero(plain.data(), plain.size());
      return Status::Corrupt("a chunk of the upload fails authentication");
    }
  }
  sodium_memzero(&pull, sizeof pull);
  return plain;
}

}  // namespace

void WipeBuffer(std::string& b) {
  b.resize(b.capacity());
  sodium_memzero(b.data(), b.size());
}

uint64_t CipherSize(uint64_t plain_size) {
  uint64_t last = plain_size / kChunkBytes;  // index of the final chunk
  return ChunkOffset(last) + plain_size % kChunkBytes + kTagBytes;
}

Result<uint32_t> BlobGeneration(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Status::Corrupt("the stored file is missing");
    return Errno("opening " + path.string());
  }
  unsigned char file_id[16];
  uint32_t generation = 0;
  Status s = ReadHeader(fd, file_id, &generation);
  ::close(fd);
  if (!s.ok()) return s;
  return generation;
}

Status CopyUnfinished(const std::filesystem::path& from, const KeyLookup& keys, uint64_t chunks,
                      const std::filesystem::path& to, const DataKey& key, uint32_t generation) {
  int fd = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Errno("opening " + from.string());
  auto copy = [&]() -> Status {
    unsigned char file_id[16];
    uint32_t old_generation = 0;
    KUZOT_RETURN_IF_ERROR(ReadHeader(fd, file_id, &old_generation));
    KUZOT_ASSIGN_OR_RETURN(DataKey old_key, keys(old_generation));
    KUZOT_ASSIGN_OR_RETURN(uint64_t size, FileSize(fd));
    if (size < EndAfterChunks(chunks)) {
      return Status::Corrupt("the partial upload file is shorter than its saved state");
    }
    KUZOT_ASSIGN_OR_RETURN(auto writer, BlobWriter::Create(to, key, generation));
    for (uint64_t segment = 0; segment * kChunksPerSegment < chunks; ++segment) {
      uint64_t count = std::min<uint64_t>(kChunksPerSegment, chunks - segment * kChunksPerSegment);
      KUZOT_ASSIGN_OR_RETURN(std::string plain,
                             DecryptSegmentPrefix(fd, old_key, file_id, segment, count));
      Status s = writer->Append(plain);
      sodium_memzero(plain.data(), plain.size());
      KUZOT_RETURN_IF_ERROR(s);
    }
    // Whole chunks only: the tail stays empty and nothing is left unwritten.
    return writer->Sync();
  };
  Status s = copy();
  ::close(fd);
  return s;
}

// ---------------------------------------------------------------- writer

BlobWriter::Staging::Staging() {
  data = static_cast<unsigned char*>(std::aligned_alloc(kDirectAlign, kStagingBytes));
}
BlobWriter::Staging::~Staging() {
  if (data) sodium_memzero(data, size);
  std::free(data);
}
void BlobWriter::Staging::Append(const void* bytes, size_t n) {
  std::memcpy(data + size, bytes, n);
  size += n;
}

BlobWriter::BlobWriter(int fd, int io_fd, bool direct) : fd_(fd), io_fd_(io_fd), direct_(direct) {
  tail_.reserve(kChunkBytes);
}

BlobWriter::~BlobWriter() {
  pipeline_.reset();  // its thread uses the descriptors
  if (fd_ >= 0) ::close(fd_);
  if (io_fd_ >= 0 && io_fd_ != fd_) ::close(io_fd_);
  sodium_memzero(&state_, sizeof state_);
}

Result<std::unique_ptr<BlobWriter>> BlobWriter::OpenFile(const std::filesystem::path& path,
                                                         int flags) {
  int io_fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC | flags, 0600);
  if (io_fd < 0) return Errno("opening " + path.string());
  // A second descriptor with O_DIRECT for the large writes; file systems
  // without it (EINVAL) get ordinary writes.
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC | O_DIRECT);
  bool direct = fd >= 0;
  if (!direct) fd = io_fd;
  std::unique_ptr<BlobWriter> w(new BlobWriter(fd, io_fd, direct));
  if (!w->staging_.data) return Status::Internal("out of memory for an evidence blob");
  return w;
}

Result<std::unique_ptr<BlobWriter>> BlobWriter::Create(const std::filesystem::path& path,
                                                       const DataKey& key, uint32_t generation) {
  KUZOT_ASSIGN_OR_RETURN(auto w, OpenFile(path, O_CREAT | O_TRUNC));
  w->key_ = key;
  randombytes_buf(w->file_id_, sizeof w->file_id_);
  unsigned char header[kBlobHeaderBytes];
  std::memcpy(header, kMagic, sizeof kMagic);
  std::memcpy(header + 8, w->file_id_, 16);
  PutU32(header + 24, kChunkBytes);
  PutU32(header + 28, kChunksPerSegment);
  PutU32(header + 32, generation);
  PutU32(header + 36, 0);
  w->staging_.Append(header, sizeof header);
  return w;
}

Result<std::unique_ptr<BlobWriter>> BlobWriter::Resume(const std::filesystem::path& path,
                                                       const KeyLookup& keys, uint64_t plain_offset,
                                                       std::string tail) {
  if (tail.size() >= kChunkBytes || tail.size() > plain_offset) {
    return Status::Corrupt("the saved state of the upload is inconsistent");
  }
  KUZOT_ASSIGN_OR_RETURN(auto w, OpenFile(path, 0));
  int fd = w->io_fd_;
  uint32_t generation = 0;
  KUZOT_RETURN_IF_ERROR(ReadHeader(fd, w->file_id_, &generation));
  KUZOT_ASSIGN_OR_RETURN(w->key_, keys(generation));
  const DataKey& key = w->key_;
  uint64_t chunks = (plain_offset - tail.size()) / kChunkBytes;
  KUZOT_ASSIGN_OR_RETURN(uint64_t size, FileSize(fd));
  if (size < EndAfterChunks(chunks)) {
    return Status::Corrupt("the partial upload file is shorter than its saved state");
  }
  // Rebuild the hash from every complete segment; RestartAt hashes nothing,
  // so the chunks of the last segment are hashed here too.
  for (uint64_t segment = 0; segment * kChunksPerSegment < chunks; ++segment) {
    uint64_t count = std::min<uint64_t>(kChunksPerSegment, chunks - segment * kChunksPerSegment);
    KUZOT_ASSIGN_OR_RETURN(std::string plain,
                           DecryptSegmentPrefix(fd, key, w->file_id_, segment, count));
    w->hash_.Update(plain);
    sodium_memzero(plain.data(), plain.size());
  }
  KUZOT_RETURN_IF_ERROR(w->RestartAt(chunks));
  w->offset_ = chunks * kChunkBytes;
  w->hash_.Update(tail);
  w->offset_ += tail.size();
  w->tail_ = std::move(tail);
  return w;
}

Status BlobWriter::EncryptChunk(const unsigned char* data, size_t size, unsigned char tag) {
  uint64_t segment = chunks_ / kChunksPerSegment;
  if (chunks_ % kChunksPerSegment == 0) {
    unsigned char header[kStreamHeaderBytes];
    crypto_secretstream_xchacha20poly1305_init_push(&state_, header, key_.bytes.data());
    staging_.Append(header, sizeof header);
  }
  unsigned char ad[24];
  AdditionalData(file_id_, segment, ad);
  crypto_secretstream_xchacha20poly1305_push(&state_, staging_.data + staging_.size, nullptr, data,
                                             size, ad, sizeof ad, tag);
  staging_.size += size + kTagBytes;
  ++chunks_;
  if (staging_.size >= kFlushBytes) return Flush();
  return Status::Ok();
}

Status BlobWriter::Flush() {
  size_t n = direct_ ? staging_.size / kDirectAlign * kDirectAlign : staging_.size;
  if (n == 0) return Status::Ok();
  if (direct_) {
    ssize_t w = ::pwrite(fd_, staging_.data, n, static_cast<off_t>(written_));
    if (w < 0 && errno == EINVAL) {
      // The file system opened it with O_DIRECT but refuses such writes
      // (another block size, a FUSE file system): ordinary writes from now.
      ::close(fd_);
      fd_ = io_fd_;
      direct_ = false;
      return Flush();
    }
    if (w < 0 && errno != EINTR) return Errno("writing an evidence blob");
    size_t done = w < 0 ? 0 : static_cast<size_t>(w);
    KUZOT_RETURN_IF_ERROR(WriteAllAt(fd_, staging_.data + done, n - done, written_ + done));
  } else {
    KUZOT_RETURN_IF_ERROR(WriteAllAt(fd_, staging_.data, n, written_));
  }
  written_ += n;
  staging_.size -= n;
  std::memmove(staging_.data, staging_.data + n, staging_.size);
  return Status::Ok();
}

Status BlobWriter::FlushAll() {
  KUZOT_RETURN_IF_ERROR(Flush());
  if (staging_.size == 0) return Status::Ok();
  return WriteAllAt(io_fd_, staging_.data, staging_.size, written_);
}

// The writer's worker: encrypts and writes the queued pieces in order.
class BlobWriter::Pipeline {
 public:
  // Starts the thread; throws std::system_error when it cannot.
  explicit Pipeline(BlobWriter& writer) : writer_(writer), thread_([this] { Run(); }) {}
  // Stops the worker (pieces still queued are dropped) and wipes the buffers.
  ~Pipeline() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    changed_.notify_all();
    thread_.join();
    for (auto& b : free_) WipeBuffer(b);
    for (auto& b : queue_) WipeBuffer(b);
  }

  // Copies `data` into a free buffer (waiting for one) and queues it.
  Status Push(std::string_view data) {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [&] { return !error_.ok() || !free_.empty() || made_ < kPipelinePieces; });
    if (!error_.ok()) return error_;
    std::string buffer;
    if (!free_.empty()) {
      buffer = std::move(free_.back());
      free_.pop_back();
    } else {
      ++made_;
    }
    lock.unlock();
    buffer.assign(data.data(), data.size());
    lock.lock();
    queue_.push_back(std::move(buffer));
    changed_.notify_all();
    return Status::Ok();
  }

  // Waits until every queued piece is encrypted and written.
  Status Drain() {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [&] { return queue_.empty() && !busy_; });
    return error_;
  }

 private:
  void Run() {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      changed_.wait(lock, [&] { return stop_ || !queue_.empty(); });
      if (stop_) return;
      std::string piece = std::move(queue_.front());
      queue_.pop_front();
      busy_ = true;
      bool failed = !error_.ok();  // after an error, pieces are dropped
      lock.unlock();
      Status s = failed ? Status::Ok() : writer_.EncryptPiece(piece);
      lock.lock();
      if (!s.ok()) error_ = s;
      busy_ = false;
      free_.push_back(std::move(piece));
      changed_.notify_all();
    }
  }

  BlobWriter& writer_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::string> queue_;  // pieces to encrypt, in order
  std::vector<std::string> free_;  // buffers to reuse
  size_t made_ = 0;                // buffers allocated
  bool busy_ = false;              // the worker holds a piece
  bool stop_ = false;
  Status error_;
  std::thread thread_;  // last: starts once the rest is built
};

Status BlobWriter::Append(std::string_view data) {
  if (finished_) return Status::Internal("append to a finished blob");
  if (!pipeline_ && data.size() >= kPipelineFromBytes) {
    try {
      pipeline_ = std::make_unique<Pipeline>(*this);
    } catch (const std::system_error&) {
      // No thread to be had: everything on this one, as for small pieces.
    }
  }
  if (!pipeline_) {  // small pieces, or no thread to be had
    hash_.Update(data);
    offset_ += data.size();
    return EncryptPiece(data);
  }
  // Encryption of this piece on the worker while it is hashed here.
  KUZOT_RETURN_IF_ERROR(pipeline_->Push(data));
  hash_.Update(data);
  offset_ += data.size();
  return Status::Ok();
}

Status BlobWriter::Drain() { return pipeline_ ? pipeline_->Drain() : Status::Ok(); }

Status BlobWriter::EncryptPiece(std::string_view data) {
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  size_t n = data.size();
  if (!tail_.empty()) {
    size_t take = std::min<size_t>(n, kChunkBytes - tail_.size());
    tail_.append(reinterpret_cast<const char*>(p), take);
    p += take;
    n -= take;
    if (tail_.size() < kChunkBytes) return Status::Ok();
    KUZOT_RETURN_IF_ERROR(EncryptChunk(reinterpret_cast<const unsigned char*>(tail_.data()),
                                       kChunkBytes,
                                       crypto_secretstream_xchacha20poly1305_TAG_MESSAGE));
    tail_.clear();
  }
  while (n >= kChunkBytes) {
    KUZOT_RETURN_IF_ERROR(
        EncryptChunk(p, kChunkBytes, crypto_secretstream_xchacha20poly1305_TAG_MESSAGE));
    p += kChunkBytes;
    n -= kChunkBytes;
  }
  tail_.append(reinterpret_cast<const char*>(p), n);
  return Status::Ok();
}

Status BlobWriter::Sync() {
  KUZOT_RETURN_IF_ERROR(Drain());
  KUZOT_RETURN_IF_ERROR(FlushAll());
  if (::fdatasync(io_fd_) != 0) return Errno("syncing an evidence blob");
  return Status::Ok();
}

BlobWriter::Mark BlobWriter::MarkHere() {
  // An error of the worker is not lost: every later call returns it.
  (void)Drain();
  return Mark{offset_, tail_, hash_};
}

Status BlobWriter::RestartAt(uint64_t chunks) {
  // Everything on disk first, so that the file is what is read back below.
  KUZOT_RETURN_IF_ERROR(FlushAll());
  uint64_t segment = chunks / kChunksPerSegment;
  uint64_t keep = chunks % kChunksPerSegment;  // chunks of that segment to re-encrypt
  std::string plain;
  if (keep > 0) {
    KUZOT_ASSIGN_OR_RETURN(plain, DecryptSegmentPrefix(io_fd_, key_, file_id_, segment, keep));
  }
  uint64_t end = SegmentStart(segment);
  if (::ftruncate(io_fd_, static_cast<off_t>(end)) != 0) {
    return Errno("cutting back an evidence blob");
  }
  // Staging starts again at an aligned offset: the bytes before `end` in
  // its block are read back into it.
  written_ = direct_ ? end / kDirectAlign * kDirectAlign : end;
  staging_.size = end - written_;
  if (staging_.size > 0) {
    KUZOT_RETURN_IF_ERROR(
        ReadAt(io_fd_, written_, reinterpret_cast<char*>(staging_.data), staging_.size));
  }
  chunks_ = segment * kChunksPerSegment;
  for (uint64_t i = 0; i < keep; ++i) {
    KUZOT_RETURN_IF_ERROR(
        EncryptChunk(reinterpret_cast<const unsigned char*>(plain.data() + i * kChunkBytes),
                     kChunkBytes, crypto_secretstream_xchacha20poly1305_TAG_MESSAGE));
  }
  if (!plain.empty()) sodium_memzero(plain.data(), plain.size());
  return Flush();
}

Status BlobWriter::RollBack(const Mark& mark) {
  if (finished_) return Status::Internal("roll back of a finished blob");
  if (mark.offset > offset_) return Status::Internal("roll back to a mark in the future");
  KUZOT_RETURN_IF_ERROR(Drain());
  uint64_t chunks = (mark.offset - mark.tail.size()) / kChunkBytes;
  KUZOT_RETURN_IF_ERROR(RestartAt(chunks));
  offset_ = mark.offset;
  tail_ = mark.tail;
  hash_ = mark.hash;
  return Status::Ok();
}

Result<std::string> BlobWriter::Finish() {
  if (finished_) return Status::Internal("blob finished twice");
  KUZOT_RETURN_IF_ERROR(Drain());
  KUZOT_RETURN_IF_ERROR(EncryptChunk(reinterpret_cast<const unsigned char*>(tail_.data()),
                                     tail_.size(),
                                     crypto_secretstream_xchacha20poly1305_TAG_FINAL));
  sodium_memzero(tail_.data(), tail_.size());
  tail_.clear();
  KUZOT_RETURN_IF_ERROR(Sync());
  finished_ = true;
  return hash_.FinalHex();
}

// ---------------------------------------------------------------- reader

BlobReader::BlobReader(int fd, uint64_t plain_size)
    : fd_(fd), plain_size_(plain_size), chunk_count_(plain_size / kChunkBytes + 1) {}

BlobReader::~BlobReader() {
  if (fd_ >= 0) ::close(fd_);
  if (!plain_.empty()) sodium_memzero(plain_.data(), plain_.size());
  sodium_memzero(&state_, sizeof state_);
}

Result<std::unique_ptr<BlobReader>> BlobReader::Open(const std::filesystem::path& path,
                                                     const KeyLookup& keys, uint64_t plain_size) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Status::Corrupt("the stored file is missing");
    return Errno("opening " + path.string());
  }
  std::unique_ptr<BlobReader> r(new BlobReader(fd, plain_size));
  KUZOT_ASSIGN_OR_RETURN(uint64_t size, FileSize(fd));
  if (size != CipherSize(plain_size)) {
    return Status::Corrupt("the stored file is " + std::to_string(size) + " bytes where " +
                           std::to_string(CipherSize(plain_size)) +
                           " were written: it was truncated or altered");
  }
  uint32_t generation = 0;
  KUZOT_RETURN_IF_ERROR(ReadHeader(fd, r->file_id_, &generation));
  KUZOT_ASSIGN_OR_RETURN(r->key_, keys(generation));
  // Through the page cache (see ReadSegment); a larger kernel read-ahead.
  (void)::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  r->segment_data_.resize(kSegmentBytes);
  r->plain_.reserve(kChunkBytes);
  KUZOT_RETURN_IF_ERROR(r->LoadChunk(0));
  return r;
}

Status BlobReader::LoadChunk(uint64_t chunk, unsigned char* into) {
  uint64_t segment = chunk / kChunksPerSegment;
  if (static_cast<int64_t>(segment) != segment_ || static_cast<int64_t>(chunk) <= chunk_) {
    // Read the segment's ciphertext up to the file's last chunk.
    uint64_t first = segment * kChunksPerSegment;
    uint64_t last = std::min(first + kChunksPerSegment, chunk_count_) - 1;
    uint64_t end = last == chunk_count_ - 1 ? CipherSize(plain_size_)
                                            : ChunkOffset(last) + kChunkBytes + kTagBytes;
    KUZOT_RETURN_IF_ERROR(ReadSegment(SegmentStart(segment), end - SegmentStart(segment)));
    if (crypto_secretstream_xchacha20poly1305_init_pull(&state_, segment_data_.data(),
                                                        key_.bytes.data()) != 0) {
      segment_ = -1;
      return Status::Corrupt("a segment header of the stored file is damaged");
    }
    segment_ = static_cast<int64_t>(segment);
    chunk_ = static_cast<int64_t>(first) - 1;
  }
  unsigned char ad[24];
  AdditionalData(file_id_, segment, ad);
  while (chunk_ < static_cast<int64_t>(chunk)) {
    uint64_t next = static_cast<uint64_t>(chunk_ + 1);
    bool final = next == chunk_count_ - 1;
    size_t plain_size = final ? plain_size_ % kChunkBytes : kChunkBytes;
    size_t at = ChunkOffset(next) - SegmentStart(segment);
    // The chunk asked for goes to `into` when given (a whole chunk, never
    // the final one: Read checks); the ones skipped on the way to plain_.
    bool direct = into != nullptr && next == chunk && !final;
    if (!direct) plain_.resize(plain_size);
    unsigned char* dest = direct ? into : reinterpret_cast<unsigned char*>(plain_.data());
    plain_holds_ = !direct;
    unsigned char tag = 0;
    if (crypto_secretstream_xchacha20poly1305_pull(&state_, dest, nullptr, &tag,
                                                   segment_data_.data() + at,
                                                   plain_size + kTagBytes, ad, sizeof ad) != 0) {
      segment_ = -1;
      chunk_ = -1;
      return Status::Corrupt("the stored file fails authentication at byte " +
                             std::to_string(next * kChunkBytes) + ": it was altered");
    }
    bool tagged_final = tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL;
    if (tagged_final != final) {
      segment_ = -1;
      chunk_ = -1;
      return Status::Corrupt("the stored file's end marker is misplaced: it was altered");
    }
    chunk_ = static_cast<int64_t>(next);
  }
  in_chunk_ = 0;
  return Status::Ok();
}

// Ordinary reads, through the page cache: a file downloaded or played
// again (a video seeked back and forth, a package made twice) is read from
// memory, and the kernel's two-list LRU keeps a file read once from
// pushing out pages used again and again, such as the database's. Writes
// stay O_DIRECT (BlobWriter). Reading on from the segment before, the
// kernel is asked to fetch the next kAdviseBytes: ReadAhead's two workers
// read every other segment, which its own read-ahead does not take for a
// sequential read. A seek (a Range request) fetches one segment.
Status BlobReader::ReadSegment(uint64_t offset, size_t size) {
  uint64_t file_end = CipherSize(plain_size_);
  bool reading_on = offset >= last_read_end_ && offset <= last_read_end_ + kSegmentBytes;
  if (reading_on && advised_until_ < std::min(file_end, offset + kAdviseBytes / 2)) {
    uint64_t from = std::max(advised_until_, offset);
    advised_until_ = std::min(file_end, from + kAdviseBytes);
    (void)::posix_fadvise(fd_, static_cast<off_t>(from), static_cast<off_t>(advised_until_ - from),
                          POSIX_FADV_WILLNEED);
  }
  KUZOT_RETURN_IF_ERROR(ReadAt(fd_, offset, reinterpret_cast<char*>(segment_data_.data()), size));
  last_read_end_ = offset + size;
  return Status::Ok();
}

Status BlobReader::Seek(uint64_t offset) {
  if (offset > plain_size_) return Status::RangeNotSatisfiable("seek past the end of the file");
  uint64_t chunk = std::min(offset / kChunkBytes, chunk_count_ - 1);
  // A chunk decrypted into a caller's buffer is not in plain_: again.
  if (static_cast<int64_t>(chunk) != chunk_ || !plain_holds_) {
    KUZOT_RETURN_IF_ERROR(LoadChunk(chunk));
  }
  in_chunk_ = offset - chunk * kChunkBytes;
  position_ = offset;
  return Status::Ok();
}

Result<size_t> BlobReader::Read(char* out, size_t n) {
  size_t done = 0;
  while (done < n && position_ < plain_size_) {
    if (in_chunk_ == plain_.size()) {
      uint64_t next = static_cast<uint64_t>(chunk_ + 1);
      if (n - done >= kChunkBytes && next + 1 < chunk_count_) {
        // A whole chunk that is not the last: decrypted straight into
        // `out`, which saves copying every byte once more.
        KUZOT_RETURN_IF_ERROR(LoadChunk(next, reinterpret_cast<unsigned char*>(out + done)));
        in_chunk_ = plain_.size();  // plain_ holds nothing to give
        done += kChunkBytes;
        position_ += kChunkBytes;
        continue;
      }
      KUZOT_RETURN_IF_ERROR(LoadChunk(next));
    }
    size_t take = std::min(n - done, plain_.size() - in_chunk_);
    std::memcpy(out + done, plain_.data() + in_chunk_, take);
    in_chunk_ += take;
    done += take;
    position_ += take;
  }
  return done;
}

}  // namespace kuzot::evidence
