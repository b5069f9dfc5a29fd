// Range sets (RFC 9110 14.1.2) and the multipart/byteranges body built from
// them; the route itself is tested over HTTP in tests/api/evidence_test.cc.
#include "http/byte_ranges.h"

#include <gtest/gtest.h>

#include <cstring>

namespace kuzot::http {
namespace {

std::vector<std::pair<uint64_t, uint64_t>> Pairs(const std::vector<ByteRange>& ranges) {
  std::vector<std::pair<uint64_t, uint64_t>> out;
  for (const auto& r : ranges) out.emplace_back(r.first, r.last);
  return out;
}

std::vector<std::pair<uint64_t, uint64_t>> Parsed(const std::string& header, uint64_t size) {
  auto r = ParseRanges(header, size);
  EXPECT_TRUE(r.ok()) << header << ": " << r.status().ToString();
  if (!r.ok() || !r.value()) return {};
  return Pairs(*r.value());
}

using P = std::vector<std::pair<uint64_t, uint64_t>>;

TEST(ByteRangesTest, ParsesEveryFormOfRangeSpec) {
  EXPECT_EQ(Parsed("bytes=0-99", 1000), (P{{0, 99}}));
  EXPECT_EQ(Parsed("bytes=990-", 1000), (P{{990, 999}}));
  EXPECT_EQ(Parsed("bytes=-5", 1000), (P{{995, 999}}));
  EXPECT_EQ(Parsed("bytes=-5000", 1000), (P{{0, 999}}));
  EXPECT_EQ(Parsed("bytes=900-5000", 1000), (P{{900, 999}}));
  EXPECT_EQ(Parsed("Bytes = 0-9 , 500-509,,-10", 1000), (P{{0, 9}, {500, 509}, {990, 999}}));
}

TEST(ByteRangesTest, SortsAndCoalescesOverlappingAndNearRanges) {
  EXPECT_EQ(Parsed("bytes=500-599,0-9", 1000), (P{{0, 9}, {500, 599}}));
  EXPECT_EQ(Parsed("bytes=0-99,50-149", 1000), (P{{0, 149}}));
  EXPECT_EQ(Parsed("bytes=0-99,100-199", 1000), (P{{0, 199}}));
  EXPECT_EQ(Parsed("bytes=0-9,30-39", 1000), (P{{0, 39}})) << "a 20-byte gap is cheaper sent";
  // A thousand copies of the whole file are sent once (RFC 9110 17.15).
  std::string many = "bytes=0-";
  for (int i = 0; i < 60; ++i) many += ",0-";
  EXPECT_EQ(Parsed(many, 1000), (P{{0, 999}}));
}

TEST(ByteRangesTest, DropsRangesPastTheEndWhenOthersRemain) {
  EXPECT_EQ(Parsed("bytes=0-9,5000-6000", 1000), (P{{0, 9}}));
}

TEST(ByteRangesTest, IgnoresOtherUnitsAndBadSyntax) {
  for (const char* header : {"", "items=0-9", "bytes=", "bytes=abc", "bytes=1-x", "bytes=x-1",
                             "bytes=0-9,junk", "bytes=+1-2", "bytes=- 5"}) {
    auto r = ParseRanges(header, 1000);
    ASSERT_TRUE(r.ok()) << header;
    EXPECT_FALSE(r.value().has_value()) << header << " must be ignored (200, whole file)";
  }
}

TEST(ByteRangesTest, RefusesUnsatisfiableInvalidAndExcessiveRequests) {
  for (const char* header :
       {"bytes=1000-", "bytes=2000-3000,1000-1001", "bytes=-0", "bytes=5-3", "bytes=0-9,5-3"}) {
    auto r = ParseRanges(header, 1000);
    EXPECT_EQ(r.status().code(), StatusCode::kRangeNotSatisfiable) << header;
  }
  EXPECT_EQ(ParseRanges("bytes=0-", 0).status().code(), StatusCode::kRangeNotSatisfiable);
  std::string many = "bytes=0-0";
  for (size_t i = 1; i <= kMaxRanges; ++i)
    many += "," + std::to_string(i * 200) + "-" + std::to_string(i * 200);
  auto r = ParseRanges(many, 1 << 20);
  EXPECT_EQ(r.status().code(), StatusCode::kRangeNotSatisfiable);
  EXPECT_NE(r.status().message().find("at most 64"), std::string::npos) << r.status().message();
}

// The bytes of a string, as the evidence store's reader gives them.
class MemoryStream : public evidence::FileStream {
 public:
  explicit MemoryStream(std::string data) : data_(std::move(data)) {}
  uint64_t size() const override { return data_.size(); }
  Status Seek(uint64_t offset) override {
    at_ = offset;
    return Status::Ok();
  }
  Result<size_t> Read(char* out, size_t n) override {
    size_t take = std::min(n, data_.size() - at_);
    std::memcpy(out, data_.data() + at_, take);
    at_ += take;
    return take;
  }

 private:
  std::string data_;
  size_t at_ = 0;
};

TEST(ByteRangesTest, MultipartBodyHasEveryPartAndTheAnnouncedSize) {
  std::string file;
  for (int i = 0; i < 5000; ++i) file += static_cast<char>('a' + i % 26);
  MultipartRangesSource source(std::make_unique<MemoryStream>(file),
                               {{0, 9}, {1000, 1999}, {4990, 4999}}, "image/jpeg", "B0UND");
  std::string body;
  char buffer[7];  // small reads cross every boundary
  for (;;) {
    auto n = source.Read(buffer, sizeof buffer);
    ASSERT_TRUE(n.ok());
    if (n.value() == 0) break;
    body.append(buffer, n.value());
  }
  EXPECT_EQ(body.size(), source.size());
  std::string expected =
      "\r\n--B0UND\r\nContent-Type: image/jpeg\r\nContent-Range: bytes 0-9/5000\r\n\r\n" +
      file.substr(0, 10) +
      "\r\n--B0UND\r\nContent-Type: image/jpeg\r\nContent-Range: bytes "
      "1000-1999/5000\r\n\r\n" +
      file.substr(1000, 1000) +
      "\r\n--B0UND\r\nContent-Type: image/jpeg\r\nContent-Range: bytes "
      "4990-4999/5000\r\n\r\n" +
      file.substr(4990) + "\r\n--B0UND--\r\n";
  EXPECT_EQ(body, expected);
  EXPECT_EQ(NewBoundary().size(), 32u);
  EXPECT_NE(NewBoundary(), NewBoundary());
}

}  // namespace
}  // namespace kuzot::http
