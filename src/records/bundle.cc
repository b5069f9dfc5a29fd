// Whole-database JSON bundles: export and all-or-nothing import.
#include <istream>
#include <map>
#include <ostream>

#include "common/clock.h"
#include "records/keys.h"
#include "records/sealing.h"
#include "records/service.h"
#include "records/validate.h"

namespace kuzot::records {
namespace {

constexpr char kFormat[] = "kuzot-bundle";
constexpr int kVersion = 1;

Json RecordJson(const storage::StoredRecord& r) {
  Json out = {{"id", r.id}, {"type", r.type}, {"revision", r.revision},
              {"confidentiality", r.confidentiality}, {"created_at", r.created_at},
              {"created_by", r.created_by}, {"updated_at", r.updated_at},
              {"updated_by", r.updated_by}, {"deleted", r.deleted}};
  out["body"] = Json::parse(r.body);
  return out;
}

}  // namespace

Status ResolveKeys(Json& value, const std::map<std::string, std::string>& ids,
                   const std::string& path) {
  if (value.is_string()) {
    const std::string& s = value.get_ref<const std::string&>();
    if (s.size() > 1 && s[0] == '@') {
      auto it = ids.find(s.substr(1));
      if (it == ids.end()) {
        return Status::InvalidArgument("refers to the key '" + s.substr(1) +
                                           "', which no record in the bundle has",
                                       path);
      }
      value = it->second;
    }
  } else if (value.is_array()) {
    for (size_t i = 0; i < value.size(); ++i) {
      KUZOT_RETURN_IF_ERROR(ResolveKeys(value[i], ids, path + "[" + std::to_string(i) + "]"));
    }
  } else if (value.is_object()) {
    for (auto& [k, v] : value.items()) KUZOT_RETURN_IF_ERROR(ResolveKeys(v, ids, path + "." + k));
  }
  return Status::Ok();
}

namespace {

Result<std::string> RequiredString(const Json& j, const char* field, const std::string& path) {
  if (!j.contains(field) || !j[field].is_string()) {
    return Status::InvalidArgument("is required and must be a string", path + "." + field);
  }
  return j[field].get<std::string>();
}

// Optional members of a bundle's objects: the fallback when absent, a
// clear error naming the member when it has the wrong type.
Result<std::string> StringOr(const Json& j, const char* field, const std::string& fallback,
                             const std::string& path) {
  if (!j.contains(field) || j[field].is_null()) return fallback;
  if (!j[field].is_string()) return Status::InvalidArgument("must be a string", path + "." + field);
  return j[field].get<std::string>();
}

Result<int64_t> IntOr(const Json& j, const char* field, int64_t fallback, const std::string& path) {
  if (!j.contains(field) || j[field].is_null()) return fallback;
  if (!j[field].is_number_integer()) {
    return Status::InvalidArgument("must be a whole number", path + "." + field);
  }
  return j[field].get<int64_t>();
}

Result<bool> BoolOr(const Json& j, const char* field, bool fallback, const std::string& path) {
  if (!j.contains(field) || j[field].is_null()) return fallback;
  if (!j[field].is_boolean()) return Status::InvalidArgument("must be true or false", path + "." + field);
  return j[field].get<bool>();
}

}  // namespace

Status RecordService::ExportBundle(std::ostream& out, const Progress& progress) {
  KUZOT_ASSIGN_OR_RETURN(auto tx, store_->BeginRead());
  out << "{\"format\":\"" << kFormat << "\",\"version\":" << kVersion
      << ",\n\"vocabularies\":[";
  KUZOT_ASSIGN_OR_RETURN(auto names, tx->VocabularyNames());
  bool first = true;
  for (const auto& name : names) {
    KUZOT_ASSIGN_OR_RETURN(auto terms, tx->Vocabulary(name));
    for (const auto& t : terms) {
      Json term = {{"vocabulary", t.vocabulary}, {"code", t.code},
                   {"labels", Json::parse(t.labels)}, {"position", t.position},
                   {"deprecated", t.deprecated}};
      out << (first ? "\n" : ",\n") << term.dump();
      first = false;
    }
  }
  out << "],\n\"records\":[";
  first = true;
  int64_t done = 0;
  KUZOT_RETURN_IF_ERROR(tx->ForEachRecord([&](const storage::StoredRecord& r) {
    out << (first ? "\n" : ",\n") << RecordJson(r).dump();
    first = false;
    if (progress && ++done % 10000 == 0) progress(done, 0);
    return Status::Ok();
  }));
  out << "],\n\"revisions\":[";
  first = true;
  KUZOT_RETURN_IF_ERROR(tx->ForEachRevision([&](const storage::Revision& rev) {
    Json j = RecordJson(rev.record);
    j["op"] = rev.op;
    out << (first ? "\n" : ",\n") << j.dump();
    first = false;
    return Status::Ok();
  }));
  out << "]}\n";
  if (!out) return Status::Internal("writing the bundle failed");
  return Status::Ok();
}

Status RecordService::AuditExport(const Caller& caller, const Json& detail) {
  KUZOT_ASSIGN_OR_RETURN(auto tx, store_->BeginWrite());
  storage::AuditEntry e;
  e.at = NowIso8601();
  e.actor = caller.user;
  e.action = "export";
  e.detail = detail.dump();
  e.remote = caller.remote_address;
  KUZOT_RETURN_IF_ERROR(tx->AppendAudit(e));
  return tx->Commit();
}

Result<ImportReport> RecordService::ImportBundle(std::istream& in, const Caller& caller,
                                                 const Progress& progress) {
  Json bundle = Json::parse(in, nullptr, false);
  if (bundle.is_discarded()) {
    return Status::InvalidArgument("the file is not valid JSON");
  }
  if (!bundle.is_object() || !bundle.contains("format") || bundle["format"] != kFormat) {
    return Status::InvalidArgument("is not \"kuzot-bundle\"", "format");
  }
  if (!bundle.contains("version") || bundle["version"] != kVersion) {
    return Status::InvalidArgument("this Kuzot reads bundles of version 1", "version");
  }
  for (const char* list : {"vocabularies", "records", "revisions"}) {
    if (bundle.contains(list) && !bundle[list].is_array()) {
      return Status::InvalidArgument("must be a list", list);
    }
  }
  ImportReport report;
  KUZOT_ASSIGN_OR_RETURN(auto tx, store_->BeginWrite());

  // Vocabularies first: records are checked against them.
  std::map<std::string, std::set<std::string>> codes;
  {
    KUZOT_ASSIGN_OR_RETURN(auto names, tx->VocabularyNames());
    for (const auto& name : names) {
      KUZOT_ASSIGN_OR_RETURN(auto terms, tx->Vocabulary(name));
      for (const auto& t : terms) codes[name].insert(t.code);
    }
  }
  const Json empty = Json::array();
  const Json& vocabularies = bundle.contains("vocabularies") ? bundle["vocabularies"] : empty;
  for (size_t i = 0; i < vocabularies.size(); ++i) {
    const Json& t = vocabularies[i];
    std::string path = "vocabularies[" + std::to_string(i) + "]";
    if (!t.is_object()) return Status::InvalidArgument("must be an object", path);
    KUZOT_ASSIGN_OR_RETURN(std::string vocabulary, RequiredString(t, "vocabulary", path));
    KUZOT_ASSIGN_OR_RETURN(std::string code, RequiredString(t, "code", path));
    if (!t.contains("labels") || !t["labels"].is_object()) {
      return Status::InvalidArgument("is required", path + ".labels");
    }
    KUZOT_ASSIGN_OR_RETURN(int64_t position, IntOr(t, "position", 0, path));
    KUZOT_ASSIGN_OR_RETURN(bool deprecated, BoolOr(t, "deprecated", false, path));
    KUZOT_RETURN_IF_ERROR(tx->PutVocabularyTerm(
        {vocabulary, code, t["labels"].dump(), static_cast<int>(position), deprecated}));
    codes[vocabulary].insert(code);
    ++report.vocabulary_terms;
  }
  auto known = [&](const std::string& v, const std::string& c) {
    auto it = codes.find(v);
    return it != codes.end() && it->second.count(c);
  };

  const Json& records = bundle.contains("records") ? bundle["records"] : empty;
  // Hand-written bundles name records by key; give each key an id first.
  std::map<std::string, std::string> key_ids;
  for (size_t i = 0; i < records.size(); ++i) {
    if (records[i].is_object() && records[i].contains("key") && records[i]["key"].is_string()) {
      if (!key_ids.emplace(records[i]["key"].get<std::string>(), NewId()).second) {
        return Status::InvalidArgument("the key is used twice", "records[" + std::to_string(i) + "].key");
      }
    }
  }
  std::set<std::string> skipped;
  std::vector<std::string> secret_ids;       // their whole history is sealed too
  std::map<std::string, std::string> paths;  // record id -> "records[i]", for errors
  std::map<std::string, std::string> imported_types;  // id -> type, of records imported now
  constexpr size_t kBulkThreshold = 5000;
  bool bulk = records.size() >= kBulkThreshold;
  if (bulk) KUZOT_RETURN_IF_ERROR(tx->SetBulkMode(true));
  std::string now = NowIso8601();
  // With a history in the bundle the revision rows come from it.
  const bool has_history = bundle.contains("revisions") && !bundle["revisions"].empty();
  for (size_t i = 0; i < records.size(); ++i) {
    std::string path = "records[" + std::to_string(i) + "]";
    const Json& r = records[i];
    if (!r.is_object()) return Status::InvalidArgument("must be an object", path);
    KUZOT_ASSIGN_OR_RETURN(std::string type_name, RequiredString(r, "type", path));
    const TypeSpec* spec = FindType(type_name);
    if (!spec) return Status::InvalidArgument("unknown record type", path + ".type");
    auto body_it = r.find("body");
    if (body_it == r.end() || !body_it->is_object()) {
      return Status::InvalidArgument("is required and must be an object", path + ".body");
    }
    // A copy only when keys are to be replaced by ids.
    Json resolved;
    if (!key_ids.empty()) {
      resolved = *body_it;
      KUZOT_RETURN_IF_ERROR(ResolveKeys(resolved, key_ids, path + ".body"));
    }
    const Json& body = key_ids.empty() ? *body_it : resolved;
    auto valid = ValidateBody(*spec, body, known);
    if (!valid.ok()) return valid.status().WithFieldPrefix(path + ".body");
    storage::StoredRecord record;
    if (r.contains("key")) {
      if (!r["key"].is_string()) return Status::InvalidArgument("must be a string", path + ".key");
      record.id = key_ids[r["key"].get<std::string>()];
    } else if (r.contains("id")) {
      KUZOT_ASSIGN_OR_RETURN(record.id, RequiredString(r, "id", path));
      if (!LooksLikeId(record.id)) return Status::InvalidArgument("is not a record id", path + ".id");
    } else {
      record.id = NewId();
    }
    KUZOT_ASSIGN_OR_RETURN(auto existing, tx->Get(record.id));
    if (existing) {
      skipped.insert(record.id);
      ++report.skipped;
      continue;
    }
    record.type = spec->name;
    KUZOT_ASSIGN_OR_RETURN(record.revision, IntOr(r, "revision", 1, path));
    record.confidentiality = valid->confidentiality;
    record.body = valid->body.dump();
    KUZOT_ASSIGN_OR_RETURN(record.created_at, StringOr(r, "created_at", now, path));
    KUZOT_ASSIGN_OR_RETURN(record.created_by, StringOr(r, "created_by", caller.user, path));
    KUZOT_ASSIGN_OR_RETURN(record.updated_at, StringOr(r, "updated_at", record.created_at, path));
    KUZOT_ASSIGN_OR_RETURN(record.updated_by, StringOr(r, "updated_by", record.created_by, path));
    KUZOT_ASSIGN_OR_RETURN(record.deleted, BoolOr(r, "deleted", false, path));
    StoredIndex index = IndexFor(*spec, record.confidentiality, valid.value(), codec_.get());
    KUZOT_RETURN_IF_ERROR(tx->Put(record, has_history ? "" : "create", index.references,
                                  record.deleted ? "" : index.search_text));
    if (codec_) KUZOT_RETURN_IF_ERROR(tx->PutBlindTerms(record.id, index.blind_terms));
    if (codec_ && codec_->SealsWholeBody(record.confidentiality)) secret_ids.push_back(record.id);
    if (!valid->references.empty()) paths[record.id] = path;
    if (has_history) imported_types[record.id] = record.type;
    ++report.records;
    if (progress && report.records % 1000 == 0) progress(report.records, records.size());
  }
  // References may point forward in the bundle: check them once all are in,
  // with one anti-join over the whole reference table.
  {
    std::string target;
    KUZOT_ASSIGN_OR_RETURN(auto dangling, tx->FindDanglingReference(&target));
    if (dangling) {
      auto it = paths.find(dangling->from_id);
      std::string where = it == paths.end() ? "record " + dangling->from_id : it->second;
      return Status::InvalidArgument("refers to '" + target + "', which does not exist",
                                     where + ".body." + dangling->field);
    }
  }
  const Json& revisions = bundle.contains("revisions") ? bundle["revisions"] : empty;
  if (!revisions.empty()) {
    // A history may only describe records this bundle brings: never add
    // revisions to a record already in the database.
    std::set<std::pair<std::string, int64_t>> seen;
    for (size_t i = 0; i < revisions.size(); ++i) {
      std::string path = "revisions[" + std::to_string(i) + "]";
      const Json& r = revisions[i];
      if (!r.is_object()) return Status::InvalidArgument("must be an object", path);
      KUZOT_ASSIGN_OR_RETURN(std::string id, RequiredString(r, "id", path));
      if (skipped.count(id)) continue;
      auto owner = imported_types.find(id);
      if (owner == imported_types.end()) {
        return Status::InvalidArgument("is the history of no record of this bundle", path + ".id");
      }
      storage::Revision rev;
      rev.record.id = id;
      KUZOT_ASSIGN_OR_RETURN(rev.record.type, RequiredString(r, "type", path));
      if (rev.record.type != owner->second) {
        return Status::InvalidArgument("is not the type of record " + id, path + ".type");
      }
      KUZOT_ASSIGN_OR_RETURN(rev.record.revision, IntOr(r, "revision", 0, path));
      if (rev.record.revision < 1) {
        return Status::InvalidArgument("must be 1 or more", path + ".revision");
      }
      if (!seen.emplace(id, rev.record.revision).second) {
        return Status::InvalidArgument("revision " + std::to_string(rev.record.revision) +
                                           " of record " + id + " appears twice",
                                       path + ".revision");
      }
      KUZOT_ASSIGN_OR_RETURN(rev.record.confidentiality,
                             StringOr(r, "confidentiality", "internal", path));
      rev.record.body = r.contains("body") ? r["body"].dump() : "{}";
      KUZOT_ASSIGN_OR_RETURN(rev.record.created_at, StringOr(r, "created_at", "", path));
      KUZOT_ASSIGN_OR_RETURN(rev.record.created_by, StringOr(r, "created_by", "", path));
      KUZOT_ASSIGN_OR_RETURN(rev.record.updated_at, StringOr(r, "updated_at", "", path));
      KUZOT_ASSIGN_OR_RETURN(rev.record.updated_by, StringOr(r, "updated_by", "", path));
      KUZOT_ASSIGN_OR_RETURN(rev.record.deleted, BoolOr(r, "deleted", false, path));
      KUZOT_ASSIGN_OR_RETURN(rev.op, StringOr(r, "op", "update", path));
      KUZOT_RETURN_IF_ERROR(tx->PutRevision(rev));
      ++report.revisions;
    }
  }
  for (const auto& id : secret_ids) KUZOT_RETURN_IF_ERROR(tx->ResealHistory(id));
  if (bulk) KUZOT_RETURN_IF_ERROR(tx->SetBulkMode(false));
  storage::AuditEntry audit;
  audit.at = NowIso8601();
  audit.actor = caller.user;
  audit.action = "import";
  audit.detail = Json{{"records", report.records}, {"revisions", report.revisions},
                      {"skipped", report.skipped}}.dump();
  audit.remote = caller.remote_address;
  KUZOT_RETURN_IF_ERROR(tx->AppendAudit(audit));
  KUZOT_RETURN_IF_ERROR(tx->Commit());
  KUZOT_RETURN_IF_ERROR(LoadVocabularies());
  if (progress) progress(report.records, records.size());
  return report;
}

}  // namespace kuzot::records
