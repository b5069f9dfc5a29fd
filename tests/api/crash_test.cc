// kill -9 during a stream of writes: after a restart every acknowledged
// write is there and the database is intact.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <mutex>
#include <thread>

#include "kuzot_process.h"

namespace kuzot::testing {
namespace {

// The first column of the first row of `sql` on the database, as text;
// "no answer" when there is none. `flags`: how the file is opened.
std::string Scalar(const std::filesystem::path& db_path, const char* sql, int flags) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(db_path.c_str(), &db, flags, nullptr);
  sqlite3_stmt* stmt = nullptr;
  std::string result = "no answer";
  if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) == SQLITE_OK &&
      sqlite3_step(stmt) == SQLITE_ROW) {
    result = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return result;
}

std::string IntegrityCheck(const std::filesystem::path& db_path) {
  return Scalar(db_path, "PRAGMA integrity_check", SQLITE_OPEN_READONLY);
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

// Audit entries of reads are committed without waiting for the disk
// (Store::BeginLogWrite): a killed process must still leave every entry of
// an answered read in the log, with the chain whole, amid durable writes.
TEST(CrashTest, AuditEntriesOfAnsweredReadsSurviveKill9) {
  auto dir = TestDir("crash-audit");
  std::string id;
  std::atomic<int> answered{0};
  std::vector<std::string> acknowledged;
  {
    KuzotProcess kuzot(dir);
    ASSERT_TRUE(kuzot.Start());
    auto created =
        kuzot.Request("POST", "/api/v1/events",
                      R"({"title": "Restricted event", "confidentiality": "restricted"})");
    ASSERT_EQ(created.status, 201);
    id = created.json()["id"];
    std::mutex mutex;
    std::atomic<bool> stop{false};
    std::vector<std::thread> clients;
    for (int c = 0; c < 4; ++c) {
      clients.emplace_back([&, c] {
        for (int i = 0; !stop; ++i) {
          if (c == 0) {
            auto r = kuzot.Request("POST", "/api/v1/events",
                                   "{\"title\": \"event " + std::to_string(i) + "\"}");
            if (r.status != 201) break;
            std::lock_guard<std::mutex> lock(mutex);
            acknowledged.push_back(r.json()["id"]);
          } else {
            if (kuzot.Request("GET", "/api/v1/events/" + id).status != 200) break;
            ++answered;
          }
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(700));
    kuzot.Kill();
    stop = true;
    for (auto& t : clients) t.join();
  }
  EXPECT_EQ(IntegrityCheck(dir / "kuzot.db"), "ok");
  ASSERT_GT(answered.load(), 10);
  KuzotProcess kuzot(dir);
  ASSERT_TRUE(kuzot.Start());
  for (const auto& written : acknowledged) {
    ASSERT_EQ(kuzot.Request("GET", "/api/v1/events/" + written).status, 200)
        << "acknowledged write " << written << " was lost";
  }
  int logged = 0;
  for (int64_t after = 0;;) {
    auto page = kuzot.Request("GET", "/api/v1/audit?action=record.read&target=event/" + id +
                                         "&limit=1000&after=" + std::to_string(after));
    ASSERT_EQ(page.status, 200) << page.body;
    Json body = page.json();
    const Json& items = body["items"];
    if (items.empty()) break;
    logged += static_cast<int>(items.size());
    after = items.back()["seq"].get<int64_t>();
  }
  EXPECT_GE(logged, answered.load()) << "answered reads missing from the audit log";
  kuzot.Stop();
  std::string output;
  EXPECT_EQ(RunKuzot({"verify", "--data", dir.string()}, dir, &output), 0) << output;
}

// Opened for writing, so that a hot journal left by a killed import is
// rolled back first.
int64_t CountRecords(const std::filesystem::path& db_path) {
  std::string n = Scalar(db_path, "SELECT count(*) FROM records", SQLITE_OPEN_READWRITE);
  return n == "no answer" ? -1 : std::stoll(n);
}

// kuzot import into a new database writes under a rollback journal (not
// the log, see Store::BeginBulkWrite): killed half-way it must still leave
// nothing, and the next import must succeed.
TEST(CrashTest, ImportKilledHalfWayLeavesNothing) {
  auto dir = TestDir("import-crash");
  std::filesystem::path bundle = dir.parent_path() / (dir.filename().string() + "-bundle.json");
  {
    std::ofstream out(bundle);
    out << "{\"format\":\"kuzot-bundle\",\"version\":1,\"records\":[";
    for (int i = 0; i < 40000; ++i) {
      out << (i ? ",\n" : "") << "{\"type\":\"event\",\"body\":{\"title\":\"Fictional event " << i
          << "\"}}";
    }
    out << "]}";
  }
  std::filesystem::path empty = bundle.string() + ".empty";
  std::ofstream(empty) << "{\"format\":\"kuzot-bundle\",\"version\":1,\"records\":[]}";
  std::string output;
  // Creates the database and its keyring first, as a user's earlier import would.
  ASSERT_EQ(RunKuzot({"import", "--data", dir.string(), empty.string()}, dir, &output), 0)
      << output;
  pid_t pid = fork();
  if (pid == 0) {
    setenv("KUZOT_KEY_FILE", KeyFileFor(dir).c_str(), 1);
    setenv("KUZOT_ADMIN_PASSWORD", kAdminPassword, 1);
    int null = open("/dev/null", O_WRONLY);
    dup2(null, STDOUT_FILENO);
    dup2(null, STDERR_FILENO);
    execl(KUZOT_BINARY, KUZOT_BINARY, "import", "--data", dir.c_str(), bundle.c_str(), nullptr);
    _exit(127);
  }
  // Killed once the import has begun writing the database file.
  auto journal = dir / "kuzot.db-journal";
  for (int i = 0; i < 3000 && !std::filesystem::exists(journal); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the import ended before it could be killed";
  EXPECT_EQ(CountRecords(dir / "kuzot.db"), 0);  // opening it rolls the journal back
  EXPECT_EQ(IntegrityCheck(dir / "kuzot.db"), "ok");
  ASSERT_EQ(RunKuzot({"import", "--data", dir.string(), bundle.string()}, dir, &output), 0)
      << output;
  EXPECT_EQ(CountRecords(dir / "kuzot.db"), 40000);
  std::filesystem::remove(bundle);
  std::filesystem::remove(empty);
  std::filesystem::remove_all(dir);  // ~25 MB
}

}  // namespace
}  // namespace kuzot::testing
