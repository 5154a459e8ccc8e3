#pragma once
// A meter tariff (active or future) as the meter holds it, its validation before
// any write, and its JSON form in meter_shadows.tariffs_active/tariffs_future.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/emop_time.hpp"
#include "core/money.hpp"
#include "core/rate_limits.hpp"
#include "emop/records.hpp"

namespace flows::meter {

// What the active tariff reports besides its amounts (read, never written by
// these tools): which rates have thresholds, the thresholds, and the indices in
// force, as the field tool reports them.
struct TariffState {
  std::uint8_t threshold_mask = 0;  // bit 0 = rate 1 … bit 7 = rate 8
  emop::ThresholdValues threshold_values{};
  std::uint8_t block_rate = 0;          // index 0-7, as the meter reports it
  std::uint8_t element_b_tou_rate = 0;  // index 0-3
  bool operator==(const TariffState&) const = default;
};

struct Tariff {
  Money standing_charge;       // £ per day
  Money unit_rate_a;           // £ per kWh, element A
  Money unit_rate_b;           // £ per kWh, element B
  Money emergency_credit;      // £
  Money ecredit_availability;  // £
  Money debt_recovery_rate;    // £ per day
  std::optional<MeterTime> activation;  // future tariffs only; a meter clock reading
  std::optional<TariffState> state;     // active tariffs only
  bool operator==(const Tariff&) const = default;
};

// Defaults of the public tool for the prepayment settings.
inline const Money default_emergency_credit = Money::from_units(1500000);      // £15.00
inline const Money default_ecredit_availability = Money::from_units(1000000);  // £10.00
inline const Money default_debt_recovery_rate = Money::from_units(30000);      // £0.30/day

// Allowed ranges, checked before the first byte goes to a meter. Unit rates and
// standing charges are in pounds: the upper bounds catch pence typed as pounds.
struct TariffLimits {
  Money max_unit_rate = Money::from_units(rate_limits::max_unit_rate_units);              // £1.00/kWh
  Money max_standing_charge = Money::from_units(rate_limits::max_standing_charge_units);  // £2.00/day
  Money max_emergency_credit = Money::from_pounds(5000);
  Money max_ecredit_availability = Money::from_pounds(5000);
  Money max_debt_recovery_rate = Money::from_pounds(500);
};
// Empty when valid; otherwise one message per problem.
std::vector<std::string> validate(const Tariff& t, const TariffLimits& limits = {});

// {"standing_charge": "0.6556", "unit_rate_element_a": "0.2798", …, "activation_datetime": "…"}:
// money as exact decimal strings (as the balance is), trailing zeros dropped; an
// active tariff adds threshold_mask {rate1..rate8}, threshold_values {th1..th7},
// block_rate and element_b_tou_rate.
nlohmann::json tariff_json(const Tariff& t);

// "activation 2031-01-01T00:00:00, unit rate 0.22, standing charge 0.41" (the
// fields a cut-off write leaves in question).
std::string describe(const Tariff& t);

// Field-by-field differences between what was written and what was read back.
std::vector<std::string> differences(const Tariff& wanted, const Tariff& got);

}  // namespace flows::meter
