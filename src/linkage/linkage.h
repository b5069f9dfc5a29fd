// Record linkage of victim lists: who in list A is who in list B, and who
// appears twice in the same list, across Cyrillic and Latin spellings.
//
// A Linker takes the records of one or more lists (already mapped to the
// roles below), compares the candidate pairs that its blocking rules find,
// fits a Fellegi-Sunter model by EM (improved by a person's decisions when
// there are some), and returns every scored pair with its match probability
// and the clusters of records that are the same person. doc/linkage.md
// describes the model, the comparison levels and every setting.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "tabular/tabular.h"

namespace kuzot::linkage {

// ---------------------------------------------------------------- spelling

// Lower-case ASCII Latin form of UTF-8 text: Russian and Kyrgyz Cyrillic by
// ICU's BGN/PCGN transliterators (ky-ky_Latn/BGN when the text has Kyrgyz
// letters, Russian-Latin/BGN otherwise), the Tajik, Uzbek and Kazakh letters
// by Kuzot's own rules, Latin diacritics dropped. Thread-safe; cached.
std::string ToLatin(std::string_view utf8);

// The spelling key of one lower-case Latin word: the ways people write the
// same Central Asian name in Latin letters fold to one key ("Jeenbekov",
// "Zheenbekov", "Dzheenbekov" -> one key; kh/h/x, y/i, doubled letters, ...).
// Thread-safe.
std::string SpellingKey(std::string_view latin_word);

// "12.05.1990", "19900512", "1990-05-12" -> "1990-05-12"; "1990" and
// "05.1990" -> "1990"; empty when the text is no (possible) date.
std::string NormalizeDate(std::string_view text);
// "ж", "аял", "F", "female", ... -> "female"; likewise "male"; else empty.
std::string NormalizeSex(std::string_view text);

// ---------------------------------------------------------------- input

// What a column of an input list means.
enum class Role {
  kId,
  kFullName,
  kFirstName,
  kLastName,
  kPatronymic,
  kBirthDate,
  kBirthYear,
  kAge,
  kSex,
  kPlace,
  kAddress,
  kDocumentId,
  kOther,
};

inline constexpr size_t kRoleCount = 13;

// "id", "full_name", ... for messages and files; ParseRole is its inverse
// (InvalidArgument listing the known roles when `name` is none of them).
const char* RoleName(Role role);
Result<Role> ParseRole(std::string_view name);

// One row of a list. Empty strings are missing values. A field that several
// columns map to holds their values joined by a space.
struct Record {
  std::string id;       // unique among all records of a run
  std::string origin;   // where the row came from, for messages ("a.csv row 12")
  uint32_t source = 0;  // which list (0, 1, ...)
  std::string full_name, first_name, last_name, patronymic;
  std::string birth_date;  // YYYY-MM-DD, DD.MM.YYYY, YYYYMMDD, YYYY-MM or YYYY
  std::string birth_year;
  std::string age;         // age in years at `event_date`
  std::string event_date;  // the date `age` refers to; Settings::event_date if empty
  std::string sex;         // f/m, female/male, ж/м, ... anything else is missing
  std::string place;       // a place name, looked up in the gazetteer
  std::string address;
  std::string document_id;
  std::vector<std::string> other;  // one value per "other" column, same order in every list
  // The columns each role was read from (by Role), for messages; may be empty.
  std::array<std::string, kRoleCount> columns;
};

// A column of a list and what it means ("ФИО=full_name").
struct ColumnRole {
  std::string column;  // matched to the header ignoring case and spaces
  Role role;
};

// Parses "COLUMN=ROLE" (the last '=' separates them). InvalidArgument
// naming the text when it is not of that form or the role is unknown.
Result<ColumnRole> ParseColumnRole(std::string_view text);

// The records of one list (a table read by src/tabular). Ids are
// "<label>:<value of the id column>", or "<label>:row<N>" (N as a
// spreadsheet numbers rows) when no column is the id; `origin` names the
// file and row. Several columns may share a role (their values are joined
// by a space); each "other" column is a field of its own. InvalidArgument
// naming the file and the column for a mapped column the table lacks (with
// the columns it has), two id columns, an empty or repeated id (with its
// row), or no column mapped to a name role.
Result<std::vector<Record>> RecordsFromTable(const tabular::Table& table,
                                             const std::vector<ColumnRole>& columns,
                                             uint32_t source, const std::string& label);

// A place of the gazetteer (country > oblast > district > village). Place
// comparison goes through it when a record's place is one of its names.
struct Place {
  std::string id;
  std::vector<std::string> names;  // every spelling, any script
  std::string level;               // country, oblast, district, city, village, ...
  std::string parent_id;           // empty for a root
};

// The places of kuzot bundles (the JSON of `kuzot export` or
// data/demo/*.json), merged: id is the record's "id" or "key", parent_id
// its body's parent_id without the '@' of a key reference. InvalidArgument
// naming the bundle and the problem when the text is not a bundle.
Result<std::vector<Place>> PlacesFromBundles(const std::vector<std::string_view>& bundles);

// A person's decision about a pair, reused as a label for EM and as a
// forced link (kSame) or non-link (kDifferent) in clustering.
enum class Decision { kSame, kDifferent, kUnsure };
struct Label {
  std::string left_id, right_id;
  Decision decision = Decision::kUnsure;
};

// ---------------------------------------------------------------- settings

// Every knob of the engine, with its default. doc/linkage.md explains each.
struct Settings {
  // Pairs at or above this match probability are links; clusters are the
  // connected components of links (with the guard below).
  double threshold = 0.5;
  // Pairs reported in Outcome::pairs: those at or above this probability
  // (negative: the threshold).
  double report_min_probability = -1;
  // Compare records of the same list (deduplicate) and of different lists.
  bool within_lists = true;
  bool across_lists = true;
  // Linking two lists: each record is linked to at most one record of each
  // other list (the best-scoring pairs first). Implies within_lists = false.
  bool one_to_one = false;
  // Chaining guard: two clusters are not joined when a direct comparison
  // between them scored below this probability, or a person said
  // "different". 0 turns the guard off.
  double cannot_link_below = 0.01;
  // Blocking rules, OR-ed: keys joined by '+', e.g. "names", "name+birth_date".
  // Empty: the defaults for the roles present (see doc/linkage.md).
  std::vector<std::string> blocking_rules;
  // Blocks larger than this are compared by sorted neighbourhood (each
  // record with the next `window` records in key order) instead of all pairs.
  int max_block_size = 100;
  int window = 20;
  // With the default rules, a rule whose blocks would take the planned
  // comparisons past this budget is skipped (cheapest rules first; the
  // "names" rule always runs). -1: 15 per record plus one million; 0: no
  // budget. Rules given in blocking_rules always run.
  int64_t max_comparisons = -1;
  // String comparison levels: Jaro-Winkler similarity of spelling keys.
  double close_similarity = 0.92;
  double medium_similarity = 0.80;
  // Term-frequency adjustment of exact agreement on names, patronymics,
  // dates and places: sharing a rare value counts for more.
  bool term_frequency = true;
  // EM stops after this many iterations or when no parameter moves more
  // than the tolerance.
  int em_max_iterations = 200;
  double em_tolerance = 1e-6;
  // The date ages refer to when a record has none (YYYY[-MM[-DD]]).
  std::string event_date;
  // Worker threads for comparisons; 0: as many as the machine has.
  int threads = 0;
};

// ---------------------------------------------------------------- output

// What one blocking rule does: pairs its blocks make, and how many of them
// no earlier rule had found.
struct RuleCount {
  std::string rule;
  int64_t comparisons = 0;
  int64_t new_pairs = 0;
  int64_t large_blocks = 0;  // blocks compared by sorted neighbourhood
  bool skipped = false;      // over the comparison budget (see Settings)
};

// The fitted model: the prior and, for each field and level, m = P(level |
// same person) and u = P(level | different persons).
struct FieldLevel {
  std::string field, level;
  double m = 0, u = 0;
  double weight = 0;  // log2(m / u)
};
struct Model {
  double lambda = 0;  // share of all pairs (not only the compared ones) that match
  int iterations = 0;
  bool converged = false;
  int labelled_pairs = 0;
  std::vector<FieldLevel> levels;
};

// A scored pair of records (indices into the input vector, left < right).
struct Pair {
  uint32_t left = 0, right = 0;
  double weight = 0;       // log2 Bayes factor including the prior
  double probability = 0;  // posterior match probability
};

// One field of a pair's explanation.
struct FieldScore {
  std::string field;
  std::string level;        // "exact", "close", ..., "missing"
  std::string left, right;  // the values compared, as normalised
  double weight = 0;        // log2(m/u) of the level (0 when missing)
  double tf_weight = 0;     // term-frequency adjustment added to it
};
struct Explanation {
  double prior_weight = 0;  // log2 of the prior odds of a match
  std::vector<FieldScore> fields;
  double weight = 0;  // prior + fields' weights and tf weights
  double probability = 0;
  std::string decision;  // "same"/"different" when a label forced it
};

struct Outcome {
  std::vector<RuleCount> blocking;
  int64_t candidate_pairs = 0;
  Model model;
  std::vector<Pair> pairs;            // by descending probability
  std::vector<uint32_t> cluster;      // cluster id of each record (0..n-1)
  std::vector<std::string> warnings;  // e.g. dates that are not dates
  // Wall-clock seconds of each stage ("blocking", "comparing", ...), in order.
  std::vector<std::pair<std::string, double>> timings;
};

// Called with a stage name ("comparing", ...) and how far it is.
using ProgressFn = std::function<void(std::string_view stage, int64_t done, int64_t total)>;

// ---------------------------------------------------------------- the engine

// A linkage run over a fixed set of records. Create it, look at the
// planned comparisons, Run it, then Explain any pair. Not thread-safe (it
// uses threads inside Run).
class Linker {
 public:
  virtual ~Linker() = default;

  // Normalises the records and plans the blocking. InvalidArgument (naming
  // the record's origin and the field) for an empty or duplicate id, an age
  // without an event date, an unknown blocking key or an unusable setting.
  // Records without a name and dates that are no dates are compared on
  // what they have, with a warning naming them (Outcome::warnings).
  static Result<std::unique_ptr<Linker>> Create(std::vector<Record> records,
                                                const Settings& settings,
                                                std::vector<Place> gazetteer = {});

  // The comparisons each blocking rule will make, counted from the block
  // sizes before any comparison is run.
  virtual const std::vector<RuleCount>& PlannedComparisons() const = 0;

  // Compares, fits the model (labels whose ids are unknown are ignored;
  // kUnsure labels carry no information) and clusters.
  virtual Result<Outcome> Run(const std::vector<Label>& labels = {},
                              const ProgressFn& progress = {}) = 0;

  // The field-by-field explanation of any two records (after Run).
  // InvalidArgument when an index is out of range or Run has not succeeded.
  virtual Result<Explanation> Explain(uint32_t a, uint32_t b) const = 0;

  virtual const std::vector<Record>& records() const = 0;
};

}  // namespace kuzot::linkage
