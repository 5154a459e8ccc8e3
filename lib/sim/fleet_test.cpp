#include "sim/fleet.hpp"

#include <doctest/doctest.h>

#include <map>
#include <set>

#include "core/error.hpp"
#include "sim/sim_meter.hpp"

using namespace flows;
using namespace flows::sim;

namespace {

std::string config_message(std::string_view yaml) {
  try {
    (void)load_fleet_yaml(yaml, "fleet.yaml");
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::config);
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("fleet: generated meters have unique serials and loopback addresses") {
  const auto fleet = generate_fleet(600, 42);
  REQUIRE(fleet.size() == 600);
  std::set<std::string> serials, hosts;
  std::map<MeterKind, int> kinds;
  int dst = 0, solar = 0;
  for (const auto& m : fleet) {
    serials.insert(m.serial);
    hosts.insert(m.host);
    CHECK(m.port == 8080);
    CHECK(m.serial.size() == 13);
    CHECK(m.serial.rfind("EML", 0) == 0);
    ++kinds[m.kind];
    dst += m.dst;
    solar += m.solar;
    CHECK(m.installed_at < GenerateOptions{}.reference);
  }
  CHECK(serials.size() == 600);
  CHECK(hosts.size() == 600);
  CHECK(fleet[0].host == "127.0.1.1");
  CHECK(fleet[253].host == "127.0.1.254");
  CHECK(fleet[254].host == "127.0.2.1");
  CHECK(fleet[599].host == "127.0.3.92");
  CHECK(kinds.size() == 5);
  CHECK(kinds[MeterKind::single_b1w] > 300);
  CHECK(dst > 240);
  CHECK(dst < 360);
  CHECK(solar > 60);
  CHECK(loopback_address(254 * 255 - 1) == "127.0.255.254");
  CHECK_THROWS_AS(loopback_address(254 * 255), Error);
}

TEST_CASE("fleet: generation is deterministic for a seed") {
  CHECK(generate_fleet(50, 7) == generate_fleet(50, 7));
  CHECK(generate_fleet(50, 7)[0].serial != generate_fleet(50, 8)[0].serial);
  CHECK(generate_fleet(0, 7).empty());
  CHECK_THROWS_AS(generate_fleet(-1, 7), Error);
}

TEST_CASE("fleet: one address with consecutive ports") {
  GenerateOptions o;
  o.addressing = GenerateOptions::Addressing::consecutive_ports;
  o.host = "127.0.0.1";
  o.port = 9000;
  const auto fleet = generate_fleet(20, 1, o);
  for (std::size_t i = 0; i < fleet.size(); ++i) {
    CHECK(fleet[i].host == "127.0.0.1");
    CHECK(fleet[i].port == 9000 + i);
  }
  o.port = 65530;
  CHECK_THROWS_AS(generate_fleet(7, 1, o), Error);
}

TEST_CASE("fleet: YAML round trip, with the inventory fields other tools read") {
  const auto fleet = generate_fleet(40, 99);
  const std::string yaml = fleet_to_yaml(fleet);
  CHECK(load_fleet_yaml(yaml, "generated.yaml") == fleet);
  const YAML::Node doc = YAML::Load(yaml);
  for (std::size_t i = 0; i < fleet.size(); ++i) {
    const YAML::Node m = doc["meters"][i];
    CHECK(m["serial"].as<std::string>() == fleet[i].serial);
    CHECK(m["host"].as<std::string>() == fleet[i].host);
    CHECK(m["port"].as<int>() == fleet[i].port);
    CHECK(m["kind"].as<std::string>() == kind_name(fleet[i].kind));
    CHECK(m["hardware"].as<std::string>() == kind_registry(fleet[i].kind));
    CHECK(m["dst"].as<bool>() == fleet[i].dst);
  }
}

TEST_CASE("fleet: a hand-written inventory takes defaults and hardware for kind") {
  const auto fleet = load_fleet_yaml(R"(meters:
  - serial: EML2137580761
    host: 127.0.1.1
    hardware: C1.w
    dst: true
  - serial: EML2137580762
    host: 127.0.1.2
    kind: three_phase_ax
    unit_rate: 0.2853
    installed_at: 2024-02-01T00:00:00Z
)", "fleet.yaml");
  REQUIRE(fleet.size() == 2);
  CHECK(fleet[0].kind == MeterKind::twin_c1w);
  CHECK(fleet[0].port == 8080);
  CHECK(fleet[0].dst);
  CHECK(firmware_of(fleet[0]) == "3_03_2");
  CHECK(fleet[1].kind == MeterKind::three_phase_ax);
  CHECK(fleet[1].unit_rate == *Money::parse("0.2853"));
  CHECK(format_utc(fleet[1].installed_at) == "2024-02-01T00:00:00Z");
  CHECK(firmware_of(fleet[1]) == "0a1b");
}

TEST_CASE("fleet: validation errors name the file and line") {
  CHECK(config_message("meters:\n  - serial: A\n    host: h\n  - serial: A\n    host: i\n") ==
        "fleet.yaml:4: serial A is already used on line 2");
  CHECK(config_message("meters:\n  - serial: A\n    host: h\n  - serial: B\n    host: h\n") ==
        "fleet.yaml:4: address h:8080 is already used on line 2");
  CHECK(config_message("meters:\n  - serial: A\n    colour: red\n") == "fleet.yaml:3: unknown key 'colour'");
  CHECK(config_message("meters:\n  - serial: A\n    kind: gas\n").starts_with("fleet.yaml:3: unknown kind 'gas'"));
  CHECK(config_message("meters:\n  - serial: A\n    port: 70000\n").starts_with("fleet.yaml:3: 'port' must be"));
  CHECK(config_message("meters:\n  - serial: A\n    kind: single_b1w\n    hardware: C1.w\n") ==
        "fleet.yaml:2: kind single_b1w does not match hardware C1.w");
  CHECK(config_message("meters:\n  - host: h\n") == "fleet.yaml:2: a meter needs a serial");
  CHECK(config_message("meters:\n  - serial: A\n    unit_rate: 0.123456\n")
            .starts_with("fleet.yaml:3: 'unit_rate' must be an amount"));
  CHECK(config_message("meters:\n  - serial: A\n    firmware: 3032\n") ==
        "fleet.yaml:3: single-phase firmware looks like 3_03_2");
  CHECK(config_message("meters: [").starts_with("fleet.yaml:"));
  CHECK(config_message("serial: A\n") == "fleet.yaml:1: expected a mapping with a 'meters' list");
}

TEST_CASE("fleet: generated meters reach the reference instant with a sensible balance") {
  const auto fleet = generate_fleet(30, 5);
  for (const auto& spec : fleet) {
    SimMeter m(spec, emop::ObjectTable::builtin());
    m.advance(GenerateOptions{}.reference);
    CHECK_MESSAGE(m.balance() >= Money::from_pounds(5), spec.serial);
    CHECK_MESSAGE(m.balance() <= *Money::parse("60.01"), spec.serial);
    CHECK(m.registers().import_a_wh > 0);
  }
}
