// Uploads: resumable (tus 1.0: creation, offsets, checksums, termination)
// and single-request, both streaming into the encrypted blob format; and
// the ingest that turns a stored file into an evidence record.
#include <openssl/evp.h>
#include <sodium.h>
#include <spdlog/spdlog.h>

#include "common/base64.h"
#include "common/clock.h"
#include "evidence/metadata.h"
#include "evidence/service_impl.h"

namespace kuzot::evidence {
namespace {

namespace fs = std::filesystem;

std::string IsoOfMillis(int64_t ms) {
  std::time_t t = ms / 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

bool IsUploadId(const std::string& id) {
  if (id.size() != 32) return false;
  for (char c : id) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

UploadInfo InfoOf(const UploadState& s) {
  UploadInfo info;
  info.id = s.id;
  info.length = s.length;
  info.offset = s.offset;
  info.owner = s.owner;
  info.created_at = s.created_at;
  info.expires_at = IsoOfMillis(s.expires_ms);
  info.evidence_id = s.evidence_id;
  info.fields = s.fields;
  return info;
}

Status TooLargeFor(uint64_t length, uint64_t limit) {
  return Status::TooLarge("the file is " + std::to_string(length) + " bytes; the limit is " +
                          std::to_string(limit) + " bytes");
}

// A running digest for a tus checksum.
class PieceDigest {
 public:
  static Result<std::unique_ptr<PieceDigest>> For(const Checksum& c) {
    const EVP_MD* md = c.algorithm == "sha256" ? EVP_sha256()
                       : c.algorithm == "sha1" ? EVP_sha1()
                       : c.algorithm == "md5"  ? EVP_md5()
                                               : nullptr;
    if (!md) {
      return Status::InvalidArgument("checksum algorithm '" + c.algorithm.substr(0, 20) +
                                         "' is not supported (sha1, sha256, md5)",
                                     "upload-checksum");
    }
    auto d = std::unique_ptr<PieceDigest>(new PieceDigest());
    d->ctx_ = EVP_MD_CTX_new();
    EVP_DigestInit_ex(d->ctx_, md, nullptr);
    return d;
  }
  ~PieceDigest() { EVP_MD_CTX_free(ctx_); }
  void Update(std::string_view p) { EVP_DigestUpdate(ctx_, p.data(), p.size()); }
  std::string Final() {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_DigestFinal_ex(ctx_, out, &n);
    return std::string(reinterpret_cast<char*>(out), n);
  }

 private:
  PieceDigest() = default;
  EVP_MD_CTX* ctx_ = nullptr;
};

}  // namespace

fs::path EvidenceService::Impl::UploadBlobPath(const std::string& id) const {
  return blobs.root() / "uploads" / (id + ".blob");
}
fs::path EvidenceService::Impl::UploadStatePath(const std::string& id) const {
  return blobs.root() / "uploads" / (id + ".state");
}

Status EvidenceService::Impl::SaveUpload(const UploadState& s) {
  Json j = {{"id", s.id},
            {"owner", s.owner},
            {"length", s.length},
            {"offset", s.offset},
            {"fields", s.fields},
            {"created_at", s.created_at},
            {"expires_ms", s.expires_ms},
            {"tail", Base64Encode(s.tail)},
            {"sha256", s.sha256},
            {"evidence_id", s.evidence_id},
            {"error", s.error}};
  return blobs.WriteSealed(UploadStatePath(s.id), UploadLabel(s.id), j.dump());
}

std::optional<UploadState> ParseUploadState(const std::string& id, const std::string& json) {
  Json j = Json::parse(json, nullptr, false);
  if (!j.is_object()) return std::nullopt;
  UploadState s;
  s.id = id;
  s.owner = j.value("owner", "");
  s.length = j.value("length", uint64_t{0});
  s.offset = j.value("offset", uint64_t{0});
  s.fields = j.value("fields", Json::object());
  s.created_at = j.value("created_at", "");
  s.expires_ms = j.value("expires_ms", int64_t{0});
  s.tail = Base64Decode(j.value("tail", "")).value_or("");
  s.sha256 = j.value("sha256", "");
  s.evidence_id = j.value("evidence_id", "");
  s.error = j.value("error", "");
  return s;
}

Result<std::shared_ptr<ActiveUpload>> EvidenceService::Impl::FindUpload(const Caller& caller,
                                                                        const std::string& id) {
  Status not_found = Status::NotFound("there is no upload with id '" + id.substr(0, 40) + "'");
  if (!IsUploadId(id)) return not_found;
  std::shared_ptr<ActiveUpload> upload;
  {
    std::lock_guard<std::mutex> lock(uploads_mutex);
    auto it = uploads.find(id);
    if (it != uploads.end()) {
      upload = it->second;
    } else {
      std::error_code ec;
      if (!fs::exists(UploadStatePath(id), ec)) return not_found;
      auto sealed = blobs.ReadSealed(UploadStatePath(id), UploadLabel(id));
      if (!sealed.ok()) return sealed.status();
      auto state = ParseUploadState(id, sealed.value());
      if (!state) return Status::Corrupt("the saved state of upload " + id + " is unreadable");
      upload = std::make_shared<ActiveUpload>();
      upload->state = std::move(*state);
      uploads[id] = upload;
    }
  }
  // Somebody else's upload does not exist for the caller.
  if (upload->state.owner != caller.user && caller.role != "admin") return not_found;
  return upload;
}

void EvidenceService::Impl::RemoveExpiredUploads() {
  std::error_code ec;
  int64_t now = NowMillis();
  for (const auto& entry : fs::directory_iterator(blobs.root() / "uploads", ec)) {
    if (entry.path().extension() != ".state") continue;
    std::string id = entry.path().stem().string();
    auto sealed = blobs.ReadSealed(entry.path(), UploadLabel(id));
    if (!sealed.ok()) continue;
    auto state = ParseUploadState(id, sealed.value());
    if (!state || state->expires_ms > now) continue;
    fs::remove(UploadBlobPath(id), ec);
    fs::remove(entry.path(), ec);
    spdlog::info("removed expired upload {}", id);
  }
}

Status EvidenceService::Impl::CheckFields(const Caller& caller, const Json& fields) {
  if (!fields.is_object())
    return Status::InvalidArgument("the record fields must be a JSON object");
  const records::TypeSpec* spec = records::FindType("evidence");
  for (const auto& f : spec->fields) {
    if (f.written_by == records::FieldSpec::Writer::kServer && fields.contains(f.name)) {
      return Status::InvalidArgument("is set by the server from the uploaded file", f.name);
    }
  }
  // Placeholders for what the file will tell, so that the check is complete.
  Json probe = fields;
  probe["sha256"] = std::string(64, '0');
  probe["size"] = 0;
  return records.CheckNew(caller, "evidence", probe);
}

Result<Json> EvidenceService::Impl::Ingest(const Caller& caller, const std::string& sha256,
                                           uint64_t size, const std::string& blob_name,
                                           bool deduplicated, const Json& fields,
                                           const std::string& upload_id) {
  KUZOT_ASSIGN_OR_RETURN(auto reader, blobs.Open(blob_name, size));
  KUZOT_ASSIGN_OR_RETURN(CaptureMetadata metadata, ExtractMetadata(*reader));
  Json body = fields;
  body["sha256"] = sha256;
  body["size"] = size;
  body["media_type"] = metadata.media_type;
  Json capture = metadata.ToJson();
  if (!capture.empty()) body["capture"] = capture;
  // The create's hook reads how the file arrived from here.
  IngestContext context{upload_id, deduplicated};
  current_ingest = &context;
  auto created = records.CreateTrusted(caller, "evidence", body);
  current_ingest = nullptr;
  if (!created.ok()) return created.status();
  return std::move(created).value();
}

// ------------------------------------------------------------- tus

Result<UploadInfo> EvidenceService::CreateUpload(const Caller& caller, uint64_t length,
                                                 const Json& fields) {
  if (length > options_.max_file_bytes) return TooLargeFor(length, options_.max_file_bytes);
  KUZOT_RETURN_IF_ERROR(impl_->CheckFields(caller, fields));
  auto upload = std::make_shared<ActiveUpload>();
  UploadState& s = upload->state;
  unsigned char raw[16];
  randombytes_buf(raw, sizeof raw);
  char hex[33];
  sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
  s.id = hex;
  s.owner = caller.user;
  s.length = length;
  s.fields = fields;
  s.created_at = NowIso8601();
  s.expires_ms = NowMillis() + static_cast<int64_t>(options_.upload_expiry_hours) * 3600 * 1000;
  KUZOT_ASSIGN_OR_RETURN(upload->writer, impl_->blobs.NewWriter(impl_->UploadBlobPath(s.id)));
  KUZOT_RETURN_IF_ERROR(upload->writer->Sync());
  KUZOT_RETURN_IF_ERROR(impl_->SaveUpload(s));
  {
    std::lock_guard<std::mutex> lock(impl_->uploads_mutex);
    impl_->uploads[s.id] = upload;
  }
  return InfoOf(s);
}

Result<UploadInfo> EvidenceService::GetUpload(const Caller& caller, const std::string& id) {
  KUZOT_ASSIGN_OR_RETURN(auto upload, impl_->FindUpload(caller, id));
  std::lock_guard<std::mutex> lock(upload->mutex);
  return InfoOf(upload->state);
}

Status EvidenceService::TerminateUpload(const Caller& caller, const std::string& id) {
  KUZOT_ASSIGN_OR_RETURN(auto upload, impl_->FindUpload(caller, id));
  std::lock_guard<std::mutex> lock(upload->mutex);
  if (upload->busy) return Status::Conflict("a request is still writing this upload; try again");
  upload->writer.reset();
  std::error_code ec;
  fs::remove(impl_->UploadBlobPath(id), ec);
  fs::remove(impl_->UploadStatePath(id), ec);
  std::lock_guard<std::mutex> map_lock(impl_->uploads_mutex);
  impl_->uploads.erase(id);
  return Status::Ok();
}

namespace {

// Completes an upload whose last byte arrived: seals the blob, stores it
// under its content's name and makes the record. Called with the upload locked.
Status Complete(EvidenceService::Impl& impl, ActiveUpload& upload, const Caller& caller) {
  UploadState& s = upload.state;
  bool deduplicated = false;
  std::string blob_name;
  if (s.sha256.empty()) {
    if (!upload.writer) {
      KUZOT_ASSIGN_OR_RETURN(upload.writer,
                             impl.blobs.ResumeWriter(impl.UploadBlobPath(s.id), s.offset, s.tail));
    }
    KUZOT_ASSIGN_OR_RETURN(std::string sha, upload.writer->Finish());
    upload.writer.reset();
    KUZOT_ASSIGN_OR_RETURN(auto committed, impl.blobs.Commit(impl.UploadBlobPath(s.id), sha));
    s.sha256 = sha;
    s.tail.clear();
    deduplicated = committed.deduplicated;
    blob_name = committed.name;
    KUZOT_RETURN_IF_ERROR(impl.SaveUpload(s));
  } else {
    blob_name = impl.blobs.NameFor(s.sha256);
    deduplicated = true;
  }
  auto id = impl.Ingest(caller, s.sha256, s.length, blob_name, deduplicated, s.fields, s.id);
  if (!id.ok()) {
    s.error = id.status().message();
    (void)impl.SaveUpload(s);
    return id.status();
  }
  s.evidence_id = id.value()["id"].get<std::string>();
  s.error.clear();
  return impl.SaveUpload(s);
}

class TusSink : public UploadSink {
 public:
  TusSink(EvidenceService::Impl& impl, std::shared_ptr<ActiveUpload> upload, Caller caller,
          std::unique_ptr<PieceDigest> digest, std::string expected)
      : impl_(impl),
        upload_(std::move(upload)),
        caller_(std::move(caller)),
        digest_(std::move(digest)),
        expected_(std::move(expected)),
        mark_(upload_->writer->MarkHere()) {}

  ~TusSink() override {
    if (!finished_) (void)Finish(false);
  }

  Status Write(std::string_view piece) override {
    BlobWriter& w = *upload_->writer;
    if (w.size() + piece.size() > upload_->state.length) {
      return Status::TooLarge("the body goes past the upload's length of " +
                              std::to_string(upload_->state.length) + " bytes");
    }
    if (digest_) digest_->Update(piece);
    return w.Append(piece);
  }

  Result<UploadInfo> Finish(bool complete) override {
    if (finished_) return Status::Internal("upload piece finished twice");
    finished_ = true;
    std::lock_guard<std::mutex> lock(upload_->mutex);
    upload_->busy = false;
    UploadState& s = upload_->state;
    BlobWriter& w = *upload_->writer;
    Status verdict;
    if (digest_) {
      if (!complete) {
        verdict = Status::InvalidArgument("the piece did not arrive whole; it was dropped");
      } else if (digest_->Final() != expected_) {
        verdict = Status::ChecksumMismatch(
            "the piece does not match its Upload-Checksum; nothing of it was kept");
      }
      if (!verdict.ok()) {
        Status rolled = w.RollBack(mark_);
        if (!rolled.ok()) {
          upload_->writer.reset();  // resumed from the saved state next time
          return rolled;
        }
        return verdict;
      }
    }
    // What arrived is kept: sync it before the offset says so.
    Status synced = w.Sync();
    if (!synced.ok()) {
      upload_->writer.reset();
      return synced;
    }
    s.offset = w.size();
    s.tail = w.tail();
    KUZOT_RETURN_IF_ERROR(impl_.SaveUpload(s));
    if (s.offset == s.length) KUZOT_RETURN_IF_ERROR(Complete(impl_, *upload_, caller_));
    return InfoOf(s);
  }

 private:
  EvidenceService::Impl& impl_;
  std::shared_ptr<ActiveUpload> upload_;
  Caller caller_;
  std::unique_ptr<PieceDigest> digest_;
  std::string expected_;
  BlobWriter::Mark mark_;
  bool finished_ = false;
};

// A whole file in one request, into tmp/; nothing is kept unless it
// arrives whole.
class SimpleSink : public UploadSink {
 public:
  SimpleSink(EvidenceService::Impl& impl, Caller caller, std::optional<uint64_t> length,
             uint64_t limit, Json fields, fs::path temp, std::unique_ptr<BlobWriter> writer)
      : impl_(impl),
        caller_(std::move(caller)),
        length_(length),
        limit_(limit),
        fields_(std::move(fields)),
        temp_(std::move(temp)),
        writer_(std::move(writer)) {}
  ~SimpleSink() override {
    std::error_code ec;
    writer_.reset();
    fs::remove(temp_, ec);
  }

  Status Write(std::string_view piece) override {
    uint64_t after = writer_->size() + piece.size();
    if (after > limit_) return TooLargeFor(after, limit_);
    if (length_ && after > *length_) return Status::InvalidArgument("more bytes than announced");
    return writer_->Append(piece);
  }

  Result<UploadInfo> Finish(bool complete) override {
    if (!complete || (length_ && writer_->size() != *length_)) {
      return Status::InvalidArgument(
          "the upload was interrupted; nothing was stored (use the "
          "resumable upload for large files on unreliable links)");
    }
    uint64_t size = writer_->size();
    KUZOT_ASSIGN_OR_RETURN(std::string sha, writer_->Finish());
    writer_.reset();
    KUZOT_ASSIGN_OR_RETURN(auto committed, impl_.blobs.Commit(temp_, sha));
    KUZOT_ASSIGN_OR_RETURN(Json record, impl_.Ingest(caller_, sha, size, committed.name,
                                                     committed.deduplicated, fields_, ""));
    UploadInfo info;
    info.length = size;
    info.offset = size;
    info.owner = caller_.user;
    info.evidence_id = record["id"].get<std::string>();
    info.fields = fields_;
    info.record = std::move(record);
    return info;
  }

 private:
  EvidenceService::Impl& impl_;
  Caller caller_;
  std::optional<uint64_t> length_;
  uint64_t limit_;
  Json fields_;
  fs::path temp_;
  std::unique_ptr<BlobWriter> writer_;
};

}  // namespace

Result<std::unique_ptr<UploadSink>> EvidenceService::AppendToUpload(
    const Caller& caller, const std::string& id, uint64_t offset,
    std::optional<Checksum> checksum) {
  std::unique_ptr<PieceDigest> digest;
  if (checksum) {
    KUZOT_ASSIGN_OR_RETURN(digest, PieceDigest::For(*checksum));
  }
  KUZOT_ASSIGN_OR_RETURN(auto upload, impl_->FindUpload(caller, id));
  std::lock_guard<std::mutex> lock(upload->mutex);
  UploadState& s = upload->state;
  if (upload->busy) {
    return Status::Conflict("another request is writing this upload; ask for its offset again");
  }
  if (offset != s.offset) {
    return Status::Conflict("Upload-Offset is " + std::to_string(offset) +
                            " but the upload is at " + std::to_string(s.offset));
  }
  if (s.offset == s.length && !s.evidence_id.empty()) {
    return Status::Conflict("the upload is complete: evidence " + s.evidence_id);
  }
  if (!upload->writer && s.sha256.empty()) {
    KUZOT_ASSIGN_OR_RETURN(upload->writer,
                           impl_->blobs.ResumeWriter(impl_->UploadBlobPath(id), s.offset, s.tail));
  }
  if (s.offset == s.length) {
    // Every byte is here but the record could not be made before: try again.
    KUZOT_RETURN_IF_ERROR(Complete(*impl_, *upload, caller));
    return Status::Conflict("the upload is complete: evidence " + s.evidence_id);
  }
  upload->busy = true;
  return std::unique_ptr<UploadSink>(
      new TusSink(*impl_, upload, caller, std::move(digest), checksum ? checksum->digest : ""));
}

Result<std::unique_ptr<UploadSink>> EvidenceService::BeginSimpleUpload(
    const Caller& caller, std::optional<uint64_t> length, const Json& fields) {
  if (length && *length > options_.max_file_bytes) {
    return TooLargeFor(*length, options_.max_file_bytes);
  }
  KUZOT_RETURN_IF_ERROR(impl_->CheckFields(caller, fields));
  fs::path temp = impl_->blobs.TempPath();
  KUZOT_ASSIGN_OR_RETURN(auto writer, impl_->blobs.NewWriter(temp));
  return std::unique_ptr<UploadSink>(new SimpleSink(*impl_, caller, length, options_.max_file_bytes,
                                                    fields, temp, std::move(writer)));
}

}  // namespace kuzot::evidence
