// The keyring's private parts, shared by keyring.cc and stream.cc.
#pragma once

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "crypto/crypto.h"

namespace kuzot::crypto {

// Bytes in sodium_malloc'ed memory: guarded, locked (not swapped out) and
// wiped when freed.
class SecretBytes {
 public:
  explicit SecretBytes(size_t size);
  ~SecretBytes();
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;
  unsigned char* data() { return data_; }
  const unsigned char* data() const { return data_; }
  size_t size() const { return size_; }

 private:
  unsigned char* data_;
  size_t size_;
};

// The subkeys of one generation, one per Purpose.
struct GenerationKeys {
  explicit GenerationKeys(const unsigned char* master);
  const unsigned char* For(Purpose purpose) const;
  SecretBytes keys;
};

struct Keyring::Impl {
  struct Generation {
    std::unique_ptr<SecretBytes> master;
    std::unique_ptr<GenerationKeys> derived;
    std::string created_at;
  };

  std::string data_dir;
  std::string keyring_id;
  nlohmann::json kdf;                // the "kek" object of the file
  std::unique_ptr<SecretBytes> kek;  // kept to rewrite the file on AddGeneration
  std::map<uint32_t, Generation> masters;
  uint32_t current = 0;

  const GenerationKeys* Keys(uint32_t generation) const;
  void AddMaster(uint32_t id, const unsigned char* key, std::string created);
  std::string Serialise(const unsigned char* kek) const;
  Status Write(const unsigned char* kek) const;

  static Status DeriveKek(const KeySource& source, const nlohmann::json& kdf, unsigned char* kek);
  static nlohmann::json NewKdf(const KeySource& source, const KdfLimits& limits);
  static Status CheckSource(const KeySource& source, const std::string& data_dir);
};

}  // namespace kuzot::crypto
