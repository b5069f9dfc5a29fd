#include "linkage/linkage.h"
#include "search/search.h"

#include "test_db.h"

namespace kuzot::records {
namespace {

using SearchTest = DatabaseTest;

std::vector<std::string> Titles(const Result<Json>& r) {
  std::vector<std::string> out;
  if (!r.ok()) return {r.status().ToString()};
  for (const auto& item : r.value()["items"]) out.push_back(item["title"]);
  return out;
}

TEST_F(SearchTest, FindsNamesAcrossScripts) {
  MustCreate("person", {{"names", {{{"value", "Аскаров Азимжан"}, {"script", "Cyrl"}}}}});
  MustCreate("person", {{"names", {{{"value", "Sooronbay Jeenbekov"}, {"script", "Latn"}}}}});
  MustCreate("person", {{"names", {{{"value", "Абдыкадырова Айзада"}}}}});
  using ::testing::ElementsAre;
  EXPECT_THAT(Titles(service_->Search(caller_, "Askarov", {}, 10, 0)),
              ElementsAre("Аскаров Азимжан"));
  EXPECT_THAT(Titles(service_->Search(caller_, "аскаров", {}, 10, 0)),
              ElementsAre("Аскаров Азимжан"));
  EXPECT_THAT(Titles(service_->Search(caller_, "Жээнбеков", {}, 10, 0)),
              ElementsAre("Sooronbay Jeenbekov"));
  EXPECT_THAT(Titles(service_->Search(caller_, "Zheenbekov", {}, 10, 0)),
              ElementsAre("Sooronbay Jeenbekov"));
  EXPECT_THAT(Titles(service_->Search(caller_, "ABDYKADYROVA", {}, 10, 0)),
              ElementsAre("Абдыкадырова Айзада"));
}

TEST_F(SearchTest, StemsRussianAndEnglish) {
  MustCreate("event", {{"title", "Гибель мирных жителей"}, {"description", "Houses were burned"}});
  EXPECT_EQ(Titles(service_->Search(caller_, "жителями", {}, 10, 0)).size(), 1u);
  EXPECT_EQ(Titles(service_->Search(caller_, "burning house", {}, 10, 0)).size(), 1u);
  EXPECT_TRUE(Titles(service_->Search(caller_, "school", {}, 10, 0)).empty());
}

TEST_F(SearchTest, DeletedRecordsAreNotFoundAndEditsReindex) {
  Json e = MustCreate("event", {{"title", "Isfana shelling"}});
  std::string id = e["id"];
  EXPECT_EQ(Titles(service_->Search(caller_, "Isfana", {}, 10, 0)).size(), 1u);
  ASSERT_TRUE(service_->Patch(caller_, "event", id, {{"title", "Leilek shelling"}}).ok());
  EXPECT_TRUE(Titles(service_->Search(caller_, "Isfana", {}, 10, 0)).empty());
  EXPECT_EQ(Titles(service_->Search(caller_, "Leilek", {}, 10, 0)).size(), 1u);
  ASSERT_TRUE(service_->Delete(caller_, "event", id).ok());
  EXPECT_TRUE(Titles(service_->Search(caller_, "Leilek", {}, 10, 0)).empty());
  ASSERT_TRUE(service_->Restore(caller_, "event", id).ok());
  EXPECT_EQ(Titles(service_->Search(caller_, "Leilek", {}, 10, 0)).size(), 1u);
}

TEST_F(SearchTest, QueriesAreNeverFts5Syntax) {
  MustCreate("event", {{"title", "NEAR AND OR NOT"}});
  for (const char* q : {"\"", "AND", "a OR", "(", "*", "NEAR(", "title:x", "-x", "\"unterminated"}) {
    auto r = service_->Search(caller_, q, {}, 10, 0);
    if (!r.ok()) EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << q;
  }
  EXPECT_EQ(service_->Search(caller_, "   ", {}, 10, 0).status().field(), "q");
}

// Found by fuzzing: a NUL byte cut FTS5's reading of the quoted term
// ("unterminated string", a 500). Control characters separate words.
TEST_F(SearchTest, ControlCharactersSeparateWords) {
  MustCreate("person", {{"names", {{{"value", "Аскаров Азимжан"}}}}});
  const char raw[] = "Askarov\0Азимжан\x01\t";
  std::string typed(raw, sizeof raw - 1);
  EXPECT_THAT(Titles(service_->Search(caller_, typed, {}, 10, 0)),
              ::testing::ElementsAre("Аскаров Азимжан"));
  EXPECT_EQ(service_->Search(caller_, std::string("\0\0", 2), {}, 10, 0).status().field(), "q");
}

TEST(SpellingKeyTest, FoldsCentralAsianSpellings) {
  using linkage::SpellingKey;
  using linkage::ToLatin;
  EXPECT_EQ(SpellingKey(ToLatin("жээнбеков")), SpellingKey("jeenbekov"));
  EXPECT_EQ(SpellingKey("zheenbekov"), SpellingKey("jeenbekov"));
  EXPECT_EQ(SpellingKey(ToLatin("худайбердиев")), SpellingKey("xudayberdiyev"));
  EXPECT_EQ(SpellingKey(ToLatin("үмүт")), SpellingKey("umut"));
  EXPECT_EQ(SpellingKey(ToLatin("ҷамшед")), SpellingKey("jamshed"));
  EXPECT_NE(SpellingKey("askarov"), SpellingKey("azimov"));
}

}  // namespace
}  // namespace kuzot::records
