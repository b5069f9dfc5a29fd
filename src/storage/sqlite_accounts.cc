// Accounts, tokens and the hash-chained audit log in SQLite.
#include <sodium.h>

#include "storage/sqlite_store_impl.h"

namespace kuzot::storage {
namespace {

constexpr char kUserColumns[] =
    "username, display_name, role, password_hash, disabled, failed_logins, locked_until, "
    "created_at, updated_at";
constexpr char kTokenColumns[] =
    "token_hash, kind, username, csrf_token, name, created_ms, expires_ms, revoked";
constexpr char kAuditColumns[] =
    "seq, at, actor, action, target, detail, remote, prev_hash, hash";

UserRow ReadUser(const Statement& s) {
  return {s.Text(0), s.Text(1), s.Text(2),         s.Text(3), s.Int(4) != 0,
          static_cast<int>(s.Int(5)), s.Int(6), s.Text(7), s.Text(8)};
}

TokenRow ReadToken(const Statement& s) {
  return {s.Text(0), s.Text(1), s.Text(2), s.Text(3), s.Text(4), s.Int(5), s.Int(6), s.Int(7) != 0};
}

AuditEntry ReadAudit(const Statement& s) {
  return {s.Int(0),  s.Text(1), s.Text(2), s.Text(3), s.Text(4),
          s.Text(5), s.Text(6), s.Text(7), s.Text(8)};
}

// BLAKE2b-256 over the previous hash and every field, each length-prefixed
// so that no two different entries serialise alike.
std::string ChainHash(const AuditEntry& e, const std::string& prev, const std::string& key) {
  crypto_generichash_state state;
  crypto_generichash_init(&state, reinterpret_cast<const unsigned char*>(key.data()),
                          key.size() >= crypto_generichash_KEYBYTES_MIN ? key.size() : 0, 32);
  auto add = [&](const std::string& field) {
    uint64_t n = field.size();
    unsigned char length[8];
    for (int i = 0; i < 8; ++i) length[i] = static_cast<unsigned char>(n >> (8 * i));
    crypto_generichash_update(&state, length, sizeof length);
    crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(field.data()),
                              field.size());
  };
  add(prev);
  add(std::to_string(e.seq));
  for (const std::string* f : {&e.at, &e.actor, &e.action, &e.target, &e.detail, &e.remote}) {
    add(*f);
  }
  unsigned char out[32];
  crypto_generichash_final(&state, out, sizeof out);
  char hex[65];
  sodium_bin2hex(hex, sizeof hex, out, sizeof out);
  return hex;
}

// The keyed seal of the log's last entry, kept in meta: cutting entries off
// the end of the chain leaves every remaining link valid, but not this.
std::string HeadSeal(int64_t seq, const std::string& hash, const std::string& key) {
  AuditEntry head;
  head.seq = seq;
  head.action = "head";
  return std::to_string(seq) + ":" + ChainHash(head, hash, key);
}

}  // namespace

Status SqliteTransaction::WriteAuditHead(int64_t seq, const std::string& hash,
                                         const std::string& key) {
  Statement& s = Prepared("INSERT OR REPLACE INTO meta(key, value) VALUES('audit_head', ?)");
  s.Bind(1, HeadSeal(seq, hash, key));
  return s.Run();
}

Result<std::optional<UserRow>> SqliteTransaction::GetUser(std::string_view username) {
  Statement& s = Prepared(std::string("SELECT ") + kUserColumns + " FROM users WHERE username=?");
  s.Bind(1, username);
  if (s.Step()) return std::optional<UserRow>(ReadUser(s));
  KUZOT_RETURN_IF_ERROR(s.status());
  return std::optional<UserRow>();
}

Status SqliteTransaction::PutUser(const UserRow& u) {
  if (!write_) return Status::Internal("write in a read transaction");
  Statement& s = Prepared(std::string("INSERT OR REPLACE INTO users(") + kUserColumns +
                          ") VALUES(?,?,?,?,?,?,?,?,?)");
  s.Bind(1, u.username).Bind(2, u.display_name).Bind(3, u.role).Bind(4, u.password_hash);
  s.Bind(5, int64_t{u.disabled}).Bind(6, int64_t{u.failed_logins}).Bind(7, u.locked_until_ms);
  s.Bind(8, u.created_at).Bind(9, u.updated_at);
  return s.Run();
}

Result<std::vector<UserRow>> SqliteTransaction::ListUsers() {
  Statement& s = Prepared(std::string("SELECT ") + kUserColumns + " FROM users ORDER BY username");
  std::vector<UserRow> out;
  while (s.Step()) out.push_back(ReadUser(s));
  KUZOT_RETURN_IF_ERROR(s.status());
  return out;
}

Result<std::optional<TokenRow>> SqliteTransaction::GetToken(std::string_view token_hash) {
  Statement& s =
      Prepared(std::string("SELECT ") + kTokenColumns + " FROM tokens WHERE token_hash=?");
  s.Bind(1, token_hash);
  if (s.Step()) return std::optional<TokenRow>(ReadToken(s));
  KUZOT_RETURN_IF_ERROR(s.status());
  return std::optional<TokenRow>();
}

Status SqliteTransaction::PutToken(const TokenRow& t) {
  if (!write_) return Status::Internal("write in a read transaction");
  Statement& s = Prepared(std::string("INSERT OR REPLACE INTO tokens(") + kTokenColumns +
                          ") VALUES(?,?,?,?,?,?,?,?)");
  s.Bind(1, t.token_hash).Bind(2, t.kind).Bind(3, t.username).Bind(4, t.csrf_token);
  s.Bind(5, t.name).Bind(6, t.created_ms).Bind(7, t.expires_ms).Bind(8, int64_t{t.revoked});
  return s.Run();
}

Result<std::vector<TokenRow>> SqliteTransaction::ListTokens(std::string_view username,
                                                            std::string_view kind) {
  Statement& s = Prepared(std::string("SELECT ") + kTokenColumns +
                          " FROM tokens WHERE username=? AND kind=? ORDER BY created_ms");
  s.Bind(1, username).Bind(2, kind);
  std::vector<TokenRow> out;
  while (s.Step()) out.push_back(ReadToken(s));
  KUZOT_RETURN_IF_ERROR(s.status());
  return out;
}

Status SqliteTransaction::DeleteExpiredSessions(int64_t now_ms) {
  if (!write_) return Status::Internal("write in a read transaction");
  return Prepared("DELETE FROM tokens WHERE kind='session' AND expires_ms<?").Bind(1, now_ms).Run();
}

Status SqliteTransaction::AppendAudit(AuditEntry& e) {
  if (!write_) return Status::Internal("audit write in a read transaction");
  std::string prev;
  int64_t last_seq = 0;
  {
    Statement& s = Prepared("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1");
    if (s.Step()) {
      last_seq = s.Int(0);
      prev = s.Text(1);
    }
    KUZOT_RETURN_IF_ERROR(s.status());
  }
  e.seq = last_seq + 1;
  e.prev_hash = prev;
  if (e.detail.empty()) e.detail = "{}";
  e.hash = ChainHash(e, prev, audit_key());
  Statement& s = Prepared(std::string("INSERT INTO audit_log(") + kAuditColumns +
                          ") VALUES(?,?,?,?,?,?,?,?,?)");
  s.Bind(1, e.seq).Bind(2, e.at).Bind(3, e.actor).Bind(4, e.action).Bind(5, e.target);
  s.Bind(6, e.detail).Bind(7, e.remote).Bind(8, e.prev_hash).Bind(9, e.hash);
  KUZOT_RETURN_IF_ERROR(s.Run());
  return WriteAuditHead(e.seq, e.hash, audit_key());
}

Result<std::vector<AuditEntry>> SqliteTransaction::ListAudit(const AuditQuery& q) {
  std::string sql = std::string("SELECT ") + kAuditColumns + " FROM audit_log WHERE seq>?";
  std::vector<std::string> binds;
  auto add = [&](const std::string& value, const char* clause) {
    if (value.empty()) return;
    sql += clause;
    binds.push_back(value);
  };
  add(q.actor, " AND actor=?");
  add(q.action, " AND action=?");
  add(q.target, " AND target=?");
  add(q.since, " AND at>=?");
  add(q.until, " AND at<?");
  sql += " ORDER BY seq LIMIT ?";
  Statement s(db(), sql);
  KUZOT_RETURN_IF_ERROR(s.prepare_status());
  s.Bind(1, q.after_seq);
  int index = 2;
  for (const auto& b : binds) s.Bind(index++, b);
  s.Bind(index, static_cast<int64_t>(q.limit));
  std::vector<AuditEntry> out;
  while (s.Step()) out.push_back(ReadAudit(s));
  KUZOT_RETURN_IF_ERROR(s.status());
  return out;
}

Status SqliteTransaction::RechainAudit(const std::string& key) {
  if (!write_) return Status::Internal("audit write in a read transaction");
  std::vector<AuditEntry> entries;
  {
    Statement s(db(), std::string("SELECT ") + kAuditColumns + " FROM audit_log ORDER BY seq");
    while (s.Step()) entries.push_back(ReadAudit(s));
    KUZOT_RETURN_IF_ERROR(s.status());
  }
  std::string prev;
  for (AuditEntry& e : entries) {
    e.prev_hash = prev;
    e.hash = ChainHash(e, prev, key);
    Statement& u = Prepared("UPDATE audit_log SET prev_hash=?, hash=? WHERE seq=?");
    u.Bind(1, e.prev_hash).Bind(2, e.hash).Bind(3, e.seq);
    KUZOT_RETURN_IF_ERROR(u.Run());
    prev = e.hash;
  }
  if (entries.empty()) return Status::Ok();
  return WriteAuditHead(entries.back().seq, entries.back().hash, key);
}

Result<AuditVerdict> SqliteTransaction::VerifyAudit() {
  AuditVerdict verdict;
  // In the order the rows are stored (rowid = seq), so a reordering shows.
  Statement s(db(), std::string("SELECT ") + kAuditColumns + " FROM audit_log ORDER BY rowid");
  std::string prev;
  int64_t expected_seq = 1;
  while (s.Step()) {
    AuditEntry e = ReadAudit(s);
    ++verdict.entries;
    std::string problem;
    if (e.seq != expected_seq) {
      problem = "entry " + std::to_string(expected_seq) + " is missing (found " +
                std::to_string(e.seq) + " in its place)";
    } else if (e.prev_hash != prev) {
      problem = "does not follow the entry before it (an entry was removed or moved)";
    } else if (ChainHash(e, prev, audit_key()) != e.hash) {
      problem = "its content does not match its hash (it was edited)";
    }
    if (!problem.empty()) {
      verdict.intact = false;
      verdict.broken_seq = expected_seq;
      verdict.problem = problem;
      return verdict;
    }
    prev = e.hash;
    ++expected_seq;
  }
  KUZOT_RETURN_IF_ERROR(s.status());
  verdict.last_hash = prev;
  // The chain holds; does it end where it was last written?
  std::string head;
  {
    Statement& h = Prepared("SELECT value FROM meta WHERE key='audit_head'");
    if (h.Step()) head = h.Text(0);
    KUZOT_RETURN_IF_ERROR(h.status());
  }
  int64_t last = expected_seq - 1;
  if (head.empty()) {
    // Logs written before the seal existed have none; once the database is
    // bound to a keyring it always has one.
    bool bound = false;
    {
      Statement& k = Prepared("SELECT 1 FROM meta WHERE key='keyring_id'");
      bound = k.Step();
      KUZOT_RETURN_IF_ERROR(k.status());
    }
    if (last > 0 && bound) {
      verdict.intact = false;
      verdict.broken_seq = last;
      verdict.problem = "the seal of the log's last entry is missing (it was removed)";
    }
    return verdict;
  }
  int64_t sealed_seq = std::strtoll(head.c_str(), nullptr, 10);
  if (sealed_seq != last) {
    verdict.intact = false;
    verdict.broken_seq = std::min(sealed_seq, last) + 1;
    verdict.problem = sealed_seq > last
                          ? "the log ends at entry " + std::to_string(last) +
                                " but was last written at entry " + std::to_string(sealed_seq) +
                                ": entries were cut off its end"
                          : "entries were added after the last one Kuzot wrote";
  } else if (head != HeadSeal(last, prev, audit_key())) {
    verdict.intact = false;
    verdict.broken_seq = last;
    verdict.problem = "the seal of the log's last entry does not match it";
  }
  return verdict;
}

}  // namespace kuzot::storage
