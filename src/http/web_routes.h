// Routes the web application needs beyond the record API: its settings,
// the dashboard's overview, an event's figures, titles by id, map points
// and the one-transaction intake of an interview.
#pragma once

#include <string>

#include "http/router.h"
#include "records/service.h"

namespace kuzot::http {

struct WebOptions {
  // The map's tile server, as a Leaflet URL template; empty: no tiles (the
  // map still shows every place). Browsers fetch tiles themselves, so the
  // server needs no access to it.
  std::string tile_url = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";
  std::string tile_attribution = "&copy; OpenStreetMap contributors";
};

// Adds GET /api/v1/config, /overview, /events/{id}/figures, /titles, /map
// and POST /api/v1/intake. `records` must outlive the router.
void AddWebRoutes(Router& router, records::RecordService& records, WebOptions options);

}  // namespace kuzot::http
