// Incremental SHA-256 over OpenSSL's EVP interface, which uses the CPU's
// SHA extensions: libsodium's portable crypto_hash_sha256 runs at about
// 300 MB/s on the reference machine, below the 500 MB/s upload target;
// EVP runs at about 1.7 GB/s (bench/README.md, "Evidence").
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace kuzot::evidence {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256& other);  // copies the running state
  Sha256& operator=(const Sha256& other);

  void Update(std::string_view data);
  void Update(const void* data, size_t size);
  // The digest as 64 lower-case hex digits; the object must not be updated after.
  std::string FinalHex();

  // SHA-256 of `data` as hex.
  static std::string Hex(std::string_view data);

 private:
  struct Ctx;
  std::unique_ptr<Ctx> ctx_;
};

}  // namespace kuzot::evidence
