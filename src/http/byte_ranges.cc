#include "http/byte_ranges.h"

#include <sodium.h>

#include <algorithm>
#include <charconv>
#include <cstring>

namespace kuzot::http {
namespace {

// A gap between two ranges smaller than this is sent rather than cut: a
// part's delimiter and headers take about as much.
constexpr uint64_t kCoalesceGap = 80;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool EqualsNoCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

Result<std::optional<std::vector<ByteRange>>> ParseRanges(std::string_view header, uint64_t size) {
  using Ranges = std::optional<std::vector<ByteRange>>;
  size_t eq = header.find('=');
  if (eq == std::string_view::npos || !EqualsNoCase(Trim(header.substr(0, eq)), "bytes")) {
    return Ranges();
  }
  std::string shown(header.substr(0, 80));
  std::vector<ByteRange> ranges;
  size_t specs = 0;
  bool invalid = false;
  std::string_view rest = header.substr(eq + 1);
  while (true) {
    size_t comma = rest.find(',');
    std::string_view spec = Trim(rest.substr(0, comma));
    if (!spec.empty()) {  // the list syntax allows empty elements
      ++specs;
      size_t dash = spec.find('-');
      if (dash == std::string_view::npos) return Ranges();
      std::string_view a = spec.substr(0, dash);
      std::string_view b = spec.substr(dash + 1);
      auto first = ParseUint(a);
      auto last = ParseUint(b);
      if (a.empty()) {  // suffix-range "-n": the last n bytes
        if (!last) return Ranges();
        if (*last > 0 && size > 0) {
          ranges.push_back({*last >= size ? 0 : size - *last, size - 1});
        }
      } else {
        if (!first || (!b.empty() && !last)) return Ranges();
        if (last && *last < *first) {
          invalid = true;  // RFC 9110 14.1.1: an invalid int-range
        } else if (*first < size) {
          ranges.push_back({*first, last ? std::min(*last, size - 1) : size - 1});
        }
      }
    }
    if (comma == std::string_view::npos) break;
    rest = rest.substr(comma + 1);
  }
  if (specs == 0) return Ranges();
  if (specs > kMaxRanges) {
    return Status::RangeNotSatisfiable("the range request holds " + std::to_string(specs) +
                                       " ranges; at most " + std::to_string(kMaxRanges) +
                                       " are served in one request");
  }
  if (invalid) {
    return Status::RangeNotSatisfiable("the range " + shown +
                                       " has a range that ends before it starts");
  }
  if (ranges.empty()) {
    return Status::RangeNotSatisfiable("the range " + shown + " is outside the file of " +
                                       std::to_string(size) + " bytes");
  }
  std::sort(ranges.begin(), ranges.end(),
            [](const ByteRange& x, const ByteRange& y) { return x.first < y.first; });
  std::vector<ByteRange> merged = {ranges.front()};
  for (size_t i = 1; i < ranges.size(); ++i) {
    ByteRange& top = merged.back();
    if (ranges[i].first <= top.last + 1 + kCoalesceGap) {
      top.last = std::max(top.last, ranges[i].last);
    } else {
      merged.push_back(ranges[i]);
    }
  }
  return Ranges(std::move(merged));
}

std::optional<uint64_t> ParseUint(std::string_view text) {
  if (text.empty()) return std::nullopt;
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size()) return std::nullopt;
  return v;
}

std::string NewBoundary() {
  unsigned char raw[16];
  randombytes_buf(raw, sizeof raw);
  char hex[33];
  sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
  return hex;
}

MultipartRangesSource::MultipartRangesSource(std::unique_ptr<evidence::FileStream> stream,
                                             std::vector<ByteRange> ranges, std::string media_type,
                                             std::string boundary)
    : stream_(std::move(stream)),
      ranges_(std::move(ranges)),
      media_type_(std::move(media_type)),
      boundary_(std::move(boundary)),
      file_size_(stream_->size()) {
  for (size_t i = 0; i < ranges_.size(); ++i) size_ += Head(i).size() + ranges_[i].length();
  size_ += Head(ranges_.size()).size();
}

std::string MultipartRangesSource::Head(size_t i) const {
  // RFC 2046 5.1.1: the CRLF before a delimiter belongs to the delimiter;
  // the first one may go (we keep it: an empty preamble is allowed).
  if (i == ranges_.size()) return "\r\n--" + boundary_ + "--\r\n";
  std::string head = "\r\n--" + boundary_ + "\r\n";
  if (!media_type_.empty()) head += "Content-Type: " + media_type_ + "\r\n";
  head += "Content-Range: bytes " + std::to_string(ranges_[i].first) + "-" +
          std::to_string(ranges_[i].last) + "/" + std::to_string(file_size_) + "\r\n\r\n";
  return head;
}

Result<size_t> MultipartRangesSource::Read(char* out, size_t n) {
  if (!started_) {
    started_ = true;
    head_ = Head(0);
    data_left_ = ranges_.empty() ? 0 : ranges_[0].length();
    if (!ranges_.empty()) KUZOT_RETURN_IF_ERROR(stream_->Seek(ranges_[0].first));
  }
  size_t done = 0;
  while (done < n) {
    if (head_at_ < head_.size()) {
      size_t take = std::min(n - done, head_.size() - head_at_);
      std::memcpy(out + done, head_.data() + head_at_, take);
      head_at_ += take;
      done += take;
      continue;
    }
    if (data_left_ > 0) {
      KUZOT_ASSIGN_OR_RETURN(size_t got,
                             stream_->Read(out + done, std::min<uint64_t>(n - done, data_left_)));
      if (got == 0) return Status::Internal("the stored file ended before the range did");
      data_left_ -= got;
      done += got;
      continue;
    }
    if (part_ >= ranges_.size()) break;  // the close delimiter was sent
    ++part_;
    head_ = Head(part_);
    head_at_ = 0;
    if (part_ < ranges_.size()) {
      data_left_ = ranges_[part_].length();
      KUZOT_RETURN_IF_ERROR(stream_->Seek(ranges_[part_].first));
    }
  }
  return done;
}

}  // namespace kuzot::http
