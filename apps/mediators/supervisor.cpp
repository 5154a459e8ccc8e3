#include "supervisor.hpp"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <iostream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include "core/error.hpp"
#include "core/files.hpp"

namespace flows::mediators_app {
namespace fs = std::filesystem;

namespace {

volatile std::sig_atomic_t stop_requested = 0;
volatile pid_t serving_pid = 0;

void on_stop(int) {
  stop_requested = 1;
  if (serving_pid > 0) ::kill(serving_pid, SIGTERM);
}

std::string self_exe() {
  std::vector<char> buf(4096);
  const auto n = ::readlink("/proc/self/exe", buf.data(), buf.size() - 1);
  if (n <= 0) throw Error(ExitCode::internal, "cannot find this program's path (/proc/self/exe)");
  return std::string(buf.data(), static_cast<std::size_t>(n));
}

// What the supervisor does (not prefixed), and its errors ("mediators: supervisor: …").
void note(const std::string& line) { std::cerr << "supervisor: " << line << std::endl; }
void note_error(const std::string& line) { std::cerr << "mediators: supervisor: " << line << std::endl; }

// Runs `mediators serve …` once; its wait status.
int run_once(const std::string& exe, const std::vector<std::string>& args) {
  const pid_t child = ::fork();
  if (child < 0) throw Error(ExitCode::internal, std::string("fork: ") + std::strerror(errno));
  if (child == 0) {
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(exe.c_str(), argv.data());
    std::_Exit(127);
  }
  serving_pid = child;
  if (stop_requested) ::kill(child, SIGTERM);
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  serving_pid = 0;
  return status;
}

std::string describe_status(int status) {
  if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
  return "exited with status " + std::to_string(WEXITSTATUS(status));
}

// Sleeps `d`, waking early when a stop is asked.
void pause_for(std::chrono::seconds d) {
  const auto until = std::chrono::steady_clock::now() + d;
  while (!stop_requested && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(100));
}

int supervise(const gateway::GatewayDefinition& d, const GatewayFiles& f) {
  struct sigaction sa {};
  sa.sa_handler = on_stop;
  ::sigaction(SIGTERM, &sa, nullptr);
  ::sigaction(SIGINT, &sa, nullptr);
  const std::string exe = self_exe();
  std::vector<std::string> args{exe, "serve"};
  for (auto& a : gateway::serve_arguments(d)) args.push_back(a);
  args.push_back("--port-file");
  args.push_back(f.port.string());
  int crashes = 0;
  int code = 0;
  note("running gateway " + d.name + " (pid " + std::to_string(::getpid()) + ")");
  while (!stop_requested) {
    const auto began = std::chrono::steady_clock::now();
    const int status = run_once(exe, args);
    if (stop_requested || (WIFEXITED(status) && WEXITSTATUS(status) == 0)) break;
    if (WIFEXITED(status) && (WEXITSTATUS(status) == 2 || WEXITSTATUS(status) == 3)) {
      note_error("the gateway " + describe_status(status) + ": its configuration is wrong, not restarting");
      code = WEXITSTATUS(status);
      break;
    }
    if (std::chrono::steady_clock::now() - began > std::chrono::seconds(60)) crashes = 0;
    ++crashes;
    const auto wait = gateway::restart_backoff(crashes);
    note("the gateway " + describe_status(status) + "; restarting in " + std::to_string(wait.count()) + " s");
    pause_for(wait);
  }
  note("stopped gateway " + d.name);
  std::error_code ec;
  fs::remove(f.pid, ec);
  fs::remove(f.port, ec);
  return code;
}

// The supervisor's side of the fork: detached, output to the log.
[[noreturn]] void become_supervisor(const gateway::GatewayDefinition& d, const GatewayFiles& f) {
  ::setsid();
  const int null = ::open("/dev/null", O_RDONLY);
  const int log = ::open(f.log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  if (null >= 0) ::dup2(null, 0);
  if (log >= 0) {
    ::dup2(log, 1);
    ::dup2(log, 2);
  }
  int code = 1;
  try {
    write_file_atomically(f.pid, std::to_string(::getpid()) + "\n", 0600);
    code = supervise(d, f);
  } catch (const std::exception& e) {
    note_error(e.what());
  }
  std::_Exit(code);
}

std::string last_line(const fs::path& p) {
  std::ifstream in(p);
  std::string line, last;
  while (std::getline(in, line))
    if (!line.empty()) last = line;
  return last;
}

}  // namespace

fs::path state_dir() {
  if (const char* s = std::getenv("MEDIATORS_STATE_DIR"); s && *s) return s;
  if (const char* s = std::getenv("XDG_STATE_HOME"); s && *s) return fs::path(s) / "flows" / "mediators";
  if (const char* h = std::getenv("HOME"); h && *h) return fs::path(h) / ".local" / "state" / "flows" / "mediators";
  throw config_error("no state directory: set XDG_STATE_HOME or HOME (or MEDIATORS_STATE_DIR)");
}

GatewayFiles files_of(const std::string& name) {
  const auto dir = state_dir();
  return {dir / (name + ".pid"), dir / (name + ".log"), dir / (name + ".port")};
}

std::optional<pid_t> running_pid(const GatewayFiles& f) {
  std::ifstream in(f.pid);
  long pid = 0;
  if (!(in >> pid) || pid <= 1) return std::nullopt;
  if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) return std::nullopt;
  return static_cast<pid_t>(pid);
}

pid_t start_supervised(const gateway::GatewayDefinition& d, const GatewayFiles& f, std::chrono::seconds wait) {
  std::error_code ec;
  fs::create_directories(f.pid.parent_path(), ec);
  fs::permissions(f.pid.parent_path(), fs::perms::owner_all, ec);
  fs::remove(f.port, ec);
  std::cout.flush();
  std::cerr.flush();
  const pid_t pid = ::fork();
  if (pid < 0) throw Error(ExitCode::internal, std::string("fork: ") + std::strerror(errno));
  if (pid == 0) become_supervisor(d, f);
  const auto until = std::chrono::steady_clock::now() + wait;
  while (std::chrono::steady_clock::now() < until) {
    if (fs::exists(f.port)) return pid;
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid)
      throw config_error("gateway " + d.name + " did not start: " + last_line(f.log) + " (log: " + f.log.string() + ")");
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  throw config_error("gateway " + d.name + " did not start listening within " + std::to_string(wait.count()) +
                     " s (log: " + f.log.string() + ")");
}

bool stop_supervised(pid_t pid, const gateway::GatewayDefinition& d) {
  if (::kill(pid, SIGTERM) != 0) return errno == ESRCH;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(d.grace_seconds + 10);
  while (std::chrono::steady_clock::now() < until) {
    if (::kill(pid, 0) != 0 && errno == ESRCH) return true;
    int status = 0;
    ::waitpid(pid, &status, WNOHANG);  // reaps it when it is our child
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

}  // namespace flows::mediators_app
