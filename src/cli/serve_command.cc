#include "cli/commands.h"

namespace kuzot::cli {

void AddServeCommand(CLI::App& app) { (void)app; }

}  // namespace kuzot::cli
