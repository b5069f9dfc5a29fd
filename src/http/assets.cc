#include "http/assets.h"

#include <map>

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
    r.body = std::string(it->second->bytes);
    // Hashed file names under /assets/ never change; index.html always may.
    if (!fallback && path.rfind("/assets/", 0) == 0) {
      r.headers.emplace_back("Cache-Control", "public, max-age=31536000, immutable");
    }
    return r;
  };
  router.AddFallback({"GET", "/{path...}", "public", "The web application", serve});
}

}  // namespace kuzot::http
