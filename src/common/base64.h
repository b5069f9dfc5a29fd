// Standard base64 (RFC 4648 section 4, padded), as HTTP headers (tus
// metadata and checksums, Repr-Digest) and the evidence store use it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kuzot {

std::string Base64Encode(std::string_view bytes);
// nullopt when `text` is not padded standard base64.
std::optional<std::string> Base64Decode(std::string_view text);

}  // namespace kuzot
