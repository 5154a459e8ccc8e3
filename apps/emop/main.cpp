#include <iostream>
#include <sys/resource.h>

#include "cli.hpp"
#include "core/error.hpp"

int main(int argc, char** argv) {
  using flows::ExitCode;
  // A batch holds a connection per meter at once: allow as many descriptors as the hard limit.
  if (rlimit r{}; getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < r.rlim_max) {
    r.rlim_cur = r.rlim_max;
    setrlimit(RLIMIT_NOFILE, &r);
  }
  CLI::App app;
  flows::emop_app::State st;
  try {
    flows::emop_app::build_cli(app, st);
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    return 0;
  } catch (const CLI::CallForVersion&) {
    std::cout << "emop 0.1.0\n";
    return 0;
  } catch (const CLI::CallForAllHelp&) {
    std::cout << app.help("", CLI::AppFormatMode::All);
    return 0;
  } catch (const CLI::ParseError& e) {
    std::cerr << "emop: " << e.what() << " (see emop --help)\n";
    return flows::to_int(ExitCode::usage);
  }
  try {
    if (!st.action) {
      std::cout << app.help();
      return flows::to_int(ExitCode::usage);
    }
    return st.action();
  } catch (const flows::Error& e) {
    std::cerr << "emop: " << e.what() << "\n";
    return flows::to_int(e.code());
  } catch (const std::exception& e) {
    std::cerr << "emop: internal error: " << e.what() << "\n";
    return flows::to_int(ExitCode::internal);
  }
}
