// What the SQLite store does for encryption at rest: the kuzot_body() SQL
// function, blind terms, meta values and re-sealing every stored body.
#include <sqlite3.h>

#include <filesystem>

#include "storage/sqlite_store_impl.h"

namespace kuzot::storage {
namespace {

constexpr int kBatch = 500;

std::string ColumnText(sqlite3_value* v) {
  const unsigned char* text = sqlite3_value_text(v);
  return text ? std::string(reinterpret_cast<const char*>(text), sqlite3_value_bytes(v))
              : std::string();
}

void BodyFunction(sqlite3_context* context, int argc, sqlite3_value** argv) {
  const auto* codec = static_cast<const BodyCodec*>(sqlite3_user_data(context));
  StoredRecord r;
  r.id = ColumnText(argv[0]);
  r.type = ColumnText(argv[1]);
  r.confidentiality = ColumnText(argv[2]);
  r.body = ColumnText(argv[3]);
  auto opened = codec->Open(r);
  if (!opened.ok()) {
    // Not a silent NULL: a record that cannot be opened must not simply
    // drop out of a list.
    sqlite3_result_error(context, opened.status().message().c_str(), -1);
    return;
  }
  sqlite3_result_text(context, opened->data(), static_cast<int>(opened->size()), SQLITE_TRANSIENT);
}

}  // namespace

Status RegisterBodyFunction(sqlite3* db, const BodyCodec* codec) {
  // SQLITE_DIRECTONLY: never from a view, trigger or index, where its
  // plaintext could end up stored.
  int rc = sqlite3_create_function_v2(db, "kuzot_body", 4, SQLITE_UTF8 | SQLITE_DIRECTONLY,
                                      const_cast<BodyCodec*>(codec), BodyFunction, nullptr, nullptr,
                                      nullptr);
  if (rc != SQLITE_OK) return SqliteStatus(db, rc, "registering kuzot_body");
  return Status::Ok();
}

Status SqliteTransaction::PutBlindTerms(std::string_view id, const std::vector<BlindTerm>& terms) {
  if (!write_) return Status::Internal("write in a read transaction");
  int64_t seq = 0;
  {
    Statement& s = Prepared("SELECT seq FROM records WHERE id=?");
    s.Bind(1, id);
    if (s.Step()) seq = s.Int(0);
    KUZOT_RETURN_IF_ERROR(s.status());
  }
  if (seq == 0) return Status::Internal("blind terms for a record that is not stored");
  KUZOT_RETURN_IF_ERROR(Prepared("DELETE FROM blind_terms WHERE record_seq=?").Bind(1, seq).Run());
  return InsertBlindTerms(seq, terms);
}

Result<std::vector<SearchHit>> SqliteTransaction::BlindSearch(const BlindQuery& q) {
  std::vector<SearchHit> out;
  if (q.words.empty() || q.kinds.empty()) return out;
  std::vector<std::string> binds;
  std::string kinds;
  for (size_t i = 0; i < q.kinds.size(); ++i) {
    kinds += (i ? "," : "") + std::to_string(q.kinds[i]);
  }
  // One semi-join per word: the record has one of the word's terms.
  std::string sql = "SELECT r.id, r.type FROM records r WHERE r.deleted=0";
  for (const auto& alternatives : q.words) {
    if (alternatives.empty()) return out;
    sql += " AND r.seq IN (SELECT record_seq FROM blind_terms WHERE kind IN (" + kinds +
           ") AND term IN (";
    for (size_t i = 0; i < alternatives.size(); ++i) {
      sql += i ? ",?" : "?";
      binds.push_back(alternatives[i]);
    }
    sql += "))";
  }
  auto in_list = [&](const char* column, const std::vector<std::string>& values) {
    if (values.empty()) return;
    sql += std::string(" AND ") + column + " IN (";
    for (size_t i = 0; i < values.size(); ++i) {
      sql += i ? ",?" : "?";
      binds.push_back(values[i]);
    }
    sql += ")";
  };
  in_list("r.type", q.types);
  in_list("r.confidentiality", q.confidentiality_in);
  sql += " ORDER BY r.id LIMIT ?";
  Statement s(db(), sql);
  KUZOT_RETURN_IF_ERROR(s.prepare_status());
  int index = 1;
  for (const auto& b : binds) s.Bind(index++, b);
  s.Bind(index, static_cast<int64_t>(q.limit));
  while (s.Step()) out.push_back({s.Text(0), s.Text(1), 0, ""});
  KUZOT_RETURN_IF_ERROR(s.status());
  return out;
}

Result<std::optional<std::string>> SqliteTransaction::GetMeta(std::string_view key) {
  Statement& s = Prepared("SELECT value FROM meta WHERE key=?");
  s.Bind(1, key);
  if (s.Step()) return std::optional<std::string>(s.Text(0));
  KUZOT_RETURN_IF_ERROR(s.status());
  return std::optional<std::string>();
}

Status SqliteTransaction::SetMeta(std::string_view key, std::string_view value) {
  if (!write_) return Status::Internal("write in a read transaction");
  return Prepared("INSERT OR REPLACE INTO meta(key, value) VALUES(?,?)")
      .Bind(1, key)
      .Bind(2, value)
      .Run();
}

Result<int64_t> SqliteTransaction::ResealBodies() {
  if (!write_) return Status::Internal("write in a read transaction");
  if (!codec()) return int64_t{0};
  int64_t rewritten = 0;
  // Records, in batches by seq so that no statement reads what it writes.
  int64_t after = 0;
  for (;;) {
    std::vector<std::pair<int64_t, StoredRecord>> batch;
    {
      Statement& s = Prepared(
          "SELECT seq, id, type, confidentiality, body FROM records WHERE seq>? ORDER BY seq "
          "LIMIT " +
          std::to_string(kBatch));
      s.Bind(1, after);
      while (s.Step()) {
        StoredRecord r;
        r.id = s.Text(1);
        r.type = s.Text(2);
        r.confidentiality = s.Text(3);
        r.body = s.Text(4);
        batch.emplace_back(s.Int(0), std::move(r));
      }
      KUZOT_RETURN_IF_ERROR(s.status());
    }
    if (batch.empty()) break;
    for (auto& [seq, stored] : batch) {
      after = seq;
      KUZOT_ASSIGN_OR_RETURN(StoredRecord plain, Decoded(stored));
      KUZOT_ASSIGN_OR_RETURN(std::string body, Encoded(plain));
      if (body == stored.body) continue;
      KUZOT_RETURN_IF_ERROR(
          Prepared("UPDATE records SET body=? WHERE seq=?").Bind(1, body).Bind(2, seq).Run());
      ++rewritten;
    }
  }
  // Revisions, in batches by their key.
  std::string after_id;
  int64_t after_revision = -1;
  for (;;) {
    std::vector<std::pair<int64_t, StoredRecord>> batch;
    {
      Statement& s = Prepared(
          "SELECT revision, record_id, type, confidentiality, body FROM revisions "
          "WHERE (record_id, revision) > (?, ?) ORDER BY record_id, revision LIMIT " +
          std::to_string(kBatch));
      s.Bind(1, after_id).Bind(2, after_revision);
      while (s.Step()) {
        StoredRecord r;
        r.revision = s.Int(0);
        r.id = s.Text(1);
        r.type = s.Text(2);
        r.confidentiality = s.Text(3);
        r.body = s.Text(4);
        batch.emplace_back(r.revision, std::move(r));
      }
      KUZOT_RETURN_IF_ERROR(s.status());
    }
    if (batch.empty()) break;
    for (auto& [revision, stored] : batch) {
      after_id = stored.id;
      after_revision = revision;
      KUZOT_ASSIGN_OR_RETURN(StoredRecord plain, Decoded(stored));
      plain.seal_whole = codec()->IsWholeSealed(stored.body);
      KUZOT_ASSIGN_OR_RETURN(std::string body, Encoded(plain));
      if (body == stored.body) continue;
      Statement& u = Prepared("UPDATE revisions SET body=? WHERE record_id=? AND revision=?");
      u.Bind(1, body).Bind(2, stored.id).Bind(3, revision);
      KUZOT_RETURN_IF_ERROR(u.Run());
      ++rewritten;
    }
  }
  // The statistics rows hold fields read from the stored bodies.
  if (rewritten > 0) KUZOT_RETURN_IF_ERROR(RebuildFacts());
  return rewritten;
}

Result<std::map<std::string, std::string>> ReadMetaOnly(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    return Status::NotFound("there is no database at " + path);
  sqlite3* db = nullptr;
  // immutable=1: no locks, no -wal or -shm files created, nothing written.
  std::string uri = "file:" + path + "?mode=ro&immutable=1";
  int rc = sqlite3_open_v2(uri.c_str(), &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, nullptr);
  std::map<std::string, std::string> out;
  Status status;
  if (rc != SQLITE_OK) {
    status = SqliteStatus(db, rc, "reading " + path);
  } else {
    Statement s(db, "SELECT key, value FROM meta");
    while (s.Step()) out[s.Text(0)] = s.Text(1);
    if (!s.prepare_status().ok()) {
      status = s.prepare_status();
    } else if (!s.status().ok()) {
      status = s.status();
    }
  }
  sqlite3_close_v2(db);
  if (!status.ok()) return status;
  return out;
}

Status SqliteTransaction::ResealHistory(std::string_view id) {
  if (!write_) return Status::Internal("write in a read transaction");
  if (!codec()) return Status::Ok();
  std::vector<StoredRecord> revisions;
  {
    Statement& s =
        Prepared("SELECT revision, type, confidentiality, body FROM revisions WHERE record_id=?");
    s.Bind(1, id);
    while (s.Step()) {
      StoredRecord r;
      r.id = std::string(id);
      r.revision = s.Int(0);
      r.type = s.Text(1);
      r.confidentiality = s.Text(2);
      r.body = s.Text(3);
      revisions.push_back(std::move(r));
    }
    KUZOT_RETURN_IF_ERROR(s.status());
  }
  for (const StoredRecord& stored : revisions) {
    if (codec()->IsWholeSealed(stored.body)) continue;
    KUZOT_ASSIGN_OR_RETURN(StoredRecord plain, Decoded(stored));
    plain.seal_whole = true;
    KUZOT_ASSIGN_OR_RETURN(std::string body, Encoded(plain));
    Statement& u = Prepared("UPDATE revisions SET body=? WHERE record_id=? AND revision=?");
    u.Bind(1, body).Bind(2, stored.id).Bind(3, stored.revision);
    KUZOT_RETURN_IF_ERROR(u.Run());
  }
  // Its statistics rows too: their fields were read from the open bodies.
  return RebuildFacts(id);
}

Status SqliteTransaction::OptimizeSearchIndex() {
  if (!write_) return Status::Internal("write in a read transaction");
  connection_->ResetAll();
  return Exec(db(), "INSERT INTO search(search) VALUES('optimize')");
}

}  // namespace kuzot::storage
