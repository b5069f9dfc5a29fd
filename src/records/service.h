// The records service: create, read, update, delete (soft), list, history,
// links, search and vocabularies for every record type, and whole-database
// bundles. Every call is one transaction: it is all written or nothing is.
//
// Records travel as JSON objects: the envelope (id, type, revision,
// created_at/by, updated_at/by, deleted) plus the type's fields as in
// records/schema.h. Errors are Status values naming the field at fault.
//
// Thread safety: one RecordService serves all threads.
#pragma once

#include <functional>
#include <iosfwd>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/caller.h"
#include "common/status.h"
#include "crypto/crypto.h"
#include "records/schema.h"
#include "storage/store.h"

namespace kuzot::records {

using Json = nlohmann::ordered_json;

// Who is asking: recorded as created_by/updated_by in revisions, and
// what they may see (see common/caller.h).
using Caller = ::kuzot::Caller;

struct ListParams {
  // Query parameters as given: "field=value" for filterable fields,
  // "field_from"/"field_to" for date and number ranges.
  std::vector<std::pair<std::string, std::string>> filters;
  std::string sort;  // "field" ascending, "-field" descending; empty: oldest first
  int limit = 50;    // 1..500
  std::string cursor;
  bool include_deleted = false;
  bool with_total = false;
};

// Called during long work with (done, total); total may be 0 when unknown.
using Progress = std::function<void(int64_t done, int64_t total)>;

// How a database is opened.
struct OpenOptions {
  // Seals sensitive fields and secret records at rest with this keyring
  // (see doc/security.md, "Encryption at rest"). The first open with a
  // keyring binds the database to it, encrypting what was stored before.
  // Without one everything is stored in the clear (tests of other
  // modules), and a database bound to a keyring is refused.
  std::shared_ptr<const crypto::Keyring> keyring;
};

// What Reencrypt did.
struct ReencryptReport {
  uint32_t from_generation = 0;
  uint32_t to_generation = 0;
  int64_t bodies = 0;   // stored bodies (records and revisions) rewritten
  int64_t records = 0;  // records whose references and blind terms were re-keyed
  int64_t audit_entries = 0;
};

struct ImportReport {
  int64_t records = 0;
  int64_t revisions = 0;
  int64_t skipped = 0;  // ids already in the database
  int64_t vocabulary_terms = 0;
};

class RecordCodec;  // sealing.h

// Lets another module take part in the writes and reads of one record type
// (the evidence module keeps its chain of custody this way).
struct TypeHooks {
  // Runs inside every write's transaction (op "create", "update", "delete",
  // "restore") before the record is stored; may change `after.body`. An
  // error aborts the write. `before` is empty on create.
  std::function<Status(storage::Transaction& tx, const Caller& caller,
                       const std::optional<storage::StoredRecord>& before,
                       storage::StoredRecord& after, std::string_view op)>
      on_write;
  // Runs after a successful Get of a record of the type.
  std::function<Status(const Caller& caller, const storage::StoredRecord& record)> on_read;
};

class AuditGroup;

class RecordService {
 public:
  // Opens (creating when missing) the database file at `path` with the
  // search tokenizer, and seeds missing vocabulary terms.
  static Result<std::unique_ptr<RecordService>> Open(const std::string& path);
  static Result<std::unique_ptr<RecordService>> Open(const std::string& path,
                                                     const OpenOptions& options);
  ~RecordService();

  // Re-encrypts every sealed body, blind reference and blind term under
  // `generation` of the keyring (added with Keyring::AddGeneration), and
  // re-keys the audit chain after checking it, all in one transaction;
  // then rewrites the file so that nothing sealed under the old key stays
  // in it. Conflict when the audit chain is broken (nothing is changed).
  // Run it alone (kuzot rekey): not while serving.
  Result<ReencryptReport> Reencrypt(uint32_t generation, const Caller& caller);
  // The key generation the database uses; 0 without a keyring.
  uint32_t key_generation() const;

  Result<Json> Create(const Caller& caller, std::string_view type, const Json& body);
  // Create for a module that computed the server-set fields itself
  // (FieldSpec::Writer::kServer); Create refuses them from clients.
  Result<Json> CreateTrusted(const Caller& caller, std::string_view type, const Json& body);
  // Checks `body` as CreateTrusted would (fields, vocabularies, references,
  // confidentiality) without writing anything.
  Status CheckNew(const Caller& caller, std::string_view type, const Json& body);
  // Installs hooks for `type`; call before serving (not synchronised).
  void SetTypeHooks(const std::string& type, TypeHooks hooks);
  // NotFound when there is no such record of that type; deleted records are
  // returned with "deleted": true.
  Result<Json> Get(const Caller& caller, std::string_view type, std::string_view id);
  // Replaces every field (PUT). When `body` carries "revision", it must be
  // the current one (Conflict otherwise): no lost updates.
  Result<Json> Replace(const Caller& caller, std::string_view type, std::string_view id,
                       const Json& body);
  // Applies a JSON merge patch (RFC 7386) to the fields (PATCH).
  Result<Json> Patch(const Caller& caller, std::string_view type, std::string_view id,
                     const Json& patch);
  Result<Json> Delete(const Caller& caller, std::string_view type, std::string_view id);
  Result<Json> Restore(const Caller& caller, std::string_view type, std::string_view id);
  // {"items": [...], "next_cursor": "..."|null, "total": n (when asked)}
  Result<Json> List(const Caller& caller, std::string_view type, const ListParams& params);
  // Every revision, oldest first, with the fields each one changed.
  Result<Json> History(const Caller& caller, std::string_view type, std::string_view id);
  // {"references": [...], "referenced_by": [...]}, each with id, type, field, title.
  Result<Json> Links(const Caller& caller, std::string_view type, std::string_view id);
  // Full-text search over all records (or `types`), across scripts.
  Result<Json> Search(const Caller& caller, std::string_view query,
                      const std::vector<std::string>& types, int limit, int offset);

  Result<Json> Vocabularies();
  Result<Json> Vocabulary(std::string_view name);
  // Creates or changes one term: {"labels": {"en","ru","ky"}, "position", "deprecated"}.
  Result<Json> PutVocabularyTerm(const Caller& caller, std::string_view vocabulary,
                                 std::string_view code, const Json& body);

  // Writes the whole database (records, their full history, vocabularies)
  // as one JSON document.
  Status ExportBundle(std::ostream& out, const Progress& progress = nullptr);
  // Logs in the audit log that the database was exported (`detail`: how
  // and where): the command line calls it after writing an export.
  Status AuditExport(const Caller& caller, const Json& detail);
  // Reads a bundle written by ExportBundle, or a hand-written one whose
  // records carry "key" instead of "id" and refer to each other as "@key".
  // All or nothing: on any error nothing is imported.
  Result<ImportReport> ImportBundle(std::istream& in, const Caller& caller,
                                    const Progress& progress = nullptr);
  // The same from the bundle's text, which is read in one pass without
  // being held as a document (records/bundle_import.cc).
  Result<ImportReport> ImportBundle(std::string_view text, const Caller& caller,
                                    const Progress& progress = nullptr);

  // Number of live records of `type`.
  Result<int64_t> CountRecords(std::string_view type);

  // Changes several existing records in one transaction (records/
  // change_many.cc): `ops` is a list of {"op": "replace", "type", "id",
  // "body"} (a body with "revision" must match the current one), {"op":
  // "delete"|"restore", "type", "id"}. All are written or none; an error
  // names the op as "ops[i]". Answers {"records": [...]} as read after.
  Result<Json> ChangeMany(const Caller& caller, const Json& ops);

  // Creates several new records in one transaction (records/intake.cc):
  // `items` is a list of {"key"?, "type", "body"}; a body refers to any
  // item of the list as "@key" (earlier or later). All are written or none;
  // an error names the field as "records[i].body.<field>". Answers
  // {"records": [{"key", "id", "type", "title"}]} in the order given.
  // `max_records` 0: the interview-sized default (500); the linkage
  // workbench imports whole lists through it. `preset_ids` (key -> id, ids
  // from NewId() not used yet) lets the caller know the ids before the
  // write: the workbench notes them in its own store first, to settle a
  // crash between the two.
  Result<Json> CreateMany(const Caller& caller, const Json& items, size_t max_records = 0,
                          const std::map<std::string, std::string>& preset_ids = {});

  // What the web application's dashboard shows (records/overview.cc), all
  // limited to what `caller` may see: {"counts": {type: n}, "victims": n
  // (distinct persons who are the victim of an act), "acts_by_type":
  // {code: n}, "recent": [{"id", "type", "title", "revision", "op", "at",
  // "by", "confidentiality", "deleted"}], "claim_events": [{"id", "title",
  // "claims"}] (events that claims are about, most claims first)}.
  Result<Json> Overview(const Caller& caller, int recent_limit);
  // An event's claims side by side with what is documented for it and the
  // events under it: {"event": {...}, "claims": [{..., "source": {"id",
  // "title", "kind", "date"}}], "documented": {"acts": n, "victims": n,
  // "acts_by_type": {code: n}, "victims_by_act_type": {code: n},
  // "objects": {kind: n}}}. NotFound like Get.
  Result<Json> EventFigures(const Caller& caller, std::string_view event_id);
  // Display titles of the records among `ids` that `caller` may see:
  // {"items": [{"id", "type", "title", "confidentiality", "deleted"}]};
  // the others are left out, as if they did not exist.
  Result<Json> Titles(const Caller& caller, const std::vector<std::string>& ids);
  // Places with coordinates and the events and acts there, for a map:
  // {"places": [{"id", "name", "level", "latitude", "longitude", "events":
  // n, "acts": n, "items": [{"id", "type", "title", "confidentiality"}]}]}
  // (at most `per_place` items each). A place without coordinates lends
  // its records to its nearest ancestor that has them.
  Result<Json> MapPoints(const Caller& caller, int per_place);

  // Merges of records (records/merge.cc), for the linkage workbench.
  struct MergeSpec {
    std::string merge_id;  // chosen by the caller; the audit entry's target is "merge/<id>"
    std::string type;      // of the survivor and of the absorbed records
    std::string survivor_id;
    Json survivor_body;  // the survivor's fields after the merge, with its current "revision"
    std::vector<std::string> absorbed_ids;
  };
  // In one transaction: writes the survivor's body; points every reference
  // that a live record of any type and level makes to an absorbed record at
  // the survivor instead (a list of references that names both keeps the
  // survivor once), as the caller but whatever the caller may see, since a
  // reference left to a merged record would be lost to those who may; turns
  // the absorbed records into tombstones (deleted, "merged_into": the
  // survivor) so that old links resolve; appends "record.merge" with all of
  // it (ids and paths only) to the audit log. Answers that entry's detail:
  // {"merge_id", "type", "survivor": {"id", "revision_before",
  // "revision_after"}, "absorbed": [{"id", "revision"}], "repointed":
  // [{"id", "type", "path", "from", "change": "replaced"|"removed",
  // "confidentiality", "sensitive", "revision"}]}. Conflict naming the
  // record when a referring record cannot be changed; then nothing is.
  Result<Json> MergeRecords(const Caller& caller, const MergeSpec& spec);
  // Undoes MergeRecords in one transaction: `merge` is what it answered,
  // `survivor_body` the survivor's fields to go back to (with its current
  // "revision"). Restores the absorbed records (no longer tombstones) and
  // points each repointed reference back when it still names the survivor;
  // one changed since keeps its change and is listed under "skipped".
  // Appends "record.unmerge". Answers {"merge_id", "survivor", "restored",
  // "pointed_back", "skipped"}.
  Result<Json> UnmergeRecords(const Caller& caller, const Json& merge, const Json& survivor_body);
  // The audit detail of merge `merge_id` (or of its undoing), with "at" and
  // "by", when that transaction committed; nullopt when it did not. How the
  // workbench, whose own store is another file, recovers after a crash.
  Result<std::optional<Json>> MergeOutcome(std::string_view merge_id, bool undo);

  // Writes made inside one transaction (see InOneTransaction). Each call
  // checks what the same call of the service checks.
  class Batch {
   public:
    Result<Json> Create(std::string_view type, const Json& body);
    Result<Json> Patch(std::string_view type, std::string_view id, const Json& patch);
    // The server's own change (an action such as sending a submission): may
    // set the fields marked FieldSpec::Writer::kServer.
    Result<Json> PatchAsServer(std::string_view type, std::string_view id, const Json& patch);
    // Reads a record as the batch's caller sees it, inside the transaction.
    Result<Json> Get(std::string_view type, std::string_view id);
    // The stored record of any type as it is (sensitive fields included),
    // when the caller may see it; NotFound otherwise.
    Result<storage::StoredRecord> GetStored(std::string_view id);

   private:
    friend class RecordService;
    Batch(RecordService& service, storage::Transaction& tx, const Caller& caller)
        : service_(service), tx_(tx), caller_(caller) {}
    RecordService& service_;
    storage::Transaction& tx_;
    const Caller& caller_;
    bool compact_ = false;  // a record became secret: compact after commit
  };
  // Runs `fn`, whose writes are one transaction: when it fails, none of
  // them is kept. Returns what `fn` returns.
  Result<Json> InOneTransaction(const Caller& caller,
                                const std::function<Result<Json>(Batch&)>& fn);

  storage::Store& store() { return *store_; }

 private:
  class Importer;  // one bundle import (records/bundle_import.cc)
  RecordService(std::unique_ptr<storage::Store> store, std::shared_ptr<RecordCodec> codec);
  Status LoadVocabularies();
  bool KnownCode(const std::string& vocabulary, const std::string& code);
  Result<Json> Write(const Caller& caller, const TypeSpec& type, std::string_view id,
                     const Json& body, bool create, bool trusted = false);
  // Refuses client values of server-set fields; on updates, keeps the stored ones.
  const TypeHooks* HooksFor(const std::string& type) const;
  // Overview helpers (records/overview.cc): a reference filter that also
  // matches the blind form of `id`; the distinct victims of acts at `levels`.
  storage::Filter RefFilter(const std::string& field, const std::string& id) const;
  Result<int64_t> CountVictims(storage::Transaction& tx, const Caller& caller,
                               const std::vector<std::string>& levels);

  // Write's work inside the caller's transaction; the caller commits. A
  // create with a non-empty `id` uses it. References to ids in `batch`
  // (id -> type: records the transaction writes later) are taken as valid.
  // `became_secret` (when given) tells whether an update made the record
  // secret: the caller then compacts the store after committing.
  // `by_server` marks the server's own writes (an upload, an action), which
  // may set the fields marked FieldSpec::Writer::kServer.
  Result<storage::StoredRecord> WriteIn(storage::Transaction& tx, const Caller& caller,
                                        const TypeSpec& type, std::string_view id, const Json& body,
                                        bool create,
                                        const std::map<std::string, std::string>& batch,
                                        bool* became_secret = nullptr, bool by_server = false);
  // A JSON merge patch inside `tx` (no commit); sets *compact when the
  // record became secret. `by_server`: the server's own action.
  Result<Json> PatchIn(storage::Transaction& tx, const Caller& caller, const TypeSpec& type,
                       std::string_view id, const Json& patch, bool by_server, bool* compact);
  Result<Json> SetDeleted(const Caller& caller, const TypeSpec& spec, std::string_view id,
                          bool deleted);
  // SetDeleted's work inside the caller's transaction; the caller commits.
  Result<storage::StoredRecord> SetDeletedIn(storage::Transaction& tx, const Caller& caller,
                                             const TypeSpec& spec, std::string_view id,
                                             bool deleted, const std::string& merged_into = "");

  // Binds the store to the codec's keyring on open (encrypting a database
  // written before encryption); service_keys.cc.
  Status BindKeyring();
  // Re-puts every record that has blind forms (secret, or with sensitive
  // values or references) under the codec's current generation.
  Result<int64_t> ReindexSealed(storage::Transaction& tx);
  // Appends record.read entries for the restricted and secret records in
  // `shown` (one transaction for all of them).
  Status AuditReads(const Caller& caller, const std::vector<const storage::StoredRecord*>& shown,
                    const char* via);

  std::unique_ptr<storage::Store> store_;
  std::shared_ptr<RecordCodec> codec_;  // null without a keyring
  std::mutex vocab_mutex_;
  std::map<std::string, std::set<std::string>> vocab_codes_;
  std::map<std::string, TypeHooks> hooks_;
  std::unique_ptr<AuditGroup> audit_group_;  // commits AuditReads' entries in groups
};

// A record's display title ("Batken armed conflict", "Абдыкадырова Айзада").
std::string DisplayTitle(const std::string& type, const Json& record);

}  // namespace kuzot::records
