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
// the key cannot test whether a known file is in it. Keys come from the
// keyring (crypto::Keyring, evidence/keys.h): new blobs use the current
// generation and name it in their header; names use the oldest generation
// so that they never change.
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
  // `keyring` must outlive the store.
  BlobStore(std::filesystem::path root, const crypto::Keyring& keyring);

  // Derives the keys, creates the folders (mode 0700) and removes leftovers in tmp/.
  Status Init();

  const std::filesystem::path& root() const { return root_; }

  // The keyring generation new blobs and sealed files use: the keyring's
  // current one when Init ran.
  uint32_t generation() const { return generation_; }

  // A new blob at `path` under the current generation.
  Result<std::unique_ptr<BlobWriter>> NewWriter(const std::filesystem::path& path) const;
  // An unfinished blob at `path`, continued (see BlobWriter::Resume).
  Result<std::unique_ptr<BlobWriter>> ResumeWriter(const std::filesystem::path& path,
                                                   uint64_t plain_offset, std::string tail) const;
  // The content key of any generation the keyring holds.
  KeyLookup content_keys() const;

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

  // --- data-key rotation (kuzot rekey --rotate-data-key; nothing else may
  // use the store meanwhile). Each returns false when the file was already
  // under the current generation (a rotation run again after a crash).

  // Re-encrypts the stored blob `name` under the current generation,
  // streaming: a new blob in tmp/, synced, decrypted again and hashed, then
  // renamed over the old one (atomic) and the folder synced. Killed at any
  // point, the name holds either the old or the new file, both readable
  // while the keyring keeps both generations. Corrupt, leaving the old file
  // as it is, when the old blob does not decrypt to `sha256_hex`.
  Result<bool> Reencrypt(const std::string& name, uint64_t size, const std::string& sha256_hex);
  // The same for the unfinished blob of an upload at `path`, of which
  // `chunks` complete chunks are accounted for by its saved state.
  Result<bool> ReencryptUnfinished(const std::filesystem::path& path, uint64_t chunks);
  // Seals the sealed file at `path` (see WriteSealed) again under the
  // current generation, atomically.
  Result<bool> Reseal(const std::filesystem::path& path, const std::string& label);

  // Small secrets and derived files, sealed by the keyring (XChaCha20-Poly1305
  // naming its generation); `label` is bound as associated data so that one
  // sealed file cannot stand in for another. Writes are atomic (temp + rename).
  Status WriteSealed(const std::filesystem::path& path, const std::string& label,
                     std::string_view plaintext) const;
  Result<std::string> ReadSealed(const std::filesystem::path& path, const std::string& label) const;

 private:
  // Opens `sealed`, the bytes of the file at `path`; Corrupt naming the file.
  Result<std::string> OpenSealed(const std::string& sealed, const std::filesystem::path& path,
                                 const std::string& label) const;
  // Check of the blob at `path`.
  Status CheckPath(const std::filesystem::path& path, uint64_t size,
                   const std::string& sha256_hex) const;
  // When `made` (how writing `temp` went) is OK, renames `temp` over
  // `target` and syncs the folder; otherwise, or when that fails, removes
  // `temp` and returns why.
  Status Replace(const std::filesystem::path& temp, const std::filesystem::path& target,
                 Status made) const;

  std::filesystem::path root_;
  const crypto::Keyring& keyring_;
  uint32_t generation_ = 0;
  DataKey content_;  // current generation's
  DataKey naming_;   // oldest generation's
};

// Writes `data` to `path` atomically: a temporary sibling, fsync, rename.
Status WriteFileAtomic(const std::filesystem::path& path, std::string_view data);
Result<std::string> ReadWholeFile(const std::filesystem::path& path);

}  // namespace kuzot::evidence
