#include "cli/global_json.hpp"

#include <doctest/doctest.h>

#include "core/error.hpp"

namespace {

struct Tool {
  CLI::App app{"demo", "demo"};
  bool list_json = false;
  Tool() {
    app.fallthrough();
    flows::cli::add_global_json(app);
    auto* customers = app.add_subcommand("customers", "");
    auto* list = customers->add_subcommand("list", "");
    list->fallthrough();
    list->add_flag("--json", list_json, "print JSON");
    app.add_subcommand("send", "")->fallthrough();
  }
  void parse(std::vector<std::string> args) {
    std::reverse(args.begin(), args.end());
    app.parse(args);
    flows::cli::forward_global_json(app);
  }
};

}  // namespace

TEST_CASE("--json before the command is the command's own --json") {
  Tool t;
  t.parse({"--json", "customers", "list"});
  CHECK(t.list_json);
}

TEST_CASE("--json after the command is its own, as ever; without --json nothing is set") {
  Tool a;
  a.parse({"customers", "list", "--json"});
  CHECK(a.list_json);
  Tool b;
  b.parse({"customers", "list"});
  CHECK_FALSE(b.list_json);
  Tool c;
  c.parse({"--json", "customers", "list", "--json"});
  CHECK(c.list_json);
}

TEST_CASE("a command without JSON output refuses a --json, before or after it, naming itself") {
  Tool a;
  CHECK_THROWS_WITH_AS(a.parse({"--json", "send"}), "send has no JSON output (--json)", flows::Error);
  Tool b;
  CHECK_THROWS_WITH_AS(b.parse({"send", "--json"}), "send has no JSON output (--json)", flows::Error);
}
