// Gateway definitions: parsing with located errors, the serve command line, backoff, the systemd unit.
#include "gateway/definitions.hpp"

#include <doctest/doctest.h>

#include "core/error.hpp"

using namespace flows;
using namespace flows::gateway;

TEST_CASE("definitions: gateways by name, relative paths against the file, defaults kept") {
  const auto defs = parse_definitions(
      "[gateways.wlce]\nesco = \"wlce\"\nenv = \"prod\"\nlisten = \"127.0.0.1:50061\"\n"
      "[gateways.lab]\ninventory = \"fleet.yaml\"\npace_ms = 2000\n",
      "/etc/flows/mediators.toml");
  REQUIRE(defs.size() == 2);
  CHECK(defs[0].name == "lab");
  CHECK(defs[0].inventory == "/etc/flows/fleet.yaml");
  CHECK(defs[0].listen == "127.0.0.1:50051");
  CHECK(defs[0].pace_ms == 2000);
  CHECK(defs[1].esco == "wlce");
  CHECK(find_definition(defs, "wlce") == &defs[1]);
  CHECK(find_definition(defs, "nope") == nullptr);
  CHECK(serve_arguments(defs[1]) == std::vector<std::string>{"--name", "wlce", "--listen", "127.0.0.1:50061", "--esco", "wlce",
                                                              "--env", "prod", "--pace", "100", "--grace", "30"});
}

TEST_CASE("definitions: what is wrong is named") {
  auto message = [](const std::string& text) -> std::string {
    try {
      parse_definitions(text, "m.toml");
    } catch (const Error& e) {
      CHECK(e.code() == ExitCode::config);
      return e.what();
    }
    return "";
  };
  CHECK(message("[gateways.a]\nlisten = 5\n") == "m.toml: gateways.a.listen must be a string");
  CHECK(message("[gateways.a]\npace_ms = -1\n") == "m.toml: gateways.a.pace_ms must be a whole number from 0 to 600000");
  CHECK(message("[gateways.a]\nlisen = \"x\"\n") == "m.toml: gateways.a: unknown key 'lisen'");
  CHECK(message("[gateways.\"a b\"]\n").find("a gateway name is letters") != std::string::npos);
}

TEST_CASE("definitions: restart backoff doubles from 1 s to at most 60 s") {
  CHECK(restart_backoff(1) == std::chrono::seconds(1));
  CHECK(restart_backoff(2) == std::chrono::seconds(2));
  CHECK(restart_backoff(4) == std::chrono::seconds(8));
  CHECK(restart_backoff(6) == std::chrono::seconds(32));
  CHECK(restart_backoff(7) == std::chrono::seconds(60));
  CHECK(restart_backoff(100) == std::chrono::seconds(60));
}

TEST_CASE("definitions: the systemd unit runs serve with the definition's arguments") {
  GatewayDefinition d;
  d.name = "wlce";
  d.esco = "wlce";
  const auto unit = systemd_unit(d, "/usr/bin/mediators");
  CHECK(unit.find("Description=Flows mediator gateway wlce (ESCO wlce)\n") != std::string::npos);
  CHECK(unit.find("ExecStart=\"/usr/bin/mediators\" serve \"--name\" \"wlce\" \"--listen\" \"127.0.0.1:50051\" \"--esco\" \"wlce\"") !=
        std::string::npos);
  CHECK(unit.find("Restart=on-failure\n") != std::string::npos);
  CHECK(unit.find("TimeoutStopSec=35\n") != std::string::npos);
}
