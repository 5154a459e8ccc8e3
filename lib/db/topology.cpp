#include "db/topology.hpp"

#include <arpa/inet.h>

#include <array>
#include <initializer_list>
#include <map>
#include <regex>
#include <set>

#include <yaml-cpp/yaml.h>

#include "core/error.hpp"
#include "db/db_error.hpp"
#include "db/migrations.hpp"

namespace flows::db {
namespace {

// ---------------------------------------------------------------- parsing

struct Parser {
  std::string source;

  [[noreturn]] void fail(int line, const std::string& msg) const {
    std::string where = source;
    if (line > 0) where += ":" + std::to_string(line);
    throw usage_error(where + ": " + msg);
  }
  [[noreturn]] void fail(const YAML::Node& n, const std::string& msg) const { fail(line_of(n), msg); }
  static int line_of(const YAML::Node& n) { return n.Mark().line >= 0 ? n.Mark().line + 1 : 0; }

  void check_keys(const YAML::Node& item, std::string_view what, std::initializer_list<std::string_view> keys) const {
    if (!item.IsMap()) fail(item, std::string(what) + " entry must be a mapping");
    for (const auto& kv : item) {
      const auto key = kv.first.as<std::string>();
      bool known = false;
      for (auto k : keys) known = known || k == key;
      if (!known) fail(kv.first, "unknown key '" + key + "' in " + std::string(what));
    }
  }
  static bool present(const YAML::Node& item, const char* key) { return item[key] && !item[key].IsNull(); }

  std::string text(const YAML::Node& item, const char* key, std::string_view what) const {
    if (!present(item, key)) fail(item, std::string(what) + " needs '" + key + "'");
    auto v = opt_text(item, key);
    if (v->empty()) fail(item[key], std::string(key) + " must not be empty");
    return *v;
  }
  std::optional<std::string> opt_text(const YAML::Node& item, const char* key) const {
    if (!present(item, key)) return std::nullopt;
    const auto& n = item[key];
    if (!n.IsScalar()) fail(n, std::string(key) + " must be a scalar");
    return n.Scalar();
  }
  std::optional<int> opt_int(const YAML::Node& item, const char* key, int lo, int hi) const {
    auto t = opt_text(item, key);
    if (!t) return std::nullopt;
    static const std::regex digits("[0-9]{1,6}");
    if (!std::regex_match(*t, digits) || std::stoi(*t) < lo || std::stoi(*t) > hi)
      fail(item[key], std::string(key) + " '" + *t + "' is not a whole number " + std::to_string(lo) + "-" +
                          std::to_string(hi));
    return std::stoi(*t);
  }
  std::optional<bool> opt_bool(const YAML::Node& item, const char* key) const {
    auto t = opt_text(item, key);
    if (!t) return std::nullopt;
    if (*t == "true" || *t == "yes" || *t == "on") return true;
    if (*t == "false" || *t == "no" || *t == "off") return false;
    fail(item[key], std::string(key) + " '" + *t + "' is not true or false");
  }
  std::string one_of(const YAML::Node& item, const char* key, const std::string& value,
                     std::initializer_list<std::string_view> allowed) const {
    std::string list;
    for (auto a : allowed) {
      if (a == value) return value;
      list += (list.empty() ? "" : ", ") + std::string(a);
    }
    fail(item[key] ? item[key] : item, std::string(key) + " '" + value + "' is not one of " + list);
  }
  // A time as PostgreSQL reads it unambiguously; nullopt when absent.
  std::optional<std::string> opt_time(const YAML::Node& item, const char* key) const {
    auto t = opt_text(item, key);
    if (!t) return std::nullopt;
    static const std::regex date_only(R"(([0-9]{4})-([0-9]{2})-([0-9]{2}))");
    static const std::regex full(
        R"(([0-9]{4})-([0-9]{2})-([0-9]{2})[T ]([0-9]{2}):([0-9]{2})(:([0-9]{2}))?(Z|[+-][0-9]{2}:?[0-9]{2}))");
    std::smatch m;
    std::string y, mo, d, h = "00", mi = "00", s = "00", zone = "+00:00";
    if (std::regex_match(*t, m, date_only)) {
      y = m[1], mo = m[2], d = m[3];
    } else if (std::regex_match(*t, m, full)) {
      y = m[1], mo = m[2], d = m[3], h = m[4], mi = m[5];
      if (m[7].matched) s = m[7];
      zone = m[8] == "Z" ? "+00:00" : std::string(m[8]);
    } else {
      fail(item[key], std::string(key) + " '" + *t +
                          "' is not a time (YYYY-MM-DD, or YYYY-MM-DDTHH:MM[:SS] with Z or an offset)");
    }
    const int month = std::stoi(mo), day = std::stoi(d), hour = std::stoi(h), minute = std::stoi(mi),
              second = std::stoi(s);
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59)
      fail(item[key], std::string(key) + " '" + *t + "' is not a valid time");
    return y + "-" + mo + "-" + d + "T" + h + ":" + mi + ":" + s + zone;
  }
};

const std::initializer_list<std::string_view> kRegions = {
    "north_west", "north_east", "yorkshire", "east_midlands", "west_midlands", "eastern", "london",
    "south_east", "southern", "south_west", "south_wales", "north_wales_mersey", "north_scotland",
    "south_scotland"};

bool valid_ip(const std::string& s) {
  unsigned char buf[16];
  return inet_pton(AF_INET, s.c_str(), buf) == 1 || inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

// Remembers where each natural key was defined.
struct Keys {
  std::map<std::string, int> lines;
  // false when already present
  bool add(const std::string& k, int line) { return lines.emplace(k, line).second; }
  bool has(const std::string& k) const { return lines.count(k) > 0; }
  int line(const std::string& k) const { return lines.at(k); }
};

std::string reg_key(const std::string& meter, const std::string& element, const std::string& nature) {
  return meter + "/" + element + "/" + nature;
}

}  // namespace

Topology parse_topology(std::string_view yaml, std::string_view source) {
  Parser p{std::string(source)};
  YAML::Node doc;
  try {
    doc = YAML::Load(std::string(yaml));
  } catch (const YAML::ParserException& e) {
    p.fail(e.mark.line >= 0 ? e.mark.line + 1 : 0, e.msg);
  }
  Topology t;
  t.source = std::string(source);
  if (doc.IsNull()) return t;
  if (!doc.IsMap()) p.fail(doc, "expected a mapping of escos, sites, feeders, service_heads, properties, meters, registers, circuits");
  for (const auto& kv : doc) {
    static const std::set<std::string> top = {"escos", "sites", "feeders", "service_heads", "properties",
                                              "meters", "registers", "circuits"};
    const auto key = kv.first.as<std::string>();
    if (!top.count(key)) p.fail(kv.first, "unknown section '" + key + "'");
    if (!kv.second.IsNull() && !kv.second.IsSequence()) p.fail(kv.second, "'" + key + "' must be a list");
  }
  auto list = [&](const char* key) { return doc[key] && doc[key].IsSequence() ? doc[key] : YAML::Node(YAML::NodeType::Sequence); };

  Keys escos, sites, feeders, heads, plots, meters, ips, regs, circuits;
  auto dup = [&](Keys& k, const std::string& what, const std::string& key, const YAML::Node& n) {
    if (!k.add(key, Parser::line_of(n)))
      p.fail(n, what + " '" + key + "' is already defined on line " + std::to_string(k.line(key)));
  };
  auto ref = [&](const Keys& k, const std::string& what, const std::string& key, const YAML::Node& n) {
    if (!k.has(key)) p.fail(n, "unknown " + what + " '" + key + "' (not defined in this document)");
  };

  for (const auto& n : list("escos")) {
    p.check_keys(n, "esco", {"code", "name", "region"});
    TopologyEsco e{p.text(n, "code", "esco"), p.opt_text(n, "name"), p.opt_text(n, "region"), Parser::line_of(n)};
    if (e.region) p.one_of(n, "region", *e.region, kRegions);
    dup(escos, "esco", e.code, n);
    t.escos.push_back(std::move(e));
  }
  for (const auto& n : list("sites")) {
    p.check_keys(n, "site", {"code", "name", "esco"});
    TopologySite s{p.text(n, "code", "site"), p.text(n, "name", "site"), p.text(n, "esco", "site"), Parser::line_of(n)};
    ref(escos, "esco", s.esco, n["esco"]);
    dup(sites, "site", s.code, n);
    t.sites.push_back(std::move(s));
  }
  for (const auto& n : list("feeders")) {
    p.check_keys(n, "feeder", {"name", "esco"});
    TopologyFeeder f{p.text(n, "name", "feeder"), p.text(n, "esco", "feeder"), Parser::line_of(n)};
    ref(escos, "esco", f.esco, n["esco"]);
    dup(feeders, "feeder", f.name, n);
    t.feeders.push_back(std::move(f));
  }
  for (const auto& n : list("service_heads")) {
    p.check_keys(n, "service head", {"name", "feeder", "phase", "fuse_rating", "type"});
    TopologyServiceHead h;
    h.name = p.text(n, "name", "service head");
    h.feeder = p.opt_text(n, "feeder");
    if (h.feeder) ref(feeders, "feeder", *h.feeder, n["feeder"]);
    h.phase = p.opt_int(n, "phase", 1, 3);
    h.fuse_rating = p.opt_int(n, "fuse_rating", 1, 32767);
    h.type = p.opt_text(n, "type");
    if (h.type) p.one_of(n, "type", *h.type, {"customer_owned", "network_owned"});
    h.line = Parser::line_of(n);
    dup(heads, "service head", h.name, n);
    t.service_heads.push_back(std::move(h));
  }
  for (const auto& n : list("properties")) {
    p.check_keys(n, "property", {"plot", "service_head"});
    TopologyProperty pr{p.text(n, "plot", "property"), p.opt_text(n, "service_head"), Parser::line_of(n)};
    if (pr.service_head) ref(heads, "service head", *pr.service_head, n["service_head"]);
    dup(plots, "property plot", pr.plot, n);
    t.properties.push_back(std::move(pr));
  }
  for (const auto& n : list("meters")) {
    p.check_keys(n, "meter",
                 {"serial", "ip_address", "emop_port", "hardware", "mode", "dst", "esco", "site", "service_head", "name"});
    TopologyMeter m;
    m.line = Parser::line_of(n);
    m.serial = p.text(n, "serial", "meter");
    m.ip_address = p.opt_text(n, "ip_address");
    if (m.ip_address && !valid_ip(*m.ip_address))
      p.fail(n["ip_address"], "ip_address '" + *m.ip_address + "' is not an IPv4 or IPv6 address");
    m.emop_port = p.opt_int(n, "emop_port", 1, 65535);
    m.hardware = p.opt_text(n, "hardware");
    if (auto mode = p.opt_text(n, "mode")) m.mode = p.one_of(n, "mode", *mode, {"active", "passive"});
    m.dst = p.opt_bool(n, "dst");
    m.esco = p.text(n, "esco", "meter");
    ref(escos, "esco", m.esco, n["esco"]);
    m.site = p.opt_text(n, "site");
    if (m.site) ref(sites, "site", *m.site, n["site"]);
    m.service_head = p.opt_text(n, "service_head");
    if (m.service_head) ref(heads, "service head", *m.service_head, n["service_head"]);
    m.name = p.opt_text(n, "name");
    dup(meters, "meter", m.serial, n);
    if (m.ip_address && !ips.add(*m.ip_address, m.line))
      p.fail(n["ip_address"], "ip_address " + *m.ip_address + " is already used on line " +
                                  std::to_string(ips.line(*m.ip_address)) + " (meter_registry.ip_address is unique)");
    t.meters.push_back(std::move(m));
  }
  for (const auto& n : list("registers")) {
    p.check_keys(n, "register", {"meter", "element", "nature", "start_time"});
    TopologyRegister r;
    r.line = Parser::line_of(n);
    r.meter = p.text(n, "meter", "register");
    ref(meters, "meter", r.meter, n["meter"]);
    r.element = p.one_of(n, "element", p.text(n, "element", "register"), {"A", "B", "SINGLE"});
    r.nature = p.one_of(n, "nature", p.text(n, "nature", "register"), {"heat", "power", "solar"});
    r.start_time = p.opt_time(n, "start_time");
    dup(regs, "register", reg_key(r.meter, r.element, r.nature), n);
    t.registers.push_back(std::move(r));
  }
  std::map<std::string, std::optional<std::string>> reg_start;
  for (const auto& r : t.registers) reg_start[reg_key(r.meter, r.element, r.nature)] = r.start_time;
  for (const auto& n : list("circuits")) {
    p.check_keys(n, "circuit", {"name", "type", "registers"});
    TopologyCircuit c;
    c.line = Parser::line_of(n);
    c.name = p.text(n, "name", "circuit");
    c.type = p.one_of(n, "type", p.text(n, "type", "circuit"), {"heat", "power", "solar"});
    dup(circuits, "circuit", c.name, n);
    if (n["registers"] && !n["registers"].IsNull()) {
      if (!n["registers"].IsSequence()) p.fail(n["registers"], "a circuit's registers must be a list");
      std::set<std::string> seen;
      for (const auto& rn : n["registers"]) {
        p.check_keys(rn, "circuit register", {"meter", "element", "nature", "start", "end"});
        TopologyCircuitRegister cr;
        cr.line = Parser::line_of(rn);
        cr.meter = p.text(rn, "meter", "circuit register");
        ref(meters, "meter", cr.meter, rn["meter"]);
        cr.element = p.one_of(rn, "element", p.text(rn, "element", "circuit register"), {"A", "B", "SINGLE"});
        cr.nature = c.type;
        if (auto nat = p.opt_text(rn, "nature")) cr.nature = p.one_of(rn, "nature", *nat, {"heat", "power", "solar"});
        const auto key = reg_key(cr.meter, cr.element, cr.nature);
        if (!regs.has(key))
          p.fail(rn, "unknown register " + cr.meter + " element " + cr.element + " nature " + cr.nature +
                         " (not in this document's registers)");
        auto start = p.opt_time(rn, "start");
        if (!start) start = reg_start[key];
        if (!start) p.fail(rn, "circuit register needs 'start' (its register has no start_time)");
        cr.start = *start;
        cr.end = p.opt_time(rn, "end");
        if (cr.end && *cr.end <= cr.start && cr.end->substr(19) == cr.start.substr(19))
          p.fail(rn["end"], "end must be after start");
        if (!seen.insert(key + "@" + cr.start).second)
          p.fail(rn, "register " + key + " from " + cr.start + " is listed twice in circuit " + c.name);
        c.registers.push_back(std::move(cr));
      }
    }
    t.circuits.push_back(std::move(c));
  }
  return t;
}

// ---------------------------------------------------------------- import

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
// RETURNING id, (xmax = 0)" statement and returns the row's id (looked up with
// `lookup` when nothing changed).
std::string tally(pqxx::work& tx, const pqxx::result& r, KindCounts& c, const std::string& lookup,
                  const std::string& key) {
  if (!r.empty()) {
    (r[0][1].as<bool>() ? c.inserted : c.updated)++;
    return r[0][0].as<std::string>();
  }
  c.unchanged++;
  return tx.exec_params1(lookup, key)[0].as<std::string>();
}

void count_link(const pqxx::result& r, KindCounts& c) { (r.affected_rows() > 0 ? c.inserted : c.unchanged)++; }

}  // namespace

ImportCounts import_topology(pqxx::connection& conn, const Topology& t, const ImportOptions& options) {
  require_current(conn);
  ImportCounts c;
  std::string context = "import " + t.source;
  try {
    pqxx::work tx(conn);
    std::map<std::string, std::string> esco_id, site_id, feeder_id, head_id, meter_id, reg_id;

    for (const auto& e : t.escos) {
      auto r = tx.exec_params(
          "INSERT INTO flows.escos AS x (code, name, region) VALUES ($1, $2, $3) "
          "ON CONFLICT (code) DO UPDATE SET name = COALESCE(EXCLUDED.name, x.name), "
          "  region = COALESCE(EXCLUDED.region, x.region) "
          "WHERE (x.name, x.region) IS DISTINCT FROM (COALESCE(EXCLUDED.name, x.name), COALESCE(EXCLUDED.region, x.region)) "
          "RETURNING id::text, (xmax = 0)",
          e.code, opt(e.name), opt(e.region));
      esco_id[e.code] = tally(tx, r, c.escos, "SELECT id::text FROM flows.escos WHERE code = $1", e.code);
    }
    for (const auto& s : t.sites) {
      auto r = tx.exec_params(
          "INSERT INTO flows.sites_new AS x (code, name, esco) VALUES ($1, $2, $3::uuid) "
          "ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, esco = EXCLUDED.esco "
          "WHERE (x.name, x.esco) IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.esco) "
          "RETURNING id::text, (xmax = 0)",
          s.code, s.name, esco_id.at(s.esco));
      site_id[s.code] = tally(tx, r, c.sites, "SELECT id::text FROM flows.sites_new WHERE code = $1", s.code);
    }
    for (const auto& f : t.feeders) {
      auto r = tx.exec_params(
          "INSERT INTO flows.feeder_registry AS x (name, esco) VALUES ($1, $2::uuid) "
          "ON CONFLICT (name) DO UPDATE SET esco = EXCLUDED.esco WHERE x.esco IS DISTINCT FROM EXCLUDED.esco "
          "RETURNING id::text, (xmax = 0)",
          f.name, esco_id.at(f.esco));
      feeder_id[f.name] = tally(tx, r, c.feeders, "SELECT id::text FROM flows.feeder_registry WHERE name = $1", f.name);
    }
    for (const auto& h : t.service_heads) {
      std::optional<std::string> feeder;
      if (h.feeder) feeder = feeder_id.at(*h.feeder);
      auto r = tx.exec_params(
          "INSERT INTO flows.service_head_registry AS x (name, feeder, phase, fuse_rating, type) "
          "VALUES ($1, $2::uuid, $3::integer, $4::smallint, $5) "
          "ON CONFLICT (name) DO UPDATE SET feeder = COALESCE(EXCLUDED.feeder, x.feeder), "
          "  phase = COALESCE(EXCLUDED.phase, x.phase), fuse_rating = COALESCE(EXCLUDED.fuse_rating, x.fuse_rating), "
          "  type = COALESCE(EXCLUDED.type, x.type) "
          "WHERE (x.feeder, x.phase, x.fuse_rating, x.type) IS DISTINCT FROM "
          "  (COALESCE(EXCLUDED.feeder, x.feeder), COALESCE(EXCLUDED.phase, x.phase), "
          "   COALESCE(EXCLUDED.fuse_rating, x.fuse_rating), COALESCE(EXCLUDED.type, x.type)) "
          "RETURNING id::text, (xmax = 0)",
          h.name, opt(feeder), opt(opt_str(h.phase)), opt(opt_str(h.fuse_rating)), opt(h.type));
      head_id[h.name] =
          tally(tx, r, c.service_heads, "SELECT id::text FROM flows.service_head_registry WHERE name = $1", h.name);
    }
    for (const auto& pr : t.properties) {
      auto found = tx.exec_params("SELECT id::text FROM flows.properties WHERE plot = $1", pr.plot);
      if (found.size() > 1)
        throw database_error(context + ": plot '" + pr.plot + "' names " + std::to_string(found.size()) +
                             " properties in the database; make plots unique first");
      std::string id;
      if (found.empty()) {
        id = tx.exec_params1("INSERT INTO flows.properties (plot) VALUES ($1) RETURNING id::text", pr.plot)[0]
                 .as<std::string>();
        c.properties.inserted++;
      } else {
        id = found[0][0].as<std::string>();
        c.properties.unchanged++;
      }
      if (pr.service_head)
        count_link(tx.exec_params("INSERT INTO flows.properties_service_head (property, service_head) "
                                  "VALUES ($1::uuid, $2::uuid) ON CONFLICT DO NOTHING",
                                  id, head_id.at(*pr.service_head)),
                   c.links);
    }
    for (const auto& m : t.meters) {
      std::optional<std::string> site;
      if (m.site) site = site_id.at(*m.site);
      auto r = tx.exec_params(
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
          "RETURNING id::text, (xmax = 0)",
          m.serial, opt(m.ip_address), opt(opt_str(m.emop_port)), opt(m.hardware), m.mode, opt(opt_str(m.dst)),
          esco_id.at(m.esco), opt(site), opt(m.name));
      meter_id[m.serial] =
          tally(tx, r, c.meters, "SELECT id::text FROM flows.meter_registry WHERE serial = $1", m.serial);
      if (m.service_head)
        count_link(tx.exec_params("INSERT INTO flows.service_head_meter (service_head, meter) "
                                  "VALUES ($1::uuid, $2::uuid) ON CONFLICT DO NOTHING",
                                  head_id.at(*m.service_head), meter_id[m.serial]),
                   c.links);
    }
    for (const auto& r : t.registers) {
      const auto mid = meter_id.at(r.meter);
      auto found = tx.exec_params(
          "SELECT register_id::text, start_time IS NOT DISTINCT FROM COALESCE($4::timestamptz, start_time) "
          "FROM flows.meter_registers "
          "WHERE meter_id = $1::uuid AND element = $2::flows.meter_register_element "
          "  AND nature = $3::flows.register_nature_enum "
          "ORDER BY status = 'enabled' DESC, start_time DESC NULLS LAST LIMIT 1",
          mid, r.element, r.nature, opt(r.start_time));
      std::string id;
      if (found.empty()) {
        id = tx.exec_params1("INSERT INTO flows.meter_registers (meter_id, element, nature, start_time) "
                             "VALUES ($1::uuid, $2::flows.meter_register_element, $3::flows.register_nature_enum, "
                             "$4::timestamptz) RETURNING register_id::text",
                             mid, r.element, r.nature, opt(r.start_time))[0]
                 .as<std::string>();
        c.registers.inserted++;
      } else {
        id = found[0][0].as<std::string>();
        if (found[0][1].as<bool>()) {
          c.registers.unchanged++;
        } else {
          tx.exec_params("UPDATE flows.meter_registers SET start_time = $2::timestamptz WHERE register_id = $1::uuid",
                         id, opt(r.start_time));
          c.registers.updated++;
        }
      }
      reg_id[reg_key(r.meter, r.element, r.nature)] = id;
    }
    for (const auto& ci : t.circuits) {
      auto found = tx.exec_params("SELECT id::text, type::text FROM flows.circuits WHERE name = $1", ci.name);
      if (found.size() > 1)
        throw database_error(context + ": circuit name '" + ci.name + "' names " + std::to_string(found.size()) +
                             " circuits in the database; make circuit names unique first");
      std::string id;
      if (found.empty()) {
        id = tx.exec_params1("INSERT INTO flows.circuits (name, type) VALUES ($1, $2::flows.circuit_type_enum) "
                             "RETURNING id::text",
                             ci.name, ci.type)[0]
                 .as<std::string>();
        c.circuits.inserted++;
      } else {
        id = found[0][0].as<std::string>();
        if (found[0][1].as<std::string>() == ci.type) {
          c.circuits.unchanged++;
        } else {
          tx.exec_params("UPDATE flows.circuits SET type = $2::flows.circuit_type_enum WHERE id = $1::uuid", id, ci.type);
          c.circuits.updated++;
        }
      }
      for (const auto& cr : ci.registers) {
        auto r = tx.exec_params(
            "INSERT INTO flows.circuit_register AS x (circuit, register, start_time, end_time) "
            "VALUES ($1::uuid, $2::uuid, $3::timestamptz, $4::timestamptz) "
            "ON CONFLICT (circuit, register, start_time) DO UPDATE SET end_time = EXCLUDED.end_time "
            "WHERE x.end_time IS DISTINCT FROM EXCLUDED.end_time "
            "RETURNING (xmax = 0)",
            id, reg_id.at(reg_key(cr.meter, cr.element, cr.nature)), cr.start, opt(cr.end));
        if (r.empty()) c.circuit_registers.unchanged++;
        else (r[0][0].as<bool>() ? c.circuit_registers.inserted : c.circuit_registers.updated)++;
      }
    }
    if (options.dry_run) tx.abort();
    else tx.commit();
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw database_error(context, e);
  }
  return c;
}

}  // namespace flows::db
