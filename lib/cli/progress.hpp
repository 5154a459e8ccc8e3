#pragma once
// What a long batch shows while it runs and when it ends. On a terminal's stderr, a
// progress line redrawn in place (done of total, failures, rate, time left); nothing
// when stderr is not a terminal, with --quiet, or on a dumb terminal. The texts are
// pure functions; ProgressLine only decides when to draw and erase.
#include <chrono>
#include <cstddef>
#include <iosfwd>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace flows::cli {

struct ProgressCounts {
  std::size_t total = 0;
  std::size_t done = 0;
  std::size_t failed = 0;
  std::chrono::milliseconds elapsed{0};
};

// "0.4 s", "12 s", "2 min 5 s", "1 h 3 min".
std::string duration_text(std::chrono::milliseconds d);

// "csq: 37 of 100 meters, 2 failed, 12.3 a second, about 5 s left"; the rate and
// the time left once a second has passed and one meter is done.
std::string progress_text(std::string_view label, std::string_view noun, const ProgressCounts& c);

// "push clock: 12 meters: 3 corrected, 9 within_threshold, in 1.2 s": the counts
// by kind in the order given (kinds counted 0 left out).
std::string summary_text(std::string_view label, std::size_t items, std::string_view noun,
                         const std::vector<std::pair<std::string, std::size_t>>& by_kind, std::chrono::milliseconds took);

// The (kind, count) pairs of `kinds`, in the order each kind first appears.
std::vector<std::pair<std::string, std::size_t>> count_kinds(const std::vector<std::string>& kinds);

// Whether a progress line is drawn: stderr a terminal, not --quiet, TERM not "dumb".
bool progress_wanted(bool quiet, bool stderr_is_terminal, const char* term);

// The progress line of one batch on `out` (stderr). Disabled, it draws nothing and
// still counts. Redraws at most ten times a second, and erases itself when destroyed.
class ProgressLine {
 public:
  ProgressLine(std::ostream& out, bool enabled, std::string label, std::string noun = "meter");
  ~ProgressLine();
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  void start(std::size_t total);  // another batch of `total` (counted on from the last)
  void add(bool ok);              // one item done
  void refresh();                 // redraw now if due (after add, and on ticks)
  void clear();                   // erase the line before other output reaches the terminal
  bool enabled() const { return enabled_; }
  ProgressCounts counts() const;
  std::chrono::milliseconds elapsed() const;

 private:
  std::ostream& out_;
  bool enabled_;
  std::string label_, noun_;
  ProgressCounts counts_;
  std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::time_point drawn_{};
  bool visible_ = false;
};

}  // namespace flows::cli
