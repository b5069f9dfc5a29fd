// Name lists of the generator. Common given names and surname roots of
// Kyrgyzstan, Uzbekistan, Tajikistan and Russia; the people generated from
// them are fictional.
#include <cmath>

#include "bench/linkage/victims_text.h"

namespace kuzot::linkage::bench::gen {
namespace {

const std::vector<std::string> kKyrgyzMale = {
    "Азамат",      "Бакыт",    "Нурлан",     "Эрлан",    "Айбек",     "Улан",      "Мирлан",
    "Бекзат",      "Канат",    "Тилек",      "Жоомарт",  "Эрмек",     "Адилет",    "Нурбек",
    "Алмаз",       "Руслан",   "Марат",      "Талант",   "Максат",    "Санжар",    "Бектур",
    "Эрнис",       "Чыңгыз",   "Кубанычбек", "Өмүрбек",  "Медер",     "Дастан",    "Темирлан",
    "Бакытбек",    "Асылбек",  "Абдыкадыр",  "Жээнбек",  "Сооронбай", "Курманбек", "Жумабек",
    "Токтосун",    "Үсөн",     "Шайлообек",  "Төлөгөн",  "Эсенбек",   "Болот",     "Замир",
    "Кылычбек",    "Аскар",    "Айдар",      "Данияр",   "Эмил",      "Бекжан",    "Ырыс",
    "Кудайберген", "Кенжебек", "Мамат",      "Ташболот", "Жумабай",   "Орозбек",   "Байыш",
    "Үмөт",        "Мурат",    "Акылбек",    "Нуржан",   "Сыдык",     "Алтынбек",  "Мелис",
    "Жыргалбек",   "Өскөн",    "Тынчтык",    "Эркин",    "Үсөнбек",   "Кайрат",    "Арстан"};
const std::vector<std::string> kKyrgyzFemale = {
    "Айзада",   "Айгерим",  "Жылдыз",   "Гүлнара",  "Нургүл",   "Айпери",   "Бегимай", "Асел",
    "Мээрим",   "Чолпон",   "Динара",   "Назгүл",   "Айжан",    "Бермет",   "Гүлзат",  "Жаркын",
    "Толгонай", "Айнура",   "Салтанат", "Элнура",   "Кундуз",   "Мырзагүл", "Айсулуу", "Чынара",
    "Нуриза",   "Акмоор",   "Элиза",    "Аида",     "Айканыш",  "Гүлмира",  "Сезим",   "Айтолкун",
    "Бурул",    "Зууракан", "Үмүт",     "Нурайым",  "Эркайым",  "Айдай",    "Жаңыл",   "Гүлжан",
    "Сабира",   "Канышай",  "Айчүрөк",  "Мөлмөл",   "Бактыгүл", "Нурзат",   "Каныкей", "Ширин",
    "Бүбүсара", "Гүлайым",  "Төрөкан",  "Чынаргүл", "Алтынай"};
const std::vector<std::string> kUzbekMale = {
    "Алишер",  "Жамшид", "Фаррух",   "Шерзод",   "Бахтиёр", "Рустам", "Улуғбек",  "Ўктам",
    "Сардор",  "Отабек", "Бобур",    "Азиз",     "Дилшод",  "Ғайрат", "Равшан",   "Хуршид",
    "Абдулла", "Ислом",  "Жўрабек",  "Муҳаммад", "Ботир",   "Акмал",  "Зафар",    "Нодир",
    "Шуҳрат",  "Ихтиёр", "Баҳодир",  "Илҳом",    "Қодир",   "Анвар",  "Тоҳир",    "Фахриддин",
    "Қурбон",  "Шавкат", "Музаффар", "Ҳасан",    "Ҳусан",   "Тимур",  "Жаҳонгир", "Азамат",
    "Улмас",   "Хасан",  "Қаҳрамон", "Одил",     "Собир"};
const std::vector<std::string> kUzbekFemale = {
    "Гулнора", "Дилноза",  "Нигора",  "Шаҳноза", "Феруза",  "Мадина",   "Зарина",
    "Малика",  "Нилуфар",  "Умида",   "Севара",  "Дилфуза", "Гулчеҳра", "Моҳира",
    "Юлдуз",   "Ҳилола",   "Барно",   "Шоира",   "Насиба",  "Мунира",   "Зулфия",
    "Ойгул",   "Моҳинур",  "Гўзал",   "Лола",    "Дилдора", "Мафтуна",  "Саодат",
    "Раъно",   "Муҳаббат", "Наргиза", "Гулшан",  "Ирода",   "Шахло",    "Ўғилой"};
const std::vector<std::string> kTajikMale = {
    "Ҷамшед",  "Фирдавс",  "Сомон",  "Баҳром",   "Фаридун",    "Рустам",    "Шерали",  "Далер",
    "Суҳроб",  "Искандар", "Хуршед", "Манучеҳр", "Парвиз",     "Абдураҳим", "Саидҷон", "Қурбонали",
    "Неъмат",  "Икром",    "Фарҳод", "Ҳасан",    "Ҳусейн",     "Зафар",     "Аброр",   "Комрон",
    "Наврӯз",  "Умед",     "Шодмон", "Файзулло", "Раҳматулло", "Бобоҷон",   "Аҳмад",   "Раҳим",
    "Карим",   "Султон",   "Одина",  "Саидалӣ",  "Нуриддин",   "Ҷумъа",     "Исмоил",  "Меҳроб",
    "Азизҷон", "Ғафур",    "Мирзо"};
const std::vector<std::string> kTajikFemale = {
    "Нигина", "Шаҳло",     "Мадина",   "Зарина",  "Фарангис", "Таҳмина", "Гулнора",  "Нилуфар",
    "Малика", "Сабоҳат",   "Мавҷуда",  "Ҳуршеда", "Дилором",  "Парвина", "Меҳрубон", "Мижгона",
    "Шабнам", "Гулрухсор", "Зебо",     "Манижа",  "Саодат",   "Фотима",  "Зулайхо",  "Муниса",
    "Ситора", "Гулбаҳор",  "Дилафрӯз", "Нозия",   "Тоҳира",   "Ҷамила"};
const std::vector<std::string> kRussianMale = {
    "Александр", "Сергей",   "Андрей",   "Дмитрий", "Алексей", "Николай", "Владимир",
    "Евгений",   "Игорь",    "Юрий",     "Михаил",  "Виктор",  "Олег",    "Иван",
    "Павел",     "Василий",  "Артём",    "Максим",  "Георгий", "Фёдор",   "Константин",
    "Вячеслав",  "Анатолий", "Геннадий", "Валерий", "Илья"};
const std::vector<std::string> kRussianFemale = {
    "Елена",  "Ольга",  "Наталья",   "Татьяна", "Ирина",  "Светлана",  "Юлия",
    "Анна",   "Мария",  "Екатерина", "Людмила", "Галина", "Валентина", "Надежда",
    "Марина", "Оксана", "Евгения",   "Алёна",   "Ксения", "Дарья",     "Любовь",
    "Вера",   "Нина",   "Лариса",    "Тамара"};

const std::vector<std::string> kKyrgyzRoots = {
    "Абдыкадыр", "Токтогул", "Мамыт",       "Осмон",   "Курман",    "Жээнбек",  "Сатыбалды",
    "Ташмат",    "Сыдык",    "Жапар",       "Мамбет",  "Асан",      "Үсөн",     "Кожо",
    "Акмат",     "Бейшен",   "Турдумамбет", "Эшмат",   "Калмат",    "Абдыраим", "Мырзабек",
    "Тилебалды", "Орозбек",  "Дүйшөн",      "Бообек",  "Кенеш",     "Атамбай",  "Бакы",
    "Жумагул",   "Токтобай", "Сарыбай",     "Алымбек", "Өмүрзак",   "Карыбек",  "Ысак",
    "Бөкөнбай",  "Шаршен",   "Мукаш",       "Таштан",  "Чолпонбай", "Мажит",    "Эргеш"};
const std::vector<std::string> kUzbekRoots = {
    "Юсуп",   "Абдураҳмон", "Каримжон", "Тошмат",     "Эргаш",      "Мамадали", "Қосим",
    "Раҳмон", "Исмоил",     "Усмон",    "Маҳмуд",     "Холмат",     "Абдуғани", "Султон",
    "Ҳамро",  "Турсун",     "Назар",    "Мирзаахмад", "Абдужаббор", "Норбой"};
const std::vector<std::string> kTajikRoots = {
    "Раҳим", "Шариф", "Ҷӯра", "Саид",  "Назар",  "Қодир", "Давлат", "Мирзо", "Ғаффор", "Шукур",
    "Ҳамид", "Сафар", "Ашур", "Раҷаб", "Нуралӣ", "Холов", "Бобо",   "Имом",  "Ёдгор",  "Амир"};
const std::vector<std::string> kRussianSurnames = {
    "Иванов",     "Смирнов",   "Кузнецов",   "Попов",     "Васильев",   "Петров",
    "Соколов",    "Михайлов",  "Новиков",    "Фёдоров",   "Морозов",    "Волков",
    "Алексеев",   "Лебедев",   "Семёнов",    "Егоров",    "Павлов",     "Козлов",
    "Степанов",   "Николаев",  "Орлов",      "Андреев",   "Макаров",    "Никитин",
    "Захаров",    "Зайцев",    "Соловьёв",   "Борисов",   "Яковлев",    "Григорьев",
    "Романов",    "Воробьёв",  "Сергеев",    "Кузьмин",   "Фролов",     "Александров",
    "Дмитриев",   "Королёв",   "Гусев",      "Киселёв",   "Ильин",      "Максимов",
    "Поляков",    "Сорокин",   "Виноградов", "Ковалёв",   "Белов",      "Медведев",
    "Антонов",    "Тарасов",   "Жуков",      "Баранов",   "Филиппов",   "Комаров",
    "Давыдов",    "Беляев",    "Герасимов",  "Богданов",  "Осипов",     "Сидоров",
    "Матвеев",    "Титов",     "Марков",     "Миронов",   "Крылов",     "Куликов",
    "Карпов",     "Власов",    "Мельников",  "Денисов",   "Гаврилов",   "Тихонов",
    "Казаков",    "Афанасьев", "Данилов",    "Савельев",  "Тимофеев",   "Фомин",
    "Чернов",     "Абрамов",   "Мартынов",   "Ефимов",    "Федотов",    "Щербаков",
    "Назаров",    "Калинин",   "Исаев",      "Быков",     "Маслов",     "Родионов",
    "Коновалов",  "Лазарев",   "Воронин",    "Климов",    "Филатов",    "Голубев",
    "Кудрявцев",  "Прохоров",  "Наумов",     "Потапов",   "Журавлёв",   "Овчинников",
    "Трофимов",   "Леонов",    "Соболев",    "Ермаков",   "Колесников", "Гончаров",
    "Емельянов",  "Никифоров", "Грачёв",     "Котов",     "Гришин",     "Ефремов",
    "Архипов",    "Громов",    "Кириллов",   "Малышев",   "Панов",      "Моисеев",
    "Румянцев",   "Акимов",    "Кондратьев", "Бирюков",   "Горбунов",   "Анисимов",
    "Тихомиров",  "Галкин",    "Лукьянов",   "Михеев",    "Скворцов",   "Юдин",
    "Белоусов",   "Нестеров",  "Симонов",    "Прокофьев", "Харитонов",  "Князев",
    "Цветков",    "Левин",     "Митрофанов", "Воронов",   "Мальцев",    "Логинов",
    "Горшков",    "Савин",     "Краснов",    "Майоров",   "Демидов",    "Елисеев",
    "Рыбаков",    "Сафонов",   "Плотников",  "Хохлов",    "Жданов",     "Ковальский",
    "Ольшанский", "Шевченко",  "Бондаренко", "Ткаченко",  "Кравченко"};

// Parts of compound names: Kyrgyz "Нур"+"бек", "Ай"+"гүл"; Uzbek and Tajik
// "-жон", "-али", "-улло"; they give the long tail of rare names.
const std::vector<std::string> kKyrgyzMaleHeads = {
    "Нур",   "Ак",     "Эр",    "Кубан",  "Асыл",  "Мырза", "Бакыт", "Жан",
    "Алтын", "Кутман", "Темир", "Ысман",  "Бек",   "Токто", "Таш",   "Сары",
    "Калы",  "Осмон",  "Өмүр",  "Жолдош", "Мамыр", "Түгөл"};
const std::vector<std::string> kKyrgyzMaleTails = {"бек", "бай", "жан", "алы",
                                                   "кул", "тай", "беги"};
const std::vector<std::string> kKyrgyzFemaleHeads = {"Ай",  "Гүл",   "Нур", "Бүбү", "Жыпар", "Мээр",
                                                     "Кан", "Алтын", "Бак", "Сай",  "Чын",   "Жаз"};
const std::vector<std::string> kKyrgyzFemaleTails = {"гүл", "зада", "жан", "нура", "каныш", "сулуу",
                                                     "кан", "ай",   "зат", "мира", "пери",  "бубу"};
const std::vector<std::string> kUzbekTajikMaleTails = {"жон", "али", "улло", "бек", "ҷон", "мурод"};
const std::vector<std::string> kUzbekTajikFemaleTails = {"ой", "гул", "бону", "нисо", "хон"};

bool IsVowel(char32_t c) {
  return std::u32string_view(U"аеёиоуыэюяөүӯӣў").find(c) != std::u32string_view::npos;
}

}  // namespace

const std::vector<std::string>& GivenNames(Ethnicity e, bool female) {
  switch (e) {
    case Ethnicity::kKyrgyz:
      return female ? kKyrgyzFemale : kKyrgyzMale;
    case Ethnicity::kUzbek:
      return female ? kUzbekFemale : kUzbekMale;
    case Ethnicity::kTajik:
      return female ? kTajikFemale : kTajikMale;
    case Ethnicity::kRussian:
      return female ? kRussianFemale : kRussianMale;
  }
  return kRussianMale;
}

const std::vector<std::string>& SurnameRoots(Ethnicity e) {
  switch (e) {
    case Ethnicity::kKyrgyz:
      return kKyrgyzRoots;
    case Ethnicity::kUzbek:
      return kUzbekRoots;
    case Ethnicity::kTajik:
      return kTajikRoots;
    case Ethnicity::kRussian:
      return kRussianSurnames;
  }
  return kRussianSurnames;
}

std::string PickZipf(const std::vector<std::string>& list, double exponent, Rng& rng) {
  // Inverse-CDF over weights 1/(rank+1)^s, computed on the fly (lists are short).
  double total = 0;
  for (size_t i = 0; i < list.size(); ++i) total += 1.0 / std::pow(i + 1.0, exponent);
  double x = std::uniform_real_distribution<double>(0, total)(rng);
  for (size_t i = 0; i < list.size(); ++i) {
    x -= 1.0 / std::pow(i + 1.0, exponent);
    if (x <= 0) return list[i];
  }
  return list.back();
}

std::string PickGivenName(Ethnicity e, bool female, Rng& rng) {
  std::uniform_real_distribution<double> u(0, 1);
  if (e != Ethnicity::kRussian && u(rng) < 0.3) {
    if (e == Ethnicity::kKyrgyz) {
      const auto& heads = female ? kKyrgyzFemaleHeads : kKyrgyzMaleHeads;
      const auto& tails = female ? kKyrgyzFemaleTails : kKyrgyzMaleTails;
      return heads[rng() % heads.size()] + tails[rng() % tails.size()];
    }
    const auto& base = GivenNames(e, female);
    const auto& tails = female ? kUzbekTajikFemaleTails : kUzbekTajikMaleTails;
    std::string tail = tails[rng() % tails.size()];
    if (e == Ethnicity::kUzbek && tail == "ҷон") tail = "жон";
    if (e == Ethnicity::kTajik && tail == "жон") tail = "ҷон";
    return base[rng() % base.size()] + tail;
  }
  return PickZipf(GivenNames(e, female), 0.5, rng);
}

std::string RussianPatronymic(const std::string& father, bool female) {
  std::u32string f = U32(father);
  if (f == U"Илья") return female ? "Ильинична" : "Ильич";
  char32_t last = f.back();
  std::u32string stem = f;
  bool soft = false;
  if (last == U'й') {
    stem.pop_back();
    soft = true;
  } else if (last == U'ь') {
    stem.pop_back();
    soft = true;
  } else if (IsVowel(last) ||
             std::u32string_view(U"жшчщц").find(last) != std::u32string_view::npos) {
    soft = true;
  }
  std::u32string tail = soft ? (female ? U"евна" : U"евич") : (female ? U"овна" : U"ович");
  return U8(stem + tail);
}

std::string SurnameFromRoot(const std::string& root, bool female) {
  std::u32string r = U32(root);
  char32_t last = r.back();
  std::u32string stem = r;
  bool soft = false;
  if (last == U'й' || last == U'ь') {
    stem.pop_back();
    soft = true;
  } else if (IsVowel(last) ||
             std::u32string_view(U"жшчщц").find(last) != std::u32string_view::npos) {
    soft = true;
  }
  std::u32string s = stem + (soft ? U"ев" : U"ов");
  if (female) s += U"а";
  return U8(s);
}

std::string FeminineSurname(const std::string& masculine) {
  std::u32string m = U32(masculine);
  if (m.size() > 3 && m.compare(m.size() - 3, 3, U"ский") == 0) {
    return U8(m.substr(0, m.size() - 2) + U"ая");
  }
  if (m.size() > 2 &&
      (m.compare(m.size() - 2, 2, U"ов") == 0 || m.compare(m.size() - 2, 2, U"ев") == 0 ||
       m.compare(m.size() - 2, 2, U"ёв") == 0 || m.compare(m.size() - 2, 2, U"ин") == 0)) {
    return masculine + "а";
  }
  return masculine;  // Шевченко, Бондаренко
}

}  // namespace kuzot::linkage::bench::gen
