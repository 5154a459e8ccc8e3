#pragma once
// Topology import: a YAML document describing who owns which meters, where they
// are and how they are wired, written to the flows configuration tables.
//
// Format (every list optional; keys not shown are refused):
//
//   escos:
//     - {code: demo, name: Demo ESCO, region: london}   # region: an Ofgem region code
//   sites:
//     - {code: demo-site, name: Demo site, esco: demo}
//   feeders:
//     - {name: demo-feeder-1, esco: demo}
//   service_heads:
//     - {name: demo-sh-1, feeder: demo-feeder-1, phase: 1, fuse_rating: 100, type: network_owned}
//   properties:
//     - {plot: "Plot 1", service_head: demo-sh-1}
//   meters:
//     - serial: EML2137580761
//       ip_address: 127.0.1.1        # IPv4 or IPv6; unique (meter_registry.ip_address is)
//       emop_port: 8080              # 1-65535; absent: unchanged (null means 8080)
//       hardware: B1.w               # registry string
//       mode: active                 # active | passive (default active)
//       dst: true                    # daylight_savings_correction_enabled
//       esco: demo                   # required
//       site: demo-site
//       service_head: demo-sh-1      # links service_head_meter
//       name: Plot 1 supply
//   registers:
//     - {meter: EML2137580761, element: SINGLE, nature: power, start_time: 2024-01-01T00:00:00Z}
//   circuits:
//     - name: Plot 1 power
//       type: power                  # heat | power | solar
//       registers:                   # nature defaults to the circuit's type;
//         - {meter: EML2137580761, element: SINGLE, start: 2024-01-01T00:00:00Z, end: null}
//                                    # start defaults to the register's start_time
//
// References (esco, site, feeder, service_head, meter, circuit registers) must
// name an entry of the same document. Times are YYYY-MM-DD (midnight UTC) or
// YYYY-MM-DDTHH:MM[:SS] with Z or an offset ±HH:MM.
//
// Import semantics: natural keys are escos.code, sites_new.code,
// feeder_registry.name, service_head_registry.name, flows.properties.plot,
// meter_registry.serial, (meter, element, nature) for meter_registers, and
// circuits.name; circuit_register rows are keyed (circuit, register, start).
// Rows are inserted when missing and updated only when a value differs; an
// optional field left out of the document never clears a value already in the
// database (so syncer-maintained columns such as hardware survive a re-import).
// Links (properties_service_head, service_head_meter) are added, never removed;
// nothing is ever deleted. Importing the same document twice changes nothing.
#include <string>
#include <utility>
#include <vector>

#include <pqxx/pqxx>

#include "db/topology_document.hpp"

namespace flows::db {

struct KindCounts {
  int inserted = 0;
  int updated = 0;
  int unchanged = 0;
};

struct ImportCounts {
  KindCounts escos, sites, feeders, service_heads, properties, meters, registers, circuits, circuit_registers,
      links;  // properties_service_head + service_head_meter rows
  // {"escos", escos}, … in the order above.
  std::vector<std::pair<std::string, KindCounts>> by_kind() const;
  int changes() const;  // inserted + updated, over every kind
};

struct ImportOptions {
  bool dry_run = false;  // do everything, report the counts, then roll back
};

// Checks the schema version (db::require_current), then writes the topology in
// one transaction with parameterised statements only. Throws flows::Error
// (ExitCode::database) on any database failure, e.g. an ip_address already used
// by a meter the document does not name, or a plot or circuit name that is not
// unique in the database; nothing is written then.
ImportCounts import_topology(pqxx::connection& conn, const Topology& topology, const ImportOptions& options = {});

}  // namespace flows::db
