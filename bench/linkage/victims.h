// A generator of realistic Central Asian victim lists with ground truth
// (bench/linkage/README.md describes it in full).
//
// It invents FICTIONAL people (Kyrgyz, Uzbek, Tajik and Russian names drawn
// from common-name lists, with families and namesakes), then has several
// sources list them the way such sources really do: a monitors' list in
// Kyrgyz Cyrillic, a hospital register in Russified Cyrillic with ages,
// media reports in ad-hoc Latin spellings, an authorities' list with
// initials and birth years, a registry in passport (ICAO) Latin with
// document numbers. Each source has its own columns, name order, scripts,
// typos, missing values and duplicates within itself.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bench/linkage/evaluation.h"
#include "linkage/linkage.h"

namespace kuzot::linkage::bench {

struct GeneratorOptions {
  uint64_t seed = 1;
  int persons = 2000;  // real people behind the lists
  int sources = 5;     // 1..5, in the order described above
  // Scales every source's coverage (share of the people it lists); 1 keeps
  // the defaults (60%, 40%, 35%, 40%, 30%).
  double coverage = 1.0;
  // Scales every error rate (typos, wrong dates, swapped order, ...).
  double noise = 1.0;
  // Share of people who belong to a family of 2-4 listed together
  // (siblings: same surname and father, same village).
  double families = 0.3;
};

// One list as a table: its columns, how they map to roles, its rows, and
// the person behind each row (ground truth).
struct GeneratedList {
  std::string name;  // "monitors", "hospital", ...
  std::vector<std::string> columns;
  std::vector<Role> roles;  // role of each column
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> person;  // per row
};

struct GeneratedLists {
  std::vector<GeneratedList> lists;
  std::string event_date;  // the date ages refer to
};

GeneratedLists GenerateVictimLists(const GeneratorOptions& options,
                                   const std::vector<Place>& gazetteer);

// The lists as engine records (ids "<list>:<row id>", the mapping the
// columns declare) and the person behind each.
Labelled ToRecords(const GeneratedLists& lists);

// The places of data/demo/*.json under `project_dir` (the generator's and
// the command line's default gazetteer).
std::vector<Place> DemoGazetteer(const std::string& project_dir);

}  // namespace kuzot::linkage::bench
