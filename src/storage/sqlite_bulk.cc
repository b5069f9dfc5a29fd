// Loading many new records (kuzot import): many rows per INSERT and no
// look-ups. Put must first find out whether the record exists (to replace
// it) and PutBlindTerms looks its row up again; a record an import adds is
// new or skipped, which the INSERT itself tells (ON CONFLICT DO NOTHING,
// RETURNING the rows it wrote).
//
// Why many rows per statement: each execution of an INSERT opens a cursor
// on every index of the table, and records has one partial index per
// (type, filterable field) — some fifty, most of them for types a bundle
// does not hold. A statement per row spent 7 µs of its ~20 on that; a
// statement of kRowsPerInsert rows opens them once.
#include <algorithm>
#include <cstring>

#include "storage/sqlite_store_impl.h"

namespace kuzot::storage {
namespace {

constexpr size_t kRowsPerInsert = 32;

// "head VALUES(?,..),(?,..)... tail": `rows` rows of `columns` parameters.
std::string MultiRow(std::string_view head, int columns, size_t rows, std::string_view tail) {
  std::string row = "(?";
  for (int c = 1; c < columns; ++c) row += ",?";
  row += ")";
  std::string sql(head);
  sql += " VALUES";
  for (size_t r = 0; r < rows; ++r) sql += (r ? "," : "") + row;
  return sql += tail;
}

constexpr char kRecordHead[] =
    "INSERT INTO records(id, type, revision, confidentiality, body, created_at, created_by, "
    "updated_at, updated_by, deleted)";
constexpr int kRecordColumns = 10;
// Skips a record whose id is stored, and tells which rows were written.
constexpr char kNew[] = " ON CONFLICT(id) DO NOTHING RETURNING seq, id";

// Binds the row of `r` (stored body `body`) from parameter `first` on.
void BindRecord(Statement& s, int first, const StoredRecord& r, std::string_view body) {
  s.Bind(first, r.id).Bind(first + 1, r.type).Bind(first + 2, r.revision);
  s.Bind(first + 3, r.confidentiality).Bind(first + 4, body).Bind(first + 5, r.created_at);
  s.Bind(first + 6, r.created_by).Bind(first + 7, r.updated_at).Bind(first + 8, r.updated_by);
  s.Bind(first + 9, static_cast<int64_t>(r.deleted));
}

}  // namespace

Status SqliteTransaction::InsertRow(const StoredRecord& r, const std::string& body) {
  static const std::string kInsert = MultiRow(kRecordHead, kRecordColumns, 1, "");  // built once
  Statement& s = Prepared(kInsert);
  BindRecord(s, 1, r, body);
  return s.Run();
}

Result<std::vector<bool>> SqliteTransaction::InsertNew(const std::vector<NewRecord>& records) {
  if (!write_) return Status::Internal("write in a read transaction");
  if (bulk_) {
    for (const NewRecord& n : records) KUZOT_RETURN_IF_ERROR(DropTypeIndexes(n.record.type));
  }
  static const std::string kMany = MultiRow(kRecordHead, kRecordColumns, kRowsPerInsert, kNew);
  static const std::string kOne = MultiRow(kRecordHead, kRecordColumns, 1, kNew);
  std::vector<bool> added(records.size(), false);
  std::vector<int64_t> seqs(records.size(), 0);
  for (size_t at = 0; at < records.size();) {
    const size_t rows = records.size() - at >= kRowsPerInsert ? kRowsPerInsert : 1;
    Statement& s = Prepared(rows == 1 ? kOne : kMany);
    for (size_t i = 0; i < rows; ++i) {
      const StoredRecord& r = records[at + i].record;
      BindRecord(s, static_cast<int>(i) * kRecordColumns + 1, r, r.body);
    }
    // The rows written come back, in no promised order; an id named twice
    // in one statement is written the first time.
    while (s.Step()) {
      const std::string_view id = s.TextView(1);
      for (size_t i = at; i < at + rows; ++i) {
        if (!added[i] && records[i].record.id == id) {
          added[i] = true;
          seqs[i] = s.Int(0);
          break;
        }
      }
    }
    KUZOT_RETURN_IF_ERROR(s.status());
    at += rows;
  }
  // The other tables have an index or two: a statement per row costs no more.
  for (size_t i = 0; i < records.size(); ++i) {
    if (!added[i]) continue;
    const NewRecord& n = records[i];
    KUZOT_RETURN_IF_ERROR(InsertRefs(n.record.id, n.references));
    KUZOT_RETURN_IF_ERROR(InsertBlindTerms(seqs[i], n.blind_terms));
    if (!n.record.deleted && !n.search_text.empty()) {
      KUZOT_RETURN_IF_ERROR(IndexText(seqs[i], n.search_text));
    }
  }
  return added;
}

Status SqliteTransaction::InsertRefs(std::string_view id,
                                     const std::vector<Reference>& references) {
  if (bulk_ && refs_in_place_ >= bulk_refs_in_place()) {
    bool held = true;
    for (const Reference& ref : references) held &= StagedRefs::Fits(id, ref.field, ref.target_id);
    if (held) {
      for (const Reference& ref : references) staged_refs_.Add(id, ref.field, ref.target_id);
      return Status::Ok();
    }
  }
  if (bulk_) refs_in_place_ += references.size();
  for (const Reference& ref : references) {
    Statement& f = Prepared("INSERT OR IGNORE INTO refs(from_id, field, to_id) VALUES(?,?,?)");
    f.Bind(1, id).Bind(2, ref.field).Bind(3, ref.target_id);
    KUZOT_RETURN_IF_ERROR(f.Run());
  }
  return Status::Ok();
}

Status SqliteTransaction::SettleRefs() {
  if (staged_refs_.empty()) return Status::Ok();
  static const std::string kMany = MultiRow("INSERT OR IGNORE INTO refs(to_id, field, from_id)", 3,
                                            kRowsPerInsert, "");  // built once
  static const std::string kOne =
      MultiRow("INSERT OR IGNORE INTO refs(to_id, field, from_id)", 3, 1, "");
  const std::vector<StagedRefs::Row>& rows = staged_refs_.Sorted();
  for (size_t at = 0; at < rows.size();) {
    const size_t n = rows.size() - at >= kRowsPerInsert ? kRowsPerInsert : 1;
    Statement& s = Prepared(n == 1 ? kOne : kMany);
    for (size_t i = 0; i < n; ++i) {
      const StagedRefs::Row& r = rows[at + i];
      const int first = static_cast<int>(i) * 3 + 1;
      s.BindStatic(first, r.to()).BindStatic(first + 1, r.field()).BindStatic(first + 2, r.from());
    }
    KUZOT_RETURN_IF_ERROR(s.Run());
    at += n;
  }
  staged_refs_.Clear();
  return Status::Ok();
}

void StagedRefs::Add(std::string_view from, std::string_view field, std::string_view to) {
  const size_t size = from.size() + field.size() + to.size();
  if (kBlock - used_ < size) {
    blocks_.push_back(std::unique_ptr<char[]>(new char[std::max(kBlock, size)]));
    used_ = 0;
  }
  char* at = blocks_.back().get() + used_;
  std::memcpy(at, from.data(), from.size());
  std::memcpy(at + from.size(), field.data(), field.size());
  std::memcpy(at + from.size() + field.size(), to.data(), to.size());
  used_ += size;
  Row row{{0, 0},
          at,
          static_cast<uint16_t>(from.size()),
          static_cast<uint16_t>(field.size()),
          static_cast<uint16_t>(to.size())};
  for (size_t i = 0; i < 16 && i < to.size(); ++i) {
    row.to_prefix[i / 8] |= uint64_t{static_cast<unsigned char>(to[i])} << (8 * (7 - i % 8));
  }
  rows_.push_back(row);
}

std::vector<StagedRefs::Row>& StagedRefs::Sorted() {
  std::sort(rows_.begin(), rows_.end(), [](const Row& a, const Row& b) {
    // Zero padding sorts a shorter prefix first, as the full comparison does.
    if (a.to_prefix[0] != b.to_prefix[0]) return a.to_prefix[0] < b.to_prefix[0];
    if (a.to_prefix[1] != b.to_prefix[1]) return a.to_prefix[1] < b.to_prefix[1];
    if (int c = a.to().compare(b.to())) return c < 0;
    if (int c = a.field().compare(b.field())) return c < 0;
    return a.from() < b.from();
  });
  return rows_;
}

void StagedRefs::Clear() {
  rows_ = {};
  blocks_.clear();
  used_ = kBlock;
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
