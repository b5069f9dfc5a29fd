// kuzot reconcile: record linkage of victim lists from CSV/XLSX files
// (src/linkage; doc/linkage.md). Writes DIR/pairs.csv, DIR/clusters.csv,
// DIR/model.json and, with --explain, DIR/explain.csv, all or nothing.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/commands.h"
#include "cli/progress.h"
#include "linkage/linkage.h"
#include "tabular/tabular.h"

namespace kuzot::cli {

extern const std::vector<std::string_view> kDemoBundles;

namespace {

namespace fs = std::filesystem;

struct ReconcileOptions {
  std::vector<std::string> inputs;
  std::vector<std::string> maps;
  std::string output;
  double threshold = 0.5;
  double pairs_min = -1;
  bool explain = false;
  std::string event_date;
  bool one_to_one = false;
  bool across_only = false;
  bool within_only = false;
  std::vector<std::string> rules;
  std::string gazetteer;
  std::string decisions;
  std::string encoding;
  std::string sheet;
  int threads = 0;
  int max_block = linkage::Settings{}.max_block_size;
  int window = linkage::Settings{}.window;
  double cannot_link = linkage::Settings{}.cannot_link_below;
  int64_t max_comparisons = -1;
};

// Wall-clock seconds of the stages, for model.json (bench/README.md).
struct Timer {
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  std::vector<std::pair<std::string, double>> laps;
  void Lap(std::string stage) {
    auto now = std::chrono::steady_clock::now();
    laps.push_back({std::move(stage), std::chrono::duration<double>(now - start).count()});
    start = now;
  }
  void Reset() { start = std::chrono::steady_clock::now(); }
};

std::string Number(int64_t n) {
  std::string s = std::to_string(n), out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i && (s.size() - i) % 3 == 0) out += ',';
    out += s[i];
  }
  return out;
}

// "lists/a.csv" -> "a"; repeated names get "-2", "-3".
std::vector<std::string> Labels(const std::vector<std::string>& inputs) {
  std::vector<std::string> labels;
  std::map<std::string, int> seen;
  for (const auto& path : inputs) {
    std::string label = fs::path(path).stem().string();
    if (label.empty()) label = "list";
    int n = ++seen[label];
    labels.push_back(n == 1 ? label : label + "-" + std::to_string(n));
  }
  return labels;
}

// --map COLUMN=ROLE applies to every input; N:COLUMN=ROLE or
// LABEL:COLUMN=ROLE to the N-th input (from 1) or the one with that label.
Result<std::vector<std::vector<linkage::ColumnRole>>> Mappings(
    const ReconcileOptions& o, const std::vector<std::string>& labels) {
  std::vector<std::vector<linkage::ColumnRole>> per_input(o.inputs.size());
  for (const auto& text : o.maps) {
    int scope = -1;
    std::string spec = text;
    size_t colon = text.find(':');
    if (colon != std::string::npos && colon < text.find('=')) {
      std::string prefix = text.substr(0, colon);
      for (size_t i = 0; i < o.inputs.size(); ++i) {
        if (prefix == std::to_string(i + 1) || prefix == labels[i] || prefix == o.inputs[i]) {
          scope = static_cast<int>(i);
        }
      }
      if (scope >= 0) spec = text.substr(colon + 1);
    }
    KUZOT_ASSIGN_OR_RETURN(linkage::ColumnRole column, linkage::ParseColumnRole(spec));
    for (size_t i = 0; i < o.inputs.size(); ++i) {
      if (scope < 0 || scope == static_cast<int>(i)) per_input[i].push_back(column);
    }
  }
  return per_input;
}

Result<std::vector<linkage::Place>> Gazetteer(const std::string& path) {
  if (path == "none") return std::vector<linkage::Place>{};
  if (path.empty()) return linkage::PlacesFromBundles(kDemoBundles);
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::InvalidArgument("cannot read the gazetteer " + path);
  std::stringstream bytes;
  bytes << in.rdbuf();
  std::string text = bytes.str();
  auto places = linkage::PlacesFromBundles({text});
  if (!places.ok()) return Status::InvalidArgument(path + ": " + places.status().message());
  return places;
}

// left_id,right_id,decision (same / different / unsure) from a CSV or XLSX.
Result<std::vector<linkage::Label>> Decisions(const ReconcileOptions& o) {
  std::vector<linkage::Label> labels;
  if (o.decisions.empty()) return labels;
  KUZOT_ASSIGN_OR_RETURN(tabular::Table table, tabular::ReadFile(o.decisions));
  auto left = table.Column("left_id"), right = table.Column("right_id"),
       decision = table.Column("decision");
  if (!left || !right || !decision) {
    return Status::InvalidArgument(table.name +
                                   ": needs the columns left_id, right_id and decision");
  }
  for (size_t r = 0; r < table.rows.size(); ++r) {
    const std::string& d = table.rows[r][*decision];
    linkage::Label label{table.rows[r][*left], table.rows[r][*right], linkage::Decision::kUnsure};
    if (d == "same")
      label.decision = linkage::Decision::kSame;
    else if (d == "different")
      label.decision = linkage::Decision::kDifferent;
    else if (d != "unsure") {
      return Status::InvalidArgument(table.Where(r, *decision) +
                                     ": the decision must be same, different or unsure");
    }
    labels.push_back(std::move(label));
  }
  return labels;
}

std::string Probability(double p) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(6) << p;
  return s.str();
}

std::string Weight(double w) {
  if (std::isinf(w)) return w > 0 ? "inf" : "-inf";
  std::ostringstream s;
  s << std::fixed << std::setprecision(3) << w;
  return s.str();
}

// Writes the outputs beside their final names, then renames them all: a
// failed run leaves DIR as it was.
class OutputFiles {
 public:
  explicit OutputFiles(fs::path dir) : dir_(std::move(dir)) {}
  ~OutputFiles() {
    std::error_code ec;
    for (const auto& [name, temp] : files_) fs::remove(temp, ec);
  }
  std::ofstream& Open(const std::string& name) {
    fs::path temp = dir_ / ("." + name + ".partial");
    files_.emplace_back(name, temp);
    streams_.emplace_back(
        std::make_unique<std::ofstream>(temp, std::ios::binary | std::ios::trunc));
    return *streams_.back();
  }
  Status Commit() {
    for (auto& s : streams_) {
      s->close();
      if (!*s) return Status::Unavailable("cannot write to " + dir_.string());
    }
    std::error_code ec;
    for (const auto& [name, temp] : files_) {
      fs::rename(temp, dir_ / name, ec);
      if (ec)
        return Status::Unavailable("cannot write " + (dir_ / name).string() + ": " + ec.message());
    }
    files_.clear();
    return Status::Ok();
  }

 private:
  fs::path dir_;
  std::vector<std::pair<std::string, fs::path>> files_;
  std::vector<std::unique_ptr<std::ofstream>> streams_;
};

Status WriteOutputs(const ReconcileOptions& o, const linkage::Linker& linker,
                    const linkage::Outcome& outcome,
                    const std::vector<std::pair<std::string, double>>& laps) {
  std::error_code ec;
  fs::create_directories(o.output, ec);
  if (ec) return Status::Unavailable("cannot create " + o.output + ": " + ec.message());
  const auto& records = linker.records();
  OutputFiles files(o.output);

  std::ofstream& pairs = files.Open("pairs.csv");
  tabular::WriteCsvRow(pairs, {"left_id", "right_id", "match_probability"});
  for (const auto& p : outcome.pairs) {
    tabular::WriteCsvRow(pairs,
                         {records[p.left].id, records[p.right].id, Probability(p.probability)});
  }

  std::ofstream& clusters = files.Open("clusters.csv");
  tabular::WriteCsvRow(clusters, {"record_id", "cluster_id"});
  for (size_t i = 0; i < records.size(); ++i) {
    tabular::WriteCsvRow(clusters, {records[i].id, std::to_string(outcome.cluster[i] + 1)});
  }

  if (o.explain) {
    std::ofstream& explain = files.Open("explain.csv");
    tabular::WriteCsvRow(explain, {"left_id", "right_id", "match_probability", "field", "level",
                                   "left_value", "right_value", "weight", "tf_weight"});
    for (const auto& p : outcome.pairs) {
      KUZOT_ASSIGN_OR_RETURN(linkage::Explanation e, linker.Explain(p.left, p.right));
      const std::string& a = records[p.left].id;
      const std::string& b = records[p.right].id;
      const std::string prob = Probability(p.probability);
      tabular::WriteCsvRow(explain, {a, b, prob, "prior", "", "", "", Weight(e.prior_weight), ""});
      for (const auto& f : e.fields) {
        tabular::WriteCsvRow(explain, {a, b, prob, f.field, f.level, f.left, f.right,
                                       Weight(f.weight), Weight(f.tf_weight)});
      }
      tabular::WriteCsvRow(explain,
                           {a, b, prob, "total", e.decision, "", "", Weight(e.weight), ""});
    }
  }

  nlohmann::json model = {{"records", records.size()},
                          {"candidate_pairs", outcome.candidate_pairs},
                          {"threshold", o.threshold},
                          {"lambda", outcome.model.lambda},
                          {"em_iterations", outcome.model.iterations},
                          {"em_converged", outcome.model.converged},
                          {"labelled_pairs", outcome.model.labelled_pairs},
                          {"blocking", nlohmann::json::array()},
                          {"levels", nlohmann::json::array()},
                          {"warnings", outcome.warnings},
                          {"seconds", nlohmann::json::object()}};
  for (const auto& [stage, seconds] : laps) model["seconds"][stage] = seconds;
  for (const auto& r : outcome.blocking) {
    model["blocking"].push_back({{"rule", r.rule},
                                 {"comparisons", r.comparisons},
                                 {"new_pairs", r.new_pairs},
                                 {"large_blocks", r.large_blocks},
                                 {"skipped", r.skipped}});
  }
  for (const auto& l : outcome.model.levels) {
    model["levels"].push_back(
        {{"field", l.field}, {"level", l.level}, {"m", l.m}, {"u", l.u}, {"weight", l.weight}});
  }
  files.Open("model.json") << model.dump(2) << "\n";
  return files.Commit();
}

int Reconcile(const ReconcileOptions& o) {
  const auto fail = [](const std::string& message) {
    std::cerr << "kuzot reconcile: " << message << "\nnothing was written\n";
    return 1;
  };
  if (o.within_only && o.across_only)
    return fail("--link-only and --dedupe-only exclude each other");
  std::vector<std::string> labels = Labels(o.inputs);
  auto maps = Mappings(o, labels);
  if (!maps.ok()) return fail(maps.status().message());

  Timer timer;
  std::vector<linkage::Record> records;
  tabular::ReadOptions read;
  read.encoding = o.encoding;
  read.sheet = o.sheet;
  for (size_t i = 0; i < o.inputs.size(); ++i) {
    ProgressBar bar("reading " + labels[i]);
    bar.Update(0, 0);
    auto table = tabular::ReadFile(o.inputs[i], read);
    if (!table.ok()) return fail(table.status().message());
    auto list = linkage::RecordsFromTable(*table, (*maps)[i], static_cast<uint32_t>(i), labels[i]);
    if (!list.ok()) return fail(list.status().message());
    std::cerr << o.inputs[i] << ": " << Number(list->size()) << " rows (" << table->encoding
              << ")\n";
    if (records.empty()) {
      records = std::move(*list);
    } else {
      records.reserve(records.size() + list->size());
      for (auto& r : *list) records.push_back(std::move(r));
    }
  }
  timer.Lap("reading");
  auto gazetteer = Gazetteer(o.gazetteer);
  if (!gazetteer.ok()) return fail(gazetteer.status().message());
  auto decisions = Decisions(o);
  if (!decisions.ok()) return fail(decisions.status().message());

  linkage::Settings settings;
  settings.threshold = o.threshold;
  settings.report_min_probability = o.pairs_min;
  settings.one_to_one = o.one_to_one;
  settings.within_lists = !o.across_only;
  settings.across_lists = !o.within_only;
  settings.blocking_rules = o.rules;
  settings.event_date = o.event_date;
  settings.threads = o.threads;
  settings.max_block_size = o.max_block;
  settings.window = o.window;
  settings.cannot_link_below = o.cannot_link;
  settings.max_comparisons = o.max_comparisons;
  auto linker = linkage::Linker::Create(std::move(records), settings, std::move(*gazetteer));
  if (!linker.ok()) return fail(linker.status().message());
  timer.Lap("normalising");

  std::cerr << "blocking rules (comparisons each makes):\n";
  for (const auto& r : (*linker)->PlannedComparisons()) {
    std::cerr << "  " << std::left << std::setw(24) << r.rule << std::right << std::setw(14)
              << Number(r.comparisons)
              << (r.large_blocks
                      ? "  (" + Number(r.large_blocks) + " large blocks by sorted neighbourhood)"
                      : "")
              << (r.skipped ? "  skipped: over the comparison budget (--max-comparisons)" : "")
              << "\n";
  }
  std::unique_ptr<ProgressBar> bar;
  std::string stage;
  auto outcome = (*linker)->Run(*decisions, [&](std::string_view s, int64_t done, int64_t total) {
    if (s != stage) {
      bar.reset();
      stage = s;
      if (stage != "done") bar = std::make_unique<ProgressBar>(stage);
    }
    if (bar) bar->Update(done, total);
  });
  bar.reset();
  if (!outcome.ok()) return fail(outcome.status().message());
  for (const auto& w : outcome->warnings) std::cerr << "warning: " << w << "\n";
  for (const auto& t : outcome->timings) timer.laps.push_back(t);
  timer.Reset();
  Status written = WriteOutputs(o, **linker, *outcome, timer.laps);
  if (!written.ok()) return fail(written.message());

  int64_t links = 0;
  for (const auto& p : outcome->pairs) links += p.probability >= o.threshold;
  std::map<uint32_t, int> sizes;
  for (uint32_t c : outcome->cluster) ++sizes[c];
  int64_t multi = 0;
  for (const auto& [c, n] : sizes) multi += n > 1;
  std::cout << Number((*linker)->records().size()) << " records, "
            << Number(outcome->candidate_pairs) << " pairs compared, " << Number(links)
            << " pairs at or above " << o.threshold << ", " << Number(sizes.size()) << " clusters ("
            << Number(multi) << " with more than one record); written to " << o.output << "\n";
  return 0;
}

}  // namespace

void AddReconcileCommand(CLI::App& app) {
  auto o = std::make_shared<ReconcileOptions>();
  CLI::App* cmd = app.add_subcommand(
      "reconcile",
      "Find who is who in victim lists (CSV or XLSX): link several lists and deduplicate each; "
      "see doc/linkage.md");
  cmd->add_option("--input", o->inputs, "a list (CSV or XLSX); repeat for several")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--map", o->maps,
                  "COLUMN=ROLE, for every input; N:COLUMN=ROLE or LABEL:COLUMN=ROLE for one input. "
                  "Roles: id, full_name, first_name, last_name, patronymic, birth_date, "
                  "birth_year, age, sex, place, address, document_id, other")
      ->required();
  cmd->add_option("--output", o->output, "directory for pairs.csv, clusters.csv, model.json")
      ->required();
  cmd->add_option("--threshold", o->threshold, "match probability at and above which pairs link")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  cmd->add_option("--pairs-min", o->pairs_min,
                  "write pairs down to this probability (default: the threshold)")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_flag("--explain", o->explain, "also write explain.csv: every pair, field by field");
  cmd->add_option(
      "--event-date", o->event_date,
      "the date ages refer to (YYYY, YYYY-MM or YYYY-MM-DD); needed with an age column");
  cmd->add_flag("--one-to-one", o->one_to_one,
                "link each record to at most one record of each other list; no deduplication");
  cmd->add_flag("--link-only", o->across_only, "compare records of different lists only");
  cmd->add_flag("--dedupe-only", o->within_only, "compare records within each list only");
  cmd->add_option("--rule", o->rules,
                  "a blocking rule (keys joined by '+': names, name, initial, birth_date, "
                  "birth_year, sex, place, district, document_id, address, patronymic, otherN); "
                  "repeat for several; replaces the defaults");
  cmd->add_option("--gazetteer", o->gazetteer,
                  "places to compare through: a kuzot JSON bundle (kuzot export); \"none\" for "
                  "none; default: the built-in places of Kyrgyzstan and the Batken region");
  cmd->add_option("--decisions", o->decisions,
                  "CSV or XLSX of earlier decisions: left_id, right_id, decision "
                  "(same/different/unsure)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--encoding", o->encoding, "force the inputs' encoding (e.g. windows-1251)");
  cmd->add_option("--sheet", o->sheet, "XLSX sheet to read (default: the first)");
  cmd->add_option("--threads", o->threads, "worker threads (default: all cores)")
      ->check(CLI::Range(0, 256));
  cmd->add_option("--max-block", o->max_block,
                  "blocks larger than this are compared by sorted neighbourhood")
      ->check(CLI::Range(2, 1000000))
      ->capture_default_str();
  cmd->add_option("--window", o->window, "sorted-neighbourhood window")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  cmd->add_option("--max-comparisons", o->max_comparisons,
                  "with the default rules, skip the costliest rules past this many comparisons; "
                  "-1: 15 per record + 1,000,000; 0: no limit")
      ->capture_default_str();
  cmd->add_option("--cannot-link", o->cannot_link,
                  "chaining guard: never cluster records whose own pair scored below this")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  cmd->callback([o] {
    int rc = Reconcile(*o);
    if (rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace kuzot::cli
