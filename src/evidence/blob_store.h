// The content-addressed, encrypted store of evidence files under
// DATA/evidence (doc/evidence.md, "Storage layout"):
//
//   blobs/ab/cdef…   one file per distinct content, named by a keyed hash
//   tmp/             blobs being written; moved into blobs/ when complete
//   uploads/         resumable uploads in progress (partial blob + sealed state)
//   sealed/          small sealed files: thumbnails, the signing key
//
// A blob's name is BLAKE2b-256(naming key, SHA-256 of the content): equal
// files get one name (stored once), yet whoever copies the folder without
// the key cannot test whether a known file is in it.
//
// Thread safety: all methods may be called from any thread; commits of the
// same content race harmlessly (the second finds the first).
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "common/status.h"
#include "evidence/blob_format.h"
#include "evidence/keys.h"

namespace kuzot::evidence {

struct CommittedBlob {
  std::string name;
  bool deduplicated = false;  // an identical file was already stored
};

class BlobStore {
 public:
  BlobStore(std::filesystem::path root, const DataKey& data_key);

  // Creates the folders (mode 0700) and removes leftovers in tmp/.
  Status Init();

  const std::filesystem::path& root() const { return root_; }
  const EvidenceKeys& keys() const { return keys_; }

  // The blob name for a content's SHA-256 (hex).
  std::string NameFor(const std::string& sha256_hex) const;
  std::filesystem::path PathOf(const std::string& name) const;
  bool Exists(const std::string& name) const;

  // A fresh temporary path in tmp/ for a blob being written.
  std::filesystem::path TempPath() const;
  // Moves a finished temporary blob into place under the name of its
  // content, or drops it when that content is already stored.
  Result<CommittedBlob> Commit(const std::filesystem::path& temp, const std::string& sha256_hex);

  Result<std::unique_ptr<BlobReader>> Open(const std::string& name, uint64_t size) const;

  // Decrypts the whole blob and compares its SHA-256; Corrupt says what is
  // wrong (missing, truncated, altered, another content).
  Status Check(const std::string& name, uint64_t size, const std::string& sha256_hex) const;

  // Small secrets and derived files, sealed with XChaCha20-Poly1305 under the
  // sealing key; `label` is bound as additional data so that one sealed file
  // cannot stand in for another. Writes are atomic (temp + rename).
  Status WriteSealed(const std::filesystem::path& path, const std::string& label,
                     std::string_view plaintext) const;
  Result<std::string> ReadSealed(const std::filesystem::path& path, const std::string& label) const;

 private:
  std::filesystem::path root_;
  EvidenceKeys keys_;
};

// Writes `data` to `path` atomically: a temporary sibling, fsync, rename.
Status WriteFileAtomic(const std::filesystem::path& path, std::string_view data);
Result<std::string> ReadWholeFile(const std::filesystem::path& path);

}  // namespace kuzot::evidence
