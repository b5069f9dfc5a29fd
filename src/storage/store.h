// The storage contract: a transactional store of versioned records.
//
// Records are opaque JSON documents with a small typed envelope (id, type,
// revision, confidentiality, who/when, deleted). Every Put also appends a
// revision row (a full snapshot), replaces the record's outgoing references
// and its full-text entry, all inside the caller's transaction: either all of
// it is committed or none. The records module above decides what a record
// means; this module only keeps them. SQL never leaves this module.
//
// Thread safety: a Store is shared by all threads. A Transaction belongs to
// one thread at a time. Any number of read transactions run concurrently
// with at most one write transaction (SQLite WAL).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

struct sqlite3;

namespace kuzot::storage {

struct StoredRecord {
  std::string id;
  std::string type;
  int64_t revision = 0;
  std::string confidentiality = "internal";
  std::string body;  // JSON object text with the record's own fields
  std::string created_at;
  std::string created_by;
  std::string updated_at;
  std::string updated_by;
  bool deleted = false;
  // Not stored: asks the codec to seal the whole body whatever the level
  // (the history of a record that became secret).
  bool seal_whole = false;
};

// One kept version of a record: the envelope and body as they were after
// the change `op` ("create", "update", "delete", "restore").
struct Revision {
  StoredRecord record;
  std::string op;
};

// A reference from a record's field to another record (field "event_id",
// "place_ids", "sources", ...).
struct Reference {
  std::string field;
  std::string target_id;
};

// A record referring to another one, seen from the target.
struct Backlink {
  std::string from_id;
  std::string from_type;
  std::string field;
};

enum class FilterOp { kEq, kGe, kLe, kRef, kContains };

// A filter on a top-level body field (kEq/kGe/kLe compare the JSON value with
// `value` as text; kRef keeps records whose `field` references `value`;
// kContains keeps records whose `field` is a list holding `value`).
// Field names are identifiers [a-z_0-9]+; anything else is refused.
struct Filter {
  std::string field;
  FilterOp op = FilterOp::kEq;
  std::string value;
  bool numeric = false;  // compare as a number, not as text
  // kRef only: the reference may also be stored as one of these (the blind
  // forms of `value`, see BodyCodec).
  std::vector<std::string> alternatives;
  // kRef only: records not sealed whole hold the target's id in the body as
  // the field's value (a single, non-sensitive reference), so that a list
  // index over the body (Store::EnsureListIndex) may serve the filter.
  bool in_body = false;
};

struct ListQuery {
  std::string type;
  std::vector<Filter> filters;
  std::string sort_field;  // empty: by id (= creation order)
  bool descending = false;
  // Keyset cursor: the sort value and id of the last row of the previous page.
  std::optional<std::string> after_value;
  std::optional<std::string> after_id;
  int limit = 50;
  bool include_deleted = false;
  // Only records at these levels; empty: any.
  std::vector<std::string> confidentiality_in;
};

struct SearchQuery {
  std::string match;  // an FTS5 MATCH expression, built by the search module
  std::vector<std::string> types;  // empty: all
  int limit = 20;
  int offset = 0;
  std::vector<std::string> confidentiality_in;  // empty: any
};

// A keyed hash standing for a word or a value that is stored encrypted
// (see doc/security.md, "Searching encrypted data"). `kind` says what it
// indexes, so that a search consults only what the caller may see.
struct BlindTerm {
  std::string term;
  int kind = 0;
};

// A record for Transaction::InsertNew, with what is stored beside it.
struct NewRecord {
  StoredRecord record;  // body as stored (sealed)
  std::vector<Reference> references;
  std::string search_text;
  std::vector<BlindTerm> blind_terms;
};

// Records having, for every entry of `words`, at least one of its terms
// (of one of `kinds`).
struct BlindQuery {
  std::vector<std::vector<std::string>> words;
  std::vector<int> kinds;
  std::vector<std::string> types;               // empty: all
  std::vector<std::string> confidentiality_in;  // empty: any
  int limit = 20;
};

struct SearchHit {
  std::string id;
  std::string type;
  double rank = 0;
  std::string snippet;
};

// One recent change of a record, for overviews: the revision's who, when
// and what, with the record's current type, level, state and body.
struct RecentChange {
  std::string id;
  std::string type;
  int64_t revision = 0;
  std::string op;  // "create", "update", "delete", "restore"
  std::string at;
  std::string by;
  std::string confidentiality;  // the record's current level
  bool deleted = false;         // the record's current state
  std::string body;             // the record's current body
};

struct VocabularyTerm {
  std::string vocabulary;
  std::string code;
  std::string labels;  // JSON object {"en": ..., "ru": ..., "ky": ...}
  int position = 0;
  bool deprecated = false;
};

struct UserRow {
  std::string username;
  std::string display_name;
  std::string role;
  std::string password_hash;  // Argon2id, libsodium's string form
  bool disabled = false;
  int failed_logins = 0;
  int64_t locked_until_ms = 0;
  std::string created_at;
  std::string updated_at;
};

// A login session (kind "session") or an API token (kind "api"). Only the
// hash of the secret is stored.
struct TokenRow {
  std::string token_hash;  // hex SHA-256 of the secret
  std::string kind;
  std::string username;
  std::string csrf_token;  // sessions only
  std::string name;        // API tokens: what it is for
  int64_t created_ms = 0;
  int64_t expires_ms = 0;
  bool revoked = false;
};

// One entry of the append-only, hash-chained audit log.
struct AuditEntry {
  int64_t seq = 0;  // assigned on append
  std::string at;
  std::string actor;
  std::string action;  // "login", "login_failed", "record.create", "record.read", ...
  std::string target;  // "event/01H...", "user/alice", ""
  std::string detail;  // JSON object text
  std::string remote;
  std::string prev_hash;  // assigned on append
  std::string hash;       // assigned on append
};

struct AuditQuery {
  std::string actor;
  std::string action;
  std::string target;
  std::string since;  // ISO time, inclusive
  std::string until;  // ISO time, exclusive
  int64_t after_seq = 0;
  int limit = 100;
};

// The first entry whose chain does not hold, when there is one.
struct AuditVerdict {
  int64_t entries = 0;
  bool intact = true;
  int64_t broken_seq = 0;
  std::string problem;
  std::string last_hash;  // of the last entry, when intact
};

// One stored evidence content (src/evidence): the blob file's name and what
// it must decrypt to. See doc/evidence.md.
struct BlobRow {
  std::string name;    // keyed hash of the content's SHA-256
  std::string sha256;  // of the plaintext, hex
  int64_t size = 0;    // plaintext bytes
  std::string media_type;
  std::string created_at;
  std::string status = "ok";  // the last check's verdict: "ok", "corrupt" or "missing"
  std::string checked_at;
  std::string problem;  // what the last check found wrong
};

// One chain-of-custody entry of one evidence record: who did what with the
// file, when, from where, and the file's hash at that moment. Entries of one
// record form a SHA-256 chain anyone can recompute (doc/evidence.md).
struct CustodyEntry {
  int64_t seq = 0;  // assigned on append, across all records
  std::string evidence_id;
  std::string at;
  std::string actor;
  std::string action;  // "upload", "view", "download", "export", "link", ...
  std::string remote;
  std::string sha256;
  std::string detail;     // JSON object text
  std::string prev_hash;  // assigned on append: the record's previous entry's hash
  std::string hash;       // assigned on append
};

struct CustodyVerdict {
  int64_t entries = 0;
  bool intact = true;
  int64_t broken_seq = 0;
  std::string evidence_id;
  std::string problem;
};

// The hash of a custody entry: SHA-256 over prev_hash, evidence_id, at,
// actor, action, remote, sha256 and detail, each as an 8-byte little-endian
// length and its bytes; lower-case hex.
std::string CustodyHash(const CustodyEntry& entry);
// The statistics projection (sqlite_facts.cc): every revision of an act or
// a person is also kept as one row of typed columns, numbered in the order
// written, so that counts neither parse JSON nor lose history. Views are
// valid only during the callback.
struct ActFact {
  int64_t seq = 0;
  std::string_view id;
  int64_t revision = 0;
  std::string_view valid_from;  // the revision's updated_at
  bool deleted = false;
  std::string_view confidentiality;
  std::string_view type;  // act type code
  std::string_view event_id;
  std::string_view place_id;
  std::string_view date;
  std::string_view victim_id;
  std::string_view perpetrator_organization_id;
  std::string_view perpetrator_person_id;
  bool perpetrator_unknown = false;
  std::string_view object_kind;
  int64_t object_count = 0;  // 0 when not given
};

struct PersonFact {
  int64_t seq = 0;
  std::string_view id;
  int64_t revision = 0;
  std::string_view valid_from;
  bool deleted = false;
  std::string_view confidentiality;
  std::string_view sex;
  std::string_view birth_date;
  int64_t age_at_event = -1;  // -1 when not given
};

struct FactScan {
  int64_t after_seq = 0;  // only rows written after this one
  // When not empty: only versions written at or before this ISO time (the
  // caller keeps each record's highest revision: its state at that time).
  std::string valid_at;
};

// The last fact row of each kind: any write of an act or a person raises it.
struct FactMarks {
  int64_t acts = 0;
  int64_t persons = 0;
};

// Turns a record's body into what is stored, and back: encryption at rest.
// Implemented above storage (the records module seals sensitive fields and
// secret records with the keyring); the store calls Seal on every record
// and revision it writes and Open on every one it reads, so that nothing
// above sees a sealed body and nothing below sees a plaintext one.
// Implementations must be thread-safe.
class BodyCodec {
 public:
  virtual ~BodyCodec() = default;
  // What to store for `record`, whose body is plaintext JSON.
  virtual Result<std::string> Seal(const StoredRecord& record) const = 0;
  // The plaintext body of `stored`, whose body is what Seal returned (or a
  // body stored before encryption, returned unchanged).
  virtual Result<std::string> Open(const StoredRecord& stored) const = 0;
  // Whether Seal hides the whole body of records at `confidentiality`
  // (secret records): then SQL cannot read their fields directly.
  virtual bool SealsWholeBody(std::string_view confidentiality) const = 0;
  // Whether a stored body was sealed whole.
  virtual bool IsWholeSealed(std::string_view stored_body) const = 0;
};

class Transaction {
 public:
  virtual ~Transaction() = default;  // rolls back unless committed

  virtual Result<std::optional<StoredRecord>> Get(std::string_view id) = 0;
  // Inserts or replaces the record (by id), appends its revision with `op`
  // (none when `op` is empty: an import adds the history itself), and
  // replaces its references and its search text.
  virtual Status Put(const StoredRecord& record, std::string_view op,
                     const std::vector<Reference>& references, std::string_view search_text) = 0;
  virtual Result<std::vector<StoredRecord>> List(const ListQuery& query) = 0;
  // Number of records matching the query's type and filters (sort/cursor ignored).
  virtual Result<int64_t> Count(const ListQuery& query) = 0;
  virtual Result<std::vector<Revision>> History(std::string_view id) = 0;
  // The record as it stood at `at` (ISO time), from its revisions; nullopt
  // when it did not exist yet.
  virtual Result<std::optional<StoredRecord>> AsOf(std::string_view id, std::string_view at) = 0;
  virtual Result<std::vector<Backlink>> ReferencesTo(std::string_view id, bool include_deleted) = 0;
  // The references the record makes, as stored by its last Put.
  virtual Result<std::vector<Reference>> ReferencesFrom(std::string_view id) = 0;
  // Ids among `ids` that exist as records of one of `types` and are not deleted.
  virtual Result<std::vector<std::string>> ExistingIds(const std::vector<std::string>& ids,
                                                       const std::vector<std::string>& types) = 0;
  virtual Result<std::vector<SearchHit>> Search(const SearchQuery& query) = 0;
  // Bulk loading: while on, secondary indexes and the full-text index are
  // not maintained row by row; turning it off rebuilds them (sorting once is
  // far cheaper than a million random inserts). Write transactions only.
  virtual Status SetBulkMode(bool on) = 0;
  // A reference whose target record does not exist, if there is one.
  virtual Result<std::optional<Backlink>> FindDanglingReference(std::string* target_id) = 0;
  // Iterates over every record (deleted too) in id order, for export.
  virtual Status ForEachRecord(const std::function<Status(const StoredRecord&)>& fn) = 0;
  virtual Status ForEachRevision(const std::function<Status(const Revision&)>& fn) = 0;
  // Appends a revision row as is (import of a bundle keeps history exactly).
  virtual Status PutRevision(const Revision& revision) = 0;
  // The highest record sequence number so far (0 for none): records Put
  // after this call in this write transaction have higher ones.
  virtual Result<int64_t> LastRecordSeq() = 0;
  // Appends a "create" revision (and its statistics row) for each record
  // inserted after `after_seq`, as it is stored now: an import that learns
  // only at the end of its bundle that the bundle carries no history Puts
  // its records without an op, then adds their revisions in one pass.
  virtual Status AddCreateRevisions(int64_t after_seq) = 0;
  // The type of record `id` if it was inserted after `after_seq` (by this
  // import), nullopt otherwise.
  virtual Result<std::optional<std::string>> TypeOfNewRecord(std::string_view id,
                                                             int64_t after_seq) = 0;

  virtual Result<std::vector<VocabularyTerm>> Vocabulary(std::string_view vocabulary) = 0;
  virtual Result<std::vector<std::string>> VocabularyNames() = 0;
  virtual Status PutVocabularyTerm(const VocabularyTerm& term) = 0;

  // Accounts, sessions and tokens.
  virtual Result<std::optional<UserRow>> GetUser(std::string_view username) = 0;
  virtual Status PutUser(const UserRow& user) = 0;
  virtual Result<std::vector<UserRow>> ListUsers() = 0;
  virtual Result<std::optional<TokenRow>> GetToken(std::string_view token_hash) = 0;
  virtual Status PutToken(const TokenRow& token) = 0;
  virtual Result<std::vector<TokenRow>> ListTokens(std::string_view username,
                                                   std::string_view kind) = 0;
  // Drops sessions that expired before `now_ms`.
  virtual Status DeleteExpiredSessions(int64_t now_ms) = 0;

  // Appends to the audit log, chaining the entry to the previous one with
  // the store's audit key; fills seq, prev_hash and hash.
  virtual Status AppendAudit(AuditEntry& entry) = 0;
  virtual Result<std::vector<AuditEntry>> ListAudit(const AuditQuery& query) = 0;
  // Recomputes the whole chain.
  virtual Result<AuditVerdict> VerifyAudit() = 0;

  // Evidence files (src/evidence).
  virtual Result<std::optional<BlobRow>> GetBlob(std::string_view name) = 0;
  // Inserts or replaces by name.
  virtual Status PutBlob(const BlobRow& blob) = 0;
  virtual Status ForEachBlob(const std::function<Status(const BlobRow&)>& fn) = 0;
  // Appends to the record's custody chain; fills seq, prev_hash and hash.
  virtual Status AppendCustody(CustodyEntry& entry) = 0;
  virtual Result<std::vector<CustodyEntry>> ListCustody(std::string_view evidence_id) = 0;
  // Recomputes every record's chain; the first broken entry when any.
  virtual Result<CustodyVerdict> VerifyCustody() = 0;
  // The statistics projection, in the order written (see ActFact).
  virtual Status ScanActFacts(const FactScan& scan,
                              const std::function<Status(const ActFact&)>& fn) = 0;
  virtual Status ScanPersonFacts(const FactScan& scan,
                                 const std::function<Status(const PersonFact&)>& fn) = 0;
  virtual Result<FactMarks> LastFacts() = 0;
  // Adds records that are not stored yet, in order, each with its
  // references, search text and blind terms but no revision (an import
  // adds the history itself). Their bodies are stored as given: the caller
  // seals them first with the store's codec (an import does so on another
  // thread). added[i] is false, and nothing of records[i] written, when a
  // record of its id is stored (or comes earlier in `records`). Many at
  // once: one statement writes a few dozen rows, where a statement per row
  // paid for opening every index of the table each time.
  virtual Result<std::vector<bool>> InsertNew(const std::vector<NewRecord>& records) = 0;
  // Blind terms of a record (replacing those it had).
  virtual Status PutBlindTerms(std::string_view id, const std::vector<BlindTerm>& terms) = 0;
  // Live records matching a blind query, ordered by id.
  virtual Result<std::vector<SearchHit>> BlindSearch(const BlindQuery& query) = 0;

  // Small named values of the database itself (the keyring it belongs to,
  // the key generation in use).
  virtual Result<std::optional<std::string>> GetMeta(std::string_view key) = 0;
  virtual Status SetMeta(std::string_view key, std::string_view value) = 0;
  // Rewrites the stored body of every record and revision through the
  // codec (Open, then Seal), when that changes it: after a new key
  // generation, or to encrypt a database written before encryption.
  // Returns how many rows were rewritten.
  virtual Result<int64_t> ResealBodies() = 0;
  // Rewrites every revision of record `id` sealed whole (seal_whole): when
  // a record becomes secret, its past is hidden as well as its present.
  virtual Status ResealHistory(std::string_view id) = 0;
  // Recomputes every hash of the audit log's chain under `key`. Call only
  // after VerifyAudit found it intact under the current key.
  virtual Status RechainAudit(const std::string& key) = 0;
  // Merges the full-text index into one segment, so that the text of
  // entries deleted from it is gone from the file too.
  virtual Status OptimizeSearchIndex() = 0;

  // Overviews (the web application's dashboard).
  // The `limit` latest revisions, newest first, of records whose current
  // level and whose level at that revision are both in `confidentiality_in`.
  virtual Result<std::vector<RecentChange>> RecentChanges(
      int limit, const std::vector<std::string>& confidentiality_in) = 0;
  // How many distinct records the records matching `query` refer to through
  // `field`, counting only live targets at a level in `target_levels`.
  // References stored in blind form (from secret records) are not counted:
  // the caller adds those from the opened bodies.
  virtual Result<int64_t> CountDistinctReferenced(
      const ListQuery& query, std::string_view field,
      const std::vector<std::string>& target_levels) = 0;

  virtual Status Commit() = 0;
};

struct StoreOptions {
  std::string path;  // SQLite database file; created when missing
  int readers = 10;  // pooled read connections: one per server thread and a few more
  // Called on every new connection before use (registers the FTS5
  // tokenizer of the search module).
  std::function<Status(sqlite3*)> on_connection;
  // The tokenizer spec for the full-text table, e.g. "kuzot".
  std::string fts_tokenizer = "unicode61 remove_diacritics 2";
  // Key of the audit log's hash chain (BLAKE2b keyed); without it anyone
  // who can write the file could rebuild the chain after an edit.
  std::string audit_key;
  // Seals bodies at rest; none: bodies are stored as given.
  std::shared_ptr<const BodyCodec> codec;
  // Bulk mode: references inserted at their place before the rest are held
  // and inserted sorted later (SettleRefs in sqlite_bulk.cc). While refs is
  // small its pages stay in the cache and a random insert is cheap: holding
  // all 300,000 of a 201,200-record import made it 0.25 s slower. Tests set
  // it low.
  size_t bulk_refs_in_place = 1000000;
};

class Store {
 public:
  // Opens (creating and migrating when needed) the store at options.path.
  static Result<std::unique_ptr<Store>> Open(const StoreOptions& options);
  virtual ~Store() = default;

  virtual Result<std::unique_ptr<Transaction>> BeginRead() = 0;
  // Waits for the single writer slot (up to a few seconds, then Unavailable).
  virtual Result<std::unique_ptr<Transaction>> BeginWrite() = 0;
  // Like BeginWrite, for transactions that only append audit entries of
  // reads (records/audit_group.h): the commit is written to the
  // write-ahead log without waiting for the disk (synchronous=NORMAL). It
  // survives the process being killed (the OS holds it) and reaches the
  // disk with the next BeginWrite commit, checkpoint or Sync(); only a
  // power cut before then can lose it, and then only from the end of the
  // log (the hash chain stays whole). Never use it for records.
  virtual Result<std::unique_ptr<Transaction>> BeginLogWrite() = 0;
  // Forces what BeginLogWrite committed to the disk (a passive checkpoint,
  // which first syncs the write-ahead log), without waiting for writers.
  virtual Status Sync() = 0;
  // A write transaction for loading many new rows (kuzot import): as safe
  // as BeginWrite (all or nothing, also across kill -9), but when no other
  // connection has the database open it runs under a rollback journal
  // instead of the write-ahead log, which keeps only the pages the database
  // had before: rows appended to a new or small database are written once,
  // not to the log and then again into the file. The log is back on when
  // the transaction ends.
  virtual Result<std::unique_ptr<Transaction>> BeginBulkWrite() { return BeginWrite(); }
  // Creates, if missing, an index serving kEq filters and sorting on
  // `field` of records of `type`.
  virtual Status EnsureFieldIndex(std::string_view type, std::string_view field) = 0;
  // Creates, if missing, one index over `fields` of records of `type`, in
  // that order, then id: a list filtered by equality on a prefix of them
  // and sorted by the next one reads only the page's rows. The first field
  // is a reference (Filter::in_body) or a field EnsureFieldIndex accepts.
  virtual Status EnsureListIndex(std::string_view type, const std::vector<std::string>& fields) = 0;
  virtual const std::string& path() const = 0;
  // Replaces the audit chain's key (once the keyring is known). Not
  // thread-safe: call before serving.
  virtual void SetAuditKey(std::string key) = 0;
  // Empties the write-ahead log into the database and truncates it, and
  // with `vacuum` also rewrites the file without free pages, so that no
  // deleted content lingers in either. Waits for the writer.
  virtual Status Compact(bool vacuum) = 0;
};

// The meta values of the database file at `path`, read without changing
// anything (no lock, no journal, nothing created): NotFound when there is no
// file there, another error when it cannot be read as a Kuzot database.
Result<std::map<std::string, std::string>> ReadMetaOnly(const std::string& path);

}  // namespace kuzot::storage
