#include "http/router.h"

#include <spdlog/spdlog.h>

#include "http/error_mapping.h"

namespace kuzot::http {
namespace {

// The next '/'-separated segment of `s` from `*i` on (empty slashes
// skipped); false at the end.
bool NextSegment(std::string_view s, size_t* i, std::string_view* segment) {
  while (*i < s.size() && s[*i] == '/') ++*i;
  if (*i >= s.size()) return false;
  size_t j = s.find('/', *i);
  if (j == std::string_view::npos) j = s.size();
  *segment = s.substr(*i, j - *i);
  *i = j;
  return true;
}

// The non-empty '/'-separated segments of `s`.
template <typename Segment>
std::vector<Segment> Segments(std::string_view s) {
  std::vector<Segment> out;
  size_t i = 0;
  std::string_view segment;
  while (NextSegment(s, &i, &segment)) out.emplace_back(segment);
  return out;
}

bool IsParam(std::string_view p) { return p.size() > 2 && p.front() == '{' && p.back() == '}'; }

// Whether the segments of a path match a pattern's; fills `params` only on
// a match. Allocates nothing until then: every request is matched against
// the route table, its path split once (Segments) for all the routes.
bool Match(const std::vector<std::string>& pattern, const std::vector<std::string_view>& path,
           std::map<std::string, std::string>* params) {
  if (pattern.size() != path.size()) return false;
  bool has_params = false;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (IsParam(pattern[i])) {
      has_params = true;
    } else if (pattern[i] != path[i]) {
      return false;
    }
  }
  params->clear();
  if (!has_params) return true;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (IsParam(pattern[i])) {
      (*params)[pattern[i].substr(1, pattern[i].size() - 2)] = std::string(path[i]);
    }
  }
  return true;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::optional<std::string> Request::Query(std::string_view name) const {
  for (const auto& [k, v] : query) {
    if (k == name) return v;
  }
  return std::nullopt;
}

Result<int> Request::IntQuery(std::string_view name, int fallback) const {
  auto value = Query(name);
  if (!value) return fallback;
  char* end = nullptr;
  long n = std::strtol(value->c_str(), &end, 10);
  if (value->empty() || *end || n < -1000000 || n > 1000000) {
    return Status::InvalidArgument("must be a whole number", std::string(name));
  }
  return static_cast<int>(n);
}

Result<bool> Request::BoolQuery(std::string_view name, bool fallback) const {
  auto value = Query(name);
  if (!value) return fallback;
  if (*value == "true" || *value == "1") return true;
  if (*value == "false" || *value == "0") return false;
  return Status::InvalidArgument("must be true or false", std::string(name));
}

std::string Request::Header(std::string_view name) const {
  auto it = headers.find(std::string(name));
  return it == headers.end() ? std::string() : it->second;
}

Response Response::JsonBody(int status, const Json& body) {
  Response r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, Json::error_handler_t::replace);
  return r;
}

std::string UrlDecode(std::string_view in, bool plus_is_space) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '%' && i + 2 < in.size() && HexValue(in[i + 1]) >= 0 && HexValue(in[i + 2]) >= 0) {
      out += static_cast<char>(HexValue(in[i + 1]) * 16 + HexValue(in[i + 2]));
      i += 2;
    } else if (in[i] == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += in[i];
    }
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> ParseQuery(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t i = 0;
  while (i <= query.size() && !query.empty()) {
    size_t j = query.find('&', i);
    if (j == std::string_view::npos) j = query.size();
    std::string_view part = query.substr(i, j - i);
    if (!part.empty()) {
      size_t eq = part.find('=');
      std::string key = UrlDecode(part.substr(0, eq), true);
      std::string value = eq == std::string_view::npos ? "" : UrlDecode(part.substr(eq + 1), true);
      out.emplace_back(std::move(key), std::move(value));
    }
    if (j == query.size()) break;
    i = j + 1;
  }
  return out;
}

void SplitTarget(std::string_view target, Request* request) {
  size_t q = target.find('?');
  request->path = UrlDecode(target.substr(0, q), false);
  request->query.clear();
  if (q != std::string_view::npos) request->query = ParseQuery(target.substr(q + 1));
}

void Router::Add(Route route) {
  segments_.push_back(Segments<std::string>(route.pattern));
  routes_.push_back(std::move(route));
}

bool Router::StreamsBody(const std::string& method, const std::string& path) const {
  auto segments = Segments<std::string_view>(path);
  for (size_t i = 0; i < routes_.size(); ++i) {
    const Route& route = routes_[i];
    std::map<std::string, std::string> params;
    if (route.method == method && Match(segments_[i], segments, &params)) {
      return static_cast<bool>(route.stream_handler);
    }
  }
  return false;
}

StreamStart Router::DispatchStream(Request& request) const {
  StreamStart start;
  auto segments = Segments<std::string_view>(request.path);
  for (size_t i = 0; i < routes_.size(); ++i) {
    const Route& route = routes_[i];
    std::map<std::string, std::string> params;
    if (route.method != request.method || !Match(segments_[i], segments, &params)) continue;
    request.params = std::move(params);
    try {
      if (authenticator_) {
        Status allowed = authenticator_(request, route.permission);
        if (!allowed.ok()) {
          start.response = ErrorResponse(allowed);
          return start;
        }
      }
      return route.stream_handler(request);
    } catch (const std::exception& e) {
      spdlog::error("{} {}: unhandled exception: {}", request.method, request.path, e.what());
      start.response =
          ErrorResponse(Status::Internal("the server failed on this request; it is logged"));
      return start;
    }
  }
  start.response = ErrorResponse(Status::NotFound("no such path: " + request.path.substr(0, 200)));
  return start;
}

Response Router::Dispatch(Request& request) const {
  std::vector<std::string> allowed;
  auto segments = Segments<std::string_view>(request.path);
  for (size_t i = 0; i < routes_.size(); ++i) {
    const Route& route = routes_[i];
    std::map<std::string, std::string> params;
    if (!Match(segments_[i], segments, &params)) continue;
    if (route.method != request.method) {
      allowed.push_back(route.method);
      continue;
    }
    request.params = std::move(params);
    try {
      if (authenticator_) {
        Status allowed = authenticator_(request, route.permission);
        if (!allowed.ok()) return ErrorResponse(allowed);
      }
      return route.handler(request);
    } catch (const std::exception& e) {
      spdlog::error("{} {}: unhandled exception: {}", request.method, request.path, e.what());
      return ErrorResponse(Status::Internal("the server failed on this request; it is logged"));
    }
  }
  if (allowed.empty() && fallback_ && request.method == "GET" &&
      request.path.rfind("/api/", 0) != 0) {
    return fallback_->handler(request);
  }
  if (!allowed.empty()) {
    Response r = ErrorResponse(
        Status::InvalidArgument("this path does not take " + request.method.substr(0, 10)), 405);
    std::string allow;
    for (const auto& m : allowed) allow += (allow.empty() ? "" : ", ") + m;
    r.headers.emplace_back("Allow", allow);
    return r;
  }
  return ErrorResponse(Status::NotFound("no such path: " + request.path.substr(0, 200)));
}

Result<std::string_view> BodySource::Next(size_t n) {
  buffer_.resize(n);
  KUZOT_ASSIGN_OR_RETURN(size_t got, Read(buffer_.data(), n));
  return std::string_view(buffer_.data(), got);
}

}  // namespace kuzot::http
