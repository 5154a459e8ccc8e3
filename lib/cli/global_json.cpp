#include "cli/global_json.hpp"

#include <string>

#include "core/error.hpp"

namespace flows::cli {

void add_global_json(CLI::App& app) {
  app.add_flag("--json")->description("print JSON (the command's own --json; before or after the command)");
}

void forward_global_json(CLI::App& app) {
  const CLI::Option* global = app.get_option_no_throw("--json");
  if (global == nullptr || global->count() == 0) return;
  CLI::App* chosen = &app;
  std::string path;  // the command's words, without the tool's name (the error line starts with it)
  for (bool deeper = true; deeper;) {
    deeper = false;
    for (CLI::App* sub : chosen->get_subcommands())
      if (sub->parsed()) {
        chosen = sub;
        path += (path.empty() ? "" : " ") + sub->get_name();
        deeper = true;
        break;
      }
  }
  if (chosen == &app) return;
  CLI::Option* own = chosen->get_option_no_throw("--json");
  if (own == nullptr) throw usage_error(path + " has no JSON output (--json)");
  if (own->count() > 0) return;
  own->add_result("true");
  own->run_callback();
}

}  // namespace flows::cli
