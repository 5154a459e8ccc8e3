#include "cli/colour.hpp"

#include <doctest/doctest.h>

#include "core/error.hpp"

using namespace flows::cli;

TEST_CASE("colour_wanted: auto on a terminal unless NO_COLOR or TERM=dumb; always and never as told") {
  CHECK(colour_wanted(ColourMode::automatic, true, nullptr, "xterm"));
  CHECK_FALSE(colour_wanted(ColourMode::automatic, false, nullptr, "xterm"));
  CHECK_FALSE(colour_wanted(ColourMode::automatic, true, "1", "xterm"));
  CHECK(colour_wanted(ColourMode::automatic, true, "", "xterm"));  // NO_COLOR set but empty: no effect
  CHECK_FALSE(colour_wanted(ColourMode::automatic, true, nullptr, "dumb"));
  CHECK(colour_wanted(ColourMode::always, false, "1", "dumb"));  // an explicit flag wins
  CHECK_FALSE(colour_wanted(ColourMode::never, true, nullptr, "xterm"));
}

TEST_CASE("parse_colour_mode and paint") {
  CHECK(parse_colour_mode("auto") == ColourMode::automatic);
  CHECK(parse_colour_mode("always") == ColourMode::always);
  CHECK(parse_colour_mode("never") == ColourMode::never);
  CHECK_THROWS_AS(parse_colour_mode("yes"), flows::Error);
  CHECK(paint("failed", Paint::failed, true) == "\x1b[31mfailed\x1b[0m");
  CHECK(paint("unknown", Paint::warning, true) == "\x1b[33munknown\x1b[0m");
  CHECK(paint("failed", Paint::failed, false) == "failed");
}
