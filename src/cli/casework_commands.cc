// kuzot recommendations import: recommendations from a Universal Human
// Rights Index export; kuzot deadlines: what is due across cases.
#include <fstream>
#include <iostream>
#include <sstream>

#include "casework/casework.h"
#include "cli/commands.h"
#include "cli/data_dir.h"

namespace kuzot::cli {
namespace {

struct ImportOptions {
  std::string data_dir = "./kuzot-data";
  std::string file;
  std::string user = "import";
  bool dry_run = false;
  std::vector<std::string> addressees;
  std::string confidentiality = "public";
};

int ImportRecommendations(const ImportOptions& o) {
  std::ifstream in(o.file, std::ios::binary);
  if (!in) {
    std::cerr << "kuzot recommendations import: cannot open " << o.file << "\n";
    return 1;
  }
  std::stringstream bytes;
  bytes << in.rdbuf();
  auto records = OpenDataDir(o.data_dir);
  if (!records.ok()) {
    std::cerr << "kuzot recommendations import: " << records.status().message() << "\n";
    return 1;
  }
  casework::CaseworkService casework(*records.value());
  casework::ImportOptions options;
  options.dry_run = o.dry_run;
  options.addressee_ids = o.addressees;
  options.confidentiality = o.confidentiality;
  auto report = casework.ImportUhriFile(Caller::System(o.user), bytes.str(), o.file, options);
  if (!report.ok()) {
    std::cerr << "kuzot recommendations import: " << report.status().message()
              << "\nnothing was imported\n";
    return 1;
  }
  const auto& r = report.value();
  std::cout << (o.dry_run ? "would import " : "imported ") << r["would_import"].get<int64_t>()
            << " recommendations from " << r["rows"].get<int64_t>() << " rows; "
            << r["already_present"].get<int64_t>() << " already present\n";
  for (const auto& [type, n] : r["skipped_not_recommendations"].items()) {
    std::cout << "skipped " << n.get<int64_t>() << " rows of type \"" << type << "\"\n";
  }
  for (const auto& label : r["unmapped_labels"]) {
    std::cout << "no vocabulary term for " << label["column"].get<std::string>() << " \""
              << label["label"].get<std::string>() << "\" (" << label["count"].get<int64_t>()
              << " rows); kept in labels_as_published\n";
  }
  return 0;
}

struct DeadlineOptions {
  std::string data_dir = "./kuzot-data";
  casework::DeadlineQuery query;
  bool json = false;
};

int ListDeadlines(const DeadlineOptions& o) {
  auto records = OpenDataDir(o.data_dir);
  if (!records.ok()) {
    std::cerr << "kuzot deadlines: " << records.status().message() << "\n";
    return 1;
  }
  casework::CaseworkService casework(*records.value());
  auto result = casework.Deadlines(Caller::System("cli"), o.query);
  if (!result.ok()) {
    std::cerr << "kuzot deadlines: "
              << (result.status().field().empty() ? "" : result.status().field() + ": ")
              << result.status().message() << "\n";
    return 1;
  }
  if (o.json) {
    std::cout << result->dump(1) << "\n";
    return 0;
  }
  for (const auto& item : (*result)["items"]) {
    int days = item["days_left"].get<int>();
    std::cout << item["date"].get<std::string>() << "  "
              << (days < 0 ? "OVERDUE " + std::to_string(-days) + "d"
                           : "in " + std::to_string(days) + "d")
              << "  " << item["kind"].get<std::string>() << "  "
              << item["record"]["title"].get<std::string>();
    std::string description = item.value("description", "");
    if (!description.empty()) std::cout << ": " << description;
    std::cout << "\n";
  }
  return 0;
}

}  // namespace

void AddCaseworkCommands(CLI::App& app) {
  auto import = std::make_shared<ImportOptions>();
  CLI::App* recommendations =
      app.add_subcommand("recommendations", "Recommendations and their implementation");
  recommendations->require_subcommand(1);
  CLI::App* cmd = recommendations->add_subcommand(
      "import",
      "Import recommendations from a Universal Human Rights Index export (CSV or XLSX); all or "
      "nothing");
  cmd->add_option("--data", import->data_dir, "data directory")
      ->envname("KUZOT_DATA")
      ->capture_default_str();
  AddKeyFileOption(cmd);
  cmd->add_flag("--dry-run", import->dry_run, "check the whole file, write nothing");
  cmd->add_option("--addressee", import->addressees,
                  "id of a state body the recommendations are addressed to (repeatable)");
  cmd->add_option("--confidentiality", import->confidentiality, "level of the new records")
      ->check(CLI::IsMember({"public", "internal", "restricted", "secret"}))
      ->capture_default_str();
  cmd->add_option("--user", import->user, "name recorded as the author of new records")
      ->capture_default_str();
  cmd->add_option("FILE", import->file, "the export (.csv or .xlsx)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->callback([import] {
    int rc = ImportRecommendations(*import);
    if (rc) throw CLI::RuntimeError(rc);
  });

  auto deadlines = std::make_shared<DeadlineOptions>();
  CLI::App* dl = app.add_subcommand(
      "deadlines", "Open deadlines, coming hearings and follow-ups across cases, soonest first");
  dl->add_option("--data", deadlines->data_dir, "data directory")
      ->envname("KUZOT_DATA")
      ->capture_default_str();
  AddKeyFileOption(dl);
  dl->add_option("--days", deadlines->query.days, "how many days ahead")
      ->check(CLI::Range(0, 3660))
      ->capture_default_str();
  dl->add_option("--as-of", deadlines->query.as_of, "the day to count from (YYYY-MM-DD); today");
  dl->add_option("--lawyer", deadlines->query.lawyer_id, "only this lawyer's (person id)");
  dl->add_flag("--json", deadlines->json, "print JSON");
  dl->callback([deadlines] {
    int rc = ListDeadlines(*deadlines);
    if (rc) throw CLI::RuntimeError(rc);
  });
}

}  // namespace kuzot::cli
