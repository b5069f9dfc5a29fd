#include "cli/commands.h"

namespace kuzot::cli {

void AddReconcileCommand(CLI::App& app) {
  // Filled in by the reconcile work (issue 6).
  (void)app;
}

}  // namespace kuzot::cli
