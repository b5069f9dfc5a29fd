#include <gtest/gtest.h>

#include <sstream>

#include "crypto/crypto.h"
#include "test_dirs.h"

namespace kuzot::crypto {
namespace {

using testing::FreshDir;
using testing::NewKeyFile;

class StreamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = FreshDir("stream");
    keyring_ = Keyring::Create((dir / "data").string(), NewKeyFile(dir / "key")).value();
  }

  std::string Seal(const std::string& plain, const std::string& associated = "evidence/1") {
    std::istringstream in(plain);
    std::ostringstream out;
    EXPECT_TRUE(SealStream(*keyring_, in, out, associated).ok());
    return out.str();
  }

  Result<std::string> Open(const std::string& sealed,
                           const std::string& associated = "evidence/1") {
    std::istringstream in(sealed);
    std::ostringstream out;
    KUZOT_RETURN_IF_ERROR(OpenStream(*keyring_, in, out, associated));
    return out.str();
  }

  static std::string Pattern(size_t n) {
    std::string s(n, '\0');
    for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + i % 23);
    return s;
  }

  std::unique_ptr<Keyring> keyring_;
};

TEST_F(StreamTest, RoundTripsEverySize) {
  constexpr size_t kChunk = StreamWriter::kChunkBytes;
  for (size_t n : {size_t{0}, size_t{1}, kChunk - 1, kChunk, kChunk + 1, 3 * kChunk + 17}) {
    std::string plain = Pattern(n);
    std::string sealed = Seal(plain);
    if (n > 40) {
      EXPECT_EQ(sealed.find(plain.substr(0, 40)), std::string::npos);
    }
    auto opened = Open(sealed);
    ASSERT_TRUE(opened.ok()) << n << ": " << opened.status().ToString();
    EXPECT_EQ(opened.value(), plain) << n;
  }
}

TEST_F(StreamTest, DetectsTruncationChangesAndExtension) {
  std::string plain = Pattern(3 * StreamWriter::kChunkBytes + 100);
  std::string sealed = Seal(plain);
  // Cut inside the last chunk, and exactly before the last chunk.
  EXPECT_FALSE(Open(sealed.substr(0, sealed.size() - 10)).ok());
  size_t last_chunk = sealed.size() - (4 + 100 + 17);
  auto cut = Open(sealed.substr(0, last_chunk));
  ASSERT_FALSE(cut.ok());
  EXPECT_NE(cut.status().message().find("truncated"), std::string::npos);
  // One byte flipped in the middle.
  std::string flipped = sealed;
  flipped[sealed.size() / 2] ^= 1;
  EXPECT_FALSE(Open(flipped).ok());
  // Data after the end.
  auto extended = Open(sealed + "x");
  ASSERT_FALSE(extended.ok());
  EXPECT_NE(extended.status().message().find("after its last chunk"), std::string::npos);
  // Two chunks swapped.
  size_t header = 4 + 1 + 4 + 24 + 48 + 24;
  size_t frame = 4 + StreamWriter::kChunkBytes + 17;
  std::string swapped = sealed.substr(0, header) + sealed.substr(header + frame, frame) +
                        sealed.substr(header, frame) + sealed.substr(header + 2 * frame);
  EXPECT_FALSE(Open(swapped).ok());
  // Another record's associated data.
  EXPECT_FALSE(Open(sealed, "evidence/2").ok());
  // Not sealed at all.
  EXPECT_EQ(Open("plain text").status().code(), StatusCode::kInvalidArgument);
}

TEST_F(StreamTest, OldGenerationsStayReadable) {
  std::string sealed = Seal("before rotation");
  ASSERT_TRUE(keyring_->AddGeneration().ok());
  EXPECT_EQ(Open(sealed).value(), "before rotation");
  EXPECT_EQ(Open(Seal("after")).value(), "after");
}

TEST_F(StreamTest, PassphraseStreams) {
  std::ostringstream out;
  auto writer =
      StreamWriter::BeginWithPassphrase("export passphrase 1", out, "bundle", KdfLimits::Fast());
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  ASSERT_TRUE(writer.value()->Write("{\"records\": []}").ok());
  ASSERT_TRUE(writer.value()->Finish().ok());
  std::string sealed = out.str();
  {
    std::istringstream in(sealed);
    EXPECT_TRUE(StreamReader::LooksSealed(in));
    auto reader = StreamReader::Begin(nullptr, in, "bundle", "export passphrase 1");
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    EXPECT_TRUE(reader.value()->passphrase_sealed());
    EXPECT_EQ(reader.value()->Read().value(), "{\"records\": []}");
    EXPECT_TRUE(reader.value()->done());
  }
  {
    std::istringstream in(sealed);
    auto reader = StreamReader::Begin(nullptr, in, "bundle", "wrong passphrase!!");
    ASSERT_TRUE(reader.ok());
    EXPECT_FALSE(reader.value()->Read().ok());
  }
  {
    std::istringstream in(sealed);
    EXPECT_EQ(StreamReader::Begin(nullptr, in, "bundle", "").status().code(),
              StatusCode::kUnauthorized);
  }
  std::istringstream plain("{\"format\": \"kuzot-bundle\"}");
  EXPECT_FALSE(StreamReader::LooksSealed(plain));
  std::string rest((std::istreambuf_iterator<char>(plain)), std::istreambuf_iterator<char>());
  EXPECT_EQ(rest, "{\"format\": \"kuzot-bundle\"}");
}

}  // namespace
}  // namespace kuzot::crypto
