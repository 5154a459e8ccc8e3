// `emop status` rendered from hand-built values: no database.
#include <doctest/doctest.h>

#include "jobs/fleet_status.hpp"

using namespace flows;

namespace {

jobs::FleetStatus example() {
  jobs::FleetStatus s;
  s.schema = {13, 13, {}, true};
  s.fleet_read = true;
  s.now = 1764662400;  // 2025-12-02T08:00:00Z
  db::SyncRunRow hourly;
  hourly.frequency = "hourly";
  hourly.started_at = "2025-12-02T07:59:50Z";
  hourly.finished_at = "2025-12-02T08:00:00Z";
  hourly.finished_epoch = 1764662400;
  hourly.counts = {5, 4, 1};
  db::SyncRunRow daily = hourly;
  daily.frequency = "daily";
  daily.finished_at = "2025-11-29T08:00:00Z";
  daily.finished_epoch = 1764662400 - 3 * 86400;
  daily.esco = "wlce";
  s.syncs = {hourly, daily};
  s.unhealthy.count = 3;
  s.unhealthy.first = {{"wlce", "EML1", "Plot 1", "meter unreachable: timed out", std::nullopt},
                       {"", "EML2", "", std::nullopt, "2025-12-01T10:00:00Z"}};
  s.tokens = {2, 1250, "2025-12-02T06:00:00Z"};
  s.tariffs = {{"wlce", "2026-01-01T00:00:00", 3}, {"other", "2026-02-01T00:00:00", 1}};
  s.gateways = {{"gw-wlce", "wlce", "127.0.0.1:50051", true, 4, 1, ""},
                {"gw-other", "", "127.0.0.1:50052", false, 0, 0, "connection refused"}};
  return s;
}

}  // namespace

TEST_CASE("a sync is overdue after two of its periods") {
  CHECK_FALSE(jobs::sync_overdue("hourly", 0, 7200));
  CHECK(jobs::sync_overdue("hourly", 0, 7201));
  CHECK_FALSE(jobs::sync_overdue("12hourly", 0, 86400));
  CHECK(jobs::sync_overdue("12hourly", 0, 86401));
  CHECK_FALSE(jobs::sync_overdue("daily", 0, 172800));
  CHECK(jobs::sync_overdue("daily", 0, 172801));
}

TEST_CASE("pence as pounds") {
  CHECK(jobs::pounds(1250) == "\u00a312.50");
  CHECK(jobs::pounds(5) == "\u00a30.05");
  CHECK(jobs::pounds(0) == "\u00a30.00");
  CHECK(jobs::pounds(-105) == "-\u00a31.05");
}

TEST_CASE("the status screen as text") {
  CHECK(jobs::status_text(example()) ==
        "schema: version 13, up to date\n"
        "last sync:\n"
        "  hourly    2025-12-02T08:00:00Z  5 meters, 4 ok, 1 failed\n"
        "  12hourly  never\n"
        "  daily     2025-11-29T08:00:00Z  5 meters, 4 ok, 1 failed (esco wlce)  OVERDUE\n"
        "unhealthy meters: 3\n"
        "  EML1 wlce Plot 1: meter unreachable: timed out (last healthy never)\n"
        "  EML2 - -: - (last healthy 2025-12-01T10:00:00Z)\n"
        "  ... and 1 more (emop list --health unhealthy)\n"
        "tokens waiting to be pushed: 2, \u00a312.50, oldest 2025-12-02T06:00:00Z\n"
        "next tariff activations:\n"
        "  wlce 2026-01-01T00:00:00 3 meters\n"
        "  other 2026-02-01T00:00:00 1 meter\n"
        "gateways:\n"
        "  gw-wlce wlce 127.0.0.1:50051 reachable, 4 meters served, 1 call in flight\n"
        "  gw-other - 127.0.0.1:50052 unreachable: connection refused\n");
}

TEST_CASE("a status for one ESCO does not repeat the run's --esco; empty sections say so") {
  auto s = example();
  s.esco = "wlce";
  s.unhealthy = {};
  s.tokens = {};
  s.tariffs.clear();
  s.gateways.clear();
  s.gateways_note = "no gateways defined in /x/mediators.toml";
  const auto text = jobs::status_text(s);
  CHECK(text.starts_with("esco: wlce\nschema: version 13, up to date\n"));
  CHECK(text.find("  daily     2025-11-29T08:00:00Z  5 meters, 4 ok, 1 failed  OVERDUE\n") != std::string::npos);
  CHECK(text.find("unhealthy meters: 0\ntokens waiting to be pushed: none\nnext tariff activations: none\n"
                  "gateways: none (no gateways defined in /x/mediators.toml)\n") != std::string::npos);
}

TEST_CASE("a schema with migrations pending: only the schema, and what to do") {
  jobs::FleetStatus s;
  s.schema = {12, 13, {"0013 sync_runs"}, false};
  CHECK(jobs::status_text(s) ==
        "schema: version 12, this tool knows 13; pending: 0013 sync_runs (run `emop db migrate`)\n"
        "fleet: not read until the schema is this tool's\n"
        "gateways: none\n");
  const auto j = jobs::status_json(s);
  CHECK(j["fleet_read"] == false);
  CHECK(j["syncs"].is_null());
  CHECK(j["schema"]["pending"] == nlohmann::ordered_json::array({"0013 sync_runs"}));
}

TEST_CASE("the status screen as one JSON object") {
  const auto j = jobs::status_json(example());
  CHECK(j["esco"].is_null());
  CHECK(j["schema"].dump() == R"({"current_version":13,"latest_version":13,"pending":[],"up_to_date":true})");
  CHECK(j["syncs"].size() == 3);
  CHECK(j["syncs"][0].dump() ==
        R"({"frequency":"hourly","started_at":"2025-12-02T07:59:50Z","finished_at":"2025-12-02T08:00:00Z","meters":5,)"
        R"("ok":4,"failed":1,"esco":null,"by_serials":false,"overdue":false})");
  CHECK(j["syncs"][1].dump() ==
        R"({"frequency":"12hourly","started_at":null,"finished_at":null,"meters":null,"ok":null,"failed":null,)"
        R"("esco":null,"by_serials":null,"overdue":true})");
  CHECK(j["syncs"][2]["overdue"] == true);
  CHECK(j["unhealthy"]["count"] == 3);
  CHECK(j["unhealthy"]["meters"][1].dump() ==
        R"({"serial":"EML2","esco":null,"name":null,"reason":null,"last_healthy_at":"2025-12-01T10:00:00Z"})");
  CHECK(j["tokens_waiting"].dump() == R"({"count":2,"amount_pence":1250,"oldest_created_at":"2025-12-02T06:00:00Z"})");
  CHECK(j["tariff_activations"][1].dump() == R"({"esco":"other","activation":"2026-02-01T00:00:00","meters":1})");
  CHECK(j["gateways"][1].dump() ==
        R"({"name":"gw-other","esco":null,"listen":"127.0.0.1:50052","reachable":false,"meters_served":null,)"
        R"("calls_in_flight":null,"error":"connection refused"})");
  CHECK(j["gateways_note"].is_null());
}
