// Encryption at rest of records, private to the records module (the design
// is in doc/security.md, "Encryption at rest").
//
// A stored body keeps its non-sensitive fields as JSON and puts every
// sensitive field into one sealed member "$sealed"; a secret record keeps
// only {"confidentiality": "secret", "$sealed": ...}. The seal is
// XChaCha20-Poly1305 under the keyring with the record's id, type and
// confidentiality as associated data, so a sealed value cannot be moved to
// another record or kept under a lowered classification.
//
// What would otherwise reveal sealed content is kept in keyed form:
//   - references from a secret record, and sensitive references (the
//     person who gave a source), are stored as "~" + Blind("ref", id);
//   - secret records have no full-text entry: the forms of each of their
//     words are blind terms of kind kSecretWords;
//   - each sensitive value is a blind term of kind kSensitiveValue, after
//     NormalizeValue, for exact-match search.
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "crypto/crypto.h"
#include "records/schema.h"
#include "records/validate.h"
#include "storage/store.h"

namespace kuzot::records {

inline constexpr int kSecretWords = 0;
inline constexpr int kSensitiveValue = 1;
inline constexpr char kSealedMember[] = "$sealed";

// The BodyCodec of the store: seals and opens bodies with the keyring.
class RecordCodec : public storage::BodyCodec {
 public:
  explicit RecordCodec(std::shared_ptr<const crypto::Keyring> keyring)
      : keyring_(std::move(keyring)) {}

  Result<std::string> Seal(const storage::StoredRecord& record) const override;
  // Seal for a record whose body, record.body, is `body` parsed: without
  // parsing it again (an import has it parsed already).
  Result<std::string> Seal(const storage::StoredRecord& record, Json body) const;
  Result<std::string> Open(const storage::StoredRecord& stored) const override;
  bool SealsWholeBody(std::string_view confidentiality) const override {
    return confidentiality == "secret";
  }
  bool IsWholeSealed(std::string_view stored_body) const override;

  // The key generation new seals and blind forms use: the database's.
  uint32_t generation() const { return generation_.load(); }
  void set_generation(uint32_t generation) { generation_.store(generation); }
  const crypto::Keyring& keyring() const { return *keyring_; }

 private:
  // Both Seals: `parsed` is record.body parsed, when the caller has it.
  Result<std::string> SealBody(const storage::StoredRecord& record,
                               std::optional<Json> parsed) const;
  std::shared_ptr<const crypto::Keyring> keyring_;
  std::atomic<uint32_t> generation_{0};
};

// What the store keeps for a record besides its body.
struct StoredIndex {
  std::vector<storage::Reference> references;
  std::string search_text;
  std::vector<storage::BlindTerm> blind_terms;
};

// The references, full-text and blind terms of a validated body at
// `confidentiality`; with no codec, everything in the clear (databases
// opened without a keyring, in tests of other modules).
StoredIndex IndexFor(const TypeSpec& type, const std::string& confidentiality,
                     const ValidatedBody& body, const RecordCodec* codec);

// The blind form of a reference to `id` (what ReferencesTo must also look
// up to find references from secret records and sensitive fields).
std::string BlindReference(const RecordCodec& codec, const std::string& id);

// A sensitive value as it is matched: transliterated to Latin, case-folded,
// letters and digits only ("+996 (555) 12-34" -> "9965551234").
std::string NormalizeValue(std::string_view value);

// The blind query words of `query` for secret records (the forms of each
// word, keyed), and the blind term of the whole query as a sensitive value.
std::vector<std::vector<std::string>> BlindWords(const RecordCodec& codec, std::string_view query);
std::string BlindValue(const RecordCodec& codec, std::string_view query);

}  // namespace kuzot::records
