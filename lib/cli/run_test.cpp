#include "cli/run.hpp"

#include <doctest/doctest.h>

namespace {

using namespace flows::cli;

// Shaped like emop: global options falling through, a group requiring a subcommand,
// leaf commands with positionals, and a hidden command.
struct Tool {
  CLI::App app{"a tool", "tool"};
  std::string env, serial, hex;
  int timeout = 0;
  bool json = false;
  Tool() {
    app.fallthrough();
    app.require_subcommand(0, 1);
    app.add_option("--env", env, "environment");
    app.add_option("--timeout", timeout, "seconds");
    app.add_flag("--json", json, "JSON");
    app.add_subcommand("prepay_balance", "read")->add_option("serial", serial, "serial");
    app.add_subcommand("prepay_enabled", "read")->add_option("serial", serial, "serial");
    auto* db = app.add_subcommand("db", "database");
    db->require_subcommand(1);
    db->add_subcommand("status", "status");
    db->add_subcommand("migrate", "migrate")->add_option("-s", serial, "s");
    app.add_subcommand("generate-docs", "hidden")->group("");
  }
  std::optional<UnknownCommand> find(std::vector<std::string> args) const { return find_unknown_command(app, args); }
};

}  // namespace

TEST_CASE("find_unknown_command names the word that is not a command, at its level") {
  Tool t;
  auto u = t.find({"prepay_balanse", "X"});
  REQUIRE(u);
  CHECK(u->command_path == "tool");
  CHECK(u->word == "prepay_balanse");
  CHECK(u->commands == std::vector<std::string>{"prepay_balance", "prepay_enabled", "db"});  // not the hidden one
  CHECK(unknown_command_line(*u) == "tool: unknown command 'prepay_balanse' (did you mean prepay_balance?); see tool --help");

  u = t.find({"--env", "qa", "db", "--timeout=3", "migrte"});
  REQUIRE(u);
  CHECK(u->command_path == "tool db");
  CHECK(u->word == "migrte");
  CHECK(unknown_command_line(*u) == "tool db: unknown command 'migrte' (did you mean migrate?); see tool db --help");
}

TEST_CASE("find_unknown_command skips option values and stops at a command's arguments") {
  Tool t;
  CHECK_FALSE(t.find({"--env", "db", "prepay_balance", "X"}));  // "db" is --env's value
  CHECK_FALSE(t.find({"prepay_balance", "EML1", "extra"}));
  CHECK_FALSE(t.find({"db", "migrate", "-s", "status"}));
  CHECK_FALSE(t.find({"--json"}));
  CHECK_FALSE(t.find({"--", "prepay_balanse"}));
}

TEST_CASE("find_unknown_command reports a group given without its command") {
  Tool t;
  auto u = t.find({"db", "--json"});
  REQUIRE(u);
  CHECK(u->word.empty());
  CHECK(unknown_command_line(*u) == "tool db: which command? see tool db --help");
}

TEST_CASE("help_for gives a command's own help, and names an unknown word") {
  Tool t;
  const auto migrate = help_for(t.app, {"db", "migrate"});
  CHECK_FALSE(migrate.unknown);
  CHECK(migrate.text.find("Usage: tool db migrate") != std::string::npos);
  CHECK(help_for(t.app, {}).text.find("Usage: tool") != std::string::npos);
  const auto typo = help_for(t.app, {"db", "migrte"});
  REQUIRE(typo.unknown);
  CHECK(unknown_command_line(*typo.unknown) == "tool db: unknown command 'migrte' (did you mean migrate?); see tool db --help");
  CHECK(help_for(t.app, {"generate-docs"}).unknown);  // hidden commands have no help
}

TEST_CASE("one_line escapes control characters so a value cannot forge a second error line") {
  using flows::cli::one_line;
  CHECK(one_line("no address for meter EML1") == "no address for meter EML1");
  CHECK(one_line("EML1\nemop: forged") == "EML1\\nemop: forged");
  CHECK(one_line("a\rb\tc") == "a\\rb\\tc");
  CHECK(one_line(std::string("n\0l", 3)) == "n\\x00l");
  CHECK(one_line("\x1b[31m\x7f") == "\\x1b[31m\\x7f");
  CHECK(one_line("£ caf\xc3\xa9") == "£ caf\xc3\xa9");  // UTF-8 passes through
}

TEST_CASE("global_options_help lists the root's options, one line each") {
  Tool t;
  t.app.set_version_flag("--version", "1");
  const std::string h = global_options_help(t.app, true);
  CHECK(h ==
        "Global options (before or after the command):\n"
        "  --env TEXT                  environment\n"
        "  --timeout INT               seconds\n"
        "  --json                      JSON\n");
  CHECK(global_options_help(t.app, false).starts_with("Global options (before the command):\n"));
  CLI::App bare{"b", "bare"};
  CHECK(global_options_help(bare, true).empty());  // only --help
}

TEST_CASE("every subcommand's help ends with the global options") {
  Tool t;
  add_global_options_footers(t.app);
  const auto help = help_for(t.app, {"db", "migrate"});
  REQUIRE_FALSE(help.unknown);
  CHECK(help.text.find("Global options (before or after the command):\n  --env TEXT") != std::string::npos);
  CHECK(help_for(t.app, {}).text.find("Global options") == std::string::npos);  // the tool's own help lists them
  CHECK(help_for(t.app, {"prepay_balance"}).text.find("  --timeout INT               seconds\n") != std::string::npos);
}
