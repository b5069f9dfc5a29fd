// The web application's files, embedded in the binary at build time from
// web/dist (empty when the web application was not built).
#pragma once

#include <string_view>
#include <vector>

#include "http/router.h"

namespace kuzot::http {

struct Asset {
  std::string_view path;  // "/index.html", "/assets/app-1a2b.js"
  std::string_view content_type;
  std::string_view bytes;
};

const std::vector<Asset>& EmbeddedAssets();

// Adds GET routes serving the embedded files; any other non-API path gets
// index.html so the browser application can route itself.
void AddAssetRoutes(Router& router);

}  // namespace kuzot::http
