// gzip for answers on slow links: a JSON list of records shrinks to about a
// fifth. Used by the server for every answer the client accepts it for.
#pragma once

#include <string>
#include <string_view>

namespace kuzot::http {

// Whether an Accept-Encoding header admits gzip ("gzip, deflate, br";
// "gzip;q=0" refuses it).
bool AcceptsGzip(std::string_view accept_encoding);

// `body` compressed as a gzip stream (RFC 1952), or an empty string when
// compressing failed or saves too little to be worth it.
std::string Gzip(std::string_view body);

}  // namespace kuzot::http
