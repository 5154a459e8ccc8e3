#include "cli/run.hpp"

#include <iostream>
#include <memory>

#include "core/error.hpp"

namespace flows::cli {

int run_tool(CLI::App& app, int argc, char** argv, const std::function<int()>& action) {
  const std::string name = app.get_name();
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    return 0;
  } catch (const CLI::CallForAllHelp&) {
    std::cout << app.help("", CLI::AppFormatMode::All);
    return 0;
  } catch (const CLI::CallForVersion& e) {
    std::cout << e.what() << "\n";
    return 0;
  } catch (const CLI::ParseError& e) {
    std::cerr << name << ": " << e.what() << " (see " << name << " --help)\n";
    return to_int(ExitCode::usage);
  }
  try {
    if (!action) {
      std::cout << app.help();
      return to_int(ExitCode::usage);
    }
    return action();
  } catch (const Error& e) {
    std::cerr << name << ": " << e.what() << "\n";
    return to_int(e.code());
  } catch (const std::exception& e) {
    std::cerr << name << ": internal error: " << e.what() << "\n";
    return to_int(ExitCode::internal);
  }
}

void add_docs_subcommand(CLI::App& app, std::function<ManPage()> page, std::function<int()>& action) {
  auto* docs = app.add_subcommand("generate-docs", "print the man page or a shell completion script");
  docs->group("");  // hidden: used by scripts/gen-docs.sh and the docs_in_sync test
  auto kind = std::make_shared<std::string>();
  docs->add_option("kind", *kind, "man, bash, zsh or fish")
      ->required()
      ->check(CLI::IsMember({"man", "bash", "zsh", "fish"}));
  docs->callback([&app, &action, kind, page] {
    action = [&app, kind, page] {
      if (*kind == "man") std::cout << generate_man(app, page());
      else if (*kind == "bash") std::cout << generate_bash(app);
      else if (*kind == "zsh") std::cout << generate_zsh(app);
      else std::cout << generate_fish(app);
      return 0;
    };
  });
}

}  // namespace flows::cli
