// Targets that need a database: each process gets its own, in a scratch
// folder, opened with a keyring as kuzot serve does.
#include <boost/asio/buffer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <filesystem>
#include <memory>
#include <sstream>

#include "auth/auth.h"
#include "crypto/crypto.h"
#include "http/api.h"
#include "http/auth_routes.h"
#include "http/router.h"
#include "records/service.h"
#include "targets.h"

namespace kuzot::fuzz {
namespace {

namespace beast = boost::beast;
namespace bhttp = beast::http;

constexpr size_t kMaxInput = 128 * 1024;

struct World {
  std::unique_ptr<records::RecordService> records;
  std::unique_ptr<auth::AuthService> auth;
  http::Router router;
  std::string admin_token;
  std::string viewer_token;
};

// A database with a keyring, a few records of every level (a secret one
// too), an administrator and a viewer with API tokens.
World& TheWorld(const char* target) {
  static World* world = [&] {
    auto* w = new World();
    std::string dir = ScratchDir(target);
    std::filesystem::create_directories(dir + "/data");
    Check(crypto::CreateKeyFile(dir + "/key").ok(), "cannot create the key file");
    records::OpenOptions options;
    options.keyring =
        crypto::Keyring::Create(dir + "/data", crypto::KeySource::KeyFile(dir + "/key")).value();
    w->records = records::RecordService::Open(dir + "/data/kuzot.db", options).value();
    Caller admin = Caller::System("admin");
    for (const char* level : {"public", "internal", "restricted", "secret"}) {
      Check(w->records
                ->Create(admin, "event",
                         {{"title", std::string("Batken event ") + level},
                          {"description", "shelling of Kök-Tash and Maksat"},
                          {"start_date", "2021-04-29"},
                          {"confidentiality", level}})
                .ok(),
            "cannot create an event");
    }
    Check(
        w->records
            ->Create(admin, "person",
                     {{"names", {{{"value", "Аскаров Азимжан"}}}}, {"contact", "+996 555 000 111"}})
            .ok(),
        "cannot create a person");
    w->auth = std::make_unique<auth::AuthService>(w->records->store());
    Check(w->auth->EnsureAdmin("admin-password-for-fuzzing").ok(), "cannot create the admin");
    Check(w->auth->CreateUser(admin, "viewer1", "viewer-password-1", "viewer", "").ok(),
          "cannot create the viewer");
    w->admin_token =
        w->auth->CreateApiToken(auth::CallerFor("admin", "admin"), "fuzz").value().first;
    w->viewer_token =
        w->auth->CreateApiToken(auth::CallerFor("viewer1", "viewer"), "fuzz").value().first;
    http::AddAuthRoutes(w->router, *w->auth, w->records->store(), {false});
    http::AddApiRoutes(w->router, *w->records);
    return w;
  }();
  return *world;
}

std::string_view Text(const uint8_t* data, size_t size) {
  return std::string_view(reinterpret_cast<const char*>(data), size);
}

}  // namespace

// What a user types in the search box, searched by an administrator (who
// sees secret records through their blind index too) and by a viewer: a
// result, or a clear 400, never a server error.
int SearchQuery(const uint8_t* data, size_t size) {
  if (size > 4096) return 0;
  World& w = TheWorld("search_query");
  std::string query(Text(data, size));
  for (const Caller& caller : {Caller::System("admin"), auth::CallerFor("viewer1", "viewer")}) {
    auto found = w.records->Search(caller, query, {}, 20, 0);
    Check(found.ok() || found.status().code() == StatusCode::kInvalidArgument,
          "a search query gave a server error", found.ok() ? "" : found.status().message());
  }
  return 0;
}

// A bundle given to kuzot import: imported whole, or refused with a clear
// 400 and nothing imported.
int Bundle(const uint8_t* data, size_t size) {
  if (size > kMaxInput) return 0;
  World& w = TheWorld("bundle");
  int64_t before = w.records->CountRecords("event").value();
  std::istringstream in{std::string(Text(data, size))};
  auto report = w.records->ImportBundle(in, Caller::System("fuzz"));
  if (!report.ok()) {
    Check(report.status().code() == StatusCode::kInvalidArgument,
          "a bad bundle gave something else than a clear error", report.status().message());
    Check(w.records->CountRecords("event").value() == before, "a refused bundle left records");
  }
  return 0;
}

// Raw bytes as a client sends them, through Beast's parser and the whole
// router: authentication (cookies, bearer tokens, CSRF), routing, query
// strings, JSON bodies and every handler. The first byte picks who is
// asking (nobody, an administrator, a viewer). No answer may be a 500.
int HttpRequest(const uint8_t* data, size_t size) {
  if (size < 1 || size > kMaxInput) return 0;
  World& w = TheWorld("http_request");
  bhttp::request_parser<bhttp::string_body> parser;
  parser.eager(true);
  parser.header_limit(16 * 1024);
  parser.body_limit(1 << 20);
  beast::error_code ec;
  parser.put(boost::asio::buffer(data + 1, size - 1), ec);
  if (!ec && !parser.is_done()) parser.put_eof(ec);
  if (ec || !parser.is_done()) return 0;
  const auto& req = parser.get();
  http::Request request;
  request.method = std::string(req.method_string());
  http::SplitTarget(req.target(), &request);
  for (const auto& field : req) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    request.headers[name] = std::string(field.value());
  }
  if (data[0] % 3 == 1) request.headers["authorization"] = "Bearer " + w.admin_token;
  if (data[0] % 3 == 2) request.headers["authorization"] = "Bearer " + w.viewer_token;
  request.body = req.body();
  request.remote_address = "192.0.2." + std::to_string(data[0]);
  http::Response response = w.router.Dispatch(request);
  Check(response.status != 500, "a request gave a server error");
  Check(response.status >= 200 && response.status < 600, "an impossible status");
  if (response.content_type == "application/json") {
    Check(!records::Json::parse(response.body, nullptr, false).is_discarded(),
          "a JSON answer that is not JSON");
  }
  return 0;
}

}  // namespace kuzot::fuzz
