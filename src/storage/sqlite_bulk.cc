// Loading many new records (kuzot import): one INSERT per row and no
// look-ups. Put must first find out whether the record exists (to replace
// it) and PutBlindTerms looks its row up again; a record an import adds is
// new or skipped, which the INSERT itself tells (ON CONFLICT DO NOTHING).
#include "storage/sqlite_store_impl.h"

namespace kuzot::storage {

Status SqliteTransaction::InsertRow(const StoredRecord& r, const std::string& body,
                                    bool unless_there) {
  // Built once, not per row (an import inserts millions).
  static const std::string kInsert =
      "INSERT INTO records(id, type, revision, confidentiality, body, created_at, created_by, "
      "updated_at, updated_by, deleted) VALUES(?,?,?,?,?,?,?,?,?,?)";
  static const std::string kInsertNew = kInsert + " ON CONFLICT(id) DO NOTHING";
  Statement& s = Prepared(unless_there ? kInsertNew : kInsert);
  s.Bind(1, r.id).Bind(2, r.type).Bind(3, r.revision).Bind(4, r.confidentiality);
  s.Bind(5, body).Bind(6, r.created_at).Bind(7, r.created_by).Bind(8, r.updated_at);
  s.Bind(9, r.updated_by).Bind(10, static_cast<int64_t>(r.deleted));
  return s.Run();
}

Result<bool> SqliteTransaction::InsertNew(const StoredRecord& r,
                                          const std::vector<Reference>& references,
                                          std::string_view search_text,
                                          const std::vector<BlindTerm>& blind_terms) {
  if (!write_) return Status::Internal("write in a read transaction");
  if (bulk_) KUZOT_RETURN_IF_ERROR(DropTypeIndexes(r.type));
  KUZOT_ASSIGN_OR_RETURN(std::string body, Encoded(r));
  KUZOT_RETURN_IF_ERROR(InsertRow(r, body, true));
  if (sqlite3_changes(db()) == 0) return false;  // a record of this id is there
  const int64_t seq = sqlite3_last_insert_rowid(db());
  KUZOT_RETURN_IF_ERROR(InsertRefs(r.id, references));
  KUZOT_RETURN_IF_ERROR(InsertBlindTerms(seq, blind_terms));
  if (!r.deleted && !search_text.empty()) KUZOT_RETURN_IF_ERROR(IndexText(seq, search_text));
  return true;
}

Status SqliteTransaction::InsertRefs(std::string_view id,
                                     const std::vector<Reference>& references) {
  for (const Reference& ref : references) {
    Statement& f = Prepared("INSERT OR IGNORE INTO refs(from_id, field, to_id) VALUES(?,?,?)");
    f.Bind(1, id).Bind(2, ref.field).Bind(3, ref.target_id);
    KUZOT_RETURN_IF_ERROR(f.Run());
  }
  return Status::Ok();
}

Status SqliteTransaction::InsertBlindTerms(int64_t seq, const std::vector<BlindTerm>& terms) {
  for (const BlindTerm& t : terms) {
    Statement& b =
        Prepared("INSERT OR IGNORE INTO blind_terms(term, kind, record_seq) VALUES(?,?,?)");
    b.Bind(1, t.term).Bind(2, int64_t{t.kind}).Bind(3, seq);
    KUZOT_RETURN_IF_ERROR(b.Run());
  }
  return Status::Ok();
}

Status SqliteTransaction::IndexText(int64_t seq, std::string_view text) {
  Statement& t = Prepared("INSERT INTO search_text(seq, text) VALUES(?,?)");
  t.Bind(1, seq).Bind(2, text);
  KUZOT_RETURN_IF_ERROR(t.Run());
  if (bulk_) return Status::Ok();  // indexed all at once when bulk mode ends
  Statement& f = Prepared("INSERT INTO search(rowid, text) VALUES(?,?)");
  f.Bind(1, seq).Bind(2, text);
  return f.Run();
}

}  // namespace kuzot::storage
