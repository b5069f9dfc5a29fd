#include "records/service.h"

#include <sodium.h>

#include <algorithm>
#include <cstring>

#include "common/clock.h"
#include "common/fuzzy_date.h"
#include "records/audit_group.h"
#include "records/casework_rules.h"
#include "records/default_vocabularies.h"
#include "records/sealing.h"
#include "records/validate.h"
#include "search/search.h"

namespace kuzot::records {
namespace {

constexpr int kMaxPageSize = 500;
constexpr int kMaxParentDepth = 64;

// Removes the fields `caller` may not see.
void Redact(Json& body, const std::string& type, const Caller& caller) {
  if (caller.sees_sensitive) return;
  const TypeSpec* spec = FindType(type);
  if (!spec) return;
  for (const auto& f : spec->fields) {
    if (f.sensitive) body.erase(f.name);
  }
}

std::vector<std::string> VisibleLevels(const Caller& caller) {
  std::vector<std::string> out;
  for (int level = 0; level <= static_cast<int>(caller.clearance); ++level) {
    out.push_back(ConfidentialityName(static_cast<Confidentiality>(level)));
  }
  return out;
}

Json ToJson(const storage::StoredRecord& r, const Caller& caller) {
  Json out = Json::object();
  out["id"] = r.id;
  out["type"] = r.type;
  Json body = Json::parse(r.body, nullptr, false);
  if (body.is_object()) {
    Redact(body, r.type, caller);
    for (auto& [k, v] : body.items()) out[k] = v;
  }
  out["revision"] = r.revision;
  out["created_at"] = r.created_at;
  out["created_by"] = r.created_by;
  out["updated_at"] = r.updated_at;
  out["updated_by"] = r.updated_by;
  out["deleted"] = r.deleted;
  return out;
}

std::string Base64Url(std::string_view in) {
  std::string out(sodium_base64_ENCODED_LEN(in.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                  '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(in.data()),
                    in.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(std::strlen(out.c_str()));
  return out;
}

std::optional<std::string> FromBase64Url(std::string_view in) {
  std::string out(in.size(), '\0');
  size_t length = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), in.data(),
                        in.size(), nullptr, &length, nullptr,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0) {
    return std::nullopt;
  }
  out.resize(length);
  return out;
}

}  // namespace

std::string DisplayTitle(const std::string& type, const Json& r) {
  if (auto title = CaseworkTitle(type, r)) return *title;
  auto str = [&](const char* f) {
    return r.contains(f) && r[f].is_string() ? r[f].get<std::string>() : "";
  };
  if (type == "person" && r.contains("names") && r["names"].is_array() && !r["names"].empty()) {
    return r["names"][0].value("value", "");
  }
  if (type == "act") {
    std::string title = str("type");
    if (r.contains("object")) title += ": " + r["object"].value("kind", "");
    return title;
  }
  if (type == "claim") {
    std::string value = r.contains("value") ? r["value"].dump()
                        : r.contains("value_min")
                            ? r["value_min"].dump() + "–" + r["value_max"].dump()
                            : "";
    return str("indicator") + ": " + value;
  }
  if (type == "legal_qualification") {
    std::string code = str("code");
    return code.empty() ? str("title") : code + " " + str("title");
  }
  for (const char* f : {"title", "name"}) {
    if (!str(f).empty()) return str(f);
  }
  return r.value("id", "");
}

RecordService::RecordService(std::unique_ptr<storage::Store> store,
                             std::shared_ptr<RecordCodec> codec)
    : store_(std::move(store)),
      codec_(std::move(codec)),
      audit_group_(std::make_unique<AuditGroup>(store_.get())) {}
RecordService::~RecordService() = default;

Result<std::unique_ptr<RecordService>> RecordService::Open(const std::string& path) {
  return Open(path, OpenOptions());
}

Result<std::unique_ptr<RecordService>> RecordService::Open(const std::string& path,
                                                           const OpenOptions& open_options) {
  if (sodium_init() < 0) return Status::Internal("libsodium failed to initialise");
  storage::StoreOptions options;
  options.path = path;
  options.on_connection = search::RegisterTokenizer;
  options.fts_tokenizer = search::kTokenizerSpec;
  std::shared_ptr<RecordCodec> codec;
  if (open_options.keyring) {
    codec = std::make_shared<RecordCodec>(open_options.keyring);
    // Until BindKeyring reads the database's generation, seal with the newest.
    codec->set_generation(open_options.keyring->current());
    options.codec = codec;
  }
  KUZOT_ASSIGN_OR_RETURN(auto store, storage::Store::Open(options));
  // Indexes for the filters and sorts that lists use most: vocabulary codes
  // and dates. References are served by the refs table; other filters scan
  // one type's rows. Each index costs every write of its type.
  for (const auto& type : RecordTypes()) {
    for (const auto& field : type.fields) {
      bool worth_it = (field.kind == FieldKind::kEnum && field.name != "confidentiality") ||
                      field.kind == FieldKind::kDate;
      if (field.filterable && worth_it) {
        KUZOT_RETURN_IF_ERROR(store->EnsureFieldIndex(type.name, field.name));
      }
    }
  }
  // The lists documenters open most: an event's acts, of one type or all,
  // newest first. Without these the page sorted every act of the event.
  for (const auto& fields :
       std::vector<std::vector<std::string>>{{"event_id", "type", "date"}, {"event_id", "date"}}) {
    KUZOT_RETURN_IF_ERROR(store->EnsureListIndex("act", fields));
  }
  std::unique_ptr<RecordService> service(new RecordService(std::move(store), std::move(codec)));
  KUZOT_RETURN_IF_ERROR(service->BindKeyring());
  {
    KUZOT_ASSIGN_OR_RETURN(auto tx, service->store_->BeginWrite());
    std::map<std::string, std::set<std::string>> present;
    KUZOT_ASSIGN_OR_RETURN(auto names, tx->VocabularyNames());
    for (const auto& name : names) {
      KUZOT_ASSIGN_OR_RETURN(auto terms, tx->Vocabulary(name));
      for (const auto& t : terms) present[name].insert(t.code);
    }
    int position = 0;
    std::string last;
    std::vector<DefaultTerm> defaults = DefaultVocabularies();
    defaults.insert(defaults.end(), CaseworkVocabularies().begin(), CaseworkVocabularies().end());
    for (const auto& d : defaults) {
      position = last == d.vocabulary ? position + 1 : 0;
      last = d.vocabulary;
      if (present[d.vocabulary].count(d.code)) continue;
      Json labels = {{"en", d.en}, {"ru", d.ru}, {"ky", d.ky}};
      KUZOT_RETURN_IF_ERROR(
          tx->PutVocabularyTerm({d.vocabulary, d.code, labels.dump(), position, false}));
    }
    KUZOT_RETURN_IF_ERROR(tx->Commit());
  }
  KUZOT_RETURN_IF_ERROR(service->LoadVocabularies());
  return service;
}

Status RecordService::LoadVocabularies() {
  KUZOT_ASSIGN_OR_RETURN(auto tx, store_->BeginRead());
  std::map<std::string, std::set<std::string>> codes;
  KUZOT_ASSIGN_OR_RETURN(auto names, tx->VocabularyNames());
  for (const auto& name : names) {
    KUZOT_ASSIGN_OR_RETURN(auto terms, tx->Vocabulary(name));
    for (const auto& t : terms) {
      if (!t.deprecated) codes[name].insert(t.code);
    }
  }
  std::lock_guard<std::mutex> lock(vocab_mutex_);
  vocab_codes_ = std::move(codes);
  return Status::Ok();
}

bool RecordService::KnownCode(const std::string& vocabulary, const std::string& code) {
  std::lock_guard<std::mutex> lock(vocab_mutex_);
  auto it = vocab_codes_.find(vocabulary);
  return it != vocab_codes_.end() && it->second.count(code);
}

namespace {

Result<const TypeSpec*> TypeOrError(std::string_view type) {
  const TypeSpec* spec = FindType(type);
  if (!spec) return Status::NotFound("there is no record type '" + std::string(type) + "'");
  return spec;
}

// The record, when it exists, is of `type` and `caller` may see it; the
// same NotFound otherwise, so that nobody learns what they may not see.
Result<storage::StoredRecord> Load(storage::Transaction& tx, const TypeSpec& type,
                                   std::string_view id, const Caller& caller) {
  KUZOT_ASSIGN_OR_RETURN(auto found, tx.Get(id));
  if (!found || found->type != type.name || !caller.MaySee(found->confidentiality)) {
    return Status::NotFound("there is no " + type.name + " with id '" +
                            std::string(id.substr(0, 40)) + "'");
  }
  return *found;
}

// Checks that every reference points at a live record of an allowed type,
// and that parent links make no cycle. `batch` (id -> type) holds records
// the same transaction writes later (an intake): they count as existing. A
// reference the record already had (`kept`) may point at a record deleted
// since: it was valid when written, and it must not block unrelated edits
// (a sent submission cannot drop what it contained).
Status CheckReferences(storage::Transaction& tx, const std::string& self_id,
                       const std::vector<PendingRef>& refs, const Caller& caller,
                       const std::map<std::string, std::string>& batch,
                       const std::set<std::string>& kept = {}) {
  for (const PendingRef& ref : refs) {
    if (ref.target_id == self_id) {
      return Status::InvalidArgument("a record cannot refer to itself", ref.path);
    }
  }
  std::vector<std::string> ids;
  for (const PendingRef& ref : refs) {
    auto later = batch.find(ref.target_id);
    if (later == batch.end()) {
      ids.push_back(ref.target_id);
    } else if (std::find(ref.types->begin(), ref.types->end(), later->second) == ref.types->end()) {
      return Status::InvalidArgument(
          "refers to a " + later->second + "; it must be a " + ref.types->front(), ref.path);
    }
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  if (ids.empty()) return Status::Ok();
  KUZOT_ASSIGN_OR_RETURN(auto existing, tx.ExistingIds(ids, {}));
  std::set<std::string> live(existing.begin(), existing.end());
  for (const PendingRef& ref : refs) {
    if (batch.count(ref.target_id)) continue;
    KUZOT_ASSIGN_OR_RETURN(auto target, tx.Get(ref.target_id));
    bool kept_deleted = target && target->deleted && kept.count(ref.target_id);
    if (!live.count(ref.target_id) && !kept_deleted) {
      return Status::InvalidArgument("refers to '" + ref.target_id + "', which does not exist",
                                     ref.path);
    }
    if (!caller.MaySee(target->confidentiality)) {
      return Status::InvalidArgument("refers to '" + ref.target_id + "', which does not exist",
                                     ref.path);
    }
    if (std::find(ref.types->begin(), ref.types->end(), target->type) == ref.types->end()) {
      return Status::InvalidArgument(
          "refers to a " + target->type + "; it must be a " + ref.types->front(), ref.path);
    }
    if (ref.field == "parent_id") {
      std::string cursor = ref.target_id;
      for (int depth = 0; depth < kMaxParentDepth && !cursor.empty(); ++depth) {
        if (cursor == self_id) {
          return Status::InvalidArgument("would make the record its own ancestor", ref.path);
        }
        KUZOT_ASSIGN_OR_RETURN(auto parent, tx.Get(cursor));
        if (!parent) break;
        Json body = Json::parse(parent->body, nullptr, false);
        cursor = body.is_object() ? body.value("parent_id", "") : "";
      }
    }
  }
  return Status::Ok();
}

Status AuditRecord(storage::Transaction& tx, const Caller& caller, const std::string& action,
                   const storage::StoredRecord& r) {
  storage::AuditEntry e;
  e.at = NowIso8601();
  e.actor = caller.user;
  e.action = action;
  e.target = r.type + "/" + r.id;
  e.detail = Json{{"revision", r.revision}, {"confidentiality", r.confidentiality}}.dump();
  e.remote = caller.remote_address;
  return tx.AppendAudit(e);
}

}  // namespace

// Reads of restricted and secret records are audited, by whatever path they
// were shown: one entry per record, so that "who saw this record" is one
// filter on the audit log.
Status RecordService::AuditReads(const Caller& caller,
                                 const std::vector<const storage::StoredRecord*>& shown,
                                 const char* via) {
  std::vector<const storage::StoredRecord*> audited;
  for (const auto* r : shown) {
    auto level = ParseConfidentiality(r->confidentiality).value_or(Confidentiality::kSecret);
    if (level >= Confidentiality::kRestricted) audited.push_back(r);
  }
  if (audited.empty()) return Status::Ok();
  std::vector<storage::AuditEntry> entries;
  for (const auto* r : audited) {
    storage::AuditEntry e;
    e.at = NowIso8601();
    e.actor = caller.user;
    e.action = "record.read";
    e.target = r->type + "/" + r->id;
    e.detail =
        Json{{"revision", r->revision}, {"confidentiality", r->confidentiality}, {"via", via}}
            .dump();
    e.remote = caller.remote_address;
    entries.push_back(std::move(e));
  }
  // Shown only once logged; concurrent readers share the commit.
  return audit_group_->Append(std::move(entries));
}

void RecordService::SetTypeHooks(const std::string& type, TypeHooks hooks) {
  hooks_[type] = std::move(hooks);
}

const TypeHooks* RecordService::HooksFor(const std::string& type) const {
  auto it = hooks_.find(type);
  return it == hooks_.end() ? nullptr : &it->second;
}

namespace {

// Carries the stored server-set fields into a client's body: a client may
// leave them out or send them unchanged, never set or change them (an
// evidence file's hash, a submission's frozen package). The server's own
// writes may set them and keep the stored ones they do not mention.
Status CarryServerFields(const TypeSpec& type, const Json& stored, Json& body, bool create,
                         bool by_server) {
  if (!body.is_object()) return Status::Ok();  // validation says what is wrong
  for (const auto& f : type.fields) {
    if (f.written_by != FieldSpec::Writer::kServer) continue;
    if (create && !by_server && f.required) {
      return Status::InvalidArgument("a " + type.name +
                                     " record is created by uploading its file, not by posting "
                                     "JSON (see the API documentation)");
    }
    bool given = body.contains(f.name) && !body[f.name].is_null();
    bool kept = stored.is_object() && stored.contains(f.name);
    if (given && !by_server && (!kept || stored[f.name] != body[f.name])) {
      return Status::InvalidArgument("is set by the server (" + f.description + "); leave it out",
                                     f.name);
    }
    if (!given && kept) body[f.name] = stored[f.name];
  }
  return Status::Ok();
}

bool HasServerFields(const TypeSpec& type) {
  for (const auto& f : type.fields) {
    if (f.written_by == FieldSpec::Writer::kServer) return true;
  }
  return false;
}

// Fields a client does not write: removed from the stored body before a
// patch applies, so that they are derived again or carried over.
void DropServerWritten(const TypeSpec& type, Json& body) {
  for (const auto& f : type.fields) {
    if (f.written_by != FieldSpec::Writer::kClient) body.erase(f.name);
  }
}

// The targets of the references a stored body makes (read from the body:
// secret records keep their stored references in blind form).
std::set<std::string> ReferencedIds(const TypeSpec& type, const Json& body) {
  std::set<std::string> out;
  if (!body.is_object()) return out;
  auto valid =
      ValidateBody(type, body, [](const std::string&, const std::string&) { return true; });
  if (valid.ok()) {
    for (const auto& ref : valid->references) out.insert(ref.target_id);
  }
  return out;
}

}  // namespace

Result<Json> RecordService::Write(const Caller& caller, const TypeSpec& type, std::string_view id,
                                  const Json& body, bool create, bool trusted) {
  KUZOT_ASSIGN_OR_RETURN(auto tx, store_->BeginWrite());
  bool became_secret = false;
  KUZOT_ASSIGN_OR_RETURN(storage::StoredRecord record,
                         WriteIn(*tx, caller, type, id, body, create, {}, &became_secret, trusted));
  KUZOT_RETURN_IF_ERROR(tx->Commit());
  if (became_secret) {
    tx.reset();
    // Best effort: the old text may also sit in the write-ahead log.
    (void)store_->Compact(false);
  }
  return ToJson(record, caller);
}

Result<storage::StoredRecord> RecordService::WriteIn(
    storage::Transaction& tx, const Caller& caller, const TypeSpec& type, std::string_view id,
    const Json& body, bool create, const std::map<std::string, std::string>& batch,
    bool* became_secret, bool by_server) {
  auto known = [this](const std::string& v, const std::string& c) { return KnownCode(v, c); };
  if (!caller.sees_sensitive && body.is_object()) {
    // Whether a field is sensitive is public (the schema); whether a record
    // has a value in it is not, so this is refused before anything is read.
    for (const auto& f : type.fields) {
      if (f.sensitive && body.contains(f.name)) {
        return Status::Forbidden("you may not set the sensitive field '" + f.name + "'");
      }
    }
  }
  // A type with server-set fields is validated once they are carried over
  // from the stored record (below): some are required (an evidence file's
  // hash) and a client's body leaves them out.
  const bool server_fields = HasServerFields(type);
  ValidatedBody valid;
  if (!server_fields) {
    KUZOT_ASSIGN_OR_RETURN(valid, ValidateBody(type, body, known));
    if (!caller.MaySee(valid.confidentiality)) {
      return Status::Forbidden(std::string("you may not classify a record above ") +
                               ConfidentialityName(caller.clearance));
    }
  }
  storage::StoredRecord record;
  std::optional<storage::StoredRecord> before;
  Json before_body;  // null on create
  std::string now = NowIso8601();
  bool was_secret = false;
  if (create) {
    record.id = id.empty() ? NewId() : std::string(id);
    record.type = type.name;
    record.revision = 1;
    record.created_at = now;
    record.created_by = caller.user;
  } else {
    KUZOT_ASSIGN_OR_RETURN(record, Load(tx, type, id, caller));
    if (record.deleted) {
      return Status::Conflict("the " + type.name + " is deleted; restore it before editing");
    }
    before = record;
    if (body.contains("revision")) {
      if (!body["revision"].is_number_integer()) {
        return Status::InvalidArgument("must be a whole number", "revision");
      }
      if (body["revision"].get<int64_t>() != record.revision) {
        return Status::Conflict("the record was changed by " + record.updated_by + " at " +
                                    record.updated_at + " (now revision " +
                                    std::to_string(record.revision) +
                                    "); reload it and apply your change again",
                                "revision");
      }
    }
    was_secret = record.confidentiality == "secret";
    before_body = Json::parse(record.body, nullptr, false);
    record.revision += 1;
  }
  bool keep_sensitive = !create && !caller.sees_sensitive;
  if (server_fields || keep_sensitive) {
    Json merged = body;
    KUZOT_RETURN_IF_ERROR(CarryServerFields(type, before_body, merged, create, by_server));
    if (keep_sensitive && before_body.is_object()) {
      // Someone who cannot see the sensitive fields keeps them as they were:
      // an edit must not erase what its author never saw.
      for (const auto& f : type.fields) {
        if (f.sensitive && before_body.contains(f.name)) merged[f.name] = before_body[f.name];
      }
    }
    KUZOT_ASSIGN_OR_RETURN(valid, ValidateBody(type, merged, known));
    if (!caller.MaySee(valid.confidentiality)) {
      return Status::Forbidden(std::string("you may not classify a record above ") +
                               ConfidentialityName(caller.clearance));
    }
  }
  if (type.rules.guard) {
    KUZOT_RETURN_IF_ERROR(type.rules.guard(before_body, valid.body, by_server));
  }
  KUZOT_RETURN_IF_ERROR(CheckReferences(tx, record.id, valid.references, caller, batch,
                                        ReferencedIds(type, before_body)));
  record.confidentiality = valid.confidentiality;
  record.body = valid.body.dump();
  record.updated_at = now;
  record.updated_by = caller.user;
  if (const TypeHooks* hooks = HooksFor(type.name); hooks && hooks->on_write) {
    KUZOT_RETURN_IF_ERROR(
        hooks->on_write(tx, caller, before, record, create ? "create" : "update"));
  }
  StoredIndex index = IndexFor(type, record.confidentiality, valid, codec_.get());
  KUZOT_RETURN_IF_ERROR(
      tx.Put(record, create ? "create" : "update", index.references, index.search_text));
  if (codec_) KUZOT_RETURN_IF_ERROR(tx.PutBlindTerms(record.id, index.blind_terms));
  bool now_secret =
      codec_ && !create && !was_secret && codec_->SealsWholeBody(record.confidentiality);
  if (now_secret) {
    // Its past is hidden with its present, and its words leave the
    // full-text index's file, not just its lookups.
    KUZOT_RETURN_IF_ERROR(tx.ResealHistory(record.id));
    KUZOT_RETURN_IF_ERROR(tx.OptimizeSearchIndex());
  }
  if (became_secret) *became_secret = now_secret;
  KUZOT_RETURN_IF_ERROR(
      AuditRecord(tx, caller, create ? "record.create" : "record.update", record));
  return record;
}

Result<Json> RecordService::Create(const Caller& caller, std::string_view type, const Json& body) {
  KUZOT_ASSIGN_OR_RETURN(const TypeSpec* spec, TypeOrError(type));
  return Write(caller, *spec, "", body, true);
}

Status RecordService::CheckNew(const Caller& caller, std::string_view type, const Json& body) {
  KUZOT_ASSIGN_OR_RETURN(const TypeSpec* spec, TypeOrError(type));
  auto known = [this](const std::string& v, const std::string& c) { return KnownCode(v, c); };
  KUZOT_ASSIGN_OR_RETURN(ValidatedBody valid, ValidateBody(*spec, body, known));
  if (!caller.MaySee(valid.confidentiality)) {
    return Status::Forbidden(std::string("you may not classify a record above ") +
                             ConfidentialityName(caller.clearance));
  }
  KUZOT_ASSIGN_OR_RETURN(auto tx, store_->BeginRead());
  return CheckReferences(*tx, "", valid.references, caller, {});
}

Result<Json> RecordService::CreateTrusted(const Caller& caller, std::string_view type,
                                          const Json& body) {
  KUZOT_ASSIGN_OR_RETURN(const TypeSpec* spec, TypeOrError(type));
  return Write(caller, *spec, "", body, true, true);
}

Result<Json> RecordService::Get(const Caller& caller, std::string_view type, std::string_view id) {
  KUZOT_ASSIGN_OR_RETURN(const TypeSpec* spec, TypeOrError(type));
  storage::StoredRecord record;
  {
    KUZOT_ASSIGN_OR_RETURN(auto tx, store_->BeginRead());
    KUZOT_ASSIGN_OR_RETURN(record, Load(*tx, *spec, id, caller));
  }
  KUZOT_RETURN_IF_ERROR(AuditReads(caller, {&record}, "read"));
  if (const TypeHooks* hooks = HooksFor(spec->name); hooks && hooks->on_read) {
    KUZOT_RETURN_IF_ERROR(hooks->on_read(caller, record));
  }
  return ToJson(record, caller);
}

Result<Json> RecordService::Replace(const Caller& caller, std::string_view type,
                                    std::string_view id, const Json& body) {
  KUZOT_ASSIGN_OR_RETURN(const TypeSpec* spec, TypeOrError(type));
  return Write(caller, *spec, id, body, false);
}

namespace {
void MergePatch(Json& target, const Json& patch) {
  if (!patch.is_object()) {
    target = patch;
    return;
  }
  if (!target.is_object()) target = Json::object();
  for (const auto& [key, value] : patch.items()) {
    if (value.is_null()) {
      target.erase(key);
    } else {
      MergePatch(target[key], value);
    }
  }
}
}  // namespace

Result<Json> RecordService::PatchIn(storage::Transaction& tx, const Caller& caller,
                                    const TypeSpec& type, std::string_view id, const Json& patch,
                                    bool by_server, bool* compact) {
  if (!patch.is_object()) return Status::InvalidArgument("the body must be a JSON object");
  KUZOT_ASSIGN_OR_RETURN(auto record, Load(tx, type, id, caller));
  for (const auto& f : type.fields) {
    if (!by_server && f.written_by == FieldSpec::Writer::kServer && patch.contains(f.name) &&
        patch[f.name].is_null()) {
      return Status::InvalidArgument("is set by the server (" + f.description + "); it stays",
                                     f.name);
    }
  }
  Json body = Json::parse(record.body);
  // What the caller cannot see is not theirs to send back; WriteIn keeps it.
  Redact(body, type.name, caller);
  DropServerWritten(type, body);
  // Without an explicit revision, the patch applies to what was read here.
  body["revision"] = record.revision;
  Json envelope_free = patch;
  if (patch.contains("revision")) body["revision"] = patch["revision"];
  envelope_free.erase("revision");
  MergePatch(body, envelope_free);
  bool became_secret = false;
  KUZOT_ASSIGN_OR_RETURN(storage::StoredRecord written,
                         WriteIn(tx, caller, type, id, body, false, {}, &became_secret, by_server));
  *compact |= became_secret;
  return ToJson(written, caller);
}

Result<Json> RecordService::Patch(const Caller& caller, std::string_view type, std::string_view id,
                                  const Json& patch) {
  KUZOT_ASSIGN_OR_RETURN(const TypeSpec* spec, TypeOrError(type));
  KUZOT_ASSIGN_OR_RETURN(auto tx, store_->BeginWrite());
  bool compact = false;
  KUZOT_ASSIGN_OR_RETURN(Json out, PatchIn(*tx, caller, *spec, id, patch, false, &compact));
  KUZOT_RETURN_IF_ERROR(tx->Commit());
  if (compact) {
    tx.reset();
    // Best effort: the old text may also sit in the write-ahead log.
    (void)store_->Compact(false);
  }
  return out;
}

Result<Json> RecordService::Batch::Create(std::string_view type, const Json& body) {
  KUZOT_ASSIGN_OR_RETURN(const TypeSpec* spec, TypeOrError(type));
  bool became_secret = false;
  KUZOT_ASSIGN_OR_RETURN(storage::StoredRecord written,
                         service_.WriteIn(tx_, caller_, *spec, "", body, true, {}, &became_secret));
  return ToJson(written, caller_);
}

Result<Json> RecordService::Batch::Patch(std::string_view type, std::string_view id,
                                         const Json& patch) {
  KUZOT_ASSIGN_OR_RETURN(const TypeSpec* spec, TypeOrError(type));
  return service_.PatchIn(tx_, caller_, *spec, id, patch, false, &compact_);
}

Result<Json> RecordService::Batch::PatchAsServer(std::string_view type, std::string_view id,
                                                 const Json& patch) {
  KUZOT_ASSIGN_OR_RETURN(const TypeSpec* spec, TypeOrError(type));
  return service_.PatchIn(tx_, caller_, *spec, id, patch, true, &compact_);
}

Result<Json> RecordService::Batch::Get(std::string_view type, std::string_view id) {
  KUZOT_ASSIGN_OR_RETURN(const TypeSpec* spec, TypeOrError(type));
  KUZOT_ASSIGN_OR_RETURN(auto record, Load(tx_, *spec, id, caller_));
  return ToJson(record, caller_);
}

Result<storage::StoredRecord> RecordService::Batch::GetStored(std::string_view id) {
  KUZOT_ASSIGN_OR_RETURN(auto found, tx_.Get(id));
  if (!found || !caller_.MaySee(found->confidentiality)) {
    return Status::NotFound("there is no record with id '" + std::string(id.substr(0, 40)) + "'");
  }
  return *found;
}

Result<Json> RecordService::InOneTransaction(const Caller& caller,
                                             const std::function<Result<Json>(Batch&)>& fn) {
  KUZOT_ASSIGN_OR_RETURN(auto tx, store_->BeginWrite());
  Batch batch(*this, *tx, caller);
  KUZOT_ASSIGN_OR_RETURN(Json out, fn(batch));
  KUZOT_RETURN_IF_ERROR(tx->Commit());
  if (batch.compact_) {
    tx.reset();
    (void)store_->Compact(false);
  }
  return out;
}

Result<Json> RecordService::SetDeleted(const Caller& caller, const TypeSpec& spec,
                                       std::string_view id, bool deleted) {
  KUZOT_ASSIGN_OR_RETURN(auto tx, store_->BeginWrite());
  KUZOT_ASSIGN_OR_RETURN(auto record, SetDeletedIn(*tx, caller, spec, id, deleted));
  KUZOT_RETURN_IF_ERROR(tx->Commit());
  return ToJson(record, caller);
}

Result<storage::StoredRecord> RecordService::SetDeletedIn(storage::Transaction& tx,
                                                          const Caller& caller,
                                                          const TypeSpec& spec,
                                                          std::string_view id, bool deleted,
                                                          const std::string& merged_into) {
  KUZOT_ASSIGN_OR_RETURN(auto record, Load(tx, spec, id, caller));
  std::optional<storage::StoredRecord> before = record;
  if (record.deleted == deleted) {
    return Status::Conflict(std::string("the ") + spec.name + " is " +
                            (deleted ? "already deleted" : "not deleted"));
  }
  if (FindField(spec.fields, "merged_into")) {
    // A tombstone names the record it was merged into; a live record names none.
    Json body = Json::parse(record.body);
    if (deleted && !merged_into.empty()) {
      body["merged_into"] = merged_into;
    } else {
      body.erase("merged_into");
    }
    record.body = body.dump();
  }
  record.deleted = deleted;
  record.revision += 1;
  record.updated_at = NowIso8601();
  record.updated_by = caller.user;
  if (const TypeHooks* hooks = HooksFor(spec.name); hooks && hooks->on_write) {
    KUZOT_RETURN_IF_ERROR(
        hooks->on_write(tx, caller, before, record, deleted ? "delete" : "restore"));
  }
  // Rebuild what is stored beside the body, as a write would; a deleted
  // record keeps its references (history and restore need them) but
  // leaves the full-text index.
  auto valid = ValidateBody(spec, Json::parse(record.body),
                            [](const std::string&, const std::string&) { return true; });
  if (valid.ok()) {
    StoredIndex index = IndexFor(spec, record.confidentiality, valid.value(), codec_.get());
    KUZOT_RETURN_IF_ERROR(tx.Put(record, deleted ? "delete" : "restore", index.references,
                                  deleted ? "" : index.search_text));
    if (codec_) KUZOT_RETURN_IF_ERROR(tx.PutBlindTerms(record.id, index.blind_terms));
  } else {
    // A body stored under older rules: keep its references as they are.
    KUZOT_ASSIGN_OR_RETURN(auto refs, tx.ReferencesFrom(id));
    KUZOT_RETURN_IF_ERROR(tx.Put(record, deleted ? "delete" : "restore", refs, ""));
  }
  KUZOT_RETURN_IF_ERROR(
      AuditRecord(tx, caller, deleted ? "record.delete" : "record.restore", record));
  return record;
}

Result<Json> RecordService::Delete(const Caller& caller, std::string_view type,
                                   std::string_view id) {
  KUZOT_ASSIGN_OR_RETURN(const TypeSpec* spec, TypeOrError(type));
  return SetDeleted(caller, *spec, id, true);
}

Result<Json> RecordService::Restore(const Caller& caller, std::string_view type,
                                    std::string_view id) {
  KUZOT_ASSIGN_OR_RETURN(const TypeSpec* spec, TypeOrError(type));
  return SetDeleted(caller, *spec, id, false);
}

Result<Json> RecordService::List(const Caller& caller, std::string_view type,
                                 const ListParams& params) {
  KUZOT_ASSIGN_OR_RETURN(const TypeSpec* spec, TypeOrError(type));
  storage::ListQuery q;
  q.type = spec->name;
  if (params.limit < 1 || params.limit > kMaxPageSize) {
    return Status::InvalidArgument("must be between 1 and 500", "limit");
  }
  q.limit = params.limit + 1;  // one more tells whether there is a next page
  q.include_deleted = params.include_deleted;
  q.confidentiality_in = VisibleLevels(caller);
  for (const auto& [name, value] : params.filters) {
    std::string field = name;
    storage::FilterOp op = storage::FilterOp::kEq;
    auto ends_with = [&](const std::string& suffix) {
      return field.size() > suffix.size() &&
             field.compare(field.size() - suffix.size(), suffix.size(), suffix) == 0;
    };
    if (!FindField(spec->fields, field) && ends_with("_from")) {
      field.resize(field.size() - 5);
      op = storage::FilterOp::kGe;
    } else if (!FindField(spec->fields, field) && ends_with("_to")) {
      field.resize(field.size() - 3);
      op = storage::FilterOp::kLe;
    }
    const FieldSpec* f = FindField(spec->fields, field);
    if (!f || !f->filterable) {
      return Status::InvalidArgument("cannot filter " + spec->plural + " by this", name);
    }
    storage::Filter filter;
    filter.field = field;
    filter.op = op;
    filter.value = value;
    if (f->kind == FieldKind::kRef || f->kind == FieldKind::kRefList) {
      if (op != storage::FilterOp::kEq) {
        return Status::InvalidArgument("a reference can only be matched exactly", name);
      }
      filter.op = storage::FilterOp::kRef;
      // Secret records keep their references in blind form.
      if (codec_) filter.alternatives.push_back(BlindReference(*codec_, value));
      filter.in_body = f->kind == FieldKind::kRef && !f->sensitive;
    } else if (f->kind == FieldKind::kStringList) {
      if (op != storage::FilterOp::kEq) {
        return Status::InvalidArgument("a list can only be matched by one of its items", name);
      }
      filter.op = storage::FilterOp::kContains;
    } else if (f->kind == FieldKind::kInteger) {
      char* end = nullptr;
      std::strtoll(value.c_str(), &end, 10);
      if (value.empty() || *end) return Status::InvalidArgument("must be a whole number", name);
      filter.numeric = true;
    } else if (f->kind == FieldKind::kBool) {
      if (value != "true" && value != "false") {
        return Status::InvalidArgument("must be true or false", name);
      }
      filter.value = value == "true" ? "1" : "0";
      filter.numeric = true;
    } else if (f->kind == FieldKind::kDate) {
      auto date = FuzzyDate::Parse(value);
      if (!date.ok()) return Status::InvalidArgument(date.status().message(), name);
    }
    q.filters.push_back(filter);
  }
  if (!params.sort.empty()) {
    q.descending = params.sort[0] == '-';
    std::string field = q.descending ? params.sort.substr(1) : params.sort;
    if (field != "id") {
      const FieldSpec* f = FindField(spec->fields, field);
      // Never by a sensitive field: the order alone would tell its values.
      if (!f || f->sensitive || !(f->filterable || f->kind == FieldKind::kString) ||
          f->kind == FieldKind::kStringList) {
        return Status::InvalidArgument("cannot sort " + spec->plural + " by '" + field + "'",
                                       "sort");
      }
      q.sort_field = field;
    }
  }
  if (!params.cursor.empty()) {
    auto decoded = FromBase64Url(params.cursor);
    size_t sep = decoded ? decoded->find('\x1f') : std::string::npos;
    if (sep == std::string::npos) {
      return Status::InvalidArgument("is not a cursor this server gave out", "cursor");
    }
    q.after_value = decoded->substr(0, sep);
    q.after_id = decoded->substr(sep + 1);
  }
  KUZOT_ASSIGN_OR_RETURN(auto tx, store_->BeginRead());
  KUZOT_ASSIGN_OR_RETURN(auto rows, tx->List(q));
  Json out = Json::object();
  Json items = Json::array();
  bool more = static_cast<int>(rows.size()) > params.limit;
  if (more) rows.pop_back();
  std::vector<const storage::StoredRecord*> shown;
  for (const auto& row : rows) {
    items.push_back(ToJson(row, caller));
    shown.push_back(&row);
  }
  if (more) {
    const Json& last = items.back();
    std::string value;
    if (!q.sort_field.empty() && last.contains(q.sort_field)) {
      const Json& v = last[q.sort_field];
      value = v.is_string() ? v.get<std::string>() : v.dump();
    }
    out["next_cursor"] = Base64Url(value + '\x1f' + last["id"].get<std::string>());
  } else {
    out["next_cursor"] = nullptr;
  }
  if (params.with_total) {
    KUZOT_ASSIGN_OR_RETURN(int64_t total, tx->Count(q));
    out["total"] = total;
  }
  out["items"] = std::move(items);
  tx.reset();
  KUZOT_RETURN_IF_ERROR(AuditReads(caller, shown, "list"));
  return out;
}

Result<Json> RecordService::History(const Caller& caller, std::string_view type,
                                    std::string_view id) {
  KUZOT_ASSIGN_OR_RETURN(const TypeSpec* spec, TypeOrError(type));
  KUZOT_ASSIGN_OR_RETURN(auto tx, store_->BeginRead());
  KUZOT_ASSIGN_OR_RETURN(auto current, Load(*tx, *spec, id, caller));
  KUZOT_ASSIGN_OR_RETURN(auto revisions, tx->History(id));
  Json out = Json::array();
  Json previous = Json::object();
  for (const auto& rev : revisions) {
    Json body = Json::parse(rev.record.body, nullptr, false);
    if (!body.is_object()) body = Json::object();
    if (!caller.MaySee(rev.record.confidentiality)) {
      // A past state classified above the caller's clearance stays hidden.
      out.push_back({{"revision", rev.record.revision},
                     {"op", rev.op},
                     {"at", rev.record.updated_at},
                     {"by", rev.record.updated_by},
                     {"hidden", true}});
      previous = Json::object();
      continue;
    }
    Redact(body, rev.record.type, caller);
    Json changes = Json::array();
    for (const auto& [key, value] : body.items()) {
      if (!previous.contains(key) || previous[key] != value) {
        changes.push_back({{"field", key},
                           {"before", previous.contains(key) ? previous[key] : Json()},
                           {"after", value}});
      }
    }
    for (const auto& [key, value] : previous.items()) {
      if (!body.contains(key)) {
        changes.push_back({{"field", key}, {"before", value}, {"after", nullptr}});
      }
    }
    out.push_back({{"revision", rev.record.revision},
                   {"op", rev.op},
                   {"at", rev.record.updated_at},
                   {"by", rev.record.updated_by},
                   {"deleted", rev.record.deleted},
                   {"changes", std::move(changes)},
                   {"record", ToJson(rev.record, caller)}});
    previous = std::move(body);
  }
  tx.reset();
  KUZOT_RETURN_IF_ERROR(AuditReads(caller, {&current}, "history"));
  return Json{{"id", std::string(id)}, {"type", spec->name}, {"revisions", std::move(out)}};
}

Result<Json> RecordService::Links(const Caller& caller, std::string_view type,
                                  std::string_view id) {
  KUZOT_ASSIGN_OR_RETURN(const TypeSpec* spec, TypeOrError(type));
  KUZOT_ASSIGN_OR_RETURN(auto tx, store_->BeginRead());
  KUZOT_ASSIGN_OR_RETURN(auto self, Load(*tx, *spec, id, caller));
  // Links the caller may not see are left out entirely.
  auto sensitive_field = [&](const std::string& type, const std::string& field) {
    const TypeSpec* t = FindType(type);
    const FieldSpec* f = t ? FindField(t->fields, field) : nullptr;
    return f && f->sensitive && !caller.sees_sensitive;
  };
  std::vector<storage::StoredRecord> shown;
  shown.push_back(self);
  auto describe = [&](const std::string& target, const std::string& field) -> Result<Json> {
    KUZOT_ASSIGN_OR_RETURN(auto r, tx->Get(target));
    if (!r || !caller.MaySee(r->confidentiality)) return Json();
    Json full = ToJson(*r, caller);
    Json item{{"id", target},
              {"type", r->type},
              {"field", field},
              {"title", DisplayTitle(r->type, full)},
              {"confidentiality", r->confidentiality},
              {"deleted", r->deleted}};
    shown.push_back(std::move(*r));
    return item;
  };
  // Forward: from the body itself, since references from secret records
  // and sensitive fields are stored only in blind form.
  Json references = Json::array();
  auto valid = ValidateBody(*spec, Json::parse(self.body),
                            [](const std::string&, const std::string&) { return true; });
  std::vector<storage::Reference> forward;
  if (valid.ok()) {
    for (const auto& ref : valid->references) forward.push_back({ref.field, ref.target_id});
  } else {
    KUZOT_ASSIGN_OR_RETURN(forward, tx->ReferencesFrom(id));
  }
  for (const auto& ref : forward) {
    if (sensitive_field(spec->name, ref.field)) continue;
    KUZOT_ASSIGN_OR_RETURN(Json item, describe(ref.target_id, ref.field));
    if (!item.is_null()) references.push_back(std::move(item));
  }
  Json referenced_by = Json::array();
  KUZOT_ASSIGN_OR_RETURN(auto back, tx->ReferencesTo(id, false));
  if (codec_) {
    KUZOT_ASSIGN_OR_RETURN(auto blind,
                           tx->ReferencesTo(BlindReference(*codec_, std::string(id)), false));
    back.insert(back.end(), blind.begin(), blind.end());
    std::sort(back.begin(), back.end(), [](const storage::Backlink& a, const storage::Backlink& b) {
      return std::tie(a.from_id, a.field) < std::tie(b.from_id, b.field);
    });
  }
  for (const auto& link : back) {
    if (sensitive_field(link.from_type, link.field)) continue;
    KUZOT_ASSIGN_OR_RETURN(Json item, describe(link.from_id, link.field));
    if (!item.is_null()) referenced_by.push_back(std::move(item));
  }
  tx.reset();
  std::vector<const storage::StoredRecord*> audited;
  for (const auto& r : shown) audited.push_back(&r);
  KUZOT_RETURN_IF_ERROR(AuditReads(caller, audited, "links"));
  return Json{{"references", std::move(references)}, {"referenced_by", std::move(referenced_by)}};
}

Result<Json> RecordService::Search(const Caller& caller, std::string_view query,
                                   const std::vector<std::string>& types, int limit, int offset) {
  if (limit < 1 || limit > 100)
    return Status::InvalidArgument("must be between 1 and 100", "limit");
  if (offset < 0 || offset > 10000) return Status::InvalidArgument("is out of range", "offset");
  storage::SearchQuery q;
  for (const auto& t : types) {
    const TypeSpec* spec = FindType(t);
    if (!spec) return Status::InvalidArgument("there is no record type '" + t + "'", "type");
    q.types.push_back(spec->name);
  }
  KUZOT_ASSIGN_OR_RETURN(q.match, search::BuildMatchExpression(query));
  // Every source is asked for everything up to the end of the page; the
  // page is cut from their merge.
  q.limit = offset + limit;
  q.offset = 0;
  q.confidentiality_in = VisibleLevels(caller);
  KUZOT_ASSIGN_OR_RETURN(auto tx, store_->BeginRead());
  std::vector<storage::SearchHit> hits;
  if (codec_) {
    // Exact matches on sensitive values first, then words of secret records
    // (both through their blind forms), then the full-text index.
    storage::BlindQuery blind;
    blind.types = q.types;
    blind.confidentiality_in = q.confidentiality_in;
    blind.limit = q.limit;
    if (caller.sees_sensitive) {
      std::string value = BlindValue(*codec_, query);
      if (!value.empty()) {
        blind.words = {{value}};
        blind.kinds = {kSensitiveValue};
        KUZOT_ASSIGN_OR_RETURN(auto found, tx->BlindSearch(blind));
        hits.insert(hits.end(), found.begin(), found.end());
      }
    }
    if (caller.MaySee(Confidentiality::kSecret)) {
      blind.words = BlindWords(*codec_, query);
      blind.kinds = {kSecretWords};
      blind.confidentiality_in = {"secret"};
      KUZOT_ASSIGN_OR_RETURN(auto found, tx->BlindSearch(blind));
      hits.insert(hits.end(), found.begin(), found.end());
    }
  }
  KUZOT_ASSIGN_OR_RETURN(auto text_hits, tx->Search(q));
  hits.insert(hits.end(), text_hits.begin(), text_hits.end());
  Json items = Json::array();
  std::set<std::string> seen;
  std::vector<storage::StoredRecord> shown;
  int skipped = 0;
  for (const auto& hit : hits) {
    if (static_cast<int>(items.size()) >= limit) break;
    if (!seen.insert(hit.id).second) continue;
    KUZOT_ASSIGN_OR_RETURN(auto r, tx->Get(hit.id));
    if (!r || !caller.MaySee(r->confidentiality)) continue;
    if (skipped++ < offset) continue;
    items.push_back({{"id", hit.id},
                     {"type", hit.type},
                     {"title", DisplayTitle(hit.type, ToJson(*r, caller))},
                     {"snippet", hit.snippet},
                     {"confidentiality", r->confidentiality},
                     {"score", -hit.rank}});
    shown.push_back(std::move(*r));
  }
  tx.reset();
  std::vector<const storage::StoredRecord*> audited;
  for (const auto& r : shown) audited.push_back(&r);
  KUZOT_RETURN_IF_ERROR(AuditReads(caller, audited, "search"));
  return Json{{"query", std::string(query)}, {"items", std::move(items)}};
}

Result<Json> RecordService::Vocabularies() {
  KUZOT_ASSIGN_OR_RETURN(auto tx, store_->BeginRead());
  KUZOT_ASSIGN_OR_RETURN(auto names, tx->VocabularyNames());
  Json out = Json::object();
  for (const auto& name : names) {
    KUZOT_ASSIGN_OR_RETURN(auto terms, tx->Vocabulary(name));
    Json list = Json::array();
    for (const auto& t : terms) {
      list.push_back({{"code", t.code},
                      {"labels", Json::parse(t.labels)},
                      {"position", t.position},
                      {"deprecated", t.deprecated}});
    }
    out[name] = std::move(list);
  }
  return out;
}

Result<Json> RecordService::Vocabulary(std::string_view name) {
  KUZOT_ASSIGN_OR_RETURN(Json all, Vocabularies());
  if (!all.contains(std::string(name))) {
    return Status::NotFound("there is no vocabulary '" + std::string(name.substr(0, 60)) + "'");
  }
  return Json{{"vocabulary", std::string(name)}, {"terms", all[std::string(name)]}};
}

Result<Json> RecordService::PutVocabularyTerm(const Caller& caller, std::string_view vocabulary,
                                              std::string_view code, const Json& body) {
  auto identifier = [](std::string_view s) {
    if (s.empty() || s.size() > 64) return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
    });
  };
  if (!identifier(vocabulary)) {
    return Status::InvalidArgument("a vocabulary name is letters, digits, _ and -", "vocabulary");
  }
  if (!identifier(code))
    return Status::InvalidArgument("a code is letters, digits, _ and -", "code");
  if (!body.is_object()) return Status::InvalidArgument("the body must be a JSON object");
  for (const auto& [key, value] : body.items()) {
    if (key != "labels" && key != "position" && key != "deprecated" && key != "code") {
      return Status::InvalidArgument("unknown field", key);
    }
  }
  if (!body.contains("labels") || !body["labels"].is_object()) {
    return Status::InvalidArgument("is required: an object of en, ru, ky labels", "labels");
  }
  for (const char* lang : {"en", "ru", "ky"}) {
    if (!body["labels"].contains(lang) || !body["labels"][lang].is_string() ||
        body["labels"][lang].get<std::string>().empty()) {
      return Status::InvalidArgument("is required", std::string("labels.") + lang);
    }
  }
  for (const auto& [key, value] : body["labels"].items()) {
    if (!value.is_string() || value.get<std::string>().size() > 200) {
      return Status::InvalidArgument("must be a string of at most 200 bytes", "labels." + key);
    }
  }
  if (body.contains("position") && !body["position"].is_number_integer()) {
    return Status::InvalidArgument("must be a whole number", "position");
  }
  if (body.contains("deprecated") && !body["deprecated"].is_boolean()) {
    return Status::InvalidArgument("must be true or false", "deprecated");
  }
  storage::VocabularyTerm term{std::string(vocabulary), std::string(code), body["labels"].dump(),
                               body.value("position", 0), body.value("deprecated", false)};
  KUZOT_ASSIGN_OR_RETURN(auto tx, store_->BeginWrite());
  KUZOT_RETURN_IF_ERROR(tx->PutVocabularyTerm(term));
  storage::AuditEntry e;
  e.at = NowIso8601();
  e.actor = caller.user;
  e.action = "vocabulary.put";
  e.target = "vocabulary/" + term.vocabulary + "/" + term.code;
  e.detail = body.dump();
  e.remote = caller.remote_address;
  KUZOT_RETURN_IF_ERROR(tx->AppendAudit(e));
  KUZOT_RETURN_IF_ERROR(tx->Commit());
  KUZOT_RETURN_IF_ERROR(LoadVocabularies());
  return Json{{"vocabulary", term.vocabulary},
              {"code", term.code},
              {"labels", body["labels"]},
              {"position", term.position},
              {"deprecated", term.deprecated}};
}

Result<int64_t> RecordService::CountRecords(std::string_view type) {
  KUZOT_ASSIGN_OR_RETURN(const TypeSpec* spec, TypeOrError(type));
  KUZOT_ASSIGN_OR_RETURN(auto tx, store_->BeginRead());
  storage::ListQuery q;
  q.type = spec->name;
  return tx->Count(q);
}

}  // namespace kuzot::records
