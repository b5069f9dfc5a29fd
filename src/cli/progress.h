// A progress line on stderr for long work, drawn only when stderr is a
// terminal (scripts and CI logs get nothing).
#pragma once

#include <cstdint>
#include <string>

namespace kuzot::cli {

class ProgressBar {
 public:
  explicit ProgressBar(std::string label);
  ~ProgressBar();  // ends the line
  // Redraws at most ten times a second. `total` 0 means unknown.
  void Update(int64_t done, int64_t total);

 private:
  std::string label_;
  bool enabled_;
  int64_t last_draw_ms_ = 0;
  bool drawn_ = false;
};

}  // namespace kuzot::cli
