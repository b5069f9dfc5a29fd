#include "cli/progress.h"

#include <unistd.h>

#include <cstdio>

#include "common/clock.h"

namespace kuzot::cli {

ProgressBar::ProgressBar(std::string label)
    : label_(std::move(label)), enabled_(isatty(STDERR_FILENO)) {}

ProgressBar::~ProgressBar() {
  if (drawn_) std::fputc('\n', stderr);
}

void ProgressBar::Update(int64_t done, int64_t total) {
  if (!enabled_) return;
  int64_t now = NowMillis();
  if (now - last_draw_ms_ < 100 && done != total) return;
  last_draw_ms_ = now;
  drawn_ = true;
  if (total > 0) {
    int width = 30;
    int filled = static_cast<int>(width * done / total);
    std::fprintf(stderr, "\r%s [%.*s%*s] %lld/%lld", label_.c_str(), filled,
                 "##############################", width - filled, "",
                 static_cast<long long>(done), static_cast<long long>(total));
  } else {
    std::fprintf(stderr, "\r%s %lld", label_.c_str(), static_cast<long long>(done));
  }
  std::fflush(stderr);
}

}  // namespace kuzot::cli
