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

}  // namespace kuzot::cli
