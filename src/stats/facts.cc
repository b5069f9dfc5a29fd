#include "stats/facts.h"

#include <cstring>

#include "common/clock.h"

namespace kuzot::stats {
namespace {

// Crockford base32, as ULIDs are written.
int Base32(char c) {
  static const char* kAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  const char* at = std::strchr(kAlphabet, c);
  return c && at ? static_cast<int>(at - kAlphabet) : -1;
}

Confidentiality LevelOf(std::string_view name) {
  auto level = ParseConfidentiality(name);
  // An unknown level is treated as the most protected.
  return level ? *level : Confidentiality::kSecret;
}

}  // namespace

IdKey KeyOf(std::string_view id) {
  IdKey key;
  if (id.size() == 26 && LooksLikeId(id)) {
    // 26 base32 digits = 130 bits, the first digit holding 3.
    unsigned __int128 v = 0;
    for (char c : id) v = (v << 5) | static_cast<unsigned>(Base32(c));
    key.hi = static_cast<std::uint64_t>(v >> 64);
    key.lo = static_cast<std::uint64_t>(v);
    return key;
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
  auto [it, added] = person_slot.emplace(KeyOf(id), static_cast<std::uint32_t>(persons.size()));
  if (added) {
    persons.emplace_back();
    person_id_at.push_back(static_cast<std::uint64_t>(person_id_text.size()) << 8 |
                           std::min<size_t>(id.size(), 255));
    person_id_text.append(id.substr(0, 255));
  }
  return it->second;
}

Status Facts::Update(storage::Transaction& tx, const std::string& valid_at) {
  storage::FactScan scan;
  scan.valid_at = valid_at;
  scan.after_seq = marks.persons;
  KUZOT_RETURN_IF_ERROR(tx.ScanPersonFacts(scan, [&](const storage::PersonFact& f) {
    marks.persons = f.seq;
    Person& p = persons[PersonSlot(f.id)];
    if (f.revision < p.revision) return Status::Ok();
    p.revision = f.revision;
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
    auto [it, added] = act_slot.emplace(KeyOf(f.id), static_cast<std::uint32_t>(acts.size()));
    if (added) acts.emplace_back();
    Act& a = acts[it->second];
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
