// kill -9 during a stream of writes: after a restart every acknowledged
// write is there and the database is intact.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "kuzot_process.h"

namespace kuzot::testing {
namespace {

std::string IntegrityCheck(const std::filesystem::path& db_path) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* stmt = nullptr;
  std::string result = "no answer";
  if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &stmt, nullptr) == SQLITE_OK &&
      sqlite3_step(stmt) == SQLITE_ROW) {
    result = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return result;
}

TEST(CrashTest, AcknowledgedWritesSurviveKill9) {
  auto dir = TestDir("crash");
  std::vector<std::string> acknowledged;
  for (int round = 0; round < 3; ++round) {
    KuzotProcess kuzot(dir);
    ASSERT_TRUE(kuzot.Start());
    std::mutex mutex;
    std::atomic<bool> stop{false};
    std::vector<std::thread> writers;
    for (int w = 0; w < 4; ++w) {
      writers.emplace_back([&, w] {
        for (int i = 0; !stop; ++i) {
          std::string body = "{\"title\": \"round " + std::to_string(round) + " writer " +
                             std::to_string(w) + " event " + std::to_string(i) + "\"}";
          auto r = kuzot.Request("POST", "/api/v1/events", body);
          if (r.status != 201) break;  // the server is gone
          std::lock_guard<std::mutex> lock(mutex);
          acknowledged.push_back(r.json()["id"]);
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(700));
    kuzot.Kill();
    stop = true;
    for (auto& t : writers) t.join();
    EXPECT_EQ(IntegrityCheck(dir / "kuzot.db"), "ok");
  }
  ASSERT_GT(acknowledged.size(), 10u);
  KuzotProcess kuzot(dir);
  ASSERT_TRUE(kuzot.Start());
  for (const auto& id : acknowledged) {
    auto r = kuzot.Request("GET", "/api/v1/events/" + id);
    ASSERT_EQ(r.status, 200) << "acknowledged write " << id << " was lost";
    auto history = kuzot.Request("GET", "/api/v1/events/" + id + "/history");
    ASSERT_EQ(history.json()["revisions"].size(), 1u);
  }
  auto total = kuzot.Request("GET", "/api/v1/events?total=true&limit=1");
  EXPECT_GE(total.json()["total"].get<size_t>(), acknowledged.size());
}

}  // namespace
}  // namespace kuzot::testing
