#include "common/status.h"

#include <gtest/gtest.h>

namespace kuzot {
namespace {

Result<int> Half(int n) {
  if (n % 2) return Status::InvalidArgument("odd", "n");
  return n / 2;
}

Status Quarter(int n, int* out) {
  KUZOT_ASSIGN_OR_RETURN(int half, Half(n));
  KUZOT_ASSIGN_OR_RETURN(int quarter, Half(half));
  *out = quarter;
  return Status::Ok();
}

TEST(StatusTest, ResultCarriesValueOrError) {
  EXPECT_EQ(*Half(8), 4);
  auto r = Half(3);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().field(), "n");
}

TEST(StatusTest, AssignOrReturnPropagates) {
  int q = 0;
  EXPECT_TRUE(Quarter(8, &q).ok());
  EXPECT_EQ(q, 2);
  EXPECT_EQ(Quarter(6, &q).code(), StatusCode::kInvalidArgument);
}

TEST(StatusTest, FieldPrefix) {
  auto s = Status::InvalidArgument("unknown script", "script").WithFieldPrefix("names[1]");
  EXPECT_EQ(s.field(), "names[1].script");
  EXPECT_EQ(s.ToString(), "invalid_argument: names[1].script: unknown script");
}

}  // namespace
}  // namespace kuzot
