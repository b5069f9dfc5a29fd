// The evidence service: opening the store, the hooks that keep the chain of
// custody on every write and read of an evidence record, downloads,
// previews and the integrity check of `kuzot verify`.
#include <sodium.h>
#include <spdlog/spdlog.h>

#include <set>

#include "common/clock.h"
#include "evidence/metadata.h"
#include "evidence/read_ahead.h"
#include "evidence/service_impl.h"
#include "evidence/thumbnail.h"

namespace kuzot::evidence {
namespace {

namespace fs = std::filesystem;

constexpr char kType[] = "evidence";

Json BodyOf(const storage::StoredRecord& r) {
  Json body = Json::parse(r.body, nullptr, false);
  return body.is_object() ? body : Json::object();
}

// The ids a record links to through `field` (a ref, ref list or the sources list).
std::set<std::string> Linked(const Json& body, const std::string& field) {
  std::set<std::string> out;
  if (!body.contains(field)) return out;
  const Json& v = body[field];
  if (v.is_string()) out.insert(v.get<std::string>());
  if (v.is_array()) {
    for (const auto& item : v) {
      if (item.is_string()) out.insert(item.get<std::string>());
      if (item.is_object() && item.contains("source_id")) {
        out.insert(item["source_id"].get<std::string>());
      }
    }
  }
  return out;
}

// Place tolerances: how far a file's GPS position may be from the entered
// place before it is flagged, by the place's level (doc/evidence.md).
double ToleranceKm(const std::string& level) {
  if (level == "village" || level == "settlement") return 10;
  if (level == "city" || level == "town") return 25;
  if (level == "district") return 75;
  if (level == "oblast" || level == "region") return 300;
  return 1000;  // country or unknown
}

Result<Json> ComputeFlags(storage::Transaction& tx, const Json& body) {
  EnteredFacts entered;
  entered.captured_on = body.value("captured_on", "");
  if (body.contains("latitude") && body.contains("longitude")) {
    entered.latitude = body["latitude"].get<double>();
    entered.longitude = body["longitude"].get<double>();
    entered.place_label = "the entered coordinates";
  } else if (body.contains("place_id")) {
    KUZOT_ASSIGN_OR_RETURN(auto place, tx.Get(body["place_id"].get<std::string>()));
    if (place) {
      Json p = BodyOf(*place);
      if (p.contains("latitude") && p.contains("longitude")) {
        entered.latitude = p["latitude"].get<double>();
        entered.longitude = p["longitude"].get<double>();
        std::string level = p.value("level", "");
        entered.tolerance_km = ToleranceKm(level);
        entered.place_label = "place " + p.value("name", place->id) + " (" + level + ")";
      }
    }
  }
  CaptureMetadata m = CaptureMetadata::FromJson(body.value("capture", Json::object()),
                                                body.value("media_type", ""));
  return CheckAgainstEntered(m, entered);
}

}  // namespace

thread_local const IngestContext* current_ingest = nullptr;

const std::vector<std::string>& LinkFields() {
  static const std::vector<std::string> fields = {"event_ids", "act_ids", "person_ids", "place_id",
                                                  "sources"};
  return fields;
}

EvidenceService::EvidenceService(EvidenceOptions options, records::RecordService& records)
    : options_(std::move(options)), impl_(std::make_unique<Impl>(options_, records)) {}

EvidenceService::~EvidenceService() = default;

Result<std::unique_ptr<EvidenceService>> EvidenceService::Open(EvidenceOptions options,
                                                               records::RecordService& records) {
  if (sodium_init() < 0) return Status::Internal("libsodium failed to initialise");
  if (!options.keyring) {
    return Status::InvalidArgument("evidence files need the keyring (see doc/evidence.md)");
  }
  std::unique_ptr<EvidenceService> service(new EvidenceService(std::move(options), records));
  Impl* impl = service->impl_.get();
  KUZOT_RETURN_IF_ERROR(impl->blobs.Init());
  KUZOT_RETURN_IF_ERROR(impl->LoadSigningKey());
  impl->RemoveExpiredUploads();
  records::TypeHooks hooks;
  hooks.on_write = [impl](storage::Transaction& tx, const Caller& caller,
                          const std::optional<storage::StoredRecord>& before,
                          storage::StoredRecord& after, std::string_view op) {
    return impl->OnWrite(tx, caller, before, after, op);
  };
  hooks.on_read = [impl](const Caller& caller, const storage::StoredRecord& record) {
    return impl->OnRead(caller, record);
  };
  records.SetTypeHooks(kType, std::move(hooks));
  return service;
}

// ------------------------------------------------------------- custody

Status EvidenceService::Impl::AppendCustody(storage::Transaction& tx,
                                            const std::string& evidence_id, const Caller& caller,
                                            const std::string& action, const std::string& sha256,
                                            const Json& detail) {
  storage::CustodyEntry entry;
  entry.evidence_id = evidence_id;
  entry.at = NowIso8601();
  entry.actor = caller.user;
  entry.action = action;
  entry.remote = caller.remote_address;
  entry.sha256 = sha256;
  entry.detail = detail.dump();
  KUZOT_RETURN_IF_ERROR(tx.AppendCustody(entry));
  // The anchor: the audit log's keyed chain holds every custody entry's
  // hash, so a custody chain rebuilt outside Kuzot no longer matches it.
  storage::AuditEntry audit;
  audit.at = entry.at;
  audit.actor = caller.user;
  audit.action = "evidence." + action;
  audit.target = std::string(kType) + "/" + evidence_id;
  audit.detail = Json{{"custody_seq", entry.seq}, {"custody_hash", entry.hash}}.dump();
  audit.remote = caller.remote_address;
  return tx.AppendAudit(audit);
}

Status EvidenceService::Impl::RecordCustody(const std::string& evidence_id, const Caller& caller,
                                            const std::string& action, const std::string& sha256,
                                            const Json& detail) {
  KUZOT_ASSIGN_OR_RETURN(auto tx, store.BeginWrite());
  KUZOT_RETURN_IF_ERROR(AppendCustody(*tx, evidence_id, caller, action, sha256, detail));
  return tx->Commit();
}

Status EvidenceService::Impl::OnWrite(storage::Transaction& tx, const Caller& caller,
                                      const std::optional<storage::StoredRecord>& before,
                                      storage::StoredRecord& after, std::string_view op) {
  Json body = BodyOf(after);
  std::string sha256 = body.value("sha256", "");
  if (op == "delete" || op == "restore") {
    return AppendCustody(tx, after.id, caller, std::string(op), sha256, Json::object());
  }
  Json old = before ? BodyOf(*before) : Json::object();
  bool placement_changed = !before;
  for (const char* f : {"captured_on", "place_id", "latitude", "longitude"}) {
    if (old.value(f, Json()) != body.value(f, Json())) placement_changed = true;
  }
  if (placement_changed) {
    KUZOT_ASSIGN_OR_RETURN(Json flags, ComputeFlags(tx, body));
    if (flags.empty()) {
      body.erase("flags");
    } else {
      body["flags"] = flags;
    }
    after.body = body.dump();
  }
  if (op == "create") {
    std::string name = blobs.NameFor(sha256);
    if (!blobs.Exists(name)) {
      return Status::InvalidArgument("no stored file has this SHA-256; upload the file", "sha256");
    }
    KUZOT_ASSIGN_OR_RETURN(auto row, tx.GetBlob(name));
    if (!row) {
      storage::BlobRow blob;
      blob.name = name;
      blob.sha256 = sha256;
      blob.size = body.value("size", int64_t{0});
      blob.media_type = body.value("media_type", "");
      blob.created_at = NowIso8601();
      KUZOT_RETURN_IF_ERROR(tx.PutBlob(blob));
    }
    Json detail = {{"file_name", body.value("file_name", "")},
                   {"size", body.value("size", int64_t{0})},
                   {"media_type", body.value("media_type", "")}};
    if (current_ingest) {
      if (!current_ingest->upload_id.empty()) detail["upload_id"] = current_ingest->upload_id;
      detail["already_stored"] = current_ingest->deduplicated;
    }
    if (body.contains("flags")) detail["flags"] = body["flags"].size();
    return AppendCustody(tx, after.id, caller, "upload", sha256, detail);
  }
  // An update: link changes and other edits each get an entry.
  Json added = Json::object(), removed = Json::object();
  for (const auto& field : LinkFields()) {
    std::set<std::string> was = Linked(old, field), now = Linked(body, field);
    Json a = Json::array(), r = Json::array();
    for (const auto& id : now) {
      if (!was.count(id)) a.push_back(id);
    }
    for (const auto& id : was) {
      if (!now.count(id)) r.push_back(id);
    }
    if (!a.empty()) added[field] = a;
    if (!r.empty()) removed[field] = r;
  }
  if (!added.empty() || !removed.empty()) {
    KUZOT_RETURN_IF_ERROR(AppendCustody(tx, after.id, caller, "link", sha256,
                                        {{"added", added}, {"removed", removed}}));
  }
  Json edited = Json::array();
  for (const auto& [k, v] : body.items()) {
    bool link = std::find(LinkFields().begin(), LinkFields().end(), k) != LinkFields().end();
    if (!link && k != "flags" && (!old.contains(k) || old[k] != v)) edited.push_back(k);
  }
  for (const auto& [k, v] : old.items()) {
    bool link = std::find(LinkFields().begin(), LinkFields().end(), k) != LinkFields().end();
    if (!link && k != "flags" && !body.contains(k)) edited.push_back(k);
  }
  if (!edited.empty() || after.confidentiality != (before ? before->confidentiality : "")) {
    Json detail = {{"fields", edited}, {"revision", after.revision}};
    if (before && after.confidentiality != before->confidentiality) {
      detail["confidentiality"] = after.confidentiality;
    }
    KUZOT_RETURN_IF_ERROR(AppendCustody(tx, after.id, caller, "edit", sha256, detail));
  }
  return Status::Ok();
}

Status EvidenceService::Impl::OnRead(const Caller& caller, const storage::StoredRecord& record) {
  return RecordCustody(record.id, caller, "view", BodyOf(record).value("sha256", ""),
                       {{"revision", record.revision}});
}

Result<storage::StoredRecord> EvidenceService::Impl::LoadVisible(const Caller& caller,
                                                                 const std::string& id) {
  KUZOT_ASSIGN_OR_RETURN(auto tx, store.BeginRead());
  KUZOT_ASSIGN_OR_RETURN(auto found, tx->Get(id));
  if (!found || found->type != kType || !caller.MaySee(found->confidentiality)) {
    return Status::NotFound("there is no evidence with id '" + id.substr(0, 40) + "'");
  }
  return *found;
}

void EvidenceService::Impl::MarkBlob(const std::string& name, const std::string& status,
                                     const std::string& problem) {
  auto tx = store.BeginWrite();
  if (!tx.ok()) return;
  auto row = tx.value()->GetBlob(name);
  if (!row.ok() || !row.value()) return;
  storage::BlobRow blob = *row.value();
  blob.status = status;
  blob.problem = problem;
  blob.checked_at = NowIso8601();
  if (tx.value()->PutBlob(blob).ok()) (void)tx.value()->Commit();
}

Result<Json> EvidenceService::Custody(const Caller& caller, const std::string& id) {
  KUZOT_ASSIGN_OR_RETURN(auto record, impl_->LoadVisible(caller, id));
  KUZOT_ASSIGN_OR_RETURN(auto tx, impl_->store.BeginRead());
  KUZOT_ASSIGN_OR_RETURN(auto entries, tx->ListCustody(record.id));
  Json items = Json::array();
  std::string prev;
  bool intact = true;
  for (const auto& e : entries) {
    if (e.prev_hash != prev || storage::CustodyHash(e) != e.hash) intact = false;
    prev = e.hash;
    items.push_back({{"seq", e.seq},
                     {"at", e.at},
                     {"actor", e.actor},
                     {"action", e.action},
                     {"remote", e.remote},
                     {"sha256", e.sha256},
                     {"detail", Json::parse(e.detail, nullptr, false)},
                     {"prev_hash", e.prev_hash},
                     {"hash", e.hash}});
  }
  return Json{{"evidence_id", record.id}, {"intact", intact}, {"items", items}};
}

// ------------------------------------------------------------- reading

Result<std::string_view> FileStream::Next(size_t n) {
  buffer_.resize(n);
  KUZOT_ASSIGN_OR_RETURN(size_t got, Read(buffer_.data(), n));
  return std::string_view(buffer_.data(), got);
}

namespace {

// A download: the blob's reader behind a ReadAhead, so that on a long
// sequential read two workers decrypt the next segments while the
// connection's thread sends the current one (bench/README.md, "Evidence").
// A Range request of a seeking player reads on this thread.
class BlobFileStream : public FileStream {
 public:
  BlobFileStream(std::unique_ptr<BlobReader> reader, EvidenceService::Impl* impl, std::string name)
      : impl_(impl), name_(std::move(name)) {
    uint64_t size = reader->size();
    reader_ = std::make_unique<ReadAhead>(
        std::move(reader), [impl, blob = name_, size] { return impl->blobs.Open(blob, size); });
  }
  uint64_t size() const override { return reader_->size(); }
  Status Seek(uint64_t offset) override { return Checked(reader_->Seek(offset)); }
  Result<size_t> Read(char* out, size_t n) override {
    auto r = reader_->Read(out, n);
    if (!r.ok()) return Checked(r.status());
    return r;
  }
  Result<std::string_view> Next(size_t n) override {
    auto r = reader_->Next(n);
    if (!r.ok()) return Checked(r.status());
    return r;
  }

 private:
  Status Checked(Status s) {
    if (s.code() == StatusCode::kCorrupt) {
      spdlog::error("evidence blob {}: {}", name_, s.message());
      impl_->MarkBlob(name_, "corrupt", s.message());
    }
    return s;
  }
  EvidenceService::Impl* impl_;
  std::string name_;
  std::unique_ptr<ReadAhead> reader_;
};

}  // namespace

Result<Download> EvidenceService::OpenFile(const Caller& caller, const std::string& id,
                                           const std::string& range) {
  KUZOT_ASSIGN_OR_RETURN(auto record, impl_->LoadVisible(caller, id));
  if (record.deleted) return Status::NotFound("the evidence is deleted; restore it first");
  Json body = BodyOf(record);
  Download out;
  out.sha256 = body.value("sha256", "");
  out.media_type = body.value("media_type", "application/octet-stream");
  out.file_name = body.value("file_name", "");
  uint64_t size = body.value("size", uint64_t{0});
  std::string name = impl_->blobs.NameFor(out.sha256);
  {
    KUZOT_ASSIGN_OR_RETURN(auto tx, impl_->store.BeginRead());
    KUZOT_ASSIGN_OR_RETURN(auto row, tx->GetBlob(name));
    if (row && row->status != "ok") {
      return Status::Corrupt("the stored file of evidence " + id + " failed its integrity check (" +
                             row->checked_at + ": " + row->problem +
                             "); it is not served. Restore it from a backup and run kuzot verify");
    }
  }
  auto reader = impl_->blobs.Open(name, size);
  if (!reader.ok()) {
    if (reader.status().code() == StatusCode::kCorrupt) {
      impl_->MarkBlob(name, "corrupt", reader.status().message());
      return Status::Corrupt("the stored file of evidence " + id + " is damaged (" +
                             reader.status().message() + "); it is not served");
    }
    return reader.status();
  }
  Json detail = Json::object();
  if (!range.empty()) detail["range"] = range.substr(0, 100);
  KUZOT_RETURN_IF_ERROR(impl_->RecordCustody(record.id, caller, "download", out.sha256, detail));
  out.stream = std::make_unique<BlobFileStream>(std::move(reader).value(), impl_.get(), name);
  return out;
}

Result<std::string> EvidenceService::Thumbnail(const Caller& caller, const std::string& id) {
  KUZOT_ASSIGN_OR_RETURN(auto record, impl_->LoadVisible(caller, id));
  if (record.deleted) return Status::NotFound("the evidence is deleted; restore it first");
  Json body = BodyOf(record);
  std::string type = body.value("media_type", "");
  if (type.rfind("image/", 0) != 0 && type.rfind("video/", 0) != 0) {
    return Status::NotFound("no preview is made for " + (type.empty() ? "this file" : type));
  }
  std::string sha256 = body.value("sha256", "");
  std::string name = impl_->blobs.NameFor(sha256);
  fs::path cached = impl_->blobs.root() / "sealed" / ThumbnailFile(name);
  std::string label = ThumbnailLabel(name);
  std::string png;
  std::error_code ec;
  if (fs::exists(cached, ec)) {
    auto sealed = impl_->blobs.ReadSealed(cached, label);
    if (sealed.ok()) png = std::move(sealed).value();
  }
  if (png.empty()) {
    KUZOT_ASSIGN_OR_RETURN(auto reader, impl_->blobs.Open(name, body.value("size", uint64_t{0})));
    auto made = MakeThumbnail(*reader);
    if (!made.ok()) {
      if (made.status().code() == StatusCode::kCorrupt) {
        impl_->MarkBlob(name, "corrupt", made.status().message());
        return made.status();
      }
      return Status::NotFound("no preview: " + made.status().message());
    }
    png = std::move(made).value();
    KUZOT_RETURN_IF_ERROR(impl_->blobs.WriteSealed(cached, label, png));
  }
  KUZOT_RETURN_IF_ERROR(impl_->RecordCustody(record.id, caller, "preview", sha256, Json::object()));
  return png;
}

// ------------------------------------------------------------- verify

Result<VerifyReport> EvidenceService::VerifyFiles(
    const std::function<void(int64_t, int64_t)>& progress) {
  VerifyReport report;
  std::vector<storage::BlobRow> blobs;
  std::map<std::string, std::vector<std::string>> users;  // sha256 -> evidence ids
  std::set<std::string> anchors;                          // custody hashes in the audit log
  std::vector<storage::CustodyEntry> custody;
  {
    KUZOT_ASSIGN_OR_RETURN(auto tx, impl_->store.BeginRead());
    KUZOT_RETURN_IF_ERROR(tx->ForEachBlob([&](const storage::BlobRow& b) {
      blobs.push_back(b);
      return Status::Ok();
    }));
    KUZOT_RETURN_IF_ERROR(tx->ForEachRecord([&](const storage::StoredRecord& r) {
      if (r.type == kType) users[BodyOf(r).value("sha256", "")].push_back(r.id);
      return Status::Ok();
    }));
    KUZOT_ASSIGN_OR_RETURN(auto verdict, tx->VerifyCustody());
    report.custody_entries = verdict.entries;
    if (!verdict.intact) {
      report.custody_intact = false;
      report.custody_problem = "custody entry " + std::to_string(verdict.broken_seq) +
                               " of evidence " + verdict.evidence_id + ": " + verdict.problem;
    }
    for (const char* action :
         {"upload", "view", "preview", "download", "export", "link", "edit", "delete", "restore"}) {
      storage::AuditQuery q;
      q.action = std::string("evidence.") + action;
      q.limit = 10000;
      for (;;) {
        KUZOT_ASSIGN_OR_RETURN(auto page, tx->ListAudit(q));
        for (const auto& a : page) {
          Json d = Json::parse(a.detail, nullptr, false);
          if (d.is_object() && d.contains("custody_hash")) anchors.insert(d["custody_hash"]);
        }
        if (static_cast<int>(page.size()) < q.limit) break;
        q.after_seq = page.back().seq;
      }
    }
    for (const auto& [sha, ids] : users) {
      for (const auto& id : ids) {
        KUZOT_ASSIGN_OR_RETURN(auto entries, tx->ListCustody(id));
        custody.insert(custody.end(), entries.begin(), entries.end());
      }
    }
  }
  if (report.custody_intact) {
    for (const auto& e : custody) {
      if (!anchors.count(e.hash)) {
        report.custody_intact = false;
        report.custody_problem = "custody entry " + std::to_string(e.seq) + " of evidence " +
                                 e.evidence_id +
                                 " has no anchor in the audit log: it was added or rebuilt "
                                 "outside Kuzot";
        break;
      }
    }
    if (report.custody_intact && anchors.size() > custody.size()) {
      report.custody_intact = false;
      report.custody_problem = "the audit log anchors " + std::to_string(anchors.size()) +
                               " custody entries but only " + std::to_string(custody.size()) +
                               " remain: entries were removed";
    }
  }
  std::set<std::string> seen;
  int64_t total = static_cast<int64_t>(blobs.size());
  for (const auto& b : blobs) {
    seen.insert(b.sha256);
    Status s = impl_->blobs.Check(b.name, static_cast<uint64_t>(b.size), b.sha256);
    ++report.files;
    std::string status = "ok";
    if (!s.ok()) {
      status = s.message().find("missing") != std::string::npos ? "missing" : "corrupt";
      std::string ids;
      for (const auto& id : users[b.sha256]) ids += (ids.empty() ? "" : ",") + id;
      report.problems.push_back({ids, b.sha256, status, s.message()});
      ++report.bad;
    }
    impl_->MarkBlob(b.name, status, s.ok() ? "" : s.message());  // and when it was checked
    if (progress) progress(report.files, total);
  }
  // Records whose file was never stored here (e.g. imported from a bundle).
  for (const auto& [sha, ids] : users) {
    if (seen.count(sha) || sha.empty()) continue;
    std::string joined;
    for (const auto& id : ids) joined += (joined.empty() ? "" : ",") + id;
    ++report.bad;
    report.problems.push_back({joined, sha, "missing", "no stored file for this record's SHA-256"});
  }
  return report;
}

}  // namespace kuzot::evidence
