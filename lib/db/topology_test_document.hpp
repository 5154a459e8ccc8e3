#pragma once
// The example topology document the parsing and import tests share.
namespace flows::testing {

inline const char* const kDoc = R"(escos:
  - {code: acme, name: Acme Energy, region: south_west}
sites:
  - {code: acme-1, name: Acme one, esco: acme}
feeders:
  - {name: acme-f1, esco: acme}
service_heads:
  - {name: acme-sh1, feeder: acme-f1, phase: 1, fuse_rating: 100, type: network_owned}
properties:
  - {plot: "Plot 1", service_head: acme-sh1}
meters:
  - serial: EML0000000001
    ip_address: 10.1.2.3
    emop_port: 8081
    hardware: C1.w
    mode: active
    dst: true
    esco: acme
    site: acme-1
    service_head: acme-sh1
    name: Plot 1 supply
  - {serial: EML0000000002, esco: acme, mode: passive}
registers:
  - {meter: EML0000000001, element: A, nature: power, start_time: 2024-01-01}
  - {meter: EML0000000001, element: B, nature: heat, start_time: "2024-01-01T00:00:00Z"}
circuits:
  - name: Plot 1 power
    type: power
    registers:
      - {meter: EML0000000001, element: A}
  - name: Plot 1 heat
    type: heat
    registers:
      - {meter: EML0000000001, element: B, start: 2024-02-01T00:00+01:00, end: 2025-01-01}
)";

}  // namespace flows::testing
