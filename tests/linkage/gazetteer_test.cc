// Places through the gazetteer: the demo data's places of Kyrgyzstan and
// the Batken region.
#include "linkage/gazetteer.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace kuzot::linkage {
namespace {

std::vector<Place> DemoPlaces() {
  std::vector<std::string> texts;
  for (const char* f : {"00-foundation.json", "40-linkage.json"}) {
    std::ifstream in(std::filesystem::path(KUZOT_SOURCE_DIR) / "data" / "demo" / f);
    std::stringstream ss;
    ss << in.rdbuf();
    texts.push_back(ss.str());
  }
  auto places = PlacesFromBundles({texts[0], texts[1]});
  EXPECT_TRUE(places.ok()) << places.status().ToString();
  return places.ok() ? *places : std::vector<Place>{};
}

class GazetteerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto g = Gazetteer::Build(DemoPlaces());
    ASSERT_TRUE(g.ok()) << g.status().ToString();
    g_ = std::move(*g);
  }
  std::string Id(std::string_view text) {
    int i = g_.Resolve(text);
    return i < 0 ? "" : g_.id(i);
  }
  Gazetteer g_;
};

TEST_F(GazetteerTest, ResolvesNamesInAnyScriptAndForm) {
  EXPECT_EQ(Id("Көк-Таш"), "pl-kok-tash");
  EXPECT_EQ(Id("Kok-Tash"), "pl-kok-tash");
  EXPECT_EQ(Id("koktash"), "pl-kok-tash");
  EXPECT_EQ(Id("с. Кок-Таш, Баткенский р-н"), "pl-kok-tash");
  EXPECT_EQ(Id("Баткенский район"), "pl-batken-district");
  EXPECT_EQ(Id("Batken district"), "pl-batken-district");
  EXPECT_EQ(Id("Лейлек району"), "pl-leilek");
  EXPECT_EQ(Id("г. Баткен"), "pl-batken");
  EXPECT_EQ(Id("Chorkuh, Isfara"), "pl-chorkuh");
  EXPECT_EQ(Id("Nowhere-on-Sea"), "");
}

TEST_F(GazetteerTest, RelatesPlacesByTheirCommonAncestor) {
  auto relate = [&](std::string_view a, std::string_view b) {
    return g_.Relate(g_.Resolve(a), g_.Resolve(b));
  };
  EXPECT_EQ(relate("Kok-Tash", "Көк-Таш"), PlaceRelation::kSame);
  EXPECT_EQ(relate("Kok-Tash", "Batken district"), PlaceRelation::kWithin);
  EXPECT_EQ(relate("Kok-Tash", "Ak-Sai"), PlaceRelation::kSameDistrict);
  EXPECT_EQ(relate("Kok-Tash", "Maksat"), PlaceRelation::kSameOblast);
  EXPECT_EQ(relate("Kok-Tash", "Vorukh"), PlaceRelation::kFar);
}

TEST(GazetteerBuildTest, RefusesBrokenGazetteers) {
  EXPECT_FALSE(Gazetteer::Build({{"a", {"A"}, "village", ""}, {"a", {"B"}, "village", ""}}).ok());
  EXPECT_FALSE(Gazetteer::Build({{"a", {"A"}, "village", "missing"}}).ok());
  EXPECT_FALSE(Gazetteer::Build({{"a", {"A"}, "village", "b"}, {"b", {"B"}, "village", "a"}}).ok());
  EXPECT_FALSE(PlacesFromBundles({"not json"}).ok());
}

}  // namespace
}  // namespace kuzot::linkage
