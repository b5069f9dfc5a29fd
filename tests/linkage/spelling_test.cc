// Transliteration and spelling keys: the spellings people really use fold
// together, different names stay apart.
#include "linkage/spelling.h"

#include <gtest/gtest.h>

#include "linkage/linkage.h"

namespace kuzot::linkage {
namespace {

std::string Key(std::string_view word) { return SpellingKey(ToLatin(word)); }

TEST(ToLatinTest, UsesBgnForRussianAndKyrgyzAndOwnRulesForTajikAndUzbek) {
  EXPECT_EQ(ToLatin("Абдыкадырова Айзада"), "abdykadyrova ayzada");
  EXPECT_EQ(ToLatin("Жээнбеков Өмүрбек"), "jeenbekov omurbek");  // ky-ky_Latn/BGN
  EXPECT_EQ(ToLatin("Ҷӯраев Ғайрат Қодирович"), "jurayev ghayrat qodirovich");
  EXPECT_EQ(ToLatin("Ўктам Ҳасанов"), "uktam hasanov");
  EXPECT_EQ(ToLatin("Фёдоров"), "fyodorov");
  EXPECT_EQ(ToLatin("Gʻayratjon Oʻktam"), "gayratjon oktam");
  EXPECT_EQ(ToLatin("already latin"), "already latin");
}

TEST(SpellingKeyTest, FoldsTheSpellingsOfOneName) {
  // х / kh / h / x
  EXPECT_EQ(Key("Худайбердиев"), Key("Khudaiberdiev"));
  EXPECT_EQ(Key("Xudayberdiyev"), Key("Hudaiberdiev"));
  // ж / дж / zh / dzh / dj / j
  EXPECT_EQ(Key("Жумабеков"), Key("Джумабеков"));
  EXPECT_EQ(Key("Zhumabekov"), Key("Dzhumabekov"));
  EXPECT_EQ(Key("Djumabekov"), Key("Jumabekov"));
  // ү / ü / u / ue and ө / ö / o / oe
  EXPECT_EQ(Key("Үсөнов"), Key("Üsönov"));
  EXPECT_EQ(Key("Uesoenov"), Key("Usonov"));
  // ң / ng (and the n of passports)
  EXPECT_EQ(Key("Жаңыл"), Key("Janyl"));
  EXPECT_EQ(Key("Jangyl"), Key("Janyl"));
  // ы / y / i, й / y / i / j, doubled letters
  EXPECT_EQ(Key("Айзада"), Key("Aizada"));
  EXPECT_EQ(Key("Ajzada"), Key("Ayzada"));
  EXPECT_EQ(Key("Жээнбеков"), Key("Jenbekov"));
  EXPECT_EQ(Key("Sooronbai"), Key("Soronbay"));
  EXPECT_EQ(Key("Dmitriy"), Key("Dmitrii"));
  EXPECT_EQ(Key("Dmitry"), Key("Dmitri"));
  // ya / ia, yu / iu, yo / io; German j before a vowel is the alternative key
  EXPECT_EQ(Key("Юлия"), Key("Iuliia"));
  EXPECT_EQ(Key("Yuliya"), Key("Yulia"));
  EXPECT_EQ(KeysOf("julia").alt, Key("Yulia"));
  EXPECT_EQ(KeysOf("tatjana").alt, Key("Tatyana"));
  EXPECT_EQ(Key("Yolkin"), Key("Iolkin"));
  EXPECT_EQ(KeysOf("jolkin").alt, Key("Yolkin"));
  // ts / c, ch / tch, sh / sch / shch
  EXPECT_EQ(Key("Tsoi"), Key("Coi"));
  EXPECT_EQ(Key("Chynara"), Key("Tchynara"));
  EXPECT_EQ(Key("Shamshiev"), Key("Schamschiev"));
  EXPECT_EQ(Key("Щербаков"), Key("Shcherbakov"));
  // ye / e at the start, -yev / -ev
  EXPECT_EQ(Key("Yelena"), Key("Elena"));
  EXPECT_EQ(Key("Валеев"), Key("Valeyev"));
  EXPECT_EQ(Key("Sergeyevich"), Key("Sergeevich"));
  // q / k, gh / g, w / v
  EXPECT_EQ(Key("Qodirov"), Key("Kodirov"));
  EXPECT_EQ(Key("Ghafurov"), Key("Gafurov"));
  EXPECT_EQ(Key("Iwanow"), Key("Ivanov"));
}

TEST(SpellingKeyTest, KeepsDifferentNamesApart) {
  EXPECT_NE(Key("Askarov"), Key("Azimov"));
  EXPECT_NE(Key("Nurlan"), Key("Nurbek"));
  EXPECT_NE(Key("Aibek"), Key("Aidai"));
  EXPECT_NE(Key("Marat"), Key("Murat"));
  EXPECT_NE(Key("Shamil"), Key("Jamil"));
}

}  // namespace
}  // namespace kuzot::linkage
