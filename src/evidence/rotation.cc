// Data-key rotation of the evidence store (doc/evidence.md, "Key rotation"):
// every file is re-encrypted under the new generation, so that the old data
// key opens nothing that is stored any more.
#include <filesystem>

#include "evidence/service_impl.h"

namespace kuzot::evidence {
namespace {

namespace fs = std::filesystem;

// The label a sealed file in sealed/ was written with (see service.cc and
// package.cc); empty for a file Kuzot did not write there.
std::string SealedLabel(const std::string& file_name) {
  if (file_name == kSigningKeyFile) return kSigningKeyFile;
  if (file_name.rfind(kThumbnailFilePrefix, 0) == 0) {
    return ThumbnailLabel(file_name.substr(kThumbnailFilePrefix.size()));
  }
  return "";
}

}  // namespace

Result<RotationReport> EvidenceService::ReencryptAll(
    const std::function<void(int64_t, int64_t)>& progress) {
  RotationReport report;
  BlobStore& blobs = impl_->blobs;
  report.generation = blobs.generation();
  std::vector<storage::BlobRow> rows;
  {
    KUZOT_ASSIGN_OR_RETURN(auto tx, impl_->store.BeginRead());
    KUZOT_RETURN_IF_ERROR(tx->ForEachBlob([&](const storage::BlobRow& b) {
      rows.push_back(b);
      return Status::Ok();
    }));
  }
  int64_t done = 0;
  for (const auto& row : rows) {
    auto rewritten = blobs.Reencrypt(row.name, static_cast<uint64_t>(row.size), row.sha256);
    if (!rewritten.ok()) {
      report.problems.push_back("stored file sha256 " + row.sha256 + ": " +
                                rewritten.status().message());
    } else if (rewritten.value()) {
      ++report.files;
    } else {
      ++report.unchanged;
    }
    if (progress) progress(++done, static_cast<int64_t>(rows.size()));
  }
  std::error_code ec;
  // Uploads in progress: the partial file first, then its state. Killed in
  // between, the new partial file (naming its generation) goes with the old
  // state, which still opens: the two agree on offset and tail.
  for (const auto& entry : fs::directory_iterator(blobs.root() / "uploads", ec)) {
    if (entry.path().extension() != ".state") continue;
    std::string id = entry.path().stem().string();
    std::string label = UploadLabel(id);
    auto state = [&]() -> Status {
      KUZOT_ASSIGN_OR_RETURN(std::string sealed, blobs.ReadSealed(entry.path(), label));
      auto saved = ParseUploadState(id, sealed);
      if (!saved) return Status::Corrupt("its saved state is unreadable");
      fs::path partial = impl_->UploadBlobPath(id);
      if (fs::exists(partial, ec)) {
        const uint64_t offset = saved->offset, tail = saved->tail.size();
        if (tail > offset) return Status::Corrupt("its saved state is inconsistent");
        KUZOT_ASSIGN_OR_RETURN(bool rewritten,
                               blobs.ReencryptUnfinished(partial, (offset - tail) / kChunkBytes));
        if (rewritten) ++report.uploads;
      }
      KUZOT_ASSIGN_OR_RETURN(bool resealed, blobs.Reseal(entry.path(), label));
      if (resealed) ++report.sealed;
      return Status::Ok();
    }();
    if (!state.ok()) report.problems.push_back("upload " + id + ": " + state.message());
  }
  for (const auto& entry : fs::directory_iterator(blobs.root() / "sealed", ec)) {
    std::string name = entry.path().filename().string();
    // A leftover of an atomic write cut short (WriteFileAtomic): never read.
    if (name.find(".tmp-") != std::string::npos) continue;
    std::string label = SealedLabel(name);
    if (label.empty()) {
      report.problems.push_back("sealed/" + name + ": not a file Kuzot writes; left as it is");
      continue;
    }
    auto resealed = blobs.Reseal(entry.path(), label);
    if (!resealed.ok()) {
      report.problems.push_back("sealed/" + name + ": " + resealed.status().message());
    } else if (resealed.value()) {
      ++report.sealed;
    }
  }
  return report;
}

}  // namespace kuzot::evidence
