// HTTP Range requests on a stored file (RFC 9110, sections 14 and 15.3.7):
// parsing a "bytes=" range set, and the body of a 206 answer with several
// ranges (multipart/byteranges). Used by the evidence download route.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "evidence/evidence.h"
#include "http/router.h"

namespace kuzot::http {

struct ByteRange {
  uint64_t first = 0;
  uint64_t last = 0;  // inclusive
  uint64_t length() const { return last - first + 1; }
};

// Most range-specs one request may hold (RFC 9110, section 17.15: many
// small or overlapping ranges are a denial of service).
inline constexpr size_t kMaxRanges = 64;

// The ranges of `header` (a Range header's value) within a file of `size`
// bytes, ascending, with overlapping, adjacent and nearly adjacent ranges
// (a gap smaller than a part's headers) coalesced, as RFC 9110 section
// 15.3.7.2 allows whatever their order in the header.
// - nullopt: the header is to be ignored (empty, another unit, not the
//   range-set syntax): the whole file is sent, 200.
// - RangeNotSatisfiable: no range starts inside the file, a range ends
//   before it starts, or more than kMaxRanges ranges.
// Range specs that start past the end are dropped when others remain.
Result<std::optional<std::vector<ByteRange>>> ParseRanges(std::string_view header, uint64_t size);

// A decimal number of digits only (no sign, no space), as HTTP writes
// lengths and offsets; nullopt otherwise or on overflow.
std::optional<uint64_t> ParseUint(std::string_view text);

// A fresh random multipart boundary (32 hex digits): it cannot be guessed
// by whoever wrote the file, so no file content can forge a part.
std::string NewBoundary();

// The body of a 206 multipart/byteranges answer: for each range a
// delimiter, its Content-Type and Content-Range, then its bytes read from
// `stream`; then the close delimiter. Its size is known before the first
// byte (Content-Length). The answer's Content-Type is
// "multipart/byteranges; boundary=" + boundary.
class MultipartRangesSource : public BodySource {
 public:
  MultipartRangesSource(std::unique_ptr<evidence::FileStream> stream, std::vector<ByteRange> ranges,
                        std::string media_type, std::string boundary);
  uint64_t size() const override { return size_; }
  Result<size_t> Read(char* out, size_t n) override;

 private:
  // The text before part `i` (i == ranges_.size(): the close delimiter).
  std::string Head(size_t i) const;

  std::unique_ptr<evidence::FileStream> stream_;
  std::vector<ByteRange> ranges_;
  std::string media_type_;
  std::string boundary_;
  uint64_t file_size_;
  uint64_t size_ = 0;
  size_t part_ = 0;   // the part being sent
  std::string head_;  // its head, still to send from head_at_
  size_t head_at_ = 0;
  uint64_t data_left_ = 0;  // its bytes still to send
  bool started_ = false;
};

}  // namespace kuzot::http
