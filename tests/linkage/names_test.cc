// A name taken apart: particles, patronymics, gendered endings, initials.
#include "linkage/names.h"

#include <gtest/gtest.h>

#include "linkage/linkage.h"

namespace kuzot::linkage {
namespace {

std::vector<std::string> Keys(const ParsedName& n) {
  std::vector<std::string> out;
  for (const auto& t : n.tokens)
    out.push_back(t.key + (t.initial ? "." : "") + (t.father ? "*" : ""));
  return out;
}

std::string Key(std::string_view word) { return SpellingKey(ToLatin(word)); }

TEST(ParseNameTest, ParticlesMakeTheWordBeforeThemTheFathersName) {
  ParsedName n = ParseName("Бакыт кызы Айгерим", "", "", "");
  EXPECT_EQ(n.patronymic_key, Key("Бакыт"));
  EXPECT_EQ(n.sex, Sex::kFemale);
  EXPECT_EQ(Keys(n), (std::vector<std::string>{Key("Айгерим"), Key("Бакыт") + "*"}));

  for (const char* text : {"Nurlan Bakyt uulu", "Бакыт-уулу Нурлан", "Bakyt uly Nurlan"}) {
    ParsedName m = ParseName(text, "", "", "");
    EXPECT_EQ(m.patronymic_key, Key("Bakyt")) << text;
    EXPECT_EQ(m.sex, Sex::kMale) << text;
  }
  EXPECT_EQ(ParseName("Alisher Rustam o'g'li", "", "", "").sex, Sex::kMale);
  EXPECT_EQ(ParseName("Dilnoza Rustam qizi", "", "", "").patronymic_key, Key("Rustam"));
  EXPECT_EQ(ParseName("Aliyev Rashad Kamal ogly", "", "", "").patronymic_key, Key("Kamal"));
}

TEST(ParseNameTest, PatronymicsAreRecognisedByTheirEndings) {
  ParsedName n = ParseName("Aigerim Bakytovna", "", "", "");
  EXPECT_EQ(n.patronymic_key, Key("Bakyt"));
  EXPECT_EQ(n.sex, Sex::kFemale);
  ParsedName m = ParseName("Иванов Сергей Николаевич", "", "", "");
  EXPECT_EQ(m.patronymic_key, Key("Nikola"));
  EXPECT_EQ(m.sex, Sex::kMale);
  EXPECT_EQ(ParseName("Петрова Анна Ильинична", "", "", "").sex, Sex::kFemale);
  EXPECT_EQ(ParseName("Ленин Владимир Ильич", "", "", "").patronymic_key, Key("Il"));
  // Alone, -ovich is a surname.
  EXPECT_TRUE(ParseName("", "", "Petrovich", "").patronymic_key.empty());
  // The patronymic column holds the father's name in any form.
  EXPECT_EQ(ParseName("", "Нурлан", "Асанов", "Бакытович").patronymic_key, Key("Bakyt"));
  EXPECT_EQ(ParseName("", "Нурлан", "Асанов", "Бакыт").patronymic_key, Key("Bakyt"));
}

TEST(ParseNameTest, GenderedSurnamesShareAStemAndTellTheSex) {
  ParsedName f = ParseName("Абдыкадырова Айзада", "", "", "");
  ParsedName m = ParseName("Абдыкадыров Азамат", "", "", "");
  EXPECT_EQ(f.tokens[0].key, m.tokens[0].key);
  EXPECT_EQ(f.sex, Sex::kFemale);
  EXPECT_EQ(m.sex, Sex::kMale);
  EXPECT_EQ(ParseName("Ольшанская Мария", "", "", "").tokens[0].key,
            ParseName("Olshansky Ivan", "", "", "").tokens[0].key);
  EXPECT_EQ(ParseName("Alina Karimova", "", "", "").sex, Sex::kFemale);
  EXPECT_EQ(ParseName("Ivan Shevchenko", "", "", "").sex, Sex::kUnknown);
}

TEST(ParseNameTest, InitialsAreInitialsAndTheSecondIsTheFathers) {
  ParsedName n = ParseName("Abdykadyrova A.", "", "", "");
  ASSERT_EQ(n.tokens.size(), 2u);
  EXPECT_TRUE(n.tokens[1].initial);
  EXPECT_EQ(n.tokens[1].key, "a");
  ParsedName m = ParseName("Иванов И.П.", "", "", "");
  EXPECT_EQ(m.patronymic_initial, 'p');
  EXPECT_EQ(Keys(m), (std::vector<std::string>{Key("Ivanov"), "i.", "p.*"}));
  ParsedName z = ParseName("Zh. Asanova", "", "", "");
  EXPECT_TRUE(z.tokens[0].initial);
  EXPECT_EQ(z.tokens[0].key, Key("Zhyldyz").substr(0, 1));
}

TEST(ParseSexTest, ReadsTheLanguagesListsAreWrittenIn) {
  for (const char* f : {"F", "female", "ж", "жен.", "Женский", "аял", "ayol"}) {
    EXPECT_EQ(ParseSex(f), Sex::kFemale) << f;
  }
  for (const char* m : {"M", "male", "м", "муж", "мужской", "эркек", "erkak"}) {
    EXPECT_EQ(ParseSex(m), Sex::kMale) << m;
  }
  EXPECT_EQ(ParseSex(""), Sex::kUnknown);
  EXPECT_EQ(ParseSex("?"), Sex::kUnknown);
}

}  // namespace
}  // namespace kuzot::linkage
