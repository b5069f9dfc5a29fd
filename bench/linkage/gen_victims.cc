// Writes generated victim lists (bench/linkage/README.md) as CSV files with
// their ground truth, ready for `kuzot reconcile`.
//
// Usage: linkage_gen_victims --out DIR [--persons N] [--seed S] [--sources K]
//        [--noise X] [--coverage X] [--max-rows N] [--single]
//   --single  one file (victims.csv) with the rows of every source in common
//             columns, for deduplication benchmarks
// Writes DIR/<list>.csv (or DIR/victims.csv), DIR/truth.csv (record_id,
// person_id, with the ids `kuzot reconcile` gives) and DIR/map.txt (the
// --map and --event-date arguments, one a line: `mapfile -t args <
// DIR/map.txt` then `kuzot reconcile ... "${args[@]}"`).
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "bench/linkage/victims.h"
#include "tabular/tabular.h"

namespace {

using namespace kuzot::linkage;

int Usage() {
  std::fprintf(stderr,
               "usage: linkage_gen_victims --out DIR [--persons N] [--seed S] [--sources K]\n"
               "       [--noise X] [--coverage X] [--max-rows N] [--single]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  bench::GeneratorOptions options;
  std::string out;
  size_t max_rows = 0;
  bool single = false;
  for (int i = 1; i < argc; ++i) {
    auto next = [&]() -> const char* { return i + 1 < argc ? argv[++i] : ""; };
    if (!std::strcmp(argv[i], "--out"))
      out = next();
    else if (!std::strcmp(argv[i], "--persons"))
      options.persons = std::atoi(next());
    else if (!std::strcmp(argv[i], "--seed"))
      options.seed = std::strtoull(next(), nullptr, 10);
    else if (!std::strcmp(argv[i], "--sources"))
      options.sources = std::atoi(next());
    else if (!std::strcmp(argv[i], "--noise"))
      options.noise = std::atof(next());
    else if (!std::strcmp(argv[i], "--coverage"))
      options.coverage = std::atof(next());
    else if (!std::strcmp(argv[i], "--max-rows"))
      max_rows = std::strtoull(next(), nullptr, 10);
    else if (!std::strcmp(argv[i], "--single"))
      single = true;
    else
      return Usage();
  }
  if (out.empty() || options.persons <= 0) return Usage();
  std::filesystem::create_directories(out);
  auto places = bench::DemoGazetteer(KUZOT_SOURCE_DIR);
  bench::GeneratedLists lists = bench::GenerateVictimLists(options, places);
  for (auto& list : lists.lists) {
    if (max_rows && list.rows.size() > max_rows) {
      list.rows.resize(max_rows);
      list.person.resize(max_rows);
    }
  }
  std::ofstream truth(std::filesystem::path(out) / "truth.csv", std::ios::binary);
  kuzot::tabular::WriteCsvRow(truth, {"record_id", "person_id"});
  std::ofstream map(std::filesystem::path(out) / "map.txt");
  size_t total = 0;
  if (single) {
    // Common columns; each source fills those its own columns map to.
    const std::vector<std::pair<std::string, Role>> columns = {{"id", Role::kId},
                                                               {"name", Role::kFullName},
                                                               {"surname", Role::kLastName},
                                                               {"given", Role::kFirstName},
                                                               {"patronymic", Role::kPatronymic},
                                                               {"birth_date", Role::kBirthDate},
                                                               {"birth_year", Role::kBirthYear},
                                                               {"age", Role::kAge},
                                                               {"sex", Role::kSex},
                                                               {"place", Role::kPlace},
                                                               {"document", Role::kDocumentId}};
    std::vector<std::string> header;
    for (const auto& c : columns) header.push_back(c.first);
    std::ofstream csv(std::filesystem::path(out) / "victims.csv", std::ios::binary);
    kuzot::tabular::WriteCsvRow(csv, header);
    for (const auto& list : lists.lists) {
      for (size_t r = 0; r < list.rows.size(); ++r) {
        std::vector<std::string> row(columns.size());
        row[0] = list.name + "-" + std::to_string(r + 1);
        for (size_t c = 0; c < list.roles.size(); ++c) {
          if (list.roles[c] == Role::kId) continue;
          for (size_t k = 1; k < columns.size(); ++k) {
            if (columns[k].second == list.roles[c]) row[k] = list.rows[r][c];
          }
        }
        kuzot::tabular::WriteCsvRow(csv, row);
        kuzot::tabular::WriteCsvRow(truth, {"victims:" + row[0], list.person[r]});
        ++total;
      }
    }
    for (const auto& c : columns) map << "--map\n" << c.first << "=" << RoleName(c.second) << "\n";
    map << "--event-date\n" << lists.event_date << "\n";
  } else {
    for (size_t s = 0; s < lists.lists.size(); ++s) {
      const auto& list = lists.lists[s];
      std::ofstream csv(std::filesystem::path(out) / (list.name + ".csv"), std::ios::binary);
      kuzot::tabular::WriteCsvRow(csv, list.columns);
      size_t id_column = list.columns.size();
      for (size_t c = 0; c < list.roles.size(); ++c) {
        if (list.roles[c] == Role::kId) id_column = c;
        map << "--map\n" << (s + 1) << ":" << list.columns[c] << "=" << RoleName(list.roles[c])
            << "\n";
      }
      for (size_t r = 0; r < list.rows.size(); ++r) {
        kuzot::tabular::WriteCsvRow(csv, list.rows[r]);
        std::string id = id_column < list.columns.size() ? list.rows[r][id_column]
                                                         : "row" + std::to_string(r + 2);
        kuzot::tabular::WriteCsvRow(truth, {list.name + ":" + id, list.person[r]});
        ++total;
      }
    }
    map << "--event-date\n" << lists.event_date << "\n";
  }
  std::fprintf(stderr, "%zu records of %d people written to %s\n", total, options.persons,
               out.c_str());
  return 0;
}
