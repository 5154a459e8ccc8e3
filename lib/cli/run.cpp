#include "cli/run.hpp"

#include <algorithm>
#include <iostream>
#include <memory>

#include "cli/suggest.hpp"
#include "core/error.hpp"

namespace flows::cli {

namespace {

// The option named by ARG ("--timeout", "--timeout=5", "-s") valid at APP: its own,
// or an ancestor's where options fall through.
const CLI::Option* option_at(const CLI::App* app, const std::string& arg) {
  const std::string name = arg.substr(0, arg.find('='));
  for (const CLI::App* a = app; a != nullptr; a = a->get_parent()) {
    if (const auto* o = a->get_option_no_throw(name)) return o;
    if (!a->get_fallthrough()) break;
  }
  return nullptr;
}

std::vector<std::string> visible_commands(const CLI::App* app) {
  std::vector<std::string> names;
  for (const auto* sub : app->get_subcommands([](const CLI::App* s) { return !s->get_group().empty(); }))
    names.push_back(sub->get_name());
  return names;
}

bool has_positionals(const CLI::App* app) {
  return !app->get_options([](const CLI::Option* o) { return o->get_positional(); }).empty();
}

}  // namespace

std::string one_line(std::string_view message) {
  std::string out;
  out.reserve(message.size());
  for (char c : message) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (c == '\t') out += "\\t";
    else if (u < 0x20 || u == 0x7f) {
      static constexpr char hex[] = "0123456789abcdef";
      out += "\\x";
      out += hex[u >> 4];
      out += hex[u & 0xf];
    } else {
      out += c;
    }
  }
  return out;
}

std::optional<UnknownCommand> find_unknown_command(const CLI::App& app, const std::vector<std::string>& args) {
  const CLI::App* cur = &app;
  std::string path = app.get_name();
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") return std::nullopt;
    if (a.size() > 1 && a[0] == '-') {
      const auto* o = option_at(cur, a);
      const bool value_attached = a.find('=') != std::string::npos || (a[1] != '-' && a.size() > 2);  // --x=1, -s1
      if (o != nullptr && o->get_expected_min() > 0 && !value_attached) ++i;
      continue;
    }
    const CLI::App* sub = nullptr;
    for (const auto* s : cur->get_subcommands([&a](const CLI::App* s) { return s->check_name(a); })) sub = s;
    if (sub != nullptr) {
      cur = sub;
      path += " " + a;
      continue;
    }
    if (cur->get_subcommands({}).empty() || has_positionals(cur)) return std::nullopt;  // an argument
    return UnknownCommand{path, a, visible_commands(cur)};
  }
  if (cur->get_require_subcommand_min() > 0) return UnknownCommand{path, "", visible_commands(cur)};
  return std::nullopt;
}

std::string unknown_command_line(const UnknownCommand& u) {
  if (u.word.empty()) return u.command_path + ": which command? see " + u.command_path + " --help";
  return unknown_command_message(u.command_path, u.word, u.commands);
}

void add_grouped(CLI::App& app, const std::string& group, const std::function<void()>& add) {
  const std::size_t before = app.get_subcommands({}).size();
  add();
  const auto subs = app.get_subcommands({});
  for (std::size_t i = before; i < subs.size(); ++i)
    if (!subs[i]->get_group().empty()) subs[i]->group(group);
}

std::string global_options_help(const CLI::App& root, bool after_too) {
  std::string lines;
  for (const CLI::Option* o : root.get_options()) {
    if (o == root.get_help_ptr() || o == root.get_help_all_ptr() || o == root.get_version_ptr() ||
        o->get_group().empty() || !o->nonpositional())
      continue;
    std::string name = "  " + o->get_name(false, true);
    if (o->get_items_expected_max() > 0) {
      std::string label = o->get_option_text();
      if (label.empty()) label = o->get_type_name().substr(0, o->get_type_name().find(':'));
      if (!label.empty()) name += " " + label;
    }
    std::string desc = o->get_description();
    desc = desc.substr(0, desc.find('\n'));
    constexpr std::size_t column = 30;
    if (name.size() < column) lines += name + std::string(column - name.size(), ' ') + desc + "\n";
    else lines += name + "\n" + std::string(column, ' ') + desc + "\n";
  }
  if (lines.empty()) return "";
  return std::string("Global options (") + (after_too ? "before or after" : "before") + " the command):\n" + lines;
}

namespace {

void add_footers(const CLI::App& root, CLI::App& app) {
  for (CLI::App* sub : app.get_subcommands({})) {
    if (sub->get_group().empty()) continue;  // hidden
    if (!sub->get_name().empty()) {
      bool after_too = true;
      for (const CLI::App* a = sub; a != &root && a != nullptr; a = a->get_parent()) after_too = after_too && a->get_fallthrough();
      sub->footer([&root, after_too] {
        std::string text = global_options_help(root, after_too);
        if (!text.empty()) text.pop_back();  // CLI11 ends the footer's lines itself
        return text;
      });
    }
    add_footers(root, *sub);
  }
}

}  // namespace

void add_global_options_footers(CLI::App& app) {
  if (global_options_help(app, false).empty()) return;
  add_footers(app, app);
}

int run_tool(CLI::App& app, int argc, char** argv, const std::function<int()>& action) {
  const std::string name = app.get_name();
  add_global_options_footers(app);
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
    if (auto u = find_unknown_command(app, std::vector<std::string>(argv + std::min(argc, 1), argv + argc))) {
      std::cerr << one_line(unknown_command_line(*u)) << "\n";
      return to_int(ExitCode::usage);
    }
    std::cerr << name << ": " << one_line(e.what()) << " (see " << name << " --help)\n";
    return to_int(ExitCode::usage);
  }
  try {
    if (!action) {
      std::cout << app.help();
      std::cerr << name << ": which command? see " << name << " --help\n";
      return to_int(ExitCode::usage);
    }
    return action();
  } catch (const Error& e) {
    std::cerr << name << ": " << one_line(e.what()) << "\n";
    return to_int(e.code());
  } catch (const std::exception& e) {
    std::cerr << name << ": internal error: " << one_line(e.what()) << "\n";
    return to_int(ExitCode::internal);
  }
}

HelpText help_for(const CLI::App& app, const std::vector<std::string>& words) {
  const CLI::App* cur = &app;
  std::string prev;  // the names before cur's, as CLI11's usage line wants them
  for (const auto& w : words) {
    const CLI::App* sub = nullptr;
    for (const auto* s : cur->get_subcommands([&w](const CLI::App* s) { return s->check_name(w) && !s->get_group().empty(); }))
      sub = s;
    const std::string path = prev.empty() ? cur->get_name() : prev + " " + cur->get_name();
    if (sub == nullptr) return {"", UnknownCommand{path, w, visible_commands(cur)}};
    prev = path;
    cur = sub;
  }
  // Straight to the formatter: App::help() would show the selected `help` command's.
  return {cur->get_formatter()->make_help(cur, prev.empty() ? cur->get_name() : prev + " " + cur->get_name(),
                                          CLI::AppFormatMode::Normal),
          std::nullopt};
}

void add_help_subcommand(CLI::App& app, std::function<int()>& action) {
  auto* help = app.add_subcommand("help", "show the help of the tool, or of COMMAND (as COMMAND --help does)");
  auto words = std::make_shared<std::vector<std::string>>();
  help->add_option("command", *words, "a command, and its subcommands");
  help->callback([&app, &action, words] {
    action = [&app, words] {
      const HelpText h = help_for(app, *words);
      if (h.unknown) {
        std::cerr << one_line(unknown_command_line(*h.unknown)) << "\n";
        return to_int(ExitCode::usage);
      }
      std::cout << h.text;
      return 0;
    };
  });
}

namespace {

std::string completion_script(const CLI::App& app, const std::string& shell) {
  if (shell == "bash") return generate_bash(app);
  if (shell == "zsh") return generate_zsh(app);
  return generate_fish(app);
}

}  // namespace

CLI::App* add_docs_subcommand(CLI::App& app, std::function<ManPage()> page, std::function<int()>& action) {
  auto* docs = app.add_subcommand("generate-docs", "print the man page or a shell completion script");
  docs->group("");  // hidden: used by scripts/gen-docs.sh and the docs_in_sync test
  auto kind = std::make_shared<std::string>();
  docs->add_option("kind", *kind, "man, bash, zsh or fish")
      ->required()
      ->check(CLI::IsMember({"man", "bash", "zsh", "fish"}));
  docs->callback([&app, &action, kind, page] {
    action = [&app, kind, page] {
      std::cout << (*kind == "man" ? generate_man(app, page()) : completion_script(app, *kind));
      return 0;
    };
  });

  const std::string tool = app.get_name();
  auto* completion = app.add_subcommand(
      "completion", "print the shell completion script for bash, zsh or fish (e.g. source <(" + tool + " completion bash))");
  auto shell = std::make_shared<std::string>();
  completion->add_option("shell", *shell, "bash, zsh or fish")->required()->check(CLI::IsMember({"bash", "zsh", "fish"}));
  completion->callback([&app, &action, shell] {
    action = [&app, shell] {
      std::cout << completion_script(app, *shell);
      return 0;
    };
  });
  return completion;
}

}  // namespace flows::cli
