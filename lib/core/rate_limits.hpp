#pragma once
// The plausible range of a tariff's rates, in pounds: the one definition both
// billing (benchmark entry) and meter writes (meter::TariffLimits) use. The
// upper bounds catch pence typed as pounds (24.50 for 0.2450). Amounts in
// Money units (1/100000 £).
#include <cstdint>

namespace flows::rate_limits {

inline constexpr std::int64_t units_per_pound = 100000;
inline constexpr std::int64_t max_unit_rate_units = 100000;        // £1.00/kWh
inline constexpr std::int64_t max_standing_charge_units = 200000;  // £2.00/day

}  // namespace flows::rate_limits
