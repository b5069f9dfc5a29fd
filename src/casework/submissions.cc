// Submissions: sending freezes what the package contained.
//
// A record's revisions are never changed once written, so the package is
// frozen as the list of (record, revision) it contained when it was sent;
// the SHA-256 over those revisions (doc/casework.md gives the exact bytes)
// shows later that the package is still what was sent.
#include <sodium.h>

#include "casework/util.h"
#include "common/clock.h"
#include "common/fuzzy_date.h"

namespace kuzot::casework {
namespace {

// The bytes the package hash covers: per item, in order, its id, type,
// revision, confidentiality and body as stored, each ended by a newline.
void AppendCanonical(std::string& out, const storage::StoredRecord& r) {
  out += r.id + "\n" + r.type + "\n" + std::to_string(r.revision) + "\n" + r.confidentiality +
         "\n" + r.body + "\n";
}

std::string Sha256Hex(const std::string& data) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  char hex[2 * crypto_hash_sha256_BYTES + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

// Freezes the submission `s` inside `batch`.
Result<Json> Freeze(records::RecordService::Batch& batch, const Caller& caller, const Json& s,
                    const Json& body) {
  std::string id = s["id"].get<std::string>();
  if (Has(s, "sent")) {
    return Status::Conflict("the submission was sent already (" + Str(s["sent"], "at") + ")");
  }
  const Json& included = s.value("included_record_ids", Json::array());
  if (included.empty()) {
    return Status::InvalidArgument("the package is empty: add the records to send",
                                   "included_record_ids");
  }
  Json items = Json::array();
  std::string canonical;
  for (const Json& ref : included) {
    auto stored = batch.GetStored(ref.get<std::string>());
    if (!stored.ok()) {
      return Status::InvalidArgument(
          "refers to '" + ref.get<std::string>() + "', which does not exist",
          "included_record_ids");
    }
    AppendCanonical(canonical, stored.value());
    items.push_back(
        {{"record_id", stored->id}, {"type", stored->type}, {"revision", stored->revision}});
  }
  bool after_the_fact = Str(s, "status") != "draft";
  Json sent = {{"at", NowIso8601()}, {"by", caller.user}, {"sha256", Sha256Hex(canonical)}};
  if (after_the_fact) sent["recorded_after_sending"] = true;
  sent["items"] = items;
  Json patch = {{"sent", sent}};
  if (!after_the_fact) patch["status"] = "sent";
  if (body.contains("date_sent")) {
    patch["date_sent"] = body["date_sent"];
  } else if (!Has(s, "date_sent")) {
    patch["date_sent"] = Today();
  }
  for (const char* field : {"channel", "reference_number", "revision"}) {
    if (body.contains(field)) patch[field] = body[field];
  }
  return batch.PatchAsServer("submission", id, patch);
}

}  // namespace

Result<Json> CaseworkService::SendSubmission(const Caller& caller, std::string_view id,
                                             const Json& body) {
  if (!body.is_object()) return Status::InvalidArgument("the body must be a JSON object");
  for (const auto& [key, value] : body.items()) {
    if (key != "date_sent" && key != "channel" && key != "reference_number" && key != "revision") {
      return Status::InvalidArgument(
          "unknown field (date_sent, channel, reference_number, revision)", key);
    }
  }
  return records_.InOneTransaction(caller,
                                   [&](records::RecordService::Batch& batch) -> Result<Json> {
                                     KUZOT_ASSIGN_OR_RETURN(Json s, batch.Get("submission", id));
                                     if (s.value("deleted", false))
                                       return Status::Conflict("the submission is deleted");
                                     return Freeze(batch, caller, s, body);
                                   });
}

Result<int> CaseworkService::FreezeRecordedSubmissions(const Caller& caller) {
  std::vector<std::string> ids;
  KUZOT_RETURN_IF_ERROR(ForEachRecord(records_, caller, "submission", {}, [&](const Json& s) {
    if (!Has(s, "sent") && Str(s, "status") != "draft" && Has(s, "included_record_ids")) {
      ids.push_back(s["id"].get<std::string>());
    }
    return Status::Ok();
  }));
  for (const auto& id : ids) {
    KUZOT_RETURN_IF_ERROR(
        records_
            .InOneTransaction(caller,
                              [&](records::RecordService::Batch& batch) -> Result<Json> {
                                KUZOT_ASSIGN_OR_RETURN(Json s, batch.Get("submission", id));
                                return Freeze(batch, caller, s, Json::object());
                              })
            .status());
  }
  return static_cast<int>(ids.size());
}

Result<Json> CaseworkService::SubmissionPackage(const Caller& caller, std::string_view id) {
  KUZOT_ASSIGN_OR_RETURN(Json s, records_.Get(caller, "submission", id));
  if (!Has(s, "sent")) {
    return Status::Conflict("the submission has not been sent: its package is not frozen yet");
  }
  const Json& sent = s["sent"];
  KUZOT_ASSIGN_OR_RETURN(auto tx, records_.store().BeginRead());
  Json items = Json::array();
  std::string canonical;
  bool complete = true;
  for (const Json& item : sent.value("items", Json::array())) {
    std::string record_id = Str(item, "record_id");
    int64_t revision = item.value("revision", int64_t{0});
    KUZOT_ASSIGN_OR_RETURN(auto history, tx->History(record_id));
    const storage::Revision* pinned = nullptr;
    for (const auto& rev : history) {
      if (rev.record.revision == revision) pinned = &rev;
    }
    Json out = {{"record_id", record_id}, {"type", item["type"]}, {"revision", revision}};
    if (!pinned) {
      complete = false;
      out["missing"] = true;
      items.push_back(std::move(out));
      continue;
    }
    AppendCanonical(canonical, pinned->record);
    out["current_revision"] = history.back().record.revision;
    out["changed_since"] = history.back().record.revision != revision;
    if (!caller.MaySee(pinned->record.confidentiality) ||
        !caller.MaySee(history.back().record.confidentiality)) {
      // Who may not open the record (as it was sent, or as it is now: its
      // past is hidden with its present) learns only that it was there.
      out["hidden"] = true;
      items.push_back(std::move(out));
      continue;
    }
    Json record = Json::parse(pinned->record.body, nullptr, false);
    if (!caller.sees_sensitive) {
      const records::TypeSpec* spec = records::FindType(pinned->record.type);
      for (const auto& f : spec ? spec->fields : std::vector<records::FieldSpec>{}) {
        if (f.sensitive) record.erase(f.name);
      }
    }
    out["title"] = records::DisplayTitle(pinned->record.type, record);
    out["confidentiality"] = pinned->record.confidentiality;
    out["record"] = record;
    items.push_back(std::move(out));
  }
  std::string recomputed = Sha256Hex(canonical);
  return Json{{"submission_id", s["id"]},
              {"title", s["title"]},
              {"recipient_organization_id", s["recipient_organization_id"]},
              {"date_sent", s.value("date_sent", Json())},
              {"sent_at", sent["at"]},
              {"sent_by", sent["by"]},
              {"sha256", sent["sha256"]},
              {"intact", complete && recomputed == Str(sent, "sha256")},
              {"items", items}};
}

}  // namespace kuzot::casework
