#include <iostream>
#include <sys/resource.h>

#include "cli.hpp"
#include "cli/run.hpp"

int main(int argc, char** argv) {
  // A batch holds a connection per meter at once: allow as many descriptors as the hard limit.
  if (rlimit r{}; getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < r.rlim_max) {
    r.rlim_cur = r.rlim_max;
    setrlimit(RLIMIT_NOFILE, &r);
  }
  CLI::App app;
  flows::emop_app::Invocation inv;
  flows::emop_app::build_cli(app, inv);
  return flows::cli::run_tool(app, argc, argv, inv.action);
}
