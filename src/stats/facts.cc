#include "stats/facts.h"

#include <algorithm>
#include <cstring>

#include "common/clock.h"

namespace kuzot::stats {
namespace {

// Crockford base32 digit values (as ULIDs are written), -1 elsewhere.
struct Base32Table {
  signed char value[256];
  Base32Table() {
    for (auto& v : value) v = -1;
    const char* alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    for (int i = 0; i < 32; ++i)
      value[static_cast<unsigned char>(alphabet[i])] = static_cast<signed char>(i);
  }
};

Confidentiality LevelOf(std::string_view name) {
  // Read for every row: the spellings compared directly, most common first.
  if (name == "internal") return Confidentiality::kInternal;
  if (name == "public") return Confidentiality::kPublic;
  if (name == "restricted") return Confidentiality::kRestricted;
  // "secret", and an unknown level treated as the most protected.
  return Confidentiality::kSecret;
}

}  // namespace

IdKey KeyOf(std::string_view id) {
  static const Base32Table table;
  IdKey key;
  if (id.size() == 26) {
    // 26 base32 digits = 130 bits; the first digit of a ULID holds 3.
    unsigned __int128 v = 0;
    bool ok = true;
    for (char c : id) {
      const int d = table.value[static_cast<unsigned char>(c)];
      ok &= d >= 0;
      v = (v << 5) | static_cast<unsigned>(d & 31);
    }
    if (ok) {
      key.hi = static_cast<std::uint64_t>(v >> 64) & ~(3ull << 62);
      key.lo = static_cast<std::uint64_t>(v);
      return key;
    }
  }
  // Not a Kuzot id: two independent 64-bit FNV-1a hashes, tagged so that
  // they cannot meet a decoded ULID (whose top bits are below 2^62).
  std::uint64_t a = 1469598103934665603ull, b = 1099511628211ull * 31;
  for (unsigned char c : id) {
    a = (a ^ c) * 1099511628211ull;
    b = (b ^ (c + 0x5bu)) * 0x100000001b3ull;
  }
  key.hi = a | (3ull << 62);
  key.lo = b;
  return key;
}

std::uint32_t IdMap::FindOrAdd(const IdKey& key, std::uint32_t next, bool* added) {
  if (2 * (size_ + 1) > entries_.size()) Grow();
  const size_t mask = entries_.size() - 1;
  for (size_t i = Hash(key) & mask;; i = (i + 1) & mask) {
    Entry& e = entries_[i];
    if (e.slot == kNone) {
      e.key = key;
      e.slot = next;
      ++size_;
      *added = true;
      return next;
    }
    if (e.key == key) {
      *added = false;
      return e.slot;
    }
  }
}

void IdMap::Grow() {
  std::vector<Entry> old = std::move(entries_);
  entries_.assign(std::max<size_t>(1024, old.size() * 2), Entry{});
  size_ = 0;
  bool added = false;
  for (const Entry& e : old)
    if (e.slot != kNone) FindOrAdd(e.key, e.slot, &added);
}

std::uint32_t Dictionary::Intern(std::string_view text) {
  if (text.empty()) return kNone;
  auto it = index_.find(text);
  if (it != index_.end()) return it->second;
  const auto i = static_cast<std::uint32_t>(texts_.size());
  texts_.emplace_back(text);
  index_.emplace(texts_.back(), i);
  return i;
}

std::uint32_t Facts::PersonSlot(std::string_view id) {
  if (id.empty()) return kNone;
  bool added = false;
  const std::uint32_t slot =
      person_slot.FindOrAdd(KeyOf(id), static_cast<std::uint32_t>(persons.size()), &added);
  if (added) {
    persons.emplace_back();
    person_id_at.push_back(static_cast<std::uint64_t>(person_id_text.size()) << 8 |
                           std::min<size_t>(id.size(), 255));
    person_id_text.append(id.substr(0, 255));
  }
  return slot;
}

Status Facts::Update(storage::Transaction& tx, const std::string& valid_at) {
  // Room for every row not yet read, so that the maps do not grow row by row.
  KUZOT_ASSIGN_OR_RETURN(storage::FactMarks last, tx.LastFacts());
  act_slot.Reserve(act_slot.size() +
                   static_cast<size_t>(std::max<std::int64_t>(0, last.acts - marks.acts)));
  person_slot.Reserve(person_slot.size() +
                      static_cast<size_t>(std::max<std::int64_t>(0, last.persons - marks.persons)));
  storage::FactScan scan;
  scan.valid_at = valid_at;
  scan.after_seq = marks.persons;
  KUZOT_RETURN_IF_ERROR(tx.ScanPersonFacts(scan, [&](const storage::PersonFact& f) {
    marks.persons = f.seq;
    Person& p = persons[PersonSlot(f.id)];
    if (f.revision < p.revision) return Status::Ok();
    p.revision = static_cast<std::int32_t>(f.revision);
    p.level = LevelOf(f.confidentiality);
    p.deleted = f.deleted;
    p.sex = codes.Intern(f.sex);
    p.birth = dates.Intern(f.birth_date);
    p.age = static_cast<std::int16_t>(f.age_at_event >= 0 && f.age_at_event < 200 ? f.age_at_event
                                                                                  : -1);
    return Status::Ok();
  }));
  scan.after_seq = marks.acts;
  return tx.ScanActFacts(scan, [&](const storage::ActFact& f) {
    marks.acts = f.seq;
    bool added = false;
    const std::uint32_t slot =
        act_slot.FindOrAdd(KeyOf(f.id), static_cast<std::uint32_t>(acts.size()), &added);
    if (added) acts.emplace_back();
    Act& a = acts[slot];
    if (f.revision < a.revision) return Status::Ok();
    a.revision = f.revision;
    a.level = LevelOf(f.confidentiality);
    a.deleted = f.deleted;
    a.type = codes.Intern(f.type);
    a.date = dates.Intern(f.date);
    a.event = refs.Intern(f.event_id);
    a.place = refs.Intern(f.place_id);
    a.perpetrator =
        refs.Intern(!f.perpetrator_organization_id.empty() ? f.perpetrator_organization_id
                                                           : f.perpetrator_person_id);
    a.perpetrator_unknown = f.perpetrator_unknown;
    a.victim = PersonSlot(f.victim_id);
    a.object_kind = codes.Intern(f.object_kind);
    a.object_count = static_cast<std::int32_t>(f.object_count > 0 ? f.object_count : 0);
    return Status::Ok();
  });
}

}  // namespace kuzot::stats
