#pragma once
// Colour on a terminal, for the rows an operator must not miss (failed, unhealthy,
// unknown). --color=auto|always|never; in auto, only on a terminal, never when
// NO_COLOR is set (https://no-color.org) or TERM is "dumb". Pure functions.
#include <string>
#include <string_view>

namespace flows::cli {

enum class ColourMode { automatic, always, never };

// "auto", "always" or "never"; throws flows::Error(usage) otherwise.
ColourMode parse_colour_mode(std::string_view word);

// Whether output to a stream is coloured.
bool colour_wanted(ColourMode mode, bool is_terminal, const char* no_color, const char* term);

enum class Paint { failed, warning, good, dim };

// TEXT wrapped in the paint's ANSI escape, or TEXT unchanged when `on` is false.
std::string paint(std::string_view text, Paint p, bool on);

// The colours one run of a tool uses for stdout and stderr, decided once.
struct Colours {
  bool out = false;
  bool err = false;
};
// From --color and the process's environment and streams.
Colours colours_for(ColourMode mode);

}  // namespace flows::cli
