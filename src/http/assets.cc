#include "http/assets.h"

#include <map>

#include "http/compress.h"
#include "http/error_mapping.h"

namespace kuzot::http {
namespace {

const std::string_view kPlaceholder =
    "<!doctype html><html lang=en><meta charset=utf-8><title>Kuzot</title>"
    "<body><h1>Kuzot</h1><p>The web application is not built into this binary. The JSON API "
    "is at <a href=/api/v1/openapi.json>/api/v1/openapi.json</a>.</p></body></html>";

}  // namespace

void AddAssetRoutes(Router& router) {
  auto by_path = std::make_shared<std::map<std::string, const Asset*, std::less<>>>();
  for (const Asset& a : EmbeddedAssets()) (*by_path)[std::string(a.path)] = &a;
  Handler serve = [by_path](Request& request) {
    std::string path = request.path == "/" ? "/index.html" : request.path;
    auto it = by_path->find(path);
    bool fallback = it == by_path->end();
    if (fallback) {
      if (path.rfind("/api/", 0) == 0) {
        return ErrorResponse(Status::NotFound("no such path: " + path.substr(0, 200)));
      }
      it = by_path->find("/index.html");  // the application routes itself
    }
    Response r;
    if (it == by_path->end()) {
      r.content_type = "text/html; charset=utf-8";
      r.body = std::string(kPlaceholder);
      return r;
    }
    r.content_type = std::string(it->second->content_type);
    // The build writes a gzip copy (name.gz) of every text file worth it:
    // a fifth of the bytes on a slow link.
    auto packed = by_path->find(std::string(it->second->path) + ".gz");
    bool gzip = packed != by_path->end() && AcceptsGzip(request.Header("accept-encoding"));
    r.body = std::string(gzip ? packed->second->bytes : it->second->bytes);
    if (gzip) r.headers.emplace_back("Content-Encoding", "gzip");
    if (packed != by_path->end()) r.headers.emplace_back("Vary", "Accept-Encoding");
    // Hashed file names under /assets/ never change: cached for a year.
    // index.html names the current ones: always revalidated.
    if (!fallback && path.rfind("/assets/", 0) == 0) {
      r.headers.emplace_back("Cache-Control", "public, max-age=31536000, immutable");
    } else if (it->second->path == "/index.html") {
      r.headers.emplace_back("Cache-Control", "no-cache");
    } else {
      r.headers.emplace_back("Cache-Control", "public, max-age=86400");
    }
    return r;
  };
  router.AddFallback({"GET", "/{path...}", "public", "The web application", serve});
}

}  // namespace kuzot::http
