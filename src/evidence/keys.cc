#include "evidence/keys.h"

#include <sodium.h>

#include <cctype>

namespace kuzot::evidence {

bool DataKey::empty() const {
  for (unsigned char b : bytes) {
    if (b) return false;
  }
  return true;
}

DataKey::~DataKey() { sodium_memzero(bytes.data(), bytes.size()); }

EvidenceKeys DeriveKeys(const DataKey& data_key) {
  static constexpr char kContext[crypto_kdf_CONTEXTBYTES + 1] = "kzevidnc";
  EvidenceKeys keys;
  crypto_kdf_derive_from_key(keys.content.bytes.data(), 32, 1, kContext, data_key.bytes.data());
  crypto_kdf_derive_from_key(keys.naming.bytes.data(), 32, 2, kContext, data_key.bytes.data());
  crypto_kdf_derive_from_key(keys.sealing.bytes.data(), 32, 3, kContext, data_key.bytes.data());
  return keys;
}

Result<DataKey> ParseKey(const std::string& contents) {
  DataKey key;
  if (contents.size() == 32) {
    std::copy(contents.begin(), contents.end(), key.bytes.begin());
  } else {
    size_t b = 0, e = contents.size();
    while (b < e && std::isspace(static_cast<unsigned char>(contents[b]))) ++b;
    while (e > b && std::isspace(static_cast<unsigned char>(contents[e - 1]))) --e;
    size_t length = 0;
    if (e - b != 64 ||
        sodium_hex2bin(key.bytes.data(), 32, contents.data() + b, e - b, nullptr, &length,
                       nullptr) != 0 ||
        length != 32) {
      return Status::InvalidArgument(
          "a key file holds 32 random bytes or 64 hexadecimal digits (this one has " +
          std::to_string(contents.size()) + " bytes)");
    }
  }
  if (key.empty()) return Status::InvalidArgument("the key is all zeros");
  return key;
}

}  // namespace kuzot::evidence
