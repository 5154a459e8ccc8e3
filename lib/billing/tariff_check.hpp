#pragma once
// Tariff checks: does a meter carry the tariff the database says it should?
// Pure, no I/O: db/tariff_check.hpp loads the facts, `flows-bill tariffs check`
// lists the outcome and `emop push tariffs --only-differing` pushes only to meters
// that are not matching.
//
// What is compared, on a date D (a UK date):
// * the meter's active tariff (meter_shadows.tariffs_active): unit rates of
//   element A and B and the standing charge against the customer tariff in force
//   on D (public.customer_tariffs, latest period_start on or before D, rates
//   truncated to 5 decimals) of the customer occupying the meter's supply account
//   on D;
// * the meter's future tariff (tariffs_future): when that customer has a next
//   tariff (earliest period_start after D) the future tariff must hold it, rates
//   and activation_datetime = its period_start 00:00 (what `emop push tariffs`
//   writes); otherwise a future tariff still to activate (its activation on a day
//   after D) must hold the tariff in force, and one already activated is not
//   compared (the active tariff is what counts then);
// * the active tariff's prepayment settings against the ESCO's microgrid tariff in
//   force on D: prepayment_emergency_credit = emergency_credit,
//   prepayment_ecredit_availability = ecredit_button_threshold,
//   prepayment_debt_recovery_rate = debt_recovery_rate.
// Values are compared as exact decimals parsed from the shadow's JSON text
// (jsonb keeps numbers as exact numerics; a string value is read as its text),
// never through a binary float. A value with more decimals than a meter holds
// (e.g. 0.17587000000000001 written by a float formatter) is compared as it is,
// so it differs; a value that is not a decimal number, or a field that is absent,
// differs too (shown as on the meter). Equal values with other trailing zeros
// (10.0 and 10.00000) match.
// A meter whose shadow is missing, whose tariff JSON is null (never synced),
// without an occupier on D, or whose customer or ESCO has no tariff in force is
// unknown for what cannot be compared, never matching.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace flows::billing {

// One tariff as a meter shadow holds it: each field the text of its JSON value,
// nullopt when the key is absent or null.
struct ShadowTariff {
  std::optional<std::string> unit_rate_a, unit_rate_b, standing_charge;
  std::optional<std::string> emergency_credit, ecredit_availability, debt_recovery_rate;
  std::optional<std::string> activation;  // "YYYY-MM-DDTHH:MM:SS", meter clock
};

struct ExpectedRates {
  std::string period_start;               // YYYY-MM-DD
  std::string unit_rate, standing_charge; // decimal text
};

struct ExpectedPrepayment {
  std::string period_start;
  std::string emergency_credit, ecredit_threshold, debt_recovery_rate;  // decimal text
};

// Everything the database knows about one meter's tariffs on the date.
struct MeterTariffFacts {
  std::string meter_id, serial, esco;
  bool has_shadow = false;
  std::optional<ShadowTariff> active, future;  // nullopt: the shadow's JSON is null
  std::optional<std::string> customer;         // the occupier on the date
  std::optional<ExpectedRates> in_force, next; // the customer's tariffs
  std::optional<ExpectedPrepayment> microgrid; // the ESCO's microgrid tariff in force
};

struct TariffDifference {
  std::string field;     // e.g. "active.unit_rate_element_a", "future.activation_datetime"
  std::string on_meter;  // the shadow's text, or "(absent)"
  std::string expected;
};

enum class TariffCheckState { matching, differs, unknown };
std::string_view to_string(TariffCheckState s);

struct TariffCheck {
  std::string meter_id, serial, esco, customer;  // customer empty without an occupier
  TariffCheckState state = TariffCheckState::matching;  // differs wins over unknown
  std::vector<TariffDifference> differences;
  std::vector<std::string> unknown;  // what could not be compared, and why
};

// The check of one meter on `as_of` (YYYY-MM-DD).
TariffCheck check_meter_tariffs(const MeterTariffFacts& facts, std::string_view as_of);

// Whether two decimal texts are the same number, exactly (false when either is
// not a plain decimal number).
bool same_amount(std::string_view a, std::string_view b);

}  // namespace flows::billing
