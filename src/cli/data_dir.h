// The data directory: where the database file lives.
#pragma once

#include <memory>
#include <string>

#include "records/service.h"

namespace kuzot::cli {

// Creates `dir` when missing and opens the database in it (dir/kuzot.db).
Result<std::unique_ptr<records::RecordService>> OpenDataDir(const std::string& dir);

}  // namespace kuzot::cli
