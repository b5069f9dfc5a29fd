// Kuzot's fuzz targets: each takes arbitrary bytes and feeds them to one
// parser the way untrusted input reaches it, checking the parser's
// contract (a clear error or a value that survives a round trip, never a
// crash, hang, leak or undefined behaviour; sanitizers catch the rest).
//
// The same functions serve two builds:
//   - scripts/fuzz.sh builds each as a libFuzzer binary with clang
//     (-DKUZOT_FUZZ=ON, AddressSanitizer and UBSan) and runs it;
//   - the normal build's fuzz_replay_test runs every seed of
//     tests/fuzz/corpus/<target>/ and every past finding of
//     tests/fuzz/regressions/<target>/ through them, in `make test`.
// A target aborts (via Check) when a contract does not hold.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace kuzot::fuzz {

using TargetFunction = int (*)(const uint8_t* data, size_t size);

struct Target {
  const char* name;  // also the corpus folder's name
  TargetFunction run;
};

// Every target.
const std::vector<Target>& Targets();

int JsonBody(const uint8_t* data, size_t size);      // JSON request bodies -> record validation
int FuzzyDates(const uint8_t* data, size_t size);    // FuzzyDate::Parse
int QueryStrings(const uint8_t* data, size_t size);  // URL query strings and percent-decoding
int SearchQuery(const uint8_t* data, size_t size);   // search box -> FTS5 MATCH, run on a database
int Bundle(const uint8_t* data, size_t size);        // kuzot import bundles
int Sealed(const uint8_t* data, size_t size);        // sealed values, sealed streams, keyring files
int HttpRequest(const uint8_t* data, size_t size);   // raw HTTP requests through the whole router
int Tabular(const uint8_t* data, size_t size);       // CSV and XLSX files

// Aborts with `what` when `condition` is false: a broken contract is a
// finding, like a crash.
void Check(bool condition, const char* what);
// The same, printing `detail` (the error the code under test gave) too.
void Check(bool condition, const char* what, const std::string& detail);

// A folder for the target's database, made once per process.
std::string ScratchDir(const char* target);

}  // namespace kuzot::fuzz
