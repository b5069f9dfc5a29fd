// Status and Result<T>: how errors cross module boundaries in Kuzot.
//
// A Status is either OK or carries a code, a human-readable message and,
// for validation errors, the name of the offending field (a JSON path such
// as "names[1].script"). HTTP status codes are chosen from StatusCode in
// exactly one place (src/http/error_mapping.cc); nothing else maps them.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace kuzot {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,  // the caller sent something wrong; message says what
  kNotFound,         // the record (or route) does not exist or is not visible
  kConflict,         // stale revision, duplicate key, state that forbids it
  kUnauthorized,     // no valid credentials
  kForbidden,        // credentials valid, permission missing
  kTooLarge,         // body or file over a configured limit
  kUnavailable,      // temporary: busy database, shutting down
  kInternal,         // a bug or an environment failure; logged in full
  // Evidence files and their resumable uploads (tus):
  kChecksumMismatch,      // a piece's checksum does not match what was sent
  kPreconditionFailed,    // a protocol version or precondition the server lacks
  kUnsupportedMediaType,  // the body's Content-Type is not the one required
  kRangeNotSatisfiable,   // a byte range outside the file
  kCorrupt,               // stored data failed its integrity check; never served
};

// Returns a stable lower-case name for the code ("invalid_argument", ...),
// used in JSON error bodies.
const char* StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string message, std::string field = {}) {
    return Status(StatusCode::kInvalidArgument, std::move(message), std::move(field));
  }
  static Status NotFound(std::string message) {
    return Status(StatusCode::kNotFound, std::move(message));
  }
  static Status Conflict(std::string message, std::string field = {}) {
    return Status(StatusCode::kConflict, std::move(message), std::move(field));
  }
  static Status Unauthorized(std::string message) {
    return Status(StatusCode::kUnauthorized, std::move(message));
  }
  static Status Forbidden(std::string message) {
    return Status(StatusCode::kForbidden, std::move(message));
  }
  static Status TooLarge(std::string message) {
    return Status(StatusCode::kTooLarge, std::move(message));
  }
  static Status Unavailable(std::string message) {
    return Status(StatusCode::kUnavailable, std::move(message));
  }
  static Status Internal(std::string message) {
    return Status(StatusCode::kInternal, std::move(message));
  }
  static Status ChecksumMismatch(std::string message) {
    return Status(StatusCode::kChecksumMismatch, std::move(message));
  }
  static Status PreconditionFailed(std::string message) {
    return Status(StatusCode::kPreconditionFailed, std::move(message));
  }
  static Status UnsupportedMediaType(std::string message) {
    return Status(StatusCode::kUnsupportedMediaType, std::move(message));
  }
  static Status RangeNotSatisfiable(std::string message) {
    return Status(StatusCode::kRangeNotSatisfiable, std::move(message));
  }
  static Status Corrupt(std::string message) {
    return Status(StatusCode::kCorrupt, std::move(message));
  }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // The field the error is about, empty when it is about the whole request.
  const std::string& field() const { return field_; }

  // Returns a copy whose field is prefixed with `prefix` ("names[0]" + "script"
  // -> "names[0].script"), for errors raised while validating a nested value.
  Status WithFieldPrefix(const std::string& prefix) const;

  // "invalid_argument: <field>: <message>" for logs and the command line.
  std::string ToString() const;

 private:
  Status(StatusCode code, std::string message, std::string field = {})
      : code_(code), message_(std::move(message)), field_(std::move(field)) {}

  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  std::string field_;
};

// Either a value or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : data_(std::move(status)) {  // NOLINT
    assert(!std::get<Status>(data_).ok() && "Result built from an OK Status");
  }

  bool ok() const { return std::holds_alternative<T>(data_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(data_);
  }
  T& value() & { return std::get<T>(data_); }
  const T& value() const& { return std::get<T>(data_); }
  T&& value() && { return std::get<T>(std::move(data_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> data_;
};

}  // namespace kuzot

// Returns early from the enclosing function when `expr` yields a non-OK Status.
#define KUZOT_RETURN_IF_ERROR(expr)          \
  do {                                        \
    ::kuzot::Status kuzot_status_ = (expr);   \
    if (!kuzot_status_.ok()) return kuzot_status_; \
  } while (0)

#define KUZOT_CONCAT_INNER(a, b) a##b
#define KUZOT_CONCAT(a, b) KUZOT_CONCAT_INNER(a, b)
// Declares `lhs` from a Result-returning `expr`, returning its Status on error.
#define KUZOT_ASSIGN_OR_RETURN(lhs, expr)                            \
  auto KUZOT_CONCAT(kuzot_result_, __LINE__) = (expr);               \
  if (!KUZOT_CONCAT(kuzot_result_, __LINE__).ok())                   \
    return KUZOT_CONCAT(kuzot_result_, __LINE__).status();           \
  lhs = std::move(KUZOT_CONCAT(kuzot_result_, __LINE__)).value()
