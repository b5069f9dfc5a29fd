// Bulk mode past StoreOptions::bulk_refs_in_place: the references are held
// and inserted sorted later; the table must end up exactly as when each is
// inserted at its place, and the dangling check must see the held ones.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "storage/store.h"

namespace kuzot::storage {
namespace {

std::string Id(char kind, int i) {  // a ULID-shaped id, e.g. 01ARZ3NDEKTSV4RRFFQ69GE007
  std::string n = std::to_string(i);
  return "01ARZ3NDEKTSV4RRFFQ69G" + std::string(1, kind) + std::string(3 - n.size(), '0') + n;
}

NewRecord Record(const std::string& id, const std::string& type,
                 std::vector<Reference> references) {
  NewRecord n;
  n.record.id = id;
  n.record.type = type;
  n.record.revision = 1;
  n.record.body = "{}";
  n.record.created_at = n.record.updated_at = "2026-11-25T00:00:00Z";
  n.record.created_by = n.record.updated_by = "tester";
  n.references = std::move(references);
  return n;
}

// Imports events E000..E049 and acts referring to them in a scrambled
// order (and one to itself twice, and one in a record that is skipped)
// into a new database with `in_place` references inserted at their place;
// returns the refs table, or the dangling target when `dangling`.
std::string Load(const std::filesystem::path& file, size_t in_place, bool dangling) {
  StoreOptions options;
  options.path = file.string();
  options.bulk_refs_in_place = in_place;
  auto store = Store::Open(options);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  auto tx = store.value()->BeginBulkWrite();
  EXPECT_TRUE(tx.ok());
  EXPECT_TRUE(tx.value()->SetBulkMode(true).ok());
  std::vector<NewRecord> batch;
  for (int i = 0; i < 50; ++i) batch.push_back(Record(Id('E', i), "event", {}));
  for (int i = 0; i < 50; ++i) {
    std::vector<Reference> refs = {{"event_id", Id('E', (i * 37) % 50)},
                                   {"place_id", Id('E', (i * 11) % 50)}};
    if (i == 7) refs.push_back({"event_id", Id('E', (i * 37) % 50)});  // the same twice
    batch.push_back(Record(Id('A', i), "act", refs));
  }
  // Named twice: skipped, and its references with it.
  batch.push_back(Record(Id('A', 3), "act", {{"event_id", Id('E', 49)}}));
  if (dangling) batch.push_back(Record(Id('A', 99), "act", {{"event_id", Id('X', 1)}}));
  auto added = tx.value()->InsertNew(batch);
  EXPECT_TRUE(added.ok());
  std::string target;
  auto found = tx.value()->FindDanglingReference(&target);
  EXPECT_TRUE(found.ok());
  if (dangling) {
    EXPECT_TRUE(found.value().has_value());
    return found.value() ? found.value()->from_id + " " + found.value()->field + " " + target : "";
  }
  EXPECT_FALSE(found.value().has_value());
  // Some more after the check, settled when bulk mode ends.
  std::vector<NewRecord> more = {Record(Id('A', 60), "act", {{"event_id", Id('E', 0)}})};
  EXPECT_TRUE(tx.value()->InsertNew(more).ok());
  EXPECT_TRUE(tx.value()->SetBulkMode(false).ok());
  EXPECT_TRUE(tx.value()->Commit().ok());
  tx.value().reset();  // before its store
  store.value().reset();

  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, "SELECT to_id, field, from_id FROM refs", -1, &s, nullptr),
            SQLITE_OK);
  std::string rows;
  while (sqlite3_step(s) == SQLITE_ROW) {
    for (int c = 0; c < 3; ++c) rows += reinterpret_cast<const char*>(sqlite3_column_text(s, c));
    rows += "\n";
  }
  sqlite3_finalize(s);
  sqlite3_close(db);
  return rows;
}

TEST(BulkRefsTest, HeldReferencesEndUpAsInsertedInPlace) {
  auto dir =
      std::filesystem::temp_directory_path() / ("kuzot-bulk-refs-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::string in_place = Load(dir / "a.db", 1000000, false);
  EXPECT_EQ(std::count(in_place.begin(), in_place.end(), '\n'), 101);
  EXPECT_EQ(Load(dir / "b.db", 0, false), in_place);   // all held
  EXPECT_EQ(Load(dir / "c.db", 20, false), in_place);  // some of each
  std::string dangling = Id('A', 99) + " event_id " + Id('X', 1);
  EXPECT_EQ(Load(dir / "d.db", 1000000, true), dangling);
  EXPECT_EQ(Load(dir / "e.db", 0, true), dangling);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace kuzot::storage
