// The kuzot subcommands. Each Add*Command registers one subcommand (its
// options, --help text and callback) on the root CLI11 app. A callback
// that fails throws CLI::RuntimeError with the exit code after printing a
// clear message to stderr.
#pragma once

#include <CLI/CLI.hpp>

namespace kuzot::cli {

void AddServeCommand(CLI::App& app);      // serve_command.cc
void AddDataCommands(CLI::App& app);      // data_commands.cc: import, export
void AddUserCommands(CLI::App& app);      // user_commands.cc: user, verify
void AddRekeyCommand(CLI::App& app);      // rekey_command.cc
void AddReconcileCommand(CLI::App& app);  // reconcile_command.cc (src/linkage)
void AddEstimateCommand(CLI::App& app);   // estimate_command.cc (src/stats)
void AddCaseworkCommands(CLI::App& app);  // casework_commands.cc: recommendations, deadlines
void AddEvidenceCommands(CLI::App& app);  // evidence_commands.cc: evidence export, verify-package

}  // namespace kuzot::cli

namespace kuzot::records {
class RecordService;
}

namespace kuzot::cli {

// The evidence part of `kuzot verify` (evidence_commands.cc): decrypts and
// checks every stored file and the custody chains with the data directory's
// keyring; prints the verdicts; 0 when all is well, 2 when something is
// wrong, 1 when it could not check.
int VerifyEvidenceFiles(const std::string& data_dir, records::RecordService& records);

}  // namespace kuzot::cli
