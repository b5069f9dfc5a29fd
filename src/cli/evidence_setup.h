// Opening the evidence store from the command line: the store under
// DATA/evidence, encrypted under the data directory's keyring (opened by
// OpenDataDirWithKeyring, see data_dir.h).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "evidence/evidence.h"

namespace kuzot::cli {

// Opens DATA/evidence with the data directory's keyring (which the
// service keeps alive).
Result<std::unique_ptr<evidence::EvidenceService>> OpenEvidence(
    const std::string& data_dir, std::shared_ptr<crypto::Keyring> keyring,
    records::RecordService& records, uint64_t max_file_bytes = 20ull << 30);

// Stores the demo data set's evidence files (the "evidence_files" of the
// data/demo bundles) when there is no evidence record yet.
Status LoadDemoEvidence(const std::vector<std::string_view>& bundles,
                        records::RecordService& records, evidence::EvidenceService& evidence);

}  // namespace kuzot::cli
