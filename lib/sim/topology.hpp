#pragma once
// The topology document (see db/topology.hpp for the format) of a simulated
// fleet, for `emop db import`: it puts the fleet in the Flows database with the
// addresses emlite-sim serves it on.
//
// What it contains:
//   * one ESCO (`esco`, default "demo", region london) and one site "<esco>-site";
//   * one feeder "<esco>-feeder-1";
//   * per meter (numbered i = 1, 2, … in fleet order): a service head
//     "<esco>-sh-<serial>" (phase 3 for three-phase meters, else 1) on that feeder,
//     a property with plot "<esco> plot <i>" on it, and the meter itself named
//     "<esco> plot <i>", with ip_address = host, emop_port = port, hardware =
//     registry string, mode active and dst as the spec says;
//   * registers, nature power, starting at midnight UTC of the install day:
//     element SINGLE for single-element and three-phase meters, elements A and B
//     for twin meters (the meter_shadows triggers map element A reads to a
//     SINGLE register);
//   * a power circuit "<esco> plot <i> power" with all the meter's registers,
//     and for a solar meter a solar circuit "<esco> plot <i> solar" with its
//     SINGLE/A register (its export register is the generation; no separate
//     solar register, which the element-keyed shadow triggers could not tell apart).
#include <string>
#include <vector>

#include "sim/meter_spec.hpp"

namespace flows::sim {

struct TopologyOptions {
  std::string esco = "demo";
  std::string esco_name = "Demo ESCO";
  std::string region = "london";
};

// Throws flows::Error(usage) when two meters share an ip address (for instance
// a --base-port fleet of more than one meter): meter_registry.ip_address is
// unique in the deployed schema, so such a fleet cannot be described.
std::string topology_yaml(const std::vector<MeterSpec>& meters, const TopologyOptions& options = {});

}  // namespace flows::sim
