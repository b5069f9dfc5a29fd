// The evidence service's private parts, shared by service.cc (hooks,
// custody, reading, verify), uploads.cc and package.cc.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>

#include "evidence/blob_store.h"
#include "evidence/evidence.h"
#include "storage/store.h"

namespace kuzot::evidence {

// An upload's lasting state, sealed in uploads/<id>.state.
struct UploadState {
  std::string id;
  std::string owner;
  uint64_t length = 0;
  uint64_t offset = 0;  // durable: synced to disk before it is reported
  Json fields = Json::object();
  std::string created_at;
  int64_t expires_ms = 0;
  std::string tail;    // accepted bytes not yet in a chunk
  std::string sha256;  // once the last byte arrived
  std::string evidence_id;
  std::string error;  // why the record could not be made, when it could not
};

// An upload's saved state (the JSON that SaveUploadState seals); nullopt
// when it is not a JSON object.
std::optional<UploadState> ParseUploadState(const std::string& id, const std::string& json);

// The small sealed files Kuzot writes (BlobStore::WriteSealed): under
// sealed/ the signing key (its file name is its label) and thumbnails;
// beside each upload in progress, its state.
inline constexpr char kSigningKeyFile[] = "signing-key";
inline constexpr std::string_view kThumbnailFilePrefix = "thumb-";
inline std::string ThumbnailFile(const std::string& name) {
  return std::string(kThumbnailFilePrefix) + name;
}
inline std::string ThumbnailLabel(const std::string& name) { return "thumb:" + name; }
inline std::string UploadLabel(const std::string& id) { return "upload:" + id; }

struct ActiveUpload {
  std::mutex mutex;
  bool busy = false;  // a request is appending
  UploadState state;
  std::unique_ptr<BlobWriter> writer;
};

struct EvidenceService::Impl {
  Impl(const EvidenceOptions& options, records::RecordService& r)
      : records(r), store(r.store()), blobs(options.dir, *options.keyring) {}

  records::RecordService& records;
  storage::Store& store;
  BlobStore blobs;
  std::string signing_public;  // 32 bytes
  std::string signing_secret;  // 64 bytes, sealed on disk

  std::mutex uploads_mutex;
  std::map<std::string, std::shared_ptr<ActiveUpload>> uploads;

  // Appends a custody entry and its anchor in the audit log, in `tx`.
  Status AppendCustody(storage::Transaction& tx, const std::string& evidence_id,
                       const Caller& caller, const std::string& action, const std::string& sha256,
                       const Json& detail);
  // The same in a transaction of its own.
  Status RecordCustody(const std::string& evidence_id, const Caller& caller,
                       const std::string& action, const std::string& sha256, const Json& detail);
  // The evidence record, when `caller` may see it; NotFound otherwise.
  Result<storage::StoredRecord> LoadVisible(const Caller& caller, const std::string& id);
  // Marks a blob bad after a failed check or read.
  void MarkBlob(const std::string& name, const std::string& status, const std::string& problem);

  // Hooks on the evidence record type.
  Status OnWrite(storage::Transaction& tx, const Caller& caller,
                 const std::optional<storage::StoredRecord>& before, storage::StoredRecord& after,
                 std::string_view op);
  Status OnRead(const Caller& caller, const storage::StoredRecord& record);

  // Makes the evidence record for a stored blob; returns it.
  Result<Json> Ingest(const Caller& caller, const std::string& sha256, uint64_t size,
                      const std::string& blob_name, bool deduplicated, const Json& fields,
                      const std::string& upload_id);
  // Checks upload fields the way the record will be checked.
  Status CheckFields(const Caller& caller, const Json& fields);

  Status LoadSigningKey();

  // uploads.cc
  Result<std::shared_ptr<ActiveUpload>> FindUpload(const Caller& caller, const std::string& id);
  Status SaveUpload(const UploadState& state);
  std::filesystem::path UploadBlobPath(const std::string& id) const;
  std::filesystem::path UploadStatePath(const std::string& id) const;
  void RemoveExpiredUploads();
};

// How a file arrived, for the custody entry of the record made from it.
struct IngestContext {
  std::string upload_id;
  bool deduplicated = false;
};
// Set by Ingest around its create; read by the create hook (same thread).
extern thread_local const IngestContext* current_ingest;

// Record fields that link evidence to other records.
const std::vector<std::string>& LinkFields();

}  // namespace kuzot::evidence
