// What a caller can learn from time, and what encryption at rest costs.
//
//   build/bench/security_timing [--records N] [--rounds R]
//
// In-process, on a fresh database with a keyring (no HTTP noise):
//   1. reading a record the caller may not see, against reading an id that
//      does not exist (both must answer the same 404 in about the same time);
//   2. a list page sorted by date as a coordinator (who sees secret records:
//      the two-arm query) and as an analyst (one arm);
//   3. creating a person with and without sensitive fields (sealing cost).
// Prints medians in microseconds and their ratios.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "crypto/crypto.h"
#include "records/service.h"

namespace {

using Clock = std::chrono::steady_clock;
using kuzot::Caller;
using kuzot::Confidentiality;
using kuzot::records::Json;

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

template <typename F>
double Micros(F&& f) {
  auto start = Clock::now();
  f();
  return std::chrono::duration<double, std::micro>(Clock::now() - start).count();
}

Caller As(Confidentiality clearance, bool sensitive) {
  Caller c;
  c.user = "bench";
  c.clearance = clearance;
  c.sees_sensitive = sensitive;
  return c;
}

}  // namespace

int main(int argc, char** argv) {
  int records = 2000;
  int rounds = 2000;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--records") records = std::atoi(argv[i + 1]);
    if (flag == "--rounds") rounds = std::atoi(argv[i + 1]);
  }
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("kuzot-bench-security-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "data");
  if (!kuzot::crypto::CreateKeyFile((dir / "key").string()).ok()) return 1;
  kuzot::records::OpenOptions options;
  options.keyring =
      kuzot::crypto::Keyring::Create((dir / "data").string(),
                                     kuzot::crypto::KeySource::KeyFile((dir / "key").string()))
          .value();
  auto service =
      kuzot::records::RecordService::Open((dir / "data" / "kuzot.db").string(), options).value();
  Caller admin = Caller::System("bench");
  std::vector<std::string> secret_ids;
  const char* levels[] = {"public", "internal", "restricted", "secret"};
  for (int i = 0; i < records; ++i) {
    const char* level = levels[i % 4];
    char date[16];
    std::snprintf(date, sizeof date, "20%02d-%02d-%02d", 10 + i % 12, 1 + i % 12, 1 + i % 28);
    auto r = service->Create(admin, "event",
                             {{"title", "Event " + std::to_string(i)},
                              {"description", "shelling of the village, houses burned"},
                              {"start_date", date},
                              {"confidentiality", level}});
    if (!r.ok()) return 1;
    if (std::string(level) == "secret") secret_ids.push_back(r.value()["id"]);
  }
  Caller viewer = As(Confidentiality::kPublic, false);
  // 1. Hidden against missing, interleaved so that load changes hit both.
  std::vector<double> hidden, missing;
  for (int i = 0; i < rounds; ++i) {
    const std::string& id = secret_ids[i % secret_ids.size()];
    std::string absent = "01ARZ3NDEKTSV4RRFFQ69G" + std::to_string(1000 + i % 9000);
    hidden.push_back(Micros([&] { (void)service->Get(viewer, "event", id); }));
    missing.push_back(Micros([&] { (void)service->Get(viewer, "event", absent); }));
  }
  double h = Median(hidden), m = Median(missing);
  std::printf("get, hidden secret record (viewer):  median %.1f us\n", h);
  std::printf("get, id that does not exist (viewer): median %.1f us\n", m);
  std::printf("ratio hidden/missing: %.2f\n", h / m);
  // 2. A sorted list page, with and without the sealed arm.
  kuzot::records::ListParams params;
  params.sort = "-start_date";
  params.limit = 50;
  params.with_total = true;
  std::vector<double> coordinator, analyst;
  Caller analyst_caller = As(Confidentiality::kInternal, false);
  Caller coordinator_caller = As(Confidentiality::kSecret, true);
  for (int i = 0; i < std::max(50, rounds / 20); ++i) {
    coordinator.push_back(
        Micros([&] { (void)service->List(coordinator_caller, "event", params); }));
    analyst.push_back(Micros([&] { (void)service->List(analyst_caller, "event", params); }));
  }
  double c = Median(coordinator), a = Median(analyst);
  std::printf("list 50 sorted by date + total, coordinator (secret arm): median %.0f us\n", c);
  std::printf("list 50 sorted by date + total, analyst (one arm):        median %.0f us\n", a);
  std::printf("ratio coordinator/analyst: %.2f\n", c / a);
  // 3. Sealing cost on writes.
  std::vector<double> plain, sealed;
  for (int i = 0; i < std::max(50, rounds / 20); ++i) {
    plain.push_back(Micros([&] {
      (void)service->Create(admin, "person",
                            {{"names", {{{"value", "Plain " + std::to_string(i)}}}}});
    }));
    sealed.push_back(Micros([&] {
      (void)service->Create(admin, "person",
                            {{"names", {{{"value", "Sealed " + std::to_string(i)}}}},
                             {"contact", "+996 555 " + std::to_string(100000 + i)},
                             {"address", "Street " + std::to_string(i)}});
    }));
  }
  double p = Median(plain), s = Median(sealed);
  std::printf("create person, no sensitive field:   median %.0f us\n", p);
  std::printf("create person, contact and address:  median %.0f us\n", s);
  std::printf("ratio sealed/plain: %.2f\n", s / p);
  service.reset();
  fs::remove_all(dir);
  return 0;
}
