// Opening the evidence store from the command line: the data directory's
// keyring (crypto::Keyring, unlocked with the key file given as --key-file
// or KUZOT_KEY_FILE) and the store under DATA/evidence.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "evidence/evidence.h"

namespace kuzot::cli {

// The evidence store and the keyring it uses (which it must outlive).
struct OpenedEvidence {
  std::unique_ptr<crypto::Keyring> keyring;
  std::unique_ptr<evidence::EvidenceService> service;
};

// Opens the keyring of `data_dir` with `key_file` (creating the keyring on
// first use; the key file must be outside the data directory), then
// DATA/evidence.
Result<OpenedEvidence> OpenEvidence(const std::string& data_dir, const std::string& key_file,
                                    records::RecordService& records,
                                    uint64_t max_file_bytes = 20ull << 30);

// Stores the demo data set's evidence files (the "evidence_files" of the
// data/demo bundles) when there is no evidence record yet.
Status LoadDemoEvidence(const std::vector<std::string_view>& bundles,
                        records::RecordService& records, evidence::EvidenceService& evidence);

}  // namespace kuzot::cli
