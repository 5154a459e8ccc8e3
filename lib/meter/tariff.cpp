#include "meter/tariff.hpp"

namespace flows::meter {
namespace {

// 0.65560 -> "0.6556", 10.00000 -> "10.0": exact text, never a binary float.
nlohmann::json money_number(Money m) {
  std::string s = m.to_string();
  while (s.back() == '0' && s[s.size() - 2] != '.') s.pop_back();
  return s;
}

nlohmann::json state_json(nlohmann::json j, const TariffState& s) {
  nlohmann::json mask, values;
  for (int i = 0; i < 8; ++i) mask["rate" + std::to_string(i + 1)] = ((s.threshold_mask >> i) & 1) != 0;
  for (std::size_t i = 0; i < s.threshold_values.size(); ++i) values["th" + std::to_string(i + 1)] = s.threshold_values[i];
  j["threshold_mask"] = mask;
  j["threshold_values"] = values;
  j["block_rate"] = s.block_rate;
  j["element_b_tou_rate"] = s.element_b_tou_rate;
  return j;
}

void check(std::vector<std::string>& out, const char* name, Money v, Money max) {
  if (v < Money{} || v > max)
    out.push_back(std::string(name) + " " + v.to_string() + " is outside 0-" + max.to_string() +
                  " (amounts are in pounds, not pence)");
}

}  // namespace

std::vector<std::string> validate(const Tariff& t, const TariffLimits& l) {
  std::vector<std::string> out;
  check(out, "unit rate", t.unit_rate_a, l.max_unit_rate);
  if (t.unit_rate_b != t.unit_rate_a) check(out, "element B unit rate", t.unit_rate_b, l.max_unit_rate);
  check(out, "standing charge", t.standing_charge, l.max_standing_charge);
  check(out, "emergency credit", t.emergency_credit, l.max_emergency_credit);
  check(out, "e-credit availability", t.ecredit_availability, l.max_ecredit_availability);
  check(out, "debt recovery rate", t.debt_recovery_rate, l.max_debt_recovery_rate);
  return out;
}

nlohmann::json tariff_json(const Tariff& t) {
  nlohmann::json j{{"standing_charge", money_number(t.standing_charge)},
                   {"unit_rate_element_a", money_number(t.unit_rate_a)},
                   {"unit_rate_element_b", money_number(t.unit_rate_b)},
                   {"prepayment_ecredit_availability", money_number(t.ecredit_availability)},
                   {"prepayment_debt_recovery_rate", money_number(t.debt_recovery_rate)},
                   {"prepayment_emergency_credit", money_number(t.emergency_credit)}};
  if (t.activation) j["activation_datetime"] = format_iso(*t.activation);
  if (t.state) j = state_json(std::move(j), *t.state);
  return j;
}

std::vector<std::string> differences(const Tariff& w, const Tariff& g) {
  std::vector<std::string> out;
  auto cmp = [&](const char* name, Money a, Money b) {
    if (a != b) out.push_back(std::string(name) + ": wrote " + a.to_string() + ", meter has " + b.to_string());
  };
  cmp("standing_charge", w.standing_charge, g.standing_charge);
  cmp("unit_rate_element_a", w.unit_rate_a, g.unit_rate_a);
  cmp("unit_rate_element_b", w.unit_rate_b, g.unit_rate_b);
  cmp("prepayment_emergency_credit", w.emergency_credit, g.emergency_credit);
  cmp("prepayment_ecredit_availability", w.ecredit_availability, g.ecredit_availability);
  cmp("prepayment_debt_recovery_rate", w.debt_recovery_rate, g.debt_recovery_rate);
  if (w.activation != g.activation)
    out.push_back("activation_datetime: wrote " + (w.activation ? format_iso(*w.activation) : "-") + ", meter has " +
                  (g.activation ? format_iso(*g.activation) : "-"));
  return out;
}

std::string describe(const Tariff& t) {
  return "activation " + (t.activation ? format_iso(*t.activation) : std::string("-")) + ", unit rate " +
         money_number(t.unit_rate_a).get<std::string>() + ", standing charge " +
         money_number(t.standing_charge).get<std::string>();
}

}  // namespace flows::meter
