// SQLite implementation of the Store: WAL, one writer connection, a pool of
// reader connections, full snapshots of every revision.
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <variant>

#include "storage/schema.h"
#include "storage/sqlite_store_impl.h"

namespace kuzot::storage {
namespace {

constexpr char kRecordColumns[] =
    "r.id, r.type, r.revision, r.confidentiality, r.body, r.created_at, r.created_by, "
    "r.updated_at, r.updated_by, r.deleted";

StoredRecord ReadRecord(const Statement& s, int first = 0) {
  StoredRecord r;
  r.id = s.Text(first + 0);
  r.type = s.Text(first + 1);
  r.revision = s.Int(first + 2);
  r.confidentiality = s.Text(first + 3);
  r.body = s.Text(first + 4);
  r.created_at = s.Text(first + 5);
  r.created_by = s.Text(first + 6);
  r.updated_at = s.Text(first + 7);
  r.updated_by = s.Text(first + 8);
  r.deleted = s.Int(first + 9) != 0;
  return r;
}

bool IsIdentifier(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

// The body as SQL sees it: secret records' bodies are sealed as a whole,
// so their arm of a query reads them through kuzot_body() (the codec).
const char* BodyExpr(bool sealed) {
  return sealed ? "kuzot_body(r.id,r.type,r.confidentiality,r.body)" : "r.body";
}

std::string FieldExpr(const std::string& field, bool sealed = false) {
  return std::string("ifnull(json_extract(") + BodyExpr(sealed) + ",'$." + field + "'),'')";
}

// How much of the database file the writer maps.
constexpr char kWriterMap[] = "PRAGMA mmap_size=1073741824";

// `reader`: a pooled read connection rather than the writer.
Result<std::unique_ptr<Connection>> OpenConnection(const StoreOptions& options, bool reader) {
  sqlite3* db = nullptr;
  int rc =
      sqlite3_open_v2(options.path.c_str(), &db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  auto connection = std::make_unique<Connection>(db);
  if (rc != SQLITE_OK) return SqliteStatus(db, rc, "opening " + options.path);
  sqlite3_extended_result_codes(db, 1);
  KUZOT_RETURN_IF_ERROR(Exec(db,
                             "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
                             "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000; "
                             "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY; "
                             // Deleted content is overwritten, not left in free pages.
                             "PRAGMA secure_delete=ON;"));
  // The writer maps the file. Read connections copy pages instead: every
  // commit (an audited read is one) makes each of them drop what it
  // cached, and dropping a 1 GiB mapping and faulting it in again cost
  // more CPU than reading the pages anew (doc/storage.md, "Audit entries
  // of reads"). 32 MiB each: ten of them stay well under the memory target.
  KUZOT_RETURN_IF_ERROR(
      Exec(db, reader ? "PRAGMA mmap_size=0; PRAGMA cache_size=-32768;" : kWriterMap));
  if (options.on_connection) KUZOT_RETURN_IF_ERROR(options.on_connection(db));
  if (options.codec) KUZOT_RETURN_IF_ERROR(RegisterBodyFunction(db, options.codec.get()));
  return connection;
}

}  // namespace

class SqliteStore : public Store {
 public:
  explicit SqliteStore(StoreOptions options) : options_(std::move(options)) {}

  Status Init() {
    KUZOT_ASSIGN_OR_RETURN(writer_, OpenConnection(options_, false));
    KUZOT_RETURN_IF_ERROR(Migrate(writer_->db(), options_.fts_tokenizer));
    return MigrateFacts(writer_->db());
  }

  Result<std::unique_ptr<Transaction>> BeginRead() override {
    std::unique_ptr<Connection> connection;
    {
      std::lock_guard<std::mutex> lock(pool_mutex_);
      if (!readers_.empty()) {
        connection = std::move(readers_.back());
        readers_.pop_back();
      }
    }
    if (!connection) {
      KUZOT_ASSIGN_OR_RETURN(connection, OpenConnection(options_, true));
    }
    // Prepared once per connection: parsing BEGIN and ROLLBACK anew cost a
    // noticeable share of a one-record GET.
    KUZOT_RETURN_IF_ERROR(connection->Prepared("BEGIN").Run());
    return std::unique_ptr<Transaction>(new SqliteTransaction(
        this, std::move(connection), false, std::unique_lock<std::timed_mutex>()));
  }

  Result<std::unique_ptr<Transaction>> BeginWrite() override { return BeginWriter(true, false); }
  Result<std::unique_ptr<Transaction>> BeginLogWrite() override {
    return BeginWriter(false, false);
  }
  Result<std::unique_ptr<Transaction>> BeginBulkWrite() override { return BeginWriter(true, true); }

  // On a connection of its own, not the writer: a passive checkpoint
  // needs no write lock, so the commits of reads and writes go on while it
  // syncs (holding the writer through two fsyncs was a p99 of 40+ ms).
  Status Sync() override {
    std::lock_guard<std::mutex> lock(sync_mutex_);
    if (!syncer_) {
      KUZOT_ASSIGN_OR_RETURN(syncer_, OpenConnection(options_, true));
    }
    return Exec(syncer_->db(), "PRAGMA wal_checkpoint(PASSIVE)");
  }

  // `full`: the commit waits for the disk (every write of records);
  // otherwise only for the OS (audit entries of reads, BeginLogWrite).
  // `bulk`: a BeginBulkWrite, under a rollback journal when it can be.
  Result<std::unique_ptr<Transaction>> BeginWriter(bool full, bool bulk) {
    std::unique_lock<std::timed_mutex> lock(write_mutex_, std::defer_lock);
    if (!lock.try_lock_for(std::chrono::seconds(10))) {
      return Status::Unavailable("the database is busy with another write; try again");
    }
    if (bulk) CloseOtherConnections();  // they would keep the journal from changing
    if (writer_full_sync_ != full) {
      // Executed, not prepared: the pragma acts when compiled, and SQLite
      // refuses it inside a transaction. Until it succeeds the flag keeps
      // saying the level is not FULL, so a durable write fails rather
      // than commit without syncing.
      KUZOT_RETURN_IF_ERROR(
          Exec(writer_->db(), full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL"));
      writer_full_sync_ = full;
    }
    if (bulk) {
      // Only possible while no other connection (another process) has the
      // database open; otherwise the import stays on the log, as safe and slower.
      Statement mode(writer_->db(), "PRAGMA journal_mode=DELETE");
      rollback_journal_ = mode.Step() && mode.Text(0) == "delete";
      mode.Reset();
      // Pages read through the map would stay resident beside the page cache
      // (+0.5 GB at two million records); the import reads little it did not write.
      if (rollback_journal_) (void)Exec(writer_->db(), "PRAGMA mmap_size=0");
    }
    KUZOT_RETURN_IF_ERROR(writer_->Prepared("BEGIN IMMEDIATE").Run());
    return std::unique_ptr<Transaction>(
        new SqliteTransaction(this, std::move(writer_), true, std::move(lock)));
  }

  Status EnsureFieldIndex(std::string_view type, std::string_view field) override {
    if (!IsIdentifier(type) || !IsIdentifier(field)) {
      return Status::InvalidArgument("bad index name");
    }
    std::unique_lock<std::timed_mutex> lock(write_mutex_);
    // Partial: only records of `type` are in it, so writes of other types
    // never touch it. Queries name the type as a literal to use it.
    std::string name = "fidx_" + std::string(type) + "_" + std::string(field);
    std::string f(field);
    std::string sql = "CREATE INDEX IF NOT EXISTS " + name +
                      " ON records(ifnull(json_extract(body,'$." + f + "'),''), id) WHERE type='" +
                      std::string(type) + "'";
    return Exec(writer_->db(), sql);
  }

  Status EnsureListIndex(std::string_view type, const std::vector<std::string>& fields) override {
    if (!IsIdentifier(type) || fields.empty()) return Status::InvalidArgument("bad index name");
    std::string name = "lidx_" + std::string(type);
    std::string columns;
    for (const auto& field : fields) {
      if (!IsIdentifier(field)) return Status::InvalidArgument("bad index name");
      name += "_" + field;
      columns += "ifnull(json_extract(body,'$." + field + "'),''), ";
    }
    std::unique_lock<std::timed_mutex> lock(write_mutex_);
    KUZOT_RETURN_IF_ERROR(Exec(writer_->db(), "CREATE INDEX IF NOT EXISTS " + name +
                                                  " ON records(" + columns + "id) WHERE type='" +
                                                  std::string(type) + "'"));
    list_leads_.emplace(std::string(type), fields.front());
    return Status::Ok();
  }

  // Whether a list index of `type` begins with `field` (EnsureListIndex is
  // called before serving; nothing changes the set afterwards).
  bool HasListIndex(const std::string& type, const std::string& field) const {
    return list_leads_.count({type, field}) > 0;
  }

  const std::string& path() const override { return options_.path; }
  const std::string& audit_key() const { return options_.audit_key; }
  const BodyCodec* codec() const { return options_.codec.get(); }
  size_t bulk_refs_in_place() const { return options_.bulk_refs_in_place; }
  void SetAuditKey(std::string key) override { options_.audit_key = std::move(key); }

  Status Compact(bool vacuum) override {
    std::unique_lock<std::timed_mutex> lock(write_mutex_);
    CloseOtherConnections();
    if (vacuum) KUZOT_RETURN_IF_ERROR(Exec(writer_->db(), "VACUUM"));
    return Exec(writer_->db(), "PRAGMA wal_checkpoint(TRUNCATE)");
  }

  void Return(std::unique_ptr<Connection> connection, bool write) {
    if (write) {
      writer_ = std::move(connection);
      if (rollback_journal_) {
        // Back to the log. Should this fail, every connection opened later
        // asks for it again (OpenConnection).
        rollback_journal_ = false;
        if (Exec(writer_->db(), "PRAGMA journal_mode=WAL").ok())
          (void)Exec(writer_->db(), kWriterMap);
      }
      return;
    }
    std::lock_guard<std::mutex> lock(pool_mutex_);
    if (static_cast<int>(readers_.size()) < options_.readers) {
      readers_.push_back(std::move(connection));
    }
  }

 private:
  // Closes the idle read connections and Sync()'s: idle readers hold no
  // snapshot, but they hold the write-ahead log open, which keeps a
  // checkpoint from truncating it and the journal mode from changing.
  void CloseOtherConnections() {
    {
      std::lock_guard<std::mutex> pool(pool_mutex_);
      readers_.clear();
    }
    std::lock_guard<std::mutex> sync(sync_mutex_);
    syncer_.reset();
  }

  StoreOptions options_;
  std::timed_mutex write_mutex_;
  std::unique_ptr<Connection> writer_;  // null while a write transaction holds it
  bool writer_full_sync_ = true;        // writer_ is at synchronous=FULL (under write_mutex_)
  std::mutex sync_mutex_;
  std::unique_ptr<Connection> syncer_;  // Sync()'s checkpoints
  bool rollback_journal_ = false;       // the writer runs a BeginBulkWrite transaction
  std::mutex pool_mutex_;
  std::vector<std::unique_ptr<Connection>> readers_;
  std::set<std::pair<std::string, std::string>> list_leads_;  // (type, first field)
};

const std::string& SqliteTransaction::audit_key() const { return store_->audit_key(); }
const BodyCodec* SqliteTransaction::codec() const { return store_->codec(); }
size_t SqliteTransaction::bulk_refs_in_place() const { return store_->bulk_refs_in_place(); }

Result<StoredRecord> SqliteTransaction::Decoded(StoredRecord record) const {
  if (codec()) {
    KUZOT_ASSIGN_OR_RETURN(record.body, codec()->Open(record));
  }
  return record;
}

Result<std::string> SqliteTransaction::Encoded(const StoredRecord& record) const {
  if (codec()) return codec()->Seal(record);
  return record.body;
}

SqliteTransaction::~SqliteTransaction() {
  connection_->ResetAll();
  if (!done_) (void)Prepared("ROLLBACK").Run();
  store_->Return(std::move(connection_), write_);
}

Status SqliteTransaction::Commit() {
  if (done_) return Status::Internal("transaction already finished");
  connection_->ResetAll();
  Status status = Prepared("COMMIT").Run();
  if (!status.ok()) return status;  // destructor rolls back
  done_ = true;
  return Status::Ok();
}

Result<std::optional<StoredRecord>> SqliteTransaction::Get(std::string_view id) {
  Statement& s = Prepared(std::string("SELECT ") + kRecordColumns + " FROM records r WHERE r.id=?");
  s.Bind(1, id);
  if (s.Step()) {
    KUZOT_ASSIGN_OR_RETURN(auto record, Decoded(ReadRecord(s)));
    return std::optional<StoredRecord>(std::move(record));
  }
  KUZOT_RETURN_IF_ERROR(s.status());
  return std::optional<StoredRecord>();
}

Status SqliteTransaction::InsertRevision(const StoredRecord& r, std::string_view op,
                                         const std::string& body) {
  Statement& s = Prepared(
      "INSERT INTO revisions(record_id, revision, op, type, confidentiality, body, created_at, "
      "created_by, updated_at, updated_by, deleted) VALUES(?,?,?,?,?,?,?,?,?,?,?)");
  s.Bind(1, r.id).Bind(2, r.revision).Bind(3, op).Bind(4, r.type).Bind(5, r.confidentiality);
  s.Bind(6, body).Bind(7, r.created_at).Bind(8, r.created_by).Bind(9, r.updated_at);
  s.Bind(10, r.updated_by).Bind(11, static_cast<int64_t>(r.deleted));
  KUZOT_RETURN_IF_ERROR(s.Run());
  return InsertFact(r, body);
}

Status SqliteTransaction::DropTypeIndexes(const std::string& type) {
  auto it = type_indexes_.find(type);
  if (it == type_indexes_.end()) return Status::Ok();
  connection_->ResetAll();
  for (const auto& [name, sql] : it->second) {
    KUZOT_RETURN_IF_ERROR(Exec(db(), "DROP INDEX \"" + name + "\""));
    dropped_indexes_.push_back(sql);
  }
  type_indexes_.erase(it);
  return Status::Ok();
}

Status SqliteTransaction::Put(const StoredRecord& r, std::string_view op,
                              const std::vector<Reference>& references,
                              std::string_view search_text) {
  if (!write_) return Status::Internal("write in a read transaction");
  if (bulk_) {
    KUZOT_RETURN_IF_ERROR(DropTypeIndexes(r.type));
    KUZOT_RETURN_IF_ERROR(SettleRefs());  // it may replace a record's references
  }
  KUZOT_ASSIGN_OR_RETURN(std::string body, Encoded(r));
  int64_t seq = 0;
  {
    Statement& s = Prepared("SELECT seq FROM records WHERE id=?");
    s.Bind(1, r.id);
    if (s.Step()) seq = s.Int(0);
    KUZOT_RETURN_IF_ERROR(s.status());
  }
  if (seq == 0) {
    KUZOT_RETURN_IF_ERROR(InsertRow(r, body));
    seq = sqlite3_last_insert_rowid(db());
  } else {
    Statement& s = Prepared(
        "UPDATE records SET type=?, revision=?, confidentiality=?, body=?, created_at=?, "
        "created_by=?, updated_at=?, updated_by=?, deleted=? WHERE seq=?");
    s.Bind(1, r.type).Bind(2, r.revision).Bind(3, r.confidentiality).Bind(4, body);
    s.Bind(5, r.created_at).Bind(6, r.created_by).Bind(7, r.updated_at).Bind(8, r.updated_by);
    s.Bind(9, static_cast<int64_t>(r.deleted)).Bind(10, seq);
    KUZOT_RETURN_IF_ERROR(s.Run());
    KUZOT_RETURN_IF_ERROR(Prepared("DELETE FROM refs WHERE from_id=?").Bind(1, r.id).Run());
    // Take the old text out of the full-text index.
    Statement& old = Prepared("SELECT text FROM search_text WHERE seq=?");
    old.Bind(1, seq);
    if (old.Step()) {
      std::string text = old.Text(0);
      Statement& del = Prepared("INSERT INTO search(search, rowid, text) VALUES('delete', ?, ?)");
      del.Bind(1, seq).Bind(2, text);
      KUZOT_RETURN_IF_ERROR(del.Run());
      KUZOT_RETURN_IF_ERROR(Prepared("DELETE FROM search_text WHERE seq=?").Bind(1, seq).Run());
    }
    KUZOT_RETURN_IF_ERROR(old.status());
  }
  if (!op.empty()) KUZOT_RETURN_IF_ERROR(InsertRevision(r, op, body));
  KUZOT_RETURN_IF_ERROR(InsertRefs(r.id, references));
  if (!r.deleted && !search_text.empty()) KUZOT_RETURN_IF_ERROR(IndexText(seq, search_text));
  return Status::Ok();
}

Result<std::string> SqliteTransaction::WhereClause(const ListQuery& q, bool with_cursor, Arm arm,
                                                   Binds* binds, std::string* order_key) {
  auto text = [&](std::string v) { binds->emplace_back(std::move(v)); };
  // to_id=? or, with blind forms, to_id IN (?,...).
  auto ref_target = [&](const char* column, const Filter& f) {
    text(f.value);
    for (const auto& alt : f.alternatives) text(alt);
    if (f.alternatives.empty()) return std::string(column) + "=?";
    std::string in = std::string(column) + " IN (?";
    for (size_t i = 0; i < f.alternatives.size(); ++i) in += ",?";
    return in + ")";
  };
  bool sealed = arm == Arm::kSealed;
  if (!IsIdentifier(q.type)) return Status::InvalidArgument("bad record type");
  if (!q.sort_field.empty() && !IsIdentifier(q.sort_field)) {
    return Status::InvalidArgument("cannot sort by '" + q.sort_field + "'", "sort");
  }
  // A reference filter drives the query through the refs index, whose rows
  // come out ordered by from_id = record id: no sort, LIMIT stops early.
  const Filter* driver = nullptr;
  if (q.sort_field.empty()) {
    for (const Filter& f : q.filters) {
      if (f.op == FilterOp::kRef) {
        driver = &f;
        break;
      }
    }
  }
  std::string from;
  std::string where;
  if (driver) {
    from = " FROM refs f0 JOIN records r ON r.id=f0.from_id";
    where =
        " WHERE " + ref_target("f0.to_id", *driver) + " AND f0.field=? AND r.type='" + q.type + "'";
    text(driver->field);
    *order_key = "f0.from_id";
  } else {
    // The type is a checked identifier, written as a literal so that the
    // type's partial field indexes apply.
    from = " FROM records r";
    where = " WHERE r.type='" + q.type + "'";
    *order_key = q.sort_field.empty() ? "r.id" : FieldExpr(q.sort_field, sealed);
  }
  if (!q.include_deleted) where += " AND r.deleted=0";
  if (arm == Arm::kOpen) where += " AND r.confidentiality<>'secret'";
  // A literal, so that the partial index of secret records applies.
  if (arm == Arm::kSealed) where += " AND r.confidentiality='secret'";
  if (!q.confidentiality_in.empty()) {
    where += " AND r.confidentiality IN (";
    for (size_t i = 0; i < q.confidentiality_in.size(); ++i) {
      where += i ? ",?" : "?";
      text(q.confidentiality_in[i]);
    }
    where += ")";
  }
  for (const Filter& f : q.filters) {
    if (&f == driver) continue;
    if (!IsIdentifier(f.field)) {
      return Status::InvalidArgument("unknown filter field '" + f.field + "'", f.field);
    }
    std::string body = BodyExpr(sealed);
    switch (f.op) {
      case FilterOp::kRef:
        // A sorted list of open records: the body holds the reference, and a
        // list index over (reference, ..., sort field) yields the page in
        // order, where the refs table would yield every match to be sorted.
        if (f.in_body && !sealed && !q.sort_field.empty() &&
            store_->HasListIndex(q.type, f.field)) {
          where += " AND " + FieldExpr(f.field) + "=?";
          text(f.value);
          break;
        }
        where += " AND r.id IN (SELECT from_id FROM refs WHERE " + ref_target("to_id", f) +
                 " AND field=?)";
        text(f.field);
        break;
      case FilterOp::kContains:
        where += " AND EXISTS (SELECT 1 FROM json_each(r.body,'$." + f.field +
                 "') WHERE json_each.value=?)";
        text(f.value);
        break;
      case FilterOp::kEq:
        if (f.numeric) {
          where += " AND json_extract(" + body + ",'$." + f.field + "')=?";
          binds->emplace_back(std::strtod(f.value.c_str(), nullptr));
        } else {
          where += " AND " + FieldExpr(f.field, sealed) + "=?";
          text(f.value);
        }
        break;
      case FilterOp::kGe:
      case FilterOp::kLe: {
        const char* op = f.op == FilterOp::kGe ? ">=" : "<=";
        where += " AND json_extract(" + body + ",'$." + f.field + "')" + op + "?";
        if (f.numeric) {
          binds->emplace_back(std::strtod(f.value.c_str(), nullptr));
        } else {
          text(f.value);
        }
        break;
      }
    }
  }
  if (with_cursor && q.after_id) {
    const char* cmp = q.descending ? "<" : ">";
    if (q.sort_field.empty()) {
      where += " AND " + *order_key + cmp + "?";
      text(*q.after_id);
    } else {
      where += " AND (" + *order_key + ", r.id) " + cmp + " (?, ?)";
      text(q.after_value.value_or(""));
      text(*q.after_id);
    }
  }
  return from + where;
}

void BindAll(Statement& s, const Binds& binds) {
  int index = 1;
  for (const auto& b : binds) {
    if (const auto* t = std::get_if<std::string>(&b)) {
      s.Bind(index++, *t);
    } else {
      s.BindDouble(index++, std::get<double>(b));
    }
  }
}

bool SqliteTransaction::SplitsSealed(const ListQuery& q) const {
  if (!codec() || !codec()->SealsWholeBody("secret")) return false;
  bool secret_visible = q.confidentiality_in.empty();
  for (const auto& level : q.confidentiality_in) secret_visible |= level == "secret";
  if (!secret_visible) return false;
  // Only a query that reads body fields needs the sealed arm.
  if (!q.sort_field.empty()) return true;
  for (const auto& f : q.filters) {
    if (f.op != FilterOp::kRef) return true;
  }
  return false;
}

Result<bool> SqliteTransaction::NeedsSealedArm(const ListQuery& q) {
  if (!SplitsSealed(q)) return false;
  // Without any secret record of the type (most types, most of the time)
  // the sealed arm would find nothing, yet cost a look-up per reference of
  // a reference filter (every act of an event). The partial index of
  // secret records answers in one step, in this transaction's snapshot.
  Statement& s = Prepared(
      "SELECT 1 FROM records WHERE type=? AND "
      "confidentiality='secret' LIMIT 1");
  s.Bind(1, q.type);
  bool any = s.Step();
  KUZOT_RETURN_IF_ERROR(s.status());
  s.Reset();
  return any;
}

Result<std::vector<StoredRecord>> SqliteTransaction::List(const ListQuery& q) {
  Binds binds;
  std::string order_key;
  const char* dir = q.descending ? " DESC" : "";
  std::string sql;
  KUZOT_ASSIGN_OR_RETURN(bool split, NeedsSealedArm(q));
  if (!split) {
    KUZOT_ASSIGN_OR_RETURN(std::string clause, WhereClause(q, true, Arm::kAll, &binds, &order_key));
    sql = std::string("SELECT ") + kRecordColumns + clause + " ORDER BY " + order_key + dir +
          (q.sort_field.empty() ? "" : std::string(", r.id") + dir) + " LIMIT ?";
  } else {
    // Secret records in their own arm, merged in order: the open arm keeps
    // its indexes, the sealed one reads bodies through the codec.
    std::string open_key, sealed_key;
    KUZOT_ASSIGN_OR_RETURN(std::string open, WhereClause(q, true, Arm::kOpen, &binds, &open_key));
    KUZOT_ASSIGN_OR_RETURN(std::string sealed,
                           WhereClause(q, true, Arm::kSealed, &binds, &sealed_key));
    sql = std::string("SELECT ") + kRecordColumns + ", " + open_key + " AS k" + open +
          " UNION ALL SELECT " + kRecordColumns + ", " + sealed_key + " AS k" + sealed +
          " ORDER BY 11" + dir + ", 1" + dir + " LIMIT ?";
  }
  Statement& s = Prepared(sql);
  KUZOT_RETURN_IF_ERROR(s.prepare_status());
  BindAll(s, binds);
  s.Bind(static_cast<int>(binds.size()) + 1, static_cast<int64_t>(q.limit));
  std::vector<StoredRecord> out;
  while (s.Step()) {
    KUZOT_ASSIGN_OR_RETURN(auto record, Decoded(ReadRecord(s)));
    out.push_back(std::move(record));
  }
  KUZOT_RETURN_IF_ERROR(s.status());
  return out;
}

Result<int64_t> SqliteTransaction::Count(const ListQuery& q) {
  Binds binds;
  std::string order_key;
  std::string sql;
  KUZOT_ASSIGN_OR_RETURN(bool split, NeedsSealedArm(q));
  if (!split) {
    KUZOT_ASSIGN_OR_RETURN(std::string clause,
                           WhereClause(q, false, Arm::kAll, &binds, &order_key));
    sql = "SELECT count(*)" + clause;
  } else {
    KUZOT_ASSIGN_OR_RETURN(std::string open, WhereClause(q, false, Arm::kOpen, &binds, &order_key));
    KUZOT_ASSIGN_OR_RETURN(std::string sealed,
                           WhereClause(q, false, Arm::kSealed, &binds, &order_key));
    sql = "SELECT (SELECT count(*)" + open + ") + (SELECT count(*)" + sealed + ")";
  }
  Statement& s = Prepared(sql);
  KUZOT_RETURN_IF_ERROR(s.prepare_status());
  BindAll(s, binds);
  int64_t n = s.Step() ? s.Int(0) : 0;
  KUZOT_RETURN_IF_ERROR(s.status());
  return n;
}

namespace {
constexpr char kRevisionColumns[] =
    "record_id, type, revision, confidentiality, body, created_at, created_by, updated_at, "
    "updated_by, deleted, op";

Revision ReadRevision(const Statement& s) {
  Revision rev;
  rev.record = ReadRecord(s);
  rev.op = s.Text(10);
  return rev;
}
}  // namespace

Result<std::vector<Revision>> SqliteTransaction::History(std::string_view id) {
  Statement& s = Prepared(std::string("SELECT ") + kRevisionColumns +
                          " FROM revisions WHERE record_id=? ORDER BY revision");
  s.Bind(1, id);
  std::vector<Revision> out;
  while (s.Step()) {
    Revision rev = ReadRevision(s);
    KUZOT_ASSIGN_OR_RETURN(rev.record, Decoded(std::move(rev.record)));
    out.push_back(std::move(rev));
  }
  KUZOT_RETURN_IF_ERROR(s.status());
  return out;
}

Result<std::optional<StoredRecord>> SqliteTransaction::AsOf(std::string_view id,
                                                            std::string_view at) {
  Statement& s = Prepared(std::string("SELECT ") + kRevisionColumns +
                          " FROM revisions WHERE record_id=? AND updated_at<=? "
                          "ORDER BY revision DESC LIMIT 1");
  s.Bind(1, id).Bind(2, at);
  if (s.Step()) {
    KUZOT_ASSIGN_OR_RETURN(auto record, Decoded(ReadRevision(s).record));
    return std::optional<StoredRecord>(std::move(record));
  }
  KUZOT_RETURN_IF_ERROR(s.status());
  return std::optional<StoredRecord>();
}

Result<std::vector<Backlink>> SqliteTransaction::ReferencesTo(std::string_view id,
                                                              bool include_deleted) {
  Statement& s = Prepared(
      std::string("SELECT f.from_id, r.type, f.field FROM refs f JOIN records r ON r.id=f.from_id "
                  "WHERE f.to_id=?") +
      (include_deleted ? "" : " AND r.deleted=0") + " ORDER BY f.from_id LIMIT 1000");
  s.Bind(1, id);
  std::vector<Backlink> out;
  while (s.Step()) out.push_back({s.Text(0), s.Text(1), s.Text(2)});
  KUZOT_RETURN_IF_ERROR(s.status());
  return out;
}

Result<std::vector<Reference>> SqliteTransaction::ReferencesFrom(std::string_view id) {
  Statement& s = Prepared("SELECT field, to_id FROM refs WHERE from_id=? ORDER BY field, to_id");
  s.Bind(1, id);
  std::vector<Reference> out;
  while (s.Step()) out.push_back({s.Text(0), s.Text(1)});
  KUZOT_RETURN_IF_ERROR(s.status());
  return out;
}

Result<std::vector<std::string>> SqliteTransaction::ExistingIds(
    const std::vector<std::string>& ids, const std::vector<std::string>& types) {
  std::vector<std::string> out;
  if (ids.empty()) return out;
  std::string sql = "SELECT id FROM records WHERE deleted=0 AND id IN (";
  for (size_t i = 0; i < ids.size(); ++i) sql += i ? ",?" : "?";
  sql += ")";
  if (!types.empty()) {
    sql += " AND type IN (";
    for (size_t i = 0; i < types.size(); ++i) sql += i ? ",?" : "?";
    sql += ")";
  }
  Statement& s = Prepared(sql);
  KUZOT_RETURN_IF_ERROR(s.prepare_status());
  int index = 1;
  for (const auto& id : ids) s.Bind(index++, id);
  for (const auto& t : types) s.Bind(index++, t);
  while (s.Step()) out.push_back(s.Text(0));
  KUZOT_RETURN_IF_ERROR(s.status());
  return out;
}

namespace {

// How many matches a search ranks at most: the newest ones that the caller
// may see. Ranking (bm25) and snippets cost per row; a common surname over
// a million records matches tens of thousands, and ranking all of them
// made search O(matches). Below this many matches the order is exactly
// bm25's; above it, the best of the newest kRankedCandidates (see
// doc/search.md, "Bounded ranking").
constexpr int kRankedCandidates = 1000;

// A malformed MATCH expression is the caller's error, not ours.
Status SearchStatus(const Status& status) {
  if (status.message().find("fts5") != std::string::npos ||
      status.message().find("syntax") != std::string::npos) {
    return Status::InvalidArgument("cannot search for that: " + status.message(), "q");
  }
  return status;
}

}  // namespace

Result<std::vector<SearchHit>> SqliteTransaction::Search(const SearchQuery& q) {
  // 1. Candidates: walk the matches newest first (FTS5 gives them in rowid
  // order without sorting), with the visibility filters applied in the same
  // query so that LIMIT counts only rows the caller may see; bm25 only for those.
  std::string sql =
      "SELECT search.rowid, bm25(search) FROM search "
      "JOIN records r INDEXED BY records_visibility ON r.seq=search.rowid "
      "WHERE search MATCH ? AND r.deleted=0";
  for (const auto& t : q.types) {
    if (!IsIdentifier(t)) return Status::InvalidArgument("unknown record type '" + t + "'", "type");
  }
  if (!q.types.empty()) {
    sql += " AND r.type IN (";
    for (size_t i = 0; i < q.types.size(); ++i) sql += i ? ",?" : "?";
    sql += ")";
  }
  if (!q.confidentiality_in.empty()) {
    sql += " AND r.confidentiality IN (";
    for (size_t i = 0; i < q.confidentiality_in.size(); ++i) sql += i ? ",?" : "?";
    sql += ")";
  }
  sql += " ORDER BY search.rowid DESC LIMIT ?";
  Statement& s = Prepared(sql);
  KUZOT_RETURN_IF_ERROR(s.prepare_status());
  int index = 1;
  s.Bind(index++, q.match);
  for (const auto& t : q.types) s.Bind(index++, t);
  for (const auto& c : q.confidentiality_in) s.Bind(index++, c);
  s.Bind(index++, static_cast<int64_t>(kRankedCandidates));
  struct Candidate {
    int64_t seq;
    double rank;
  };
  std::vector<Candidate> candidates;
  while (s.Step()) candidates.push_back({s.Int(0), s.Double(1)});
  if (!s.status().ok()) return SearchStatus(s.status());
  s.Reset();
  // 2. The page: best rank first, newest first among equals.
  size_t end = std::min(candidates.size(), static_cast<size_t>(std::max(0, q.offset + q.limit)));
  size_t begin = std::min(end, static_cast<size_t>(std::max(0, q.offset)));
  std::partial_sort(candidates.begin(), candidates.begin() + end, candidates.end(),
                    [](const Candidate& a, const Candidate& b) {
                      return a.rank != b.rank ? a.rank < b.rank : a.seq > b.seq;
                    });
  // 3. Ids and snippets of the page's rows only (a snippet re-tokenizes the
  // text), in one query: FTS5 walks the matches between the page's lowest
  // and highest rowid (at most the candidates, a fraction of a millisecond)
  // and snippets are made for the page's rows. One look-up per row
  // (`MATCH ? AND rowid=?`) ran the whole query again for each: 1 to 5 ms a
  // row at a million records. The unary + keeps the IN list away from
  // FTS5, which would otherwise run the query once per value.
  std::vector<SearchHit> out;
  if (begin == end) return out;
  int64_t low = candidates[begin].seq, high = low;
  std::string in;
  for (size_t i = begin; i < end; ++i) {
    low = std::min(low, candidates[i].seq);
    high = std::max(high, candidates[i].seq);
    in += in.empty() ? "?" : ",?";
  }
  Statement page(db(),
                 "SELECT search.rowid, r.id, r.type, snippet(search, 0, '[', ']', '…', 16) "
                 "FROM search CROSS JOIN records r ON r.seq=search.rowid WHERE search MATCH ? "
                 "AND search.rowid BETWEEN ? AND ? AND +search.rowid IN (" +
                     in + ")");
  KUZOT_RETURN_IF_ERROR(page.prepare_status());
  page.Bind(1, q.match).Bind(2, low).Bind(3, high);
  int next = 4;
  for (size_t i = begin; i < end; ++i) page.Bind(next++, candidates[i].seq);
  std::map<int64_t, SearchHit> found;
  while (page.Step()) {
    found[page.Int(0)] = SearchHit{page.Text(1), page.Text(2), 0, page.Text(3)};
  }
  if (!page.status().ok()) return SearchStatus(page.status());
  for (size_t i = begin; i < end; ++i) {
    auto it = found.find(candidates[i].seq);
    if (it == found.end()) continue;
    it->second.rank = candidates[i].rank;
    out.push_back(std::move(it->second));
  }
  return out;
}

Status SqliteTransaction::SetBulkMode(bool on) {
  if (!write_) return Status::Internal("bulk mode in a read transaction");
  if (on == bulk_) return Status::Ok();
  connection_->ResetAll();
  if (on) {
    // Every secondary index except the ones that keep ids unique. An index
    // of one record type's rows (EnsureFieldIndex, EnsureListIndex) is
    // dropped only once a record of that type comes (DropTypeIndexes):
    // building an index reads the whole table, and there are dozens of
    // them for types a bundle may not hold at all.
    Statement list(db(),
                   "SELECT name, sql FROM sqlite_master WHERE type='index' AND sql IS NOT NULL "
                   "AND tbl_name IN ('records','revisions','refs')");
    std::vector<std::pair<std::string, std::string>> indexes;
    while (list.Step()) indexes.emplace_back(list.Text(0), list.Text(1));
    KUZOT_RETURN_IF_ERROR(list.status());
    constexpr std::string_view kTypeWhere = " WHERE type='";
    for (const auto& [name, sql] : indexes) {
      size_t at = sql.find(kTypeWhere);
      if (at != std::string::npos) {
        size_t from = at + kTypeWhere.size();
        type_indexes_[sql.substr(from, sql.find('\'', from) - from)].emplace_back(name, sql);
        continue;
      }
      KUZOT_RETURN_IF_ERROR(Exec(db(), "DROP INDEX \"" + name + "\""));
      dropped_indexes_.push_back(sql);
    }
    // 256 MiB: with the indexes dropped the rows are appended; at two
    // million records 1 GiB was no faster and 0.8 GB more resident.
    KUZOT_RETURN_IF_ERROR(Exec(db(), "PRAGMA cache_size=-262144"));
    refs_in_place_ = 0;
    bulk_ = true;
    return Status::Ok();
  }
  KUZOT_RETURN_IF_ERROR(SettleRefs());
  type_indexes_.clear();  // those still there were never dropped
  for (const auto& sql : dropped_indexes_) KUZOT_RETURN_IF_ERROR(Exec(db(), sql));
  dropped_indexes_.clear();
  // Rebuild the full-text index from search_text in one pass.
  KUZOT_RETURN_IF_ERROR(Exec(db(), "INSERT INTO search(search) VALUES('rebuild')"));
  KUZOT_RETURN_IF_ERROR(Exec(db(), "PRAGMA cache_size=-65536"));
  bulk_ = false;
  return Status::Ok();
}

Result<std::optional<Backlink>> SqliteTransaction::FindDanglingReference(std::string* target_id) {
  KUZOT_RETURN_IF_ERROR(SettleRefs());
  Statement s(db(),
              "SELECT f.from_id, f.field, f.to_id FROM refs f LEFT JOIN records r ON r.id=f.to_id "
              // Blind references ("~...") stand for ids checked before they were blinded.
              "WHERE r.id IS NULL AND f.to_id NOT LIKE '~%' LIMIT 1");
  if (s.Step()) {
    *target_id = s.Text(2);
    return std::optional<Backlink>(Backlink{s.Text(0), "", s.Text(1)});
  }
  KUZOT_RETURN_IF_ERROR(s.status());
  return std::optional<Backlink>();
}

Status SqliteTransaction::ForEachRecord(const std::function<Status(const StoredRecord&)>& fn) {
  Statement s(db(), std::string("SELECT ") + kRecordColumns + " FROM records r ORDER BY r.id");
  while (s.Step()) {
    KUZOT_ASSIGN_OR_RETURN(auto record, Decoded(ReadRecord(s)));
    KUZOT_RETURN_IF_ERROR(fn(record));
  }
  return s.status();
}

Status SqliteTransaction::ForEachRevision(const std::function<Status(const Revision&)>& fn) {
  Statement s(db(), std::string("SELECT ") + kRevisionColumns +
                        " FROM revisions ORDER BY record_id, revision");
  while (s.Step()) {
    Revision rev = ReadRevision(s);
    KUZOT_ASSIGN_OR_RETURN(rev.record, Decoded(std::move(rev.record)));
    KUZOT_RETURN_IF_ERROR(fn(rev));
  }
  return s.status();
}

Status SqliteTransaction::PutRevision(const Revision& revision) {
  if (!write_) return Status::Internal("write in a read transaction");
  KUZOT_ASSIGN_OR_RETURN(std::string body, Encoded(revision.record));
  return InsertRevision(revision.record, revision.op, body);
}

Result<std::vector<VocabularyTerm>> SqliteTransaction::Vocabulary(std::string_view vocabulary) {
  Statement& s = Prepared(
      "SELECT vocabulary, code, labels, position, deprecated FROM vocabulary_terms "
      "WHERE vocabulary=? ORDER BY position, code");
  s.Bind(1, vocabulary);
  std::vector<VocabularyTerm> out;
  while (s.Step()) {
    out.push_back({s.Text(0), s.Text(1), s.Text(2), static_cast<int>(s.Int(3)), s.Int(4) != 0});
  }
  KUZOT_RETURN_IF_ERROR(s.status());
  return out;
}

Result<std::vector<std::string>> SqliteTransaction::VocabularyNames() {
  Statement& s = Prepared("SELECT DISTINCT vocabulary FROM vocabulary_terms ORDER BY 1");
  std::vector<std::string> out;
  while (s.Step()) out.push_back(s.Text(0));
  KUZOT_RETURN_IF_ERROR(s.status());
  return out;
}

Status SqliteTransaction::PutVocabularyTerm(const VocabularyTerm& t) {
  if (!write_) return Status::Internal("write in a read transaction");
  Statement& s = Prepared(
      "INSERT INTO vocabulary_terms(vocabulary, code, labels, position, deprecated) "
      "VALUES(?,?,?,?,?) ON CONFLICT(vocabulary, code) DO UPDATE SET labels=excluded.labels, "
      "position=excluded.position, deprecated=excluded.deprecated");
  s.Bind(1, t.vocabulary).Bind(2, t.code).Bind(3, t.labels).Bind(4, int64_t{t.position});
  s.Bind(5, static_cast<int64_t>(t.deprecated));
  return s.Run();
}

Result<std::unique_ptr<Store>> Store::Open(const StoreOptions& options) {
  auto store = std::make_unique<SqliteStore>(options);
  KUZOT_RETURN_IF_ERROR(store->Init());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace kuzot::storage
