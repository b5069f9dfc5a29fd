// kuzot import / export: whole-database JSON bundles.
#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli/commands.h"
#include "cli/data_dir.h"
#include "cli/progress.h"

namespace kuzot::cli {

Result<std::unique_ptr<records::RecordService>> OpenDataDir(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::Unavailable("cannot create the data directory " + dir + ": " + ec.message());
  std::filesystem::permissions(dir, std::filesystem::perms::owner_all,
                               std::filesystem::perm_options::replace, ec);
  return records::RecordService::Open((std::filesystem::path(dir) / "kuzot.db").string());
}

namespace {

struct DataOptions {
  std::string data_dir = "./kuzot-data";
  std::string format = "json";
  std::string file;
  std::string output;
  std::string user = "import";
};

int Import(const DataOptions& o) {
  std::ifstream in(o.file, std::ios::binary);
  if (!in) {
    std::cerr << "kuzot import: cannot open " << o.file << "\n";
    return 1;
  }
  auto records = OpenDataDir(o.data_dir);
  if (!records.ok()) {
    std::cerr << "kuzot import: " << records.status().message() << "\n";
    return 1;
  }
  ProgressBar bar("importing");
  auto report = records.value()->ImportBundle(in, records::Caller{o.user},
                                              [&](int64_t d, int64_t t) { bar.Update(d, t); });
  if (!report.ok()) {
    std::cerr << "kuzot import: " << o.file << ": "
              << (report.status().field().empty() ? "" : report.status().field() + ": ")
              << report.status().message() << "\nnothing was imported\n";
    return 1;
  }
  std::cout << "imported " << report->records << " records, " << report->revisions
            << " revisions, " << report->vocabulary_terms << " vocabulary terms; skipped "
            << report->skipped << " already present\n";
  return 0;
}

int Export(const DataOptions& o) {
  auto records = OpenDataDir(o.data_dir);
  if (!records.ok()) {
    std::cerr << "kuzot export: " << records.status().message() << "\n";
    return 1;
  }
  ProgressBar bar("exporting");
  auto progress = [&](int64_t d, int64_t t) { bar.Update(d, t); };
  if (o.output.empty() || o.output == "-") {
    Status s = records.value()->ExportBundle(std::cout, progress);
    if (!s.ok()) std::cerr << "kuzot export: " << s.message() << "\n";
    return s.ok() ? 0 : 1;
  }
  // Write beside the target and rename: a failed export leaves no half file.
  std::string temp = o.output + ".partial";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out) {
      std::cerr << "kuzot export: cannot write " << temp << "\n";
      return 1;
    }
    Status s = records.value()->ExportBundle(out, progress);
    out.close();
    if (!s.ok() || !out) {
      std::filesystem::remove(temp);
      std::cerr << "kuzot export: " << (s.ok() ? "write failed" : s.message()) << "\n";
      return 1;
    }
  }
  std::filesystem::rename(temp, o.output);
  return 0;
}

}  // namespace

void AddDataCommands(CLI::App& app) {
  auto options = std::make_shared<DataOptions>();
  CLI::App* import = app.add_subcommand(
      "import", "Import a JSON bundle (from `kuzot export`, or hand-written); all or nothing");
  import->add_option("--data", options->data_dir, "data directory")
      ->envname("KUZOT_DATA")
      ->capture_default_str();
  import->add_option("--format", options->format, "input format")
      ->check(CLI::IsMember({"json"}))
      ->capture_default_str();
  import->add_option("--user", options->user, "name recorded as the author of new records")
      ->capture_default_str();
  import->add_option("FILE", options->file, "the bundle to import")->required()->check(CLI::ExistingFile);
  import->callback([options] {
    int rc = Import(*options);
    if (rc) throw CLI::RuntimeError(rc);
  });

  CLI::App* exp = app.add_subcommand(
      "export", "Export the whole database (records, history, vocabularies) as one JSON bundle");
  exp->add_option("--data", options->data_dir, "data directory")
      ->envname("KUZOT_DATA")
      ->capture_default_str();
  exp->add_option("--format", options->format, "output format")
      ->check(CLI::IsMember({"json"}))
      ->capture_default_str();
  exp->add_option("-o,--output", options->output, "file to write; standard output when absent");
  exp->callback([options] {
    int rc = Export(*options);
    if (rc) throw CLI::RuntimeError(rc);
  });
}

}  // namespace kuzot::cli
