// Parsing and validating topology documents: no database.
#include "db/topology_document.hpp"

#include <doctest/doctest.h>

#include <string>

#include "core/error.hpp"
#include "db/topology_test_document.hpp"

namespace db = flows::db;
using flows::testing::kDoc;

namespace {

template <class F>
flows::Error error_of(F&& f) {
  try {
    f();
  } catch (const flows::Error& e) {
    return e;
  }
  FAIL("expected a flows::Error");
  return flows::Error(flows::ExitCode::ok, "");
}

}  // namespace

TEST_CASE("parse_topology accepts the documented format") {
  auto t = db::parse_topology(kDoc, "doc.yaml");
  REQUIRE(t.meters.size() == 2);
  CHECK(t.meters[0].ip_address == "10.1.2.3");
  CHECK(t.meters[0].emop_port == 8081);
  CHECK(t.meters[0].dst == true);
  CHECK(t.meters[1].mode == "passive");
  CHECK(t.meters[1].line == 22);
  REQUIRE(t.circuits.size() == 2);
  CHECK(t.circuits[0].registers[0].start == "2024-01-01T00:00:00+00:00");  // the register's start_time
  CHECK(t.circuits[0].registers[0].nature == "power");
  CHECK(t.circuits[1].registers[0].start == "2024-02-01T00:00:00+01:00");
}

TEST_CASE("parse_topology errors are usage errors naming source:line") {
  struct Case {
    std::string find, replace, message;
    int line;
  };
  const Case cases[] = {
      {"esco: acme, mode: passive", "esco: nope, mode: passive", "unknown esco 'nope'", 22},
      {"mode: passive", "mode: sleepy", "mode 'sleepy' is not one of active, passive", 22},
      {"ip_address: 10.1.2.3", "ip_address: 10.1.2.300", "not an IPv4 or IPv6 address", 13},
      {"{serial: EML0000000002", "{serial: EML0000000001", "meter 'EML0000000001' is already defined on line 12", 22},
      {"element: B, nature: heat", "element: C, nature: heat", "element 'C' is not one of A, B, SINGLE", 25},
      {"region: south_west", "region: atlantis", "region 'atlantis'", 2},
      {"emop_port: 8081", "emop_port: 70000", "emop_port '70000'", 14},
      {"phase: 1,", "phase: 4,", "phase '4'", 8},
      {"start_time: 2024-01-01}", "start_time: 2024-13-01}", "not a valid time", 24},
      {"- {meter: EML0000000001, element: A}", "- {meter: EML0000000001, element: SINGLE}", "unknown register", 30},
      {"    name: Plot 1 supply", "    name: Plot 1 supply\n    colour: red", "unknown key 'colour' in meter", 22},
      {"feeder: acme-f1, phase", "feeder: acme-f9, phase", "unknown feeder 'acme-f9'", 8},
  };
  for (const auto& c : cases) {
    std::string doc = kDoc;
    auto at = doc.find(c.find);
    REQUIRE(at != std::string::npos);
    doc.replace(at, c.find.size(), c.replace);
    auto e = error_of([&] { db::parse_topology(doc, "t.yaml"); });
    INFO(std::string(e.what()));
    CHECK(e.code() == flows::ExitCode::usage);
    CHECK(std::string(e.what()).rfind("t.yaml:" + std::to_string(c.line) + ": ", 0) == 0);
    CHECK(std::string(e.what()).find(c.message) != std::string::npos);
  }
  auto e = error_of([] { db::parse_topology("meters: [ {serial: x", "bad.yaml"); });
  CHECK(e.code() == flows::ExitCode::usage);
  CHECK(std::string(e.what()).rfind("bad.yaml:1: ", 0) == 0);
}

