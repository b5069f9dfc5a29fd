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

Result<EvidenceKeys> KeysOf(const crypto::Keyring& keyring, uint32_t generation) {
  if (generation != 0 && !keyring.HasGeneration(generation)) {
    return Status::Corrupt("the file was encrypted under data key generation " +
                           std::to_string(generation) + ", which the keyring does not hold");
  }
  // The file-key subkey, split again under the context "kzevidnc": the
  // evidence keys are independent of any other use of that subkey.
  std::string subkey = keyring.Subkey(crypto::Purpose::kFileKeys, generation);
  if (subkey.size() != 32) return Status::Internal("the keyring gave no file key");
  DataKey key;
  std::copy(subkey.begin(), subkey.begin() + 32, key.bytes.begin());
  sodium_memzero(subkey.data(), subkey.size());
  return DeriveKeys(key);
}

}  // namespace kuzot::evidence
