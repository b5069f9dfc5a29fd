// Handlers of /api/v1/stats: parse the query, call the statistics service,
// answer JSON, CSV or XLSX.
#include "http/stats_routes.h"

#include <sstream>

#include "http/error_mapping.h"
#include "stats/estimate.h"

namespace kuzot::http {
namespace {

using stats::StatsService;

constexpr std::int64_t kMaxSamplerIterations = 2000000;

// Repeated and comma-separated values of a query parameter.
std::vector<std::string> Values(const Request& r, const char* name) {
  std::vector<std::string> out;
  for (const auto& [k, v] : r.query) {
    if (k != name) continue;
    std::stringstream ss(v);
    std::string item;
    while (std::getline(ss, item, ','))
      if (!item.empty()) out.push_back(item);
  }
  return out;
}

std::string Text(const Request& r, const char* name) { return r.Query(name).value_or(""); }

// The act filters shared by counts and capture histories.
stats::ActSelection SelectionOf(const Request& r) {
  stats::ActSelection s;
  s.event_id = Text(r, "event_id");
  s.place_id = Text(r, "place_id");
  s.act_types = Values(r, "act_type");
  s.date_from = Text(r, "date_from");
  s.date_to = Text(r, "date_to");
  return s;
}

Result<int> Integer(const Request& r, const char* name, int fallback) {
  auto v = r.Query(name);
  if (!v) return fallback;
  char* end = nullptr;
  long n = std::strtol(v->c_str(), &end, 10);
  if (v->empty() || *end || n < 0 || n > 1000000)
    return Status::InvalidArgument("must be a whole number", name);
  return static_cast<int>(n);
}

Result<std::string> Format(const Request& r) {
  std::string format = r.Query("format").value_or("json");
  if (format != "json" && format != "csv" && format != "xlsx")
    return Status::InvalidArgument("format is json, csv or xlsx", "format");
  return format;
}

// The table as a CSV or XLSX download.
Response Download(const std::string& format, const std::string& name, const tabular::Table& table) {
  Response res;
  if (format == "csv") {
    std::ostringstream out;
    tabular::WriteCsv(out, table.header, table.rows, {.excel_bom = true});
    res.content_type = "text/csv; charset=utf-8";
    res.body = out.str();
  } else {
    auto bytes = tabular::XlsxBytes({{name, table.header, table.rows}});
    if (!bytes.ok()) return ErrorResponse(bytes.status());
    res.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    res.body = std::move(bytes).value();
  }
  res.headers.push_back(
      {"Content-Disposition", "attachment; filename=\"" + name + "." + format + "\""});
  return res;
}

const std::vector<std::pair<std::string, std::string>> kFilterParams = {
    {"event_id", "only acts of this event and the events inside it"},
    {"place_id", "only acts at this place and the places inside it"},
    {"act_type", "only acts of these types (repeat or separate with commas)"},
    {"date_from", "only acts dated wholly on or after (YYYY, YYYY-MM or YYYY-MM-DD)"},
    {"date_to", "only acts dated wholly on or before"},
    {"lang", "labels in en (default), ru or ky"},
    {"format", "json (default), csv or xlsx"}};

std::vector<std::pair<std::string, std::string>> With(
    std::vector<std::pair<std::string, std::string>> params) {
  params.insert(params.end(), kFilterParams.begin(), kFilterParams.end());
  return params;
}

Response Counts(StatsService& stats, Request& r) {
  auto format = Format(r);
  if (!format.ok()) return ErrorResponse(format.status());
  stats::CountRequest q;
  q.measure = r.Query("measure").value_or("acts");
  q.rows = Text(r, "rows");
  q.columns = Text(r, "columns");
  q.acts = SelectionOf(r);
  q.as_of = Text(r, "as_of");
  q.language = r.Query("lang").value_or("en");
  auto min_cell = Integer(r, "min_cell", 0);
  if (!min_cell.ok()) return ErrorResponse(min_cell.status());
  q.min_cell = min_cell.value();
  auto table = stats.Count(r.caller, q);
  if (!table.ok()) return ErrorResponse(table.status());
  if (format.value() == "json") return Response::JsonBody(200, stats::ToJson(table.value()));
  return Download(format.value(), "counts", stats::ToTable(table.value()));
}

tabular::Table ClaimsTable(const Json& j) {
  tabular::Table t;
  t.header = {"indicator", "documented in Kuzot", "what is counted", "source", "value", "from",
              "to",        "approximate",         "as of",           "scope",  "event"};
  auto text = [](const Json& v) {
    if (v.is_null()) return std::string();
    if (v.is_string()) return v.get<std::string>();
    return v.dump();
  };
  for (const auto& i : j["indicators"]) {
    const Json& d = i["documented"];
    std::string count = d.is_null() ? "" : text(d["count"]);
    std::string what = d.is_null() ? "(nothing in Kuzot corresponds)" : text(d["what"]);
    if (i["claims"].empty())
      t.rows.push_back({text(i["label"]), count, what, "", "", "", "", "", "", "", ""});
    for (const auto& c : i["claims"]) {
      t.rows.push_back({text(i["label"]), count, what, text(c["source"]["title"]), text(c["value"]),
                        text(c["value_min"]), text(c["value_max"]),
                        c["approximate"].get<bool>() ? "yes" : "", text(c["as_of"]),
                        text(c["scope"]), text(c["event"]["title"])});
    }
  }
  return t;
}

Response Claims(StatsService& stats, Request& r) {
  auto format = Format(r);
  if (!format.ok()) return ErrorResponse(format.status());
  auto j = stats.Claims(r.caller, Text(r, "event_id"), Text(r, "indicator"), Text(r, "as_of"),
                        r.Query("lang").value_or("en"));
  if (!j.ok()) return ErrorResponse(j.status());
  if (format.value() == "json") return Response::JsonBody(200, j.value());
  return Download(format.value(), "claims", ClaimsTable(j.value()));
}

stats::HistoryRequest HistoryRequestOf(const Request& r) {
  stats::HistoryRequest q;
  q.lists = Values(r, "lists");
  q.strata = Text(r, "strata");
  q.acts = SelectionOf(r);
  q.language = r.Query("lang").value_or("en");
  return q;
}

Json ListsJson(const stats::Histories& h) {
  Json lists = Json::array();
  const auto& names = h.strata.front().history.lists;
  for (size_t i = 0; i < names.size(); ++i)
    lists.push_back({{"id", h.list_ids[i]}, {"name", names[i]}});
  return lists;
}

Response HistoriesRoute(StatsService& stats, Request& r) {
  auto format = Format(r);
  if (!format.ok()) return ErrorResponse(format.status());
  const std::string form = r.Query("form").value_or("patterns");
  if (form != "patterns" && form != "dga" && form != "lcmcr")
    return ErrorResponse(Status::InvalidArgument("form is patterns, dga or lcmcr", "form"));
  auto h = stats.CaptureHistories(r.caller, HistoryRequestOf(r));
  if (!h.ok()) return ErrorResponse(h.status());
  const auto& strata = h->strata;
  tabular::Table t = form == "dga"     ? stats::DgaTable(strata)
                     : form == "lcmcr" ? stats::LcmcrTable(strata)
                                       : stats::PatternTable(strata);
  if (format.value() != "json") return Download(format.value(), "capture-histories", t);
  Json out = {{"lists", ListsJson(*h)}, {"notes", h->notes}};
  Json all = Json::array();
  for (const auto& s : strata) {
    Json cells = Json::array();
    for (const auto& [pattern, count] : s.history.cells) {
      Json on = Json::array();
      for (int j = 0; j < s.history.num_lists(); ++j) on.push_back((pattern >> j) & 1u);
      cells.push_back({{"pattern", on}, {"count", count}});
    }
    all.push_back({{"stratum", s.label}, {"observed", s.history.Observed()}, {"cells", cells}});
  }
  out["strata"] = all;
  out["form"] = form;
  out["header"] = t.header;
  out["rows"] = t.rows;
  return Response::JsonBody(200, out);
}

// Reads the estimator's options from the request body.
Result<stats::EstimateOptions> EstimateOptionsOf(const Json& body) {
  stats::EstimateOptions o;
  KUZOT_ASSIGN_OR_RETURN(o.method, stats::ParseMethod(body.value("method", "")));
  Json opt = body.value("options", Json::object());
  if (!opt.is_object()) return Status::InvalidArgument("must be an object", "options");
  try {
    const double level = opt.value("level", 0.95);
    o.loglinear.level = o.bma.level = o.lcmcr.level = level;
    const std::string criterion = opt.value("criterion", "aic");
    if (criterion != "aic" && criterion != "bic")
      return Status::InvalidArgument("criterion is aic or bic", "options.criterion");
    o.loglinear.criterion = criterion == "bic" ? stats::Criterion::kBic : stats::Criterion::kAic;
    o.loglinear.max_order = opt.value("max_order", 0);
    o.bma.delta = opt.value("delta", 0.0);
    auto prior = stats::ParsePrior(opt.value("prior", "1/N"));
    if (!prior.ok()) return Status::InvalidArgument(prior.status().message(), "options.prior");
    o.bma.prior.kind = prior.value();
    o.bma.prior.a = opt.value("prior_a", 0.0);
    o.bma.prior.b = opt.value("prior_b", 0.0);
    o.bma.min_missing = opt.value("min_missing", std::int64_t{0});
    o.bma.max_missing = opt.value("max_missing", std::int64_t{-1});
    o.lcmcr.classes = opt.value("classes", 5);
    o.lcmcr.iterations = opt.value("iterations", std::int64_t{10000});
    o.lcmcr.burn_in = opt.value("burn_in", std::int64_t{10000});
    o.lcmcr.thinning = opt.value("thinning", 10);
    o.lcmcr.seed = opt.value("seed", std::uint64_t{1});
    o.lcmcr.a_alpha = opt.value("a_alpha", 0.25);
    o.lcmcr.b_alpha = opt.value("b_alpha", 0.25);
  } catch (const Json::exception&) {
    return Status::InvalidArgument(
        "an option has the wrong type (numbers and strings as in the "
        "documentation)",
        "options");
  }
  if (o.lcmcr.iterations + o.lcmcr.burn_in > kMaxSamplerIterations || o.lcmcr.classes > 50)
    return Status::InvalidArgument("through the API the sampler runs at most " +
                                       std::to_string(kMaxSamplerIterations) +
                                       " iterations with at most 50 classes; use `kuzot "
                                       "estimate` for longer runs",
                                   "options");
  if (o.bma.max_missing > 10000000)
    return Status::InvalidArgument("max_missing is at most 10,000,000", "options.max_missing");
  return o;
}

Result<Json> Estimate(StatsService& stats, const Request& r) {
  if (r.Header("content-type").find("application/json") == std::string::npos)
    return Status::InvalidArgument("send the body as application/json", "content-type");
  Json body = Json::parse(r.body, nullptr, false);
  if (!body.is_object()) return Status::InvalidArgument("the body must be a JSON object");
  KUZOT_ASSIGN_OR_RETURN(auto options, EstimateOptionsOf(body));
  stats::HistoryRequest q;
  try {
    q.lists = body.value("lists", std::vector<std::string>{});
    q.strata = body.value("strata", "");
    q.acts.event_id = body.value("event_id", "");
    q.acts.place_id = body.value("place_id", "");
    q.acts.act_types = body.value("act_types", std::vector<std::string>{});
    q.acts.date_from = body.value("date_from", "");
    q.acts.date_to = body.value("date_to", "");
    q.language = body.value("lang", "en");
  } catch (const Json::exception&) {
    return Status::InvalidArgument(
        "lists and act_types are arrays of strings; the filters are "
        "strings");
  }
  const int top = body.value("top", 10);
  KUZOT_ASSIGN_OR_RETURN(auto h, stats.CaptureHistories(r.caller, q));
  Json results = Json::array();
  for (const auto& s : h.strata) {
    auto report = stats::Estimate(s.history, options);
    Json item = {{"stratum", s.label}};
    if (!report.ok()) {
      // One stratum the data cannot carry does not hide the others.
      item["error"] = report.status().message();
    } else {
      // A named value: items() of a temporary would outlive the temporary.
      const Json report_json = stats::ToJson(report.value(), s.history, top);
      for (const auto& [k, v] : report_json.items()) item[k] = v;
    }
    results.push_back(std::move(item));
  }
  return Json{{"lists", ListsJson(h)}, {"notes", h.notes}, {"results", results}};
}

}  // namespace

void AddStatsRoutes(Router& router, StatsService& stats) {
  router.Add({"GET", "/api/v1/stats/dimensions", "stats:read",
              "The dimensions and measures counts can be broken down by", [](Request&) {
                return Response::JsonBody(
                    200, {{"dimensions", stats::Dimensions()}, {"measures", {"acts", "victims"}}});
              }});
  router.Add({"GET", "/api/v1/stats/counts", "stats:read",
              "Counts of acts or victims by one or two dimensions, now or as of a date, "
              "counting only what the caller may see",
              [&stats](Request& r) { return Counts(stats, r); },
              nullptr,  // not streamed
              With({{"rows", "dimension of the rows (see /api/v1/stats/dimensions); required"},
                    {"columns", "dimension of the columns"},
                    {"measure", "acts (default) or victims (distinct persons)"},
                    {"as_of", "YYYY-MM-DD or an ISO time: the records as they stood then"},
                    {"min_cell", "suppress cells below this (for publication)"}})});
  router.Add({"GET",
              "/api/v1/stats/claims",
              "stats:read",
              "Every source's claim about an event beside the count documented in Kuzot",
              [&stats](Request& r) { return Claims(stats, r); },
              nullptr,  // not streamed
              {{"event_id", "the event (and the events inside it); required"},
               {"indicator", "one indicator (killed, wounded, displaced, ...); default all"},
               {"as_of", "YYYY-MM-DD or an ISO time"},
               {"lang", "labels in en, ru or ky"},
               {"format", "json, csv or xlsx"}}});
  router.Add({"GET", "/api/v1/stats/mse/histories", "stats:read",
              "Capture histories of victims across the sources that name them, for "
              "multiple systems estimation",
              [&stats](Request& r) { return HistoriesRoute(stats, r); },
              nullptr,  // not streamed
              With({{"lists",
                     "source ids to use as lists (default: every source naming a "
                     "victim)"},
                    {"strata", "a count dimension or field:NAME of the person"},
                    {"form",
                     "patterns (default), dga (2^k rows in R array order) or lcmcr "
                     "(one row per person)"}})});
  router.Add({"POST", "/api/v1/stats/mse/estimate", "stats:estimate",
              "Estimate how many victims no list recorded (loglinear, bma or lcmcr), from the "
              "capture histories of the records",
              [&stats](Request& r) {
                auto j = Estimate(stats, r);
                if (!j.ok()) return ErrorResponse(j.status());
                return Response::JsonBody(200, j.value());
              }});
}

}  // namespace kuzot::http
