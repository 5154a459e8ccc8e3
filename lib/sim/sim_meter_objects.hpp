#pragma once
// Internal to the simulator: the objects a simulated meter answers, resolved by
// name from the object table in use (so operator overrides move them too).
#include <cstdint>
#include <vector>

#include "core/money.hpp"
#include "emop/data_field.hpp"
#include "emop/object_table.hpp"
#include "sim/tariff_set.hpp"

namespace flows::sim {

enum class Obj : std::uint8_t {
  time, serial, hardware_version, firmware_version, three_phase_serial, three_phase_config,
  prepay_balance, prepay_enabled, token_send, transaction_count, transaction_details,
  no_debt_recovery_flag, no_standing_charge_flag, dst_flag, backlight, load_switch,
  element_a, element_b, total_import, total_export,
  tp_active_import, tp_active_export, tp_reactive_import, tp_reactive_export, tp_apparent_import, tp_apparent_export,
  csq, voltage, voltage_l1, voltage_l2, voltage_l3, power, power_a, power_b,
  time_switch_a, time_switch_b,
  tariff_money, tariff_tou_flag, tariff_threshold_mask, tariff_threshold_values,
  tariff_index, tariff_price_a, tariff_price_b, activation_datetime,
  event_log,
};

struct Binding {
  emop::ObjectId id = 0;
  Obj obj = Obj::time;
  bool future = false;                     // tariff objects: the future set
  Money TariffSet::*money = nullptr;       // tariff_money: which amount
};

class ObjectIndex {
 public:
  explicit ObjectIndex(const emop::ObjectTable& table);
  const Binding* find(emop::ObjectId id) const;  // nullptr: not modelled
  emop::ObjectId event_log_id() const { return event_log_id_; }

 private:
  std::vector<Binding> bindings_;  // sorted by id
  emop::ObjectId event_log_id_ = 0;
};

}  // namespace flows::sim
