// Rows -> meter targets, and the rows without an address.
#include "jobs/meter_targets.hpp"

#include <doctest/doctest.h>

#include "db/meters.hpp"

using namespace flows;

namespace {
db::MeterRow row(const char* serial, const char* host, std::uint16_t port = 8080, bool dst = false) {
  db::MeterRow r;
  r.serial = serial;
  r.host = host;
  r.port = port;
  r.dst = dst;
  r.hardware = "B1.w";
  return r;
}
struct Topup {
  std::string id;
  db::MeterRow meter;
};
}  // namespace

TEST_CASE("meter_targets: each meter with an address once, in order; the others by index") {
  const std::vector<db::MeterRow> rows{row("EML1", "10.0.0.1", 8081, true), row("EML2", ""), row("EML3", "10.0.0.3")};
  const auto s = jobs::meter_targets(rows);
  REQUIRE(s.targets.size() == 2);
  CHECK(s.targets[0].serial == "EML1");
  CHECK(s.targets[0].endpoint.to_string() == "10.0.0.1:8081");
  CHECK(s.targets[0].dst);
  CHECK(s.targets[0].hardware == "B1.w");
  CHECK(s.targets[1].serial == "EML3");
  CHECK(s.without_address == std::vector<std::size_t>{1});
}

TEST_CASE("meter_targets: rows naming one meter twice give one target") {
  const std::vector<Topup> topups{{"t1", row("EML1", "10.0.0.1")}, {"t2", row("EML2", "")}, {"t3", row("EML1", "10.0.0.1")},
                                  {"t4", row("EML2", "")}};
  const auto s = jobs::meter_targets(topups, [](const Topup& t) -> const db::MeterRow& { return t.meter; });
  REQUIRE(s.targets.size() == 1);
  CHECK(s.targets[0].serial == "EML1");
  CHECK(s.without_address == std::vector<std::size_t>{1, 3});
}
