// Opening the evidence store from the command line: the data key from a key
// file (--key-file / KUZOT_KEY_FILE) until the security module's keyring
// takes over, and the store under DATA/evidence.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "evidence/evidence.h"

namespace kuzot::cli {

// Reads the data key from `key_file`, refusing a key kept inside
// `data_dir` (the key is never stored beside the data).
Result<evidence::DataKey> ReadKeyFile(const std::string& key_file, const std::string& data_dir);

// Opens DATA/evidence with the key in `key_file`.
Result<std::unique_ptr<evidence::EvidenceService>> OpenEvidence(const std::string& data_dir,
                                                                const std::string& key_file,
                                                                records::RecordService& records,
                                                                uint64_t max_file_bytes = 20ull
                                                                                          << 30);

// Stores the demo data set's evidence files (the "evidence_files" of the
// data/demo bundles) when there is no evidence record yet.
Status LoadDemoEvidence(const std::vector<std::string_view>& bundles,
                        records::RecordService& records, evidence::EvidenceService& evidence);

}  // namespace kuzot::cli
