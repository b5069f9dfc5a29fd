#include "common/clock.h"

#include <sodium.h>

#include <chrono>
#include <ctime>

namespace kuzot {
namespace {
constexpr char kCrockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
}

int64_t NowMillis() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::string NowIso8601() {
  int64_t ms = NowMillis();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms % 1000));
  return buf;
}

std::string NewId() {
  static const bool initialised = sodium_init() >= 0;
  (void)initialised;
  uint64_t ms = static_cast<uint64_t>(NowMillis());
  unsigned char random[10];
  randombytes_buf(random, sizeof random);
  // 128 bits: 48 time bits then 80 random bits, written as 26 base32 digits.
  unsigned char bytes[16];
  for (int i = 0; i < 6; ++i) bytes[i] = static_cast<unsigned char>(ms >> (40 - 8 * i));
  for (int i = 0; i < 10; ++i) bytes[6 + i] = random[i];
  std::string out(26, '0');
  // Take 130 bits (2 leading zero bits) in groups of five.
  for (int i = 0; i < 26; ++i) {
    int bit = i * 5 - 2;
    int value = 0;
    for (int b = 0; b < 5; ++b, ++bit) {
      value <<= 1;
      if (bit >= 0) value |= (bytes[bit / 8] >> (7 - bit % 8)) & 1;
    }
    out[i] = kCrockford[value];
  }
  return out;
}

bool LooksLikeId(std::string_view id) {
  if (id.size() != 26) return false;
  for (char c : id) {
    bool digit = c >= '0' && c <= '9';
    bool upper = c >= 'A' && c <= 'Z' && c != 'I' && c != 'L' && c != 'O' && c != 'U';
    if (!digit && !upper) return false;
  }
  return true;
}

}  // namespace kuzot
