// Overview queries in SQLite: the latest changes and distinct referenced
// records, for the web application's dashboard.
#include "storage/sqlite_store_impl.h"

namespace kuzot::storage {
namespace {

// "?,?,?" for `n` parameters; `n` is at least one.
std::string Placeholders(size_t n) {
  std::string out = "?";
  for (size_t i = 1; i < n; ++i) out += ",?";
  return out;
}

}  // namespace

Result<std::vector<RecentChange>> SqliteTransaction::RecentChanges(
    int limit, const std::vector<std::string>& confidentiality_in) {
  std::vector<RecentChange> out;
  if (confidentiality_in.empty() || limit < 1) return out;
  std::string levels = Placeholders(confidentiality_in.size());
  // Walks revisions_time newest first and stops at `limit` visible rows.
  Statement& s = Prepared(
      "SELECT v.record_id, r.type, v.revision, v.op, v.updated_at, v.updated_by, "
      "r.confidentiality, r.deleted, r.body FROM revisions v JOIN records r ON r.id=v.record_id "
      "WHERE v.confidentiality IN (" +
      levels + ") AND r.confidentiality IN (" + levels +
      ") ORDER BY v.updated_at DESC, v.revision DESC LIMIT ?");
  KUZOT_RETURN_IF_ERROR(s.prepare_status());
  int index = 1;
  for (int pass = 0; pass < 2; ++pass) {
    for (const auto& level : confidentiality_in) s.Bind(index++, level);
  }
  s.Bind(index, static_cast<int64_t>(limit));
  while (s.Step()) {
    out.push_back({s.Text(0), s.Text(1), s.Int(2), s.Text(3), s.Text(4), s.Text(5), s.Text(6),
                   s.Int(7) != 0, s.Text(8)});
  }
  KUZOT_RETURN_IF_ERROR(s.status());
  // Bodies are stored sealed where the codec says so: open them here.
  for (auto& change : out) {
    StoredRecord r;
    r.id = change.id;
    r.type = change.type;
    r.confidentiality = change.confidentiality;
    r.body = std::move(change.body);
    KUZOT_ASSIGN_OR_RETURN(r, Decoded(std::move(r)));
    change.body = std::move(r.body);
  }
  return out;
}

Result<int64_t> SqliteTransaction::CountDistinctReferenced(
    const ListQuery& query, std::string_view field, const std::vector<std::string>& target_levels) {
  if (target_levels.empty()) return int64_t{0};
  Binds binds;
  binds.emplace_back(std::string(field));
  for (const auto& level : target_levels) binds.emplace_back(level);
  std::string order_key;
  KUZOT_ASSIGN_OR_RETURN(std::string clause,
                         WhereClause(query, false, Arm::kAll, &binds, &order_key));
  Statement& s = Prepared(
      "SELECT count(DISTINCT x.to_id) FROM refs x JOIN records t ON t.id=x.to_id "
      "WHERE x.field=? AND t.deleted=0 AND t.confidentiality IN (" +
      Placeholders(target_levels.size()) + ") AND x.from_id IN (SELECT r.id" + clause + ")");
  KUZOT_RETURN_IF_ERROR(s.prepare_status());
  BindAll(s, binds);
  int64_t n = s.Step() ? s.Int(0) : 0;
  KUZOT_RETURN_IF_ERROR(s.status());
  return n;
}

}  // namespace kuzot::storage
