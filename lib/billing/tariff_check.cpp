#include "billing/tariff_check.hpp"

#include "billing/decimal.hpp"
#include "core/emop_time.hpp"

namespace flows::billing {
namespace {

const std::string absent = "(absent)";

void compare_amount(TariffCheck& out, const std::string& field, const std::optional<std::string>& on_meter,
                    const std::string& expected) {
  if (on_meter && same_amount(*on_meter, expected)) return;
  out.differences.push_back({field, on_meter.value_or(absent), expected});
}

// The rates of one tariff on the meter (prefix "active" or "future") against ones expected.
void compare_rates(TariffCheck& out, const std::string& prefix, const ShadowTariff& t, const ExpectedRates& want) {
  compare_amount(out, prefix + ".unit_rate_element_a", t.unit_rate_a, want.unit_rate);
  compare_amount(out, prefix + ".unit_rate_element_b", t.unit_rate_b, want.unit_rate);
  compare_amount(out, prefix + ".standing_charge", t.standing_charge, want.standing_charge);
}

std::string activation_of(const ExpectedRates& next) { return next.period_start + "T00:00:00"; }

void compare_activation(TariffCheck& out, const ShadowTariff& t, const ExpectedRates& next) {
  const std::string want = activation_of(next);
  const auto got = t.activation ? parse_iso(*t.activation) : std::nullopt;
  if (got && format_iso(*got) == want) return;
  out.differences.push_back({"future.activation_datetime", t.activation.value_or(absent), want});
}

// A future tariff activating on a day after `as_of`; one without a readable
// activation never activates.
bool still_to_activate(const ShadowTariff& t, std::string_view as_of) {
  const auto at = t.activation ? parse_iso(*t.activation) : std::nullopt;
  return at && format_iso(*at).substr(0, 10) > as_of;
}

void check_active(TariffCheck& out, const MeterTariffFacts& f) {
  if (!f.active) return out.unknown.push_back("tariffs_active not synced (null in meter_shadows)");
  if (!f.in_force) return out.unknown.push_back("no customer tariff in force");
  compare_rates(out, "active", *f.active, *f.in_force);
}

void check_future(TariffCheck& out, const MeterTariffFacts& f, std::string_view as_of) {
  if (!f.future) return out.unknown.push_back("tariffs_future not synced (null in meter_shadows)");
  if (f.next) {
    compare_rates(out, "future", *f.future, *f.next);
    compare_activation(out, *f.future, *f.next);
    return;
  }
  if (!still_to_activate(*f.future, as_of)) return;
  if (!f.in_force) return;  // already unknown from the active check
  compare_rates(out, "future", *f.future, *f.in_force);
}

void check_prepayment(TariffCheck& out, const MeterTariffFacts& f) {
  if (!f.active) return;  // already unknown from the active check
  if (!f.microgrid) return out.unknown.push_back("no microgrid tariff in force for the ESCO");
  const ExpectedPrepayment& m = *f.microgrid;
  compare_amount(out, "active.prepayment_emergency_credit", f.active->emergency_credit, m.emergency_credit);
  compare_amount(out, "active.prepayment_ecredit_availability", f.active->ecredit_availability, m.ecredit_threshold);
  compare_amount(out, "active.prepayment_debt_recovery_rate", f.active->debt_recovery_rate, m.debt_recovery_rate);
}

}  // namespace

std::string_view to_string(TariffCheckState s) {
  switch (s) {
    case TariffCheckState::matching: return "matching";
    case TariffCheckState::differs: return "differs";
    case TariffCheckState::unknown: return "unknown";
  }
  return "unknown";
}

bool same_amount(std::string_view a, std::string_view b) {
  const auto x = Decimal::parse(a), y = Decimal::parse(b);
  return x && y && *x == *y;
}

TariffCheck check_meter_tariffs(const MeterTariffFacts& f, std::string_view as_of) {
  TariffCheck out;
  out.meter_id = f.meter_id;
  out.serial = f.serial;
  out.esco = f.esco;
  out.customer = f.customer.value_or("");
  if (!f.has_shadow) {
    out.unknown.push_back("no meter_shadows row");
  } else {
    if (f.customer) {
      check_active(out, f);
      check_future(out, f, as_of);
    } else {
      out.unknown.push_back("no occupier on " + std::string(as_of));
    }
    check_prepayment(out, f);
  }
  out.state = !out.differences.empty() ? TariffCheckState::differs
              : !out.unknown.empty()   ? TariffCheckState::unknown
                                       : TariffCheckState::matching;
  return out;
}

}  // namespace flows::billing
