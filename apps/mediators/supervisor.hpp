#pragma once
// A gateway run in the background by `mediators start`: a supervisor process
// (its pid in NAME.pid) runs `mediators serve …` as its child with output
// appended to NAME.log, restarts it when it crashes (1 s, 2 s, 4 s … 60 s
// apart), gives up when it exits with a usage or configuration status (2, 3:
// restarting cannot help), and on SIGTERM passes the signal on and waits for the
// child, whose calls in flight get their grace period.
#include <filesystem>
#include <optional>
#include <string>
#include <sys/types.h>

#include "gateway/definitions.hpp"

namespace flows::mediators_app {

struct GatewayFiles {
  std::filesystem::path pid, log, port;
};
// $MEDIATORS_STATE_DIR, else $XDG_STATE_HOME/flows/mediators, else ~/.local/state/flows/mediators.
std::filesystem::path state_dir();
GatewayFiles files_of(const std::string& name);

// The supervisor's pid when it is alive; nullopt when not running (a stale pid file is ignored).
std::optional<pid_t> running_pid(const GatewayFiles& f);

// Forks the supervisor, detached, and returns its pid once the gateway listens
// (its port file written) or the supervisor gave up; throws flows::Error(config)
// with the log's last line when the gateway did not start within `wait`.
pid_t start_supervised(const gateway::GatewayDefinition& d, const GatewayFiles& f, std::chrono::seconds wait);

// SIGTERM to the supervisor and waits for it to exit (up to the grace period and 10 s more).
// True when it exited.
bool stop_supervised(pid_t pid, const gateway::GatewayDefinition& d);

}  // namespace flows::mediators_app
