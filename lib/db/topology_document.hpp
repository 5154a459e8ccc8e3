#pragma once
// The topology document (format and import semantics: db/topology.hpp), parsed
// and validated as a whole before anything touches a database. Pure: YAML text
// in, typed entries out, no I/O.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace flows::db {

struct TopologyEsco {
  std::string code;
  std::optional<std::string> name, region;
  int line = 0;
};
struct TopologySite {
  std::string code, name, esco;
  int line = 0;
};
struct TopologyFeeder {
  std::string name, esco;
  int line = 0;
};
struct TopologyServiceHead {
  std::string name;
  std::optional<std::string> feeder;
  std::optional<int> phase, fuse_rating;
  std::optional<std::string> type;  // customer_owned | network_owned
  int line = 0;
};
struct TopologyProperty {
  std::string plot;
  std::optional<std::string> service_head;
  int line = 0;
};
struct TopologyMeter {
  std::string serial;
  std::optional<std::string> ip_address;
  std::optional<int> emop_port;
  std::optional<std::string> hardware;
  std::string mode = "active";
  std::optional<bool> dst;
  std::string esco;
  std::optional<std::string> site, service_head, name;
  int line = 0;
};
struct TopologyRegister {
  std::string meter, element, nature;
  std::optional<std::string> start_time;  // normalised "YYYY-MM-DDTHH:MM:SS+HH:MM"
  int line = 0;
};
struct TopologyCircuitRegister {
  std::string meter, element, nature;
  std::string start;
  std::optional<std::string> end;
  int line = 0;
};
struct TopologyCircuit {
  std::string name, type;
  std::vector<TopologyCircuitRegister> registers;
  int line = 0;
};

struct Topology {
  std::string source;
  std::vector<TopologyEsco> escos;
  std::vector<TopologySite> sites;
  std::vector<TopologyFeeder> feeders;
  std::vector<TopologyServiceHead> service_heads;
  std::vector<TopologyProperty> properties;
  std::vector<TopologyMeter> meters;
  std::vector<TopologyRegister> registers;
  std::vector<TopologyCircuit> circuits;
};

// Parses and validates the whole document before anything touches a database:
// YAML syntax, unknown keys, missing required keys, bad enums (mode, element,
// nature, circuit type, service head type, region), bad IP addresses, ports,
// phases and times, duplicate natural keys (and duplicate ip_address/port), and
// references to entries the document does not define. The first problem is a
// flows::Error with ExitCode::usage (2: the input document is bad) whose
// one-line message starts "source:line: ".
Topology parse_topology(std::string_view yaml, std::string_view source);

// The key a register is known by within a document: "meter/element/nature".
std::string topology_register_key(const std::string& meter, const std::string& element, const std::string& nature);

}  // namespace flows::db
