// Private: the gazetteer as the place comparator sees it (see
// doc/linkage.md, "Places").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/status.h"
#include "linkage/linkage.h"

namespace kuzot::linkage {

// How two places relate.
enum class PlaceRelation { kSame, kWithin, kSameDistrict, kSameOblast, kFar };

class Gazetteer {
 public:
  // InvalidArgument for a duplicate id, an unknown parent or a cycle.
  static Result<Gazetteer> Build(const std::vector<Place>& places);

  // The key a place name is looked up by: Latin spelling keys of its words
  // without the generic ones ("district", "район", "облусу", ...), so that
  // "Лейлекский район", "Leilek district" and "Лейлек району" are one key.
  // `level`, when given, receives the level a generic word names ("район":
  // "district"), or stays empty.
  static std::string NameKey(std::string_view name, std::string* level = nullptr);

  // The most specific place that `text` names ("Kök-Tash, Batken district"
  // is the village Kök-Tash), or -1. A name that several places share is
  // resolved by the other parts of the text, else by the first of them.
  int Resolve(std::string_view text) const;

  PlaceRelation Relate(int a, int b) const;
  const std::string& id(int index) const { return places_[index].id; }
  // The district (or, above it, the place itself) that holds `index`.
  int DistrictOf(int index) const;
  bool empty() const { return places_.empty(); }

 private:
  struct Node {
    std::string id;
    std::string level;
    int parent = -1;
    int depth = 0;
  };
  bool IsAncestor(int ancestor, int node) const;
  std::vector<Node> places_;
  std::unordered_map<std::string, std::vector<int>> by_key_;
};

}  // namespace kuzot::linkage
