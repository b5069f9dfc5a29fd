// kuzot: the one binary. See `kuzot --help`.
#include <CLI/CLI.hpp>

#include "cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"Kuzot: human-rights monitoring and documentation"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "kuzot 0.1.0");
  kuzot::cli::AddServeCommand(app);
  kuzot::cli::AddDataCommands(app);
  kuzot::cli::AddUserCommands(app);
  kuzot::cli::AddRekeyCommand(app);
  kuzot::cli::AddReconcileCommand(app);
  kuzot::cli::AddEstimateCommand(app);
  kuzot::cli::AddEvidenceCommands(app);
  kuzot::cli::AddCaseworkCommands(app);
  CLI11_PARSE(app, argc, argv);
  return 0;
}
