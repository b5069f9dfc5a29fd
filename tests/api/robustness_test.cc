// Bad input never crashes the server and always gets a clear 4xx.
#include <gtest/gtest.h>

#include <random>

#include "kuzot_process.h"

namespace kuzot::testing {
namespace {

class RobustnessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    kuzot_ = std::make_unique<KuzotProcess>(TestDir("robustness"));
    ASSERT_TRUE(kuzot_->Start());
  }
  void ExpectAlive() {
    auto r = kuzot_->Request("GET", "/api/v1/health");
    ASSERT_EQ(r.status, 200) << r.body;
  }
  std::unique_ptr<KuzotProcess> kuzot_;
};

TEST_F(RobustnessTest, MalformedHttpGets400AndTheServerGoesOn) {
  for (const std::string& raw : std::vector<std::string>{"GARBAGE\r\n\r\n", "GET / HTTP/9.9\r\n\r\n",
                                "POST /api/v1/events HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
                                "GET /api/v1/health HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n",
                                std::string("\0\0\0\0", 4)}) {
    std::string answer = kuzot_->RawExchange(raw);
    if (!answer.empty()) EXPECT_NE(answer.find("HTTP/1.1 4"), std::string::npos) << answer;
    ExpectAlive();
  }
}

TEST_F(RobustnessTest, OversizedBodiesAndHeadersAreRefused) {
  // The server answers as soon as the headers announce too much.
  std::string answer = kuzot_->RawExchange(
      "POST /api/v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Content-Length: 3000000\r\n\r\n{\"title\": \"");
  EXPECT_NE(answer.find("HTTP/1.1 413"), std::string::npos) << answer;
  EXPECT_NE(answer.find("over the limit"), std::string::npos) << answer;
  auto h = kuzot_->Request("GET", "/api/v1/health", "", {{"X-Big", std::string(64 << 10, 'a')}});
  EXPECT_TRUE(h.status == 413 || h.status == 400 || h.status == -1) << h.status;
  ExpectAlive();
}

TEST_F(RobustnessTest, RandomJsonBodiesNeverCrashOrHalfWrite) {
  std::mt19937 rng(7);
  const std::string alphabet = "{}[]\":,0123456789truefalsnul \\abcxyzАЯ\x01\xff";
  const std::vector<std::string> paths = {"/api/v1/events", "/api/v1/persons", "/api/v1/acts",
                                          "/api/v1/claims", "/api/v1/places"};
  for (int i = 0; i < 300; ++i) {
    std::string body;
    size_t n = rng() % 80;
    for (size_t j = 0; j < n; ++j) body += alphabet[rng() % alphabet.size()];
    auto r = kuzot_->Request("POST", paths[i % paths.size()], body.empty() ? "{" : body);
    ASSERT_GE(r.status, 400) << body;
    ASSERT_LT(r.status, 500) << body << " -> " << r.body;
    Json error = r.json();
    ASSERT_TRUE(error.contains("error")) << r.body;
    EXPECT_FALSE(error["error"]["message"].get<std::string>().empty());
  }
  ExpectAlive();
  auto list = kuzot_->Request("GET", "/api/v1/events?total=true");
  EXPECT_EQ(list.json()["total"], 0) << "a refused request wrote something";
}

TEST_F(RobustnessTest, WrongTypesAndUnknownRoutes) {
  EXPECT_EQ(kuzot_->Request("GET", "/api/v1/nothing").status, 404);
  EXPECT_EQ(kuzot_->Request("DELETE", "/api/v1/health").status, 405);
  EXPECT_EQ(kuzot_->Request("POST", "/api/v1/events", "{\"title\":\"x\"}",
                            {{"Content-Type", "text/plain"}})
                .status,
            400);
  EXPECT_EQ(kuzot_->Request("GET", "/api/v1/events?limit=abc").status, 400);
  EXPECT_EQ(kuzot_->Request("GET", "/api/v1/events?limit=100000").status, 400);
  EXPECT_EQ(kuzot_->Request("GET", "/api/v1/events/%00%ff").status, 404);
  ExpectAlive();
}

TEST_F(RobustnessTest, SecurityHeadersOnEveryAnswer) {
  auto r = kuzot_->Request("GET", "/api/v1/health");
  EXPECT_EQ(r.headers["x-content-type-options"], "nosniff");
  EXPECT_NE(r.headers["content-security-policy"].find("frame-ancestors 'none'"),
            std::string::npos);
  EXPECT_EQ(r.headers["referrer-policy"], "no-referrer");
}

}  // namespace
}  // namespace kuzot::testing
