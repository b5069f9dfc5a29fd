// Writes a realistic bundle for benchmarks: places (a gazetteer of the
// Ferghana valley), events, persons with Kyrgyz, Uzbek, Tajik and Russian
// names in Cyrillic and Latin, and acts linking them. All people are
// fictional: names are drawn at random from lists of common names.
//
//   gen_bundle --persons 1000000 --acts 1000000 --out big.json [--seed 1]
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

const Name kMaleGiven[] = {{"Бакыт", "Bakyt"},   {"Нурлан", "Nurlan"},   {"Азамат", "Azamat"},
                           {"Эрлан", "Erlan"},   {"Талант", "Talant"},   {"Улан", "Ulan"},
                           {"Шерзод", "Sherzod"}, {"Ойбек", "Oybek"},    {"Фарход", "Farhod"},
                           {"Джамшед", "Jamshed"}, {"Сергей", "Sergey"}, {"Мирлан", "Mirlan"},
                           {"Бекзат", "Bekzat"}, {"Темирлан", "Temirlan"}, {"Рустам", "Rustam"}};
const Name kFemaleGiven[] = {{"Айзада", "Aizada"}, {"Гүлзат", "Gulzat"}, {"Нургүл", "Nurgul"},
                             {"Жылдыз", "Jyldyz"}, {"Бермет", "Bermet"}, {"Айпери", "Aiperi"},
                             {"Дилноза", "Dilnoza"}, {"Зарина", "Zarina"}, {"Шахло", "Shahlo"},
                             {"Наталья", "Natalya"}, {"Чолпон", "Cholpon"}, {"Мавлюда", "Mavlyuda"}};
const Name kFamily[] = {{"Абдыкадыров", "Abdykadyrov"}, {"Токтогулов", "Toktogulov"},
                        {"Мамытов", "Mamytov"},         {"Жумабаев", "Zhumabaev"},
                        {"Осмонов", "Osmonov"},         {"Турдубаев", "Turdubaev"},
                        {"Сыдыков", "Sydykov"},         {"Юсупов", "Yusupov"},
                        {"Ахмедов", "Akhmedov"},        {"Хамидов", "Khamidov"},
                        {"Рахимов", "Rahimov"},         {"Назаров", "Nazarov"},
                        {"Каримов", "Karimov"},         {"Кузнецов", "Kuznetsov"},
                        {"Эшматов", "Eshmatov"},        {"Ниязов", "Niyazov"}};
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
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--persons") persons = std::atol(argv[i + 1]);
    if (flag == "--acts") acts = std::atol(argv[i + 1]);
    if (flag == "--seed") seed = std::strtoul(argv[i + 1], nullptr, 10);
    if (flag == "--out") path = argv[i + 1];
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
    const Name& family = Pick(rng, kFamily);
    std::string fam_cy = std::string(family.cyrillic) + (female ? "а" : "");
    std::string fam_la = std::string(family.latin) + (female ? "a" : "");
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
  std::printf("wrote %s: %d places, %d events, %ld persons, %ld acts\n", path, kPlaces, kEvents,
              persons, acts);
  return 0;
}
