// Thin RAII helpers over the SQLite C API, private to the storage module.
#pragma once

#include <sqlite3.h>

#include <string>
#include <string_view>

#include "common/status.h"

namespace kuzot::storage {

// Maps a SQLite result code (with the connection's message) to a Status.
Status SqliteStatus(sqlite3* db, int rc, std::string_view what);

// Runs one or more statements without results.
Status Exec(sqlite3* db, std::string_view sql);

class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  const Status& prepare_status() const { return prepare_status_; }
  Statement& Bind(int index, std::string_view text);
  // Binds `text` without copying it: it must stay unchanged until the
  // statement has been stepped to its end (bulk inserts of rows the caller
  // holds: SettleRefs binds millions of references).
  Statement& BindStatic(int index, std::string_view text);
  Statement& Bind(int index, int64_t value);
  Statement& BindDouble(int index, double value);
  Statement& BindNull(int index);
  // Advances: true with a row, false when done or on error (see status()).
  bool Step();
  Status Run();  // steps to completion
  const Status& status() const { return step_status_; }
  void Reset();

  std::string Text(int column) const;
  // The text without a copy, valid until the next Step or Reset; empty for NULL.
  std::string_view TextView(int column) const;
  int64_t Int(int column) const;
  double Double(int column) const;
  bool IsNull(int column) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  Status prepare_status_;
  Status step_status_;
};

}  // namespace kuzot::storage
