#pragma once
// The words of the control line protocol (emlite-sim serve --control), for the
// shell completion of `emlite-sim ctl HOST:PORT COMMAND…`.
#include <string>
#include <vector>

namespace flows::sim {

// The commands of the control protocol, in the order the man page lists them.
const std::vector<std::string>& control_commands();

// The fault kinds `fault SERIAL KIND` takes (KIND[:ARG]; those with an argument end in ':').
const std::vector<std::string>& fault_kinds();

// What may come next after the control command's words WORDS: the commands for the
// first word, the fault kinds after "fault SERIAL", else nothing (a serial or a number).
std::vector<std::string> control_completions(const std::vector<std::string>& words);

}  // namespace flows::sim
