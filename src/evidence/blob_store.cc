#include "evidence/blob_store.h"

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>

namespace kuzot::evidence {
namespace {

namespace fs = std::filesystem;

std::string RandomHex(size_t bytes) {
  std::string raw(bytes, '\0');
  randombytes_buf(raw.data(), raw.size());
  std::string hex(bytes * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), reinterpret_cast<unsigned char*>(raw.data()), bytes);
  hex.pop_back();
  return hex;
}

Status SyncDir(const fs::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Status::Internal("opening " + dir.string() + ": " + std::strerror(errno));
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return Status::Internal("syncing " + dir.string() + ": " + std::strerror(errno));
  return Status::Ok();
}

}  // namespace

Status WriteFileAtomic(const fs::path& path, std::string_view data) {
  fs::path temp = path;
  temp += ".tmp-" + RandomHex(4);
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Status::Internal("creating " + temp.string() + ": " + std::strerror(errno));
  const char* p = data.data();
  size_t n = data.size();
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) {
      ::close(fd);
      ::unlink(temp.c_str());
      return Status::Internal("writing " + temp.string() + ": " + std::strerror(errno));
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    ::unlink(temp.c_str());
    return Status::Internal("syncing " + temp.string() + ": " + std::strerror(errno));
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    ::unlink(temp.c_str());
    return Status::Internal("renaming " + temp.string() + ": " + std::strerror(errno));
  }
  return SyncDir(path.parent_path());
}

Result<std::string> ReadWholeFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot read " + path.string());
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return data;
}

BlobStore::BlobStore(fs::path root, const crypto::Keyring& keyring)
    : root_(std::move(root)), keyring_(keyring) {}

Status BlobStore::Init() {
  generation_ = keyring_.current();
  KUZOT_ASSIGN_OR_RETURN(EvidenceKeys current, KeysOf(keyring_, generation_));
  std::vector<uint32_t> generations = keyring_.generations();
  uint32_t oldest = *std::min_element(generations.begin(), generations.end());
  KUZOT_ASSIGN_OR_RETURN(EvidenceKeys first, KeysOf(keyring_, oldest));
  content_ = current.content;
  naming_ = first.naming;
  std::error_code ec;
  for (const char* sub : {"", "blobs", "tmp", "uploads", "sealed"}) {
    fs::path dir = root_ / sub;
    fs::create_directories(dir, ec);
    if (ec) return Status::Unavailable("cannot create " + dir.string() + ": " + ec.message());
    fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  }
  // Blobs left in tmp/ by a crash were never committed: nothing refers to them.
  for (const auto& entry : fs::directory_iterator(root_ / "tmp", ec)) fs::remove(entry.path(), ec);
  return Status::Ok();
}

std::string BlobStore::NameFor(const std::string& sha256_hex) const {
  unsigned char out[32];
  crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(sha256_hex.data()),
                     sha256_hex.size(), naming_.bytes.data(), naming_.bytes.size());
  char hex[65];
  sodium_bin2hex(hex, sizeof hex, out, sizeof out);
  return hex;
}

fs::path BlobStore::PathOf(const std::string& name) const {
  return root_ / "blobs" / name.substr(0, 2) / name.substr(2);
}

bool BlobStore::Exists(const std::string& name) const {
  std::error_code ec;
  return fs::exists(PathOf(name), ec);
}

fs::path BlobStore::TempPath() const { return root_ / "tmp" / (RandomHex(16) + ".blob"); }

Result<CommittedBlob> BlobStore::Commit(const fs::path& temp, const std::string& sha256_hex) {
  CommittedBlob out;
  out.name = NameFor(sha256_hex);
  fs::path target = PathOf(out.name);
  std::error_code ec;
  fs::create_directories(target.parent_path(), ec);
  if (ec) return Status::Internal("cannot create " + target.parent_path().string());
  // link() fails when the target exists: the first copy of a content wins and
  // is never overwritten, so a stored file cannot be swapped by a re-upload.
  if (::link(temp.c_str(), target.c_str()) == 0) {
    KUZOT_RETURN_IF_ERROR(SyncDir(target.parent_path()));
  } else if (errno == EEXIST) {
    out.deduplicated = true;
  } else {
    return Status::Internal("storing " + target.string() + ": " + std::strerror(errno));
  }
  fs::remove(temp, ec);
  return out;
}

KeyLookup BlobStore::content_keys() const {
  const crypto::Keyring* keyring = &keyring_;
  return [keyring](uint32_t generation) -> Result<DataKey> {
    KUZOT_ASSIGN_OR_RETURN(EvidenceKeys keys, KeysOf(*keyring, generation));
    return keys.content;
  };
}

Result<std::unique_ptr<BlobWriter>> BlobStore::NewWriter(const fs::path& path) const {
  return BlobWriter::Create(path, content_, generation_);
}

Result<std::unique_ptr<BlobWriter>> BlobStore::ResumeWriter(const fs::path& path,
                                                            uint64_t plain_offset,
                                                            std::string tail) const {
  return BlobWriter::Resume(path, content_keys(), plain_offset, std::move(tail));
}

Result<std::unique_ptr<BlobReader>> BlobStore::Open(const std::string& name, uint64_t size) const {
  return BlobReader::Open(PathOf(name), content_keys(), size);
}

Status BlobStore::Check(const std::string& name, uint64_t size,
                        const std::string& sha256_hex) const {
  return CheckPath(PathOf(name), size, sha256_hex);
}

Status BlobStore::CheckPath(const fs::path& path, uint64_t size,
                            const std::string& sha256_hex) const {
  KUZOT_ASSIGN_OR_RETURN(auto reader, BlobReader::Open(path, content_keys(), size));
  Sha256 hash;
  std::string buffer(1 << 20, '\0');
  for (;;) {
    KUZOT_ASSIGN_OR_RETURN(size_t n, reader->Read(buffer.data(), buffer.size()));
    if (n == 0) break;
    hash.Update(buffer.data(), n);
  }
  std::string actual = hash.FinalHex();
  if (actual != sha256_hex) {
    return Status::Corrupt("the stored file decrypts to content with SHA-256 " + actual +
                           ", not the recorded " + sha256_hex);
  }
  return Status::Ok();
}

Status BlobStore::Replace(const fs::path& temp, const fs::path& target, Status made) const {
  if (made.ok() && ::rename(temp.c_str(), target.c_str()) != 0) {
    made = Status::Internal("replacing " + target.string() + ": " + std::strerror(errno));
  }
  if (!made.ok()) {
    std::error_code ec;
    fs::remove(temp, ec);
    return made;
  }
  return SyncDir(target.parent_path());
}

Result<bool> BlobStore::Reencrypt(const std::string& name, uint64_t size,
                                  const std::string& sha256_hex) {
  fs::path path = PathOf(name);
  KUZOT_ASSIGN_OR_RETURN(uint32_t generation, BlobGeneration(path));
  if (generation == generation_) return false;
  KUZOT_ASSIGN_OR_RETURN(auto reader, Open(name, size));
  fs::path temp = TempPath();
  auto copied = [&]() -> Status {
    KUZOT_ASSIGN_OR_RETURN(auto writer, NewWriter(temp));
    std::string buffer(1 << 20, '\0');
    for (;;) {
      KUZOT_ASSIGN_OR_RETURN(size_t n, reader->Read(buffer.data(), buffer.size()));
      if (n == 0) break;
      KUZOT_RETURN_IF_ERROR(writer->Append(std::string_view(buffer.data(), n)));
    }
    sodium_memzero(buffer.data(), buffer.size());
    KUZOT_ASSIGN_OR_RETURN(std::string actual, writer->Finish());
    if (actual != sha256_hex) {
      return Status::Corrupt("the stored file decrypts to content with SHA-256 " + actual +
                             ", not the recorded " + sha256_hex + "; left as it was");
    }
    // Read the new file back before it replaces the only other copy.
    return CheckPath(temp, size, sha256_hex);
  }();
  KUZOT_RETURN_IF_ERROR(Replace(temp, path, copied));
  return true;
}

Result<bool> BlobStore::ReencryptUnfinished(const fs::path& path, uint64_t chunks) {
  KUZOT_ASSIGN_OR_RETURN(uint32_t generation, BlobGeneration(path));
  if (generation == generation_) return false;
  fs::path temp = TempPath();
  KUZOT_RETURN_IF_ERROR(Replace(
      temp, path, CopyUnfinished(path, content_keys(), chunks, temp, content_, generation_)));
  return true;
}

Result<bool> BlobStore::Reseal(const fs::path& path, const std::string& label) {
  KUZOT_ASSIGN_OR_RETURN(std::string sealed, ReadWholeFile(path));
  if (crypto::Keyring::SealedGeneration(sealed) == generation_) return false;
  KUZOT_ASSIGN_OR_RETURN(std::string plain, OpenSealed(sealed, path, label));
  Status s = WriteSealed(path, label, plain);
  sodium_memzero(plain.data(), plain.size());
  KUZOT_RETURN_IF_ERROR(s);
  return true;
}

Status BlobStore::WriteSealed(const fs::path& path, const std::string& label,
                              std::string_view plaintext) const {
  KUZOT_ASSIGN_OR_RETURN(std::string sealed, keyring_.Seal(plaintext, label));
  return WriteFileAtomic(path, sealed);
}

Result<std::string> BlobStore::ReadSealed(const fs::path& path, const std::string& label) const {
  KUZOT_ASSIGN_OR_RETURN(std::string sealed, ReadWholeFile(path));
  return OpenSealed(sealed, path, label);
}

Result<std::string> BlobStore::OpenSealed(const std::string& sealed, const fs::path& path,
                                          const std::string& label) const {
  auto plain = keyring_.Open(sealed, label);
  if (!plain.ok()) {
    return Status::Corrupt(path.filename().string() +
                           " cannot be opened: altered, moved, or sealed by another keyring (" +
                           plain.status().message() + ")");
  }
  return plain;
}

}  // namespace kuzot::evidence
