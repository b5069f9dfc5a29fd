// The statistics projection: one typed row per revision of an act or a
// person, written in the same transaction as the revision itself (so it is
// never out of step with the history), and filled from the existing
// revisions when a database first meets this code. Counts read these
// narrow rows instead of parsing every record's JSON, and counts "as of" a
// past date read the versions in force then: the projection is the
// revision history with the fields counts need pulled out.
#include <sqlite3.h>

#include "storage/sqlite_store_impl.h"

namespace kuzot::storage {
namespace {

constexpr char kFactsVersion[] = "1";

constexpr char kCreate[] = R"sql(
CREATE TABLE IF NOT EXISTS stat_acts(
  seq INTEGER PRIMARY KEY,
  record_id TEXT NOT NULL,
  revision INTEGER NOT NULL,
  valid_from TEXT NOT NULL,
  deleted INTEGER NOT NULL,
  confidentiality TEXT NOT NULL,
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
CREATE TABLE IF NOT EXISTS stat_persons(
  seq INTEGER PRIMARY KEY,
  record_id TEXT NOT NULL,
  revision INTEGER NOT NULL,
  valid_from TEXT NOT NULL,
  deleted INTEGER NOT NULL,
  confidentiality TEXT NOT NULL,
  sex TEXT,
  birth_date TEXT,
  age_at_event INTEGER
);
)sql";

// The columns taken from a revision's body (?6 in the inserts below; one
// statement parses the JSON once).
constexpr char kActValues[] =
    "json_extract(?6,'$.type'), json_extract(?6,'$.event_id'), json_extract(?6,'$.place_id'), "
    "json_extract(?6,'$.date'), json_extract(?6,'$.victim_person_id'), "
    "json_extract(?6,'$.perpetrator_organization_id'), "
    "json_extract(?6,'$.perpetrator_person_id'), json_extract(?6,'$.perpetrator_unknown'), "
    "json_extract(?6,'$.object.kind'), json_extract(?6,'$.object.count')";
constexpr char kActColumns[] =
    "record_id, revision, valid_from, deleted, confidentiality, act_type, event_id, place_id, "
    "date, victim_id, perpetrator_organization_id, perpetrator_person_id, perpetrator_unknown, "
    "object_kind, object_count";
constexpr char kPersonValues[] =
    "json_extract(?6,'$.sex'), json_extract(?6,'$.birth_date'), "
    "json_extract(?6,'$.age_at_event')";
constexpr char kPersonColumns[] =
    "record_id, revision, valid_from, deleted, confidentiality, sex, birth_date, age_at_event";

std::string Backfill(const char* table, const char* columns, const char* values, const char* type) {
  std::string v = values;
  // In the backfill the body is a column, not a parameter.
  for (size_t at = v.find("?6"); at != std::string::npos; at = v.find("?6", at))
    v.replace(at, 2, "body");
  return std::string("INSERT INTO ") + table + "(" + columns +
         ") SELECT record_id, revision, updated_at, deleted, confidentiality, " + v +
         " FROM revisions WHERE type='" + type + "' ORDER BY updated_at, record_id, revision";
}

std::string WhereOf(const FactScan& scan) {
  std::string where = " WHERE seq>?1";
  if (!scan.valid_at.empty()) where += " AND valid_from<=?2";
  return where + " ORDER BY seq";
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
  if (s.ok()) s = Exec(db, "DELETE FROM stat_acts; DELETE FROM stat_persons;");
  if (s.ok()) s = Exec(db, Backfill("stat_acts", kActColumns, kActValues, "act"));
  if (s.ok()) s = Exec(db, Backfill("stat_persons", kPersonColumns, kPersonValues, "person"));
  if (s.ok())
    s = Exec(db,
             std::string("INSERT OR REPLACE INTO meta(key, value) VALUES('stat_facts_version', '") +
                 kFactsVersion + "')");
  if (!s.ok()) return rollback(s);
  return Exec(db, "COMMIT");
}

Status SqliteTransaction::InsertFact(const StoredRecord& r) {
  const char* table = nullptr;
  const char* columns = nullptr;
  const char* values = nullptr;
  if (r.type == "act") {
    table = "stat_acts", columns = kActColumns, values = kActValues;
  } else if (r.type == "person") {
    table = "stat_persons", columns = kPersonColumns, values = kPersonValues;
  } else {
    return Status::Ok();
  }
  Statement& s = Prepared(std::string("INSERT INTO ") + table + "(" + columns +
                          ") VALUES(?1,?2,?3,?4,?5," + values + ")");
  s.Bind(1, r.id).Bind(2, r.revision).Bind(3, r.updated_at);
  s.Bind(4, static_cast<int64_t>(r.deleted)).Bind(5, r.confidentiality).Bind(6, r.body);
  return s.Run();
}

namespace {

// Steps through the rows of `s`, filling a fact with `read` and handing it
// to `fn`; stops at the first error `fn` returns.
template <typename Fact>
Status ScanRows(Statement& s, const FactScan& scan, void (*read)(const Statement&, Fact*),
                const std::function<Status(const Fact&)>& fn) {
  s.Bind(1, scan.after_seq);
  if (!scan.valid_at.empty()) s.Bind(2, scan.valid_at);
  Fact f;
  while (s.Step()) {
    read(s, &f);
    Status st = fn(f);
    if (!st.ok()) {
      s.Reset();
      return st;
    }
  }
  return s.status();
}

// The columns every fact starts with.
template <typename Fact>
void ReadEnvelope(const Statement& s, Fact* f) {
  f->seq = s.Int(0);
  f->id = s.TextView(1);
  f->revision = s.Int(2);
  f->valid_from = s.TextView(3);
  f->deleted = s.Int(4) != 0;
  f->confidentiality = s.TextView(5);
}

void ReadAct(const Statement& s, ActFact* f) {
  ReadEnvelope(s, f);
  f->type = s.TextView(6);
  f->event_id = s.TextView(7);
  f->place_id = s.TextView(8);
  f->date = s.TextView(9);
  f->victim_id = s.TextView(10);
  f->perpetrator_organization_id = s.TextView(11);
  f->perpetrator_person_id = s.TextView(12);
  f->perpetrator_unknown = s.Int(13) != 0;
  f->object_kind = s.TextView(14);
  f->object_count = s.Int(15);
}

void ReadPerson(const Statement& s, PersonFact* f) {
  ReadEnvelope(s, f);
  f->sex = s.TextView(6);
  f->birth_date = s.TextView(7);
  f->age_at_event = s.IsNull(8) ? -1 : s.Int(8);
}

}  // namespace

Status SqliteTransaction::ScanActFacts(const FactScan& scan,
                                       const std::function<Status(const ActFact&)>& fn) {
  return ScanRows(
      Prepared(std::string("SELECT seq, ") + kActColumns + " FROM stat_acts" + WhereOf(scan)), scan,
      &ReadAct, fn);
}

Status SqliteTransaction::ScanPersonFacts(const FactScan& scan,
                                          const std::function<Status(const PersonFact&)>& fn) {
  return ScanRows(
      Prepared(std::string("SELECT seq, ") + kPersonColumns + " FROM stat_persons" + WhereOf(scan)),
      scan, &ReadPerson, fn);
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
