// The flows schema's behaviour with real values: seeds, meter_shadows triggers,
// views, the public business tables, roles and ESCO row-level security. Every
// test case migrates a database of its own (see test_database.hpp).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <pqxx/pqxx>
#include <pqxx/stream_to>

#include <chrono>
#include <future>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "db/migrations.hpp"
#include "test_database.hpp"

using flows::testing::NoticeCollector;
using flows::testing::TestDatabase;
using flows::testing::TestRole;

namespace {

// A freshly migrated database of the test's own.
struct Migrated {
  TestDatabase tdb;
  explicit Migrated(const char* prefix) : tdb(prefix) { flows::db::migrate(tdb.conn()); }
  pqxx::connection& conn() { return tdb.conn(); }
};

using Rows = std::vector<std::vector<std::string>>;

// Runs a parameterised query in its own transaction; every value as text ("" for null).
template <class... Args>
Rows query(pqxx::connection& conn, const std::string& sql, Args&&... args) {
  pqxx::work w{conn};
  const pqxx::result r = w.exec_params(sql, std::forward<Args>(args)...);
  w.commit();
  Rows rows;
  for (const auto& row : r) {
    std::vector<std::string> values;
    for (const auto& field : row) values.push_back(field.is_null() ? "" : field.as<std::string>());
    rows.push_back(std::move(values));
  }
  return rows;
}

template <class... Args>
std::string scalar(pqxx::connection& conn, const std::string& sql, Args&&... args) {
  const Rows rows = query(conn, sql, std::forward<Args>(args)...);
  REQUIRE(rows.size() == 1);
  REQUIRE(rows[0].size() == 1);
  return rows[0][0];
}

std::string add_esco(pqxx::connection& conn, const std::string& code) {
  return scalar(conn, "INSERT INTO flows.escos (code, name, region) VALUES ($1, $1, 'south_west') RETURNING id", code);
}

std::string add_meter(pqxx::connection& conn, const std::string& serial, const std::string& esco,
                      bool prepay = true) {
  return scalar(conn,
                "INSERT INTO flows.meter_registry (serial, name, esco, prepay_enabled, hardware)"
                " VALUES ($1, 'Plot ' || $1, $2::uuid, $3, 'C1.w') RETURNING id",
                serial, esco, prepay);
}

std::string add_register(pqxx::connection& conn, const std::string& meter, const std::string& element) {
  return scalar(conn,
                "INSERT INTO flows.meter_registers (meter_id, element, nature)"
                " VALUES ($1::uuid, $2::flows.meter_register_element, 'power') RETURNING register_id",
                meter, element);
}

void exec(pqxx::connection& conn, const std::string& sql) {
  pqxx::work w{conn};
  w.exec0(sql);
  w.commit();
}

}  // namespace

TEST_CASE("seed data: Ofgem regions, syncer frequencies, meter event types") {
  Migrated db{"schema_seeds"};
  CHECK(scalar(db.conn(), "SELECT count(*) FROM flows.regions") == "14");
  CHECK(scalar(db.conn(), "SELECT name FROM flows.regions WHERE code = 'north_wales_mersey'") ==
        "North Wales and Mersey");
  CHECK(query(db.conn(), "SELECT code FROM flows.regions WHERE code IN ('south_west', 'london', 'south_scotland')"
                         " ORDER BY code") == Rows{{"london"}, {"south_scotland"}, {"south_west"}});

  CHECK(query(db.conn(), "SELECT name FROM flows.meter_metrics WHERE run_frequency = 'hourly' ORDER BY name") ==
        Rows{{"SyncerCsq"}, {"SyncerEventLog"}, {"SyncerPrepayBalance"}, {"SyncerVoltage"}});
  CHECK(scalar(db.conn(), "SELECT count(*) FROM flows.meter_metrics WHERE run_frequency = 'daily'") == "8");
  CHECK(scalar(db.conn(), "SELECT run_frequency FROM flows.meter_metrics WHERE name = 'SyncerReads'") == "daily");
  CHECK(scalar(db.conn(), "SELECT count(*) FROM flows.meter_metrics WHERE name LIKE 'SyncerTariffs%'"
                          " OR name = 'SyncerClockDiff'") == "3");

  // All 80 rows of meter-event-types.csv.
  CHECK(scalar(db.conn(), "SELECT count(*) FROM flows.meter_event_log_type") == "80");
  CHECK(scalar(db.conn(), "SELECT name FROM flows.meter_event_log_type WHERE id = 1") == "BM_OVER_CURRENT");
  CHECK(scalar(db.conn(), "SELECT name FROM flows.meter_event_log_type WHERE id = 34") == "EVENT_POWER_DN");
  CHECK(scalar(db.conn(), "SELECT name FROM flows.meter_event_log_type WHERE id = 105") == "AUTO_ROAMING_DISABLE");
}

TEST_CASE("meter_registry: a new meter gets a shadow row, defaults, unique serial and inet address") {
  Migrated db{"schema_registry"};
  const std::string esco = add_esco(db.conn(), "esco_a");
  const std::string meter = add_meter(db.conn(), "EML2137580826", esco);

  CHECK(scalar(db.conn(), "SELECT count(*) FROM flows.meter_shadows WHERE id = $1::uuid", meter) == "1");
  CHECK(query(db.conn(), "SELECT mode, single_meter_app FROM flows.meter_registry WHERE id = $1::uuid", meter) ==
        Rows{{"active", "f"}});

  exec(db.conn(), "UPDATE flows.meter_registry SET ip_address = '10.20.30.40' WHERE serial = 'EML2137580826'");
  CHECK(scalar(db.conn(), "SELECT host(ip_address) FROM flows.meter_registry WHERE id = $1::uuid", meter) ==
        "10.20.30.40");

  CHECK_THROWS_AS(add_meter(db.conn(), "EML2137580826", esco), pqxx::unique_violation);
  CHECK_THROWS_AS(query(db.conn(), "INSERT INTO flows.meter_registry (serial, ip_address) VALUES ('X', '10.20.30.40')"),
                  pqxx::unique_violation);
  CHECK_THROWS_AS(query(db.conn(), "INSERT INTO flows.meter_registry (serial, ip_address) VALUES ('Y', '10.0.0.300')"),
                  pqxx::data_exception);
}

TEST_CASE("meter_shadows: updated_at moves on every update") {
  Migrated db{"schema_updated_at"};
  const std::string meter = add_meter(db.conn(), "EML0000000001", add_esco(db.conn(), "esco_a"));
  const std::string created = scalar(db.conn(), "SELECT updated_at FROM flows.meter_shadows WHERE id = $1::uuid", meter);

  exec(db.conn(), "UPDATE flows.meter_shadows SET backlight = 'on'");
  const std::string first = scalar(db.conn(), "SELECT updated_at FROM flows.meter_shadows WHERE id = $1::uuid", meter);
  CHECK(scalar(db.conn(), "SELECT $1::timestamptz > $2::timestamptz", first, created) == "t");

  // Within one transaction too: statement_timestamp(), not now().
  pqxx::work w{db.conn()};
  w.exec0("UPDATE flows.meter_shadows SET backlight = 'off'");
  const std::string second = w.exec1("SELECT updated_at::text FROM flows.meter_shadows")[0].as<std::string>();
  w.exec0("UPDATE flows.meter_shadows SET load_switch = 'closed'");
  const std::string third = w.exec1("SELECT updated_at::text FROM flows.meter_shadows")[0].as<std::string>();
  CHECK(w.exec_params1("SELECT $1::timestamptz > $2::timestamptz", third, second)[0].as<bool>());
  w.commit();

  const std::string registry_before = scalar(db.conn(), "SELECT updated_at FROM flows.meter_registry");
  exec(db.conn(), "UPDATE flows.meter_registry SET firmware_version = '3.1.2'");
  CHECK(scalar(db.conn(), "SELECT updated_at > $1::timestamptz FROM flows.meter_registry", registry_before) == "t");
}

TEST_CASE("meter_shadows triggers copy each update into the time series") {
  Migrated db{"schema_fanout"};
  const std::string esco = add_esco(db.conn(), "esco_a");
  const std::string meter = add_meter(db.conn(), "EML0000000001", esco);
  const std::string reg_a = add_register(db.conn(), meter, "A");

  SUBCASE("csq") {
    exec(db.conn(), "UPDATE flows.meter_shadows SET csq = 17");
    CHECK(query(db.conn(), "SELECT meter_id, csq FROM flows.meter_csq") == Rows{{meter, "17"}});
    CHECK(scalar(db.conn(),
                 "SELECT c.\"timestamp\" = s.updated_at FROM flows.meter_csq c JOIN flows.meter_shadows s"
                 " ON s.id = c.meter_id") == "t");
    exec(db.conn(), "UPDATE flows.meter_shadows SET csq = 17");  // unchanged, still a sample
    exec(db.conn(), "UPDATE flows.meter_shadows SET balance = 3.5");  // csq not set: no sample
    CHECK(scalar(db.conn(), "SELECT count(*) FROM flows.meter_csq") == "2");
  }

  SUBCASE("import_a to the element A register") {
    exec(db.conn(), "UPDATE flows.meter_shadows SET import_a = 1234");
    CHECK(query(db.conn(), "SELECT register_id, read FROM flows.register_import") == Rows{{reg_a, "1234"}});
    CHECK(scalar(db.conn(), "SELECT count(*) FROM flows.register_export") == "0");
  }

  SUBCASE("a SINGLE element register counts as element A") {
    const std::string single_meter = add_meter(db.conn(), "EML0000000002", esco);
    const std::string single = add_register(db.conn(), single_meter, "SINGLE");
    query(db.conn(), "UPDATE flows.meter_shadows SET import_a = 500, export_a = 42 WHERE id = $1::uuid", single_meter);
    CHECK(query(db.conn(), "SELECT register_id, read FROM flows.register_import") == Rows{{single, "500"}});
    CHECK(query(db.conn(), "SELECT register_id, read FROM flows.register_export") == Rows{{single, "42"}});
  }

  SUBCASE("import_b of a meter without an element B register: a warning, no row, no error") {
    NoticeCollector notices{db.conn()};
    CHECK_NOTHROW(exec(db.conn(), "UPDATE flows.meter_shadows SET import_b = 99, csq = 20"));
    CHECK(scalar(db.conn(), "SELECT count(*) FROM flows.register_import") == "0");
    CHECK(scalar(db.conn(), "SELECT count(*) FROM flows.meter_csq") == "1");  // the rest of the update stands
    REQUIRE(notices.messages.size() == 1);
    CHECK(notices.messages[0].find("WARNING:") == 0);
    CHECK(notices.messages[0].find("has no element B register: import read 99 not recorded") != std::string::npos);
  }

  SUBCASE("element B reads go to the element B register") {
    const std::string reg_b = add_register(db.conn(), meter, "B");
    exec(db.conn(), "UPDATE flows.meter_shadows SET import_b = 77, export_b = 5, import_a = 1000");
    CHECK(query(db.conn(), "SELECT register_id, read FROM flows.register_import ORDER BY read") ==
          Rows{{reg_b, "77"}, {reg_a, "1000"}});
    CHECK(query(db.conn(), "SELECT register_id, read FROM flows.register_export") == Rows{{reg_b, "5"}});
  }

  SUBCASE("balance, voltage and three-phase voltage") {
    exec(db.conn(), "UPDATE flows.meter_shadows SET balance = 12.34567, voltage = 241.5");
    exec(db.conn(),
         "UPDATE flows.meter_shadows SET \"3p_voltage_l1\" = 239.5, \"3p_voltage_l2\" = 240, \"3p_voltage_l3\" = 241");
    CHECK(query(db.conn(), "SELECT balance FROM flows.meter_prepay_balance") == Rows{{"12.34567"}});
    CHECK(query(db.conn(), "SELECT voltage FROM flows.meter_voltage") == Rows{{"241.5"}});
    CHECK(query(db.conn(), "SELECT voltage_l1, voltage_l2, voltage_l3 FROM flows.meter_3p_voltage") ==
          Rows{{"239.5", "240", "241"}});
  }

  SUBCASE("health history; a healthy update sets last_healthy_at") {
    exec(db.conn(), "UPDATE flows.meter_shadows SET health = 'unhealthy', health_details = 'no reply'");
    CHECK(scalar(db.conn(), "SELECT last_healthy_at FROM flows.meter_shadows") == "");
    exec(db.conn(), "UPDATE flows.meter_shadows SET health = 'healthy'");
    CHECK(scalar(db.conn(), "SELECT last_healthy_at = updated_at FROM flows.meter_shadows") == "t");
    const std::string healthy_at = scalar(db.conn(), "SELECT last_healthy_at FROM flows.meter_shadows");
    exec(db.conn(), "UPDATE flows.meter_shadows SET health = 'unhealthy'");
    CHECK(scalar(db.conn(), "SELECT last_healthy_at = $1::timestamptz FROM flows.meter_shadows", healthy_at) == "t");
    CHECK(query(db.conn(), "SELECT health FROM flows.meter_health_history ORDER BY \"timestamp\"") ==
          Rows{{"unhealthy"}, {"healthy"}, {"unhealthy"}});
  }
}

TEST_CASE("views over meter state") {
  Migrated db{"schema_state_views"};
  const std::string esco = add_esco(db.conn(), "esco_a");
  const std::string low = add_meter(db.conn(), "EML_LOW", esco);
  const std::string high = add_meter(db.conn(), "EML_HIGH", esco);
  const std::string credit = add_meter(db.conn(), "EML_CREDIT", esco, false);
  const std::string quiet = add_meter(db.conn(), "EML_QUIET", esco);

  SUBCASE("meters_low_balance: prepayment meters under £15") {
    const std::string set_balance = "UPDATE flows.meter_shadows SET balance = $2 WHERE id = $1::uuid";
    query(db.conn(), set_balance, low, 10);
    query(db.conn(), set_balance, high, 20);
    query(db.conn(), set_balance, credit, 5);  // not a prepayment meter
    CHECK(query(db.conn(), "SELECT id, serial, name, balance FROM flows.meters_low_balance") ==
          Rows{{low, "EML_LOW", "Plot EML_LOW", "10"}});
  }

  SUBCASE("meters_clock_drift: a minute or more either way") {
    const std::string set_drift = "UPDATE flows.meter_shadows SET clock_time_diff_seconds = $2 WHERE id = $1::uuid";
    query(db.conn(), set_drift, low, -90);
    query(db.conn(), set_drift, high, 30);
    query(db.conn(), set_drift, credit, 120);
    CHECK(query(db.conn(), "SELECT serial, clock_time_diff_seconds FROM flows.meters_clock_drift") ==
          Rows{{"EML_CREDIT", "120"}, {"EML_LOW", "-90"}});
  }

  SUBCASE("meters_offline_recently / meters_offline_all: last non-null CSQ 3-24 h / over 3 h ago") {
    query(db.conn(),
          "INSERT INTO flows.meter_csq (meter_id, \"timestamp\", csq) VALUES"
          " ($1::uuid, now() - interval '5 hours', 20),"
          " ($2::uuid, now() - interval '30 hours', 18),"
          " ($3::uuid, now() - interval '1 hour', 25),"
          " ($4::uuid, now() - interval '10 hours', 15),"
          " ($4::uuid, now() - interval '1 hour', NULL)",  // no answer: not online
          low, high, credit, quiet);
    CHECK(query(db.conn(), "SELECT serial FROM flows.meters_offline_recently") == Rows{{"EML_QUIET"}, {"EML_LOW"}});
    CHECK(query(db.conn(), "SELECT serial FROM flows.meters_offline_all") ==
          Rows{{"EML_HIGH"}, {"EML_QUIET"}, {"EML_LOW"}});
  }

  SUBCASE("meter_shadows_tariffs flattens the tariff JSON") {
    query(db.conn(),
          "UPDATE flows.meter_shadows SET"
         " tariffs_active = '{\"standing_charge\": 0.6556, \"unit_rate_element_a\": 0.2798,"
         " \"unit_rate_element_b\": 0.2798, \"prepayment_ecredit_availability\": 10.0,"
         " \"prepayment_debt_recovery_rate\": 0.25, \"prepayment_emergency_credit\": 15.0}',"
         " tariffs_future = '{\"standing_charge\": 0.6, \"unit_rate_element_a\": 0.25, \"unit_rate_element_b\": 0.2,"
         " \"prepayment_ecredit_availability\": 10.0, \"prepayment_debt_recovery_rate\": 0.3,"
         " \"prepayment_emergency_credit\": 15.0, \"activation_datetime\": \"2025-01-01T00:00:00\"}'"
          " WHERE id = $1::uuid",
          low);
    CHECK(query(db.conn(),
                "SELECT serial, active_standing_charge, active_unit_rate_a, active_unit_rate_b,"
                " active_ecredit_availability, active_debt_recovery_rate, active_emergency_credit,"
                " future_standing_charge, future_unit_rate_a, future_unit_rate_b, future_debt_recovery_rate,"
                " future_activation_datetime FROM flows.meter_shadows_tariffs WHERE id = $1::uuid",
                low) == Rows{{"EML_LOW", "0.6556", "0.2798", "0.2798", "10.0", "0.25", "15.0", "0.6", "0.25", "0.2",
                              "0.3", "2025-01-01 00:00:00"}});
  }
}

TEST_CASE("circuit views sum registers' half hours inside their circuit_register ranges") {
  Migrated db{"schema_circuits"};
  const std::string esco = add_esco(db.conn(), "esco_a");
  const std::string meter = add_meter(db.conn(), "EML0000000001", esco);
  const std::string r1 = add_register(db.conn(), meter, "A");
  const std::string r2 = add_register(db.conn(), meter, "B");
  const std::string circuit = scalar(db.conn(), "INSERT INTO flows.circuits (type, name) VALUES ('power', 'Plot 1 power')"
                                                " RETURNING id");
  // r1 counts until noon on 2 January; r2 from then on.
  query(db.conn(),
        "INSERT INTO flows.circuit_register (circuit, register, start_time, end_time) VALUES"
        " ($1::uuid, $2::uuid, '2025-01-01 00:00+00', '2025-01-02 12:00+00'),"
        " ($1::uuid, $3::uuid, '2025-01-02 12:00+00', NULL)",
        circuit, r1, r2);
  // Both registers report every half hour of both days: r1 0.5 kWh, r2 0.25 kWh.
  query(db.conn(),
        "INSERT INTO flows.register_interval_hh (register_id, \"timestamp\", kwh)"
        " SELECT r.id, t, r.kwh FROM (VALUES ($1::uuid, 0.5), ($2::uuid, 0.25)) AS r (id, kwh),"
        " generate_series(timestamptz '2025-01-01 00:00+00', '2025-01-02 23:30+00', '30 minutes') AS t",
        r1, r2);

  CHECK(query(db.conn(),
              "SELECT to_char(day AT TIME ZONE 'Europe/London', 'YYYY-MM-DD'), trim_scale(kwh)"
              " FROM flows.circuit_interval_daily WHERE circuit_id = $1::uuid ORDER BY day",
              circuit) == Rows{{"2025-01-01", "24"}, {"2025-01-02", "18"}});  // 48 x 0.5; 24 x 0.5 + 24 x 0.25
  CHECK(query(db.conn(),
              "SELECT count(*), trim_scale(sum(kwh)) FROM flows.circuit_interval_hh WHERE circuit_id = $1::uuid",
              circuit) == Rows{{"96", "42"}});
  CHECK(query(db.conn(),
              "SELECT trim_scale(kwh) FROM flows.circuit_interval_hh WHERE circuit_id = $1::uuid"
              " AND \"timestamp\" IN ('2025-01-02 11:30+00', '2025-01-02 12:00+00') ORDER BY \"timestamp\"",
              circuit) == Rows{{"0.5"}, {"0.25"}});
  CHECK(query(db.conn(),
              "SELECT to_char(month AT TIME ZONE 'Europe/London', 'YYYY-MM'), trim_scale(kwh)"
              " FROM flows.circuit_interval_monthly WHERE circuit_id = $1::uuid",
              circuit) == Rows{{"2025-01", "42"}});

  SUBCASE("days and months are UK ones: 23:00 UTC on 30 June is 1 July in London") {
    const std::string heat = scalar(db.conn(), "INSERT INTO flows.circuits (type) VALUES ('heat') RETURNING id");
    const std::string r3 = add_register(db.conn(), add_meter(db.conn(), "EML0000000002", esco), "A");
    query(db.conn(), "INSERT INTO flows.circuit_register (circuit, register, start_time) VALUES ($1::uuid, $2::uuid,"
                     " '2025-01-01 00:00+00')", heat, r3);
    query(db.conn(), "INSERT INTO flows.register_interval_hh VALUES ($1::uuid, '2025-06-30 22:30+00', 1.5),"
                     " ($1::uuid, '2025-06-30 23:00+00', 2)", r3);
    CHECK(query(db.conn(),
                "SELECT to_char(day AT TIME ZONE 'Europe/London', 'YYYY-MM-DD'), trim_scale(kwh)"
                " FROM flows.circuit_interval_daily WHERE circuit_id = $1::uuid ORDER BY day",
                heat) == Rows{{"2025-06-30", "1.5"}, {"2025-07-01", "2"}});
    CHECK(query(db.conn(),
                "SELECT to_char(month AT TIME ZONE 'Europe/London', 'YYYY-MM'), trim_scale(kwh)"
                " FROM flows.circuit_interval_monthly WHERE circuit_id = $1::uuid ORDER BY month",
                heat) == Rows{{"2025-06", "1.5"}, {"2025-07", "2"}});
  }
}

TEST_CASE("register_interval_daily follows every write to the half hours, by UK day") {
  Migrated db{"schema_daily"};
  const std::string esco = add_esco(db.conn(), "esco_a");
  const std::string meter = add_meter(db.conn(), "EML0000000001", esco);
  const std::string r1 = add_register(db.conn(), meter, "A");
  const std::string r2 = add_register(db.conn(), meter, "B");
  const auto daily = [&](const std::string& reg) {
    return query(db.conn(),
                 "SELECT day::text, trim_scale(kwh)::text, half_hours FROM flows.register_interval_daily"
                 " WHERE register_id = $1::uuid ORDER BY day",
                 reg);
  };
  // The rollup always equals the half hours summed afresh.
  const auto drift = [&] {
    return scalar(db.conn(),
                  "WITH fresh AS (SELECT register_id, (\"timestamp\" AT TIME ZONE 'Europe/London')::date AS day,"
                  "   sum(kwh) AS kwh, count(*)::int AS half_hours FROM flows.register_interval_hh GROUP BY 1, 2)"
                  " SELECT count(*) FROM ((SELECT * FROM fresh EXCEPT SELECT * FROM flows.register_interval_daily)"
                  " UNION ALL (SELECT * FROM flows.register_interval_daily EXCEPT SELECT * FROM fresh)) x");
  };

  // 27 October 2024, when the clocks go back, is 50 half hours long in London:
  // 2024-10-26 23:00Z (midnight BST) to 2024-10-28 00:00Z (midnight GMT).
  query(db.conn(),
        "INSERT INTO flows.register_interval_hh (register_id, \"timestamp\", kwh)"
        " SELECT $1::uuid, t, 0.5 FROM generate_series(timestamptz '2024-10-26 22:30+00', '2024-10-28 00:00+00',"
        " '30 minutes') AS t",
        r1);
  CHECK(daily(r1) == Rows{{"2024-10-26", "0.5", "1"}, {"2024-10-27", "25", "50"}, {"2024-10-28", "0.5", "1"}});
  CHECK(drift() == "0");

  SUBCASE("COPY, upsert, update, delete and truncate") {
    {  // COPY (as emop sync intervals writes a first ingest)
      pqxx::work w{db.conn()};
      pqxx::stream_to copy(w, "flows.register_interval_hh", std::vector<std::string>{"register_id", "timestamp", "kwh"});
      copy << std::make_tuple(r2, std::string("2024-10-27 10:00+00"), std::string("1.25"));
      copy << std::make_tuple(r2, std::string("2024-10-27 10:30+00"), std::string("0.75"));
      copy.complete();
      w.commit();
    }
    CHECK(daily(r2) == Rows{{"2024-10-27", "2", "2"}});

    // An upsert (as a re-ingest merges): one half hour changed, one new (at
    // midnight GMT, so the next day).
    query(db.conn(),
          "INSERT INTO flows.register_interval_hh (register_id, \"timestamp\", kwh) VALUES"
          " ($1::uuid, '2024-10-27 10:00+00', 2), ($1::uuid, '2024-10-28 00:00+00', 3)"
          " ON CONFLICT (register_id, \"timestamp\") DO UPDATE SET kwh = excluded.kwh",
          r2);
    CHECK(daily(r2) == Rows{{"2024-10-27", "2.75", "2"}, {"2024-10-28", "3", "1"}});

    // An update moving half hours to another day and register.
    query(db.conn(),
          "UPDATE flows.register_interval_hh SET register_id = $2::uuid, \"timestamp\" = \"timestamp\" + interval '1 day'"
          " WHERE register_id = $1::uuid AND \"timestamp\" = '2024-10-26 22:30+00'",
          r1, r2);
    CHECK(daily(r1) == Rows{{"2024-10-27", "25", "50"}, {"2024-10-28", "0.5", "1"}});
    CHECK(daily(r2) == Rows{{"2024-10-27", "3.25", "3"}, {"2024-10-28", "3", "1"}});

    // Deleting some half hours of a day, then the rest of it.
    query(db.conn(),
          "DELETE FROM flows.register_interval_hh WHERE register_id = $1::uuid AND \"timestamp\" < '2024-10-27 12:00+00'",
          r1);
    CHECK(daily(r1) == Rows{{"2024-10-27", "12", "24"}, {"2024-10-28", "0.5", "1"}});
    query(db.conn(), "DELETE FROM flows.register_interval_hh WHERE register_id = $1::uuid AND \"timestamp\" < "
                     "'2024-10-28 00:00+00'", r1);
    CHECK(daily(r1) == Rows{{"2024-10-28", "0.5", "1"}});
    CHECK(drift() == "0");

    exec(db.conn(), "TRUNCATE flows.register_interval_hh");
    CHECK(scalar(db.conn(), "SELECT count(*) FROM flows.register_interval_daily") == "0");
  }

  SUBCASE("a rolled-back write leaves the rollup as it was") {
    {
      pqxx::work w{db.conn()};
      w.exec_params("INSERT INTO flows.register_interval_hh VALUES ($1::uuid, '2024-10-27 12:00+00', 9)", r2);
      w.exec_params("DELETE FROM flows.register_interval_hh WHERE register_id = $1::uuid", r1);
      w.abort();
    }
    CHECK(daily(r2).empty());
    CHECK(daily(r1).size() == 3);
  }

  SUBCASE("writes that bypass triggers are repaired by register_interval_daily_rebuild()") {
    {
      pqxx::work w{db.conn()};
      w.exec0("SET LOCAL session_replication_role = replica");
      w.exec_params("INSERT INTO flows.register_interval_hh VALUES ($1::uuid, '2024-10-27 12:00+00', 9)", r2);
      w.commit();
    }
    CHECK(drift() == "1");
    CHECK(scalar(db.conn(), "SELECT flows.register_interval_daily_rebuild()") == "4");
    CHECK(daily(r2) == Rows{{"2024-10-27", "9", "1"}});
    CHECK(drift() == "0");
  }

  SUBCASE("the application roles read it; only its triggers write it") {
    pqxx::work w{db.conn()};
    w.exec0("SET LOCAL ROLE grafanareader");
    CHECK(w.exec1("SELECT count(*) FROM flows.register_interval_daily")[0].as<int>() == 3);
    CHECK_THROWS_AS(w.exec0("DELETE FROM flows.register_interval_daily"), pqxx::insufficient_privilege);
  }
}

TEST_CASE("register_interval_daily: concurrent writers of the same register-days both count") {
  Migrated db{"schema_daily_conc"};
  const std::string meter = add_meter(db.conn(), "EML0000000001", add_esco(db.conn(), "esco_a"));
  const std::string reg = add_register(db.conn(), meter, "A");
  // A writes the first half of each of two days and holds its transaction open;
  // B writes the second halves (and a new day) and must wait for A's rollup
  // rows, then add to them, not overwrite them.
  auto other = db.tdb.connect();
  pqxx::work a{db.conn()};
  a.exec_params("INSERT INTO flows.register_interval_hh SELECT $1::uuid, t, 0.5 FROM generate_series("
                "timestamptz '2025-01-01 00:00+00', '2025-01-01 11:30+00', '30 minutes') t "
                "UNION ALL SELECT $1::uuid, t, 0.25 FROM generate_series("
                "timestamptz '2025-01-02 00:00+00', '2025-01-02 11:30+00', '30 minutes') t",
                reg);
  const int b_pid = other->backendpid();
  auto b_done = std::async(std::launch::async, [&] {
    pqxx::work b{*other};
    b.exec_params("INSERT INTO flows.register_interval_hh SELECT $1::uuid, t, 1 FROM generate_series("
                  "timestamptz '2025-01-01 12:00+00', '2025-01-03 23:30+00', '30 minutes') t "
                  "WHERE t < '2025-01-02 00:00+00' OR t >= '2025-01-02 12:00+00'",
                  reg);
    b.commit();
  });
  // B waits on a lock (A's rollup rows) until A commits: seen from a third session.
  // (Should that fail, A is rolled back first: B's future waits for B on leaving.)
  bool b_waited = false;
  try {
    auto observer = db.tdb.connect();
    for (int i = 0; i < 200 && !b_waited; ++i) {
      pqxx::nontransaction n{*observer};
      b_waited = n.exec_params1("SELECT count(*) FROM pg_stat_activity WHERE pid = $1 AND wait_event_type = 'Lock'",
                                b_pid)[0]
                     .as<int>() == 1;
      if (!b_waited) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  } catch (...) {
    a.abort();
    throw;
  }
  CHECK(b_waited);
  CHECK(b_done.wait_for(std::chrono::milliseconds(0)) == std::future_status::timeout);
  a.commit();
  REQUIRE(b_done.wait_for(std::chrono::seconds(30)) == std::future_status::ready);
  b_done.get();
  CHECK(query(db.conn(),
              "SELECT day::text, trim_scale(kwh)::text, half_hours FROM flows.register_interval_daily"
              " WHERE register_id = $1::uuid ORDER BY day",
              reg) == Rows{{"2025-01-01", "36", "48"}, {"2025-01-02", "30", "48"}, {"2025-01-03", "48", "48"}});
}

TEST_CASE("register_interval_daily: its SECURITY DEFINER functions serve register_interval_hh only") {
  TestRole role{"daily"};  // before the database, which holds its grants and goes first
  Migrated db{"schema_daily_sec"};
  const std::string meter = add_meter(db.conn(), "EML0000000001", add_esco(db.conn(), "esco_a"));
  const std::string reg = add_register(db.conn(), meter, "A");
  const std::string who = db.conn().quote_name(role.name());
  exec(db.conn(), "GRANT USAGE ON SCHEMA flows TO " + who);
  exec(db.conn(), "GRANT INSERT ON flows.register_interval_hh TO " + who);
  // (row-level security, 0012: a writer reads the registers and meters its rows are checked against)
  exec(db.conn(), "GRANT SELECT ON flows.meter_registers, flows.meter_registry, flows.escos TO " + who);

  // A role that may only insert half hours still moves the rollup: the
  // triggers fire as the owner whatever the writer's rights.
  {
    pqxx::work w{db.conn()};
    w.exec0("SET LOCAL ROLE " + who);
    w.exec_params("INSERT INTO flows.register_interval_hh VALUES ($1::uuid, '2025-01-01 12:00+00', 1.5)", reg);
    w.commit();
  }
  CHECK(scalar(db.conn(), "SELECT kwh || ' ' || half_hours FROM flows.register_interval_daily") == "1.5 1");

  // Nor can it hang them on a table of its own to write the rollup or history.
  for (const char* fn : {"flows.register_interval_daily_apply()", "flows.register_interval_daily_truncate()",
                         "flows.register_interval_daily_apply_row()", "flows.meter_csq_insert()"}) {
    CAPTURE(fn);
    pqxx::work w{db.conn()};
    w.exec0("SET LOCAL ROLE " + who);
    w.exec0("CREATE TEMPORARY TABLE fake (register_id uuid, \"timestamp\" timestamptz, kwh numeric)");
    CHECK_THROWS_AS(w.exec0(std::string("CREATE TRIGGER fake_trigger AFTER INSERT ON fake FOR EACH STATEMENT "
                                        "EXECUTE FUNCTION ") + fn),
                    pqxx::insufficient_privilege);
  }
  {
    pqxx::work w{db.conn()};
    w.exec0("SET LOCAL ROLE " + who);
    CHECK_THROWS_AS(w.exec0("SELECT flows.register_interval_daily_rebuild()"), pqxx::insufficient_privilege);
  }
  // Even the owner cannot feed it another table.
  {
    pqxx::work w{db.conn()};
    w.exec0("CREATE TEMPORARY TABLE fake (register_id uuid, \"timestamp\" timestamptz, kwh numeric)");
    w.exec0("CREATE TRIGGER fake_trigger AFTER INSERT ON fake REFERENCING NEW TABLE AS new_rows "
            "FOR EACH STATEMENT EXECUTE FUNCTION flows.register_interval_daily_apply()");
    CHECK_THROWS_WITH_AS(w.exec_params("INSERT INTO fake VALUES ($1::uuid, '2025-01-01 12:30+00', 99)", reg),
                         doctest::Contains("register_interval_hh only"), pqxx::sql_error);
  }
  CHECK(scalar(db.conn(), "SELECT kwh || ' ' || half_hours FROM flows.register_interval_daily") == "1.5 1");
}

TEST_CASE("register_interval_hh_missing: 48 half hours expected per register and UTC day") {
  Migrated db{"schema_missing"};
  const std::string meter = add_meter(db.conn(), "EML0000000001", add_esco(db.conn(), "esco_a"));
  const std::string reg = add_register(db.conn(), meter, "A");
  // The register started the day before yesterday: two days in the window.
  query(db.conn(),
        "UPDATE flows.meter_registers SET start_time = (date_trunc('day', now() AT TIME ZONE 'UTC')"
        " - interval '2 days') AT TIME ZONE 'UTC' WHERE register_id = $1::uuid",
        reg);
  query(db.conn(),
        "INSERT INTO flows.register_interval_hh (register_id, \"timestamp\", kwh)"
        " SELECT $1::uuid, t, 0.1 FROM generate_series("
        "   (date_trunc('day', now() AT TIME ZONE 'UTC') - interval '1 day') AT TIME ZONE 'UTC',"
        "   (date_trunc('day', now() AT TIME ZONE 'UTC') - interval '1 day' + interval '19 hours 30 minutes')"
        "     AT TIME ZONE 'UTC',"
        "   '30 minutes') AS t",
        reg);
  CHECK(query(db.conn(),
              "SELECT (date AT TIME ZONE 'UTC')::date - (now() AT TIME ZONE 'UTC')::date, record_count,"
              " missing_count FROM flows.register_interval_hh_missing WHERE register_id = $1::uuid ORDER BY date",
              reg) == Rows{{"-2", "0", "48"}, {"-1", "40", "8"}});  // days ago
}

TEST_CASE("public business tables link customers, accounts, properties, meters and topups") {
  Migrated db{"schema_business"};
  const std::string esco = add_esco(db.conn(), "esco_a");
  const std::string supply = add_meter(db.conn(), "EML_SUPPLY", esco);
  const std::string solar = add_meter(db.conn(), "EML_SOLAR", esco, false);
  const std::string customer = scalar(db.conn(), "INSERT INTO public.customers (fullname, email, status)"
                                                 " VALUES ('Ann Occupier', 'ann@example.org', 'live') RETURNING id");
  const std::string property = scalar(db.conn(),
                                      "INSERT INTO public.properties (plot, esco, supply_meter, solar_meter, owner)"
                                      " VALUES ('Plot-1', $1::uuid, $2::uuid, $3::uuid, $4::uuid) RETURNING id",
                                      esco, supply, solar, customer);
  const std::string account = scalar(db.conn(),
                                     "INSERT INTO public.accounts (property, type, status) VALUES ($1::uuid,"
                                     " 'supply', 'open') RETURNING id",
                                     property);
  query(db.conn(), "INSERT INTO public.customer_accounts (customer, account, role) VALUES ($1::uuid, $2::uuid,"
                   " 'occupier')", customer, account);

  // The occupiers billing covers, with their supply meter.
  CHECK(query(db.conn(),
              "SELECT c.email, m.serial FROM public.customers c"
              " JOIN public.customer_accounts ca ON ca.customer = c.id AND ca.role = 'occupier'"
              " JOIN public.accounts a ON a.id = ca.account AND a.type = 'supply'"
              " JOIN public.properties p ON p.id = a.property"
              " JOIN flows.meter_registry m ON m.id = p.supply_meter"
              " WHERE c.status IN ('live', 'prelive', 'onboarding')") == Rows{{"ann@example.org", "EML_SUPPLY"}});

  SUBCASE("a topup carries a 20-digit token") {
    const std::string topup = scalar(db.conn(),
                                     "INSERT INTO public.topups (meter, amount_pence, status, source, token)"
                                     " VALUES ($1::uuid, 2000, 'wait_token_push', 'payment',"
                                     " '12345678901234567890') RETURNING id",
                                     supply);
    const std::string created = scalar(db.conn(), "SELECT updated_at FROM public.topups");
    exec(db.conn(), "UPDATE public.topups SET status = 'completed', used_at = now()");
    CHECK(query(db.conn(), "SELECT status, updated_at > $1::timestamptz FROM public.topups", created) ==
          Rows{{"completed", "t"}});
    CHECK_THROWS_AS(query(db.conn(), "INSERT INTO public.topups (meter, amount_pence, status, token)"
                                     " VALUES ($1::uuid, 2000, 'wait_token_push', '1234')", supply),
                    pqxx::check_violation);
    CHECK_THROWS_AS(query(db.conn(), "INSERT INTO public.topups (meter, amount_pence, status, token)"
                                     " VALUES ($1::uuid, 2000, 'wait_token_push', '1234567890123456789x')", supply),
                    pqxx::check_violation);
    CHECK_FALSE(topup.empty());
  }

  SUBCASE("a meter is the supply meter of one property at most") {
    CHECK_THROWS_AS(query(db.conn(), "INSERT INTO public.properties (plot, esco, supply_meter) VALUES ('Plot-2',"
                                     " $1::uuid, $2::uuid)", esco, supply),
                    pqxx::unique_violation);
  }
}

TEST_CASE("roles: flows writes, grafanareader and tableau only read") {
  Migrated db{"schema_roles"};
  const std::string esco = add_esco(db.conn(), "esco_a");
  add_meter(db.conn(), "EML0000000001", esco);
  for (const char* reader : {"grafanareader", "tableau"}) {
    CAPTURE(reader);
    pqxx::work w{db.conn()};
    w.exec0("SET LOCAL ROLE " + w.quote_name(reader));
    CHECK(w.exec1("SELECT count(*) FROM flows.meter_registry")[0].as<int>() == 1);
    CHECK(w.exec1("SELECT count(*) FROM flows.meters_low_balance")[0].as<int>() == 0);
    CHECK(w.exec1("SELECT count(*) FROM public.topups")[0].as<int>() == 0);
    CHECK_THROWS_AS(w.exec0("UPDATE flows.meter_shadows SET csq = 1"), pqxx::insufficient_privilege);
  }
  // Created NOLOGIN when missing (here flows is the server's superuser already).
  CHECK(query(db.conn(), "SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname IN ('grafanareader', 'tableau')"
                         " ORDER BY rolname") == Rows{{"grafanareader", "f"}, {"tableau", "f"}});
  CHECK(scalar(db.conn(), "SELECT has_table_privilege('flows', 'flows.meter_shadows', 'UPDATE')") == "t");

  // A tool connected as a reader can still check the schema version.
  auto reader = db.tdb.connect();
  {
    pqxx::nontransaction n{*reader};
    n.exec0("SET ROLE grafanareader");
  }
  CHECK_NOTHROW(flows::db::require_current(*reader));
}

TEST_CASE("row-level security: a session limited to one ESCO sees only its rows") {
  TestRole role{"rls"};  // before the database, which holds its grants and goes first
  Migrated db{"schema_rls"};
  const std::string esco_a = add_esco(db.conn(), "esco_a");
  const std::string esco_b = add_esco(db.conn(), "esco_b");
  add_meter(db.conn(), "EML_A1", esco_a);
  add_meter(db.conn(), "EML_A2", esco_a);
  const std::string b1 = add_meter(db.conn(), "EML_B1", esco_b);
  exec(db.conn(), "UPDATE flows.meter_shadows SET balance = 1");
  exec(db.conn(), "GRANT tableau TO " + db.conn().quote_name(role.name()));
  exec(db.conn(), "GRANT INSERT ON flows.meter_registry TO " + db.conn().quote_name(role.name()));

  pqxx::work w{db.conn()};
  w.exec0("SET LOCAL ROLE " + w.quote_name(role.name()));
  const auto serials = [&w] {
    std::vector<std::string> out;
    for (const auto& row : w.exec("SELECT serial FROM flows.meter_registry ORDER BY serial")) {
      out.push_back(row[0].as<std::string>());
    }
    return out;
  };

  // Unset: every ESCO, as the fleet tools need.
  CHECK(serials() == std::vector<std::string>{"EML_A1", "EML_A2", "EML_B1"});

  w.exec_params("SELECT set_config('flows.esco', $1, true)", "esco_a");
  CHECK(serials() == std::vector<std::string>{"EML_A1", "EML_A2"});
  CHECK(w.exec1("SELECT string_agg(code, ',') FROM flows.escos")[0].as<std::string>() == "esco_a");
  CHECK(w.exec1("SELECT count(*) FROM flows.meters_low_balance")[0].as<int>() == 2);  // views too
  CHECK(w.exec_params1("SELECT count(*) FROM flows.meter_registry WHERE id = $1::uuid", b1)[0].as<int>() == 0);

  // By id as well as by code.
  w.exec_params("SELECT set_config('flows.esco', $1, true)", esco_b);
  CHECK(serials() == std::vector<std::string>{"EML_B1"});

  // Unknown ESCO: nothing.
  w.exec_params("SELECT set_config('flows.esco', $1, true)", "nobody");
  CHECK(serials().empty());

  // Writes are held to the ESCO too.
  w.exec_params("SELECT set_config('flows.esco', $1, true)", "esco_a");
  w.exec0("SAVEPOINT other_esco");
  CHECK_THROWS_AS(w.exec_params("INSERT INTO flows.meter_registry (serial, esco) VALUES ('EML_B2', $1::uuid)", esco_b),
                  pqxx::insufficient_privilege);
  w.exec0("ROLLBACK TO SAVEPOINT other_esco");
  CHECK_NOTHROW(w.exec_params("INSERT INTO flows.meter_registry (serial, esco) VALUES ('EML_A3', $1::uuid)", esco_a));
  CHECK(serials() == std::vector<std::string>{"EML_A1", "EML_A2", "EML_A3"});
  w.abort();
}
