// Overviews for the web application: the dashboard's counts and latest
// changes, an event's claims beside what is documented, titles of records
// by id, and the points of a map. Everything is limited to what the caller
// may see: a record above their level is not counted, named or placed.
#include <algorithm>
#include <map>
#include <set>

#include "records/sealing.h"
#include "records/service.h"

namespace kuzot::records {
namespace {

// Largest number of events under one event that EventFigures follows.
constexpr size_t kMaxSubEvents = 2000;
constexpr int kPage = 500;
constexpr int kMaxAncestors = 64;

std::vector<std::string> Levels(const Caller& caller) {
  std::vector<std::string> out;
  for (auto level : {Confidentiality::kPublic, Confidentiality::kInternal,
                     Confidentiality::kRestricted, Confidentiality::kSecret}) {
    if (caller.MaySee(level)) out.push_back(ConfidentialityName(level));
  }
  return out;
}

// The body with its id, as DisplayTitle reads it.
Json BodyOf(const std::string& id, const std::string& body_text) {
  Json body = Json::parse(body_text, nullptr, false);
  if (!body.is_object()) body = Json::object();
  body["id"] = id;
  return body;
}

// Calls `fn` for every live record matching `query`, a page at a time.
Status ForEachListed(storage::Transaction& tx, storage::ListQuery query,
                     const std::function<void(const storage::StoredRecord&)>& fn) {
  query.limit = kPage;
  for (;;) {
    KUZOT_ASSIGN_OR_RETURN(auto page, tx.List(query));
    for (const auto& r : page) fn(r);
    if (static_cast<int>(page.size()) < kPage) return Status::Ok();
    query.after_id = page.back().id;
  }
}

// The record when it exists, is live and `caller` may see it.
Result<std::optional<storage::StoredRecord>> Visible(storage::Transaction& tx, const Caller& caller,
                                                     const std::string& id) {
  KUZOT_ASSIGN_OR_RETURN(auto r, tx.Get(id));
  if (!r || r->deleted || !caller.MaySee(r->confidentiality)) {
    return std::optional<storage::StoredRecord>();
  }
  return r;
}

std::string StringOf(const Json& body, const char* field) {
  return body.contains(field) && body[field].is_string() ? body[field].get<std::string>() : "";
}

std::vector<const storage::StoredRecord*> Pointers(const std::vector<storage::StoredRecord>& rows) {
  std::vector<const storage::StoredRecord*> out;
  for (const auto& r : rows) out.push_back(&r);
  return out;
}

}  // namespace

storage::Filter RecordService::RefFilter(const std::string& field, const std::string& id) const {
  storage::Filter filter{field, storage::FilterOp::kRef, id};
  if (codec_) filter.alternatives.push_back(BlindReference(*codec_, id));
  return filter;
}

Result<int64_t> RecordService::CountVictims(storage::Transaction& tx, const Caller& caller,
                                            const std::vector<std::string>& levels) {
  // References from secret records are stored blind: count the others in
  // SQL, then add the victims of secret acts no other act names.
  bool sealed = codec_ && codec_->SealsWholeBody("secret");
  storage::ListQuery open;
  open.type = "act";
  for (const auto& level : levels) {
    if (!sealed || level != "secret") open.confidentiality_in.push_back(level);
  }
  KUZOT_ASSIGN_OR_RETURN(int64_t n,
                         tx.CountDistinctReferenced(open, "victim_person_id", levels));
  if (!sealed || !caller.MaySee(Confidentiality::kSecret)) return n;
  storage::ListQuery secret;
  secret.type = "act";
  secret.confidentiality_in = {"secret"};
  std::set<std::string> extra;
  KUZOT_RETURN_IF_ERROR(ForEachListed(tx, secret, [&](const storage::StoredRecord& r) {
    Json body = Json::parse(r.body, nullptr, false);
    if (body.is_object()) extra.insert(StringOf(body, "victim_person_id"));
  }));
  extra.erase("");
  for (const auto& victim : extra) {
    KUZOT_ASSIGN_OR_RETURN(auto person, Visible(tx, caller, victim));
    if (!person) continue;
    storage::ListQuery named = open;
    named.limit = 1;
    named.filters.push_back(RefFilter("victim_person_id", victim));
    KUZOT_ASSIGN_OR_RETURN(auto others, tx.List(named));
    if (others.empty()) ++n;
  }
  return n;
}

Result<Json> RecordService::Overview(const Caller& caller, int recent_limit) {
  if (recent_limit < 0 || recent_limit > 100) {
    return Status::InvalidArgument("must be between 0 and 100", "recent");
  }
  const auto levels = Levels(caller);
  KUZOT_ASSIGN_OR_RETURN(auto tx, store_->BeginRead());
  Json counts = Json::object();
  for (const auto& type : RecordTypes()) {
    storage::ListQuery q;
    q.type = type.name;
    q.confidentiality_in = levels;
    KUZOT_ASSIGN_OR_RETURN(counts[type.name], tx->Count(q));
  }
  storage::ListQuery acts;
  acts.type = "act";
  acts.confidentiality_in = levels;
  Json by_type = Json::object();
  KUZOT_ASSIGN_OR_RETURN(auto act_types, tx->Vocabulary("act_type"));
  for (const auto& term : act_types) {
    storage::ListQuery q = acts;
    q.filters.push_back({"type", storage::FilterOp::kEq, term.code});
    KUZOT_ASSIGN_OR_RETURN(int64_t n, tx->Count(q));
    if (n > 0) by_type[term.code] = n;
  }
  KUZOT_ASSIGN_OR_RETURN(int64_t victims, CountVictims(*tx, caller, levels));
  Json recent = Json::array();
  KUZOT_ASSIGN_OR_RETURN(auto changes, tx->RecentChanges(recent_limit, levels));
  std::vector<storage::StoredRecord> shown;  // their titles are read: audited
  for (const auto& c : changes) {
    storage::StoredRecord r;
    r.id = c.id;
    r.type = c.type;
    r.revision = c.revision;
    r.confidentiality = c.confidentiality;
    shown.push_back(std::move(r));
    recent.push_back({{"id", c.id},
                      {"type", c.type},
                      {"title", DisplayTitle(c.type, BodyOf(c.id, c.body))},
                      {"revision", c.revision},
                      {"op", c.op},
                      {"at", c.at},
                      {"by", c.by},
                      {"confidentiality", c.confidentiality},
                      {"deleted", c.deleted}});
  }
  // Events that sources give figures for, most claims first: the
  // dashboard offers them for its chart.
  std::map<std::string, int64_t> claims_per_event;
  storage::ListQuery claims;
  claims.type = "claim";
  claims.confidentiality_in = levels;
  KUZOT_RETURN_IF_ERROR(ForEachListed(*tx, claims, [&](const storage::StoredRecord& r) {
    Json body = Json::parse(r.body, nullptr, false);
    if (body.is_object()) ++claims_per_event[StringOf(body, "event_id")];
  }));
  std::vector<std::pair<int64_t, std::string>> ranked;
  for (const auto& [event, n] : claims_per_event) ranked.emplace_back(-n, event);
  std::sort(ranked.begin(), ranked.end());
  Json claim_events = Json::array();
  for (const auto& [minus_n, event] : ranked) {
    if (claim_events.size() >= 20) break;
    KUZOT_ASSIGN_OR_RETURN(auto r, Visible(*tx, caller, event));
    if (!r || r->type != "event") continue;
    claim_events.push_back({{"id", r->id},
                            {"title", DisplayTitle("event", BodyOf(r->id, r->body))},
                            {"claims", -minus_n}});
  }
  tx.reset();
  KUZOT_RETURN_IF_ERROR(AuditReads(caller, Pointers(shown), "overview"));
  return Json{{"counts", std::move(counts)},
              {"victims", victims},
              {"acts_by_type", std::move(by_type)},
              {"recent", std::move(recent)},
              {"claim_events", std::move(claim_events)}};
}

Result<Json> RecordService::EventFigures(const Caller& caller, std::string_view event_id) {
  const auto levels = Levels(caller);
  KUZOT_ASSIGN_OR_RETURN(auto tx, store_->BeginRead());
  KUZOT_ASSIGN_OR_RETURN(auto event, tx->Get(event_id));
  if (!event || event->type != "event" || !caller.MaySee(event->confidentiality)) {
    return Status::NotFound("there is no event with id '" + std::string(event_id.substr(0, 40)) +
                            "'");
  }
  // The event and every event under it, as far as the caller may see.
  std::vector<std::string> events = {event->id};
  std::set<std::string> seen = {event->id};
  for (size_t i = 0; i < events.size() && events.size() < kMaxSubEvents; ++i) {
    KUZOT_ASSIGN_OR_RETURN(auto children, tx->ReferencesTo(events[i], false));
    if (codec_) {
      // Secret events name their parent in blind form.
      KUZOT_ASSIGN_OR_RETURN(auto blind,
                             tx->ReferencesTo(BlindReference(*codec_, events[i]), false));
      children.insert(children.end(), blind.begin(), blind.end());
    }
    for (const auto& link : children) {
      if (link.field != "parent_id" || link.from_type != "event" || seen.count(link.from_id)) {
        continue;
      }
      KUZOT_ASSIGN_OR_RETURN(auto child, Visible(*tx, caller, link.from_id));
      if (!child) continue;
      seen.insert(link.from_id);
      events.push_back(link.from_id);
    }
  }
  int64_t act_count = 0;
  std::map<std::string, int64_t> acts_by_type, objects;
  std::map<std::string, std::set<std::string>> victims_by_type;
  std::set<std::string> victims;
  for (const auto& id : events) {
    storage::ListQuery q;
    q.type = "act";
    q.confidentiality_in = levels;
    q.filters.push_back(RefFilter("event_id", id));
    KUZOT_RETURN_IF_ERROR(ForEachListed(*tx, q, [&](const storage::StoredRecord& r) {
      Json body = Json::parse(r.body, nullptr, false);
      if (!body.is_object()) return;
      ++act_count;
      std::string type = StringOf(body, "type");
      ++acts_by_type[type];
      std::string victim = StringOf(body, "victim_person_id");
      if (!victim.empty()) {
        victims.insert(victim);
        victims_by_type[type].insert(victim);
      }
      if (body.contains("object") && body["object"].is_object()) {
        const Json& object = body["object"];
        objects[StringOf(object, "kind")] +=
            object.contains("count") && object["count"].is_number_integer()
                ? object["count"].get<int64_t>()
                : 1;
      }
    }));
  }
  // A victim the caller may not see is not counted (nor hinted at).
  std::set<std::string> hidden;
  for (const auto& v : victims) {
    KUZOT_ASSIGN_OR_RETURN(auto person, Visible(*tx, caller, v));
    if (!person) hidden.insert(v);
  }
  auto visible_count = [&](const std::set<std::string>& ids) {
    int64_t n = 0;
    for (const auto& id : ids) n += hidden.count(id) ? 0 : 1;
    return n;
  };
  Json victims_by_act_type = Json::object();
  for (const auto& [type, ids] : victims_by_type) {
    if (int64_t n = visible_count(ids); n > 0) victims_by_act_type[type] = n;
  }

  Json claims = Json::array();
  storage::ListQuery cq;
  cq.type = "claim";
  cq.confidentiality_in = levels;
  cq.filters.push_back(RefFilter("event_id", event->id));
  std::vector<storage::StoredRecord> claim_rows;
  KUZOT_RETURN_IF_ERROR(
      ForEachListed(*tx, cq, [&](const storage::StoredRecord& r) { claim_rows.push_back(r); }));
  std::vector<storage::StoredRecord> shown = claim_rows;
  for (const auto& r : claim_rows) {
    Json claim = BodyOf(r.id, r.body);
    claim["confidentiality"] = r.confidentiality;
    KUZOT_ASSIGN_OR_RETURN(auto source, Visible(*tx, caller, StringOf(claim, "source_id")));
    if (source) {
      Json body = BodyOf(source->id, source->body);
      Json s = {{"id", source->id}, {"title", DisplayTitle("source", body)}};
      for (const char* f : {"kind", "date", "reliability"}) {
        if (body.contains(f)) s[f] = body[f];
      }
      claim["source"] = std::move(s);
      shown.push_back(*source);
    }
    claims.push_back(std::move(claim));
  }
  Json body = BodyOf(event->id, event->body);
  Json summary = {{"id", event->id},
                  {"title", DisplayTitle("event", body)},
                  {"confidentiality", event->confidentiality},
                  {"events_included", events.size()}};
  for (const char* f : {"start_date", "end_date"}) {
    if (body.contains(f)) summary[f] = body[f];
  }
  shown.push_back(*event);
  tx.reset();
  KUZOT_RETURN_IF_ERROR(AuditReads(caller, Pointers(shown), "figures"));
  return Json{{"event", std::move(summary)},
              {"claims", std::move(claims)},
              {"documented",
               {{"acts", act_count},
                {"victims", visible_count(victims)},
                {"acts_by_type", acts_by_type},
                {"victims_by_act_type", std::move(victims_by_act_type)},
                {"objects", objects}}}};
}

Result<Json> RecordService::Titles(const Caller& caller, const std::vector<std::string>& ids) {
  if (ids.size() > 200) return Status::InvalidArgument("at most 200 ids at once", "ids");
  KUZOT_ASSIGN_OR_RETURN(auto tx, store_->BeginRead());
  Json items = Json::array();
  std::vector<storage::StoredRecord> shown;
  std::set<std::string> done;
  for (const auto& id : ids) {
    if (!done.insert(id).second) continue;
    KUZOT_ASSIGN_OR_RETURN(auto r, tx->Get(id));
    if (!r || !caller.MaySee(r->confidentiality)) continue;
    items.push_back({{"id", r->id},
                     {"type", r->type},
                     {"title", DisplayTitle(r->type, BodyOf(r->id, r->body))},
                     {"confidentiality", r->confidentiality},
                     {"deleted", r->deleted}});
    shown.push_back(std::move(*r));
  }
  tx.reset();
  KUZOT_RETURN_IF_ERROR(AuditReads(caller, Pointers(shown), "titles"));
  return Json{{"items", std::move(items)}};
}

Result<Json> RecordService::MapPoints(const Caller& caller, int per_place) {
  if (per_place < 0 || per_place > 100) {
    return Status::InvalidArgument("must be between 0 and 100", "per_place");
  }
  const auto levels = Levels(caller);
  KUZOT_ASSIGN_OR_RETURN(auto tx, store_->BeginRead());
  struct Place {
    Json body;
    bool located = false;
    std::vector<Json> items;
    std::set<std::string> ids;
    int64_t events = 0, acts = 0;
  };
  std::map<std::string, Place> places;
  std::vector<storage::StoredRecord> shown;
  storage::ListQuery q;
  q.confidentiality_in = levels;
  q.type = "place";
  KUZOT_RETURN_IF_ERROR(ForEachListed(*tx, q, [&](const storage::StoredRecord& r) {
    Place p;
    p.body = BodyOf(r.id, r.body);
    p.located = p.body.contains("latitude") && p.body.contains("longitude");
    places[r.id] = std::move(p);
  }));
  // The nearest place, from `id` up its parents, that has coordinates.
  auto anchor = [&](const std::string& id) -> Place* {
    std::string cursor = id;
    for (int depth = 0; depth < kMaxAncestors && !cursor.empty(); ++depth) {
      auto it = places.find(cursor);
      if (it == places.end()) return nullptr;
      if (it->second.located) return &it->second;
      cursor = StringOf(it->second.body, "parent_id");
    }
    return nullptr;
  };
  auto add = [&](Place* place, const storage::StoredRecord& r, const Json& body) {
    if (!place || !place->ids.insert(r.id).second) return;
    (r.type == "event" ? place->events : place->acts) += 1;
    if (static_cast<int>(place->items.size()) >= per_place) return;
    shown.push_back(r);
    Json item = {{"id", r.id},
                 {"type", r.type},
                 {"title", DisplayTitle(r.type, body)},
                 {"confidentiality", r.confidentiality}};
    for (const char* f : {"start_date", "date"}) {
      if (body.contains(f)) item[f] = body[f];
    }
    if (r.type == "act") item["act_type"] = StringOf(body, "type");
    place->items.push_back(std::move(item));
  };
  q.type = "event";
  KUZOT_RETURN_IF_ERROR(ForEachListed(*tx, q, [&](const storage::StoredRecord& r) {
    Json body = BodyOf(r.id, r.body);
    if (!body.contains("place_ids") || !body["place_ids"].is_array()) return;
    for (const auto& place : body["place_ids"]) {
      if (place.is_string()) add(anchor(place.get<std::string>()), r, body);
    }
  }));
  q.type = "act";
  KUZOT_RETURN_IF_ERROR(ForEachListed(*tx, q, [&](const storage::StoredRecord& r) {
    Json body = BodyOf(r.id, r.body);
    std::string place = StringOf(body, "place_id");
    if (!place.empty()) add(anchor(place), r, body);
  }));
  Json out = Json::array();
  for (auto& [id, p] : places) {
    if (!p.located || (p.events == 0 && p.acts == 0)) continue;
    out.push_back({{"id", id},
                   {"name", StringOf(p.body, "name")},
                   {"level", StringOf(p.body, "level")},
                   {"latitude", p.body["latitude"]},
                   {"longitude", p.body["longitude"]},
                   {"events", p.events},
                   {"acts", p.acts},
                   {"items", std::move(p.items)}});
  }
  tx.reset();
  KUZOT_RETURN_IF_ERROR(AuditReads(caller, Pointers(shown), "map"));
  return Json{{"places", std::move(out)}};
}

}  // namespace kuzot::records
