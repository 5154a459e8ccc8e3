#pragma once
// A meter tariff (active or future) as the meter holds it, its validation before
// any write, and its JSON form in meter_shadows.tariffs_active/tariffs_future.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/emop_time.hpp"
#include "core/money.hpp"

namespace flows::meter {

struct Tariff {
  Money standing_charge;       // £ per day
  Money unit_rate_a;           // £ per kWh, element A
  Money unit_rate_b;           // £ per kWh, element B
  Money emergency_credit;      // £
  Money ecredit_availability;  // £
  Money debt_recovery_rate;    // £ per day
  std::optional<MeterTime> activation;  // future tariffs only; a meter clock reading
  bool operator==(const Tariff&) const = default;
};

// Defaults of the public tool for the prepayment settings.
inline const Money default_emergency_credit = Money::from_units(1500000);      // £15.00
inline const Money default_ecredit_availability = Money::from_units(1000000);  // £10.00
inline const Money default_debt_recovery_rate = Money::from_units(30000);      // £0.30/day

// Allowed ranges, checked before the first byte goes to a meter. Unit rates and
// standing charges are in pounds: the upper bounds catch pence typed as pounds.
struct TariffLimits {
  Money max_unit_rate = Money::from_units(100000);          // £1.00/kWh
  Money max_standing_charge = Money::from_units(200000);    // £2.00/day
  Money max_emergency_credit = Money::from_pounds(5000);
  Money max_ecredit_availability = Money::from_pounds(5000);
  Money max_debt_recovery_rate = Money::from_pounds(500);
};
// Empty when valid; otherwise one message per problem.
std::vector<std::string> validate(const Tariff& t, const TariffLimits& limits = {});

// {"standing_charge": 0.6556, "unit_rate_element_a": 0.2798, …, "activation_datetime": "…"}
// with exact decimal numbers (no binary floating point on the way).
nlohmann::json tariff_json(const Tariff& t);

// Field-by-field differences between what was written and what was read back.
std::vector<std::string> differences(const Tariff& wanted, const Tariff& got);

}  // namespace flows::meter
