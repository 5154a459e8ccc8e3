#pragma once
// A fleet of simulated meters: the YAML inventory emlite-sim serves and other
// tools read, and a deterministic generator for demos and benchmarks.
//
// Inventory format:
//   meters:
//     - serial: EML2137580761
//       kind: single_b1w          # or hardware: B1.w (registry string); both are written
//       host: 127.0.1.1
//       port: 8080
//       dst: true
//       ...                       # every MeterSpec field, see meter_spec.hpp
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sim/meter_spec.hpp"

namespace flows::sim {

// Throws flows::Error(config) naming source:line on bad YAML, a bad meter, or a
// serial or host:port used twice.
std::vector<MeterSpec> load_fleet_yaml(std::string_view yaml, std::string_view source);
std::string fleet_to_yaml(const std::vector<MeterSpec>& meters);
// Just what other tools need to reach the meters, one flow mapping per line:
//   meters:
//     - {serial: "EML…", host: "127.0.1.1", port: 8080, hardware: B1.w, dst: true}
// (a fraction of the full fleet document, so it parses fast for large fleets).
std::string inventory_to_yaml(const std::vector<MeterSpec>& meters);

struct GenerateOptions {
  enum class Addressing {
    loopback_per_meter,  // 127.0.1.1 … 127.0.1.254, 127.0.2.1 …, each on `port`
    consecutive_ports,   // every meter on `host`, ports port, port+1, …
  };
  Addressing addressing = Addressing::loopback_per_meter;
  std::string host = "127.0.0.1";  // consecutive_ports only
  std::uint16_t port = 8080;
  // Meters are installed 7-90 days before this instant, with a starting balance
  // that leaves £5-£60 (to within a penny) at it.
  UtcTime reference = UtcTime{date::sys_days{date::year{2024} / 6 / 1}};
};

// The i-th per-meter loopback address (0 → 127.0.1.1; .0 and .255 skipped).
// Throws flows::Error(usage) past 127.0.255.254.
std::string loopback_address(std::size_t index);

// n meters, the same for the same (n, seed, options): unique serials "EML" + 10
// digits and unique addresses; mostly single_b1w, some single_ema1w, twin_c1w and
// three-phase; about a fifth solar; DST correction on about half. Throws
// flows::Error(usage) when n is negative or the addresses run out.
std::vector<MeterSpec> generate_fleet(int n, std::uint64_t seed, const GenerateOptions& options = {});

}  // namespace flows::sim
