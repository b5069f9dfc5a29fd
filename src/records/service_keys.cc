// The records service's side of encryption at rest: binding a database to
// its keyring, and re-encrypting it under a new key generation.
#include <nlohmann/json.hpp>

#include "common/clock.h"
#include "records/sealing.h"
#include "records/service.h"
#include "records/validate.h"

namespace kuzot::records {
namespace {

constexpr char kKeyringMeta[] = "keyring_id";
constexpr char kGenerationMeta[] = "key_generation";

bool HasSensitiveValue(const TypeSpec& type, const Json& body) {
  for (const auto& f : type.fields) {
    if (f.sensitive && body.contains(f.name)) return true;
  }
  return false;
}

Status Audit(storage::Transaction& tx, const Caller& caller, const std::string& action,
             const Json& detail) {
  storage::AuditEntry e;
  e.at = NowIso8601();
  e.actor = caller.user;
  e.action = action;
  e.detail = detail.dump();
  e.remote = caller.remote_address;
  return tx.AppendAudit(e);
}

}  // namespace

uint32_t RecordService::key_generation() const { return codec_ ? codec_->generation() : 0; }

Result<int64_t> RecordService::ReindexSealed(storage::Transaction& tx) {
  if (!codec_) return int64_t{0};
  std::vector<storage::StoredRecord> pending;
  KUZOT_RETURN_IF_ERROR(tx.ForEachRecord([&](const storage::StoredRecord& r) {
    const TypeSpec* type = FindType(r.type);
    if (!type) return Status::Ok();
    if (codec_->SealsWholeBody(r.confidentiality)) {
      pending.push_back(r);
      return Status::Ok();
    }
    Json body = Json::parse(r.body, nullptr, false);
    if (body.is_object() && HasSensitiveValue(*type, body)) pending.push_back(r);
    return Status::Ok();
  }));
  auto any_code = [](const std::string&, const std::string&) { return true; };
  for (const auto& r : pending) {
    const TypeSpec* type = FindType(r.type);
    auto valid = ValidateBody(*type, Json::parse(r.body), any_code);
    if (!valid.ok()) {
      return Status::Internal("the " + r.type + " " + r.id +
                              " no longer validates, so its blind index cannot be rebuilt: " +
                              valid.status().message());
    }
    StoredIndex index = IndexFor(*type, r.confidentiality, valid.value(), codec_.get());
    KUZOT_RETURN_IF_ERROR(tx.Put(r, "", index.references, r.deleted ? "" : index.search_text));
    KUZOT_RETURN_IF_ERROR(tx.PutBlindTerms(r.id, index.blind_terms));
  }
  return static_cast<int64_t>(pending.size());
}

Status RecordService::BindKeyring() {
  KUZOT_ASSIGN_OR_RETURN(auto tx, store_->BeginWrite());
  KUZOT_ASSIGN_OR_RETURN(auto bound_to, tx->GetMeta(kKeyringMeta));
  if (!codec_) {
    if (bound_to) {
      return Status::Unauthorized(
          "the database is encrypted: it can only be opened with its passphrase or key file");
    }
    return Status::Ok();
  }
  const crypto::Keyring& keyring = codec_->keyring();
  if (bound_to) {
    if (*bound_to != keyring.id()) {
      return Status::Unauthorized("the keyring " + keyring.id() +
                                  " is not the one this database was encrypted with (" + *bound_to +
                                  "); restore the data directory's own keyring.json");
    }
    KUZOT_ASSIGN_OR_RETURN(auto text, tx->GetMeta(kGenerationMeta));
    uint32_t generation =
        text ? static_cast<uint32_t>(std::strtoul(text->c_str(), nullptr, 10)) : 0;
    if (!keyring.HasGeneration(generation)) {
      return Status::Internal("the database uses key generation " + std::to_string(generation) +
                              ", which the keyring does not hold");
    }
    codec_->set_generation(generation);
    store_->SetAuditKey(keyring.Subkey(crypto::Purpose::kAuditChain, generation));
    return Status::Ok();
  }
  // The first open with a keyring: encrypt whatever was stored before
  // (nothing, for a new database), then re-key the audit chain.
  KUZOT_ASSIGN_OR_RETURN(auto verdict, tx->VerifyAudit());
  if (!verdict.intact) {
    return Status::Conflict("the audit log is broken at entry " +
                            std::to_string(verdict.broken_seq) + " (" + verdict.problem +
                            "); Kuzot will not re-key a broken chain");
  }
  uint32_t generation = keyring.current();
  codec_->set_generation(generation);
  KUZOT_ASSIGN_OR_RETURN(int64_t bodies, tx->ResealBodies());
  KUZOT_ASSIGN_OR_RETURN(int64_t records, ReindexSealed(*tx));
  if (records > 0) KUZOT_RETURN_IF_ERROR(tx->OptimizeSearchIndex());
  std::string audit_key = keyring.Subkey(crypto::Purpose::kAuditChain, generation);
  KUZOT_RETURN_IF_ERROR(tx->RechainAudit(audit_key));
  KUZOT_RETURN_IF_ERROR(tx->SetMeta(kKeyringMeta, keyring.id()));
  KUZOT_RETURN_IF_ERROR(tx->SetMeta(kGenerationMeta, std::to_string(generation)));
  store_->SetAuditKey(audit_key);
  Status s = Audit(*tx, Caller::System(), "keyring.bind",
                   Json{{"generation", generation},
                        {"bodies_encrypted", bodies},
                        {"records_reindexed", records},
                        {"kek", keyring.kek_kind()}});
  if (s.ok()) s = tx->Commit();
  if (!s.ok()) {
    store_->SetAuditKey("");
    return s;
  }
  tx.reset();  // Compact needs the writer
  // What was written in the clear before must not linger in free pages.
  if (bodies > 0 || records > 0) KUZOT_RETURN_IF_ERROR(store_->Compact(true));
  return Status::Ok();
}

Result<ReencryptReport> RecordService::Reencrypt(uint32_t generation, const Caller& caller) {
  if (!codec_) return Status::InvalidArgument("the database is not encrypted");
  const crypto::Keyring& keyring = codec_->keyring();
  if (!keyring.HasGeneration(generation)) {
    return Status::InvalidArgument("the keyring has no key generation " +
                                   std::to_string(generation));
  }
  ReencryptReport report;
  report.from_generation = codec_->generation();
  report.to_generation = generation;
  KUZOT_ASSIGN_OR_RETURN(auto tx, store_->BeginWrite());
  KUZOT_ASSIGN_OR_RETURN(auto verdict, tx->VerifyAudit());
  if (!verdict.intact) {
    return Status::Conflict("the audit log is broken at entry " +
                            std::to_string(verdict.broken_seq) + " (" + verdict.problem +
                            "); run kuzot verify; nothing was re-encrypted");
  }
  report.audit_entries = verdict.entries;
  std::string old_audit_key = keyring.Subkey(crypto::Purpose::kAuditChain, report.from_generation);
  std::string new_audit_key = keyring.Subkey(crypto::Purpose::kAuditChain, generation);
  codec_->set_generation(generation);
  auto result = [&]() -> Status {
    KUZOT_ASSIGN_OR_RETURN(report.bodies, tx->ResealBodies());
    KUZOT_ASSIGN_OR_RETURN(report.records, ReindexSealed(*tx));
    KUZOT_RETURN_IF_ERROR(tx->RechainAudit(new_audit_key));
    KUZOT_RETURN_IF_ERROR(tx->SetMeta(kGenerationMeta, std::to_string(generation)));
    store_->SetAuditKey(new_audit_key);
    KUZOT_RETURN_IF_ERROR(Audit(*tx, caller, "key.rotate",
                                Json{{"from_generation", report.from_generation},
                                     {"to_generation", generation},
                                     {"bodies", report.bodies},
                                     {"records", report.records}}));
    return tx->Commit();
  }();
  if (!result.ok()) {
    codec_->set_generation(report.from_generation);
    store_->SetAuditKey(old_audit_key);
    return result;
  }
  tx.reset();  // Compact needs the writer
  KUZOT_RETURN_IF_ERROR(store_->Compact(true));
  return report;
}

}  // namespace kuzot::records
