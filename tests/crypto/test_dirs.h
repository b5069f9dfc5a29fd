// Temporary folders and key files for the crypto tests.
#pragma once

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "crypto/crypto.h"

namespace kuzot::crypto::testing {

// A fresh folder holding a data directory "data" and room for key files
// beside it (never inside it).
inline std::filesystem::path FreshDir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() /
             ("kuzot-crypto-" + std::to_string(::getpid()) + "-" + name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir / "data");
  return dir;
}

inline KeySource NewKeyFile(const std::filesystem::path& path) {
  std::filesystem::remove(path);
  EXPECT_TRUE(CreateKeyFile(path.string()).ok());
  return KeySource::KeyFile(path.string());
}

inline std::string ReadAll(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

}  // namespace kuzot::crypto::testing
