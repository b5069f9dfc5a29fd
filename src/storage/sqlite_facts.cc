// The statistics projection: one typed row per revision of an act or a
// person, written in the same transaction as the revision itself (so it is
// never out of step with the history), and filled from the existing
// revisions when a database first meets this code. Counts read these
// narrow rows instead of parsing every record's JSON, and counts "as of" a
// past date read the versions in force then: the projection is the
// revision history with the fields counts need pulled out.
//
// Encryption at rest: the fields are read from the body as stored, so a
// record sealed whole (secret) leaves them empty and its row is marked
// unreadable; a scan opens such rows' revisions through the codec
// (kuzot_body) instead. When bodies are sealed later (a record made secret,
// a database encrypted), the rows are rebuilt from the stored revisions, so
// the file never keeps a secret record's fields in the clear.
#include <sqlite3.h>

#include "storage/sqlite_store_impl.h"

namespace kuzot::storage {
namespace {

constexpr char kFactsVersion[] = "2";

constexpr char kCreate[] = R"sql(
DROP TABLE IF EXISTS stat_acts;
DROP TABLE IF EXISTS stat_persons;
CREATE TABLE stat_acts(
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  record_id TEXT NOT NULL,
  revision INTEGER NOT NULL,
  valid_from TEXT NOT NULL,
  deleted INTEGER NOT NULL,
  confidentiality TEXT NOT NULL,
  readable INTEGER NOT NULL,
  act_type TEXT,
  event_id TEXT,
  place_id TEXT,
  date TEXT,
  victim_id TEXT,
  perpetrator_organization_id TEXT,
  perpetrator_person_id TEXT,
  perpetrator_unknown INTEGER,
  object_kind TEXT,
  object_count INTEGER
);
CREATE TABLE stat_persons(
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  record_id TEXT NOT NULL,
  revision INTEGER NOT NULL,
  valid_from TEXT NOT NULL,
  deleted INTEGER NOT NULL,
  confidentiality TEXT NOT NULL,
  readable INTEGER NOT NULL,
  sex TEXT,
  birth_date TEXT,
  age_at_event INTEGER
);
)sql";

// The fields taken from a body ($B below). An act always has a type and a
// person always has names: without them the body is sealed.
constexpr char kActFields[] =
    "json_type($B,'$.type') IS NOT NULL, json_extract($B,'$.type'), "
    "json_extract($B,'$.event_id'), json_extract($B,'$.place_id'), json_extract($B,'$.date'), "
    "json_extract($B,'$.victim_person_id'), json_extract($B,'$.perpetrator_organization_id'), "
    "json_extract($B,'$.perpetrator_person_id'), json_extract($B,'$.perpetrator_unknown'), "
    "json_extract($B,'$.object.kind'), json_extract($B,'$.object.count')";
constexpr char kActColumns[] =
    "record_id, revision, valid_from, deleted, confidentiality, readable, act_type, event_id, "
    "place_id, date, victim_id, perpetrator_organization_id, perpetrator_person_id, "
    "perpetrator_unknown, object_kind, object_count";
constexpr char kPersonFields[] =
    "json_type($B,'$.names') IS NOT NULL, json_extract($B,'$.sex'), "
    "json_extract($B,'$.birth_date'), json_extract($B,'$.age_at_event')";
constexpr char kPersonColumns[] =
    "record_id, revision, valid_from, deleted, confidentiality, readable, sex, birth_date, "
    "age_at_event";

struct Kind {
  const char* type;
  const char* table;
  const char* columns;
  const char* fields;
};
constexpr Kind kAct{"act", "stat_acts", kActColumns, kActFields};
constexpr Kind kPerson{"person", "stat_persons", kPersonColumns, kPersonFields};

// `fields` with the body expression in place of $B.
std::string Fields(const Kind& kind, const std::string& body) {
  std::string v = kind.fields;
  for (size_t at = v.find("$B"); at != std::string::npos; at = v.find("$B", at + body.size()))
    v.replace(at, 2, body);
  return v;
}

// Adds the row of one revision: ?1..?5 the envelope, ?6 the stored body.
std::string InsertSql(const Kind& kind) {
  return std::string("INSERT INTO ") + kind.table + "(" + kind.columns +
         ") VALUES(?1,?2,?3,?4,?5," + Fields(kind, "?6") + ")";
}

// Every revision of `kind` (of one record when `one` is set) as rows.
std::string Backfill(const Kind& kind, bool one) {
  return std::string("INSERT INTO ") + kind.table + "(" + kind.columns +
         ") SELECT record_id, revision, updated_at, deleted, confidentiality, " +
         Fields(kind, "body") + " FROM revisions WHERE type='" + kind.type + "'" +
         (one ? " AND record_id=?1" : "") + " ORDER BY updated_at, record_id, revision";
}

// The rows of a scan; with a codec, the opened body of unreadable rows.
std::string ScanSql(const Kind& kind, const FactScan& scan, bool open_sealed) {
  std::string sql = std::string("SELECT f.seq, ") + kind.columns;
  sql += open_sealed ? ", CASE WHEN f.readable=0 THEN (SELECT "
                       "kuzot_body(v.record_id,v.type,v.confidentiality,v.body) FROM revisions v "
                       "WHERE v.record_id=f.record_id AND v.revision=f.revision) END"
                     : ", NULL";
  sql += std::string(" FROM ") + kind.table + " f WHERE f.seq>?1";
  if (!scan.valid_at.empty()) sql += " AND f.valid_from<=?2";
  return sql + " ORDER BY f.seq";
}

// Steps through the rows of `s`, filling a fact with `read` and handing it
// to `fn`; an unreadable row's fields come from its opened body through
// `opened` (the kind's fields selected from ?1). Stops at the first error.
template <typename Fact>
Status ScanRows(Statement& s, Statement& opened, const FactScan& scan, int body_column,
                void (*read)(const Statement&, int first, Fact*),
                const std::function<Status(const Fact&)>& fn) {
  s.Bind(1, scan.after_seq);
  if (!scan.valid_at.empty()) s.Bind(2, scan.valid_at);
  Fact f;
  while (s.Step()) {
    f.seq = s.Int(0);
    f.id = s.TextView(1);
    f.revision = s.Int(2);
    f.valid_from = s.TextView(3);
    f.deleted = s.Int(4) != 0;
    f.confidentiality = s.TextView(5);
    if (s.Int(6) != 0 || s.IsNull(body_column)) {
      read(s, 7, &f);
    } else {
      opened.Reset();
      opened.Bind(1, s.TextView(body_column));
      if (opened.Step()) read(opened, 1, &f);
      KUZOT_RETURN_IF_ERROR(opened.status());
    }
    Status st = fn(f);
    if (!st.ok()) {
      s.Reset();
      return st;
    }
  }
  return s.status();
}

void ReadAct(const Statement& s, int i, ActFact* f) {
  f->type = s.TextView(i);
  f->event_id = s.TextView(i + 1);
  f->place_id = s.TextView(i + 2);
  f->date = s.TextView(i + 3);
  f->victim_id = s.TextView(i + 4);
  f->perpetrator_organization_id = s.TextView(i + 5);
  f->perpetrator_person_id = s.TextView(i + 6);
  f->perpetrator_unknown = s.Int(i + 7) != 0;
  f->object_kind = s.TextView(i + 8);
  f->object_count = s.Int(i + 9);
}

void ReadPerson(const Statement& s, int i, PersonFact* f) {
  f->sex = s.TextView(i);
  f->birth_date = s.TextView(i + 1);
  f->age_at_event = s.IsNull(i + 2) ? -1 : s.Int(i + 2);
}

}  // namespace

Status MigrateFacts(sqlite3* db) {
  {
    Statement q(db, "SELECT value FROM meta WHERE key='stat_facts_version'");
    if (q.Step() && q.Text(0) == kFactsVersion) return Status::Ok();
    KUZOT_RETURN_IF_ERROR(q.status());
  }
  KUZOT_RETURN_IF_ERROR(Exec(db, "BEGIN IMMEDIATE"));
  auto rollback = [&](Status s) {
    (void)Exec(db, "ROLLBACK");
    return s;
  };
  Status s = Exec(db, kCreate);
  if (s.ok()) s = Exec(db, Backfill(kAct, false));
  if (s.ok()) s = Exec(db, Backfill(kPerson, false));
  if (s.ok())
    s = Exec(db,
             std::string("INSERT OR REPLACE INTO meta(key, value) VALUES('stat_facts_version', '") +
                 kFactsVersion + "')");
  if (!s.ok()) return rollback(s);
  return Exec(db, "COMMIT");
}

Status SqliteTransaction::InsertFact(const StoredRecord& r, const std::string& body) {
  const Kind* kind = r.type == "act" ? &kAct : r.type == "person" ? &kPerson : nullptr;
  if (!kind) return Status::Ok();
  // Built once: this runs for every revision an import brings.
  static const std::string kInsert[] = {InsertSql(kAct), InsertSql(kPerson)};
  Statement& s = Prepared(kInsert[kind == &kAct ? 0 : 1]);
  s.Bind(1, r.id).Bind(2, r.revision).Bind(3, r.updated_at);
  s.Bind(4, static_cast<int64_t>(r.deleted)).Bind(5, r.confidentiality).Bind(6, body);
  return s.Run();
}

Result<int64_t> SqliteTransaction::LastRecordSeq() {
  Statement& s = Prepared("SELECT ifnull(max(seq), 0) FROM records");
  int64_t seq = s.Step() ? s.Int(0) : 0;
  KUZOT_RETURN_IF_ERROR(s.status());
  return seq;
}

Result<std::optional<std::string>> SqliteTransaction::TypeOfNewRecord(std::string_view id,
                                                                      int64_t after_seq) {
  Statement& s = Prepared("SELECT type FROM records WHERE id=? AND seq>?");
  s.Bind(1, id).Bind(2, after_seq);
  std::optional<std::string> type;
  if (s.Step()) type = s.Text(0);
  KUZOT_RETURN_IF_ERROR(s.status());
  s.Reset();
  return type;
}

Status SqliteTransaction::AddCreateRevisions(int64_t after_seq) {
  if (!write_) return Status::Internal("write in a read transaction");
  // The stored body is what Put sealed: a revision written with the record
  // would have stored the same text (see InsertRevision).
  Statement& r = Prepared(
      "INSERT INTO revisions(record_id, revision, op, type, confidentiality, body, created_at, "
      "created_by, updated_at, updated_by, deleted) SELECT id, revision, 'create', type, "
      "confidentiality, body, created_at, created_by, updated_at, updated_by, deleted "
      "FROM records WHERE seq>?1 ORDER BY seq");
  KUZOT_RETURN_IF_ERROR(r.Bind(1, after_seq).Run());
  for (const Kind* kind : {&kAct, &kPerson}) {
    Statement& f = Prepared(std::string("INSERT INTO ") + kind->table + "(" + kind->columns +
                            ") SELECT id, revision, updated_at, deleted, confidentiality, " +
                            Fields(*kind, "body") + " FROM records WHERE seq>?1 AND type='" +
                            kind->type + "' ORDER BY seq");
    KUZOT_RETURN_IF_ERROR(f.Bind(1, after_seq).Run());
  }
  return Status::Ok();
}

Status SqliteTransaction::RebuildFacts(std::string_view id) {
  for (const Kind* kind : {&kAct, &kPerson}) {
    const std::string where = id.empty() ? "" : " WHERE record_id=?1";
    Statement& d = Prepared(std::string("DELETE FROM ") + kind->table + where);
    if (!id.empty()) d.Bind(1, id);
    KUZOT_RETURN_IF_ERROR(d.Run());
    Statement& b = Prepared(Backfill(*kind, !id.empty()));
    if (!id.empty()) b.Bind(1, id);
    KUZOT_RETURN_IF_ERROR(b.Run());
  }
  return Status::Ok();
}

Status SqliteTransaction::ScanActFacts(const FactScan& scan,
                                       const std::function<Status(const ActFact&)>& fn) {
  const bool open_sealed = codec() != nullptr;
  Statement& s = Prepared(ScanSql(kAct, scan, open_sealed));
  Statement& opened = Prepared("SELECT " + Fields(kAct, "?1"));
  return ScanRows(s, opened, scan, 17, &ReadAct, fn);
}

Status SqliteTransaction::ScanPersonFacts(const FactScan& scan,
                                          const std::function<Status(const PersonFact&)>& fn) {
  const bool open_sealed = codec() != nullptr;
  Statement& s = Prepared(ScanSql(kPerson, scan, open_sealed));
  Statement& opened = Prepared("SELECT " + Fields(kPerson, "?1"));
  return ScanRows(s, opened, scan, 10, &ReadPerson, fn);
}

Result<FactMarks> SqliteTransaction::LastFacts() {
  FactMarks marks;
  Statement& a = Prepared("SELECT ifnull(max(seq), 0) FROM stat_acts");
  if (a.Step()) marks.acts = a.Int(0);
  KUZOT_RETURN_IF_ERROR(a.status());
  Statement& p = Prepared("SELECT ifnull(max(seq), 0) FROM stat_persons");
  if (p.Step()) marks.persons = p.Int(0);
  KUZOT_RETURN_IF_ERROR(p.status());
  return marks;
}

}  // namespace kuzot::storage
