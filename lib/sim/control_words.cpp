#include "sim/control_words.hpp"

namespace flows::sim {

const std::vector<std::string>& control_commands() {
  static const std::vector<std::string> commands{"now",        "advance",     "fault", "clear", "balance",
                                                 "meter_time", "clock_error", "save"};
  return commands;
}

const std::vector<std::string>& fault_kinds() {
  static const std::vector<std::string> kinds{"latency:", "refuse", "silent", "reset", "bad_crc",
                                              "garbage",  "nak:",   "busy",   "concurrent", "none"};
  return kinds;
}

std::vector<std::string> control_completions(const std::vector<std::string>& words) {
  if (words.empty()) return control_commands();
  if (words.size() == 2 && words[0] == "fault") return fault_kinds();
  return {};
}

}  // namespace flows::sim
