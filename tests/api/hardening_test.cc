// The server's defences with the real binary: HTTPS with a certificate made
// here, security headers on every kind of answer, slow clients cut off
// without slowing anyone else, and connection floods capped.
#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <chrono>
#include <future>
#include <thread>

#include "kuzot_process.h"

namespace kuzot::testing {
namespace {

namespace fs = std::filesystem;
namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

// A self-signed certificate for "localhost" and 127.0.0.1, made with the
// openssl command line (Debian's openssl package).
bool MakeCertificate(const fs::path& dir) {
  std::string command =
      "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost "
      "-addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout " +
      (dir / "key.pem").string() + " -out " + (dir / "cert.pem").string() + " 2>/dev/null";
  return std::system(command.c_str()) == 0;
}

TEST(HardeningTest, ServesHttpsWithSecureCookiesAndHsts) {
  fs::path base = TestDir("tls");
  ASSERT_TRUE(MakeCertificate(base));
  KuzotProcess kuzot(base / "data", {"--tls-cert", (base / "cert.pem").string(), "--tls-key",
                                     (base / "key.pem").string()});
  kuzot.UseTls((base / "cert.pem").string());
  ASSERT_TRUE(kuzot.Start()) << kuzot.stderr_text();
  HttpResult health = kuzot.Request("GET", "/api/v1/health");
  ASSERT_EQ(health.status, 200) << health.body;
  EXPECT_EQ(health.headers["strict-transport-security"], "max-age=31536000");
  kuzot.ActAs("nobody");
  HttpResult login =
      kuzot.Request("POST", "/api/v1/auth/login",
                    Json{{"username", "admin"}, {"password", kAdminPassword}}.dump());
  ASSERT_EQ(login.status, 200) << login.body;
  EXPECT_NE(login.headers["set-cookie"].find("; Secure"), std::string::npos)
      << login.headers["set-cookie"];
  EXPECT_NE(login.headers["set-cookie"].find("HttpOnly"), std::string::npos);
  // Plain HTTP on the TLS port gets no HTTP answer at all.
  std::string plain = kuzot.RawExchange("GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(plain.find("HTTP/1.1 200"), std::string::npos) << plain;
  // And the server still serves HTTPS after that.
  EXPECT_EQ(kuzot.Request("GET", "/api/v1/health").status, 200);
}

TEST(HardeningTest, RefusesAnUnusableCertificateClearly) {
  fs::path base = TestDir("badtls");
  ASSERT_TRUE(MakeCertificate(base));
  fs::create_directories(base / "other");
  ASSERT_TRUE(MakeCertificate(base / "other"));
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  std::vector<Case> cases = {
      {{"--tls-cert", (base / "cert.pem").string()}, "give both --tls-cert and --tls-key"},
      {{"--tls-cert", (base / "missing.pem").string(), "--tls-key", (base / "key.pem").string()},
       "cannot use the TLS certificate"},
      {{"--tls-cert", (base / "cert.pem").string(), "--tls-key",
        (base / "other" / "key.pem").string()},
       "cannot use the TLS key"},
  };
  for (const auto& c : cases) {
    KuzotProcess kuzot(base / "data", c.args);
    EXPECT_FALSE(kuzot.Start());
    EXPECT_NE(kuzot.stderr_text().find(c.message), std::string::npos) << kuzot.stderr_text();
  }
}

TEST(HardeningTest, SecurityHeadersOnEveryKindOfAnswer) {
  KuzotProcess kuzot(TestDir("headers") / "data");
  ASSERT_TRUE(kuzot.Start());
  auto check = [](const std::map<std::string, std::string>& headers, const std::string& what) {
    auto get = [&](const char* name) {
      auto it = headers.find(name);
      return it == headers.end() ? std::string() : it->second;
    };
    EXPECT_NE(get("content-security-policy").find("frame-ancestors 'none'"), std::string::npos)
        << what;
    EXPECT_NE(get("content-security-policy").find("default-src 'self'"), std::string::npos) << what;
    EXPECT_EQ(get("x-content-type-options"), "nosniff") << what;
    EXPECT_EQ(get("referrer-policy"), "no-referrer") << what;
    EXPECT_EQ(get("x-frame-options"), "DENY") << what;
    // The web application's page holds no data and is revalidated
    // ("no-cache"); every other answer is never stored.
    if (what == "GET /") {
      EXPECT_TRUE(get("cache-control") == "no-store" || get("cache-control") == "no-cache") << what;
    } else {
      EXPECT_EQ(get("cache-control"), "no-store") << what;
    }
  };
  struct Call {
    std::string method, target, body;
    int status;
  };
  std::vector<Call> calls = {
      {"GET", "/api/v1/health", "", 200},
      {"GET", "/api/v1/openapi.json", "", 200},
      {"GET", "/api/v1/events", "", 200},
      {"GET", "/api/v1/events/01ARZ3NDEKTSV4RRFFQ69G5FAV", "", 404},
      {"DELETE", "/api/v1/health", "", 405},
      {"POST", "/api/v1/events", "{not json", 400},
      {"GET", "/api/v1/no-such-thing", "", 404},
      {"GET", "/", "", -2},  // the web application, or its placeholder
  };
  for (const auto& c : calls) {
    HttpResult r = kuzot.Request(c.method, c.target, c.body);
    if (c.status != -2) EXPECT_EQ(r.status, c.status) << c.method << " " << c.target;
    check(r.headers, c.method + " " + c.target);
  }
  kuzot.ActAs("nobody");
  HttpResult unauthorized = kuzot.Request("GET", "/api/v1/events");
  EXPECT_EQ(unauthorized.status, 401);
  check(unauthorized.headers, "401");
  // Answers the server writes itself, before any route: too large, malformed.
  for (const std::string& raw :
       {std::string("POST /api/v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    "Content-Length: 99999999\r\n\r\n"),
        std::string("NOT HTTP AT ALL\r\n\r\n")}) {
    std::string answer = kuzot.RawExchange(raw);
    EXPECT_NE(answer.find("Content-Security-Policy: "), std::string::npos) << answer;
    EXPECT_NE(answer.find("X-Content-Type-Options: nosniff"), std::string::npos) << answer;
  }
}

// Opens a connection and sends `bytes` one at a time, `gap` apart, until
// the server closes it; returns what the server sent and when it closed.
struct SlowResult {
  std::string answer;
  bool closed = false;
  double seconds = 0;
};

SlowResult SlowSend(int port, const std::string& bytes, std::chrono::milliseconds gap,
                    std::chrono::seconds give_up) {
  SlowResult result;
  asio::io_context io;
  asio::ip::tcp::socket socket(io);
  socket.connect({asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)});
  socket.non_blocking(true);
  auto start = Clock::now();
  size_t sent = 0;
  char buffer[4096];
  while (Clock::now() - start < give_up) {
    boost::system::error_code ec;
    size_t n = socket.read_some(asio::buffer(buffer), ec);
    if (!ec) {
      result.answer.append(buffer, n);
      continue;
    }
    if (ec != asio::error::would_block) {
      result.closed = true;  // eof or reset: the server hung up
      break;
    }
    if (sent < bytes.size()) {
      socket.write_some(asio::buffer(bytes.data() + sent, 1), ec);
      if (ec) {
        result.closed = true;
        break;
      }
      ++sent;
    }
    std::this_thread::sleep_for(gap);
  }
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return result;
}

TEST(HardeningTest, SlowClientsAreCutOffWithoutBlockingOthers) {
  KuzotProcess kuzot(TestDir("slow") / "data",
                     {"--header-timeout", "2", "--request-timeout", "4", "--threads", "1"});
  ASSERT_TRUE(kuzot.Start());
  int port = kuzot.port();
  // Slowloris: headers a byte at a time, never finished.
  std::string headers = "GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Padding: ";
  headers += std::string(500, 'a');
  auto slow_headers = std::async(std::launch::async, [&] {
    return SlowSend(port, headers, std::chrono::milliseconds(100), std::chrono::seconds(20));
  });
  // A slow body: the headers at once, then the body a byte at a time.
  std::string body_request =
      "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Content-Length: 400\r\n\r\n" +
      std::string(400, ' ');
  auto slow_body = std::async(std::launch::async, [&] {
    return SlowSend(port, body_request, std::chrono::milliseconds(25), std::chrono::seconds(20));
  });
  // Meanwhile everyone else is served, on the server's single thread.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  int served = 0;
  for (int i = 0; i < 20; ++i) {
    if (kuzot.Request("GET", "/api/v1/events").status == 200) ++served;
  }
  EXPECT_EQ(served, 20);
  SlowResult h = slow_headers.get();
  EXPECT_TRUE(h.closed) << "the slow client was never cut off";
  EXPECT_NE(h.answer.find("HTTP/1.1 408"), std::string::npos) << h.answer;
  EXPECT_NE(h.answer.find("did not arrive in time"), std::string::npos) << h.answer;
  SlowResult b = slow_body.get();
  EXPECT_TRUE(b.closed) << "the slow body was never cut off";
  EXPECT_NE(b.answer.find("HTTP/1.1 408"), std::string::npos) << b.answer;
  // Cut off by the deadlines, not by the end of the test (20 s).
  EXPECT_LT(h.seconds, 15) << h.seconds;
  EXPECT_LT(b.seconds, 15) << b.seconds;
  EXPECT_EQ(kuzot.Request("GET", "/api/v1/health").status, 200);
}

// A kept-alive connection is closed once idle for --keep-alive-timeout,
// counted from its last answer, not from when it opened: one that keeps
// asking (every second, for three times the limit) stays open.
TEST(HardeningTest, IdleKeptAliveConnectionsAreClosed) {
  KuzotProcess kuzot(TestDir("idle") / "data", {"--keep-alive-timeout", "2"});
  ASSERT_TRUE(kuzot.Start());
  asio::io_context io;
  asio::ip::tcp::socket socket(io);
  socket.connect({asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(kuzot.port())});
  const std::string request = "GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n";
  char buffer[4096];
  for (int i = 0; i < 6; ++i) {
    asio::write(socket, asio::buffer(request));
    boost::system::error_code ec;
    size_t n = socket.read_some(asio::buffer(buffer), ec);
    ASSERT_FALSE(ec) << "closed while in use, after " << i << " s: " << ec.message();
    EXPECT_EQ(std::string(buffer, n).rfind("HTTP/1.1 200", 0), 0u) << std::string(buffer, n);
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  // Now idle: closed after about two seconds (the deadline is checked
  // once a second), well before the test gives up.
  auto idle_since = Clock::now();
  socket.non_blocking(true);
  bool closed = false;
  while (!closed && Clock::now() - idle_since < std::chrono::seconds(20)) {
    boost::system::error_code ec;
    socket.read_some(asio::buffer(buffer), ec);
    if (ec && ec != asio::error::would_block) closed = true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  double seconds = std::chrono::duration<double>(Clock::now() - idle_since).count();
  EXPECT_TRUE(closed) << "the idle connection was never closed";
  EXPECT_GE(seconds, 1.0);
  EXPECT_LT(seconds, 10.0);
}

TEST(HardeningTest, ConnectionsFromOneAddressAreCapped) {
  KuzotProcess kuzot(TestDir("flood") / "data",
                     {"--max-connections-per-address", "4", "--header-timeout", "30"});
  ASSERT_TRUE(kuzot.Start());
  asio::io_context io;
  std::vector<std::unique_ptr<asio::ip::tcp::socket>> idle;
  // Start() signed in over a connection of its own: the server counts it
  // out once it has seen it closed, not at once.
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  asio::ip::tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"),
                                   static_cast<unsigned short>(kuzot.port()));
  for (int i = 0; i < 4; ++i) {
    idle.push_back(std::make_unique<asio::ip::tcp::socket>(io));
    idle.back()->connect(endpoint);
  }
  // Time for the server to take the four in (generous: test machines are busy).
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  // The fifth is closed at once, with no answer.
  HttpResult refused = kuzot.Request("GET", "/api/v1/health");
  EXPECT_EQ(refused.status, -1) << refused.body;
  for (auto& s : idle) s->close();
  idle.clear();
  // Once the server has seen them closed, the address may connect again.
  int status = -1;
  for (int i = 0; i < 100 && status != 200; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    status = kuzot.Request("GET", "/api/v1/health").status;
  }
  EXPECT_EQ(status, 200);
}

}  // namespace
}  // namespace kuzot::testing
