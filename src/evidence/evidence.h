// Evidence files: photos, videos, audio and documents kept so that a court
// or a UN body can trust that a file is the one recorded (doc/evidence.md).
//
// Bytes stream in through resumable (tus 1.0) or single-request uploads;
// while they do, the SHA-256 is computed and the content is encrypted into a
// content-addressed store under DATA/evidence (identical files stored once).
// On completion the type is detected from the content, capture metadata is
// read, contradictions with what the uploader entered are flagged, and an
// "evidence" record is created. Every upload, view, download, export and
// link change is appended to the record's hash-chained chain of custody.
//
// Thread safety: one EvidenceService serves all threads. One upload takes
// one writer at a time (a second concurrent append gets Conflict).
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/caller.h"
#include "common/status.h"
#include "evidence/keys.h"
#include "records/service.h"

namespace kuzot::evidence {

using Json = nlohmann::ordered_json;

struct EvidenceOptions {
  std::filesystem::path dir;  // DATA/evidence; created when missing
  // The installation's keyring (its evidence subkeys encrypt every blob).
  std::shared_ptr<const crypto::Keyring> keyring;
  uint64_t max_file_bytes = 20ull << 30;  // larger files are refused before any byte is stored
  int upload_expiry_hours = 7 * 24;       // unfinished uploads are removed after this
};

// A resumable upload as the tus protocol sees it.
struct UploadInfo {
  std::string id;
  uint64_t length = 0;
  uint64_t offset = 0;
  std::string owner;
  std::string created_at;
  std::string expires_at;
  std::string evidence_id;  // set once the last byte arrived and the record exists
  Json fields;              // the evidence record's fields given at creation
  Json record;              // the record made (single-request uploads)
};

// A checksum sent with a piece (tus checksum extension: "sha256 <base64>").
struct Checksum {
  std::string algorithm;  // "sha1", "sha256" or "md5"
  std::string digest;     // raw bytes
};

// Receives one request body piece by piece.
class UploadSink {
 public:
  virtual ~UploadSink() = default;
  // Appends a piece. An error stops the request (Finish is still called).
  virtual Status Write(std::string_view piece) = 0;
  // Called once. `complete` is false when the body did not arrive whole (the
  // client went away): what arrived is kept unless a checksum was given, in
  // which case the whole piece is dropped. ChecksumMismatch when the body
  // does not match its checksum: nothing of it is kept.
  virtual Result<UploadInfo> Finish(bool complete) = 0;
};

// An opened stored file, ready to stream (decrypting as it goes).
class FileStream {
 public:
  virtual ~FileStream() = default;
  virtual uint64_t size() const = 0;
  virtual Status Seek(uint64_t offset) = 0;
  // Up to `n` bytes; 0 at the end; Corrupt when the stored file fails
  // authentication (the caller must not present what it sent as good).
  virtual Result<size_t> Read(char* out, size_t n) = 0;
  // The next up to `n` bytes (empty at the end) as a view valid until the
  // next call; without a copy when the stream holds them already (see
  // BodySource::Next). By default, Read into a buffer of the stream's own.
  virtual Result<std::string_view> Next(size_t n);

 private:
  std::string buffer_;  // for the default Next
};

struct Download {
  std::unique_ptr<FileStream> stream;
  std::string media_type;
  std::string sha256;
  std::string file_name;
};

// One stored file's verdict in `kuzot verify`.
struct FileVerdict {
  std::string evidence_id;  // every record using the blob, comma-separated
  std::string sha256;
  std::string status;  // "ok", "corrupt", "missing"
  std::string problem;
};

struct VerifyReport {
  int64_t files = 0;
  int64_t bad = 0;
  std::vector<FileVerdict> problems;
  // The custody chains (and their anchors in the audit log).
  bool custody_intact = true;
  std::string custody_problem;
  int64_t custody_entries = 0;
};

struct ExportReport {
  int files = 0;
  uint64_t bytes = 0;
  std::string public_key_hex;  // the installation's Ed25519 key that signed the manifest
};

// What ReencryptAll did.
struct RotationReport {
  uint32_t generation = 0;  // the keyring generation everything is now under
  int64_t files = 0;        // stored files re-encrypted
  int64_t unchanged = 0;    // stored files already under it (a rotation run again)
  int64_t uploads = 0;      // uploads in progress re-encrypted
  int64_t sealed = 0;       // small sealed files (upload states, previews, the signing key)
  std::vector<std::string> problems;  // files left as they were, and why
};

struct PackageVerdict {
  bool ok = false;
  int files = 0;
  std::string public_key_hex;
  std::vector<std::string> problems;  // each names the file and what is wrong
};

class EvidenceService {
 public:
  // Opens the store under options.dir and installs the custody hooks on
  // `records` (which must outlive the service).
  static Result<std::unique_ptr<EvidenceService>> Open(EvidenceOptions options,
                                                       records::RecordService& records);
  ~EvidenceService();

  uint64_t max_file_bytes() const { return options_.max_file_bytes; }

  // --- uploads (tus 1.0 core, creation, checksum, termination) ---
  // Checks the length against the limit and the record fields (title,
  // links, dates...) before any byte is accepted.
  Result<UploadInfo> CreateUpload(const Caller& caller, uint64_t length, const Json& fields);
  // NotFound unless `caller` created it (or is an admin).
  Result<UploadInfo> GetUpload(const Caller& caller, const std::string& id);
  // Conflict when `offset` is not the upload's offset or another request is
  // writing it; TooLarge past the declared length.
  Result<std::unique_ptr<UploadSink>> AppendToUpload(const Caller& caller, const std::string& id,
                                                     uint64_t offset,
                                                     std::optional<Checksum> checksum);
  Status TerminateUpload(const Caller& caller, const std::string& id);
  // A whole file in one request; `length` when the client announced it.
  Result<std::unique_ptr<UploadSink>> BeginSimpleUpload(const Caller& caller,
                                                        std::optional<uint64_t> length,
                                                        const Json& fields);

  // --- reading ---
  // Opens the file of evidence `id` for a download (recorded in custody
  // with `range`, e.g. "bytes=0-99" or ""). Corrupt, before any byte, when
  // the stored file is known bad, missing or of the wrong size.
  Result<Download> OpenFile(const Caller& caller, const std::string& id, const std::string& range);
  // A PNG preview of an image or video (made once, kept sealed).
  Result<std::string> Thumbnail(const Caller& caller, const std::string& id);
  // {"items": [custody entries], "intact": bool}
  Result<Json> Custody(const Caller& caller, const std::string& id);

  // --- integrity and packages ---
  // Decrypts and hashes every stored file, records the verdicts, and checks
  // the custody chains. `progress(done, total)` is called along the way.
  Result<VerifyReport> VerifyFiles(const std::function<void(int64_t, int64_t)>& progress = nullptr);
  // Writes the files of `ids` (decrypted) into `out` with manifest.json,
  // signed with the installation's Ed25519 key (manifest.sig), and records
  // an "export" custody entry for each.
  Result<ExportReport> Export(const Caller& caller, const std::vector<std::string>& ids,
                              const std::filesystem::path& out);
  // The installation's Ed25519 public key (hex), to give to recipients.
  std::string SigningPublicKeyHex() const;

  // --- data-key rotation ---
  // Re-encrypts every stored file and upload in progress, and re-seals
  // every small sealed file, under the keyring generation that was current
  // when the service was opened (kuzot rekey --rotate-data-key opens it
  // after Keyring::AddGeneration; nothing else may use the store meanwhile).
  // Streaming and crash-safe (BlobStore::Reencrypt): a file that cannot be
  // read is left as it was and named in `problems`; the rest go on.
  // `progress(done, total)` counts stored files.
  Result<RotationReport> ReencryptAll(
      const std::function<void(int64_t, int64_t)>& progress = nullptr);

  // The implementation; named here only so that the module's own files can
  // use it.
  struct Impl;

 private:
  EvidenceService(EvidenceOptions options, records::RecordService& records);
  EvidenceOptions options_;
  std::unique_ptr<Impl> impl_;
};

// Checks a package written by Export, anywhere: the manifest's Ed25519
// signature (against `pinned_key_hex` when given, else the key in the
// manifest) and every file's size and SHA-256.
PackageVerdict VerifyPackage(const std::filesystem::path& dir,
                             const std::string& pinned_key_hex = "");

// `name` (an uploaded file's name) reduced to letters, digits, '.', '-' and
// '_', without leading dots, at most 100 characters: safe in a path and in a
// Content-Disposition header. `fallback` when nothing is left.
std::string SafeFileName(std::string_view name, std::string_view fallback);

}  // namespace kuzot::evidence
