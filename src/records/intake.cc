// Several new records in one transaction: an interview with the persons and
// the acts it tells of is recorded whole or not at all.
#include <map>
#include <vector>

#include "common/clock.h"
#include "records/keys.h"
#include "records/service.h"

namespace kuzot::records {
namespace {

// Enough for an interview with dozens of persons and acts; a larger batch
// is an import (kuzot import).
constexpr size_t kMaxIntakeRecords = 500;

}  // namespace

Result<Json> RecordService::CreateMany(const Caller& caller, const Json& items,
                                       size_t max_records,
                                       const std::map<std::string, std::string>& preset_ids) {
  if (!items.is_array() || items.empty()) {
    return Status::InvalidArgument("must be a non-empty list of records", "records");
  }
  if (max_records == 0) max_records = kMaxIntakeRecords;
  if (items.size() > max_records) {
    return Status::InvalidArgument(
        "at most " + std::to_string(max_records) + " records at once; use kuzot import",
        "records");
  }
  // First the shape of every item, and an id for every key: a body may
  // refer to a record that comes later in the list (a person who gave the
  // interview that the person's record cites).
  std::vector<const TypeSpec*> specs;
  std::vector<std::string> keys;
  std::map<std::string, std::string> ids;    // key -> id
  std::map<std::string, std::string> batch;  // id -> type, of records not written yet
  for (size_t i = 0; i < items.size(); ++i) {
    const std::string path = "records[" + std::to_string(i) + "]";
    const Json& item = items[i];
    if (!item.is_object()) return Status::InvalidArgument("must be an object", path);
    for (const auto& [k, v] : item.items()) {
      if (k != "key" && k != "type" && k != "body") {
        return Status::InvalidArgument("unknown field; give key, type and body", path + "." + k);
      }
    }
    if (!item.contains("type") || !item["type"].is_string()) {
      return Status::InvalidArgument("is required: a record type", path + ".type");
    }
    const TypeSpec* spec = FindType(item["type"].get<std::string>());
    if (!spec) return Status::InvalidArgument("there is no such record type", path + ".type");
    if (!item.contains("body") || !item["body"].is_object()) {
      return Status::InvalidArgument("is required and must be an object", path + ".body");
    }
    std::string key;
    if (item.contains("key")) {
      if (!item["key"].is_string() || item["key"].get<std::string>().empty()) {
        return Status::InvalidArgument("must be a non-empty string", path + ".key");
      }
      key = item["key"].get<std::string>();
      if (ids.count(key)) return Status::InvalidArgument("the key is used twice", path + ".key");
      auto preset = preset_ids.find(key);
      ids[key] = preset == preset_ids.end() ? NewId() : preset->second;
      batch[ids[key]] = spec->name;
    }
    specs.push_back(spec);
    keys.push_back(key);
  }
  KUZOT_ASSIGN_OR_RETURN(auto tx, store_->BeginWrite());
  Json out = Json::array();
  std::vector<std::pair<std::string, std::string>> parents;  // id, parent_id within the batch
  for (size_t i = 0; i < items.size(); ++i) {
    const std::string path = "records[" + std::to_string(i) + "]";
    Json body = items[i]["body"];
    KUZOT_RETURN_IF_ERROR(ResolveKeys(body, ids, path + ".body"));
    const std::string id = keys[i].empty() ? "" : ids[keys[i]];
    batch.erase(id);
    if (!id.empty() && preset_ids.count(keys[i])) {
      // An id chosen by the caller must be new: a write would replace.
      KUZOT_ASSIGN_OR_RETURN(auto existing, tx->Get(id));
      if (existing) return Status::Conflict("the id " + id + " is taken", path + ".key");
    }
    auto record = WriteIn(*tx, caller, *specs[i], id, body, true, batch);
    if (!record.ok()) return record.status().WithFieldPrefix(path + ".body");
    Json written = Json::parse(record->body);
    if (written.contains("parent_id") && written["parent_id"].is_string()) {
      parents.emplace_back(record->id, written["parent_id"].get<std::string>());
    }
    written["id"] = record->id;
    Json entry = {{"id", record->id},
                  {"type", specs[i]->name},
                  {"title", DisplayTitle(specs[i]->name, written)},
                  {"confidentiality", record->confidentiality}};
    if (!keys[i].empty()) entry["key"] = keys[i];
    out.push_back(std::move(entry));
  }
  // Parents named by key were not written when their children were: look
  // for a cycle now that all are.
  std::map<std::string, std::string> parent_of(parents.begin(), parents.end());
  for (const auto& [start, first] : parents) {
    std::string cursor = first;
    for (size_t depth = 0; depth <= parent_of.size() && !cursor.empty(); ++depth) {
      if (cursor == start) {
        return Status::InvalidArgument("would make the record its own ancestor",
                                       "records.parent_id");
      }
      auto next = parent_of.find(cursor);
      cursor = next == parent_of.end() ? "" : next->second;
    }
  }
  KUZOT_RETURN_IF_ERROR(tx->Commit());
  return Json{{"records", std::move(out)}};
}

}  // namespace kuzot::records
