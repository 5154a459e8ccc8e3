#include "cli/progress.hpp"

#include <sstream>

#include <doctest/doctest.h>

using namespace flows::cli;
using std::chrono::milliseconds;

TEST_CASE("duration_text: tenths under 10 s, then s, min, h") {
  CHECK(duration_text(milliseconds(0)) == "0.0 s");
  CHECK(duration_text(milliseconds(1234)) == "1.2 s");
  CHECK(duration_text(milliseconds(9999)) == "9.9 s");
  CHECK(duration_text(milliseconds(12'400)) == "12 s");
  CHECK(duration_text(milliseconds(125'000)) == "2 min 5 s");
  CHECK(duration_text(milliseconds(3'780'000)) == "1 h 3 min");
  CHECK(duration_text(milliseconds(-5)) == "0.0 s");
}

TEST_CASE("progress_text: counts at once, rate and time left after a second") {
  CHECK(progress_text("csq", "meter", {100, 0, 0, milliseconds(50)}) == "csq: 0 of 100 meters");
  CHECK(progress_text("csq", "meter", {1, 0, 0, milliseconds(50)}) == "csq: 0 of 1 meter");
  CHECK(progress_text("csq", "meter", {100, 37, 2, milliseconds(900)}) == "csq: 37 of 100 meters, 2 failed");
  // 37 in 3 s: 12.3 a second; 63 left at that rate: 5.1 s.
  CHECK(progress_text("csq", "meter", {100, 37, 2, milliseconds(3000)}) ==
        "csq: 37 of 100 meters, 2 failed, 12.3 a second, about 5.1 s left");
  CHECK(progress_text("sync hourly", "meter", {300, 300, 0, milliseconds(167'000)}) ==
        "sync hourly: 300 of 300 meters, 1.7 a second");
  // 1 of 300 after 2 s: 0.5 a second, 598 s left.
  CHECK(progress_text("x", "meter", {300, 1, 1, milliseconds(2000)}) ==
        "x: 1 of 300 meters, 1 failed, 0.5 a second, about 9 min 58 s left");
}

TEST_CASE("summary_text and count_kinds: counts by kind in first-seen order, zeros left out") {
  const auto kinds = count_kinds({"corrected", "within_threshold", "corrected", "error"});
  REQUIRE(kinds.size() == 3);
  CHECK(kinds[0] == std::pair<std::string, std::size_t>{"corrected", 2});
  CHECK(kinds[2] == std::pair<std::string, std::size_t>{"error", 1});
  CHECK(summary_text("push clock", 4, "meter", kinds, milliseconds(1234)) ==
        "push clock: 4 meters: 2 corrected, 1 within_threshold, 1 error, in 1.2 s");
  CHECK(summary_text("push tokens", 1, "topup", {{"sent", 1}, {"error", 0}}, milliseconds(80)) ==
        "push tokens: 1 topup: 1 sent, in 0.0 s");
  CHECK(summary_text("push tokens", 0, "topup", {}, milliseconds(80)) == "push tokens: 0 topups, in 0.0 s");
}

TEST_CASE("progress_wanted: a terminal, not --quiet, not TERM=dumb") {
  CHECK(progress_wanted(false, true, "xterm-256color"));
  CHECK(progress_wanted(false, true, nullptr));
  CHECK_FALSE(progress_wanted(true, true, "xterm"));
  CHECK_FALSE(progress_wanted(false, false, "xterm"));
  CHECK_FALSE(progress_wanted(false, true, "dumb"));
}

TEST_CASE("ProgressLine draws in place, erases itself, and draws nothing disabled") {
  std::ostringstream out;
  {
    ProgressLine p(out, true, "csq");
    p.start(2);
    CHECK(out.str() == "\rcsq: 0 of 2 meters\x1b[K");
    p.add(false);  // within 100 ms of the last draw: not redrawn
    CHECK(out.str() == "\rcsq: 0 of 2 meters\x1b[K");
    p.add(true);  // the last one is always drawn
    CHECK(out.str().ends_with("\rcsq: 2 of 2 meters, 1 failed\x1b[K"));
    p.clear();
    CHECK(out.str().ends_with("\r\x1b[K"));
    const auto before = out.str().size();
    p.clear();  // nothing visible: nothing written
    CHECK(out.str().size() == before);
    p.refresh();
  }
  CHECK(out.str().ends_with("\r\x1b[K"));  // erased when destroyed
  std::ostringstream quiet;
  {
    ProgressLine p(quiet, false, "csq");
    p.start(3);
    p.add(true);
    p.add(false);
    CHECK(p.counts().done == 2);
    CHECK(p.counts().failed == 1);
  }
  CHECK(quiet.str().empty());
}
