#include "cli/commands.h"

namespace kuzot::cli {

void AddDataCommands(CLI::App& app) { (void)app; }

}  // namespace kuzot::cli
