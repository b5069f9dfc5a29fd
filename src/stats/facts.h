// The acts and persons counts are made of, held in memory in compact form
// and refreshed from the storage's statistics projection (storage/store.h,
// ActFact/PersonFact) by reading only the rows written since the last
// refresh. Private to src/stats.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/caller.h"
#include "common/fuzzy_date.h"
#include "common/status.h"
#include "storage/store.h"

namespace kuzot::stats {

inline constexpr std::uint32_t kNone = 0xFFFFFFFFu;

// A record id as 128 bits (a ULID decoded; anything else hashed), so that a
// million ids cost 16 bytes each rather than a heap string.
struct IdKey {
  std::uint64_t hi = 0, lo = 0;
  friend bool operator==(const IdKey&, const IdKey&) = default;
};
IdKey KeyOf(std::string_view id);

// IdKey -> slot, open addressing with linear probing in flat arrays: a
// million ids cost two arrays, no allocation per id, and copy as memory.
class IdMap {
 public:
  // The slot of `key`, or `next` (inserted) when absent; *added tells which.
  std::uint32_t FindOrAdd(const IdKey& key, std::uint32_t next, bool* added);
  std::uint32_t size() const { return size_; }
  // Makes room for `n` ids without growing again.
  void Reserve(size_t n) {
    while (2 * n > entries_.size()) Grow();
  }

 private:
  void Grow();
  static size_t Hash(const IdKey& k) {
    std::uint64_t h = k.lo ^ (k.hi * 0x9E3779B97F4A7C15ull);
    h ^= h >> 29;
    return static_cast<size_t>(h * 0xBF58476D1CE4E5B9ull >> 7);
  }
  struct Entry {
    IdKey key;
    std::uint32_t slot = kNone;  // kNone: empty
  };
  std::vector<Entry> entries_;  // a probe reads key and slot from one cache line
  std::uint32_t size_ = 0;
};

// Small dictionaries of text (codes, dates, ids of places and events).
class Dictionary {
 public:
  std::uint32_t Intern(std::string_view text);  // empty text -> kNone
  const std::string& Text(std::uint32_t index) const { return texts_[index]; }
  std::uint32_t size() const { return static_cast<std::uint32_t>(texts_.size()); }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  std::vector<std::string> texts_;
  std::unordered_map<std::string, std::uint32_t, Hash, std::equal_to<>> index_;
};

struct Act {
  std::int64_t revision = -1;  // -1: slot not filled
  Confidentiality level = Confidentiality::kSecret;
  bool deleted = true;
  bool perpetrator_unknown = false;
  std::uint32_t type = kNone;         // codes
  std::uint32_t date = kNone;         // dates
  std::uint32_t event = kNone;        // refs
  std::uint32_t place = kNone;        // refs
  std::uint32_t perpetrator = kNone;  // refs: organization, else person
  std::uint32_t victim = kNone;       // person slot
  std::uint32_t object_kind = kNone;  // codes
  std::int32_t object_count = 0;
};

// 16 bytes: counts by the victim's sex or age read one per act, at random.
struct Person {
  std::int32_t revision = -1;  // -1: not (yet) known
  Confidentiality level = Confidentiality::kSecret;
  bool deleted = true;
  std::int16_t age = -1;
  std::uint32_t sex = kNone;    // codes
  std::uint32_t birth = kNone;  // dates
};

// A consistent picture of every act and person: the current one, or as
// the records stood at some time.
struct Facts {
  Dictionary codes;  // act types, sexes, object kinds
  Dictionary dates;  // "2021", "2021-05", "2021-05-04"
  Dictionary refs;   // ids of events, places, perpetrators
  std::vector<Act> acts;
  std::vector<Person> persons;
  std::string person_id_text;               // every person id, one after the other
  std::vector<std::uint64_t> person_id_at;  // by slot: offset << 8 | length
  IdMap act_slot, person_slot;
  storage::FactMarks marks;  // rows applied so far

  // Reads the rows written after `marks` (and, when `valid_at` is not
  // empty, written at or before it) and applies them: a later revision of a
  // record replaces the earlier one.
  Status Update(storage::Transaction& tx, const std::string& valid_at = {});
  std::uint32_t PersonSlot(std::string_view id);
  std::string_view PersonId(std::uint32_t slot) const {
    return std::string_view(person_id_text)
        .substr(person_id_at[slot] >> 8, person_id_at[slot] & 0xFF);
  }
};

}  // namespace kuzot::stats
