// The libFuzzer entry point of one target, chosen at build time
// (KUZOT_FUZZ_TARGET is the target's function name).
#include "targets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return kuzot::fuzz::KUZOT_FUZZ_TARGET(data, size);
}
