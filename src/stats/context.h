// What one statistics request works from, and the dimensions it breaks
// counts down by. Private to src/stats.
#pragma once

#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "stats/facts.h"
#include "stats/stats_service.h"

namespace kuzot::stats {

// Keys that are not values of the dimension.
inline constexpr char kKeyNone[] = "(none)";            // the act has no such thing
inline constexpr char kKeyHidden[] = "(hidden)";        // a record the caller may not see
inline constexpr char kKeyImprecise[] = "(imprecise)";  // known less precisely than asked

// An event, place, organization or person referred to by acts (or a
// parent of one), in its current state.
struct Node {
  std::string id;
  std::string type;
  std::string label;
  std::string place_level;
  std::string start;  // events: earliest start date, for sorting
  Confidentiality level = Confidentiality::kSecret;
  int parent = -1;
};

struct StatsService::Context {
  const Caller* caller = nullptr;
  std::shared_lock<std::shared_mutex> lock;  // on the current facts
  std::unique_ptr<Facts> owned;              // the facts as of a date
  const Facts* facts = nullptr;              // what is counted
  const Facts* current = nullptr;            // for today's levels
  std::string as_of;                         // normalised ISO time, or empty
  std::string language = "en";
  std::vector<Node> nodes;
  std::unordered_map<std::string, int> node_of;  // id -> node
  std::vector<int> ref_node;                     // facts->refs index -> node or -1
  // vocabulary -> code -> label
  std::map<std::string, std::map<std::string, std::string>> labels;
  std::map<std::string, std::map<std::string, int>> positions;

  bool SeesAct(std::uint32_t slot) const;
  bool SeesPerson(std::uint32_t slot) const;
  bool SeesNode(int node) const { return node >= 0 && caller->MaySee(nodes[node].level); }
  int NodeOfRef(std::uint32_t ref) const { return ref == kNone ? -1 : ref_node[ref]; }
  std::string Label(const std::string& vocabulary, const std::string& code) const;
  // Nodes at or inside `id` that the caller may see (walking only through
  // visible nodes); NotFound when `id` is not a visible node of `type`.
  Result<std::vector<bool>> Inside(const std::string& id, const std::string& type) const;
};

// One dimension: maps each act to a key.
class Dimension {
 public:
  // InvalidArgument naming `field` for an unknown dimension.
  static Result<std::unique_ptr<Dimension>> Make(const std::string& spec,
                                                 const StatsService::Context& context,
                                                 const std::string& field);
  virtual ~Dimension() = default;
  // The key of act `slot` (visible to the caller), an index into keys().
  virtual std::uint32_t KeyOf(std::uint32_t slot) = 0;
  const std::string& spec() const { return spec_; }
  // The keys met so far, in order for display.
  std::vector<CountKey> SortedKeys(std::vector<std::uint32_t>* order) const;

 protected:
  Dimension(std::string spec, const StatsService::Context& context)
      : spec_(std::move(spec)), context_(context) {}
  // Index of `key`, adding it with its label and sort position.
  std::uint32_t Key(const std::string& key, const std::string& label, const std::string& sort);
  std::uint32_t Special(const char* key);

  std::string spec_;
  const StatsService::Context& context_;

 private:
  struct Entry {
    CountKey key;
    std::string sort;
  };
  std::vector<Entry> keys_;
  std::unordered_map<std::string, std::uint32_t> index_;
  std::uint32_t special_[5] = {kNone, kNone, kNone, kNone, kNone};
};

// The filters of a count or of capture histories, decided once per act.
struct ActFilter {
  std::vector<bool> events;  // by node; empty: any
  std::vector<bool> places;
  std::vector<std::string> act_types;
  std::string date_from, date_to;
  std::vector<std::uint32_t> type_codes;  // act_types interned
  std::unordered_map<std::uint32_t, bool> date_ok;

  static Result<ActFilter> Make(const StatsService::Context& context,
                                const ActSelection& selection);
  bool Passes(const StatsService::Context& context, const Act& act);
};

// "2021-06-30" -> "2021-06-30T23:59:59.999Z"; an ISO time as is;
// InvalidArgument otherwise.
Result<std::string> NormaliseAsOf(const std::string& as_of);

}  // namespace kuzot::stats
