#include "cli/commands.h"

namespace kuzot::cli {

void AddEstimateCommand(CLI::App& app) {
  // Filled in by the estimate work (issue 7).
  (void)app;
}

}  // namespace kuzot::cli
