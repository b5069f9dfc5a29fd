// Claims side by side: every figure the sources give about an event,
// beside the count documented in Kuzot for the same indicator.
#include <algorithm>
#include <map>

#include "stats/context.h"

namespace kuzot::stats {
namespace {

using records::Json;

// What Kuzot counts for an indicator: victims (distinct persons) of acts
// of these types, or objects (sum of object.count, 1 when not given) of
// these types and kinds. doc/statistics.md has this table.
struct Documented {
  std::vector<std::string> act_types;
  bool objects = false;
  std::vector<std::string> object_kinds;  // empty: any
  bool exclude_kinds = false;             // object_kinds are the ones NOT counted
  std::string describe;
};

const std::map<std::string, Documented>& DocumentedCounts() {
  static const std::map<std::string, Documented> table = {
      {"killed", {{"killing"}, false, {}, false, "victims of acts of type killing"}},
      {"wounded", {{"injury"}, false, {}, false, "victims of acts of type injury"}},
      {"injured", {{"injury"}, false, {}, false, "victims of acts of type injury"}},
      {"casualties",
       {{"killing", "injury"}, false, {}, false, "victims of acts of type killing or injury"}},
      {"displaced",
       {{"enforced_displacement"}, false, {}, false, "victims of enforced displacement"}},
      {"detained", {{"arbitrary_detention"}, false, {}, false, "victims of arbitrary detention"}},
      {"missing",
       {{"enforced_disappearance"}, false, {}, false, "victims of enforced disappearance"}},
      {"hostages", {{"hostage_taking"}, false, {}, false, "victims of hostage-taking"}},
      {"houses_destroyed",
       {{"destruction_of_property"},
        true,
        {"house"},
        false,
        "houses in acts of destruction of property"}},
      {"buildings_destroyed",
       {{"destruction_of_property"},
        true,
        {"house"},
        true,
        "buildings other than houses in acts of destruction of property"}},
  };
  return table;
}

std::optional<std::int64_t> Int(const Json& body, const char* field) {
  auto it = body.find(field);
  if (it == body.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<std::int64_t>();
}

Json OrNull(const std::optional<std::int64_t>& v) { return v ? Json(*v) : Json(); }

}  // namespace

Result<Json> StatsService::Claims(const Caller& caller, const std::string& event_id,
                                  const std::string& indicator, const std::string& as_of,
                                  const std::string& language) {
  if (event_id.empty()) return Status::InvalidArgument("name the event", "event_id");
  KUZOT_ASSIGN_OR_RETURN(Context c, Prepare(caller, as_of, language));
  if (!indicator.empty() && !c.labels["indicator"].count(indicator))
    return Status::InvalidArgument("unknown indicator '" + indicator.substr(0, 40) + "'",
                                   "indicator");
  KUZOT_ASSIGN_OR_RETURN(ActFilter inside, ActFilter::Make(c, {.event_id = event_id}));

  // The claims, as they stand now or stood at `as_of`.
  KUZOT_ASSIGN_OR_RETURN(auto tx, records_.store().BeginRead());
  std::map<std::string, std::vector<Json>> claims;  // indicator -> claims
  std::map<std::string, Json> sources;
  storage::ListQuery q;
  q.type = "claim";
  q.limit = 5000;
  q.include_deleted = true;
  for (;;) {
    KUZOT_ASSIGN_OR_RETURN(auto page, tx->List(q));
    for (const auto& now : page) {
      std::optional<storage::StoredRecord> then = now;
      if (!c.as_of.empty()) {
        KUZOT_ASSIGN_OR_RETURN(then, tx->AsOf(now.id, c.as_of));
        if (then && !caller.MaySee(now.confidentiality)) continue;  // reclassified since
      }
      if (!then || then->deleted || !caller.MaySee(then->confidentiality)) continue;
      Json body = Json::parse(then->body, nullptr, false);
      if (!body.is_object()) continue;
      const std::string event = body.value("event_id", "");
      auto node = c.node_of.find(event);
      if (node == c.node_of.end() || !inside.events[node->second]) continue;
      const std::string ind = body.value("indicator", "");
      if (!indicator.empty() && ind != indicator) continue;
      Json claim = {{"id", then->id},
                    {"value", OrNull(Int(body, "value"))},
                    {"value_min", OrNull(Int(body, "value_min"))},
                    {"value_max", OrNull(Int(body, "value_max"))},
                    {"approximate", body.value("approximate", false)},
                    {"as_of", body.contains("as_of") ? body["as_of"] : Json()},
                    {"scope", body.contains("scope") ? body["scope"] : Json()},
                    {"event", {{"id", event}, {"title", c.nodes[node->second].label}}}};
      const std::string source_id = body.value("source_id", "");
      if (!sources.count(source_id)) {
        KUZOT_ASSIGN_OR_RETURN(auto source, tx->Get(source_id));
        Json s = {{"id", source_id}};
        if (source && caller.MaySee(source->confidentiality)) {
          Json sb = Json::parse(source->body, nullptr, false);
          if (sb.is_object()) {
            s["title"] = sb.value("title", "");
            s["kind"] = sb.value("kind", "");
            s["date"] = sb.contains("date") ? sb["date"] : Json();
          }
        } else {
          s["title"] = "(not visible to you)";
        }
        sources[source_id] = s;
      }
      claim["source"] = sources[source_id];
      claims[ind].push_back(std::move(claim));
    }
    if (static_cast<int>(page.size()) < q.limit) break;
    q.after_id = page.back().id;
  }

  // The documented counts, over the acts of the event and the events
  // inside it that the caller may see.
  const Facts& f = *c.facts;
  std::map<std::string, std::vector<std::uint32_t>> victims;  // indicator -> person slots
  std::map<std::string, std::int64_t> objects;
  for (std::uint32_t slot = 0; slot < f.acts.size(); ++slot) {
    const Act& a = f.acts[slot];
    if (a.revision < 0 || a.deleted || a.type == kNone || !c.SeesAct(slot) || !inside.Passes(c, a))
      continue;
    const std::string& type = f.codes.Text(a.type);
    for (const auto& [ind, d] : DocumentedCounts()) {
      if (std::find(d.act_types.begin(), d.act_types.end(), type) == d.act_types.end()) continue;
      if (!d.objects) {
        if (a.victim != kNone) victims[ind].push_back(a.victim);
        continue;
      }
      if (a.object_kind == kNone) continue;
      const std::string& kind = f.codes.Text(a.object_kind);
      const bool listed =
          std::find(d.object_kinds.begin(), d.object_kinds.end(), kind) != d.object_kinds.end();
      if (listed != d.exclude_kinds) objects[ind] += a.object_count > 0 ? a.object_count : 1;
    }
  }

  Json indicators = Json::array();
  for (const auto& [code, label] : c.labels["indicator"]) {
    (void)label;
    if (!indicator.empty() && code != indicator) continue;
    Json documented;
    auto d = DocumentedCounts().find(code);
    std::int64_t count = 0;
    if (d != DocumentedCounts().end()) {
      if (d->second.objects) {
        count = objects[code];
      } else {
        auto& v = victims[code];
        std::sort(v.begin(), v.end());
        count = std::unique(v.begin(), v.end()) - v.begin();
      }
      documented = {
          {"count", count}, {"what", d->second.describe}, {"act_types", d->second.act_types}};
    }
    auto& list = claims[code];
    if (indicator.empty() && list.empty() && count == 0) continue;
    std::stable_sort(list.begin(), list.end(), [](const Json& a, const Json& b) {
      auto date = [](const Json& j) {
        return j["as_of"].is_string() ? j["as_of"].get<std::string>() : std::string("~");
      };
      return date(a) < date(b);
    });
    indicators.push_back({{"indicator", code},
                          {"label", c.Label("indicator", code)},
                          {"documented", documented},
                          {"claims", list}});
  }
  const Node& event = c.nodes[c.node_of.at(event_id)];
  return Json{{"event", {{"id", event.id}, {"title", event.label}}},
              {"as_of", c.as_of.empty() ? Json() : Json(c.as_of)},
              {"indicators", indicators}};
}

}  // namespace kuzot::stats
