// Evidence files against the real binary: tus uploads (creation, resume
// after a truncated PATCH and after a restart, 460, 409, 412, 415,
// termination, the size limit), single-request uploads, Range downloads,
// the chain of custody, and kuzot verify / evidence export /
// verify-package through the real command line.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sodium.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <random>
#include <thread>

#include "kuzot_process.h"

namespace kuzot::testing {
namespace {

namespace fs = std::filesystem;
namespace asio = boost::asio;

std::string RandomBytes(size_t n, unsigned seed) {
  std::mt19937 gen(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(gen());
  return s;
}

std::string Sha256Hex(const std::string& data) {
  unsigned char out[32];
  crypto_hash_sha256(out, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  char hex[65];
  sodium_bin2hex(hex, sizeof hex, out, sizeof out);
  return hex;
}

std::string Base64(const std::string& in) {
  std::string out(sodium_base64_ENCODED_LEN(in.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(in.data()),
                    in.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(std::strlen(out.c_str()));
  return out;
}

std::string Sha256Base64(const std::string& data) {
  unsigned char out[32];
  crypto_hash_sha256(out, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  return Base64(std::string(reinterpret_cast<char*>(out), 32));
}

// Runs the kuzot binary; returns its exit code and what it printed.
int RunKuzotShell(const std::string& command, std::string* output);
int RunCli(const std::string& args, std::string* output) {
  return RunKuzotShell(std::string(KUZOT_BINARY) + " " + args, output);
}

// Runs a shell command; returns its exit code and what it printed.
int RunKuzotShell(const std::string& command, std::string* output) {
  FILE* p = popen((command + " 2>&1").c_str(), "r");
  if (!p) return -1;
  char buffer[4096];
  output->clear();
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, p)) > 0) output->append(buffer, n);
  int status = pclose(p);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

const std::map<std::string, std::string> kTus = {{"Tus-Resumable", "1.0.0"}};

std::map<std::string, std::string> Patch(uint64_t offset) {
  return {{"Tus-Resumable", "1.0.0"},
          {"Content-Type", "application/offset+octet-stream"},
          {"Upload-Offset", std::to_string(offset)}};
}

class EvidenceApiTest : public ::testing::Test {
 protected:
  void Start(const std::string& name, std::vector<std::string> extra = {}) {
    ASSERT_GE(sodium_init(), 0);
    data_ = TestDir(name);
    key_ = KeyFileFor(data_);  // made by the first start, outside the data directory
    kuzot_ = std::make_unique<KuzotProcess>(data_, extra);
    ASSERT_TRUE(kuzot_->Start());
  }

  // Creates a tus upload and returns its path (the Location).
  std::string Create(size_t length, const std::string& title = "Shelling of a house") {
    auto headers = kTus;
    headers["Upload-Length"] = std::to_string(length);
    headers["Upload-Metadata"] = "filename " + Base64("house.bin") + ",title " + Base64(title) +
                                 ",captured_on " + Base64("2021-04-29");
    auto r = kuzot_->Request("POST", "/api/v1/uploads", "", headers);
    EXPECT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.headers["tus-resumable"], "1.0.0");
    return r.headers["location"];
  }

  uint64_t Offset(const std::string& location) {
    auto r = kuzot_->Request("GET", location, "", kTus);
    EXPECT_EQ(r.status, 200) << r.body;
    return std::stoull(r.headers["upload-offset"]);
  }

  // A whole file in one request; returns the record.
  Json Simple(const std::string& content, const std::string& query = "title=Photo&filename=a.bin") {
    auto r = kuzot_->Request("POST", "/api/v1/evidence/files?" + query, content,
                             {{"Content-Type", "application/octet-stream"}});
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json();
  }

  fs::path data_;
  fs::path key_;
  std::unique_ptr<KuzotProcess> kuzot_;
};

TEST_F(EvidenceApiTest, TusUploadResumesAfterATruncatedPatch) {
  Start("tus-resume");
  std::string content = RandomBytes(300001, 1);
  std::string location = Create(content.size());
  ASSERT_EQ(location.rfind("/api/v1/uploads/", 0), 0u);
  EXPECT_EQ(Offset(location), 0u);

  // The link fails after 70,000 of the 150,000 bytes announced.
  Identity admin;
  ASSERT_TRUE(kuzot_->Login("admin", kAdminPassword, &admin));
  std::string raw = "PATCH " + location + " HTTP/1.1\r\nHost: x\r\nCookie: " + admin.cookie +
                    "\r\nX-CSRF-Token: " + admin.csrf +
                    "\r\nTus-Resumable: 1.0.0\r\nContent-Type: application/offset+octet-stream\r\n"
                    "Upload-Offset: 0\r\nContent-Length: 150000\r\n\r\n" +
                    content.substr(0, 70000);
  kuzot_->RawExchange(raw);
  EXPECT_EQ(Offset(location), 70000u) << "what arrived is kept";

  auto rest = kuzot_->Request("PATCH", location, content.substr(70000), Patch(70000));
  EXPECT_EQ(rest.status, 204) << rest.body;
  EXPECT_EQ(rest.headers["upload-offset"], std::to_string(content.size()));
  std::string id = rest.headers["kuzot-evidence-id"];
  ASSERT_FALSE(id.empty());

  auto record = kuzot_->Request("GET", "/api/v1/evidence/" + id);
  ASSERT_EQ(record.status, 200) << record.body;
  EXPECT_EQ(record.json()["sha256"], Sha256Hex(content));
  EXPECT_EQ(record.json()["size"], content.size());
  EXPECT_EQ(record.json()["title"], "Shelling of a house");
  EXPECT_EQ(record.json()["file_name"], "house.bin");
  auto file = kuzot_->Request("GET", "/api/v1/evidence/" + id + "/file");
  ASSERT_EQ(file.status, 200);
  EXPECT_TRUE(file.body == content) << "the download differs from the upload";
  EXPECT_EQ(file.headers["etag"], "\"" + Sha256Hex(content) + "\"");
  // Nothing of the content is on disk in the clear.
  for (const auto& entry : fs::recursive_directory_iterator(data_)) {
    if (!entry.is_regular_file() || entry.file_size() < 1000) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::string disk((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(disk.find(content.substr(100000, 64)), std::string::npos) << entry.path();
  }
}

TEST_F(EvidenceApiTest, TusResumesAfterTheServerRestarts) {
  Start("tus-restart");
  std::string content = RandomBytes(1500007, 2);
  std::string location = Create(content.size());
  auto first = kuzot_->Request("PATCH", location, content.substr(0, 1100001), Patch(0));
  ASSERT_EQ(first.status, 204) << first.body;
  kuzot_->Stop();
  ASSERT_TRUE(kuzot_->Start());
  EXPECT_EQ(Offset(location), 1100001u);
  auto rest = kuzot_->Request("PATCH", location, content.substr(1100001), Patch(1100001));
  ASSERT_EQ(rest.status, 204) << rest.body;
  std::string id = rest.headers["kuzot-evidence-id"];
  auto file = kuzot_->Request("GET", "/api/v1/evidence/" + id + "/file");
  EXPECT_TRUE(file.body == content);
}

TEST_F(EvidenceApiTest, RotatingTheDataKeyReencryptsEveryFile) {
  Start("rotate");
  std::string content = RandomBytes(2300017, 21);
  Json record = Simple(content, "title=Crater&filename=crater.bin");
  std::string id = record["id"];
  std::string partial = RandomBytes(900001, 22);
  std::string location = Create(partial.size());
  ASSERT_EQ(kuzot_->Request("PATCH", location, partial.substr(0, 500000), Patch(0)).status, 204);
  kuzot_->Stop();
  // The stored bytes before: none of them may survive the rotation.
  std::map<fs::path, std::string> before;
  for (const auto& entry : fs::recursive_directory_iterator(data_ / "evidence")) {
    if (!entry.is_regular_file() || entry.path().filename() == "signing-public-key.txt") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    before[entry.path()] =
        std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }
  ASSERT_GE(before.size(), 4u) << "a blob, an upload's file and state, the signing key";

  std::string output;
  ASSERT_EQ(RunKuzot({"rekey", "--rotate-data-key", "--data", data_.string()}, data_, &output), 0)
      << output;
  EXPECT_NE(output.find("generation 1 -> 2"), std::string::npos) << output;
  EXPECT_NE(output.find("re-encrypted 1 evidence files and 1 uploads in progress"),
            std::string::npos)
      << output;
  for (const auto& [path, bytes] : before) {
    std::ifstream in(path, std::ios::binary);
    std::string now((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_FALSE(now.empty()) << path;
    EXPECT_NE(now, bytes) << path << " is still as the old data key wrote it";
  }
  ASSERT_EQ(RunKuzot({"verify", "--data", data_.string()}, data_, &output), 0) << output;
  EXPECT_NE(output.find("evidence files: 1 checked, 0 problems"), std::string::npos) << output;

  ASSERT_TRUE(kuzot_->Start()) << kuzot_->stderr_text();
  auto file = kuzot_->Request("GET", "/api/v1/evidence/" + id + "/file");
  ASSERT_EQ(file.status, 200) << file.body;
  EXPECT_TRUE(file.body == content) << "the download differs from the upload";
  auto range = kuzot_->Request("GET", "/api/v1/evidence/" + id + "/file", "",
                               {{"Range", "bytes=1048570-1048590"}});
  EXPECT_TRUE(range.body == content.substr(1048570, 21));
  // The upload in progress resumes where it stopped.
  EXPECT_EQ(Offset(location), 500000u);
  auto rest = kuzot_->Request("PATCH", location, partial.substr(500000), Patch(500000));
  ASSERT_EQ(rest.status, 204) << rest.body;
  auto second = kuzot_->Request("GET", "/api/v1/evidence/" + rest.headers["kuzot-evidence-id"]);
  EXPECT_EQ(second.json()["sha256"], Sha256Hex(partial));
}

// kill -9 of kuzot rekey at later and later moments (keyring, database,
// then in the middle of re-encrypting the file): every time, everything
// still verifies; a rotation run to the end afterwards finishes the job and
// the file is the one uploaded.
TEST_F(EvidenceApiTest, RotationKilledMidwayLosesNothing) {
  Start("rotate-kill");
  std::string content = RandomBytes(64u << 20, 31);
  std::string id = Simple(content, "title=Long+video&filename=long.bin")["id"];
  kuzot_->Stop();
  std::string output;
  bool killed_mid_file = false;  // a half-written new blob was left in tmp/
  for (int delay_ms = 20; delay_ms < 5000 && !killed_mid_file; delay_ms += 25) {
    pid_t pid = fork();
    if (pid == 0) {
      int null = ::open("/dev/null", O_WRONLY);
      dup2(null, 1);
      dup2(null, 2);
      setenv("KUZOT_KEY_FILE", key_.c_str(), 1);
      execl(KUZOT_BINARY, "kuzot", "rekey", "--rotate-data-key", "--data", data_.c_str(),
            static_cast<char*>(nullptr));
      _exit(127);
    }
    ASSERT_GT(pid, 0);
    usleep(delay_ms * 1000);
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    if (!WIFSIGNALED(status)) break;  // it finished first: later delays are no use
    killed_mid_file = !fs::is_empty(data_ / "evidence" / "tmp");
    ASSERT_EQ(RunKuzot({"verify", "--data", data_.string()}, data_, &output), 0)
        << "killed after " << delay_ms << " ms:\n"
        << output;
    EXPECT_NE(output.find("evidence files: 1 checked, 0 problems"), std::string::npos) << output;
  }
  EXPECT_TRUE(killed_mid_file) << "no kill landed while the file was being re-encrypted";
  ASSERT_EQ(RunKuzot({"rekey", "--rotate-data-key", "--data", data_.string()}, data_, &output), 0)
      << output;
  ASSERT_EQ(RunKuzot({"verify", "--data", data_.string()}, data_, &output), 0) << output;
  EXPECT_TRUE(fs::is_empty(data_ / "evidence" / "tmp"));
  ASSERT_TRUE(kuzot_->Start()) << kuzot_->stderr_text();
  auto file = kuzot_->Request("GET", "/api/v1/evidence/" + id + "/file");
  EXPECT_EQ(file.status, 200);
  EXPECT_TRUE(file.body == content) << "the download differs from the upload";
  kuzot_->Stop();
  fs::remove_all(data_);  // 64 MiB
}

TEST_F(EvidenceApiTest, TusRefusesBadPiecesAndAppendsNothing) {
  Start("tus-refusals", {"--max-file-size", "1000000"});
  auto options = kuzot_->Request("OPTIONS", "/api/v1/uploads");
  EXPECT_EQ(options.status, 204);
  EXPECT_EQ(options.headers["tus-version"], "1.0.0");
  EXPECT_NE(options.headers["tus-extension"].find("checksum"), std::string::npos);
  EXPECT_NE(options.headers["tus-extension"].find("termination"), std::string::npos);
  EXPECT_NE(options.headers["tus-checksum-algorithm"].find("sha256"), std::string::npos);
  EXPECT_EQ(options.headers["tus-max-size"], "1000000");

  std::string content = RandomBytes(200000, 3);
  std::string location = Create(content.size());
  std::string piece = content.substr(0, 100000);

  auto no_version = kuzot_->Request(
      "PATCH", location, piece,
      {{"Content-Type", "application/offset+octet-stream"}, {"Upload-Offset", "0"}});
  EXPECT_EQ(no_version.status, 412) << no_version.body;
  auto wrong_type = kuzot_->Request(
      "PATCH", location, piece,
      {{"Tus-Resumable", "1.0.0"}, {"Content-Type", "application/json"}, {"Upload-Offset", "0"}});
  EXPECT_EQ(wrong_type.status, 415) << wrong_type.body;
  auto wrong_offset = kuzot_->Request("PATCH", location, piece, Patch(5));
  EXPECT_EQ(wrong_offset.status, 409) << wrong_offset.body;
  EXPECT_EQ(wrong_offset.json()["error"]["code"], "conflict");

  auto bad_sum = Patch(0);
  bad_sum["Upload-Checksum"] = "sha256 " + Sha256Base64("something else");
  auto mismatch = kuzot_->Request("PATCH", location, piece, bad_sum);
  EXPECT_EQ(mismatch.status, 460) << mismatch.body;
  EXPECT_EQ(mismatch.json()["error"]["code"], "checksum_mismatch");
  EXPECT_EQ(Offset(location), 0u) << "nothing of a mismatching piece is appended";

  auto good_sum = Patch(0);
  good_sum["Upload-Checksum"] = "sha256 " + Sha256Base64(piece);
  EXPECT_EQ(kuzot_->Request("PATCH", location, piece, good_sum).status, 204);
  EXPECT_EQ(Offset(location), 100000u);
  auto unknown_algo = Patch(100000);
  unknown_algo["Upload-Checksum"] = "crc32 AAAA";
  EXPECT_EQ(kuzot_->Request("PATCH", location, piece, unknown_algo).status, 400);

  // Past the announced length.
  auto too_long = kuzot_->Request("PATCH", location, content.substr(100000) + "x", Patch(100000));
  EXPECT_EQ(too_long.status, 413) << too_long.body;

  // Another account does not see the upload.
  ASSERT_TRUE(kuzot_->ActAs("documenter"));
  EXPECT_EQ(kuzot_->Request("GET", location, "", kTus).status, 404);
  ASSERT_TRUE(kuzot_->ActAs("analyst"));
  EXPECT_EQ(kuzot_->Request("GET", location, "", kTus).status, 403);
  ASSERT_TRUE(kuzot_->ActAs("admin"));

  // Termination.
  EXPECT_EQ(kuzot_->Request("DELETE", location, "", kTus).status, 204);
  EXPECT_EQ(kuzot_->Request("GET", location, "", kTus).status, 404);
  EXPECT_EQ(kuzot_->Request("PATCH", location, piece, Patch(0)).status, 404);

  // Over the limit: refused before any byte is stored.
  auto headers = kTus;
  headers["Upload-Length"] = "1000001";
  auto big = kuzot_->Request("POST", "/api/v1/uploads", "", headers);
  EXPECT_EQ(big.status, 413) << big.body;
  auto big_simple =
      kuzot_->Request("POST", "/api/v1/evidence/files?title=big", RandomBytes(1000001, 4),
                      {{"Content-Type", "application/octet-stream"}});
  EXPECT_EQ(big_simple.status, 413) << big_simple.body;
  // Bad metadata is refused at creation, naming the field.
  headers["Upload-Length"] = "10";
  headers["Upload-Metadata"] = "title " + Base64("x") + ",captured_on " + Base64("2021-02-30");
  auto bad_date = kuzot_->Request("POST", "/api/v1/uploads", "", headers);
  EXPECT_EQ(bad_date.status, 400);
  EXPECT_EQ(bad_date.json()["error"]["field"], "captured_on") << bad_date.body;
  headers["Upload-Metadata"] = "title " + Base64("x") + ",sha256 " + Base64(std::string(64, 'a'));
  EXPECT_EQ(kuzot_->Request("POST", "/api/v1/uploads", "", headers).status, 400);
  int leftovers = 0;
  for (const auto& e : fs::recursive_directory_iterator(data_ / "evidence" / "blobs")) {
    leftovers += e.is_regular_file();
  }
  EXPECT_EQ(leftovers, 0) << "nothing was stored";
}

// A connection to the server with a receive timeout, so that a test fails
// instead of hanging when the server keeps a connection it should close.
asio::ip::tcp::socket Connect(asio::io_context& io, int port, int receive_buffer = 0) {
  asio::ip::tcp::socket socket(io);
  socket.open(asio::ip::tcp::v4());
  if (receive_buffer > 0) socket.set_option(asio::socket_base::receive_buffer_size(receive_buffer));
  timeval limit{20, 0};
  setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  socket.connect({asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)});
  return socket;
}

// Reads until the server closes the connection (or 20 s pass without a
// byte); returns what came and whether it was closed.
std::pair<std::string, bool> ReadToClose(asio::ip::tcp::socket& socket) {
  std::string got;
  std::vector<char> buffer(1 << 16);
  for (;;) {
    boost::system::error_code ec;
    size_t n = socket.read_some(asio::buffer(buffer), ec);
    got.append(buffer.data(), n);
    if (ec == asio::error::eof || ec == asio::error::connection_reset) return {got, true};
    if (ec) return {got, false};  // the receive timeout: still open
  }
}

// Uploads and downloads may last hours, so their deadlines are per
// megabyte: a client that stops sending an upload, or stops reading a
// download, is cut off after --request-timeout / --write-timeout seconds,
// while the server (on one thread) goes on serving others. The stalled
// upload leaves no record; a stalled tus upload keeps what arrived.
TEST_F(EvidenceApiTest, StalledUploadsAndDownloadsAreCutOff) {
  Start("stalled", {"--request-timeout", "2", "--write-timeout", "2", "--threads", "1"});
  Identity admin;
  ASSERT_TRUE(kuzot_->Login("admin", kAdminPassword, &admin));
  std::string auth = "Cookie: " + admin.cookie + "\r\nX-CSRF-Token: " + admin.csrf + "\r\n";
  std::string content = RandomBytes(24 << 20, 9);
  std::string id = Simple(content)["id"];
  asio::io_context io;
  using Clock = std::chrono::steady_clock;
  auto seconds_since = [](Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
  };

  // A download nobody reads after its first bytes (a small receive window,
  // so the server's writes block long before 24 MiB).
  auto reader = Connect(io, kuzot_->port(), 16 << 10);
  asio::write(reader, asio::buffer("GET /api/v1/evidence/" + id + "/file HTTP/1.1\r\nHost: x\r\n" +
                                   auth + "\r\n"));
  char first[4096];
  size_t first_bytes = reader.read_some(asio::buffer(first));
  EXPECT_EQ(std::string(first, first_bytes).rfind("HTTP/1.1 200", 0), 0u);
  // A simple upload that stops after 1 MiB of the 8 MiB it announced.
  auto writer = Connect(io, kuzot_->port());
  asio::write(writer, asio::buffer("POST /api/v1/evidence/files?title=Stalled&filename=s.bin "
                                   "HTTP/1.1\r\nHost: x\r\n" +
                                   auth +
                                   "Content-Type: application/octet-stream\r\n"
                                   "Content-Length: 8388608\r\n\r\n" +
                                   content.substr(0, 1 << 20)));
  // A tus upload that stops after 300,000 of the 2,000,000 bytes of its PATCH.
  std::string location = Create(2000000);
  auto tus = Connect(io, kuzot_->port());
  asio::write(tus, asio::buffer("PATCH " + location + " HTTP/1.1\r\nHost: x\r\n" + auth +
                                "Tus-Resumable: 1.0.0\r\n"
                                "Content-Type: application/offset+octet-stream\r\n"
                                "Upload-Offset: 0\r\nContent-Length: 2000000\r\n\r\n" +
                                content.substr(0, 300000)));
  auto stalled = Clock::now();

  // Meanwhile others are served.
  int served = 0;
  for (int i = 0; i < 20; ++i) {
    if (kuzot_->Request("GET", "/api/v1/evidence/" + id).status == 200) ++served;
  }
  EXPECT_EQ(served, 20);

  auto [upload_answer, upload_closed] = ReadToClose(writer);
  EXPECT_TRUE(upload_closed) << "the stalled upload was never cut off";
  EXPECT_LT(seconds_since(stalled), 15);
  EXPECT_EQ(upload_answer.rfind("HTTP/1.1 400", 0), 0u) << upload_answer;
  EXPECT_NE(upload_answer.find("the request body stopped arriving: nothing came for 2 s"),
            std::string::npos)
      << upload_answer;
  auto [tus_answer, tus_closed] = ReadToClose(tus);
  EXPECT_TRUE(tus_closed) << "the stalled tus upload was never cut off";
  EXPECT_EQ(Offset(location), 300000u) << "what arrived is kept";

  std::this_thread::sleep_for(std::chrono::seconds(3));  // past the download's deadline
  auto [rest, download_closed] = ReadToClose(reader);
  EXPECT_TRUE(download_closed) << "the unread download was never cut off";
  EXPECT_LT(first_bytes + rest.size(), content.size()) << "it was cut off before its end";
  EXPECT_LT(seconds_since(stalled), 40);

  // Only the first file was stored, and it is whole.
  auto list = kuzot_->Request("GET", "/api/v1/evidence");
  ASSERT_EQ(list.status, 200) << list.body;
  ASSERT_EQ(list.json()["items"].size(), 1u) << list.body;
  auto file = kuzot_->Request("GET", "/api/v1/evidence/" + id + "/file");
  EXPECT_TRUE(file.body == content) << "a whole download after the cut-off ones";
}

TEST_F(EvidenceApiTest, RangeDownloads) {
  Start("range");
  std::string content = RandomBytes(200000, 5);
  Json record = Simple(content);
  std::string url = "/api/v1/evidence/" + record["id"].get<std::string>() + "/file";
  auto range = [&](const std::string& r) {
    return kuzot_->Request("GET", url, "", {{"Range", r}});
  };
  auto head = range("bytes=0-99");
  EXPECT_EQ(head.status, 206);
  EXPECT_EQ(head.headers["content-range"], "bytes 0-99/200000");
  EXPECT_TRUE(head.body == content.substr(0, 100));
  auto middle = range("bytes=131070-131080");  // across a chunk boundary
  EXPECT_EQ(middle.status, 206);
  EXPECT_TRUE(middle.body == content.substr(131070, 11));
  auto tail = range("bytes=199990-");
  EXPECT_TRUE(tail.body == content.substr(199990));
  auto suffix = range("bytes=-5");
  EXPECT_TRUE(suffix.body == content.substr(199995));
  // Several ranges: 206 multipart/byteranges (RFC 9110 14.6), one part per
  // range in ascending order, overlapping ones merged.
  auto several = range("bytes=150000-150009, 0-4,2-6,-3");
  EXPECT_EQ(several.status, 206) << several.body;
  std::string type = several.headers["content-type"];
  const std::string prefix = "multipart/byteranges; boundary=";
  ASSERT_EQ(type.rfind(prefix, 0), 0u) << type;
  std::string boundary = type.substr(prefix.size());
  EXPECT_EQ(several.headers.count("content-range"), 0u);
  auto part = [&](const std::string& content_range, const std::string& bytes) {
    return "\r\n--" + boundary +
           "\r\nContent-Type: application/octet-stream\r\nContent-Range: " + content_range +
           "\r\n\r\n" + bytes;
  };
  std::string expected = part("bytes 0-6/200000", content.substr(0, 7)) +
                         part("bytes 150000-150009/200000", content.substr(150000, 10)) +
                         part("bytes 199997-199999/200000", content.substr(199997)) + "\r\n--" +
                         boundary + "--\r\n";
  EXPECT_TRUE(several.body == expected) << several.body.substr(0, 300);
  EXPECT_EQ(several.headers["content-length"], std::to_string(expected.size()));
  // Ranges that merge into one answer as a single range.
  auto merged = range("bytes=10-19,15-29");
  EXPECT_EQ(merged.status, 206);
  EXPECT_EQ(merged.headers["content-range"], "bytes 10-29/200000");
  EXPECT_TRUE(merged.body == content.substr(10, 20));
  std::string excessive = "bytes=0-0";
  for (int i = 1; i <= 64; ++i)
    excessive += "," + std::to_string(i * 1000) + "-" + std::to_string(i * 1000);
  auto refused = range(excessive);
  EXPECT_EQ(refused.status, 416);
  EXPECT_NE(refused.body.find("at most 64"), std::string::npos) << refused.body;
  auto outside = range("bytes=300000-");
  EXPECT_EQ(outside.status, 416);
  EXPECT_EQ(outside.headers["content-range"], "bytes */200000");
  auto whole = kuzot_->Request("GET", url);
  EXPECT_EQ(whole.status, 200);
  EXPECT_EQ(whole.headers["accept-ranges"], "bytes");
  EXPECT_TRUE(whole.body == content);
  ASSERT_TRUE(kuzot_->ActAs("analyst"));
  EXPECT_EQ(kuzot_->Request("GET", url).status, 403);
  EXPECT_EQ(kuzot_->Request("GET", "/api/v1/evidence/" + record["id"].get<std::string>()).status,
            200)
      << "analysts see the record, not the file";
}

TEST_F(EvidenceApiTest, CustodyRecordsEveryAccessInAChain) {
  Start("custody");
  std::string content = RandomBytes(5000, 6);
  Json record = Simple(content);
  std::string id = record["id"];
  auto event = kuzot_->Request("POST", "/api/v1/events", R"({"title": "Shelling of Kök-Tash"})");
  ASSERT_EQ(event.status, 201);
  EXPECT_EQ(kuzot_->Request("GET", "/api/v1/evidence/" + id).status, 200);
  EXPECT_EQ(kuzot_->Request("GET", "/api/v1/evidence/" + id + "/file").status, 200);
  auto link = kuzot_->Request("PATCH", "/api/v1/evidence/" + id,
                              Json{{"event_ids", {event.json()["id"]}}}.dump());
  EXPECT_EQ(link.status, 200) << link.body;
  // The file's facts are the server's: a client cannot change them.
  auto forge = kuzot_->Request("PATCH", "/api/v1/evidence/" + id,
                               Json{{"sha256", std::string(64, 'b')}}.dump());
  EXPECT_EQ(forge.status, 400);
  EXPECT_EQ(forge.json()["error"]["field"], "sha256");
  auto direct = kuzot_->Request("POST", "/api/v1/evidence", R"({"title": "no file"})");
  EXPECT_EQ(direct.status, 400) << direct.body;

  ASSERT_TRUE(kuzot_->ActAs("lawyer"));
  EXPECT_EQ(kuzot_->Request("GET", "/api/v1/evidence/" + id + "/file").status, 200);
  ASSERT_TRUE(kuzot_->ActAs("admin"));
  auto custody = kuzot_->Request("GET", "/api/v1/evidence/" + id + "/custody");
  ASSERT_EQ(custody.status, 200) << custody.body;
  Json items = custody.json()["items"];
  std::vector<std::string> actions;
  for (const auto& e : items) actions.push_back(e["action"]);
  std::vector<std::string> expected = {"upload", "view", "download", "link", "download"};
  EXPECT_EQ(actions, expected);
  EXPECT_TRUE(custody.json()["intact"].get<bool>());
  std::string prev;
  for (const auto& e : items) {
    EXPECT_EQ(e["prev_hash"], prev);
    EXPECT_EQ(e["sha256"], Sha256Hex(content));
    EXPECT_FALSE(e["at"].get<std::string>().empty());
    EXPECT_EQ(e["remote"], "127.0.0.1");
    prev = e["hash"];
  }
  EXPECT_EQ(items[4]["actor"], "lawyer1");
  EXPECT_EQ(items[3]["detail"]["added"]["event_ids"][0], event.json()["id"]);
  // Identical content is stored once, and is a second record.
  Json again = Simple(content, "title=Same%20photo");
  EXPECT_NE(again["id"], record["id"]);
  int blobs = 0;
  for (const auto& e : fs::recursive_directory_iterator(data_ / "evidence" / "blobs")) {
    blobs += e.is_regular_file();
  }
  EXPECT_EQ(blobs, 1);
}

TEST_F(EvidenceApiTest, VerifyExportAndVerifyPackageThroughTheCommandLine) {
  Start("cli");
  std::string a = RandomBytes(70000, 8), b = RandomBytes(1000, 9);
  std::string id_a = Simple(a, "title=One&filename=one.jpg")["id"];
  std::string id_b = Simple(b, "title=Two&filename=../two.txt")["id"];
  kuzot_->Stop();
  std::string d = "--data " + data_.string() + " --key-file " + key_.string();
  std::string out;
  EXPECT_EQ(RunCli("verify " + d, &out), 0) << out;
  EXPECT_NE(out.find("evidence files: 2 checked, 0 problems"), std::string::npos) << out;
  EXPECT_NE(out.find("chain of custody: intact"), std::string::npos) << out;

  fs::path package = TestDir("cli-package") / "pkg";
  ASSERT_EQ(RunCli("evidence export " + d + " --ids " + id_a + "," + id_b + " --out " +
                       package.string() + " --user lawyer-kg",
                   &out),
            0)
      << out;
  std::string key = out.substr(out.find("--public-key ") + 13, 64);
  EXPECT_EQ(RunCli("verify-package " + package.string() + " --public-key " + key, &out), 0) << out;
  EXPECT_NE(out.find("package intact: 2 files"), std::string::npos) << out;
  Json manifest = Json::parse(std::ifstream(package / "manifest.json"));
  ASSERT_EQ(manifest["files"].size(), 2u);
  EXPECT_EQ(manifest["files"][0]["sha256"], Sha256Hex(a));
  EXPECT_EQ(manifest["files"][0]["custody"].back()["action"], "export");
  EXPECT_EQ(manifest["files"][0]["custody"].back()["actor"], "lawyer-kg");
  std::string path_b = manifest["files"][1]["path"];
  EXPECT_EQ(path_b.find(".."), std::string::npos);
  {
    std::ifstream in(package / path_b, std::ios::binary);
    std::string back((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_TRUE(back == b);
  }
  // A pinned key that is not the signer's.
  EXPECT_EQ(
      RunCli("verify-package " + package.string() + " --public-key " + std::string(64, '1'), &out),
      2);
  // An altered file is named.
  { std::ofstream(package / path_b, std::ios::app) << "x"; }
  EXPECT_EQ(RunCli("verify-package " + package.string(), &out), 2) << out;
  EXPECT_NE(out.find(path_b), std::string::npos) << out;
  // An altered manifest fails its signature.
  {
    std::string text;
    {
      std::ifstream in(package / "manifest.json");
      text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    text.replace(text.find("\"One\""), 5, "\"Uno\"");
    std::ofstream(package / "manifest.json") << text;
  }
  EXPECT_EQ(RunCli("verify-package " + package.string(), &out), 2);
  EXPECT_NE(out.find("signature"), std::string::npos) << out;

  // A stored file altered on disk: verify names it, downloads refuse it.
  fs::path blob;
  for (const auto& e : fs::recursive_directory_iterator(data_ / "evidence" / "blobs")) {
    if (e.is_regular_file() && e.file_size() > 50000) blob = e.path();
  }
  ASSERT_FALSE(blob.empty());
  {
    std::fstream f(blob, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(40000);
    f.put('\x5a');
  }
  EXPECT_EQ(RunCli("verify " + d, &out), 2) << out;
  EXPECT_NE(out.find("evidence file corrupt: evidence " + id_a), std::string::npos) << out;
  ASSERT_TRUE(kuzot_->Start());
  auto refused = kuzot_->Request("GET", "/api/v1/evidence/" + id_a + "/file");
  EXPECT_EQ(refused.status, 500);
  EXPECT_EQ(refused.json()["error"]["code"], "corrupt") << refused.body;
  EXPECT_EQ(kuzot_->Request("GET", "/api/v1/evidence/" + id_b + "/file").status, 200);
  kuzot_->Stop();
  fs::remove(blob);
  EXPECT_EQ(RunCli("verify " + d, &out), 2);
  EXPECT_NE(out.find("missing"), std::string::npos) << out;
}

TEST_F(EvidenceApiTest, MetadataIsReadAndContradictionsAreFlagged) {
  Start("metadata");
  fs::path clip = TestDir("metadata-fixture") / "clip.mp4";
  std::string out;
  ASSERT_EQ(
      std::system(("ffmpeg -hide_banner -loglevel error -y -f lavfi -i "
                   "testsrc=d=1:s=160x120:r=10 -c:v mpeg4 -metadata "
                   "creation_time=2021-05-01T10:00:00Z -metadata location=+39.9500+070.8000/ " +
                   clip.string())
                      .c_str()),
      0);
  std::ifstream in(clip, std::ios::binary);
  std::string video((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // Entered: another date, and Bishkek's coordinates; the name claims a text file.
  Json record = Simple(video,
                       "title=Clip&filename=notes.txt&captured_on=2020-10-05&latitude=42.87&"
                       "longitude=74.59");
  EXPECT_EQ(record["media_type"], "video/mp4");
  EXPECT_EQ(record["capture"]["creation_time"].get<std::string>().substr(0, 10), "2021-05-01");
  EXPECT_NEAR(record["capture"]["duration_seconds"].get<double>(), 1.0, 0.2);
  ASSERT_EQ(record["flags"].size(), 2u) << record.dump();
  EXPECT_EQ(record["flags"][0]["field"], "captured_on");
  EXPECT_EQ(record["flags"][1]["field"], "place");
  std::string id = record["id"];
  // Corrected by the uploader: the flags go.
  auto fixed =
      kuzot_->Request("PATCH", "/api/v1/evidence/" + id,
                      R"({"captured_on": "2021-05-01", "latitude": 39.95, "longitude": 70.8})");
  ASSERT_EQ(fixed.status, 200) << fixed.body;
  EXPECT_FALSE(fixed.json().contains("flags")) << fixed.body;
  auto custody = kuzot_->Request("GET", "/api/v1/evidence/" + id + "/custody");
  EXPECT_EQ(custody.json()["items"].back()["action"], "edit");
  auto preview = kuzot_->Request("GET", "/api/v1/evidence/" + id + "/thumbnail");
  EXPECT_EQ(preview.status, 200);
  EXPECT_EQ(preview.headers["content-type"], "image/png");
  EXPECT_EQ(preview.body.substr(1, 3), "PNG");
  std::string text_id = Simple("a field note\n")["id"];
  EXPECT_EQ(kuzot_->Request("GET", "/api/v1/evidence/" + text_id + "/thumbnail").status, 404);
}

// The tus-js-client npm package (what a browser upload widget would use)
// uploads in pieces, is stopped after the first piece and resumes.
TEST_F(EvidenceApiTest, TusJsClientUploadsStopsAndResumes) {
  Start("tus-js-client");
  fs::path dir = TestDir("tus-js-client-npm");
  for (const char* f : {"package.json", "upload.mjs"}) {
    fs::copy_file(fs::path(KUZOT_TUS_JS_DIR) / f, dir / f);
  }
  std::string out;
  ASSERT_EQ(
      RunKuzotShell("cd " + dir.string() + " && npm install --no-audit --no-fund --silent", &out),
      0)
      << "npm install tus-js-client failed (the npm registry must be reachable): " << out;
  auto token = kuzot_->Request("POST", "/api/v1/tokens", R"({"name": "tus-js-client"})");
  ASSERT_EQ(token.status, 201);
  std::string content = RandomBytes(1000003, 11);
  fs::path file = dir / "interview.bin";
  { std::ofstream(file, std::ios::binary) << content; }
  ASSERT_EQ(RunKuzotShell("cd " + dir.string() + " && node upload.mjs http://127.0.0.1:" +
                              std::to_string(kuzot_->port()) + " " +
                              token.json()["token"].get<std::string>() + " " + file.string(),
                          &out),
            0)
      << out;
  Json result = Json::parse(out.substr(out.find('{')), nullptr, false);
  ASSERT_TRUE(result.contains("evidence_id")) << out;
  std::string id = result["evidence_id"];
  auto record = kuzot_->Request("GET", "/api/v1/evidence/" + id);
  EXPECT_EQ(record.json()["sha256"], Sha256Hex(content));
  EXPECT_EQ(record.json()["title"], "Interview (tus-js-client)");
  auto file_back = kuzot_->Request("GET", "/api/v1/evidence/" + id + "/file");
  EXPECT_TRUE(file_back.body == content);
}

}  // namespace
}  // namespace kuzot::testing
