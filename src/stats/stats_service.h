// Figures from the records: counts of acts and victims by any one or two
// dimensions, as the records stand now or stood on a past date; every
// source's claim about an event beside the count documented in Kuzot; and
// capture histories of victims across the lists (sources) that name them,
// for multiple systems estimation (stats/estimate.h).
//
// Only what the asking user may see is counted (doc/statistics.md, "What a
// count may reveal"): an act above the caller's level is not counted at
// all; a visible act whose event, place, victim or perpetrator the caller
// may not see is counted under "(not visible to you)" for that dimension,
// never under the hidden record's values. Counts as of a past date also
// leave out records classified above the caller's level since.
//
// Thread safety: one StatsService serves all threads.
#pragma once

#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

#include "common/caller.h"
#include "common/status.h"
#include "records/service.h"
#include "stats/estimate.h"
#include "tabular/tabular.h"

namespace kuzot::stats {

struct Facts;  // facts.h

// The dimensions a count can be broken down by (doc/statistics.md):
//   act_type, event, place (the act's own place), place:<level> (rolled up
//   the gazetteer to country, oblast, district, city, jamoat, village),
//   period:day|week|month|year, sex, age_group, child, perpetrator.
const std::vector<std::string>& Dimensions();

// Which acts a count or a capture history is made of. event_id and
// place_id include the events and places inside them (as far as the caller
// may see); empty fields select everything.
struct ActSelection {
  std::string event_id;
  std::string place_id;
  std::vector<std::string> act_types;
  std::string date_from;  // acts whose date lies wholly within [from, to]
  std::string date_to;
};

struct CountRequest {
  std::string measure = "acts";  // "acts" or "victims" (distinct persons)
  std::string rows;              // a dimension; required
  std::string columns;           // a dimension, or empty for a one-way table
  ActSelection acts;
  // YYYY-MM-DD (the end of that day, UTC) or an ISO time: the records as
  // they stood then, from their revision history. Empty: now.
  std::string as_of;
  // Cells above 0 and below this are suppressed (shown as null) for
  // publication; 0 shows every cell.
  int min_cell = 0;
  std::string language = "en";  // labels: en, ru or ky
};

struct CountKey {
  std::string key;    // code, id, period ("2021-05"), or "(none)", "(hidden)", ...
  std::string label;  // for people
};

struct CountTable {
  std::string measure, rows_dimension, columns_dimension, as_of;
  std::vector<CountKey> rows;
  std::vector<CountKey> columns;                 // one "total" column for a one-way table
  std::vector<std::vector<std::int64_t>> cells;  // -1: suppressed
  std::vector<std::int64_t> row_totals;          // for victims: distinct in the row
  std::vector<std::int64_t> column_totals;
  std::int64_t total = 0;
  int min_cell = 0;
};

// Capture histories from the records: the people who are victims of the
// acts the caller may see (filtered as in CountRequest) and the lists
// (sources) each is linked to in its "sources" field.
struct HistoryRequest {
  // Source ids to use as lists; empty: every source linked to a selected
  // victim (at most 30).
  std::vector<std::string> lists;
  // A count dimension (sex, age_group, child, event, place:<level>,
  // period:<unit>, act_type, perpetrator) or a person field
  // ("field:ethnicity"); a victim of several acts takes their common value,
  // or "(several)".
  std::string strata;
  ActSelection acts;
  std::string language = "en";
};

struct Histories {
  std::vector<Stratum> strata;
  std::vector<std::string> list_ids;  // source id of each list, in order
  std::vector<std::string> notes;     // what was left out, and why
};

class StatsService {
 public:
  // `records` must outlive the service.
  explicit StatsService(records::RecordService& records);
  ~StatsService();

  // Reads the acts and persons into memory ahead of the first request (a
  // second or more for a million acts); safe to call from any thread.
  Status Warm();

  Result<CountTable> Count(const Caller& caller, const CountRequest& request);

  // Every claim about `event_id` (and the events inside it) for
  // `indicator` (all indicators when empty) with its value or range, date
  // and source, beside the count documented in Kuzot for that indicator
  // (killed <-> victims of killings, houses_destroyed <-> houses in acts of
  // destruction, ...; doc/statistics.md has the table). As of a date when
  // `as_of` is not empty.
  Result<records::Json> Claims(const Caller& caller, const std::string& event_id,
                               const std::string& indicator, const std::string& as_of,
                               const std::string& language = "en");

  Result<Histories> CaptureHistories(const Caller& caller, const HistoryRequest& request);

  // What one request works from (context.h); opaque outside src/stats.
  struct Context;

 private:
  // The current facts, brought up to date; callers hold facts_mutex_ shared.
  Status Refresh();
  Result<Context> Prepare(const Caller& caller, const std::string& as_of,
                          const std::string& language);

  records::RecordService& records_;
  std::shared_mutex facts_mutex_;
  std::unique_ptr<Facts> facts_;
};

// {"measure", "rows": {"dimension", "keys": [{key,label}]}, "columns": ...,
//  "cells": [[...]], "row_totals", "column_totals", "total", "as_of", ...}.
records::Json ToJson(const CountTable& table);
// The table as a spreadsheet: the row label, one column per column key,
// "Total"; a last row of totals. Suppressed cells read "<min_cell".
tabular::Table ToTable(const CountTable& table);

}  // namespace kuzot::stats
