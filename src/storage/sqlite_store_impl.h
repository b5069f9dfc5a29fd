// The SQLite store's classes, private to the storage module: the store
// (sqlite_store.cc), its transactions' record operations (sqlite_store.cc)
// and their account and audit operations (sqlite_accounts.cc).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

#include "storage/sqlite_util.h"
#include "storage/store.h"

namespace kuzot::storage {

using Binds = std::vector<std::variant<std::string, double>>;

// References an import adds in bulk mode, held until they are inserted in
// the order of refs' key (see SqliteTransaction::SettleRefs). Their text is
// kept in fixed blocks, so that growing never copies what is held.
class StagedRefs {
 public:
  struct Row {
    // The first 16 bytes of to_id, big-endian, zero-padded: most
    // comparisons of the sort end here instead of reading `text` (scattered
    // over hundreds of MB, a cache miss each).
    uint64_t to_prefix[2];
    const char* text;  // from_id, field, to_id one after the other
    uint16_t from_size, field_size, to_size;
    std::string_view from() const { return {text, from_size}; }
    std::string_view field() const { return {text + from_size, field_size}; }
    std::string_view to() const { return {text + from_size + field_size, to_size}; }
  };
  // Whether a row can hold these (each under 64 KiB; others are inserted at once).
  static bool Fits(std::string_view from, std::string_view field, std::string_view to) {
    return from.size() <= UINT16_MAX && field.size() <= UINT16_MAX && to.size() <= UINT16_MAX;
  }
  void Add(std::string_view from, std::string_view field, std::string_view to);
  // The rows sorted by (to, field, from), as SQLite's BINARY collation orders them.
  std::vector<Row>& Sorted();
  bool empty() const { return rows_.empty(); }
  void Clear();

 private:
  static constexpr size_t kBlock = 1 << 20;
  std::vector<std::unique_ptr<char[]>> blocks_;
  size_t used_ = kBlock;  // of the last block
  std::vector<Row> rows_;
};

// Registers kuzot_body(id, type, confidentiality, body) on `db`: the
// plaintext body of a stored row, opened by `codec` (sqlite_sealed.cc).
Status RegisterBodyFunction(sqlite3* db, const BodyCodec* codec);

// Binds `binds` to the statement's parameters 1, 2, ... in order.
void BindAll(Statement& s, const Binds& binds);

// A connection with its cache of prepared statements.
class Connection {
 public:
  explicit Connection(sqlite3* db) : db_(db) {}
  ~Connection() {
    cache_.clear();
    sqlite3_close_v2(db_);
  }
  sqlite3* db() const { return db_; }
  // Resets every cached statement so none holds a read snapshot open past
  // the end of its transaction.
  void ResetAll() {
    for (auto& [sql, statement] : cache_) statement->Reset();
  }
  // The statement of `sql`, compiled on first use. Looked up by hash
  // without building a std::string: an ordered map compared the long,
  // alike SQL texts of a bulk import over and over.
  Statement& Prepared(std::string_view sql) {
    auto it = cache_.find(sql);
    if (it == cache_.end()) {
      std::string text(sql);
      it = cache_.emplace(text, std::make_unique<Statement>(db_, text)).first;
    } else {
      it->second->Reset();
    }
    return *it->second;
  }

 private:
  struct SqlHash {
    using is_transparent = void;
    size_t operator()(std::string_view sql) const { return std::hash<std::string_view>{}(sql); }
  };
  sqlite3* db_;
  std::unordered_map<std::string, std::unique_ptr<Statement>, SqlHash, std::equal_to<>> cache_;
};

class SqliteStore;

class SqliteTransaction : public Transaction {
 public:
  SqliteTransaction(SqliteStore* store, std::unique_ptr<Connection> connection, bool write,
                    std::unique_lock<std::timed_mutex> write_lock)
      : store_(store),
        connection_(std::move(connection)),
        write_(write),
        write_lock_(std::move(write_lock)) {}
  ~SqliteTransaction() override;

  Result<std::optional<StoredRecord>> Get(std::string_view id) override;
  Status Put(const StoredRecord& record, std::string_view op,
             const std::vector<Reference>& references, std::string_view search_text) override;
  Result<std::vector<StoredRecord>> List(const ListQuery& query) override;
  Result<int64_t> Count(const ListQuery& query) override;
  Result<std::vector<Revision>> History(std::string_view id) override;
  Result<std::optional<StoredRecord>> AsOf(std::string_view id, std::string_view at) override;
  Result<std::vector<Backlink>> ReferencesTo(std::string_view id, bool include_deleted) override;
  Result<std::vector<Reference>> ReferencesFrom(std::string_view id) override;
  Result<std::vector<std::string>> ExistingIds(const std::vector<std::string>& ids,
                                               const std::vector<std::string>& types) override;
  Result<std::vector<SearchHit>> Search(const SearchQuery& query) override;
  Status SetBulkMode(bool on) override;
  Result<std::optional<Backlink>> FindDanglingReference(std::string* target_id) override;
  Status ForEachRecord(const std::function<Status(const StoredRecord&)>& fn) override;
  Status ForEachRevision(const std::function<Status(const Revision&)>& fn) override;
  Status PutRevision(const Revision& revision) override;
  Result<int64_t> LastRecordSeq() override;
  Status AddCreateRevisions(int64_t after_seq) override;
  Result<std::optional<std::string>> TypeOfNewRecord(std::string_view id,
                                                     int64_t after_seq) override;
  Result<std::vector<VocabularyTerm>> Vocabulary(std::string_view vocabulary) override;
  Result<std::vector<std::string>> VocabularyNames() override;
  Status PutVocabularyTerm(const VocabularyTerm& term) override;
  Result<std::optional<UserRow>> GetUser(std::string_view username) override;
  Status PutUser(const UserRow& user) override;
  Result<std::vector<UserRow>> ListUsers() override;
  Result<std::optional<TokenRow>> GetToken(std::string_view token_hash) override;
  Status PutToken(const TokenRow& token) override;
  Result<std::vector<TokenRow>> ListTokens(std::string_view username,
                                           std::string_view kind) override;
  Status DeleteExpiredSessions(int64_t now_ms) override;
  Status AppendAudit(AuditEntry& entry) override;
  Result<std::vector<AuditEntry>> ListAudit(const AuditQuery& query) override;
  Result<AuditVerdict> VerifyAudit() override;
  Result<std::optional<BlobRow>> GetBlob(std::string_view name) override;
  Status PutBlob(const BlobRow& blob) override;
  Status ForEachBlob(const std::function<Status(const BlobRow&)>& fn) override;
  Status AppendCustody(CustodyEntry& entry) override;
  Result<std::vector<CustodyEntry>> ListCustody(std::string_view evidence_id) override;
  Result<CustodyVerdict> VerifyCustody() override;
  Status ScanActFacts(const FactScan& scan,
                      const std::function<Status(const ActFact&)>& fn) override;
  Status ScanPersonFacts(const FactScan& scan,
                         const std::function<Status(const PersonFact&)>& fn) override;
  Result<FactMarks> LastFacts() override;
  Status PutBlindTerms(std::string_view id, const std::vector<BlindTerm>& terms) override;
  Result<std::vector<bool>> InsertNew(const std::vector<NewRecord>& records) override;
  Result<std::vector<SearchHit>> BlindSearch(const BlindQuery& query) override;
  Result<std::optional<std::string>> GetMeta(std::string_view key) override;
  Status SetMeta(std::string_view key, std::string_view value) override;
  Result<int64_t> ResealBodies() override;
  Status ResealHistory(std::string_view id) override;
  Status RechainAudit(const std::string& key) override;
  Status OptimizeSearchIndex() override;
  Result<std::vector<RecentChange>> RecentChanges(
      int limit, const std::vector<std::string>& confidentiality_in) override;
  Result<int64_t> CountDistinctReferenced(const ListQuery& query, std::string_view field,
                                          const std::vector<std::string>& target_levels) override;
  Status Commit() override;

 private:
  sqlite3* db() const { return connection_->db(); }
  Statement& Prepared(std::string_view sql) { return connection_->Prepared(sql); }
  // Seals the audit log's last entry in meta (see sqlite_accounts.cc).
  Status WriteAuditHead(int64_t seq, const std::string& hash, const std::string& key);
  // Inserts the row of `record` with its stored (sealed) `body` (sqlite_bulk.cc).
  Status InsertRow(const StoredRecord& record, const std::string& body);
  // The rows beside a record's: its references, its text in the full-text
  // index (not in bulk mode: indexed all at once when it ends), its blind terms.
  Status InsertRefs(std::string_view id, const std::vector<Reference>& references);
  // Past its first million references (StoreOptions), bulk mode holds the
  // references InsertNew adds (staged_refs_) instead of inserting each at
  // its place in refs, whose key starts with the target: random places in
  // a b-tree grown past the page cache (holding them took the pass over a
  // two-million-record bundle from 29.6 to 17.8 s, the sorted insert 3.5 s).
  // SettleRefs inserts them sorted by that key, each next to the one
  // before; it runs before anything reads refs (FindDanglingReference,
  // Put, the end of bulk mode).
  Status SettleRefs();
  Status IndexText(int64_t seq, std::string_view text);
  Status InsertBlindTerms(int64_t seq, const std::vector<BlindTerm>& terms);
  // Bulk mode: drops the indexes of `type`'s rows, if not done yet.
  Status DropTypeIndexes(const std::string& type);
  // Appends a revision whose stored (sealed) body is `body`.
  Status InsertRevision(const StoredRecord& record, std::string_view op, const std::string& body);
  // Which records a part of a list query covers: all of them, or (when
  // secret records are sealed whole and the query reads body fields) the
  // open ones and the sealed ones in two arms of a UNION ALL.
  enum class Arm { kAll, kOpen, kSealed };
  bool SplitsSealed(const ListQuery& query) const;
  // SplitsSealed, and the type has secret records at all.
  Result<bool> NeedsSealedArm(const ListQuery& query);
  // Adds the statistics row of an act's or a person's revision, from its
  // stored (sealed) body (sqlite_facts.cc).
  Status InsertFact(const StoredRecord& record, const std::string& body);
  // Rebuilds the statistics rows of one record, or of all records, from the
  // stored revisions: after bodies are sealed (sqlite_facts.cc).
  Status RebuildFacts(std::string_view id = {});
  // Builds "FROM ... WHERE ..." for a list query and the values to bind.
  Result<std::string> WhereClause(const ListQuery& query, bool with_cursor, Arm arm, Binds* binds,
                                  std::string* order_key);
  // The record with its body opened / the body to store, through the codec.
  Result<StoredRecord> Decoded(StoredRecord record) const;
  Result<std::string> Encoded(const StoredRecord& record) const;

  const std::string& audit_key() const;
  const BodyCodec* codec() const;
  size_t bulk_refs_in_place() const;  // StoreOptions::bulk_refs_in_place

  SqliteStore* store_;
  std::unique_ptr<Connection> connection_;
  bool write_;
  bool done_ = false;
  bool bulk_ = false;
  std::vector<std::string> dropped_indexes_;  // their CREATE statements
  // Bulk mode: indexes of one record type's rows not dropped yet (name, CREATE).
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> type_indexes_;
  StagedRefs staged_refs_;    // bulk mode: see SettleRefs
  size_t refs_in_place_ = 0;  // bulk mode: references inserted before staging began
  std::unique_lock<std::timed_mutex> write_lock_;
};

// Creates the statistics projection when missing and fills it from the
// revisions already kept (sqlite_facts.cc).
Status MigrateFacts(sqlite3* db);

}  // namespace kuzot::storage
