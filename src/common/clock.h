// Wall-clock time and record identifiers.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace kuzot {

// Current UTC time as "YYYY-MM-DDTHH:MM:SS.mmmZ"; these strings sort in time order.
std::string NowIso8601();

// Milliseconds since the Unix epoch.
int64_t NowMillis();

// A new record identifier: a 26-character ULID (Crockford base32, 48-bit
// millisecond time + 80 random bits from libsodium). IDs created later sort
// after earlier ones, which keeps cursor pagination and inserts cheap.
// Thread-safe.
std::string NewId();

// True when `id` has the shape NewId() produces.
bool LooksLikeId(std::string_view id);

}  // namespace kuzot
