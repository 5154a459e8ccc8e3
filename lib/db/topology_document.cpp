#include "db/topology_document.hpp"

#include <arpa/inet.h>

#include <initializer_list>
#include <map>
#include <regex>
#include <set>

#include <yaml-cpp/exceptions.h>

#include "core/error.hpp"
#include "core/text.hpp"
#include "db/yaml_tree.hpp"

namespace flows::db {
namespace {

using YNode = YamlTree::Node;

struct Parser {
  std::string source;

  [[noreturn]] void fail(int line, const std::string& msg) const {
    std::string where = source;
    if (line > 0) where += ":" + std::to_string(line);
    throw usage_error(where + ": " + msg);
  }
  [[noreturn]] void fail(const YNode& n, const std::string& msg) const { fail(line_of(n), msg); }
  static int line_of(const YNode& n) { return n.line(); }

  void check_keys(const YNode& item, std::string_view what, std::initializer_list<std::string_view> keys) const {
    if (!item.IsMap()) fail(item, std::string(what) + " entry must be a mapping");
    for (std::size_t i = 0; i < item.size(); ++i) {
      const auto key = key_text(item.key(i));
      bool known = false;
      for (auto k : keys) known = known || k == key;
      if (!known) fail(item.key(i), "unknown key '" + key + "' in " + std::string(what));
    }
  }
  std::string key_text(const YNode& k) const {
    if (!k.IsScalar()) fail(k, "a key must be plain text, not a list or a mapping");
    return std::string(k.Scalar());
  }
  static bool present(const YNode& item, const char* key) { return item[key] && !item[key].IsNull(); }

  std::string text(const YNode& item, const char* key, std::string_view what) const {
    if (!present(item, key)) fail(item, std::string(what) + " needs '" + key + "'");
    auto v = opt_text(item, key);
    if (v->empty()) fail(item[key], std::string(key) + " must not be empty");
    return *v;
  }
  std::optional<std::string> opt_text(const YNode& item, const char* key) const {
    if (!present(item, key)) return std::nullopt;
    const auto& n = item[key];
    if (!n.IsScalar()) fail(n, std::string(key) + " must be a scalar");
    // PostgreSQL would refuse these at the first query (a database error, after
    // part of the document's checks): refuse them here, naming the line.
    if (const std::string_view problem = text_problem(n.Scalar()); !problem.empty())
      fail(n, std::string(key) + " " + std::string(problem));
    return std::string(n.Scalar());
  }
  std::optional<int> opt_int(const YNode& item, const char* key, int lo, int hi) const {
    auto t = opt_text(item, key);
    if (!t) return std::nullopt;
    static const std::regex digits("[0-9]{1,6}");
    if (!std::regex_match(*t, digits) || std::stoi(*t) < lo || std::stoi(*t) > hi)
      fail(item[key], std::string(key) + " '" + *t + "' is not a whole number " + std::to_string(lo) + "-" +
                          std::to_string(hi));
    return std::stoi(*t);
  }
  std::optional<bool> opt_bool(const YNode& item, const char* key) const {
    auto t = opt_text(item, key);
    if (!t) return std::nullopt;
    if (*t == "true" || *t == "yes" || *t == "on") return true;
    if (*t == "false" || *t == "no" || *t == "off") return false;
    fail(item[key], std::string(key) + " '" + *t + "' is not true or false");
  }
  std::string one_of(const YNode& item, const char* key, const std::string& value,
                     std::initializer_list<std::string_view> allowed) const {
    std::string list;
    for (auto a : allowed) {
      if (a == value) return value;
      list += (list.empty() ? "" : ", ") + std::string(a);
    }
    fail(item[key] ? item[key] : item, std::string(key) + " '" + value + "' is not one of " + list);
  }
  // A time as PostgreSQL reads it unambiguously; nullopt when absent.
  std::optional<std::string> opt_time(const YNode& item, const char* key) const {
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
    const int year = std::stoi(y);
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    static constexpr int month_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (year < 1 || month < 1 || month > 12 || day < 1 ||
        day > month_days[month - 1] + (month == 2 && leap ? 1 : 0) || hour > 23 || minute > 59 || second > 59)
      fail(item[key], std::string(key) + " '" + *t + "' is not a valid time (no such date or time of day)");
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

// One pass over the document, section by section in dependency order: each
// section may refer only to entries of the sections before it.
class DocumentParser {
 public:
  DocumentParser(const YNode& doc, std::string source) : doc_(doc), p_{std::move(source)} {}

  Topology parse() {
    t_.source = p_.source;
    if (doc_.IsNull()) return t_;
    check_sections();
    each("escos", &DocumentParser::esco);
    each("sites", &DocumentParser::site);
    each("feeders", &DocumentParser::feeder);
    each("service_heads", &DocumentParser::service_head);
    each("properties", &DocumentParser::property);
    each("meters", &DocumentParser::meter);
    each("registers", &DocumentParser::register_);
    for (const auto& r : t_.registers) reg_start_[reg_key(r.meter, r.element, r.nature)] = r.start_time;
    each("circuits", &DocumentParser::circuit);
    return std::move(t_);
  }

 private:
  void check_sections() const {
    if (!doc_.IsMap())
      p_.fail(doc_, "expected a mapping of escos, sites, feeders, service_heads, properties, meters, registers, circuits");
    static const std::set<std::string> top = {"escos", "sites", "feeders", "service_heads", "properties",
                                              "meters", "registers", "circuits"};
    for (std::size_t i = 0; i < doc_.size(); ++i) {
      const auto key = p_.key_text(doc_.key(i));
      if (!top.count(key)) p_.fail(doc_.key(i), "unknown section '" + key + "'");
      if (!doc_.value(i).IsNull() && !doc_.value(i).IsSequence()) p_.fail(doc_.value(i), "'" + key + "' must be a list");
    }
  }
  // Every entry of one section (none when the section is absent or empty).
  void each(const char* section, void (DocumentParser::*entry)(const YNode&)) {
    const YNode list = doc_[section];
    for (std::size_t i = 0; i < list.size(); ++i) (this->*entry)(list.item(i));
  }
  void dup(Keys& k, const std::string& what, const std::string& key, const YNode& n) const {
    if (!k.add(key, Parser::line_of(n)))
      p_.fail(n, what + " '" + key + "' is already defined on line " + std::to_string(k.line(key)));
  }
  void ref(const Keys& k, const std::string& what, const std::string& key, const YNode& n) const {
    if (!k.has(key)) p_.fail(n, "unknown " + what + " '" + key + "' (not defined in this document)");
  }

  void esco(const YNode& n) {
    p_.check_keys(n, "esco", {"code", "name", "region"});
    TopologyEsco e{p_.text(n, "code", "esco"), p_.opt_text(n, "name"), p_.opt_text(n, "region"), Parser::line_of(n)};
    if (e.region) p_.one_of(n, "region", *e.region, kRegions);
    dup(escos_, "esco", e.code, n);
    t_.escos.push_back(std::move(e));
  }
  void site(const YNode& n) {
    p_.check_keys(n, "site", {"code", "name", "esco"});
    TopologySite s{p_.text(n, "code", "site"), p_.text(n, "name", "site"), p_.text(n, "esco", "site"),
                   Parser::line_of(n)};
    ref(escos_, "esco", s.esco, n["esco"]);
    dup(sites_, "site", s.code, n);
    t_.sites.push_back(std::move(s));
  }
  void feeder(const YNode& n) {
    p_.check_keys(n, "feeder", {"name", "esco"});
    TopologyFeeder f{p_.text(n, "name", "feeder"), p_.text(n, "esco", "feeder"), Parser::line_of(n)};
    ref(escos_, "esco", f.esco, n["esco"]);
    dup(feeders_, "feeder", f.name, n);
    t_.feeders.push_back(std::move(f));
  }
  void service_head(const YNode& n) {
    p_.check_keys(n, "service head", {"name", "feeder", "phase", "fuse_rating", "type"});
    TopologyServiceHead h;
    h.name = p_.text(n, "name", "service head");
    h.feeder = p_.opt_text(n, "feeder");
    if (h.feeder) ref(feeders_, "feeder", *h.feeder, n["feeder"]);
    h.phase = p_.opt_int(n, "phase", 1, 3);
    h.fuse_rating = p_.opt_int(n, "fuse_rating", 1, 32767);
    h.type = p_.opt_text(n, "type");
    if (h.type) p_.one_of(n, "type", *h.type, {"customer_owned", "network_owned"});
    h.line = Parser::line_of(n);
    dup(heads_, "service head", h.name, n);
    t_.service_heads.push_back(std::move(h));
  }
  void property(const YNode& n) {
    p_.check_keys(n, "property", {"plot", "service_head"});
    TopologyProperty pr{p_.text(n, "plot", "property"), p_.opt_text(n, "service_head"), Parser::line_of(n)};
    if (pr.service_head) ref(heads_, "service head", *pr.service_head, n["service_head"]);
    dup(plots_, "property plot", pr.plot, n);
    t_.properties.push_back(std::move(pr));
  }
  void meter(const YNode& n) {
    p_.check_keys(n, "meter",
                  {"serial", "ip_address", "emop_port", "hardware", "mode", "dst", "esco", "site", "service_head", "name"});
    TopologyMeter m;
    m.line = Parser::line_of(n);
    m.serial = p_.text(n, "serial", "meter");
    m.ip_address = p_.opt_text(n, "ip_address");
    if (m.ip_address && !valid_ip(*m.ip_address))
      p_.fail(n["ip_address"], "ip_address '" + *m.ip_address + "' is not an IPv4 or IPv6 address");
    m.emop_port = p_.opt_int(n, "emop_port", 1, 65535);
    m.hardware = p_.opt_text(n, "hardware");
    if (auto mode = p_.opt_text(n, "mode")) m.mode = p_.one_of(n, "mode", *mode, {"active", "passive"});
    m.dst = p_.opt_bool(n, "dst");
    m.esco = p_.text(n, "esco", "meter");
    ref(escos_, "esco", m.esco, n["esco"]);
    m.site = p_.opt_text(n, "site");
    if (m.site) ref(sites_, "site", *m.site, n["site"]);
    m.service_head = p_.opt_text(n, "service_head");
    if (m.service_head) ref(heads_, "service head", *m.service_head, n["service_head"]);
    m.name = p_.opt_text(n, "name");
    dup(meters_, "meter", m.serial, n);
    if (m.ip_address && !ips_.add(*m.ip_address, m.line))
      p_.fail(n["ip_address"], "ip_address " + *m.ip_address + " is already used on line " +
                                   std::to_string(ips_.line(*m.ip_address)) + " (meter_registry.ip_address is unique)");
    t_.meters.push_back(std::move(m));
  }
  void register_(const YNode& n) {
    p_.check_keys(n, "register", {"meter", "element", "nature", "start_time"});
    TopologyRegister r;
    r.line = Parser::line_of(n);
    r.meter = p_.text(n, "meter", "register");
    ref(meters_, "meter", r.meter, n["meter"]);
    r.element = p_.one_of(n, "element", p_.text(n, "element", "register"), {"A", "B", "SINGLE"});
    r.nature = p_.one_of(n, "nature", p_.text(n, "nature", "register"), {"heat", "power", "solar"});
    r.start_time = p_.opt_time(n, "start_time");
    dup(regs_, "register", reg_key(r.meter, r.element, r.nature), n);
    t_.registers.push_back(std::move(r));
  }
  void circuit(const YNode& n) {
    p_.check_keys(n, "circuit", {"name", "type", "registers"});
    TopologyCircuit c;
    c.line = Parser::line_of(n);
    c.name = p_.text(n, "name", "circuit");
    c.type = p_.one_of(n, "type", p_.text(n, "type", "circuit"), {"heat", "power", "solar"});
    dup(circuits_, "circuit", c.name, n);
    if (n["registers"] && !n["registers"].IsNull()) {
      if (!n["registers"].IsSequence()) p_.fail(n["registers"], "a circuit's registers must be a list");
      std::set<std::string> seen;
      const YNode regs = n["registers"];
      for (std::size_t i = 0; i < regs.size(); ++i) c.registers.push_back(circuit_register(regs.item(i), c, seen));
    }
    t_.circuits.push_back(std::move(c));
  }
  TopologyCircuitRegister circuit_register(const YNode& rn, const TopologyCircuit& c, std::set<std::string>& seen) {
    p_.check_keys(rn, "circuit register", {"meter", "element", "nature", "start", "end"});
    TopologyCircuitRegister cr;
    cr.line = Parser::line_of(rn);
    cr.meter = p_.text(rn, "meter", "circuit register");
    ref(meters_, "meter", cr.meter, rn["meter"]);
    cr.element = p_.one_of(rn, "element", p_.text(rn, "element", "circuit register"), {"A", "B", "SINGLE"});
    cr.nature = c.type;
    if (auto nat = p_.opt_text(rn, "nature")) cr.nature = p_.one_of(rn, "nature", *nat, {"heat", "power", "solar"});
    const auto key = reg_key(cr.meter, cr.element, cr.nature);
    if (!regs_.has(key))
      p_.fail(rn, "unknown register " + cr.meter + " element " + cr.element + " nature " + cr.nature +
                      " (not in this document's registers)");
    auto start = p_.opt_time(rn, "start");
    if (!start) start = reg_start_[key];
    if (!start) p_.fail(rn, "circuit register needs 'start' (its register has no start_time)");
    cr.start = *start;
    cr.end = p_.opt_time(rn, "end");
    if (cr.end && *cr.end <= cr.start && cr.end->substr(19) == cr.start.substr(19))
      p_.fail(rn["end"], "end must be after start");
    if (!seen.insert(key + "@" + cr.start).second)
      p_.fail(rn, "register " + key + " from " + cr.start + " is listed twice in circuit " + c.name);
    return cr;
  }

  YNode doc_;
  Parser p_;
  Topology t_;
  Keys escos_, sites_, feeders_, heads_, plots_, meters_, ips_, regs_, circuits_;
  std::map<std::string, std::optional<std::string>> reg_start_;
};

}  // namespace

std::string topology_register_key(const std::string& meter, const std::string& element, const std::string& nature) {
  return reg_key(meter, element, nature);
}

Topology parse_topology(std::string_view yaml, std::string_view source) {
  Parser p{std::string(source)};
  YamlTree doc;
  try {
    doc = YamlTree::parse(yaml);
  } catch (const YAML::Exception& e) {
    p.fail(e.mark.line >= 0 ? e.mark.line + 1 : 0, e.msg.empty() ? std::string("not a valid document") : e.msg);
  }
  return DocumentParser(doc.root(), std::string(source)).parse();
}

}  // namespace flows::db
