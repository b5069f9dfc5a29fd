// Evidence blobs and the chain of custody in SQLite (the evidence module's
// tables; SQL stays in the storage module).
#include <sodium.h>

#include <map>

#include "storage/schema.h"
#include "storage/sqlite_store_impl.h"

namespace kuzot::storage {
namespace {

constexpr char kBlobColumns[] =
    "name, sha256, size, media_type, created_at, status, checked_at, problem";
constexpr char kCustodyColumns[] =
    "seq, evidence_id, at, actor, action, remote, sha256, detail, prev_hash, hash";

BlobRow ReadBlob(const Statement& s) {
  return {s.Text(0), s.Text(1), s.Int(2), s.Text(3), s.Text(4), s.Text(5), s.Text(6), s.Text(7)};
}

CustodyEntry ReadCustody(const Statement& s) {
  return {s.Int(0),  s.Text(1), s.Text(2), s.Text(3), s.Text(4),
          s.Text(5), s.Text(6), s.Text(7), s.Text(8), s.Text(9)};
}

}  // namespace

std::string EvidenceSchema() {
  return R"sql(
CREATE TABLE IF NOT EXISTS evidence_blobs(
  name TEXT PRIMARY KEY,
  sha256 TEXT NOT NULL,
  size INTEGER NOT NULL,
  media_type TEXT NOT NULL,
  created_at TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'ok',
  checked_at TEXT NOT NULL DEFAULT '',
  problem TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS custody(
  seq INTEGER PRIMARY KEY,
  evidence_id TEXT NOT NULL,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  remote TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  detail TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS custody_evidence ON custody(evidence_id, seq);
)sql";
}

std::string CustodyHash(const CustodyEntry& e) {
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  for (const std::string* f : {&e.prev_hash, &e.evidence_id, &e.at, &e.actor, &e.action, &e.remote,
                               &e.sha256, &e.detail}) {
    uint64_t n = f->size();
    unsigned char length[8];
    for (int i = 0; i < 8; ++i) length[i] = static_cast<unsigned char>(n >> (8 * i));
    crypto_hash_sha256_update(&state, length, sizeof length);
    crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(f->data()), f->size());
  }
  unsigned char out[32];
  crypto_hash_sha256_final(&state, out);
  char hex[65];
  sodium_bin2hex(hex, sizeof hex, out, sizeof out);
  return hex;
}

Result<std::optional<BlobRow>> SqliteTransaction::GetBlob(std::string_view name) {
  Statement& s =
      Prepared(std::string("SELECT ") + kBlobColumns + " FROM evidence_blobs WHERE name=?");
  s.Bind(1, name);
  if (s.Step()) return std::optional<BlobRow>(ReadBlob(s));
  KUZOT_RETURN_IF_ERROR(s.status());
  return std::optional<BlobRow>();
}

Status SqliteTransaction::PutBlob(const BlobRow& b) {
  if (!write_) return Status::Internal("write in a read transaction");
  Statement& s = Prepared(std::string("INSERT OR REPLACE INTO evidence_blobs(") + kBlobColumns +
                          ") VALUES(?,?,?,?,?,?,?,?)");
  s.Bind(1, b.name).Bind(2, b.sha256).Bind(3, b.size).Bind(4, b.media_type).Bind(5, b.created_at);
  s.Bind(6, b.status).Bind(7, b.checked_at).Bind(8, b.problem);
  return s.Run();
}

Status SqliteTransaction::ForEachBlob(const std::function<Status(const BlobRow&)>& fn) {
  Statement s(db(), std::string("SELECT ") + kBlobColumns + " FROM evidence_blobs ORDER BY name");
  KUZOT_RETURN_IF_ERROR(s.prepare_status());
  while (s.Step()) KUZOT_RETURN_IF_ERROR(fn(ReadBlob(s)));
  return s.status();
}

Status SqliteTransaction::AppendCustody(CustodyEntry& e) {
  if (!write_) return Status::Internal("custody write in a read transaction");
  {
    Statement& s =
        Prepared("SELECT hash FROM custody WHERE evidence_id=? ORDER BY seq DESC LIMIT 1");
    s.Bind(1, e.evidence_id);
    e.prev_hash = s.Step() ? s.Text(0) : "";
    KUZOT_RETURN_IF_ERROR(s.status());
  }
  if (e.detail.empty()) e.detail = "{}";
  e.hash = CustodyHash(e);
  Statement& s = Prepared(
      "INSERT INTO custody(evidence_id, at, actor, action, remote, sha256, detail, prev_hash, "
      "hash) VALUES(?,?,?,?,?,?,?,?,?)");
  s.Bind(1, e.evidence_id).Bind(2, e.at).Bind(3, e.actor).Bind(4, e.action).Bind(5, e.remote);
  s.Bind(6, e.sha256).Bind(7, e.detail).Bind(8, e.prev_hash).Bind(9, e.hash);
  KUZOT_RETURN_IF_ERROR(s.Run());
  e.seq = sqlite3_last_insert_rowid(db());
  return Status::Ok();
}

Result<std::vector<CustodyEntry>> SqliteTransaction::ListCustody(std::string_view evidence_id) {
  Statement& s = Prepared(std::string("SELECT ") + kCustodyColumns +
                          " FROM custody WHERE evidence_id=? ORDER BY seq");
  s.Bind(1, evidence_id);
  std::vector<CustodyEntry> out;
  while (s.Step()) out.push_back(ReadCustody(s));
  KUZOT_RETURN_IF_ERROR(s.status());
  return out;
}

Result<CustodyVerdict> SqliteTransaction::VerifyCustody() {
  CustodyVerdict verdict;
  Statement s(db(), std::string("SELECT ") + kCustodyColumns + " FROM custody ORDER BY rowid");
  KUZOT_RETURN_IF_ERROR(s.prepare_status());
  std::map<std::string, std::string> last;  // evidence id -> hash of its latest entry
  while (s.Step()) {
    CustodyEntry e = ReadCustody(s);
    ++verdict.entries;
    std::string problem;
    if (e.prev_hash != last[e.evidence_id]) {
      problem = "does not follow the record's entry before it (an entry was removed or moved)";
    } else if (CustodyHash(e) != e.hash) {
      problem = "its content does not match its hash (it was edited)";
    }
    if (!problem.empty()) {
      verdict.intact = false;
      verdict.broken_seq = e.seq;
      verdict.evidence_id = e.evidence_id;
      verdict.problem = problem;
      return verdict;
    }
    last[e.evidence_id] = e.hash;
  }
  KUZOT_RETURN_IF_ERROR(s.status());
  return verdict;
}

}  // namespace kuzot::storage
