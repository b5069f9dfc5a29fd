// The keys of the evidence store. Each keyring generation's file subkey
// (crypto::Keyring::Subkey(Purpose::kFileKeys, generation)) is split with
// libsodium's KDF under the context "kzevidnc" into one key per purpose;
// blobs name the generation that encrypted them.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "common/status.h"
#include "crypto/crypto.h"

namespace kuzot::evidence {

// 32 secret bytes. Copyable on purpose (small); wiped on destruction.
struct DataKey {
  std::array<unsigned char, 32> bytes{};
  bool empty() const;
  ~DataKey();
};

// Keys for distinct purposes, so that no key serves two (libsodium KDF
// with the context "kzevidnc" and a fixed id per purpose).
struct EvidenceKeys {
  DataKey content;  // secretstream key of every blob and upload in progress
  DataKey naming;   // BLAKE2b key that turns a file's SHA-256 into its blob name
  DataKey sealing;  // secretbox key of upload state, thumbnails and the signing key
};

EvidenceKeys DeriveKeys(const DataKey& data_key);

// The keys of `generation` (0: current) of `keyring`'s evidence subkey.
Result<EvidenceKeys> KeysOf(const crypto::Keyring& keyring, uint32_t generation);

}  // namespace kuzot::evidence
