// The /api/v1/stats routes: counts, counts as of a date, claims side by
// side, capture histories and multiple systems estimation
// (doc/statistics.md, doc/estimation.md). JSON, or CSV and XLSX with
// format=csv|xlsx.
#pragma once

#include "http/router.h"
#include "stats/stats_service.h"

namespace kuzot::http {

// Adds the routes. `stats` must outlive the router.
void AddStatsRoutes(Router& router, stats::StatsService& stats);

}  // namespace kuzot::http
