// The keys of the evidence store, all derived from one 32-byte data key.
//
// The data key itself comes from the security module's keyring (a
// passphrase or a key file, never stored beside the data). Until that
// module is on main, callers hand the evidence service the raw key in
// EvidenceOptions; DataKey is the one type to swap for the keyring's.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "common/status.h"

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

// Parses a key file's contents: 32 raw bytes, or 64 hexadecimal digits
// (surrounding whitespace allowed). InvalidArgument says what is wrong.
Result<DataKey> ParseKey(const std::string& contents);

}  // namespace kuzot::evidence
