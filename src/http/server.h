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
  int read_timeout_seconds = 30;  // a client that sends nothing this long is dropped
  int keep_alive_seconds = 75;
};

class Server {
 public:
  // `router` must outlive the server.
  Server(ServerOptions options, const Router& router);
  ~Server();

  // Binds the listening socket; after this port() is the real port.
  Status Listen();
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
