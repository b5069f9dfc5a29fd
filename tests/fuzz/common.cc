#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "targets.h"

namespace kuzot::fuzz {

const std::vector<Target>& Targets() {
  static const std::vector<Target> targets = {
      {"json_body", JsonBody},       {"fuzzy_dates", FuzzyDates}, {"query_strings", QueryStrings},
      {"search_query", SearchQuery}, {"bundle", Bundle},          {"sealed", Sealed},
      {"http_request", HttpRequest}, {"tabular", Tabular},
  };
  return targets;
}

void Check(bool condition, const char* what) {
  if (condition) return;
  std::fprintf(stderr, "fuzz contract broken: %s\n", what);
  std::abort();
}

void Check(bool condition, const char* what, const std::string& detail) {
  if (condition) return;
  std::fprintf(stderr, "fuzz contract broken: %s: %s\n", what, detail.c_str());
  std::abort();
}

std::string ScratchDir(const char* target) {
  auto dir = std::filesystem::temp_directory_path() /
             ("kuzot-fuzz-" + std::string(target) + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

}  // namespace kuzot::fuzz
