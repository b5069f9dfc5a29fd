// Kuzot's keys and the cryptography built on them (libsodium).
//
// The keyring: every data directory has a file keyring.json holding one or
// more random 256-bit data keys ("generations"), each wrapped (encrypted
// with XChaCha20-Poly1305) by a key-encryption key (KEK). The KEK is never
// stored: it is derived with Argon2id from the operator's passphrase, or
// from a key file kept somewhere else (another disk, a USB stick, a secrets
// manager). Only the wrapped keys, the salt and the Argon2id costs are in
// the data directory, so a copy of the directory alone reads nothing.
//
// From a data key the keyring derives (crypto_kdf) one subkey per purpose,
// so that no two uses share a key:
//   - Seal/Open: XChaCha20-Poly1305 of small values (record fields), with
//     associated data binding a value to where it belongs;
//   - Blind: keyed BLAKE2b "blind indexes" for exact-match lookups of
//     values that are stored encrypted;
//   - Subkey(kAuditChain): the key of the audit log's hash chain;
//   - StreamWriter/StreamReader: files (evidence, exports, backups) with
//     libsodium's secretstream (XChaCha20-Poly1305 in 64 KiB chunks, each
//     authenticated, truncation and reordering detected), each file under
//     its own random file key wrapped by the data key.
// Every sealed value and every sealed file names the generation that
// sealed it, so old data stays readable after a new generation is added
// (kuzot rekey --rotate-data-key re-encrypts and then uses only the new one).
//
// Thread safety: a Keyring is immutable after Open/Create except for
// AddGeneration and Rewrap, which the caller must not run concurrently
// with other calls (kuzot rekey runs alone). All const members are
// thread-safe. Key material lives in sodium_malloc'ed, locked memory and is
// wiped when the Keyring is destroyed.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace kuzot::crypto {

// Initialises libsodium. Idempotent and thread-safe; every other function
// calls it, so callers need not.
Status Init();

// Argon2id cost of deriving a KEK from a passphrase. The defaults are
// libsodium's "moderate" (3 passes, 256 MiB, about a second on a laptop);
// tests use Fast() so that they stay quick.
struct KdfLimits {
  uint64_t ops = 3;
  size_t memory_bytes = size_t{256} << 20;
  static KdfLimits Fast() { return {1, size_t{8} << 10 << 10}; }
  // KUZOT_KDF_OPSLIMIT and KUZOT_KDF_MEMLIMIT (bytes) override the defaults.
  static KdfLimits FromEnvironment();
};

// Where the operator's key comes from.
struct KeySource {
  enum class Kind { kNone, kPassphrase, kKeyFile };
  Kind kind = Kind::kNone;
  std::string passphrase;  // kPassphrase
  std::string key_file;    // kKeyFile: a path, outside the data directory

  static KeySource Passphrase(std::string p) { return {Kind::kPassphrase, std::move(p), {}}; }
  static KeySource KeyFile(std::string path) { return {Kind::kKeyFile, {}, std::move(path)}; }
  // "passphrase" or "key file F", for messages; never the secret.
  std::string Describe() const;
};

// Writes a new key file at `path`: 32 random bytes as 64 hex digits, mode
// 0600, created exclusively (Conflict when the file exists).
Status CreateKeyFile(const std::string& path);

// Purposes of Subkey(); each gives an independent 32-byte key.
enum class Purpose : uint64_t {
  kRecordFields = 1,  // used by Seal/Open
  kBlindIndex = 2,    // used by Blind
  kAuditChain = 3,    // the audit log's keyed hash chain
  kFileKeys = 4,      // wraps the per-file keys of sealed streams
};

class Keyring {
 public:
  static constexpr char kFileName[] = "keyring.json";
  ~Keyring();
  Keyring(const Keyring&) = delete;
  Keyring& operator=(const Keyring&) = delete;

  // Whether `data_dir` has a keyring file.
  static bool Exists(const std::string& data_dir);
  // Creates keyring.json in `data_dir` with one fresh data key wrapped under
  // `source`. Conflict when a keyring is already there; InvalidArgument
  // when the key file is inside `data_dir`, unreadable by its owner only,
  // too short, or the passphrase shorter than 12 characters.
  static Result<std::unique_ptr<Keyring>> Create(const std::string& data_dir,
                                                 const KeySource& source,
                                                 const KdfLimits& limits = {});
  // Opens the keyring of `data_dir`. NotFound when there is none;
  // Unauthorized "wrong passphrase or key file" when the KEK does not
  // unwrap the data keys; InvalidArgument when the file is damaged or the
  // source is of the other kind. Never writes anything.
  static Result<std::unique_ptr<Keyring>> Open(const std::string& data_dir,
                                               const KeySource& source);

  // A random identifier of this keyring, written in the database so that a
  // keyring from another installation is recognised as such.
  const std::string& id() const;
  // The newest generation: what Seal, Blind and new streams use by default.
  uint32_t current() const;
  std::vector<uint32_t> generations() const;
  bool HasGeneration(uint32_t generation) const;
  // "passphrase" or "key file".
  std::string kek_kind() const;

  // Adds a fresh data key as the new current generation and rewrites the
  // keyring file (atomically: temporary file, fsync, rename).
  Result<uint32_t> AddGeneration();
  // Wraps every generation under a new KEK (new passphrase or key file) and
  // rewrites the file atomically. The data keys do not change, so nothing
  // else needs re-encrypting.
  Status Rewrap(const KeySource& source, const KdfLimits& limits = {});

  // Encrypts `plaintext` with XChaCha20-Poly1305 under `generation`'s
  // field key (0: current), padded to 32-byte blocks so that lengths show
  // less. `associated` is authenticated, not stored: Open must be given the
  // same. The result is printable: "kz1:" + base64.
  Result<std::string> Seal(std::string_view plaintext, std::string_view associated,
                           uint32_t generation = 0) const;
  // Decrypts what Seal made. Internal "cannot be decrypted" when it was
  // changed, moved (other associated data) or sealed by another keyring;
  // InvalidArgument when it is not a sealed value at all.
  Result<std::string> Open(std::string_view sealed, std::string_view associated) const;
  // Whether `value` looks like something Seal made (its "kz1:" prefix).
  static bool IsSealed(std::string_view value);
  // The generation that sealed `sealed`, when it is a sealed value.
  static std::optional<uint32_t> SealedGeneration(std::string_view sealed);

  // Keyed BLAKE2b-128 of `value` within `domain` under `generation`'s blind
  // index key (0: current), as 32 hex digits. Equal inputs give equal
  // outputs; without the key nothing can be learnt from or tested against
  // it.
  std::string Blind(std::string_view domain, std::string_view value, uint32_t generation = 0) const;
  // A 32-byte key for `purpose` derived from `generation` (0: current).
  // Wipe it after use (sodium_memzero) when it leaves the keyring.
  std::string Subkey(Purpose purpose, uint32_t generation = 0) const;

 private:
  struct Impl;
  explicit Keyring(std::unique_ptr<Impl> impl);
  static Result<std::unique_ptr<Keyring>> OpenFile(const std::string& data_dir,
                                                   const KeySource& source);
  friend class StreamWriter;
  friend class StreamReader;
  std::unique_ptr<Impl> impl_;
};

// Writes a sealed stream: a header naming the generation and carrying the
// file's own random key wrapped by it, then secretstream chunks of at most
// 64 KiB. `associated` (e.g. the evidence id) is bound to the header; the
// reader must give the same. Nothing is flushed before Write; the stream is
// only valid after Finish (a reader of an unfinished stream gets
// "truncated").
class StreamWriter {
 public:
  static constexpr size_t kChunkBytes = 64 * 1024;
  // Under a keyring's current generation.
  static Result<std::unique_ptr<StreamWriter>> Begin(const Keyring& keyring, std::ostream& out,
                                                     std::string_view associated);
  // Under a key derived with Argon2id from `passphrase` (exports handed to
  // someone without the keyring); the salt and costs go into the header.
  static Result<std::unique_ptr<StreamWriter>> BeginWithPassphrase(std::string_view passphrase,
                                                                   std::ostream& out,
                                                                   std::string_view associated,
                                                                   const KdfLimits& limits = {});
  ~StreamWriter();
  Status Write(std::string_view data);
  // Seals the last chunk with the FINAL tag and flushes.
  Status Finish();

 private:
  struct Impl;
  explicit StreamWriter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Reads what StreamWriter wrote. Every chunk is authenticated before it is
// returned; a changed, reordered, truncated or extended stream is an
// Internal error naming what is wrong.
class StreamReader {
 public:
  // `keyring` may be null for streams sealed with a passphrase; a keyring
  // stream needs it (and its generation). `passphrase` is used only for
  // passphrase streams.
  static Result<std::unique_ptr<StreamReader>> Begin(const Keyring* keyring, std::istream& in,
                                                     std::string_view associated,
                                                     std::string_view passphrase = {});
  // Whether the stream starts like a sealed stream. `in` must be seekable
  // (a file): it reads 4 bytes and seeks back.
  static bool LooksSealed(std::istream& in);
  // Whether the stream was sealed with a passphrase (valid after Begin).
  bool passphrase_sealed() const;
  ~StreamReader();
  // The next chunk of plaintext; empty once done() (after the FINAL chunk).
  Result<std::string> Read();
  bool done() const;

 private:
  struct Impl;
  explicit StreamReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Whole-stream conveniences over StreamWriter/StreamReader.
Status SealStream(const Keyring& keyring, std::istream& in, std::ostream& out,
                  std::string_view associated);
Status OpenStream(const Keyring& keyring, std::istream& in, std::ostream& out,
                  std::string_view associated);

}  // namespace kuzot::crypto
