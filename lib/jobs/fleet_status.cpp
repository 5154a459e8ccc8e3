#include "jobs/fleet_status.hpp"

#include "db/migrations.hpp"
#include "db/transaction.hpp"
#include "jobs/known_esco.hpp"

namespace flows::jobs {

namespace {

SchemaState schema_state(pqxx::connection& conn) {
  const db::Status s = db::status(conn);
  SchemaState out;
  out.current_version = s.current_version;
  out.latest_version = s.latest_version;
  for (const auto& m : s.pending) out.pending.push_back(db::label(m));
  out.up_to_date = s.up_to_date();
  return out;
}

}  // namespace

FleetStatus load_fleet_status(pqxx::connection& conn, const std::string& esco, std::size_t unhealthy_limit) {
  FleetStatus out;
  out.esco = esco;
  out.schema = schema_state(conn);
  if (!out.schema.up_to_date) return out;
  db::in_read_transaction(conn, "cannot read the fleet's status", [&](pqxx::read_transaction& tx) {
    require_known_esco(tx, esco.empty() ? std::nullopt : std::optional<std::string>(esco));
    out.now = db::database_now(tx);
    out.syncs = db::last_sync_runs(tx, esco);
    out.unhealthy = db::unhealthy_meters(tx, esco, unhealthy_limit);
    out.tokens = db::waiting_tokens(tx, esco);
    out.tariffs = db::tariff_activations(tx, esco);
  });
  out.fleet_read = true;
  return out;
}

}  // namespace flows::jobs
