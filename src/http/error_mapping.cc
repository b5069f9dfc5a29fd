#include "http/error_mapping.h"

#include <spdlog/spdlog.h>

namespace kuzot::http {

int HttpStatusFor(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return 200;
    case StatusCode::kInvalidArgument: return 400;
    case StatusCode::kUnauthorized: return 401;
    case StatusCode::kForbidden: return 403;
    case StatusCode::kNotFound: return 404;
    case StatusCode::kConflict: return 409;
    case StatusCode::kTooLarge: return 413;
    case StatusCode::kUnavailable: return 503;
    case StatusCode::kInternal: return 500;
    case StatusCode::kChecksumMismatch: return 460;  // tus checksum extension
    case StatusCode::kPreconditionFailed: return 412;
    case StatusCode::kUnsupportedMediaType: return 415;
    case StatusCode::kRangeNotSatisfiable: return 416;
    case StatusCode::kCorrupt: return 500;  // the server's data, not the request, is at fault
  }
  return 500;
}

Response ErrorResponse(const Status& status, int http_status) {
  int code = http_status ? http_status : HttpStatusFor(status.code());
  Json error = {{"code", StatusCodeName(status.code())}};
  if (status.code() == StatusCode::kInternal) {
    // Internals (paths, SQL) stay in the log, not in the answer.
    spdlog::error("internal error: {}", status.message());
    error["message"] = "the server failed on this request; it is logged";
  } else {
    error["message"] = status.message();
  }
  if (!status.field().empty()) error["field"] = status.field();
  return Response::JsonBody(code, {{"error", error}});
}

}  // namespace kuzot::http
