// Database schema and its migrations, private to the storage module.
#pragma once

#include <sqlite3.h>

#include <string>

#include "common/status.h"

namespace kuzot::storage {

// The schema version this build writes.
inline constexpr int kSchemaVersion = 2;

// Brings the database to kSchemaVersion in one transaction. Refuses a
// database written by a newer Kuzot rather than damaging it.
Status Migrate(sqlite3* db, const std::string& fts_tokenizer);

// The evidence tables (blobs, custody), created when missing; part of
// Migrate's transaction (sqlite_evidence.cc).
std::string EvidenceSchema();

}  // namespace kuzot::storage
