// The records tests' fresh database, with a casework service over it and
// callers of the roles the tests need.
#pragma once

#include "../records/test_db.h"
#include "casework/casework.h"

namespace kuzot::casework {

using records::DatabaseTest;

class CaseworkTest : public DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    records_ = service_.get();
    casework_ = std::make_unique<CaseworkService>(*records_);
    lawyer_ = Caller::System("lawyer1");
    lawyer_.role = "lawyer";
    lawyer_.clearance = Confidentiality::kRestricted;
    viewer_ = Caller::Anonymous();
    viewer_.user = "viewer1";
    viewer_.role = "viewer";
  }
  void TearDown() override {
    casework_.reset();
    DatabaseTest::TearDown();
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

  records::RecordService* records_ = nullptr;
  std::unique_ptr<CaseworkService> casework_;
  Caller lawyer_;
  Caller viewer_;
};

}  // namespace kuzot::casework
