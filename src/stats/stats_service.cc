// Counts of acts and victims from the in-memory facts (facts.h), with the
// records they refer to (events, places, perpetrators) read in their
// current state for labels, the gazetteer and confidentiality.
#include "stats/stats_service.h"

#include <algorithm>
#include <map>

#include "stats/context.h"

namespace kuzot::stats {
namespace {

using records::Json;

constexpr int kPage = 5000;

std::string Str(const Json& body, const char* field) {
  auto it = body.find(field);
  return it != body.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Every record of `type`, deleted ones too (acts may still refer to them).
Status ForEachOfType(storage::Transaction& tx, const std::string& type,
                     const std::function<void(const storage::StoredRecord&)>& fn) {
  storage::ListQuery q;
  q.type = type;
  q.limit = kPage;
  q.include_deleted = true;
  for (;;) {
    KUZOT_ASSIGN_OR_RETURN(auto page, tx.List(q));
    for (const auto& r : page) fn(r);
    if (static_cast<int>(page.size()) < kPage) return Status::Ok();
    q.after_id = page.back().id;
  }
}

Confidentiality LevelOf(const std::string& name) {
  auto level = ParseConfidentiality(name);
  return level ? *level : Confidentiality::kSecret;
}

}  // namespace

StatsService::StatsService(records::RecordService& records)
    : records_(records), facts_(std::make_unique<Facts>()) {}

StatsService::~StatsService() = default;

Status StatsService::Refresh() {
  KUZOT_ASSIGN_OR_RETURN(auto tx, records_.store().BeginRead());
  KUZOT_ASSIGN_OR_RETURN(storage::FactMarks marks, tx->LastFacts());
  {
    std::shared_lock<std::shared_mutex> read(facts_mutex_);
    if (marks.acts == facts_->marks.acts && marks.persons == facts_->marks.persons)
      return Status::Ok();
  }
  std::unique_lock<std::shared_mutex> write(facts_mutex_);
  // Fewer rows than already read: the projection was rebuilt (bodies were
  // sealed); read it again from the start.
  if (marks.acts < facts_->marks.acts || marks.persons < facts_->marks.persons)
    facts_ = std::make_unique<Facts>();
  return facts_->Update(*tx);
}

Status StatsService::Warm() { return Refresh(); }

Result<StatsService::Context> StatsService::Prepare(const Caller& caller, const std::string& as_of,
                                                    const std::string& language) {
  if (language != "en" && language != "ru" && language != "ky")
    return Status::InvalidArgument("labels are in en, ru or ky", "lang");
  KUZOT_ASSIGN_OR_RETURN(std::string at, NormaliseAsOf(as_of));
  KUZOT_RETURN_IF_ERROR(Refresh());
  Context c;
  c.caller = &caller;
  c.language = language;
  c.as_of = at;
  c.lock = std::shared_lock<std::shared_mutex>(facts_mutex_);
  c.current = facts_.get();
  c.facts = c.current;
  KUZOT_ASSIGN_OR_RETURN(auto tx, records_.store().BeginRead());
  if (!at.empty()) {
    // The same slots and dictionaries as today's facts, emptied, then
    // filled with the versions in force at `at`.
    c.owned = std::make_unique<Facts>(*facts_);
    for (auto& a : c.owned->acts) a = Act{};
    for (auto& p : c.owned->persons) p = Person{};
    c.owned->marks = {};
    KUZOT_RETURN_IF_ERROR(c.owned->Update(*tx, at));
    c.facts = c.owned.get();
  }
  // Vocabulary labels.
  for (const char* vocabulary : {"act_type", "sex", "place_level", "indicator", "object_kind"}) {
    KUZOT_ASSIGN_OR_RETURN(auto terms, tx->Vocabulary(vocabulary));
    for (const auto& t : terms) {
      Json labels = Json::parse(t.labels, nullptr, false);
      std::string label = labels.is_object() ? labels.value(language, t.code) : t.code;
      c.labels[vocabulary][t.code] = label;
      c.positions[vocabulary][t.code] = t.position;
    }
  }
  // Events, places and organizations (the gazetteer and the event tree).
  std::vector<std::string> parents;
  auto add = [&](const storage::StoredRecord& r) {
    Json body = Json::parse(r.body, nullptr, false);
    if (!body.is_object()) body = Json::object();
    Node n;
    n.id = r.id;
    n.type = r.type;
    n.level = LevelOf(r.confidentiality);
    n.label = r.type == "person" ? records::DisplayTitle(r.type, body) : Str(body, "title");
    if (n.label.empty()) n.label = Str(body, "name");
    n.place_level = Str(body, "level");
    n.start = Str(body, "start_date");
    c.node_of.emplace(n.id, static_cast<int>(c.nodes.size()));
    c.nodes.push_back(std::move(n));
    parents.push_back(Str(body, "parent_id"));
  };
  for (const char* type : {"event", "place", "organization"})
    KUZOT_RETURN_IF_ERROR(ForEachOfType(*tx, type, add));
  // Perpetrators who are persons: few, read one by one.
  const Facts& f = *c.facts;
  for (std::uint32_t i = 0; i < f.refs.size(); ++i) {
    const std::string& id = f.refs.Text(i);
    if (c.node_of.count(id)) continue;
    KUZOT_ASSIGN_OR_RETURN(auto r, tx->Get(id));
    if (r && r->type == "person") add(*r);
  }
  for (size_t n = 0; n < c.nodes.size(); ++n) {
    auto it = parents[n].empty() ? c.node_of.end() : c.node_of.find(parents[n]);
    if (it != c.node_of.end() && it->second != static_cast<int>(n)) c.nodes[n].parent = it->second;
  }
  c.ref_node.assign(f.refs.size(), -1);
  for (std::uint32_t i = 0; i < f.refs.size(); ++i) {
    auto it = c.node_of.find(f.refs.Text(i));
    if (it != c.node_of.end()) c.ref_node[i] = it->second;
  }
  return c;
}

Result<CountTable> StatsService::Count(const Caller& caller, const CountRequest& request) {
  if (request.measure != "acts" && request.measure != "victims")
    return Status::InvalidArgument("measure is acts or victims", "measure");
  if (request.rows.empty())
    return Status::InvalidArgument(
        "name the dimension of the rows (act_type, event, place, "
        "place:oblast, period:month, sex, age_group, child, "
        "perpetrator, ...)",
        "rows");
  if (request.min_cell < 0 || request.min_cell > 1000)
    return Status::InvalidArgument("min_cell is between 0 and 1000", "min_cell");
  KUZOT_ASSIGN_OR_RETURN(Context c, Prepare(caller, request.as_of, request.language));
  KUZOT_ASSIGN_OR_RETURN(ActFilter filter, ActFilter::Make(c, request.acts));
  KUZOT_ASSIGN_OR_RETURN(auto rows, Dimension::Make(request.rows, c, "rows"));
  std::unique_ptr<Dimension> columns;
  if (!request.columns.empty()) {
    KUZOT_ASSIGN_OR_RETURN(columns, Dimension::Make(request.columns, c, "columns"));
  }
  const bool victims = request.measure == "victims";
  const Facts& f = *c.facts;

  // Counting: acts add one to their cell; victims are collected as
  // (person, cell) pairs, sorted by person, so that each person counts once
  // in each cell, row, column and the total however many acts they suffered.
  std::vector<std::vector<std::int64_t>> counts;
  std::vector<std::uint64_t> pairs;  // person << 32 | (row << 16 | column)
  std::int64_t total_acts = 0;
  for (std::uint32_t slot = 0; slot < f.acts.size(); ++slot) {
    const Act& a = f.acts[slot];
    if (a.revision < 0 || a.deleted || !c.SeesAct(slot) || !filter.Passes(c, a)) continue;
    if (victims && a.victim == kNone) continue;
    const std::uint32_t r = rows->KeyOf(slot);
    const std::uint32_t k = columns ? columns->KeyOf(slot) : 0;
    if (r > 0xFFFF || k > 0xFFFF)
      return Status::InvalidArgument("over 65,535 keys; choose a coarser dimension",
                                     r > 0xFFFF ? "rows" : "columns");
    if (r >= counts.size()) counts.resize(r + 1);
    if (k >= counts[r].size()) counts[r].resize(k + 1, 0);
    ++counts[r][k];
    ++total_acts;
    if (victims) pairs.push_back(static_cast<std::uint64_t>(a.victim) << 32 | (r << 16 | k));
  }
  size_t width = 1;  // columns met
  for (const auto& row : counts) width = std::max(width, row.size());
  std::vector<std::int64_t> cell_people(counts.size() * width, 0), row_people(counts.size(), 0),
      column_people(width, 0);
  std::int64_t all_people = 0;
  if (victims) {
    std::sort(pairs.begin(), pairs.end());
    std::vector<std::uint32_t> rows_of, columns_of;
    for (size_t i = 0; i < pairs.size();) {
      const std::uint64_t person = pairs[i] >> 32;
      rows_of.clear();
      columns_of.clear();
      ++all_people;
      for (; i < pairs.size() && pairs[i] >> 32 == person; ++i) {
        const std::uint32_t cell = static_cast<std::uint32_t>(pairs[i]);
        if (i == 0 || pairs[i] != pairs[i - 1])
          ++cell_people[(cell >> 16) * width + (cell & 0xFFFF)];
        rows_of.push_back(cell >> 16);
        columns_of.push_back(cell & 0xFFFF);
      }
      for (auto* v : {&rows_of, &columns_of}) {
        std::sort(v->begin(), v->end());
        v->erase(std::unique(v->begin(), v->end()), v->end());
      }
      for (auto r : rows_of) ++row_people[r];
      for (auto k : columns_of) ++column_people[k];
    }
  }
  CountTable t;
  t.measure = request.measure;
  t.rows_dimension = request.rows;
  t.columns_dimension = request.columns;
  t.as_of = c.as_of;
  t.min_cell = request.min_cell;
  std::vector<std::uint32_t> row_order, column_order{0};
  t.rows = rows->SortedKeys(&row_order);
  if (columns) {
    t.columns = columns->SortedKeys(&column_order);
  } else {
    t.columns = {{"total", "Total"}};
  }
  t.cells.assign(t.rows.size(), std::vector<std::int64_t>(t.columns.size(), 0));
  t.row_totals.assign(t.rows.size(), 0);
  t.column_totals.assign(t.columns.size(), 0);
  for (size_t i = 0; i < row_order.size(); ++i) {
    const std::uint32_t r = row_order[i];
    for (size_t j = 0; j < column_order.size(); ++j) {
      const std::uint32_t k = column_order[j];
      if (r >= counts.size() || k >= counts[r].size()) continue;
      t.cells[i][j] = victims ? cell_people[r * width + k] : counts[r][k];
    }
    if (r < counts.size()) {
      if (victims) {
        t.row_totals[i] = row_people[r];
      } else {
        for (auto n : counts[r]) t.row_totals[i] += n;
      }
    }
  }
  for (size_t j = 0; j < column_order.size(); ++j) {
    const std::uint32_t k = column_order[j];
    if (victims) {
      if (k < width) t.column_totals[j] = column_people[k];
    } else {
      for (const auto& row : counts)
        if (k < row.size()) t.column_totals[j] += row[k];
    }
  }
  t.total = victims ? all_people : total_acts;
  if (t.min_cell > 0) {
    for (auto& row : t.cells)
      for (auto& n : row)
        if (n > 0 && n < t.min_cell) n = -1;
    // In a one-way table the row total is the cell.
    if (!columns)
      for (size_t i = 0; i < t.rows.size(); ++i) t.row_totals[i] = t.cells[i][0];
  }
  return t;
}

namespace {
Json Nullable(const std::vector<std::int64_t>& v) {
  Json out = Json::array();
  for (auto n : v) out.push_back(n < 0 ? Json() : Json(n));
  return out;
}
}  // namespace

Json ToJson(const CountTable& t) {
  auto keys = [](const std::vector<CountKey>& ks) {
    Json out = Json::array();
    for (const auto& k : ks) out.push_back({{"key", k.key}, {"label", k.label}});
    return out;
  };
  Json cells = Json::array();
  for (const auto& row : t.cells) {
    Json r = Json::array();
    for (auto n : row) r.push_back(n < 0 ? Json() : Json(n));
    cells.push_back(std::move(r));
  }
  Json out = {{"measure", t.measure},
              {"as_of", t.as_of.empty() ? Json() : Json(t.as_of)},
              {"rows", {{"dimension", t.rows_dimension}, {"keys", keys(t.rows)}}},
              {"columns",
               {{"dimension", t.columns_dimension.empty() ? Json() : Json(t.columns_dimension)},
                {"keys", keys(t.columns)}}},
              {"cells", cells},
              {"row_totals", Nullable(t.row_totals)},
              {"column_totals", t.column_totals},
              {"total", t.total}};
  if (t.min_cell > 0) out["min_cell"] = t.min_cell;
  return out;
}

tabular::Table ToTable(const CountTable& t) {
  tabular::Table out;
  std::string corner = t.rows_dimension;
  if (!t.columns_dimension.empty()) corner += " \\ " + t.columns_dimension;
  out.header.push_back(corner);
  if (!t.columns_dimension.empty())
    for (const auto& k : t.columns) out.header.push_back(k.label);
  out.header.push_back(t.measure == "victims" ? "Total victims" : "Total acts");
  auto cell = [&](std::int64_t n) {
    return n < 0 ? "<" + std::to_string(t.min_cell) : std::to_string(n);
  };
  for (size_t i = 0; i < t.rows.size(); ++i) {
    std::vector<std::string> row{t.rows[i].label};
    if (!t.columns_dimension.empty())
      for (auto n : t.cells[i]) row.push_back(cell(n));
    row.push_back(cell(t.row_totals[i]));
    out.rows.push_back(std::move(row));
  }
  std::vector<std::string> totals{"Total"};
  if (!t.columns_dimension.empty())
    for (auto n : t.column_totals) totals.push_back(std::to_string(n));
  totals.push_back(std::to_string(t.total));
  out.rows.push_back(std::move(totals));
  return out;
}

}  // namespace kuzot::stats
