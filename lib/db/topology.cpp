#include "db/topology.hpp"

#include <map>

#include "core/error.hpp"
#include "db/db_error.hpp"
#include "db/migrations.hpp"

namespace flows::db {

std::vector<std::pair<std::string, KindCounts>> ImportCounts::by_kind() const {
  return {{"escos", escos},         {"sites", sites},       {"feeders", feeders},
          {"service_heads", service_heads}, {"properties", properties}, {"meters", meters},
          {"registers", registers}, {"circuits", circuits}, {"circuit_registers", circuit_registers},
          {"links", links}};
}

int ImportCounts::changes() const {
  int n = 0;
  for (const auto& [k, c] : by_kind()) n += c.inserted + c.updated;
  return n;
}

namespace {

const char* opt(const std::optional<std::string>& v) { return v ? v->c_str() : nullptr; }
template <typename T>
std::optional<std::string> opt_str(const std::optional<T>& v) {
  if (!v) return std::nullopt;
  if constexpr (std::is_same_v<T, bool>) return *v ? "true" : "false";
  else return std::to_string(*v);
}

// Counts the outcome of an "INSERT … ON CONFLICT DO UPDATE … WHERE changed
// RETURNING id, (xmax = 0) AS inserted" statement and returns the row's id
// (looked up with `lookup` when nothing changed).
std::string tally(pqxx::work& tx, const pqxx::result& r, KindCounts& c, const std::string& lookup,
                  const std::string& key) {
  if (!r.empty()) {
    (r[0]["inserted"].as<bool>() ? c.inserted : c.updated)++;
    return r[0]["id"].as<std::string>();
  }
  c.unchanged++;
  return tx.exec_params1(lookup, key)["id"].as<std::string>();
}

void count_link(const pqxx::result& r, KindCounts& c) { (r.affected_rows() > 0 ? c.inserted : c.unchanged)++; }

// Writes a parsed document's entries, kind by kind in dependency order, keeping
// each entry's database id for the kinds that refer to it.
class Importer {
 public:
  Importer(pqxx::work& tx, std::string context, std::string source)
      : tx_(tx), context_(std::move(context)), source_(std::move(source)) {}

  ImportCounts run(const Topology& t) {
    for (const auto& e : t.escos) entry(e.line, "esco " + e.code, [&] { esco(e); });
    for (const auto& s : t.sites) entry(s.line, "site " + s.code, [&] { site(s); });
    for (const auto& f : t.feeders) entry(f.line, "feeder " + f.name, [&] { feeder(f); });
    for (const auto& h : t.service_heads) entry(h.line, "service head " + h.name, [&] { service_head(h); });
    for (const auto& pr : t.properties) entry(pr.line, "property " + pr.plot, [&] { property(pr); });
    for (const auto& m : t.meters) entry(m.line, "meter " + m.serial, [&] { meter(m); });
    for (const auto& r : t.registers)
      entry(r.line, "register " + topology_register_key(r.meter, r.element, r.nature), [&] { register_(r); });
    for (const auto& ci : t.circuits) entry(ci.line, "circuit " + ci.name, [&] { circuit(ci); });
    return c_;
  }

 private:
  // One document entry's statements. A row already in the database that the
  // entry clashes with (a unique key, a reference, a check) is the document's
  // problem, named by its line: "topology.yaml:12: meter EML1 clashes with the
  // database: duplicate key … Key (ip_address)=(10.0.0.9) already exists".
  template <class F>
  void entry(int line, const std::string& what, F&& f) {
    try {
      f();
    } catch (const pqxx::integrity_constraint_violation& e) {
      throw usage_error(source_ + (line > 0 ? ":" + std::to_string(line) : "") + ": " + what +
                        " clashes with the database: " + one_line(e.what()));
    }
  }

  void esco(const TopologyEsco& e) {
    auto r = tx_.exec_params(
        "INSERT INTO flows.escos AS x (code, name, region) VALUES ($1, $2, $3) "
        "ON CONFLICT (code) DO UPDATE SET name = COALESCE(EXCLUDED.name, x.name), "
        "  region = COALESCE(EXCLUDED.region, x.region) "
        "WHERE (x.name, x.region) IS DISTINCT FROM (COALESCE(EXCLUDED.name, x.name), COALESCE(EXCLUDED.region, x.region)) "
        "RETURNING id::text AS id, (xmax = 0) AS inserted",
        e.code, opt(e.name), opt(e.region));
    esco_id_[e.code] = tally(tx_, r, c_.escos, "SELECT id::text AS id FROM flows.escos WHERE code = $1", e.code);
  }
  void site(const TopologySite& s) {
    auto r = tx_.exec_params(
        "INSERT INTO flows.sites_new AS x (code, name, esco) VALUES ($1, $2, $3::uuid) "
        "ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, esco = EXCLUDED.esco "
        "WHERE (x.name, x.esco) IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.esco) "
        "RETURNING id::text AS id, (xmax = 0) AS inserted",
        s.code, s.name, esco_id_.at(s.esco));
    site_id_[s.code] = tally(tx_, r, c_.sites, "SELECT id::text AS id FROM flows.sites_new WHERE code = $1", s.code);
  }
  void feeder(const TopologyFeeder& f) {
    auto r = tx_.exec_params(
        "INSERT INTO flows.feeder_registry AS x (name, esco) VALUES ($1, $2::uuid) "
        "ON CONFLICT (name) DO UPDATE SET esco = EXCLUDED.esco WHERE x.esco IS DISTINCT FROM EXCLUDED.esco "
        "RETURNING id::text AS id, (xmax = 0) AS inserted",
        f.name, esco_id_.at(f.esco));
    feeder_id_[f.name] =
        tally(tx_, r, c_.feeders, "SELECT id::text AS id FROM flows.feeder_registry WHERE name = $1", f.name);
  }
  void service_head(const TopologyServiceHead& h) {
    std::optional<std::string> feeder;
    if (h.feeder) feeder = feeder_id_.at(*h.feeder);
    auto r = tx_.exec_params(
        "INSERT INTO flows.service_head_registry AS x (name, feeder, phase, fuse_rating, type) "
        "VALUES ($1, $2::uuid, $3::integer, $4::smallint, $5) "
        "ON CONFLICT (name) DO UPDATE SET feeder = COALESCE(EXCLUDED.feeder, x.feeder), "
        "  phase = COALESCE(EXCLUDED.phase, x.phase), fuse_rating = COALESCE(EXCLUDED.fuse_rating, x.fuse_rating), "
        "  type = COALESCE(EXCLUDED.type, x.type) "
        "WHERE (x.feeder, x.phase, x.fuse_rating, x.type) IS DISTINCT FROM "
        "  (COALESCE(EXCLUDED.feeder, x.feeder), COALESCE(EXCLUDED.phase, x.phase), "
        "   COALESCE(EXCLUDED.fuse_rating, x.fuse_rating), COALESCE(EXCLUDED.type, x.type)) "
        "RETURNING id::text AS id, (xmax = 0) AS inserted",
        h.name, opt(feeder), opt(opt_str(h.phase)), opt(opt_str(h.fuse_rating)), opt(h.type));
    head_id_[h.name] =
        tally(tx_, r, c_.service_heads, "SELECT id::text AS id FROM flows.service_head_registry WHERE name = $1", h.name);
  }
  void property(const TopologyProperty& pr) {
    auto found = tx_.exec_params("SELECT id::text AS id FROM flows.properties WHERE plot = $1", pr.plot);
    if (found.size() > 1)
      throw database_error(context_ + ": plot '" + pr.plot + "' names " + std::to_string(found.size()) +
                           " properties in the database; make plots unique first");
    std::string id;
    if (found.empty()) {
      id = tx_.exec_params1("INSERT INTO flows.properties (plot) VALUES ($1) RETURNING id::text AS id", pr.plot)["id"]
               .as<std::string>();
      c_.properties.inserted++;
    } else {
      id = found[0]["id"].as<std::string>();
      c_.properties.unchanged++;
    }
    if (pr.service_head)
      count_link(tx_.exec_params("INSERT INTO flows.properties_service_head (property, service_head) "
                                 "VALUES ($1::uuid, $2::uuid) ON CONFLICT DO NOTHING",
                                 id, head_id_.at(*pr.service_head)),
                 c_.links);
  }
  void meter(const TopologyMeter& m) {
    std::optional<std::string> site;
    if (m.site) site = site_id_.at(*m.site);
    auto r = tx_.exec_params(
        "INSERT INTO flows.meter_registry AS x (serial, ip_address, emop_port, hardware, mode, "
        "  daylight_savings_correction_enabled, esco, site, name) "
        "VALUES ($1, $2::inet, $3::integer, $4, $5::flows.meter_mode_enum, $6::boolean, $7::uuid, $8::uuid, $9) "
        "ON CONFLICT (serial) DO UPDATE SET ip_address = COALESCE(EXCLUDED.ip_address, x.ip_address), "
        "  emop_port = COALESCE(EXCLUDED.emop_port, x.emop_port), hardware = COALESCE(EXCLUDED.hardware, x.hardware), "
        "  mode = EXCLUDED.mode, "
        "  daylight_savings_correction_enabled = COALESCE(EXCLUDED.daylight_savings_correction_enabled, "
        "                                                 x.daylight_savings_correction_enabled), "
        "  esco = EXCLUDED.esco, site = COALESCE(EXCLUDED.site, x.site), name = COALESCE(EXCLUDED.name, x.name) "
        "WHERE (x.ip_address, x.emop_port, x.hardware, x.mode, x.daylight_savings_correction_enabled, x.esco, "
        "       x.site, x.name) IS DISTINCT FROM "
        "  (COALESCE(EXCLUDED.ip_address, x.ip_address), COALESCE(EXCLUDED.emop_port, x.emop_port), "
        "   COALESCE(EXCLUDED.hardware, x.hardware), EXCLUDED.mode, "
        "   COALESCE(EXCLUDED.daylight_savings_correction_enabled, x.daylight_savings_correction_enabled), "
        "   EXCLUDED.esco, COALESCE(EXCLUDED.site, x.site), COALESCE(EXCLUDED.name, x.name)) "
        "RETURNING id::text AS id, (xmax = 0) AS inserted",
        m.serial, opt(m.ip_address), opt(opt_str(m.emop_port)), opt(m.hardware), m.mode, opt(opt_str(m.dst)),
        esco_id_.at(m.esco), opt(site), opt(m.name));
    meter_id_[m.serial] =
        tally(tx_, r, c_.meters, "SELECT id::text AS id FROM flows.meter_registry WHERE serial = $1", m.serial);
    if (m.service_head)
      count_link(tx_.exec_params("INSERT INTO flows.service_head_meter (service_head, meter) "
                                 "VALUES ($1::uuid, $2::uuid) ON CONFLICT DO NOTHING",
                                 head_id_.at(*m.service_head), meter_id_[m.serial]),
                 c_.links);
  }
  // The newest enabled register of (meter, element, nature) is the document's;
  // its start time is set when the document gives another.
  void register_(const TopologyRegister& r) {
    const auto mid = meter_id_.at(r.meter);
    auto found = tx_.exec_params(
        "SELECT register_id::text AS id, "
        "  start_time IS NOT DISTINCT FROM COALESCE($4::timestamptz, start_time) AS same_start "
        "FROM flows.meter_registers "
        "WHERE meter_id = $1::uuid AND element = $2::flows.meter_register_element "
        "  AND nature = $3::flows.register_nature_enum "
        "ORDER BY status = 'enabled' DESC, start_time DESC NULLS LAST LIMIT 1",
        mid, r.element, r.nature, opt(r.start_time));
    std::string id;
    if (found.empty()) {
      id = tx_.exec_params1("INSERT INTO flows.meter_registers (meter_id, element, nature, start_time) "
                            "VALUES ($1::uuid, $2::flows.meter_register_element, $3::flows.register_nature_enum, "
                            "$4::timestamptz) RETURNING register_id::text AS id",
                            mid, r.element, r.nature, opt(r.start_time))["id"]
               .as<std::string>();
      c_.registers.inserted++;
    } else {
      id = found[0]["id"].as<std::string>();
      if (found[0]["same_start"].as<bool>()) {
        c_.registers.unchanged++;
      } else {
        tx_.exec_params("UPDATE flows.meter_registers SET start_time = $2::timestamptz WHERE register_id = $1::uuid",
                        id, opt(r.start_time));
        c_.registers.updated++;
      }
    }
    reg_id_[topology_register_key(r.meter, r.element, r.nature)] = id;
  }
  void circuit(const TopologyCircuit& ci) {
    auto found = tx_.exec_params("SELECT id::text AS id, type::text AS type FROM flows.circuits WHERE name = $1", ci.name);
    if (found.size() > 1)
      throw database_error(context_ + ": circuit name '" + ci.name + "' names " + std::to_string(found.size()) +
                           " circuits in the database; make circuit names unique first");
    std::string id;
    if (found.empty()) {
      id = tx_.exec_params1("INSERT INTO flows.circuits (name, type) VALUES ($1, $2::flows.circuit_type_enum) "
                            "RETURNING id::text AS id",
                            ci.name, ci.type)["id"]
               .as<std::string>();
      c_.circuits.inserted++;
    } else {
      id = found[0]["id"].as<std::string>();
      if (found[0]["type"].as<std::string>() == ci.type) {
        c_.circuits.unchanged++;
      } else {
        tx_.exec_params("UPDATE flows.circuits SET type = $2::flows.circuit_type_enum WHERE id = $1::uuid", id, ci.type);
        c_.circuits.updated++;
      }
    }
    for (const auto& cr : ci.registers) circuit_register(id, cr);
  }
  void circuit_register(const std::string& circuit_id, const TopologyCircuitRegister& cr) {
    auto r = tx_.exec_params(
        "INSERT INTO flows.circuit_register AS x (circuit, register, start_time, end_time) "
        "VALUES ($1::uuid, $2::uuid, $3::timestamptz, $4::timestamptz) "
        "ON CONFLICT (circuit, register, start_time) DO UPDATE SET end_time = EXCLUDED.end_time "
        "WHERE x.end_time IS DISTINCT FROM EXCLUDED.end_time "
        "RETURNING (xmax = 0) AS inserted",
        circuit_id, reg_id_.at(topology_register_key(cr.meter, cr.element, cr.nature)), cr.start, opt(cr.end));
    if (r.empty()) c_.circuit_registers.unchanged++;
    else (r[0]["inserted"].as<bool>() ? c_.circuit_registers.inserted : c_.circuit_registers.updated)++;
  }
  pqxx::work& tx_;
  std::string context_;
  std::string source_;
  ImportCounts c_;
  std::map<std::string, std::string> esco_id_, site_id_, feeder_id_, head_id_, meter_id_, reg_id_;
};

}  // namespace

ImportCounts import_topology(pqxx::connection& conn, const Topology& t, const ImportOptions& options) {
  require_current(conn);
  const std::string context = "import " + t.source;
  try {
    pqxx::work tx(conn);
    ImportCounts c = Importer(tx, context, t.source).run(t);
    if (options.dry_run) tx.abort();
    else tx.commit();
    return c;
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw database_error(context, e);
  }
}

}  // namespace flows::db
