#include "http/compress.h"

#include <zlib.h>

#include <cstdlib>

namespace kuzot::http {

bool AcceptsGzip(std::string_view header) {
  size_t pos = 0;
  while (pos < header.size()) {
    size_t end = header.find(',', pos);
    if (end == std::string_view::npos) end = header.size();
    std::string_view part = header.substr(pos, end - pos);
    pos = end + 1;
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    if (part.rfind("gzip", 0) != 0 && part.rfind("*", 0) != 0) continue;
    size_t q = part.find("q=");
    return q == std::string_view::npos ||
           std::strtod(std::string(part.substr(q + 2)).c_str(), nullptr) > 0;
  }
  return false;
}

std::string Gzip(std::string_view body) {
  z_stream stream{};
  // Level 5: most of level 9's saving for a fraction of its time; 15 + 16
  // asks zlib for a gzip header and trailer.
  if (deflateInit2(&stream, 5, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return {};
  std::string out(deflateBound(&stream, body.size()), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(body.data()));
  stream.avail_in = static_cast<uInt>(body.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&stream, Z_FINISH);
  size_t written = stream.total_out;
  deflateEnd(&stream);
  if (rc != Z_STREAM_END || written + 64 > body.size()) return {};
  out.resize(written);
  return out;
}

}  // namespace kuzot::http
