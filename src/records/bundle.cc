// Whole-database JSON bundles: export (import: bundle_import.cc).
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

}  // namespace kuzot::records
