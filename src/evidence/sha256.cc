#include "evidence/sha256.h"

#include <openssl/evp.h>
#include <sodium.h>

#include <stdexcept>

namespace kuzot::evidence {

struct Sha256::Ctx {
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  ~Ctx() { EVP_MD_CTX_free(md); }
};

Sha256::Sha256() : ctx_(std::make_unique<Ctx>()) {
  if (!ctx_->md || EVP_DigestInit_ex(ctx_->md, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("OpenSSL cannot initialise SHA-256");
  }
}

Sha256::~Sha256() = default;

Sha256::Sha256(const Sha256& other) : ctx_(std::make_unique<Ctx>()) {
  EVP_MD_CTX_copy_ex(ctx_->md, other.ctx_->md);
}

Sha256& Sha256::operator=(const Sha256& other) {
  if (this != &other) EVP_MD_CTX_copy_ex(ctx_->md, other.ctx_->md);
  return *this;
}

void Sha256::Update(std::string_view data) { Update(data.data(), data.size()); }

void Sha256::Update(const void* data, size_t size) {
  if (size) EVP_DigestUpdate(ctx_->md, data, size);
}

std::string Sha256::FinalHex() {
  unsigned char digest[32];
  unsigned int length = 0;
  EVP_DigestFinal_ex(ctx_->md, digest, &length);
  char hex[65];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

std::string Sha256::Hex(std::string_view data) {
  Sha256 h;
  h.Update(data);
  return h.FinalHex();
}

}  // namespace kuzot::evidence
