// Topology documents imported into a fresh migrated database (idempotent),
// including emlite-sim's document for a fleet. Parsing is tested without a
// database in lib/db/topology_document_test.cpp.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <pqxx/pqxx>

#include <map>
#include <string>

#include "core/error.hpp"
#include "db/migrations.hpp"
#include "db/topology.hpp"
#include "db/topology_test_document.hpp"
#include "sim/fleet.hpp"
#include "sim/topology.hpp"
#include "test_database.hpp"

using flows::testing::TestDatabase;
using flows::testing::kDoc;
namespace db = flows::db;

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


std::string snapshot(pqxx::connection& conn) {
  pqxx::read_transaction tx(conn);
  std::string out;
  for (const char* q : {
           "SELECT code, name, region FROM flows.escos ORDER BY code",
           "SELECT code, name FROM flows.sites_new ORDER BY code",
           "SELECT name FROM flows.feeder_registry ORDER BY name",
           "SELECT name, phase, fuse_rating, type FROM flows.service_head_registry ORDER BY name",
           "SELECT plot FROM flows.properties ORDER BY plot",
           "SELECT count(*) FROM flows.properties_service_head",
           "SELECT count(*) FROM flows.service_head_meter",
           "SELECT serial, host(ip_address), emop_port, hardware, mode, daylight_savings_correction_enabled, name, "
           "       created_at, updated_at FROM flows.meter_registry ORDER BY serial",
           "SELECT register_id, meter_id, element, nature, start_time FROM flows.meter_registers ORDER BY register_id",
           "SELECT id, name, type FROM flows.circuits ORDER BY name",
           "SELECT circuit, register, start_time, end_time FROM flows.circuit_register ORDER BY 1, 2, 3",
           "SELECT id, updated_at FROM flows.meter_shadows ORDER BY id",
       }) {
    for (const auto& row : tx.exec(q)) {
      for (const auto& f : row) out += (f.is_null() ? std::string("NULL") : f.as<std::string>()) + "|";
      out += "\n";
    }
    out += "--\n";
  }
  return out;
}

std::unique_ptr<TestDatabase> migrated(std::string_view prefix) {
  auto t = std::make_unique<TestDatabase>(prefix);
  db::migrate(t->conn());
  return t;
}

}  // namespace

TEST_CASE("import_topology writes the document once; a re-import changes nothing") {
  auto t = migrated("test_topology_import");
  auto topo = db::parse_topology(kDoc, "doc.yaml");
  auto first = db::import_topology(t->conn(), topo);
  CHECK(first.escos.inserted == 1);
  CHECK(first.meters.inserted == 2);
  CHECK(first.registers.inserted == 2);
  CHECK(first.circuits.inserted == 2);
  CHECK(first.circuit_registers.inserted == 2);
  CHECK(first.links.inserted == 2);
  const auto before = snapshot(t->conn());

  auto second = db::import_topology(t->conn(), topo);
  CHECK(second.changes() == 0);
  CHECK(second.meters.unchanged == 2);
  CHECK(second.registers.unchanged == 2);
  CHECK(snapshot(t->conn()) == before);

  {
    pqxx::read_transaction tx(t->conn());
    auto r = tx.exec1(
        "SELECT host(m.ip_address), m.emop_port, m.mode::text, e.code, s.code FROM flows.meter_registry m "
        "JOIN flows.escos e ON e.id = m.esco JOIN flows.sites_new s ON s.id = m.site WHERE m.serial = 'EML0000000001'");
    CHECK(r[0].as<std::string>() == "10.1.2.3");
    CHECK(r[1].as<int>() == 8081);
    CHECK(r[2].as<std::string>() == "active");
    CHECK(r[3].as<std::string>() == "acme");
    CHECK(r[4].as<std::string>() == "acme-1");
    CHECK(tx.exec1("SELECT count(*) FROM flows.meter_shadows").at(0).as<int>() == 2);
    CHECK(tx.exec1("SELECT end_time = '2025-01-01T00:00:00Z' FROM flows.circuit_register cr "
                   "JOIN flows.circuits c ON c.id = cr.circuit WHERE c.name = 'Plot 1 heat'")
              .at(0)
              .as<bool>());
  }

  // A changed value is an update; a value left out is kept.
  std::string doc = kDoc;
  doc.replace(doc.find("emop_port: 8081"), 15, "emop_port: 9090");
  doc.replace(doc.find("    hardware: C1.w\n"), 19, "");
  auto third = db::import_topology(t->conn(), db::parse_topology(doc, "doc2.yaml"));
  CHECK(third.meters.updated == 1);
  CHECK(third.changes() == 1);
  pqxx::read_transaction tx(t->conn());
  auto r = tx.exec1("SELECT emop_port, hardware FROM flows.meter_registry WHERE serial = 'EML0000000001'");
  CHECK(r[0].as<int>() == 9090);
  CHECK(r[1].as<std::string>() == "C1.w");
}

TEST_CASE("dry run and a failing import leave the database unchanged") {
  auto t = migrated("test_topology_dry");
  auto topo = db::parse_topology(kDoc, "doc.yaml");
  db::ImportOptions dry;
  dry.dry_run = true;
  const auto empty = snapshot(t->conn());
  auto counts = db::import_topology(t->conn(), topo, dry);
  CHECK(counts.meters.inserted == 2);
  CHECK(snapshot(t->conn()) == empty);

  // An address another meter already has: the database refuses, nothing is written.
  {
    pqxx::work w(t->conn());
    w.exec0("INSERT INTO flows.meter_registry (serial, ip_address) VALUES ('OTHER', '10.1.2.3')");
    w.commit();
  }
  const auto before = snapshot(t->conn());
  auto e = error_of([&] { db::import_topology(t->conn(), topo); });
  CHECK(e.code() == flows::ExitCode::usage);  // the document's entry, named by its line
  CHECK(std::string(e.what()).rfind("doc.yaml:", 0) == 0);
  CHECK(std::string(e.what()).find("clashes with the database: duplicate key value violates unique constraint") !=
        std::string::npos);
  CHECK(std::string(e.what()).find('\n') == std::string::npos);
  CHECK(snapshot(t->conn()) == before);
}

TEST_CASE("import_topology requires a current schema") {
  TestDatabase t("test_topology_old");
  db::migrate(t.conn(), 1);
  auto e = error_of([&] { db::import_topology(t.conn(), db::parse_topology(kDoc, "doc.yaml")); });
  CHECK(e.code() == flows::ExitCode::database);
  CHECK(std::string(e.what()).find("emop db migrate") != std::string::npos);
}

TEST_CASE("emlite-sim's topology of a generated fleet imports cleanly") {
  auto t = migrated("test_topology_sim");
  flows::sim::GenerateOptions o;
  o.port = 18080;
  const auto fleet = flows::sim::generate_fleet(40, 7, o);
  const auto yaml = flows::sim::topology_yaml(fleet);
  auto topo = db::parse_topology(yaml, "sim.yaml");
  auto counts = db::import_topology(t->conn(), topo);
  CHECK(counts.meters.inserted == 40);
  CHECK(counts.properties.inserted == 40);
  CHECK(db::import_topology(t->conn(), topo).changes() == 0);

  pqxx::read_transaction tx(t->conn());
  std::map<std::string, std::pair<std::string, int>> in_db;
  for (const auto& r : tx.exec("SELECT serial, host(ip_address), emop_port FROM flows.meter_registry"))
    in_db[r[0].as<std::string>()] = {r[1].as<std::string>(), r[2].as<int>()};
  REQUIRE(in_db.size() == fleet.size());
  int twins = 0;
  for (const auto& m : fleet) {
    INFO(m.serial);
    REQUIRE(in_db.count(m.serial) == 1);
    CHECK(in_db[m.serial].first == m.host);
    CHECK(in_db[m.serial].second == m.port);
    twins += flows::sim::is_twin(m.kind) ? 1 : 0;
  }
  CHECK(tx.exec1("SELECT count(*) FROM flows.meter_shadows s JOIN flows.meter_registry m USING (id)")[0].as<int>() == 40);
  CHECK(tx.exec1("SELECT count(*) FROM flows.meter_registers")[0].as<int>() == 40 + twins);
  CHECK(tx.exec1("SELECT count(*) FROM flows.escos WHERE code = 'demo' AND region = 'london'")[0].as<int>() == 1);

  // One address for many meters cannot be described (ip_address is unique).
  flows::sim::GenerateOptions same;
  same.addressing = flows::sim::GenerateOptions::Addressing::consecutive_ports;
  auto e = error_of([&] { flows::sim::topology_yaml(flows::sim::generate_fleet(3, 1, same)); });
  CHECK(e.code() == flows::ExitCode::usage);
}
