// A fresh database file and casework service for each test, with callers of
// the roles the tests need.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "casework/casework.h"
#include "records/service.h"

namespace kuzot::casework {

class CaseworkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("kuzot-casework-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto opened = records::RecordService::Open((dir_ / "kuzot.db").string());
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    records_ = std::move(opened).value();
    casework_ = std::make_unique<CaseworkService>(*records_);
    lawyer_.role = "lawyer";
    lawyer_.clearance = Confidentiality::kRestricted;
    viewer_.user = "viewer1";
    viewer_.role = "viewer";
    viewer_.clearance = Confidentiality::kPublic;
    viewer_.sees_sensitive = false;
  }
  void TearDown() override {
    casework_.reset();
    records_.reset();
    std::filesystem::remove_all(dir_);
  }

  // Creates a record as the lawyer; fails the test when refused.
  Json Create(const std::string& type, const Json& body) {
    auto r = records_->Create(lawyer_, type, body);
    EXPECT_TRUE(r.ok()) << type << ": " << r.status().ToString();
    return r.ok() ? r.value() : Json();
  }
  std::string Id(const std::string& type, const Json& body) {
    return Create(type, body).value("id", "");
  }
  // The status a refused write gives, for checking the field it names.
  Status Refused(const std::string& type, const Json& body) {
    return records_->Create(lawyer_, type, body).status();
  }

  std::filesystem::path dir_;
  std::unique_ptr<records::RecordService> records_;
  std::unique_ptr<CaseworkService> casework_;
  Caller lawyer_ = Caller::System("lawyer1");
  Caller viewer_;
};

}  // namespace kuzot::casework
