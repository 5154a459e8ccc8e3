// The jobs' repositories (lib/db) against a real PostgreSQL: a fresh migrated
// database with two meters, then what each repository writes and reads back.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <pqxx/pqxx>

#include <string>

#include "db/event_log.hpp"
#include "db/meters.hpp"
#include "db/migrations.hpp"
#include "db/shadows.hpp"
#include "db/topology.hpp"
#include "db/topups.hpp"
#include "db/transaction.hpp"
#include "test_database.hpp"

using flows::Money;
using flows::testing::TestDatabase;
using nlohmann::json;
namespace db = flows::db;

namespace {

const char* kDoc = R"(escos:
  - {code: acme, name: Acme Energy, region: south_west}
meters:
  - {serial: EML0000000001, ip_address: 10.1.2.3, emop_port: 8081, hardware: C1.w, mode: active, dst: true, esco: acme}
  - {serial: EML0000000002, esco: acme, mode: active}
  - {serial: EML0000000003, ip_address: 10.1.2.5, esco: acme, mode: passive}
)";

std::unique_ptr<TestDatabase> community(std::string_view prefix) {
  auto t = std::make_unique<TestDatabase>(prefix);
  db::migrate(t->conn());
  db::import_topology(t->conn(), db::parse_topology(kDoc, "doc.yaml"));
  return t;
}

std::vector<db::MeterRow> active_meters(pqxx::connection& conn) {
  return db::in_read_transaction(conn, "test", [](pqxx::read_transaction& tx) { return db::load_meters(tx, {}); });
}

std::string one(pqxx::connection& conn, const std::string& sql, const std::string& param) {
  pqxx::read_transaction tx(conn);
  const auto f = tx.exec_params1(sql, param)[0];
  return f.is_null() ? "NULL" : f.as<std::string>();
}

}  // namespace

TEST_CASE("load_meters: active meters by serial, with their address and registry facts") {
  auto t = community("test_repo_meters");
  const auto meters = active_meters(t->conn());
  REQUIRE(meters.size() == 2);
  CHECK(meters[0].serial == "EML0000000001");
  CHECK(meters[0].host == "10.1.2.3");
  CHECK(meters[0].port == 8081);
  CHECK(meters[0].hardware == "C1.w");
  CHECK(meters[0].dst);
  CHECK(meters[0].esco == "acme");
  CHECK(meters[1].host.empty());
  CHECK(meters[1].port == 8080);
  db::MeterFilter all;
  all.active_only = false;
  all.serials = {"EML0000000003"};
  const auto passive =
      db::in_read_transaction(t->conn(), "test", [&](pqxx::read_transaction& tx) { return db::load_meters(tx, all); });
  REQUIRE(passive.size() == 1);
  CHECK(passive[0].mode == "passive");
}

TEST_CASE("shadows: healthy with the mask's columns; unhealthy with the reason; registry facts") {
  auto t = community("test_repo_shadows");
  const auto meters = active_meters(t->conn());
  db::in_transaction(t->conn(), "test", [&](pqxx::work& tx) {
    db::update_shadows(tx, db::shadow_csq | db::shadow_balance,
                       json::array({{{"id", meters[0].id}, {"csq", 17}, {"balance", "12.34500"}}}));
    db::mark_unhealthy(tx, json::array({{{"id", meters[1].id}, {"details", "connection refused"}}}));
    db::update_registry_facts(tx, json::array({{{"id", meters[0].id}, {"firmware", "3_03_2"}}}));
  });
  CHECK(one(t->conn(), "SELECT csq::text FROM flows.meter_shadows WHERE id = $1::uuid", meters[0].id) == "17");
  CHECK(one(t->conn(), "SELECT balance::text FROM flows.meter_shadows WHERE id = $1::uuid", meters[0].id) ==
        "12.34500");
  CHECK(one(t->conn(), "SELECT health::text FROM flows.meter_shadows WHERE id = $1::uuid", meters[0].id) == "healthy");
  CHECK(one(t->conn(), "SELECT health::text || ': ' || health_details FROM flows.meter_shadows WHERE id = $1::uuid",
            meters[1].id) == "unhealthy: connection refused");
  CHECK(one(t->conn(), "SELECT firmware_version FROM flows.meter_registry WHERE id = $1::uuid", meters[0].id) ==
        "3_03_2");
  CHECK(one(t->conn(), "SELECT hardware FROM flows.meter_registry WHERE id = $1::uuid", meters[0].id) == "C1.w");
}

TEST_CASE("event log: inserted once; the newest per meter") {
  auto t = community("test_repo_events");
  const auto meters = active_meters(t->conn());
  const json events = json::array({{{"id", meters[0].id}, {"ts", "2024-03-02T10:00:00Z"}, {"event_type", 3}, {"event_set", 1}},
                                   {{"id", meters[0].id}, {"ts", "2024-03-02T11:00:00Z"}, {"event_type", 4}, {"event_set", 1}}});
  auto insert = [&] {
    return db::in_transaction(t->conn(), "test", [&](pqxx::work& tx) { return db::insert_events(tx, events); });
  };
  CHECK(insert() == 2);
  CHECK(insert() == 0);
  const auto newest =
      db::in_read_transaction(t->conn(), "test", [&](pqxx::read_transaction& tx) { return db::newest_events(tx, meters); });
  REQUIRE(newest.size() == 1);
  CHECK(newest.at(meters[0].id) == 1709377200);  // 2024-03-02T11:00:00Z
}

TEST_CASE("token push claims: only while waiting, renewed as a new attempt, finished with the topup") {
  auto t = community("test_repo_topups");
  const auto meters = active_meters(t->conn());
  const std::string topup = "00000000-0000-0000-0000-0000000000a1";
  {
    pqxx::work w(t->conn());
    w.exec_params("INSERT INTO public.topups (id, meter, amount_pence, status, source, token) "
                  "VALUES ($1::uuid, $2::uuid, 1000, 'wait_token_push', 'payment', '12345678901234567890')",
                  topup, meters[0].id);
    w.commit();
  }
  auto pending = [&] {
    return db::in_read_transaction(t->conn(), "test",
                                   [&](pqxx::read_transaction& tx) { return db::pending_topups(tx, std::nullopt); });
  };
  auto claim = [&](const char* balance, int count) {
    return db::in_transaction(t->conn(), "test", [&](pqxx::work& tx) {
      return db::claim_token_push(tx, topup, meters[0].id, *Money::parse(balance), count);
    });
  };
  auto p = pending();
  REQUIRE(p.size() == 1);
  CHECK(p[0].meter.serial == "EML0000000001");
  CHECK(p[0].meter.port == 8081);
  CHECK(p[0].amount == Money::from_pounds(10));
  CHECK(!p[0].unfinished);

  CHECK(claim("5.5", 3));
  p = pending();
  CHECK(p[0].unfinished);
  CHECK(p[0].before_count == 3);
  CHECK(p[0].before_balance == *Money::parse("5.5"));
  CHECK(p[0].attempts == 1);
  CHECK(claim("5.25", 3));
  CHECK(pending()[0].attempts == 2);

  db::in_transaction(t->conn(), "test", [&](pqxx::work& tx) {
    db::finish_token_push(tx, topup, true, "balance 5.25000 -> 15.25000", *Money::parse("15.25"), 4);
  });
  CHECK(pending().empty());
  CHECK(one(t->conn(), "SELECT status::text FROM public.topups WHERE id = $1::uuid", topup) == "completed");
  CHECK(one(t->conn(), "SELECT (used_at IS NOT NULL)::text FROM public.topups WHERE id = $1::uuid", topup) == "true");
  CHECK(one(t->conn(),
            "SELECT outcome || ' ' || transaction_count_after || ' ' || meter_balance_after::text "
            "FROM public.topup_token_push_attempts WHERE topup_id = $1::uuid",
            topup) == "completed 4 15.25000");
  CHECK(!claim("15.25", 4));  // no longer waiting
}
