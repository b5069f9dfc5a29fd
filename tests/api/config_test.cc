// Settings come from a TOML file (--config), overridden by KUZOT_*
// environment variables, overridden by the command line.
#include <gtest/gtest.h>

#include <fstream>

#include "kuzot_process.h"

namespace kuzot::testing {
namespace {

namespace fs = std::filesystem;

fs::path WriteConfig(const fs::path& dir, const std::string& text) {
  fs::create_directories(dir);
  fs::path path = dir / "kuzot.toml";
  std::ofstream(path) << text;
  return path;
}

constexpr char kConfig[] =
    "# an operator's settings\n"
    "[serve]\n"
    "tile-url = \"https://tiles.file.test/{z}/{x}/{y}.png\"\n"
    "tile-attribution = \"tiles named in the file\"\n";

Json Settings(KuzotProcess& kuzot) { return kuzot.Request("GET", "/api/v1/config").json(); }

TEST(ConfigTest, TheFileSetsOptions) {
  fs::path base = TestDir("config-file");
  KuzotProcess kuzot(base / "data", {"--config", WriteConfig(base, kConfig).string()});
  ASSERT_TRUE(kuzot.Start()) << kuzot.stderr_text();
  Json settings = Settings(kuzot);
  EXPECT_EQ(settings["tile_url"], "https://tiles.file.test/{z}/{x}/{y}.png");
  EXPECT_EQ(settings["tile_attribution"], "tiles named in the file");
}

TEST(ConfigTest, TheEnvironmentWinsOverTheFileAndTheCommandLineOverBoth) {
  fs::path base = TestDir("config-precedence");
  fs::path config = WriteConfig(base, kConfig);
  {
    KuzotProcess kuzot(base / "data", {"--config", config.string()});
    kuzot.SetEnv("KUZOT_TILE_URL", "https://tiles.env.test/{z}/{x}/{y}.png");
    ASSERT_TRUE(kuzot.Start()) << kuzot.stderr_text();
    Json settings = Settings(kuzot);
    EXPECT_EQ(settings["tile_url"], "https://tiles.env.test/{z}/{x}/{y}.png");
    EXPECT_EQ(settings["tile_attribution"], "tiles named in the file");
  }
  KuzotProcess kuzot(base / "data", {"--config", config.string(), "--tile-url",
                                     "https://tiles.flag.test/{z}/{x}/{y}.png"});
  kuzot.SetEnv("KUZOT_TILE_URL", "https://tiles.env.test/{z}/{x}/{y}.png");
  ASSERT_TRUE(kuzot.Start()) << kuzot.stderr_text();
  EXPECT_EQ(Settings(kuzot)["tile_url"], "https://tiles.flag.test/{z}/{x}/{y}.png");
}

TEST(ConfigTest, AMissingFileOrAnUnknownSettingIsRefusedByName) {
  fs::path base = TestDir("config-bad");
  {
    KuzotProcess kuzot(base / "data", {"--config", (base / "nowhere.toml").string()});
    EXPECT_FALSE(kuzot.Start());
    EXPECT_NE(kuzot.stderr_text().find("nowhere.toml"), std::string::npos) << kuzot.stderr_text();
  }
  fs::path config = WriteConfig(base, "[serve]\ntile-ulr = \"https://typo.test\"\n");
  KuzotProcess kuzot(base / "data", {"--config", config.string()});
  EXPECT_FALSE(kuzot.Start());
  EXPECT_NE(kuzot.stderr_text().find("tile-ulr"), std::string::npos) << kuzot.stderr_text();
}

}  // namespace
}  // namespace kuzot::testing
