#include "linkage/gazetteer.h"

#include <algorithm>
#include <array>
#include <unordered_map>

#include "linkage/spelling.h"

namespace kuzot::linkage {
namespace {

// Words that say what kind of place it is, not which, in the languages
// lists are written in, with the level they name; compared by spelling key.
// Abbreviations ("р-н", "обл.", "г.", "с.") are among them.
const std::string* GenericLevel(const std::string& key) {
  static const std::unordered_map<std::string, std::string> kGeneric = [] {
    std::unordered_map<std::string, std::string> keys;
    auto add = [&](const char* level, std::initializer_list<const char*> words) {
      for (const char* w : words) keys.emplace(KeysOf(ToLatin(w)).main, level);
    };
    add("district", {"district", "rayon", "raion", "rayonu", "район", "района", "району", "районы",
                     "tumani", "tuman", "ноҳияи", "нохияи", "nohiyai", "р", "н", "r", "n"});
    add("oblast", {"region", "province", "oblast", "oblasti", "oblys", "oblusu", "obl", "область",
                   "области", "облусу", "обл", "вилояти", "viloyati", "viloyat"});
    add("village", {"village", "selo", "село", "аил", "айыл", "айылы", "кишлак", "kishlak",
                    "qishloq", "qishlog", "поселок", "посёлок", "пгт", "ауыл", "с", "п", "s", "p"});
    add("city", {"city", "town", "город", "шаар", "shahr", "шаҳри", "шахри", "г", "ш", "sh", "g",
                 "mkr", "мкр", "микрорайон"});
    add("jamoat", {"jamoat", "ҷамоат", "джамоат"});
    return keys;
  }();
  auto it = kGeneric.find(key);
  return it == kGeneric.end() ? nullptr : &it->second;
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

std::string Gazetteer::NameKey(std::string_view name, std::string* level) {
  std::string latin = ToLatin(name);
  std::vector<std::string> words;
  std::string cur;
  bool had_generic = false;
  auto flush = [&]() {
    if (cur.empty()) return;
    std::string key = KeysOf(cur).main;
    cur.clear();
    if (key.empty()) return;
    if (const std::string* generic = GenericLevel(key)) {
      had_generic = true;
      if (level && level->empty()) *level = *generic;
      return;
    }
    words.push_back(std::move(key));
  };
  for (char c : latin) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
      cur += c;
    else
      flush();
  }
  flush();
  // "Лейлекский район" -> "leilekski" + generic: the adjective's ending goes.
  if (had_generic) {
    for (auto& w : words) {
      for (std::string_view end : {"skaia", "skoi", "ski", "ska", "skii"}) {
        if (EndsWith(w, end) && w.size() > end.size() + 2) {
          w.resize(w.size() - end.size());
          break;
        }
      }
    }
  }
  std::string key;
  for (const auto& w : words) key += w;  // "Kök-Tash" = "Koktash" = "Kok Tash"
  return key;
}

Result<Gazetteer> Gazetteer::Build(const std::vector<Place>& places) {
  Gazetteer g;
  std::unordered_map<std::string, int> index;
  for (const auto& p : places) {
    if (p.id.empty()) return Status::InvalidArgument("a gazetteer place has no id", "gazetteer");
    if (!index.emplace(p.id, static_cast<int>(g.places_.size())).second) {
      return Status::InvalidArgument("gazetteer place " + p.id + " appears twice", "gazetteer");
    }
    g.places_.push_back({p.id, p.level, -1, 0});
  }
  for (size_t i = 0; i < places.size(); ++i) {
    if (places[i].parent_id.empty()) continue;
    auto it = index.find(places[i].parent_id);
    if (it == index.end()) {
      return Status::InvalidArgument(
          "gazetteer place " + places[i].id + " has an unknown parent " + places[i].parent_id,
          "gazetteer");
    }
    g.places_[i].parent = it->second;
  }
  for (size_t i = 0; i < g.places_.size(); ++i) {
    int depth = 0;
    for (int p = g.places_[i].parent; p >= 0; p = g.places_[p].parent) {
      if (++depth > static_cast<int>(g.places_.size())) {
        return Status::InvalidArgument(
            "gazetteer place " + g.places_[i].id + " is its own ancestor", "gazetteer");
      }
    }
    g.places_[i].depth = depth;
  }
  for (size_t i = 0; i < places.size(); ++i) {
    for (const auto& name : places[i].names) {
      std::string key = NameKey(name);
      if (key.empty()) continue;
      auto& list = g.by_key_[key];
      if (std::find(list.begin(), list.end(), static_cast<int>(i)) == list.end()) {
        list.push_back(static_cast<int>(i));
      }
    }
  }
  return g;
}

bool Gazetteer::IsAncestor(int ancestor, int node) const {
  for (int p = places_[node].parent; p >= 0; p = places_[p].parent) {
    if (p == ancestor) return true;
  }
  return false;
}

int Gazetteer::Resolve(std::string_view text) const {
  if (places_.empty()) return -1;
  // The parts of "Kök-Tash, Batken district, Batken oblast", each with the
  // level its generic word names ("district"), if any.
  std::vector<std::vector<int>> parts;
  std::vector<std::string> levels;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find_first_of(",;/", start);
    if (end == std::string_view::npos) end = text.size();
    std::string level;
    std::string key = NameKey(text.substr(start, end - start), &level);
    if (!key.empty()) {
      auto it = by_key_.find(key);
      if (it != by_key_.end()) {
        parts.push_back(it->second);
        levels.push_back(level);
      }
    }
    start = end + 1;
  }
  int best = -1, best_support = -1;
  for (size_t part = 0; part < parts.size(); ++part) {
    const auto& candidates = parts[part];
    for (int c : candidates) {
      // "Баткенский район" is the district, not the town of Batken.
      if (!levels[part].empty() && places_[c].level != levels[part] && candidates.size() > 1) {
        bool other_fits = false;
        for (int o : candidates) other_fits |= places_[o].level == levels[part];
        if (other_fits) continue;
      }
      // Support: how many other parts name one of its ancestors.
      int support = 0;
      for (const auto& other : parts) {
        for (int o : other) {
          if (IsAncestor(o, c)) {
            ++support;
            break;
          }
        }
      }
      if (best < 0 || support > best_support ||
          (support == best_support && places_[c].depth > places_[best].depth)) {
        best = c;
        best_support = support;
      }
    }
  }
  return best;
}

int Gazetteer::DistrictOf(int index) const {
  for (int p = index; p >= 0; p = places_[p].parent) {
    const std::string& level = places_[p].level;
    if (level == "district" || level == "oblast" || level == "country") return p;
  }
  return index;
}

PlaceRelation Gazetteer::Relate(int a, int b) const {
  if (a == b) return PlaceRelation::kSame;
  if (IsAncestor(a, b) || IsAncestor(b, a)) return PlaceRelation::kWithin;
  // The lowest common ancestor decides.
  int x = a, y = b;
  while (places_[x].depth > places_[y].depth) x = places_[x].parent;
  while (places_[y].depth > places_[x].depth) y = places_[y].parent;
  while (x != y && x >= 0 && y >= 0) {
    x = places_[x].parent;
    y = places_[y].parent;
  }
  if (x < 0 || y < 0 || x != y) return PlaceRelation::kFar;
  const std::string& level = places_[x].level;
  if (level == "country") return PlaceRelation::kFar;
  if (level == "oblast" || level == "region") return PlaceRelation::kSameOblast;
  return PlaceRelation::kSameDistrict;
}

}  // namespace kuzot::linkage
