// kuzot estimate: multiple systems estimation from a capture-history file
// (doc/estimation.md).
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "cli/commands.h"
#include "cli/data_dir.h"
#include "cli/progress.h"
#include "stats/estimate.h"
#include "stats/stats_service.h"
#include "tabular/tabular.h"

namespace kuzot::cli {
namespace {

struct EstimateFlags {
  std::string input;
  // From the records instead of a file.
  bool from_records = false;
  std::string data_dir = "./kuzot-data";
  std::string event_id;
  std::string place_id;
  std::vector<std::string> act_types;
  std::string date_from;
  std::string date_to;
  std::string method = "loglinear";
  std::string format = "text";
  std::vector<std::string> lists;
  std::string count_column = "count";
  std::vector<std::string> strata;
  std::string export_form;
  std::string output;
  double level = 0.95;
  int top = 10;
  // log-linear
  std::string criterion = "aic";
  int max_order = 0;
  // bma
  double delta = 0;
  std::string prior = "1/N";
  double prior_a = 0;
  double prior_b = 0;
  std::int64_t min_missing = 0;
  std::int64_t max_missing = -1;
  // lcmcr
  int classes = 5;
  std::int64_t iterations = 10000;
  std::int64_t burn_in = 10000;
  int thinning = 10;
  double a_alpha = 0.25;
  double b_alpha = 0.25;
  std::uint64_t seed = 1;
};

int Fail(const std::string& message) {
  std::cerr << "kuzot estimate: " << message << "\n";
  return 1;
}

Result<stats::EstimateOptions> ToOptions(const EstimateFlags& f) {
  stats::EstimateOptions o;
  KUZOT_ASSIGN_OR_RETURN(o.method, stats::ParseMethod(f.method));
  o.loglinear.criterion = f.criterion == "bic" ? stats::Criterion::kBic : stats::Criterion::kAic;
  o.loglinear.max_order = f.max_order;
  o.loglinear.level = f.level;
  o.bma.delta = f.delta;
  o.bma.min_missing = f.min_missing;
  o.bma.max_missing = f.max_missing;
  o.bma.level = f.level;
  KUZOT_ASSIGN_OR_RETURN(o.bma.prior.kind, stats::ParsePrior(f.prior));
  o.bma.prior.a = f.prior_a;
  o.bma.prior.b = f.prior_b;
  o.lcmcr.classes = f.classes;
  o.lcmcr.iterations = f.iterations;
  o.lcmcr.burn_in = f.burn_in;
  o.lcmcr.thinning = f.thinning;
  o.lcmcr.a_alpha = f.a_alpha;
  o.lcmcr.b_alpha = f.b_alpha;
  o.lcmcr.seed = f.seed;
  o.lcmcr.level = f.level;
  return o;
}

// Writes `text` to --output (through a temporary file, so that a failure
// leaves nothing half written) or to standard output.
int Emit(const EstimateFlags& f, const std::string& text) {
  if (f.output.empty() || f.output == "-") {
    std::cout << text;
    return 0;
  }
  const std::string temp = f.output + ".partial";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) return Fail("cannot write " + f.output);
  }
  if (std::rename(temp.c_str(), f.output.c_str()) != 0) return Fail("cannot write " + f.output);
  return 0;
}

int Export(const EstimateFlags& f, const std::vector<stats::Stratum>& strata) {
  tabular::Table t = f.export_form == "dga"     ? stats::DgaTable(strata)
                     : f.export_form == "lcmcr" ? stats::LcmcrTable(strata)
                                                : stats::PatternTable(strata);
  if (f.output.size() > 5 && f.output.substr(f.output.size() - 5) == ".xlsx") {
    Status s = tabular::WriteXlsx(f.output, {{"capture histories", t.header, t.rows}});
    return s.ok() ? 0 : Fail(s.message());
  }
  std::ostringstream out;
  tabular::WriteCsv(out, t.header, t.rows);
  return Emit(f, out.str());
}

// The capture histories of the victims in the database and the sources
// that name them, as an administrator sees them.
Result<std::vector<stats::Stratum>> FromRecords(const EstimateFlags& f) {
  KUZOT_ASSIGN_OR_RETURN(auto records, OpenDataDir(f.data_dir));
  stats::StatsService service(*records);
  stats::HistoryRequest q;
  q.lists = f.lists;
  if (f.strata.size() > 1)
    return Status::InvalidArgument("from the records, stratify by one dimension or field:NAME");
  if (!f.strata.empty()) q.strata = f.strata.front();
  q.acts = {f.event_id, f.place_id, f.act_types, f.date_from, f.date_to};
  KUZOT_ASSIGN_OR_RETURN(auto h, service.CaptureHistories(Caller::System("estimate"), q));
  for (const auto& note : h.notes) std::cerr << "kuzot estimate: note: " << note << "\n";
  return h.strata;
}

int Run(const EstimateFlags& f) {
  auto options = ToOptions(f);
  if (!options.ok()) return Fail(options.status().message());
  if (f.from_records == !f.input.empty())
    return Fail("give either --input FILE or --from-records (the victims in --data)");
  std::vector<stats::Stratum> strata;
  if (f.from_records) {
    auto read = FromRecords(f);
    if (!read.ok())
      return Fail((read.status().field().empty() ? "" : "--" + read.status().field() + ": ") +
                  read.status().message());
    strata = std::move(read).value();
  } else {
    auto table = tabular::ReadFile(f.input);
    if (!table.ok()) return Fail(table.status().message());
    stats::HistoryColumns columns;
    columns.lists = f.lists;
    columns.count_column = f.count_column;
    columns.strata = f.strata;
    auto read = stats::ReadCaptureHistories(*table, columns);
    if (!read.ok()) return Fail(read.status().message());
    strata = std::move(read).value();
  }
  if (!f.export_form.empty()) return Export(f, strata);

  ProgressBar bar("sampling");
  options->lcmcr.progress = [&](std::int64_t d, std::int64_t t) { bar.Update(d, t); };
  stats::Json all = stats::Json::array();
  std::string text;
  const std::string source = f.from_records ? f.data_dir : f.input;
  for (const stats::Stratum& s : strata) {
    auto report = stats::Estimate(s.history, *options);
    const std::string where = source + (f.strata.empty() ? "" : " (stratum " + s.label + ")");
    if (!report.ok()) return Fail(where + ": " + report.status().message());
    if (f.format == "json") {
      stats::Json j = stats::ToJson(*report, s.history, f.top);
      if (!f.strata.empty()) {
        stats::Json with{{"stratum", s.label}};
        for (auto& [key, value] : j.items()) with[key] = value;
        j = std::move(with);
      }
      all.push_back(std::move(j));
    } else {
      if (!f.strata.empty()) text += "== Stratum: " + s.label + "\n";
      text += stats::ToText(*report, s.history, f.top) + "\n";
    }
  }
  if (f.format == "json") {
    stats::Json out = f.strata.empty() ? all.front() : stats::Json{{"strata", all}};
    return Emit(f, out.dump(2) + "\n");
  }
  return Emit(f, text);
}

}  // namespace

void AddEstimateCommand(CLI::App& app) {
  auto f = std::make_shared<EstimateFlags>();
  CLI::App* cmd =
      app.add_subcommand("estimate",
                         "Estimate how many victims no list recorded (multiple systems estimation; "
                         "doc/estimation.md)");
  cmd->footer(
      "FILE is a CSV or XLSX with one 0/1 column per list and an optional `count` column (one\n"
      "row per pattern of lists with its count, or one row per person). Example:\n"
      "  kuzot estimate --input lists.csv --method bma --format json\n"
      "Or from the database: the victims and the sources (lists) each is linked to:\n"
      "  kuzot estimate --from-records --data ./kuzot-data --event ID --method lcmcr");
  cmd->add_option("-i,--input", f->input, "capture histories (CSV or XLSX)")
      ->check(CLI::ExistingFile);
  cmd->add_flag("--from-records", f->from_records,
                "use the victims in the database and the sources their records name as lists "
                "(--lists SOURCE_ID,... to choose; --strata DIMENSION or field:NAME)");
  cmd->add_option("--data", f->data_dir, "--from-records: data directory")
      ->envname("KUZOT_DATA")
      ->capture_default_str();
  AddKeyFileOption(cmd);
  cmd->add_option("--event", f->event_id, "--from-records: victims of acts of this event");
  cmd->add_option("--place", f->place_id, "--from-records: victims of acts at this place");
  cmd->add_option("--act-type", f->act_types, "--from-records: victims of acts of these types")
      ->delimiter(',');
  cmd->add_option("--date-from", f->date_from, "--from-records: acts dated from");
  cmd->add_option("--date-to", f->date_to, "--from-records: acts dated until");
  cmd->add_option("-m,--method", f->method, "loglinear, bma or lcmcr")
      ->check(CLI::IsMember({"loglinear", "bma", "lcmcr"}))
      ->capture_default_str();
  cmd->add_option("--format", f->format, "json or text")
      ->check(CLI::IsMember({"json", "text"}))
      ->capture_default_str();
  cmd->add_option("-o,--output", f->output, "file to write; standard output when absent");
  cmd->add_option("--lists", f->lists,
                  "the list columns (default: every column but count and strata); "
                  "--from-records: the source ids")
      ->delimiter(',');
  cmd->add_option("--count-column", f->count_column, "the column of counts, when present")
      ->capture_default_str();
  cmd->add_option("--strata", f->strata, "columns to stratify by; one estimate per stratum")
      ->delimiter(',');
  cmd->add_option("--export", f->export_form,
                  "write the capture-history table instead of estimating: dga (2^k array "
                  "order), lcmcr (one row per person) or patterns")
      ->check(CLI::IsMember({"dga", "lcmcr", "patterns"}));
  cmd->add_option("--level", f->level, "interval level")
      ->check(CLI::Range(0.5, 0.999))
      ->capture_default_str();
  cmd->add_option("--top", f->top, "models listed in the report")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  // log-linear
  cmd->add_option("--criterion", f->criterion, "loglinear: model choice by aic or bic")
      ->check(CLI::IsMember({"aic", "bic"}))
      ->capture_default_str();
  cmd->add_option("--max-order", f->max_order,
                  "loglinear: highest interaction order (default k-1 up to 5 lists, 2 for 6)")
      ->check(CLI::Range(1, 15));
  // bma
  cmd->add_option("--delta", f->delta,
                  "bma: hyper-Dirichlet parameter (default 2^-k, as dga suggests)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--prior", f->prior,
                  "bma: prior on the total N: 1/N (dga's default), uniform or negbin")
      ->check(CLI::IsMember({"1/N", "uniform", "negbin"}))
      ->capture_default_str();
  cmd->add_option("--prior-a", f->prior_a, "bma: negative binomial prior's a (Madigan & York)");
  cmd->add_option("--prior-b", f->prior_b, "bma: negative binomial prior's b (Madigan & York)");
  cmd->add_option("--min-missing", f->min_missing, "bma: smallest number missed considered")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd->add_option("--max-missing", f->max_missing,
                  "bma: largest number missed considered (default: until the posterior vanishes)")
      ->check(CLI::NonNegativeNumber);
  // lcmcr
  cmd->add_option("--classes", f->classes, "lcmcr: latent classes K (LCMCR's default 5)")
      ->check(CLI::Range(2, 1000))
      ->capture_default_str();
  cmd->add_option("--iterations", f->iterations, "lcmcr: iterations after burn-in")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--burn-in", f->burn_in, "lcmcr: iterations discarded first")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd->add_option("--thinning", f->thinning, "lcmcr: keep every n-th draw")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--a-alpha", f->a_alpha,
                  "lcmcr: Gamma prior of the stick-breaking concentration, shape")
      ->capture_default_str();
  cmd->add_option("--b-alpha", f->b_alpha, "lcmcr: ... and rate")->capture_default_str();
  cmd->add_option("--seed", f->seed, "lcmcr: random seed; the same seed gives the same draws")
      ->capture_default_str();
  cmd->callback([f] {
    int rc = Run(*f);
    if (rc) throw CLI::RuntimeError(rc);
  });
}

}  // namespace kuzot::cli
