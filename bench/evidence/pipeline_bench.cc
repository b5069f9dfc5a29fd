// The evidence pipeline without the network: SIZE_MB (default 1024) of
// random bytes through BlobWriter (SHA-256 + secretstream + file writes)
// and back through BlobReader (read + decrypt), RUNS times (default 5);
// prints each run and the medians in MB/s. Tells what the server could do
// if loopback and the other processes on the machine cost nothing.
// COLD=1 drops the file from the page cache between writing and reading
// (a download of a file stored earlier). Reads use the bare BlobReader, as
// downloads do; READAHEAD=2 reads through ReadAhead with two workers
// decrypting ahead, READAHEAD=1 with one.
// Usage: pipeline_bench DIR   (DIR: a scratch folder, removed afterwards)
#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "crypto/crypto.h"
#include "evidence/blob_store.h"
#include "evidence/read_ahead.h"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
  if (argc != 2 || sodium_init() < 0) {
    std::fprintf(stderr, "usage: pipeline_bench SCRATCH_DIR\n");
    return 2;
  }
  const char* size_env = std::getenv("SIZE_MB");
  const char* runs_env = std::getenv("RUNS");
  uint64_t size = (size_env ? std::strtoull(size_env, nullptr, 10) : 1024) << 20;
  int runs = runs_env ? std::atoi(runs_env) : 5;
  // COLD=1: drop the file's pages from the page cache before reading it.
  bool cold = std::getenv("COLD") && std::string(std::getenv("COLD")) == "1";
  std::string workers = std::getenv("READAHEAD") ? std::getenv("READAHEAD") : "0";
  fs::path dir = argv[1];
  fs::remove_all(dir);
  fs::create_directories(dir / "keys" / "keyring");
  if (!kuzot::crypto::CreateKeyFile((dir / "keys" / "key").string()).ok()) return 1;
  auto keyring = kuzot::crypto::Keyring::Create(
      (dir / "keys" / "keyring").string(),
      kuzot::crypto::KeySource::KeyFile((dir / "keys" / "key").string()));
  if (!keyring.ok()) return 1;
  kuzot::evidence::BlobStore store(dir / "store", *keyring.value());
  if (!store.Init().ok()) return 1;
  std::string piece(1 << 20, '\0');
  randombytes_buf(piece.data(), piece.size());
  std::vector<double> writes, reads;
  for (int run = 0; run < runs; ++run) {
    fs::path temp = store.TempPath();
    auto t0 = Clock::now();
    auto w = store.NewWriter(temp);
    for (uint64_t done = 0; done < size; done += piece.size()) {
      piece[0] = static_cast<char>(run);  // a new content each run: no dedupe
      if (!w.value()->Append(piece).ok()) return 1;
    }
    auto sha = w.value()->Finish();
    auto committed = store.Commit(temp, sha.value());
    double write_s = std::chrono::duration<double>(Clock::now() - t0).count();
    if (cold) {
      // A file uploaded earlier: none of it in the page cache.
      int fd = ::open(store.PathOf(committed->name).c_str(), O_RDONLY);
      if (fd < 0 || ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED) != 0) return 1;
      ::close(fd);
    }
    auto t1 = Clock::now();
    auto r = store.Open(committed->name, size);
    if (!r.ok()) return 1;
    std::unique_ptr<kuzot::evidence::BlobReader> bare = std::move(r).value();
    std::unique_ptr<kuzot::evidence::ReadAhead> ahead;
    if (workers == "1") {
      ahead = std::make_unique<kuzot::evidence::ReadAhead>(std::move(bare));
    } else if (workers != "0") {
      ahead = std::make_unique<kuzot::evidence::ReadAhead>(
          std::move(bare), [&] { return store.Open(committed->name, size); });
    }
    uint64_t total = 0;
    for (;;) {
      auto n =
          ahead ? ahead->Read(piece.data(), piece.size()) : bare->Read(piece.data(), piece.size());
      if (!n.ok() || n.value() == 0) break;
      total += n.value();
    }
    double read_s = std::chrono::duration<double>(Clock::now() - t1).count();
    if (total != size) return 1;
    writes.push_back(size / 1e6 / write_s);
    reads.push_back(size / 1e6 / read_s);
    std::printf("run %d: write (hash+encrypt+store) %.0f MB/s, read (decrypt) %.0f MB/s\n", run + 1,
                writes.back(), reads.back());
    fs::remove(store.PathOf(committed->name));
  }
  std::sort(writes.begin(), writes.end());
  std::sort(reads.begin(), reads.end());
  std::printf("median write %.0f MB/s, median read %.0f MB/s (%llu MiB, %d runs)\n",
              writes[writes.size() / 2], reads[reads.size() / 2],
              static_cast<unsigned long long>(size >> 20), runs);
  fs::remove_all(dir);
  return 0;
}
