// kuzot: the one binary. See `kuzot --help`.
#include <CLI/CLI.hpp>
#include <cstdlib>

#include "cli/commands.h"

namespace {

// Reads the TOML file given with --config ([serve] port = 8080, ...) but
// leaves out every value an environment variable also sets, so that the
// command line wins over the environment and the environment over the file
// (CLI11 itself would let the file win over the environment).
class ConfigUnderEnvironment : public CLI::ConfigTOML {
 public:
  explicit ConfigUnderEnvironment(const CLI::App& app) : app_(app) {}

  std::vector<CLI::ConfigItem> from_config(std::istream& input) const override {
    std::vector<CLI::ConfigItem> items = CLI::ConfigTOML::from_config(input);
    std::erase_if(items, [this](const CLI::ConfigItem& item) { return SetByEnvironment(item); });
    return items;
  }

 private:
  bool SetByEnvironment(const CLI::ConfigItem& item) const {
    const CLI::App* app = &app_;
    try {
      for (const auto& parent : item.parents) app = app->get_subcommand(parent);
    } catch (const CLI::OptionNotFound&) {
      return false;  // CLI11 reports the unknown section itself
    }
    const CLI::Option* option = app->get_option_no_throw("--" + item.name);
    if (option == nullptr || option->get_envname().empty()) return false;
    const char* value = std::getenv(option->get_envname().c_str());
    return value != nullptr && *value != '\0';
  }

  const CLI::App& app_;
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Kuzot: human-rights monitoring and documentation"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "kuzot 0.1.0");
  app.set_config("--config", "", "read options from this TOML file, e.g. [serve] port = 8080")
      ->envname("KUZOT_CONFIG");
  app.config_formatter(std::make_shared<ConfigUnderEnvironment>(app));
  // A misspelt setting is an error, never silently ignored; subcommands
  // added below inherit this.
  app.allow_config_extras(CLI::config_extras_mode::error);
  app.fallthrough();  // `kuzot serve --config FILE` as well as `kuzot --config FILE serve`
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
