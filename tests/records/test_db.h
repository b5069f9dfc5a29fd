// A fresh database file in a temporary folder for each test.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "records/service.h"

namespace kuzot::records {

class DatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("kuzot-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto opened = RecordService::Open((dir_ / "kuzot.db").string());
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    service_ = std::move(opened).value();
  }
  void TearDown() override {
    service_.reset();
    std::filesystem::remove_all(dir_);
  }

  Json MustCreate(const std::string& type, const Json& body) {
    auto r = service_->Create(caller_, type, body);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r.value() : Json();
  }

  std::filesystem::path dir_;
  std::unique_ptr<RecordService> service_;
  Caller caller_{"tester"};
};

}  // namespace kuzot::records
