// LinkageStore on its own SQLite file (see linkage_store.h).
#include <sqlite3.h>

#include <sstream>

#include "storage/linkage_store.h"
#include "storage/sqlite_util.h"

namespace kuzot::storage {
namespace {

constexpr char kSchema[] = R"sql(
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
CREATE TABLE IF NOT EXISTS lists(
  id TEXT PRIMARY KEY,
  source_id TEXT NOT NULL,
  name TEXT NOT NULL,
  filename TEXT NOT NULL,
  rows INTEGER NOT NULL,
  columns TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS list_rows(
  list_id TEXT NOT NULL,
  row INTEGER NOT NULL,
  person_id TEXT NOT NULL,
  PRIMARY KEY(list_id, row)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS list_rows_person ON list_rows(person_id);
CREATE TABLE IF NOT EXISTS jobs(
  id TEXT PRIMARY KEY,
  state TEXT NOT NULL,
  settings TEXT NOT NULL,
  result TEXT NOT NULL,
  error TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  finished_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS review_pairs(
  job_id TEXT NOT NULL,
  left_id TEXT NOT NULL,
  right_id TEXT NOT NULL,
  probability REAL NOT NULL,
  explanation TEXT NOT NULL,
  PRIMARY KEY(job_id, left_id, right_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS review_pairs_order ON review_pairs(job_id, probability DESC, left_id, right_id);
CREATE TABLE IF NOT EXISTS job_clusters(
  job_id TEXT NOT NULL,
  person_id TEXT NOT NULL,
  cluster INTEGER NOT NULL,
  PRIMARY KEY(job_id, person_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS decisions(
  seq INTEGER PRIMARY KEY,
  left_id TEXT NOT NULL,
  right_id TEXT NOT NULL,
  decision TEXT NOT NULL CHECK (decision IN ('same', 'different', 'unsure')),
  note TEXT NOT NULL,
  job_id TEXT NOT NULL,
  decided_by TEXT NOT NULL,
  decided_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS decisions_pair ON decisions(left_id, right_id, seq);
CREATE INDEX IF NOT EXISTS decisions_right ON decisions(right_id);
CREATE TABLE IF NOT EXISTS merges(
  id TEXT PRIMARY KEY,
  survivor_id TEXT NOT NULL,
  revision_before INTEGER NOT NULL,
  revision_after INTEGER NOT NULL,
  absorbed TEXT NOT NULL,
  job_id TEXT NOT NULL,
  merged_by TEXT NOT NULL,
  merged_at TEXT NOT NULL,
  undone_by TEXT NOT NULL,
  undone_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS intents(
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  detail TEXT NOT NULL,
  created_at TEXT NOT NULL
) WITHOUT ROWID;
)sql";

std::string Join(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "" : " ") + id;
  return out;
}

std::vector<std::string> Split(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string id;
  while (in >> id) out.push_back(id);
  return out;
}

JobRow JobFrom(const Statement& s) {
  return {s.Text(0), s.Text(1), s.Text(2), s.Text(3), s.Text(4), s.Text(5), s.Text(6), s.Text(7)};
}

DecisionRow DecisionFrom(const Statement& s) {
  return {s.Int(0), s.Text(1), s.Text(2), s.Text(3), s.Text(4), s.Text(5), s.Text(6), s.Text(7)};
}

MergeRow MergeFrom(const Statement& s) {
  MergeRow m;
  m.id = s.Text(0);
  m.survivor_id = s.Text(1);
  m.survivor_revision_before = s.Int(2);
  m.survivor_revision_after = s.Int(3);
  m.absorbed_ids = Split(s.Text(4));
  m.job_id = s.Text(5);
  m.merged_by = s.Text(6);
  m.merged_at = s.Text(7);
  m.undone_by = s.Text(8);
  m.undone_at = s.Text(9);
  return m;
}

constexpr char kDecisionColumns[] =
    "seq, left_id, right_id, decision, note, job_id, decided_by, decided_at";
constexpr char kMergeColumns[] =
    "id, survivor_id, revision_before, revision_after, absorbed, job_id, merged_by, merged_at, "
    "undone_by, undone_at";

// BEGIN IMMEDIATE ... COMMIT around several statements; rolls back unless
// committed.
class Tx {
 public:
  explicit Tx(sqlite3* db) : db_(db) { status_ = Exec(db_, "BEGIN IMMEDIATE"); }
  ~Tx() {
    if (status_.ok() && !done_) (void)Exec(db_, "ROLLBACK");
  }
  const Status& status() const { return status_; }
  Status Commit() {
    done_ = true;
    return Exec(db_, "COMMIT");
  }

 private:
  sqlite3* db_;
  Status status_;
  bool done_ = false;
};

}  // namespace

Result<std::unique_ptr<LinkageStore>> LinkageStore::Open(const std::string& path) {
  sqlite3* db = nullptr;
  int rc =
      sqlite3_open_v2(path.c_str(), &db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    Status s = SqliteStatus(db, rc, "open " + path);
    sqlite3_close(db);
    return s;
  }
  sqlite3_busy_timeout(db, 5000);
  Status s = Exec(db, kSchema);
  if (!s.ok()) {
    sqlite3_close(db);
    return s;
  }
  return std::unique_ptr<LinkageStore>(new LinkageStore(db));
}

LinkageStore::~LinkageStore() { sqlite3_close(db_); }

Status LinkageStore::PutList(const ListRow& list, const std::vector<std::string>& person_ids) {
  std::lock_guard lock(mutex_);
  Tx tx(db_);
  KUZOT_RETURN_IF_ERROR(tx.status());
  Statement insert(db_,
                   "INSERT INTO lists(id, source_id, name, filename, rows, columns, created_by, "
                   "created_at) VALUES(?, ?, ?, ?, ?, ?, ?, ?)");
  KUZOT_RETURN_IF_ERROR(insert.prepare_status());
  KUZOT_RETURN_IF_ERROR(insert.Bind(1, list.id)
                            .Bind(2, list.source_id)
                            .Bind(3, list.name)
                            .Bind(4, list.filename)
                            .Bind(5, list.rows)
                            .Bind(6, list.columns)
                            .Bind(7, list.created_by)
                            .Bind(8, list.created_at)
                            .Run());
  Statement row(db_, "INSERT INTO list_rows(list_id, row, person_id) VALUES(?, ?, ?)");
  KUZOT_RETURN_IF_ERROR(row.prepare_status());
  for (size_t i = 0; i < person_ids.size(); ++i) {
    row.Reset();
    KUZOT_RETURN_IF_ERROR(
        row.Bind(1, list.id).Bind(2, static_cast<int64_t>(i)).Bind(3, person_ids[i]).Run());
  }
  KUZOT_RETURN_IF_ERROR(DeleteIntentIn(list.id));
  return tx.Commit();
}

Status LinkageStore::AddIntent(const IntentRow& intent) {
  std::lock_guard lock(mutex_);
  Statement s(db_, "INSERT INTO intents(id, kind, detail, created_at) VALUES(?, ?, ?, ?)");
  KUZOT_RETURN_IF_ERROR(s.prepare_status());
  return s.Bind(1, intent.id)
      .Bind(2, intent.kind)
      .Bind(3, intent.detail)
      .Bind(4, intent.created_at)
      .Run();
}

Status LinkageStore::RemoveIntent(const std::string& id) {
  std::lock_guard lock(mutex_);
  return DeleteIntentIn(id);
}

Status LinkageStore::DeleteIntentIn(const std::string& id) {
  Statement s(db_, "DELETE FROM intents WHERE id = ?");
  KUZOT_RETURN_IF_ERROR(s.prepare_status());
  return s.Bind(1, id).Run();
}

Result<std::vector<IntentRow>> LinkageStore::Intents() {
  std::lock_guard lock(mutex_);
  Statement s(db_, "SELECT id, kind, detail, created_at FROM intents ORDER BY created_at, id");
  KUZOT_RETURN_IF_ERROR(s.prepare_status());
  std::vector<IntentRow> out;
  while (s.Step()) out.push_back({s.Text(0), s.Text(1), s.Text(2), s.Text(3)});
  KUZOT_RETURN_IF_ERROR(s.status());
  return out;
}

Result<std::vector<ListRow>> LinkageStore::Lists() {
  std::lock_guard lock(mutex_);
  Statement s(db_,
              "SELECT id, source_id, name, filename, rows, columns, created_by, created_at "
              "FROM lists ORDER BY created_at, id");
  KUZOT_RETURN_IF_ERROR(s.prepare_status());
  std::vector<ListRow> out;
  while (s.Step()) {
    out.push_back(
        {s.Text(0), s.Text(1), s.Text(2), s.Text(3), s.Int(4), s.Text(5), s.Text(6), s.Text(7)});
  }
  KUZOT_RETURN_IF_ERROR(s.status());
  return out;
}

Result<std::optional<ListRow>> LinkageStore::GetList(const std::string& id) {
  KUZOT_ASSIGN_OR_RETURN(auto lists, Lists());
  for (auto& l : lists) {
    if (l.id == id) return std::optional<ListRow>(std::move(l));
  }
  return std::optional<ListRow>();
}

Result<std::vector<std::string>> LinkageStore::ListPersons(const std::string& list_id) {
  std::lock_guard lock(mutex_);
  Statement s(db_, "SELECT person_id FROM list_rows WHERE list_id = ? ORDER BY row");
  KUZOT_RETURN_IF_ERROR(s.prepare_status());
  s.Bind(1, list_id);
  std::vector<std::string> out;
  while (s.Step()) out.push_back(s.Text(0));
  KUZOT_RETURN_IF_ERROR(s.status());
  return out;
}

Result<std::vector<std::pair<std::string, std::pair<std::string, int64_t>>>> LinkageStore::RowsOf(
    const std::vector<std::string>& person_ids) {
  std::lock_guard lock(mutex_);
  Statement s(db_, "SELECT list_id, row FROM list_rows WHERE person_id = ? LIMIT 1");
  KUZOT_RETURN_IF_ERROR(s.prepare_status());
  std::vector<std::pair<std::string, std::pair<std::string, int64_t>>> out;
  for (const auto& id : person_ids) {
    s.Reset();
    s.Bind(1, id);
    if (s.Step()) out.push_back({id, {s.Text(0), s.Int(1)}});
    KUZOT_RETURN_IF_ERROR(s.status());
  }
  return out;
}

Status LinkageStore::PutJob(const JobRow& job) {
  std::lock_guard lock(mutex_);
  Statement s(db_,
              "INSERT OR REPLACE INTO jobs(id, state, settings, result, error, created_by, "
              "created_at, finished_at) VALUES(?, ?, ?, ?, ?, ?, ?, ?)");
  KUZOT_RETURN_IF_ERROR(s.prepare_status());
  return s.Bind(1, job.id)
      .Bind(2, job.state)
      .Bind(3, job.settings)
      .Bind(4, job.result)
      .Bind(5, job.error)
      .Bind(6, job.created_by)
      .Bind(7, job.created_at)
      .Bind(8, job.finished_at)
      .Run();
}

Result<std::optional<JobRow>> LinkageStore::GetJob(const std::string& id) {
  std::lock_guard lock(mutex_);
  Statement s(db_,
              "SELECT id, state, settings, result, error, created_by, created_at, finished_at "
              "FROM jobs WHERE id = ?");
  KUZOT_RETURN_IF_ERROR(s.prepare_status());
  s.Bind(1, id);
  if (s.Step()) return std::optional<JobRow>(JobFrom(s));
  KUZOT_RETURN_IF_ERROR(s.status());
  return std::optional<JobRow>();
}

Result<std::vector<JobRow>> LinkageStore::Jobs(int limit) {
  std::lock_guard lock(mutex_);
  Statement s(db_,
              "SELECT id, state, settings, result, error, created_by, created_at, finished_at "
              "FROM jobs ORDER BY created_at DESC, id DESC LIMIT ?");
  KUZOT_RETURN_IF_ERROR(s.prepare_status());
  s.Bind(1, static_cast<int64_t>(limit));
  std::vector<JobRow> out;
  while (s.Step()) out.push_back(JobFrom(s));
  KUZOT_RETURN_IF_ERROR(s.status());
  return out;
}

Status LinkageStore::FailUnfinishedJobs(const std::string& error, const std::string& at) {
  std::lock_guard lock(mutex_);
  Statement s(db_,
              "UPDATE jobs SET state = 'failed', error = ?, finished_at = ? "
              "WHERE state IN ('queued', 'running')");
  KUZOT_RETURN_IF_ERROR(s.prepare_status());
  return s.Bind(1, error).Bind(2, at).Run();
}

Status LinkageStore::PutJobOutput(const std::string& job_id, const std::vector<ReviewPair>& pairs,
                                  const std::vector<std::pair<std::string, int64_t>>& clusters) {
  std::lock_guard lock(mutex_);
  Tx tx(db_);
  KUZOT_RETURN_IF_ERROR(tx.status());
  for (const char* table : {"review_pairs", "job_clusters"}) {
    Statement clear(db_, std::string("DELETE FROM ") + table + " WHERE job_id = ?");
    KUZOT_RETURN_IF_ERROR(clear.prepare_status());
    KUZOT_RETURN_IF_ERROR(clear.Bind(1, job_id).Run());
  }
  Statement pair(db_,
                 "INSERT INTO review_pairs(job_id, left_id, right_id, probability, explanation) "
                 "VALUES(?, ?, ?, ?, ?)");
  KUZOT_RETURN_IF_ERROR(pair.prepare_status());
  for (const auto& p : pairs) {
    pair.Reset();
    KUZOT_RETURN_IF_ERROR(pair.Bind(1, job_id)
                              .Bind(2, p.left_id)
                              .Bind(3, p.right_id)
                              .BindDouble(4, p.probability)
                              .Bind(5, p.explanation)
                              .Run());
  }
  Statement cluster(db_, "INSERT INTO job_clusters(job_id, person_id, cluster) VALUES(?, ?, ?)");
  KUZOT_RETURN_IF_ERROR(cluster.prepare_status());
  for (const auto& [person, number] : clusters) {
    cluster.Reset();
    KUZOT_RETURN_IF_ERROR(cluster.Bind(1, job_id).Bind(2, person).Bind(3, number).Run());
  }
  return tx.Commit();
}

Result<std::vector<ReviewPair>> LinkageStore::ReviewPairs(const std::string& job_id, double min_p,
                                                          double max_p, int limit,
                                                          const std::string& after_left,
                                                          const std::string& after_right,
                                                          double after_p) {
  std::lock_guard lock(mutex_);
  Statement s(
      db_, std::string("SELECT job_id, left_id, right_id, probability, explanation FROM "
                       "review_pairs WHERE job_id = ? AND probability >= ? AND probability <= ?") +
               (after_left.empty()
                    ? ""
                    : " AND (probability < ? OR (probability = ? AND (left_id > ? OR (left_id "
                      "= ? AND right_id > ?))))") +
               " ORDER BY probability DESC, left_id, right_id LIMIT ?");
  KUZOT_RETURN_IF_ERROR(s.prepare_status());
  s.Bind(1, job_id).BindDouble(2, min_p).BindDouble(3, max_p);
  int next = 4;
  if (!after_left.empty()) {
    s.BindDouble(4, after_p).BindDouble(5, after_p).Bind(6, after_left).Bind(7, after_left);
    s.Bind(8, after_right);
    next = 9;
  }
  s.Bind(next, static_cast<int64_t>(limit));
  std::vector<ReviewPair> out;
  while (s.Step()) out.push_back({s.Text(0), s.Text(1), s.Text(2), s.Double(3), s.Text(4)});
  KUZOT_RETURN_IF_ERROR(s.status());
  return out;
}

Result<std::vector<std::pair<std::string, int64_t>>> LinkageStore::Clusters(
    const std::string& job_id) {
  std::lock_guard lock(mutex_);
  Statement s(db_,
              "SELECT person_id, cluster FROM job_clusters WHERE job_id = ? ORDER BY cluster, "
              "person_id");
  KUZOT_RETURN_IF_ERROR(s.prepare_status());
  s.Bind(1, job_id);
  std::vector<std::pair<std::string, int64_t>> out;
  while (s.Step()) out.push_back({s.Text(0), s.Int(1)});
  KUZOT_RETURN_IF_ERROR(s.status());
  return out;
}

Status LinkageStore::AddDecision(DecisionRow& d) {
  std::lock_guard lock(mutex_);
  return AddDecisionIn(d);
}

Status LinkageStore::AddDecisionIn(DecisionRow& d) {
  Statement s(db_,
              "INSERT INTO decisions(left_id, right_id, decision, note, job_id, decided_by, "
              "decided_at) VALUES(?, ?, ?, ?, ?, ?, ?)");
  KUZOT_RETURN_IF_ERROR(s.prepare_status());
  KUZOT_RETURN_IF_ERROR(s.Bind(1, d.left_id)
                            .Bind(2, d.right_id)
                            .Bind(3, d.decision)
                            .Bind(4, d.note)
                            .Bind(5, d.job_id)
                            .Bind(6, d.decided_by)
                            .Bind(7, d.decided_at)
                            .Run());
  d.seq = sqlite3_last_insert_rowid(db_);
  return Status::Ok();
}

Result<std::vector<DecisionRow>> LinkageStore::LatestDecisions(
    const std::vector<std::string>& person_ids) {
  std::lock_guard lock(mutex_);
  // The latest row of each pair.
  const std::string latest = std::string("SELECT ") + kDecisionColumns +
                             " FROM decisions d WHERE seq = (SELECT MAX(seq) FROM decisions "
                             "WHERE left_id = d.left_id AND right_id = d.right_id)";
  std::vector<DecisionRow> out;
  if (person_ids.empty()) {
    Statement s(db_, latest + " ORDER BY seq");
    KUZOT_RETURN_IF_ERROR(s.prepare_status());
    while (s.Step()) out.push_back(DecisionFrom(s));
    KUZOT_RETURN_IF_ERROR(s.status());
    return out;
  }
  KUZOT_RETURN_IF_ERROR(Exec(
      db_, "CREATE TEMP TABLE IF NOT EXISTS wanted(id TEXT PRIMARY KEY); DELETE FROM wanted;"));
  Statement add(db_, "INSERT OR IGNORE INTO wanted(id) VALUES(?)");
  KUZOT_RETURN_IF_ERROR(add.prepare_status());
  for (const auto& id : person_ids) {
    add.Reset();
    KUZOT_RETURN_IF_ERROR(add.Bind(1, id).Run());
  }
  Statement s(db_, latest +
                       " AND left_id IN (SELECT id FROM wanted) AND right_id IN (SELECT id FROM "
                       "wanted) ORDER BY seq");
  KUZOT_RETURN_IF_ERROR(s.prepare_status());
  while (s.Step()) out.push_back(DecisionFrom(s));
  KUZOT_RETURN_IF_ERROR(s.status());
  return out;
}

Result<std::vector<DecisionRow>> LinkageStore::DecisionHistory(const std::string& left_id,
                                                               const std::string& right_id) {
  std::lock_guard lock(mutex_);
  Statement s(db_, std::string("SELECT ") + kDecisionColumns +
                       " FROM decisions WHERE left_id = ? AND right_id = ? ORDER BY seq");
  KUZOT_RETURN_IF_ERROR(s.prepare_status());
  s.Bind(1, left_id).Bind(2, right_id);
  std::vector<DecisionRow> out;
  while (s.Step()) out.push_back(DecisionFrom(s));
  KUZOT_RETURN_IF_ERROR(s.status());
  return out;
}

Result<std::vector<DecisionRow>> LinkageStore::RecentDecisions(int limit) {
  std::lock_guard lock(mutex_);
  Statement s(
      db_, std::string("SELECT ") + kDecisionColumns + " FROM decisions ORDER BY seq DESC LIMIT ?");
  KUZOT_RETURN_IF_ERROR(s.prepare_status());
  s.Bind(1, static_cast<int64_t>(limit));
  std::vector<DecisionRow> out;
  while (s.Step()) out.push_back(DecisionFrom(s));
  KUZOT_RETURN_IF_ERROR(s.status());
  return out;
}

Status LinkageStore::CompleteMerge(const MergeRow& merge, std::vector<DecisionRow>& decisions,
                                   const std::string& intent_id) {
  std::lock_guard lock(mutex_);
  Tx tx(db_);
  KUZOT_RETURN_IF_ERROR(tx.status());
  KUZOT_RETURN_IF_ERROR(PutMergeIn(merge));
  for (auto& d : decisions) KUZOT_RETURN_IF_ERROR(AddDecisionIn(d));
  KUZOT_RETURN_IF_ERROR(DeleteIntentIn(intent_id));
  return tx.Commit();
}

Status LinkageStore::PutMergeIn(const MergeRow& m) {
  Statement s(db_, std::string("INSERT OR REPLACE INTO merges(") + kMergeColumns +
                       ") VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  KUZOT_RETURN_IF_ERROR(s.prepare_status());
  return s.Bind(1, m.id)
      .Bind(2, m.survivor_id)
      .Bind(3, m.survivor_revision_before)
      .Bind(4, m.survivor_revision_after)
      .Bind(5, Join(m.absorbed_ids))
      .Bind(6, m.job_id)
      .Bind(7, m.merged_by)
      .Bind(8, m.merged_at)
      .Bind(9, m.undone_by)
      .Bind(10, m.undone_at)
      .Run();
}

Result<std::optional<MergeRow>> LinkageStore::GetMerge(const std::string& id) {
  std::lock_guard lock(mutex_);
  Statement s(db_, std::string("SELECT ") + kMergeColumns + " FROM merges WHERE id = ?");
  KUZOT_RETURN_IF_ERROR(s.prepare_status());
  s.Bind(1, id);
  if (s.Step()) return std::optional<MergeRow>(MergeFrom(s));
  KUZOT_RETURN_IF_ERROR(s.status());
  return std::optional<MergeRow>();
}

Result<std::vector<MergeRow>> LinkageStore::Merges(int limit) {
  std::lock_guard lock(mutex_);
  Statement s(db_, std::string("SELECT ") + kMergeColumns +
                       " FROM merges ORDER BY merged_at DESC, id DESC LIMIT ?");
  KUZOT_RETURN_IF_ERROR(s.prepare_status());
  s.Bind(1, static_cast<int64_t>(limit));
  std::vector<MergeRow> out;
  while (s.Step()) out.push_back(MergeFrom(s));
  KUZOT_RETURN_IF_ERROR(s.status());
  return out;
}

}  // namespace kuzot::storage
