#include "sim/control_words.hpp"

#include <doctest/doctest.h>

using flows::sim::control_completions;

TEST_CASE("control_completions: the commands first, fault kinds after fault SERIAL, else nothing") {
  const std::vector<std::string> commands{"now", "advance", "fault", "clear", "balance", "meter_time", "clock_error", "save"};
  CHECK(control_completions({}) == commands);
  const auto kinds = control_completions({"fault", "EML0000000001"});
  REQUIRE(kinds.size() == 10);
  CHECK(kinds.front() == "latency:");
  CHECK(kinds[1] == "refuse");
  CHECK(kinds.back() == "none");
  CHECK(control_completions({"fault"}).empty());  // a serial comes next
  CHECK(control_completions({"advance"}).empty());
  CHECK(control_completions({"fault", "EML0000000001", "silent"}).empty());
  CHECK(control_completions({"clear", "EML0000000001"}).empty());
}
