#include "cli/colour.hpp"

#include <cstdlib>

#include <unistd.h>

#include "core/error.hpp"

namespace flows::cli {

ColourMode parse_colour_mode(std::string_view word) {
  if (word == "auto") return ColourMode::automatic;
  if (word == "always") return ColourMode::always;
  if (word == "never") return ColourMode::never;
  throw usage_error("--color " + std::string(word) + ": expected auto, always or never");
}

bool colour_wanted(ColourMode mode, bool is_terminal, const char* no_color, const char* term) {
  if (mode != ColourMode::automatic) return mode == ColourMode::always;
  if (no_color != nullptr && *no_color != '\0') return false;
  if (term != nullptr && std::string_view(term) == "dumb") return false;
  return is_terminal;
}

std::string paint(std::string_view text, Paint p, bool on) {
  if (!on) return std::string(text);
  const char* code = p == Paint::failed ? "31" : p == Paint::warning ? "33" : p == Paint::good ? "32" : "2";
  return std::string("\x1b[") + code + "m" + std::string(text) + "\x1b[0m";
}

Colours colours_for(ColourMode mode) {
  const char* no_color = std::getenv("NO_COLOR");
  const char* term = std::getenv("TERM");
  return {colour_wanted(mode, isatty(STDOUT_FILENO) == 1, no_color, term),
          colour_wanted(mode, isatty(STDERR_FILENO) == 1, no_color, term)};
}

}  // namespace flows::cli
