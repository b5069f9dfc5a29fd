// Capture histories from the records: victims (reconciled persons) and the
// lists (sources) their records are linked to, for multiple systems
// estimation.
#include <algorithm>
#include <map>
#include <set>

#include "stats/context.h"

namespace kuzot::stats {
namespace {

using records::Json;

constexpr size_t kMaxLists = 30;
constexpr char kSeveral[] = "(several)";

std::string FieldText(const Json& body, const std::string& field) {
  auto it = body.find(field);
  if (it == body.end() || it->is_null()) return "(not recorded)";
  if (it->is_string()) return it->get<std::string>();
  return it->dump();
}

}  // namespace

Result<Histories> StatsService::CaptureHistories(const Caller& caller,
                                                 const HistoryRequest& request) {
  KUZOT_ASSIGN_OR_RETURN(Context c, Prepare(caller, "", request.language));
  KUZOT_ASSIGN_OR_RETURN(ActFilter filter, ActFilter::Make(c, request.acts));
  const bool by_field = request.strata.rfind("field:", 0) == 0;
  std::unique_ptr<Dimension> dimension;
  if (!request.strata.empty() && !by_field) {
    KUZOT_ASSIGN_OR_RETURN(dimension, Dimension::Make(request.strata, c, "strata"));
  }
  const std::string field = by_field ? request.strata.substr(6) : std::string();
  if (by_field &&
      (field.empty() || field == "contact" || field == "address" || field == "private_notes"))
    return Status::InvalidArgument(
        "strata field:NAME takes a person field that is not "
        "sensitive, e.g. field:ethnicity",
        "strata");

  // The victims of the acts the caller may see, with their stratum.
  const Facts& f = *c.facts;
  constexpr std::uint32_t kMixed = kNone - 1;
  std::map<std::uint32_t, std::uint32_t> key_of;  // person slot -> dimension key
  std::set<std::uint32_t> hidden;
  for (std::uint32_t slot = 0; slot < f.acts.size(); ++slot) {
    const Act& a = f.acts[slot];
    if (a.revision < 0 || a.deleted || a.victim == kNone || !c.SeesAct(slot) ||
        !filter.Passes(c, a))
      continue;
    const Person& p = f.persons[a.victim];
    if (p.revision < 0 || p.deleted) continue;
    if (!c.SeesPerson(a.victim)) {
      hidden.insert(a.victim);
      continue;
    }
    const std::uint32_t key = dimension ? dimension->KeyOf(slot) : 0;
    auto [it, added] = key_of.emplace(a.victim, key);
    if (!added && it->second != key) it->second = kMixed;
  }
  std::vector<std::string> key_label;
  if (dimension) {
    std::vector<std::uint32_t> order;
    auto keys = dimension->SortedKeys(&order);
    key_label.resize(keys.size());
    for (size_t i = 0; i < order.size(); ++i) key_label[order[i]] = keys[i].label;
  }
  std::map<std::uint32_t, std::string> stratum_of;  // person slot -> stratum label
  for (const auto& [slot, key] : key_of)
    stratum_of[slot] = !dimension ? std::string() : key == kMixed ? kSeveral : key_label[key];

  // Their lists: the sources their records are linked to.
  KUZOT_ASSIGN_OR_RETURN(auto tx, records_.store().BeginRead());
  struct Victim {
    std::vector<std::string> sources;
    std::string stratum;
  };
  std::vector<Victim> people;
  std::map<std::string, std::int64_t> on_source;
  for (const auto& [slot, stratum] : stratum_of) {
    KUZOT_ASSIGN_OR_RETURN(auto r, tx->Get(f.PersonId(slot)));
    if (!r) continue;
    Json body = Json::parse(r->body, nullptr, false);
    if (!body.is_object()) continue;
    Victim v;
    v.stratum = by_field ? FieldText(body, field) : stratum;
    if (body.contains("sources") && body["sources"].is_array()) {
      for (const auto& link : body["sources"]) {
        if (!link.is_object() || !link.contains("source_id") || !link["source_id"].is_string())
          continue;
        std::string id = link["source_id"].get<std::string>();
        if (std::find(v.sources.begin(), v.sources.end(), id) != v.sources.end()) continue;
        v.sources.push_back(id);
        ++on_source[id];
      }
    }
    people.push_back(std::move(v));
  }

  // The lists: as asked, or every (visible) source that names a victim.
  Histories out;
  std::vector<std::string> lists = request.lists;
  if (lists.empty()) {
    std::vector<std::pair<std::int64_t, std::string>> by_size;
    for (const auto& [id, n] : on_source) by_size.push_back({-n, id});
    std::sort(by_size.begin(), by_size.end());
    for (const auto& [n, id] : by_size) lists.push_back(id);
  }
  std::vector<std::string> names;
  std::map<std::string, int> index;
  for (const auto& id : lists) {
    KUZOT_ASSIGN_OR_RETURN(auto s, tx->Get(id));
    if (!s || s->type != "source" || !caller.MaySee(s->confidentiality) || s->deleted) {
      if (!request.lists.empty())
        return Status::InvalidArgument("there is no source with id '" + id.substr(0, 64) + "'",
                                       "lists");
      continue;  // a link to a source the caller may not see is not a list here
    }
    if (index.count(id)) continue;
    Json body = Json::parse(s->body, nullptr, false);
    std::string name = body.is_object() ? body.value("title", id) : id;
    if (std::find(names.begin(), names.end(), name) != names.end()) name += " (" + id + ")";
    index[id] = static_cast<int>(names.size());
    names.push_back(name);
    out.list_ids.push_back(id);
  }
  if (names.size() > kMaxLists)
    return Status::InvalidArgument(std::to_string(names.size()) +
                                       " sources name these victims; choose the lists (at most " +
                                       std::to_string(kMaxLists) + ") with lists=SOURCE_ID,...",
                                   "lists");
  if (names.size() < 2)
    return Status::InvalidArgument(
        std::to_string(names.size()) +
            " list(s) name these victims: multiple systems estimation needs at least two "
            "lists (sources linked to the victims' records)",
        "lists");

  std::vector<Membership> members;
  for (const auto& v : people) {
    Membership m;
    for (const auto& s : v.sources) {
      auto it = index.find(s);
      if (it != index.end()) m.lists.push_back(it->second);
    }
    if (!request.strata.empty()) m.strata = {v.stratum};
    members.push_back(std::move(m));
  }
  std::int64_t on_none = 0;
  KUZOT_ASSIGN_OR_RETURN(out.strata, BuildCaptureHistories(names, members, &on_none));
  if (on_none > 0)
    out.notes.push_back(std::to_string(on_none) +
                        " victims are on none of these lists and cannot be used (the table "
                        "counts people on at least one list)");
  if (!hidden.empty())
    out.notes.push_back(std::to_string(hidden.size()) +
                        " victims of acts you may see are persons you may not see; they are left "
                        "out, so the estimate treats them as unrecorded. Run it with a role that "
                        "may see every victim.");
  return out;
}

}  // namespace kuzot::stats
