#include "http/server.h"

#include <spdlog/spdlog.h>

#include <boost/asio.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <thread>
#include <vector>

#include "http/compress.h"
#include "http/error_mapping.h"

namespace kuzot::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

void AddCommonHeaders(bhttp::response<bhttp::string_body>& res) {
  res.set(bhttp::field::server, "kuzot");
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Referrer-Policy", "no-referrer");
  res.set("X-Frame-Options", "DENY");
  res.set("Content-Security-Policy",
          "default-src 'self'; img-src 'self' data: blob: https:; style-src 'self' "
          "'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
  res.set(bhttp::field::cache_control, "no-store");
}

Request ToRequest(const bhttp::request<bhttp::string_body>& req, const std::string& remote) {
  Request out;
  out.method = std::string(req.method_string());
  std::string_view target = req.target();
  size_t q = target.find('?');
  out.path = UrlDecode(target.substr(0, q), false);
  if (q != std::string_view::npos) out.query = ParseQuery(target.substr(q + 1));
  for (const auto& field : req) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers[name] = std::string(field.value());
  }
  out.body = req.body();
  out.remote_address = remote;
  return out;
}

bhttp::response<bhttp::string_body> ToBeast(Response&& r, unsigned version, bool keep_alive,
                                            bool head) {
  bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(r.status), version};
  AddCommonHeaders(res);
  res.set(bhttp::field::content_type, r.content_type);
  for (auto& [k, v] : r.headers) res.set(k, v);
  res.keep_alive(keep_alive);
  res.body() = std::move(r.body);
  res.prepare_payload();
  if (head) res.body().clear();
  return res;
}

// JSON answers of a few kilobytes go gzip-compressed to clients that
// accept it (slow links). Session answers carry the CSRF token and are left
// alone, so no compression side channel can reach it.
void CompressJson(const Request& request, Response& response) {
  constexpr size_t kWorthIt = 1024;
  if (response.body.size() < kWorthIt || response.content_type != "application/json" ||
      request.path.rfind("/api/v1/auth/", 0) == 0 ||
      !AcceptsGzip(request.Header("accept-encoding"))) {
    return;
  }
  std::string packed = Gzip(response.body);
  if (packed.empty()) return;
  response.body = std::move(packed);
  response.headers.emplace_back("Content-Encoding", "gzip");
  response.headers.emplace_back("Vary", "Accept-Encoding");
}

}  // namespace

struct Server::Impl {
  Impl(ServerOptions o, const Router& r)
      : options(std::move(o)), router(r), io(options.threads), acceptor(io) {}

  asio::awaitable<void> Session(tcp::socket socket) {
    beast::tcp_stream stream(std::move(socket));
    std::string remote;
    {
      boost::system::error_code ec;
      auto endpoint = stream.socket().remote_endpoint(ec);
      if (!ec) remote = endpoint.address().to_string();
    }
    beast::flat_buffer buffer;
    bool first = true;
    for (;;) {
      bhttp::request_parser<bhttp::string_body> parser;
      parser.body_limit(options.max_body_bytes);
      parser.header_limit(static_cast<std::uint32_t>(options.max_header_bytes));
      // The whole request (headers and body) must arrive within the timeout:
      // slow clients cannot hold connections open.
      stream.expires_after(std::chrono::seconds(first ? options.read_timeout_seconds
                                                      : options.keep_alive_seconds));
      auto [ec, bytes] = co_await bhttp::async_read(stream, buffer, parser, kTuple);
      first = false;
      if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout ||
          ec == asio::error::connection_reset || ec == asio::error::eof) {
        break;
      }
      if (ec) {
        Status status = ec == bhttp::error::body_limit
                            ? Status::TooLarge("the request body is over the limit of " +
                                               std::to_string(options.max_body_bytes) + " bytes")
                        : ec == bhttp::error::header_limit
                            ? Status::TooLarge("the request headers are too large")
                            : Status::InvalidArgument("malformed HTTP request: " + ec.message());
        auto res = ToBeast(ErrorResponse(status), 11, false, false);
        stream.expires_after(std::chrono::seconds(10));
        co_await bhttp::async_write(stream, res, kTuple);
        break;
      }
      const auto& req = parser.get();
      Request request = ToRequest(req, remote);
      bool head = req.method() == bhttp::verb::head;
      if (head) request.method = "GET";
      Response response = router.Dispatch(request);
      CompressJson(request, response);
      auto res = ToBeast(std::move(response), req.version(), req.keep_alive(), head);
      stream.expires_after(std::chrono::seconds(60));
      auto [wec, written] = co_await bhttp::async_write(stream, res, kTuple);
      if (wec || !res.keep_alive()) break;
    }
    boost::system::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  asio::awaitable<void> Listen() {
    for (;;) {
      auto [ec, socket] = co_await acceptor.async_accept(kTuple);
      if (ec) {
        if (ec == asio::error::operation_aborted) co_return;
        spdlog::warn("accept failed: {}", ec.message());
        continue;
      }
      socket.set_option(tcp::no_delay(true));
      asio::co_spawn(acceptor.get_executor(), Session(std::move(socket)), asio::detached);
    }
  }

  ServerOptions options;
  const Router& router;
  asio::io_context io;
  tcp::acceptor acceptor;
};

Server::Server(ServerOptions options, const Router& router)
    : impl_(std::make_unique<Impl>(std::move(options), router)) {}

Server::~Server() = default;

Status Server::Listen() {
  boost::system::error_code ec;
  auto address = asio::ip::make_address(impl_->options.address, ec);
  if (ec) return Status::InvalidArgument("'" + impl_->options.address + "' is not an IP address");
  tcp::endpoint endpoint(address, static_cast<unsigned short>(impl_->options.port));
  auto& acceptor = impl_->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Status::Unavailable("cannot listen on " + impl_->options.address + ":" +
                               std::to_string(impl_->options.port) + ": " + ec.message());
  }
  return Status::Ok();
}

int Server::port() const { return impl_->acceptor.local_endpoint().port(); }

void Server::Run(bool handle_signals) {
  asio::signal_set signals(impl_->io);
  if (handle_signals) {
    signals.add(SIGINT);
    signals.add(SIGTERM);
    signals.async_wait([this](const boost::system::error_code& ec, int) {
      if (!ec) Stop();
    });
  }
  asio::co_spawn(impl_->io, impl_->Listen(), asio::detached);
  std::vector<std::thread> threads;
  for (int i = 1; i < impl_->options.threads; ++i) {
    threads.emplace_back([this] { impl_->io.run(); });
  }
  impl_->io.run();
  for (auto& t : threads) t.join();
}

void Server::Stop() {
  asio::post(impl_->io, [this] {
    boost::system::error_code ignored;
    impl_->acceptor.close(ignored);
    impl_->io.stop();
  });
}

}  // namespace kuzot::http
