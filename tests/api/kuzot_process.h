// Starts the real kuzot binary on a free port against a real SQLite file,
// and talks HTTP to it. Shared by the API tests.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace kuzot::testing {

using Json = nlohmann::ordered_json;

struct HttpResult {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
  Json json() const { return Json::parse(body, nullptr, false); }
};

// The first administrator's password in every test server.
inline constexpr char kAdminPassword[] = "admin-password-for-tests";

// A signed-in identity: the session cookie and its CSRF token.
struct Identity {
  std::string cookie;
  std::string csrf;
};

class KuzotProcess {
 public:
  // `data_dir` is created when missing and kept after Stop().
  explicit KuzotProcess(std::filesystem::path data_dir, std::vector<std::string> extra_args = {});
  ~KuzotProcess();

  // Starts `kuzot serve` and waits for its "listening" line. False on failure.
  bool Start();
  void Stop();  // SIGTERM and wait
  void Kill();  // SIGKILL and wait: a crash
  bool running() const { return pid_ > 0; }
  int port() const { return port_; }

  // Sends a request as the current identity (the admin after Start()),
  // with its cookie and, for state changes, its CSRF token.
  HttpResult Request(const std::string& method, const std::string& target,
                     const std::string& body = "",
                     const std::map<std::string, std::string>& headers = {});

  // Signs in; false when refused.
  bool Login(const std::string& username, const std::string& password, Identity* out);
  // Acts as `name`: "admin", "nobody" (no credentials) or a role name, for
  // which a user "<role>1" is created on first use.
  bool ActAs(const std::string& name);
  const std::string& acting_as() const { return acting_as_; }
  // Sends raw bytes and returns what came back (for malformed HTTP).
  std::string RawExchange(const std::string& bytes);

  // Environment of the server process, set before Start(). By default the
  // data is unlocked by the key file KeyFileFor(data_dir) (created on the
  // first start); SetEnv("KUZOT_KEY_FILE", "") starts without one.
  void SetEnv(const std::string& name, const std::string& value) { env_[name] = value; }
  // What the server printed on its standard error, after Stop()/Kill() or
  // a failed Start().
  std::string stderr_text() const;
  // The exit status of the last stopped server (waitpid's), -1 if none.
  int exit_status() const { return exit_status_; }
  // Talk HTTPS, trusting the certificates in `ca_file` (PEM) for the name
  // "localhost"; set before Start() for a server run with --tls-cert.
  void UseTls(const std::string& ca_file) { tls_ca_file_ = ca_file; }

 private:
  std::filesystem::path data_dir_;
  std::vector<std::string> extra_args_;
  pid_t pid_ = -1;
  int port_ = 0;
  std::map<std::string, Identity> identities_;
  std::string acting_as_ = "nobody";
  std::map<std::string, std::string> env_;
  int exit_status_ = -1;
  std::string tls_ca_file_;
};

// The key file the test servers of `data_dir` use: beside it, never in it.
std::filesystem::path KeyFileFor(const std::filesystem::path& data_dir);
// Runs the kuzot binary with `args` (and the key file of `data_dir` in
// KUZOT_KEY_FILE, unless `env` sets it) and returns its exit status; its
// standard output and error go to *output when given.
int RunKuzot(const std::vector<std::string>& args, const std::filesystem::path& data_dir,
             std::string* output = nullptr, const std::map<std::string, std::string>& env = {});

// A fresh temporary folder named after the running test.
std::filesystem::path TestDir(const std::string& name);

}  // namespace kuzot::testing
