// Several existing records changed in one transaction: a merge of persons
// (the survivor rewritten, the others deleted) is written whole or not at
// all, and so is its undoing.
#include "records/service.h"

namespace kuzot::records {
namespace {

// A merge touches a handful of persons; more is a job for kuzot import.
constexpr size_t kMaxChanges = 200;

}  // namespace

Result<Json> RecordService::ChangeMany(const Caller& caller, const Json& ops) {
  if (!ops.is_array() || ops.empty()) {
    return Status::InvalidArgument("must be a non-empty list of changes", "ops");
  }
  if (ops.size() > kMaxChanges) {
    return Status::InvalidArgument("at most " + std::to_string(kMaxChanges) + " changes at once",
                                   "ops");
  }
  KUZOT_ASSIGN_OR_RETURN(auto tx, store_->BeginWrite());
  Json out = Json::array();
  bool became_secret = false;
  for (size_t i = 0; i < ops.size(); ++i) {
    const std::string path = "ops[" + std::to_string(i) + "]";
    const Json& op = ops[i];
    if (!op.is_object() || !op.contains("op") || !op["op"].is_string() || !op.contains("type") ||
        !op["type"].is_string() || !op.contains("id") || !op["id"].is_string()) {
      return Status::InvalidArgument("needs op, type and id", path);
    }
    const TypeSpec* spec = FindType(op["type"].get<std::string>());
    if (!spec) return Status::InvalidArgument("there is no such record type", path + ".type");
    const std::string kind = op["op"];
    const std::string id = op["id"];
    storage::StoredRecord record;
    if (kind == "replace") {
      if (!op.contains("body") || !op["body"].is_object()) {
        return Status::InvalidArgument("is required and must be an object", path + ".body");
      }
      bool secret = false;
      auto written = WriteIn(*tx, caller, *spec, id, op["body"], false, {}, &secret);
      if (!written.ok()) return written.status().WithFieldPrefix(path + ".body");
      became_secret |= secret;
      record = std::move(*written);
    } else if (kind == "delete" || kind == "restore") {
      auto changed = SetDeletedIn(*tx, caller, *spec, id, kind == "delete");
      if (!changed.ok()) return changed.status().WithFieldPrefix(path);
      record = std::move(*changed);
    } else {
      return Status::InvalidArgument("must be replace, delete or restore", path + ".op");
    }
    out.push_back({{"id", record.id},
                   {"type", record.type},
                   {"revision", record.revision},
                   {"deleted", record.deleted}});
  }
  KUZOT_RETURN_IF_ERROR(tx->Commit());
  if (became_secret) {
    tx.reset();
    (void)store_->Compact(false);  // best effort, as for a single write
  }
  return Json{{"records", std::move(out)}};
}

}  // namespace kuzot::records
