// Answers travel gzip-compressed to clients that accept it (slow links):
// large JSON answers and the web application's files; never the session
// answers that carry the CSRF token.
#include <gtest/gtest.h>
#include <zlib.h>

#include "kuzot_process.h"

namespace kuzot::testing {
namespace {

std::string Gunzip(const std::string& packed) {
  z_stream stream{};
  if (inflateInit2(&stream, 15 + 16) != Z_OK) return "<inflateInit failed>";
  std::string out;
  char buffer[16384];
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(packed.data()));
  stream.avail_in = static_cast<uInt>(packed.size());
  int rc = Z_OK;
  while (rc == Z_OK) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof buffer;
    rc = inflate(&stream, Z_NO_FLUSH);
    out.append(buffer, sizeof buffer - stream.avail_out);
  }
  inflateEnd(&stream);
  return rc == Z_STREAM_END ? out : "<corrupt gzip stream>";
}

TEST(CompressionTest, JsonAndWebFilesAreGzippedForClientsThatAcceptIt) {
  KuzotProcess kuzot(TestDir("compression"));
  ASSERT_TRUE(kuzot.Start());
  HttpResult plain = kuzot.Request("GET", "/api/v1/vocabularies");
  ASSERT_EQ(plain.status, 200);
  EXPECT_EQ(plain.headers.count("content-encoding"), 0u);

  HttpResult packed =
      kuzot.Request("GET", "/api/v1/vocabularies", "", {{"Accept-Encoding", "gzip, deflate, br"}});
  ASSERT_EQ(packed.status, 200);
  EXPECT_EQ(packed.headers["content-encoding"], "gzip");
  EXPECT_EQ(packed.headers["vary"], "Accept-Encoding");
  EXPECT_LT(packed.body.size() * 3, plain.body.size());
  EXPECT_EQ(Gunzip(packed.body), plain.body);

  HttpResult refused =
      kuzot.Request("GET", "/api/v1/vocabularies", "", {{"Accept-Encoding", "gzip;q=0"}});
  EXPECT_EQ(refused.headers.count("content-encoding"), 0u);

  // The session answer (with the CSRF token) is never compressed.
  HttpResult me = kuzot.Request("GET", "/api/v1/auth/me", "", {{"Accept-Encoding", "gzip"}});
  ASSERT_EQ(me.status, 200);
  EXPECT_EQ(me.headers.count("content-encoding"), 0u);

  // index.html: always revalidated; its gzip copy when the build made one.
  HttpResult index = kuzot.Request("GET", "/", "", {{"Accept-Encoding", "gzip"}});
  ASSERT_EQ(index.status, 200);
  std::string html = index.headers.count("content-encoding") ? Gunzip(index.body) : index.body;
  size_t script = html.find("/assets/index-");
  if (script == std::string::npos) GTEST_SKIP() << "this binary has no web application built in";
  EXPECT_EQ(index.headers["content-encoding"], "gzip");
  EXPECT_EQ(index.headers["cache-control"], "no-cache");
  // A hashed file: cached for a year, sent compressed.
  std::string path = html.substr(script, html.find('"', script) - script);
  HttpResult asset = kuzot.Request("GET", path, "", {{"Accept-Encoding", "gzip"}});
  ASSERT_EQ(asset.status, 200) << path;
  EXPECT_EQ(asset.headers["content-encoding"], "gzip");
  EXPECT_EQ(asset.headers["cache-control"], "public, max-age=31536000, immutable");
  EXPECT_EQ(asset.headers["content-type"], "text/javascript; charset=utf-8");
  EXPECT_GT(Gunzip(asset.body).size(), asset.body.size());
}

}  // namespace
}  // namespace kuzot::testing
