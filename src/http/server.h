// The HTTP server: Boost.Beast on Asio C++20 coroutines, one io_context run
// by a few threads, no thread per connection.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "common/status.h"
#include "http/router.h"

namespace kuzot::http {

struct ServerOptions {
  std::string address = "127.0.0.1";  // listen address; 0.0.0.0 for all
  int port = 8080;                     // 0 picks a free port
  // Handlers run on these threads and block on SQLite (and on the disk
  // when a commit syncs), so more threads than cores keep the cores busy
  // and let audited reads share commits (records/audit_group.h).
  int threads = 8;
  size_t max_body_bytes = 1 << 20;      // larger JSON bodies get 413
  size_t max_header_bytes = 16 << 10;
  // Slow clients (slowloris and its kin) cannot hold a connection: the
  // headers must arrive within header_timeout_seconds of the first byte of
  // a request, and the whole request within read_timeout_seconds; late
  // ones get 408 and are cut off.
  int header_timeout_seconds = 10;
  int read_timeout_seconds = 30;
  int keep_alive_seconds = 75;  // an idle kept-alive connection is closed after this
  // A client must take each megabyte of a streamed answer (a download)
  // within write_timeout_seconds, or the connection is closed.
  int write_timeout_seconds = 60;
  // Connections beyond these are closed at once (a flood from one address
  // cannot starve the others).
  int max_connections = 1024;
  int max_connections_per_address = 64;
  // TLS: both files (PEM) or neither. With them the server speaks only
  // HTTPS (TLS 1.2 and 1.3) and adds Strict-Transport-Security.
  std::string tls_cert_file;
  std::string tls_key_file;
};

class Server {
 public:
  // `router` must outlive the server.
  Server(ServerOptions options, const Router& router);
  ~Server();

  // Loads the TLS certificate when configured and binds the listening
  // socket; after this port() is the real port. InvalidArgument names a
  // certificate or key that cannot be used.
  Status Listen();
  bool tls() const;
  int port() const;
  // Serves until Stop() (or SIGINT/SIGTERM when `handle_signals`).
  void Run(bool handle_signals);
  // Thread-safe.
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kuzot::http
