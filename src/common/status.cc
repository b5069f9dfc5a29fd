#include "common/status.h"

namespace kuzot {

const char* StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "ok";
    case StatusCode::kInvalidArgument: return "invalid_argument";
    case StatusCode::kNotFound: return "not_found";
    case StatusCode::kConflict: return "conflict";
    case StatusCode::kUnauthorized: return "unauthorized";
    case StatusCode::kForbidden: return "forbidden";
    case StatusCode::kTooLarge: return "too_large";
    case StatusCode::kUnavailable: return "unavailable";
    case StatusCode::kInternal: return "internal";
    case StatusCode::kChecksumMismatch: return "checksum_mismatch";
    case StatusCode::kPreconditionFailed: return "precondition_failed";
    case StatusCode::kUnsupportedMediaType: return "unsupported_media_type";
    case StatusCode::kRangeNotSatisfiable: return "range_not_satisfiable";
    case StatusCode::kCorrupt: return "corrupt";
  }
  return "internal";
}

Status Status::WithFieldPrefix(const std::string& prefix) const {
  if (ok() || prefix.empty()) return *this;
  std::string field = prefix;
  if (!field_.empty()) field += (field_.front() == '[' ? "" : ".") + field_;
  return Status(code_, message_, std::move(field));
}

std::string Status::ToString() const {
  std::string out = StatusCodeName(code_);
  if (!field_.empty()) out += ": " + field_;
  if (!message_.empty()) out += ": " + message_;
  return out;
}

}  // namespace kuzot
