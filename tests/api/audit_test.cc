// The audit log against someone who can write the database file: every
// edit, removal, reordering or truncation of its rows, and a forgery that
// recomputes the chain without the key, is caught by `kuzot verify`.
#include <gtest/gtest.h>
#include <sodium.h>
#include <sqlite3.h>

#include "kuzot_process.h"

namespace kuzot::testing {
namespace {

namespace fs = std::filesystem;

void Exec(const fs::path& db, const std::string& sql) {
  sqlite3* handle = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &handle), SQLITE_OK);
  char* error = nullptr;
  int rc = sqlite3_exec(handle, sql.c_str(), nullptr, nullptr, &error);
  EXPECT_EQ(rc, SQLITE_OK) << (error ? error : "") << "\n" << sql;
  sqlite3_free(error);
  sqlite3_close(handle);
}

// Recomputes the chain from entry `from` on with BLAKE2b without a key,
// as a forger who read the code (but has no key) would.
void ForgeChain(const fs::path& db, int from) {
  sqlite3* handle = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &handle), SQLITE_OK);
  sqlite3_stmt* read = nullptr;
  sqlite3_prepare_v2(handle,
                     "SELECT seq, at, actor, action, target, detail, remote, prev_hash FROM "
                     "audit_log ORDER BY seq",
                     -1, &read, nullptr);
  std::string prev;
  std::vector<std::pair<int64_t, std::pair<std::string, std::string>>> updates;
  while (sqlite3_step(read) == SQLITE_ROW) {
    int64_t seq = sqlite3_column_int64(read, 0);
    auto text = [&](int i) {
      const unsigned char* t = sqlite3_column_text(read, i);
      return t ? std::string(reinterpret_cast<const char*>(t)) : std::string();
    };
    if (seq < from) {
      prev = "";  // filled below from the stored hash
      sqlite3_stmt* h = nullptr;
      sqlite3_prepare_v2(handle, "SELECT hash FROM audit_log WHERE seq=?", -1, &h, nullptr);
      sqlite3_bind_int64(h, 1, seq);
      if (sqlite3_step(h) == SQLITE_ROW)
        prev = reinterpret_cast<const char*>(sqlite3_column_text(h, 0));
      sqlite3_finalize(h);
      continue;
    }
    crypto_generichash_state state;
    crypto_generichash_init(&state, nullptr, 0, 32);
    auto add = [&](const std::string& field) {
      uint64_t n = field.size();
      unsigned char length[8];
      for (int i = 0; i < 8; ++i) length[i] = static_cast<unsigned char>(n >> (8 * i));
      crypto_generichash_update(&state, length, 8);
      crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(field.data()),
                                field.size());
    };
    add(prev);
    add(std::to_string(seq));
    for (int i = 1; i <= 6; ++i) add(text(i));
    unsigned char out[32];
    crypto_generichash_final(&state, out, 32);
    char hex[65];
    sodium_bin2hex(hex, sizeof hex, out, 32);
    updates.push_back({seq, {prev, hex}});
    prev = hex;
  }
  sqlite3_finalize(read);
  for (const auto& [seq, hashes] : updates) {
    std::string sql = "UPDATE audit_log SET prev_hash='" + hashes.first + "', hash='" +
                      hashes.second + "' WHERE seq=" + std::to_string(seq);
    sqlite3_exec(handle, sql.c_str(), nullptr, nullptr, nullptr);
  }
  sqlite3_close(handle);
}

TEST(AuditTest, VerifyCatchesEveryTampering) {
  fs::path base = TestDir("tamper");
  fs::path dir = base / "data";
  {
    KuzotProcess kuzot(dir);
    ASSERT_TRUE(kuzot.Start());
    for (int i = 0; i < 4; ++i) {
      HttpResult r = kuzot.Request(
          "POST", "/api/v1/events",
          Json{{"title", "Event " + std::to_string(i)}, {"confidentiality", "restricted"}}.dump());
      ASSERT_EQ(r.status, 201);
      ASSERT_EQ(kuzot.Request("GET", "/api/v1/events/" + r.json()["id"].get<std::string>()).status,
                200);
    }
  }
  std::string output;
  ASSERT_EQ(RunKuzot({"verify", "--data", dir.string()}, dir, &output), 0) << output;
  EXPECT_NE(output.find("intact"), std::string::npos) << output;
  fs::path db = dir / "kuzot.db";
  fs::copy_file(db, base / "pristine.db");
  struct Tampering {
    std::string name;
    std::string sql;  // empty: forge the chain instead
    std::string expected;
  };
  std::vector<Tampering> cases = {
      {"an edited entry", "UPDATE audit_log SET actor='someone else' WHERE seq=5",
       "BROKEN at entry 5: its content does not match its hash (it was edited)"},
      {"an edited hash", "UPDATE audit_log SET hash='00' WHERE seq=4", "BROKEN at entry"},
      {"a removed entry", "DELETE FROM audit_log WHERE seq=5",
       "BROKEN at entry 5: entry 5 is missing"},
      {"two entries swapped",
       "UPDATE audit_log SET seq=-1 WHERE seq=5; UPDATE audit_log SET seq=5 WHERE seq=6; "
       "UPDATE audit_log SET seq=6 WHERE seq=-1",
       "BROKEN at entry 5: does not follow the entry before it"},
      {"the last entries cut off",
       "DELETE FROM audit_log WHERE seq >= (SELECT max(seq) - 1 FROM audit_log)",
       "entries were cut off its end"},
      {"the seal removed", "DELETE FROM meta WHERE key='audit_head'",
       "seal of the log's last entry"},
      {"an entry appended",
       "INSERT INTO audit_log(seq, at, actor, action, target, detail, remote, prev_hash, hash) "
       "SELECT max(seq) + 1, '2030-01-01T00:00:00Z', 'x', 'login', '', '{}', '', "
       "(SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1), 'ff' FROM audit_log",
       "BROKEN at entry"},
      {"an edit with the chain recomputed without the key", "", "BROKEN at entry 3"},
  };
  for (const auto& c : cases) {
    fs::copy_file(base / "pristine.db", db, fs::copy_options::overwrite_existing);
    fs::remove(dir / "kuzot.db-wal");
    fs::remove(dir / "kuzot.db-shm");
    if (c.sql.empty()) {
      Exec(db, "UPDATE audit_log SET actor='someone else' WHERE seq=3");
      ForgeChain(db, 3);
    } else {
      Exec(db, c.sql);
    }
    EXPECT_EQ(RunKuzot({"verify", "--data", dir.string()}, dir, &output), 2)
        << c.name << ": " << output;
    EXPECT_NE(output.find(c.expected), std::string::npos) << c.name << ": " << output;
  }
  fs::copy_file(base / "pristine.db", db, fs::copy_options::overwrite_existing);
  ASSERT_EQ(RunKuzot({"verify", "--data", dir.string()}, dir, &output), 0) << output;
}

}  // namespace
}  // namespace kuzot::testing
