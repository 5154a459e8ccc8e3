#pragma once
// One set of tariff registers as a meter holds them (active or future).
#include <cstdint>

#include <yaml-cpp/yaml.h>

#include "core/money.hpp"
#include "emop/records.hpp"
#include "sim/meter_spec.hpp"

namespace flows::sim {

struct TariffSet {
  Money standing_charge;       // per day
  Money unit_rate_a;           // block 8 rate 1: element A (and single/three-phase) rate per kWh
  Money element_b_rate_1;      // element B TOU rate 1: element B rate per kWh (in force)
  Money element_b_rate_2;
  Money element_b_rate_3;
  Money element_b_rate_4;
  Money emergency_credit;
  Money ecredit_availability;
  Money debt_recovery_rate;    // per day (stored; the simulator does not recover debt)
  Money gas;
  std::uint8_t tou_flag = 0;
  std::uint8_t threshold_mask = 0;
  emop::ThresholdValues threshold_values{};

  bool operator==(const TariffSet&) const = default;
};

// The tariff a meter is installed with: the spec's rates, element B at the unit rate.
TariffSet initial_tariff(const MeterSpec& s);

YAML::Node tariff_to_yaml(const TariffSet& t);
// Throws flows::Error(config) naming `source` on a missing or bad value.
TariffSet tariff_from_yaml(const YAML::Node& n, std::string_view source);

}  // namespace flows::sim
