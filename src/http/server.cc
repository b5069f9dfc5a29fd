#include "http/server.h"

#include <spdlog/spdlog.h>

#include <boost/asio.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <map>
#include <mutex>
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

void AddCommonHeaders(bhttp::fields& res) {
  res.set(bhttp::field::server, "kuzot");
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Referrer-Policy", "no-referrer");
  res.set("X-Frame-Options", "DENY");
  res.set("Content-Security-Policy",
          "default-src 'self'; img-src 'self' data: blob: https:; style-src 'self' "
          "'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
  res.set(bhttp::field::cache_control, "no-store");
}

template <class Body>
Request ToRequest(const bhttp::request<Body>& req, const std::string& remote) {
  Request out;
  out.method = std::string(req.method_string());
  SplitTarget(req.target(), &out);
  for (const auto& field : req) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers[name] = std::string(field.value());
  }
  if constexpr (std::is_same_v<Body, bhttp::string_body>) out.body = req.body();
  out.remote_address = remote;
  return out;
}

bhttp::response<bhttp::string_body> ToBeast(Response&& r, unsigned version, bool keep_alive,
                                            bool head, bool tls) {
  bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(r.status), version};
  AddCommonHeaders(res);
  // Browsers that saw Kuzot over TLS never again try it in the clear.
  if (tls) res.set(bhttp::field::strict_transport_security, "max-age=31536000");
  res.set(bhttp::field::content_type, r.content_type);
  for (auto& [k, v] : r.headers) res.set(k, v);
  res.keep_alive(keep_alive);
  res.body() = std::move(r.body);
  res.prepare_payload();
  if (head) res.body().clear();
  return res;
}

// The Status for a failed read of a request.
Status ReadError(const boost::system::error_code& ec, size_t max_body_bytes) {
  if (ec == bhttp::error::body_limit) {
    return Status::TooLarge("the request body is over the limit of " +
                            std::to_string(max_body_bytes) + " bytes");
  }
  if (ec == bhttp::error::header_limit)
    return Status::TooLarge("the request headers are too large");
  return Status::InvalidArgument("malformed HTTP request: " + ec.message());
}

// A connection's deadline: when it passes, the socket's pending operation
// is cancelled (after a read, the socket stays open to answer 408).
//
// Every wait of a connection goes through it (the next request, its
// headers and body, the answer, each megabyte of an upload or download),
// and arming or disarming it touches no timer: it only sets `due`. The
// timer ticks at most every kTick while something is armed and checks
// `due`, so a deadline is enforced up to kTick late. A beast::tcp_stream
// expiry instead arms and cancels a timer on every read and write, and
// each cancel wakes another of the server's threads: three per small
// request, and ~40,000 for a 1 GB download on loopback (a third of the
// server's CPU).
//
// Shared with the timer's handler, which may run after the connection is
// gone: it then finds nothing armed and stops without touching the stream.
class Deadline : public std::enable_shared_from_this<Deadline> {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr Clock::duration kTick = std::chrono::seconds(1);

  // `stream` is the connection's lowest layer; it outlives every operation
  // awaited through Within.
  Deadline(asio::any_io_executor executor, beast::tcp_stream& stream)
      : timer_(std::move(executor)), stream_(stream) {}

  // Awaits one read or write on the connection (`op`, made with kTuple)
  // that must finish by `at`, with the stream's own expiry off; a passed
  // deadline reads as beast::error::timeout.
  template <class Op>
  asio::awaitable<std::tuple<boost::system::error_code, size_t>> Within(Clock::time_point at,
                                                                        Op op) {
    stream_.expires_never();
    Arm(at);
    auto [ec, n] = co_await std::move(op);
    if (Disarm()) ec = beast::error::timeout;
    co_return std::tuple{ec, n};
  }
  // The same, finishing within `limit` from now.
  template <class Op>
  asio::awaitable<std::tuple<boost::system::error_code, size_t>> Within(Clock::duration limit,
                                                                        Op op) {
    return Within(Clock::now() + limit, std::move(op));
  }

 private:
  void Arm(Clock::time_point at) {
    due_ = at;
    timed_out_ = false;
    if (!ticking_) Tick(Clock::now());
  }
  // Stops the deadline; true when it had passed.
  bool Disarm() {
    due_ = Clock::time_point::max();
    return timed_out_;
  }

  void Tick(Clock::time_point now) {
    ticking_ = true;
    timer_.expires_at(std::min(due_, now + kTick));
    timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      self->ticking_ = false;
      if (ec || self->due_ == Clock::time_point::max()) return;  // nothing armed: stop
      auto now = Clock::now();
      if (now < self->due_) return self->Tick(now);
      self->timed_out_ = true;
      boost::system::error_code ignored;
      self->stream_.socket().cancel(ignored);
    });
  }

  asio::steady_timer timer_;
  beast::tcp_stream& stream_;
  Clock::time_point due_ = Clock::time_point::max();
  bool timed_out_ = false;
  bool ticking_ = false;
};

// --- Streamed bodies (evidence uploads and downloads): memory stays flat
// whatever the size. Templates on the stream so that TLS streams fit too.

constexpr size_t kPieceBytes = 1 << 20;

// Why a streamed request body stopped before its end.
Status BodyCutShort(const boost::system::error_code& ec, int idle_seconds) {
  if (ec == beast::error::timeout) {
    return Status::InvalidArgument("the request body stopped arriving: nothing came for " +
                                   std::to_string(idle_seconds) + " s");
  }
  return Status::InvalidArgument("the request body did not arrive whole: " + ec.message());
}

// Reads the body of a request whose header is parsed into `header`, piece by
// piece, into the route's sink. Returns the answer and whether the
// connection may be kept (only when the body was read whole).
template <class Stream>
asio::awaitable<std::pair<Response, bool>> ReadIntoSink(
    Stream& stream, beast::flat_buffer& buffer, bhttp::request_parser<bhttp::empty_body>& header,
    const Router& router, Request& request, Deadline& deadline, int idle_seconds) {
  const std::chrono::seconds idle(idle_seconds);
  StreamStart start = router.DispatchStream(request);
  const auto& req = header.get();
  if (!start.sink) {
    // Refused before the body: a small body is read and dropped so that the
    // connection stays usable; a large one is not read (the connection closes).
    auto length = header.content_length();
    bool chunked = header.chunked();
    if (!chunked && (!length || *length <= (1u << 20))) {
      bhttp::request_parser<bhttp::string_body> rest(std::move(header));
      rest.body_limit(1u << 20);
      auto [ec, n] =
          co_await deadline.Within(idle, bhttp::async_read(stream, buffer, rest, kTuple));
      co_return std::pair<Response, bool>{std::move(start.response), !ec && req.keep_alive()};
    }
    co_return std::pair<Response, bool>{std::move(start.response), false};
  }
  if (bhttp::token_list(req[bhttp::field::expect]).exists("100-continue")) {
    static constexpr char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";
    co_await deadline.Within(
        idle, asio::async_write(stream, asio::buffer(kContinue, sizeof kContinue - 1), kTuple));
  }
  std::vector<char> piece(kPieceBytes);
  Status body;
  bool whole = false;
  if (auto length = header.content_length(); length && !header.chunked()) {
    // The common case (tus PATCH, curl -T): read straight from the socket
    // into the piece, a megabyte at a time, after what is already buffered.
    uint64_t left = *length;
    size_t buffered = std::min<uint64_t>(left, buffer.size());
    if (buffered > 0) {
      body = start.sink->Write(
          std::string_view(static_cast<const char*>(buffer.data().data()), buffered));
      buffer.consume(buffered);
      left -= buffered;
    }
    while (body.ok() && left > 0) {
      size_t want = static_cast<size_t>(std::min<uint64_t>(left, piece.size()));
      auto [ec, got] = co_await deadline.Within(
          idle, asio::async_read(stream, asio::buffer(piece.data(), want), kTuple));
      if (got > 0) body = start.sink->Write(std::string_view(piece.data(), got));
      left -= got;
      if (ec && body.ok()) body = BodyCutShort(ec, idle_seconds);
    }
    whole = body.ok() && left == 0;
  } else {
    bhttp::request_parser<bhttp::buffer_body> parser(std::move(header));
    parser.body_limit(boost::none);  // the sink enforces the route's own limit
    while (!parser.is_done()) {
      parser.get().body().data = piece.data();
      parser.get().body().size = piece.size();
      auto [ec, n] =
          co_await deadline.Within(idle, bhttp::async_read(stream, buffer, parser, kTuple));
      if (ec == bhttp::error::need_buffer) ec = {};
      size_t got = piece.size() - parser.get().body().size;
      if (got > 0) {
        body = start.sink->Write(std::string_view(piece.data(), got));
        if (!body.ok()) break;
      }
      if (ec) {
        body = BodyCutShort(ec, idle_seconds);
        break;
      }
    }
    whole = parser.is_done() && body.ok();
  }
  Response response = start.sink->Finish(body);
  co_return std::pair<Response, bool>{std::move(response), whole};
}

// Sends an answer whose body comes from a BodySource. Returns false when the
// connection must close (a read or write failed mid-way).
template <class Stream>
asio::awaitable<bool> WriteFromSource(Stream& stream, Response& r, unsigned version,
                                      bool keep_alive, bool head, bool tls, Deadline& deadline,
                                      int write_seconds) {
  bhttp::response<bhttp::empty_body> res{static_cast<bhttp::status>(r.status), version};
  AddCommonHeaders(res);
  if (tls) res.set(bhttp::field::strict_transport_security, "max-age=31536000");
  res.set(bhttp::field::content_type, r.content_type);
  for (auto& [k, v] : r.headers) res.set(k, v);
  res.keep_alive(keep_alive);
  res.content_length(r.source->size());
  bhttp::response_serializer<bhttp::empty_body> serializer{res};
  const std::chrono::seconds limit(write_seconds);
  auto [ec, n] =
      co_await deadline.Within(limit, bhttp::async_write_header(stream, serializer, kTuple));
  if (ec) co_return false;
  if (head) co_return keep_alive;
  uint64_t sent = 0;
  while (sent < r.source->size()) {
    auto piece = r.source->Next(std::min<uint64_t>(kPieceBytes, r.source->size() - sent));
    if (!piece.ok() || piece->empty()) {
      // Never let a partial answer look whole: cut the connection.
      if (!piece.ok()) spdlog::error("streamed answer stopped: {}", piece.status().ToString());
      co_return false;
    }
    auto [wec, written] = co_await deadline.Within(
        limit, asio::async_write(stream, asio::buffer(piece->data(), piece->size()), kTuple));
    if (wec) co_return false;
    sent += piece->size();
  }
  co_return keep_alive;
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
      : options(std::move(o)),
        router(r),
        ssl(asio::ssl::context::tls_server),
        io(options.threads),
        acceptor(io) {}

  // Counts a connection in while it lives; refuses it past the limits.
  class Admission {
   public:
    Admission(Impl& impl, std::string address) : impl_(impl), address_(std::move(address)) {
      std::lock_guard<std::mutex> lock(impl_.connections_mutex);
      int& mine = impl_.per_address[address_];
      admitted_ = impl_.connections < impl_.options.max_connections &&
                  mine < impl_.options.max_connections_per_address;
      if (admitted_) {
        ++impl_.connections;
        ++mine;
      } else if (mine == 0) {
        impl_.per_address.erase(address_);
      }
    }
    ~Admission() {
      if (!admitted_) return;
      std::lock_guard<std::mutex> lock(impl_.connections_mutex);
      --impl_.connections;
      if (--impl_.per_address[address_] == 0) impl_.per_address.erase(address_);
    }
    bool admitted() const { return admitted_; }

   private:
    Impl& impl_;
    std::string address_;
    bool admitted_ = false;
  };

  // One connection: requests read with the header and body deadlines,
  // answered in order. `Stream` is a tcp_stream or an ssl_stream over one.
  template <typename Stream>
  asio::awaitable<void> Serve(Stream& stream, const std::string& remote) {
    auto& lowest = beast::get_lowest_layer(stream);
    auto deadline = std::make_shared<Deadline>(co_await asio::this_coro::executor, lowest);
    beast::flat_buffer buffer;
    bool first = true;
    for (;;) {
      // The header first: routes that stream their body (uploads) take it
      // in pieces; every other body is read whole under max_body_bytes.
      bhttp::request_parser<bhttp::empty_body> header;
      header.body_limit(boost::none);
      header.header_limit(static_cast<std::uint32_t>(options.max_header_bytes));
      // Waiting for the next request of a kept-alive connection; then the
      // headers have their own, shorter deadline once the request began.
      if (!first && buffer.size() == 0) {
        auto [ec, n] = co_await deadline->Within(
            std::chrono::seconds(options.keep_alive_seconds),
            stream.async_read_some(
                buffer.prepare(std::max<size_t>(1024, options.max_header_bytes / 4)), kTuple));
        if (ec) break;
        buffer.commit(n);
      }
      first = false;
      // The request's deadlines are a timer that cancels the read, not the
      // stream's own expiry, which would close the socket before the 408.
      auto started = std::chrono::steady_clock::now();
      auto [ec, hbytes] =
          co_await deadline->Within(started + std::chrono::seconds(options.header_timeout_seconds),
                                    bhttp::async_read_header(stream, buffer, header, kTuple));
      if (ec == bhttp::error::end_of_stream || ec == asio::error::connection_reset ||
          ec == asio::error::eof || ec == asio::ssl::error::stream_truncated) {
        break;
      }
      Request request;
      Response response;
      bool head = false;
      bool keep_alive = false;
      unsigned version = 11;
      if (!ec) {
        request = ToRequest(header.get(), remote);
        head = header.get().method() == bhttp::verb::head;
        version = header.get().version();
        if (head) request.method = "GET";
        if (router.StreamsBody(request.method, request.path)) {
          // Uploads: an idle deadline per piece, however long the file.
          auto [streamed, keep] = co_await ReadIntoSink(stream, buffer, header, router, request,
                                                        *deadline, options.read_timeout_seconds);
          response = std::move(streamed);
          keep_alive = keep && header.get().keep_alive();
        } else if (auto length = header.content_length();
                   length && *length > options.max_body_bytes) {
          ec = bhttp::error::body_limit;
        } else {
          bhttp::request_parser<bhttp::string_body> parser(std::move(header));
          parser.body_limit(options.max_body_bytes);
          if (!parser.is_done()) {
            auto [bec, bbytes] = co_await deadline->Within(
                started + std::chrono::seconds(options.read_timeout_seconds),
                bhttp::async_read(stream, buffer, parser, kTuple));
            ec = bec;
          }
          if (!ec) {
            request.body = std::move(parser.get().body());
            keep_alive = parser.get().keep_alive();
            response = router.Dispatch(request);
          }
        }
      }
      if (ec) {
        // Too slow, too large or malformed: say so, then close.
        Response error =
            ec == beast::error::timeout
                ? ErrorResponse(Status::InvalidArgument(
                                    "the request did not arrive in time (headers within " +
                                    std::to_string(options.header_timeout_seconds) +
                                    " s, the whole request within " +
                                    std::to_string(options.read_timeout_seconds) + " s)"),
                                408)
                : ErrorResponse(ReadError(ec, options.max_body_bytes));
        auto res = ToBeast(std::move(error), 11, false, false, tls_enabled);
        lowest.expires_after(std::chrono::seconds(5));
        co_await bhttp::async_write(stream, res, kTuple);
        // A lingering close: closing with unread bytes would reset the
        // connection and could lose the answer before the client reads it.
        boost::system::error_code ignored;
        lowest.socket().shutdown(tcp::socket::shutdown_send, ignored);
        lowest.expires_after(std::chrono::seconds(2));
        char sink[4096];
        for (int i = 0; i < 256; ++i) {
          auto [rec, n] = co_await lowest.async_read_some(asio::buffer(sink), kTuple);
          if (rec) break;
        }
        break;
      }
      CompressJson(request, response);
      if (response.source) {
        bool keep = co_await WriteFromSource(stream, response, version, keep_alive, head,
                                             tls_enabled, *deadline, options.write_timeout_seconds);
        if (!keep) break;
        continue;
      }
      auto res = ToBeast(std::move(response), version, keep_alive, head, tls_enabled);
      auto [wec, written] =
          co_await deadline->Within(std::chrono::seconds(options.write_timeout_seconds),
                                    bhttp::async_write(stream, res, kTuple));
      if (wec || !res.keep_alive()) break;
    }
  }

  asio::awaitable<void> Session(tcp::socket socket) {
    std::string remote;
    {
      boost::system::error_code ec;
      auto endpoint = socket.remote_endpoint(ec);
      if (!ec) remote = endpoint.address().to_string();
    }
    Admission admission(*this, remote);
    if (!admission.admitted()) {
      boost::system::error_code ignored;
      socket.close(ignored);
      co_return;
    }
    if (!tls_enabled) {
      beast::tcp_stream stream(std::move(socket));
      co_await Serve(stream, remote);
      boost::system::error_code ignored;
      stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
      co_return;
    }
    beast::ssl_stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(socket)), ssl);
    beast::get_lowest_layer(stream).expires_after(
        std::chrono::seconds(options.header_timeout_seconds));
    auto [hec] = co_await stream.async_handshake(asio::ssl::stream_base::server, kTuple);
    if (hec) co_return;  // not TLS, or too slow: nothing to answer
    co_await Serve(stream, remote);
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(5));
    co_await stream.async_shutdown(kTuple);
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
      // Each connection on its own strand: its deadline timer and its
      // reads never run at the same time on two threads.
      asio::co_spawn(asio::make_strand(io), Session(std::move(socket)), asio::detached);
    }
  }

  Status LoadCertificate() {
    if (options.tls_cert_file.empty() != options.tls_key_file.empty()) {
      return Status::InvalidArgument("give both --tls-cert and --tls-key, or neither");
    }
    if (options.tls_cert_file.empty()) return Status::Ok();
    boost::system::error_code ec;
    ssl.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                        asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                        asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use,
                    ec);
    ssl.use_certificate_chain_file(options.tls_cert_file, ec);
    if (ec) {
      return Status::InvalidArgument("cannot use the TLS certificate " + options.tls_cert_file +
                                     ": " + ec.message());
    }
    ssl.use_private_key_file(options.tls_key_file, asio::ssl::context::pem, ec);
    if (ec) {
      return Status::InvalidArgument("cannot use the TLS key " + options.tls_key_file + ": " +
                                     ec.message());
    }
    if (SSL_CTX_check_private_key(ssl.native_handle()) != 1) {
      return Status::InvalidArgument("the TLS key " + options.tls_key_file +
                                     " does not match the certificate " + options.tls_cert_file);
    }
    tls_enabled = true;
    return Status::Ok();
  }

  ServerOptions options;
  const Router& router;
  // Before `io`, so that they outlive it: connections (and TLS streams) still open when the
  // server stops are destroyed with `io`, and their Admission counts out.
  std::mutex connections_mutex;
  int connections = 0;
  std::map<std::string, int> per_address;
  asio::ssl::context ssl;
  bool tls_enabled = false;
  asio::io_context io;
  tcp::acceptor acceptor;
};

Server::Server(ServerOptions options, const Router& router)
    : impl_(std::make_unique<Impl>(std::move(options), router)) {}

Server::~Server() = default;

bool Server::tls() const { return impl_->tls_enabled; }

Status Server::Listen() {
  KUZOT_RETURN_IF_ERROR(impl_->LoadCertificate());
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
