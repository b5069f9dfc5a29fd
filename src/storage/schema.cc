#include "storage/schema.h"

#include "storage/sqlite_util.h"

namespace kuzot::storage {
namespace {

// Version 1: records with envelope columns and a JSON body; a full snapshot
// per revision; references for integrity and backlinks; the full-text index
// (external content in search_text so rows can be deleted); vocabularies.
std::string SchemaV1(const std::string& tokenizer) {
  return R"sql(
CREATE TABLE records(
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL,
  revision INTEGER NOT NULL,
  confidentiality TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX records_type_id ON records(type, id);
CREATE TABLE revisions(
  record_id TEXT NOT NULL,
  revision INTEGER NOT NULL,
  op TEXT NOT NULL,
  type TEXT NOT NULL,
  confidentiality TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL,
  deleted INTEGER NOT NULL,
  PRIMARY KEY(record_id, revision)
) WITHOUT ROWID;
CREATE INDEX revisions_time ON revisions(updated_at);
CREATE TABLE refs(
  to_id TEXT NOT NULL,
  field TEXT NOT NULL,
  from_id TEXT NOT NULL,
  PRIMARY KEY(to_id, field, from_id)
) WITHOUT ROWID;
CREATE INDEX refs_from ON refs(from_id);
CREATE TABLE search_text(seq INTEGER PRIMARY KEY, text TEXT NOT NULL);
CREATE VIRTUAL TABLE search USING fts5(text, content='search_text', content_rowid='seq',
  tokenize=')sql" + tokenizer + R"sql(');
CREATE TABLE vocabulary_terms(
  vocabulary TEXT NOT NULL,
  code TEXT NOT NULL,
  labels TEXT NOT NULL CHECK (json_valid(labels)),
  position INTEGER NOT NULL DEFAULT 0,
  deprecated INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY(vocabulary, code)
) WITHOUT ROWID;
CREATE TABLE users(
  username TEXT PRIMARY KEY,
  display_name TEXT NOT NULL,
  role TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0,
  failed_logins INTEGER NOT NULL DEFAULT 0,
  locked_until INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE tokens(
  token_hash TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  username TEXT NOT NULL,
  csrf_token TEXT NOT NULL,
  name TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  expires_ms INTEGER NOT NULL,
  revoked INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE INDEX tokens_user ON tokens(username, kind);
CREATE TABLE audit_log(
  seq INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  detail TEXT NOT NULL,
  remote TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_actor ON audit_log(actor, seq);
CREATE INDEX audit_target ON audit_log(target, seq);
)sql";
}

// Version 2: encryption at rest. Blind terms stand for words of secret
// records and values of sensitive fields, which are stored sealed; secret
// records get their own small index, because SQL reads their fields only
// through kuzot_body().
constexpr char kSchemaV2[] = R"sql(
CREATE TABLE blind_terms(
  term TEXT NOT NULL,
  kind INTEGER NOT NULL,
  record_seq INTEGER NOT NULL,
  PRIMARY KEY(term, kind, record_seq)
) WITHOUT ROWID;
CREATE INDEX blind_terms_record ON blind_terms(record_seq);
CREATE INDEX records_secret ON records(type, id) WHERE confidentiality='secret';
)sql";

}  // namespace

Status Migrate(sqlite3* db, const std::string& fts_tokenizer) {
  KUZOT_RETURN_IF_ERROR(Exec(db, "BEGIN IMMEDIATE"));
  auto rollback = [&](Status s) {
    (void)Exec(db, "ROLLBACK");
    return s;
  };
  Status s = Exec(db, "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)");
  if (!s.ok()) return rollback(s);
  int version = 0;
  {
    Statement q(db, "SELECT value FROM meta WHERE key='schema_version'");
    if (q.Step()) version = std::stoi(q.Text(0));
    if (!q.status().ok()) return rollback(q.status());
  }
  if (version > kSchemaVersion) {
    return rollback(Status::Conflict("the database was written by a newer Kuzot (schema " +
                                     std::to_string(version) + "); this build reads up to " +
                                     std::to_string(kSchemaVersion)));
  }
  if (version < 1) {
    s = Exec(db, SchemaV1(fts_tokenizer));
    if (!s.ok()) return rollback(s);
  }
  if (version < 2) {
    s = Exec(db, kSchemaV2);
    if (!s.ok()) return rollback(s);
  }
  s = Exec(db, EvidenceSchema());
  if (!s.ok()) return rollback(s);
  s = Exec(db, "INSERT OR REPLACE INTO meta(key, value) VALUES('schema_version', '" +
                   std::to_string(kSchemaVersion) + "')");
  if (!s.ok()) return rollback(s);
  return Exec(db, "COMMIT");
}

}  // namespace kuzot::storage
