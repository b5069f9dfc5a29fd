#include "kuzot_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <thread>

namespace kuzot::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;

std::filesystem::path TestDir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() /
             ("kuzot-api-" + std::to_string(::getpid()) + "-" + name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

std::filesystem::path KeyFileFor(const std::filesystem::path& data_dir) {
  std::filesystem::path dir = data_dir;
  if (!dir.has_filename()) dir = dir.parent_path();
  return dir.string() + ".key";
}

namespace {

std::string StderrPath(const std::filesystem::path& data_dir) {
  return KeyFileFor(data_dir).string() + ".stderr";
}

// In the child: the environment a test asked for.
void ApplyEnv(const std::map<std::string, std::string>& env) {
  for (const auto& [name, value] : env) {
    if (value.empty()) {
      unsetenv(name.c_str());
    } else {
      setenv(name.c_str(), value.c_str(), 1);
    }
  }
}

}  // namespace

int RunKuzot(const std::vector<std::string>& args, const std::filesystem::path& data_dir,
             std::string* output, const std::map<std::string, std::string>& env) {
  std::map<std::string, std::string> all = {{"KUZOT_KEY_FILE", KeyFileFor(data_dir).string()}};
  for (const auto& [k, v] : env) all[k] = v;
  std::string out_path = KeyFileFor(data_dir).string() + ".out";
  pid_t pid = fork();
  if (pid == 0) {
    FILE* f = fopen(out_path.c_str(), "w");
    if (f) {
      dup2(fileno(f), STDOUT_FILENO);
      dup2(fileno(f), STDERR_FILENO);
    }
    int null = open("/dev/null", O_RDONLY);
    dup2(null, STDIN_FILENO);
    ApplyEnv(all);
    std::vector<std::string> full = {KUZOT_BINARY};
    full.insert(full.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : full) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(KUZOT_BINARY, argv.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  if (output) {
    std::ifstream in(out_path);
    *output = std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

KuzotProcess::KuzotProcess(std::filesystem::path data_dir, std::vector<std::string> extra_args)
    : data_dir_(std::move(data_dir)), extra_args_(std::move(extra_args)) {
  env_["KUZOT_KEY_FILE"] = KeyFileFor(data_dir_).string();
}

std::string KuzotProcess::stderr_text() const {
  std::ifstream in(StderrPath(data_dir_));
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

KuzotProcess::~KuzotProcess() { Stop(); }

bool KuzotProcess::Start() {
  int out[2];
  if (pipe(out) != 0) return false;
  pid_ = fork();
  std::string stderr_path = StderrPath(data_dir_);
  if (pid_ == 0) {
    dup2(out[1], STDOUT_FILENO);
    close(out[0]);
    close(out[1]);
    if (FILE* err = fopen(stderr_path.c_str(), "w")) dup2(fileno(err), STDERR_FILENO);
    int null = open("/dev/null", O_RDONLY);
    dup2(null, STDIN_FILENO);  // never a terminal: no passphrase prompt
    ApplyEnv(env_);
    std::vector<std::string> args = {KUZOT_BINARY, "serve",  "--port",
                                     "0",          "--data", data_dir_.string()};
    args.insert(args.end(), extra_args_.begin(), extra_args_.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    setenv("KUZOT_ADMIN_PASSWORD", kAdminPassword, 1);
    execv(KUZOT_BINARY, argv.data());
    _exit(127);
  }
  close(out[1]);
  // Read the "kuzot listening on http://127.0.0.1:PORT" line.
  FILE* f = fdopen(out[0], "r");
  char line[512];
  bool found = false;
  while (fgets(line, sizeof line, f)) {
    std::string s(line);
    auto pos = s.rfind(':');
    if (s.find("listening on") != std::string::npos && pos != std::string::npos) {
      port_ = std::stoi(s.substr(pos + 1));
      found = true;
      break;
    }
  }
  // Keep draining stdout in the background so the server never blocks on it.
  std::thread([f] {
    char buf[512];
    while (fgets(buf, sizeof buf, f)) {
    }
    fclose(f);
  }).detach();
  if (!found) {
    // It may have exited on its own (a refused key): collect its status.
    int status = 0;
    pid_t reaped = 0;
    for (int i = 0; i < 100 && reaped == 0; ++i) {
      reaped = waitpid(pid_, &status, WNOHANG);
      if (reaped == 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (reaped == 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
    }
    exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    pid_ = -1;
    return false;
  }
  identities_.clear();
  return ActAs("admin");
}

bool KuzotProcess::Login(const std::string& username, const std::string& password,
                         Identity* out) {
  std::string saved = acting_as_;
  acting_as_ = "nobody";
  Json body = {{"username", username}, {"password", password}};
  HttpResult r = Request("POST", "/api/v1/auth/login", body.dump());
  acting_as_ = saved;
  if (r.status != 200) return false;
  std::string cookie = r.headers["set-cookie"];
  out->cookie = cookie.substr(0, cookie.find(';'));
  out->csrf = r.json()["csrf_token"];
  return true;
}

bool KuzotProcess::ActAs(const std::string& name) {
  if (name == "nobody" || identities_.count(name)) {
    acting_as_ = name;
    return true;
  }
  Identity identity;
  if (name == "admin") {
    if (!Login("admin", kAdminPassword, &identity)) return false;
  } else {
    std::string saved = acting_as_;
    if (!identities_.count("admin") && !ActAs("admin")) return false;
    acting_as_ = "admin";
    std::string user = name + "1";
    std::string password = "password-of-" + user;
    Json body = {{"username", user}, {"password", password}, {"role", name}};
    HttpResult created = Request("POST", "/api/v1/users", body.dump());
    acting_as_ = saved;
    if (created.status != 201 && created.status != 409) return false;
    if (!Login(user, password, &identity)) return false;
  }
  identities_[name] = identity;
  acting_as_ = name;
  return true;
}

void KuzotProcess::Stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  pid_ = -1;
}

void KuzotProcess::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

namespace {

// Writes `req` and reads the answer on any Beast stream.
template <typename Stream>
HttpResult Exchange(Stream& stream, bhttp::request<bhttp::string_body>& req) {
  HttpResult result;
  bhttp::write(stream, req);
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(256 * 1024 * 1024);
  bhttp::read(stream, buffer, parser);
  auto& res = parser.get();
  result.status = res.result_int();
  result.body = res.body();
  for (const auto& field : res) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    result.headers[name] = std::string(field.value());
  }
  return result;
}

}  // namespace

HttpResult KuzotProcess::Request(const std::string& method, const std::string& target,
                                 const std::string& body,
                                 const std::map<std::string, std::string>& headers) {
  HttpResult result;
  try {
    asio::io_context io;
    bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(method), target, 11};
    req.set(bhttp::field::host, "127.0.0.1");
    bool has_type = false;
    auto identity = identities_.find(acting_as_);
    if (identity != identities_.end()) {
      req.set(bhttp::field::cookie, identity->second.cookie);
      if (method != "GET" && method != "HEAD") req.set("X-CSRF-Token", identity->second.csrf);
    }
    for (const auto& [k, v] : headers) {
      req.set(k, v);
      has_type |= k == "Content-Type" || k == "content-type";
    }
    if (!body.empty() && !has_type) req.set(bhttp::field::content_type, "application/json");
    req.body() = body;
    req.prepare_payload();
    asio::ip::tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), port_);
    if (tls_ca_file_.empty()) {
      beast::tcp_stream stream(io);
      stream.expires_after(std::chrono::seconds(30));
      stream.connect(endpoint);
      return Exchange(stream, req);
    }
    // HTTPS, checking the server's certificate against the test's own CA
    // and the name "localhost".
    asio::ssl::context ssl(asio::ssl::context::tls_client);
    ssl.load_verify_file(tls_ca_file_);
    ssl.set_verify_mode(asio::ssl::verify_peer);
    beast::ssl_stream<beast::tcp_stream> stream(io, ssl);
    stream.set_verify_callback(asio::ssl::host_name_verification("localhost"));
    SSL_set_tlsext_host_name(stream.native_handle(), "localhost");
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(30));
    beast::get_lowest_layer(stream).connect(endpoint);
    stream.handshake(asio::ssl::stream_base::client);
    return Exchange(stream, req);
  } catch (const std::exception& e) {
    result.status = -1;
    result.body = e.what();
  }
  return result;
}

std::string KuzotProcess::RawExchange(const std::string& bytes) {
  try {
    asio::io_context io;
    asio::ip::tcp::socket socket(io);
    socket.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_));
    asio::write(socket, asio::buffer(bytes));
    socket.shutdown(asio::ip::tcp::socket::shutdown_send);
    std::string out;
    boost::system::error_code ec;
    char buf[4096];
    for (;;) {
      size_t n = socket.read_some(asio::buffer(buf), ec);
      if (ec) break;
      out.append(buf, n);
    }
    return out;
  } catch (const std::exception& e) {
    return std::string("exception: ") + e.what();
  }
}

}  // namespace kuzot::testing
