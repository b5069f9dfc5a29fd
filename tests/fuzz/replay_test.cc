// Runs every committed seed (tests/fuzz/corpus/<target>/) and every past
// finding (tests/fuzz/regressions/<target>/) through its fuzz target in
// the normal build: a finding fixed once stays fixed. A target aborts on a
// broken contract, so each runs in a death-test-free way: a failure here is
// the process dying with the file's name printed just before.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "targets.h"

namespace kuzot::fuzz {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> Inputs(const std::string& target, const char* kind) {
  std::vector<fs::path> out;
  fs::path dir = fs::path(KUZOT_FUZZ_DIR) / kind / target;
  if (!fs::exists(dir)) return out;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.is_regular_file()) out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> TargetNames() {
  std::vector<std::string> out;
  for (const auto& t : Targets()) out.push_back(t.name);
  return out;
}

class ReplayTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ReplayTest, SeedsAndPastFindings) {
  const Target* found = nullptr;
  for (const auto& t : Targets()) {
    if (GetParam() == t.name) found = &t;
  }
  ASSERT_NE(found, nullptr);
  const Target& target = *found;
  auto seeds = Inputs(target.name, "corpus");
  auto findings = Inputs(target.name, "regressions");
  EXPECT_FALSE(seeds.empty()) << "no seed corpus for " << target.name;
  for (const auto* list : {&seeds, &findings}) {
    for (const auto& path : *list) {
      std::ifstream in(path, std::ios::binary);
      std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      std::fprintf(stderr, "%s\n", path.c_str());
      EXPECT_EQ(target.run(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()), 0);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Fuzz, ReplayTest, ::testing::ValuesIn(TargetNames()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace kuzot::fuzz
