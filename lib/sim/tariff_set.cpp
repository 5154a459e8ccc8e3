#include "sim/tariff_set.hpp"

#include <array>
#include <string>

#include "core/error.hpp"

namespace flows::sim {
namespace {

struct MoneyField {
  const char* key;
  Money TariffSet::*field;
};
constexpr std::array<MoneyField, 10> money_fields{{
    {"standing_charge", &TariffSet::standing_charge},
    {"unit_rate_a", &TariffSet::unit_rate_a},
    {"element_b_rate_1", &TariffSet::element_b_rate_1},
    {"element_b_rate_2", &TariffSet::element_b_rate_2},
    {"element_b_rate_3", &TariffSet::element_b_rate_3},
    {"element_b_rate_4", &TariffSet::element_b_rate_4},
    {"emergency_credit", &TariffSet::emergency_credit},
    {"ecredit_availability", &TariffSet::ecredit_availability},
    {"debt_recovery_rate", &TariffSet::debt_recovery_rate},
    {"gas", &TariffSet::gas},
}};

[[noreturn]] void fail(std::string_view source, const std::string& msg) {
  throw config_error(std::string(source) + ": tariff: " + msg);
}

}  // namespace

TariffSet initial_tariff(const MeterSpec& s) {
  TariffSet t;
  t.standing_charge = s.standing_charge;
  t.unit_rate_a = s.unit_rate;
  t.element_b_rate_1 = s.unit_rate;
  t.emergency_credit = s.emergency_credit;
  t.ecredit_availability = s.ecredit_availability;
  t.debt_recovery_rate = s.debt_recovery_rate;
  return t;
}

YAML::Node tariff_to_yaml(const TariffSet& t) {
  YAML::Node n;
  for (auto& f : money_fields) n[f.key] = (t.*f.field).to_string();
  n["tou_flag"] = static_cast<int>(t.tou_flag);
  n["threshold_mask"] = static_cast<int>(t.threshold_mask);
  YAML::Node values(YAML::NodeType::Sequence);
  values.SetStyle(YAML::EmitterStyle::Flow);
  for (auto v : t.threshold_values) values.push_back(static_cast<int>(v));
  n["threshold_values"] = values;
  return n;
}

TariffSet tariff_from_yaml(const YAML::Node& n, std::string_view source) {
  if (!n.IsMap()) fail(source, "expected a mapping");
  TariffSet t;
  try {
    for (auto& f : money_fields) {
      if (!n[f.key]) fail(source, std::string("missing ") + f.key);
      auto m = Money::parse(n[f.key].as<std::string>());
      if (!m || *m < Money{}) fail(source, std::string("bad amount for ") + f.key);
      t.*f.field = *m;
    }
    t.tou_flag = static_cast<std::uint8_t>(n["tou_flag"].as<int>());
    t.threshold_mask = static_cast<std::uint8_t>(n["threshold_mask"].as<int>());
    const YAML::Node v = n["threshold_values"];
    if (!v.IsSequence() || v.size() != t.threshold_values.size()) fail(source, "threshold_values needs 7 numbers");
    for (std::size_t i = 0; i < t.threshold_values.size(); ++i)
      t.threshold_values[i] = static_cast<std::uint16_t>(v[i].as<int>());
  } catch (const YAML::Exception& e) {
    fail(source, e.what());
  }
  return t;
}

}  // namespace flows::sim
