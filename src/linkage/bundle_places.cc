#include <nlohmann/json.hpp>

#include "linkage/linkage.h"

namespace kuzot::linkage {

Result<std::vector<Place>> PlacesFromBundles(const std::vector<std::string_view>& bundles) {
  std::vector<Place> places;
  for (size_t b = 0; b < bundles.size(); ++b) {
    const std::string where = "bundle " + std::to_string(b + 1);
    nlohmann::json doc = nlohmann::json::parse(bundles[b], nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded() || !doc.is_object() || doc.value("format", "") != "kuzot-bundle" ||
        (doc.contains("records") && !doc["records"].is_array())) {
      return Status::InvalidArgument(
          where + " is not a kuzot bundle (JSON with \"format\": \"kuzot-bundle\")", "gazetteer");
    }
    // A bundle of other things (the demo's evidence files) has no places.
    if (!doc.contains("records")) continue;
    for (const auto& r : doc["records"]) {
      if (!r.is_object() || r.value("type", "") != "place" || !r.contains("body") ||
          !r["body"].is_object() || r.value("deleted", false)) {
        continue;
      }
      const auto& body = r["body"];
      Place p;
      if (r.contains("id") && r["id"].is_string())
        p.id = r["id"];
      else if (r.contains("key") && r["key"].is_string())
        p.id = r["key"];
      if (p.id.empty()) {
        return Status::InvalidArgument(where + ": a place has neither id nor key", "gazetteer");
      }
      if (body.contains("name") && body["name"].is_string()) p.names.push_back(body["name"]);
      if (body.contains("other_names") && body["other_names"].is_array()) {
        for (const auto& n : body["other_names"]) {
          if (n.is_string()) p.names.push_back(n);
        }
      }
      p.level = body.value("level", "");
      std::string parent = body.contains("parent_id") && body["parent_id"].is_string()
                               ? body["parent_id"].get<std::string>()
                               : "";
      if (!parent.empty() && parent[0] == '@') parent.erase(0, 1);
      p.parent_id = parent;
      places.push_back(std::move(p));
    }
  }
  return places;
}

}  // namespace kuzot::linkage
