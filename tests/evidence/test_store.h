// A blob store in a fresh temporary folder, with a keyring unlocked by a key
// file kept in a sibling folder (never beside the store).
#pragma once

#include <gtest/gtest.h>
#include <sodium.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "crypto/crypto.h"
#include "evidence/blob_store.h"

namespace kuzot::evidence {

// `n` random bytes (test content nobody could guess or compress).
inline std::string RandomBytes(size_t n) {
  std::string s(n, '\0');
  randombytes_buf(s.data(), n);
  return s;
}

inline std::unique_ptr<crypto::Keyring> TestKeyring(const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir / "keyring");
  EXPECT_TRUE(crypto::CreateKeyFile((dir / "key").string()).ok());
  auto k = crypto::Keyring::Create((dir / "keyring").string(),
                                   crypto::KeySource::KeyFile((dir / "key").string()));
  EXPECT_TRUE(k.ok()) << k.status().ToString();
  return std::move(k).value();
}

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_GE(sodium_init(), 0);
    dir_ = std::filesystem::temp_directory_path() /
           ("kuzot-evidence-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    keyring_ = TestKeyring(dir_ / "keys");
    store_ = std::make_unique<BlobStore>(dir_ / "store", *keyring_);
    ASSERT_TRUE(store_->Init().ok());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Stores `content` and returns its blob name.
  std::string Put(const std::string& content) {
    std::filesystem::path temp = store_->TempPath();
    auto w = store_->NewWriter(temp);
    EXPECT_TRUE(w.ok());
    EXPECT_TRUE(w.value()->Append(content).ok());
    auto sha = w.value()->Finish();
    EXPECT_TRUE(sha.ok());
    auto committed = store_->Commit(temp, sha.value());
    EXPECT_TRUE(committed.ok());
    return committed->name;
  }

  std::filesystem::path dir_;
  std::unique_ptr<crypto::Keyring> keyring_;
  std::unique_ptr<BlobStore> store_;
};

}  // namespace kuzot::evidence
