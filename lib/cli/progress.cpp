#include "cli/progress.hpp"

#include <algorithm>
#include <ostream>
#include <string>

#include "core/text.hpp"

namespace flows::cli {

std::string duration_text(std::chrono::milliseconds d) {
  const long long ms = std::max<long long>(0, d.count());
  if (ms < 10'000) return std::to_string(ms / 1000) + "." + std::to_string(ms % 1000 / 100) + " s";
  const long long s = ms / 1000;
  if (s < 60) return std::to_string(s) + " s";
  if (s < 3600) return std::to_string(s / 60) + " min " + std::to_string(s % 60) + " s";
  return std::to_string(s / 3600) + " h " + std::to_string(s % 3600 / 60) + " min";
}

std::string progress_text(std::string_view label, std::string_view noun, const ProgressCounts& c) {
  std::string t = std::string(label) + ": " + std::to_string(c.done) + " of " +
                  count_of(static_cast<long long>(c.total), std::string(noun));
  if (c.failed) t += ", " + std::to_string(c.failed) + " failed";
  const long long ms = c.elapsed.count();
  if (c.done == 0 || ms < 1000) return t;
  const long long tenths = static_cast<long long>(c.done) * 10'000 / ms;  // per second, in tenths
  t += ", " + std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + " a second";
  if (c.done < c.total) {
    const long long left = static_cast<long long>(c.total - c.done) * ms / static_cast<long long>(c.done);
    t += ", about " + duration_text(std::chrono::milliseconds(left)) + " left";
  }
  return t;
}

std::string summary_text(std::string_view label, std::size_t items, std::string_view noun,
                         const std::vector<std::pair<std::string, std::size_t>>& by_kind, std::chrono::milliseconds took) {
  std::string t = std::string(label) + ": " + count_of(static_cast<long long>(items), std::string(noun));
  std::string sep = ": ";
  for (const auto& [kind, n] : by_kind) {
    if (n == 0) continue;
    t += sep + std::to_string(n) + " " + kind;
    sep = ", ";
  }
  return t + ", in " + duration_text(took);
}

std::vector<std::pair<std::string, std::size_t>> count_kinds(const std::vector<std::string>& kinds) {
  std::vector<std::pair<std::string, std::size_t>> out;
  for (const auto& k : kinds) {
    auto it = std::find_if(out.begin(), out.end(), [&k](const auto& p) { return p.first == k; });
    if (it == out.end()) out.emplace_back(k, 1);
    else ++it->second;
  }
  return out;
}

bool progress_wanted(bool quiet, bool stderr_is_terminal, const char* term) {
  return !quiet && stderr_is_terminal && !(term != nullptr && std::string_view(term) == "dumb");
}

ProgressLine::ProgressLine(std::ostream& out, bool enabled, std::string label, std::string noun)
    : out_(out), enabled_(enabled), label_(std::move(label)), noun_(std::move(noun)),
      started_(std::chrono::steady_clock::now()) {}

ProgressLine::~ProgressLine() { clear(); }

void ProgressLine::start(std::size_t total) {
  counts_.total += total;
  if (counts_.total > 0) refresh();
}

void ProgressLine::add(bool ok) {
  ++counts_.done;
  if (!ok) ++counts_.failed;
  refresh();
}

std::chrono::milliseconds ProgressLine::elapsed() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started_);
}

ProgressCounts ProgressLine::counts() const {
  ProgressCounts c = counts_;
  c.elapsed = elapsed();
  return c;
}

void ProgressLine::refresh() {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (visible_ && now - drawn_ < std::chrono::milliseconds(100) && counts_.done < counts_.total) return;
  drawn_ = now;
  out_ << "\r" << progress_text(label_, noun_, counts()) << "\x1b[K" << std::flush;
  visible_ = true;
}

void ProgressLine::clear() {
  if (!visible_) return;
  out_ << "\r\x1b[K" << std::flush;
  visible_ = false;
}

}  // namespace flows::cli
