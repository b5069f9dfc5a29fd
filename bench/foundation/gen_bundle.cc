// Writes a realistic bundle for benchmarks: places (a gazetteer of the
// Ferghana valley), events, persons with Kyrgyz, Uzbek, Tajik and Russian
// names in Cyrillic and Latin, and acts linking them. All people are
// fictional: names are drawn at random from lists of common names.
//
//   gen_bundle --persons 1000000 --acts 1000000 --out big.json [--seed 1] [--ids DIR]
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "common/clock.h"

namespace {

struct Name {
  const char* cyrillic;
  const char* latin;
};

const Name kMaleGiven[] = {
    {"Бакыт", "Bakyt"},     {"Нурлан", "Nurlan"},     {"Азамат", "Azamat"},   {"Эрлан", "Erlan"},
    {"Талант", "Talant"},   {"Улан", "Ulan"},         {"Шерзод", "Sherzod"},  {"Ойбек", "Oybek"},
    {"Фарход", "Farhod"},   {"Джамшед", "Jamshed"},   {"Сергей", "Sergey"},   {"Мирлан", "Mirlan"},
    {"Бекзат", "Bekzat"},   {"Темирлан", "Temirlan"}, {"Рустам", "Rustam"},   {"Нурбек", "Nurbek"},
    {"Канат", "Kanat"},     {"Элдияр", "Eldiyar"},    {"Адилет", "Adilet"},   {"Жоомарт", "Joomart"},
    {"Самат", "Samat"},     {"Максат", "Maksat"},     {"Тилек", "Tilek"},     {"Үмөт", "Umot"},
    {"Өмүрбек", "Omurbek"}, {"Чынгыз", "Chyngyz"},    {"Алишер", "Alisher"},  {"Бахтиёр", "Bakhtiyor"},
    {"Дилшод", "Dilshod"},  {"Фирдавс", "Firdavs"},   {"Икром", "Ikrom"},     {"Хуршед", "Khurshed"},
    {"Мухаммад", "Muhammad"}, {"Баходур", "Bahodur"}, {"Абдулло", "Abdullo"}, {"Иван", "Ivan"},
    {"Дмитрий", "Dmitriy"}, {"Александр", "Aleksandr"}, {"Кубанычбек", "Kubanychbek"},
    {"Эмил", "Emil"},       {"Арстан", "Arstan"},     {"Медер", "Meder"},     {"Суйунбек", "Suyunbek"}};
const Name kFemaleGiven[] = {
    {"Айзада", "Aizada"},  {"Гүлзат", "Gulzat"},    {"Нургүл", "Nurgul"},   {"Жылдыз", "Jyldyz"},
    {"Бермет", "Bermet"},  {"Айпери", "Aiperi"},    {"Дилноза", "Dilnoza"}, {"Зарина", "Zarina"},
    {"Шахло", "Shahlo"},   {"Наталья", "Natalya"},  {"Чолпон", "Cholpon"},  {"Мавлюда", "Mavlyuda"},
    {"Айгерим", "Aigerim"}, {"Мадина", "Madina"},   {"Асель", "Asel"},      {"Айжан", "Aizhan"},
    {"Бурул", "Burul"},    {"Гүлнара", "Gulnara"},  {"Назгүл", "Nazgul"},   {"Эльмира", "Elmira"},
    {"Динара", "Dinara"},  {"Салтанат", "Saltanat"}, {"Үмүт", "Umut"},      {"Өмүркан", "Omurkan"},
    {"Нилуфар", "Nilufar"}, {"Гулрух", "Gulrukh"},  {"Мохира", "Mokhira"},  {"Феруза", "Feruza"},
    {"Зулфия", "Zulfiya"}, {"Ольга", "Olga"},       {"Елена", "Elena"},     {"Мээрим", "Meerim"},
    {"Алтынай", "Altynai"}, {"Каныкей", "Kanykei"}, {"Сезим", "Sezim"},     {"Жаркынай", "Zharkynai"}};
// Roots of family names: most Kyrgyz, Uzbek and Tajik family names are a
// forebear's given name with a suffix (-ов, -ев, -уулу, -кызы, -зода).
const Name kFamilyRoots[] = {
    {"Абдыкадыр", "Abdykadyr"}, {"Токтогул", "Toktogul"}, {"Мамыт", "Mamyt"},
    {"Жумабай", "Zhumabai"},    {"Осмон", "Osmon"},       {"Турдубай", "Turdubai"},
    {"Сыдык", "Sydyk"},         {"Юсуп", "Yusup"},        {"Ахмед", "Akhmed"},
    {"Хамид", "Khamid"},        {"Рахим", "Rakhim"},      {"Назар", "Nazar"},
    {"Карим", "Karim"},         {"Эшмат", "Eshmat"},      {"Нияз", "Niyaz"},
    {"Абдрахман", "Abdrakhman"}, {"Асан", "Asan"},        {"Үсөн", "Usen"},
    {"Бейшеналы", "Beishenaly"}, {"Жапар", "Japar"},      {"Садыр", "Sadyr"},
    {"Алымбек", "Alymbek"},     {"Кулмат", "Kulmat"},     {"Шамшы", "Shamshy"},
    {"Сулайман", "Sulaiman"},   {"Эргеш", "Ergesh"},      {"Мырзакмат", "Myrzakmat"},
    {"Ташмат", "Tashmat"},      {"Дөөлөт", "Doolot"},     {"Нурмат", "Nurmat"},
    {"Райым", "Raiym"},         {"Бообек", "Boobek"},     {"Качыке", "Kachyke"},
    {"Исмаил", "Ismail"},       {"Абдулла", "Abdulla"},   {"Холмат", "Kholmat"},
    {"Саид", "Said"},           {"Шариф", "Sharif"},      {"Давлат", "Davlat"},
    {"Одина", "Odina"},         {"Мирзо", "Mirzo"},       {"Каримжан", "Karimzhan"},
    {"Турсун", "Tursun"},       {"Акмат", "Akmat"},       {"Жээнбек", "Zheenbek"},
    {"Атамбай", "Atambai"},     {"Бакир", "Bakir"},       {"Орозбек", "Orozbek"}};
const char* kActTypes[] = {"killing", "injury", "torture", "arbitrary_detention",
                           "hostage_taking", "enforced_displacement", "destruction_of_property"};

template <typename T, size_t N>
const T& Pick(std::mt19937_64& rng, const T (&items)[N]) {
  return items[rng() % N];
}

void Emit(FILE* out, bool& first, const std::string& json) {
  std::fputs(first ? "\n" : ",\n", out);
  std::fputs(json.c_str(), out);
  first = false;
}

}  // namespace

int main(int argc, char** argv) {
  long persons = 1000, acts = 1000;
  unsigned long seed = 1;
  const char* path = "bundle.json";
  std::string ids_dir;  // when set: person_ids.txt, event_ids.txt, names.txt for load tests
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--persons") persons = std::atol(argv[i + 1]);
    if (flag == "--acts") acts = std::atol(argv[i + 1]);
    if (flag == "--seed") seed = std::strtoul(argv[i + 1], nullptr, 10);
    if (flag == "--out") path = argv[i + 1];
    if (flag == "--ids") ids_dir = argv[i + 1];
  }
  std::mt19937_64 rng(seed);
  FILE* out = std::fopen(path, "w");
  if (!out) return 1;
  std::fputs("{\"format\":\"kuzot-bundle\",\"version\":1,\"records\":[", out);
  bool first = true;
  std::vector<std::string> places, events, people;
  const int kPlaces = 1000, kEvents = 200;
  for (int i = 0; i < kPlaces; ++i) {
    std::string id = kuzot::NewId();
    std::string parent = places.empty() ? "" : ",\"parent_id\":\"" + places[i / 10] + "\"";
    const char* level = i == 0 ? "country" : i < 10 ? "oblast" : i < 100 ? "district" : "village";
    Emit(out, first,
         "{\"id\":\"" + id + "\",\"type\":\"place\",\"body\":{\"name\":\"Place " +
             std::to_string(i) + "\",\"level\":\"" + level + "\"" + parent +
             ",\"latitude\":" + std::to_string(39.5 + (rng() % 1000) / 1000.0) +
             ",\"longitude\":" + std::to_string(69.5 + (rng() % 3000) / 1000.0) +
             ",\"confidentiality\":\"public\"}}");
    places.push_back(id);
  }
  for (int i = 0; i < kEvents; ++i) {
    std::string id = kuzot::NewId();
    int year = 2010 + static_cast<int>(rng() % 12);
    Emit(out, first,
         "{\"id\":\"" + id + "\",\"type\":\"event\",\"body\":{\"title\":\"Clashes in place " +
             std::to_string(rng() % kPlaces) + ", " + std::to_string(year) +
             "\",\"start_date\":\"" + std::to_string(year) + "\",\"place_ids\":[\"" +
             places[rng() % kPlaces] + "\"],\"confidentiality\":\"internal\"}}");
    events.push_back(id);
  }
  people.reserve(persons);
  for (long i = 0; i < persons; ++i) {
    std::string id = kuzot::NewId();
    bool female = rng() % 2;
    const Name& given = female ? Pick(rng, kFemaleGiven) : Pick(rng, kMaleGiven);
    const Name& root = Pick(rng, kFamilyRoots);
    // Russian-style -ов/-ова for most, -уулу/-кызы or Tajik -зода for some.
    std::string fam_cy, fam_la;
    switch (rng() % 10) {
      case 0:
        fam_cy = std::string(root.cyrillic) + (female ? " кызы" : " уулу");
        fam_la = std::string(root.latin) + (female ? " kyzy" : " uulu");
        break;
      case 1:
        fam_cy = std::string(root.cyrillic) + "зода";
        fam_la = std::string(root.latin) + "zoda";
        break;
      default:
        fam_cy = std::string(root.cyrillic) + (female ? "ова" : "ов");
        fam_la = std::string(root.latin) + (female ? "ova" : "ov");
    }
    const char* level = rng() % 10 == 0 ? "restricted" : "internal";
    Emit(out, first,
         "{\"id\":\"" + id + "\",\"type\":\"person\",\"body\":{\"names\":[{\"value\":\"" + fam_cy +
             " " + given.cyrillic + "\",\"script\":\"Cyrl\"},{\"value\":\"" + given.latin + " " +
             fam_la + "\",\"script\":\"Latn\"}],\"sex\":\"" + (female ? "female" : "male") +
             "\",\"age_at_event\":" + std::to_string(1 + rng() % 90) +
             ",\"confidentiality\":\"" + level + "\"}}");
    people.push_back(id);
  }
  for (long i = 0; i < acts; ++i) {
    std::string victim = people.empty() ? "" : people[rng() % people.size()];
    Emit(out, first,
         "{\"id\":\"" + kuzot::NewId() + "\",\"type\":\"act\",\"body\":{\"type\":\"" +
             Pick(rng, kActTypes) + "\",\"event_id\":\"" + events[rng() % kEvents] +
             "\",\"victim_person_id\":\"" + victim + "\",\"date\":\"20" +
             std::to_string(10 + rng() % 12) + "-0" + std::to_string(1 + rng() % 9) +
             "\",\"place_id\":\"" + places[rng() % kPlaces] +
             "\",\"perpetrator_unknown\":true,\"confidentiality\":\"internal\"}}");
  }
  std::fputs("\n]}\n", out);
  std::fclose(out);
  if (!ids_dir.empty()) {
    auto write = [&](const char* file, const std::vector<std::string>& lines) {
      FILE* f = std::fopen((ids_dir + "/" + file).c_str(), "w");
      if (!f) return;
      for (const auto& line : lines) std::fprintf(f, "%s\n", line.c_str());
      std::fclose(f);
    };
    write("person_ids.txt", people);
    write("event_ids.txt", events);
    std::vector<std::string> queries;
    for (const auto& n : kFamilyRoots) {
      queries.push_back(std::string(n.latin) + "ov");
      queries.push_back(std::string(n.cyrillic) + "ова");
    }
    for (const auto& n : kFemaleGiven) queries.push_back(n.latin);
    write("names.txt", queries);
  }
  std::printf("wrote %s: %d places, %d events, %ld persons, %ld acts\n", path, kPlaces, kEvents,
              persons, acts);
  return 0;
}
