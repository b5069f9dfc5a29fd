// HTTP requests, responses and the route table. Handlers are plain
// functions from a parsed Request to a Response; the server owns sockets.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/caller.h"
#include "common/status.h"

namespace kuzot::http {

using Json = nlohmann::ordered_json;

struct Request {
  std::string method;                                      // "GET", ...
  std::string path;                                        // decoded path without the query
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order
  std::map<std::string, std::string> headers;              // lower-case names
  std::string body;
  std::string remote_address;
  std::map<std::string, std::string> params;  // path parameters, filled by the router
  // Who is asking, filled by the router's authenticator; anonymous callers
  // of public routes have an empty user and public clearance.
  Caller caller = Anonymous();
  std::string session_kind;  // "session", "api" or "" when not signed in
  std::string csrf_token;
  std::string session_token;

  static Caller Anonymous() { return Caller::Anonymous(); }

  // The first value of query parameter `name`.
  std::optional<std::string> Query(std::string_view name) const;
  // Query parameter `name` as a whole number within +-1,000,000, or
  // `fallback` when absent; InvalidArgument naming it otherwise.
  Result<int> IntQuery(std::string_view name, int fallback) const;
  // Query parameter `name` as true/1 or false/0, or `fallback` when absent.
  Result<bool> BoolQuery(std::string_view name, bool fallback) const;
  std::string Header(std::string_view lower_name) const;
};

// An answer too large to hold in memory (evidence downloads): the server
// sends `size()` bytes read from it in pieces.
class BodySource {
 public:
  virtual ~BodySource() = default;
  virtual uint64_t size() const = 0;  // goes into Content-Length
  // Up to `n` bytes; 0 at the end. An error cuts the connection, so that a
  // partial answer is never taken for a whole one.
  virtual Result<size_t> Read(char* out, size_t n) = 0;
  // The next up to `n` bytes (empty at the end) as a view that stays valid
  // until the next call. A source that holds its bytes already (a
  // download decrypted ahead) hands them over without copying them; by
  // default they are Read into a buffer of the source's own.
  virtual Result<std::string_view> Next(size_t n);

 private:
  std::string buffer_;  // for the default Next
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::shared_ptr<BodySource> source;  // when set, the body comes from it

  static Response JsonBody(int status, const Json& body);
};

using Handler = std::function<Response(Request&)>;

// Routes that take large bodies (evidence uploads) read them in pieces,
// with flat memory: the handler sees the request without its body and
// returns a sink for it, or an answer straight away (a refusal happens
// before any byte of the body is read).
class BodySink {
 public:
  virtual ~BodySink() = default;
  // Each piece of the body, in order; an error stops the reading.
  virtual Status Write(std::string_view piece) = 0;
  // Called once: OK when the whole body arrived, else why not (the client
  // went away, or Write's error). Returns the answer.
  virtual Response Finish(const Status& body) = 0;
};

struct StreamStart {
  Response response;  // the answer when `sink` is null
  std::unique_ptr<BodySink> sink;
};

using StreamHandler = std::function<StreamStart(Request&)>;

// Decides who a request comes from and whether it may use a route: fills
// request.caller and returns OK, or the Status to answer with.
using Authenticator = std::function<Status(Request& request, const std::string& permission)>;

struct Route {
  std::string method;
  std::string pattern;     // "/api/v1/{type}/{id}"; {name} matches one segment
  std::string permission;  // what a caller needs, see doc/security.md
  std::string summary;
  Handler handler;
  StreamHandler stream_handler = nullptr;  // set instead of `handler` for streamed bodies
  // Query parameters the route reads, name -> description, for the OpenAPI
  // document (record lists and search document theirs from the schema).
  std::vector<std::pair<std::string, std::string>> query = {};
};

class Router {
 public:
  void Add(Route route);
  // The route for GET paths no other route matches (the web application).
  void AddFallback(Route route) { fallback_ = std::move(route); }
  // Without an authenticator every route is open (tests of handlers only).
  void SetAuthenticator(Authenticator authenticator) { authenticator_ = std::move(authenticator); }
  // Finds the route for the request, fills request.params and calls it.
  // Unknown paths give 404 and known paths with another method 405, both
  // as JSON errors. A handler that throws gives a 500; the server goes on.
  Response Dispatch(Request& request) const;
  // Whether the route for this method and path streams its request body.
  bool StreamsBody(const std::string& method, const std::string& path) const;
  // Dispatch for streaming routes: authenticates, then calls the route's
  // stream handler (errors come back as a response without a sink).
  StreamStart DispatchStream(Request& request) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
  // Each route's pattern split into segments once (matching every request
  // against every pattern was a visible share of a one-record GET).
  std::vector<std::vector<std::string>> segments_;
  std::optional<Route> fallback_;
  Authenticator authenticator_;
};

// Splits a request target ("/api/v1/events?limit=5") into request->path
// (percent-decoded) and request->query (decoded pairs).
void SplitTarget(std::string_view target, Request* request);
// Splits "a=1&b=x%20y" into decoded pairs.
std::vector<std::pair<std::string, std::string>> ParseQuery(std::string_view query);
// Percent-decodes; '+' becomes a space when `plus_is_space`.
std::string UrlDecode(std::string_view in, bool plus_is_space);

}  // namespace kuzot::http
