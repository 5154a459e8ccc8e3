// SimMeter save/load: the state a restart must keep. Energy and profile history
// are not stored as history; they are regenerated from the spec (the load model is
// a pure function of seed and time) and checked against the saved totals.
#include <string>

#include "core/error.hpp"
#include "sim/sim_meter.hpp"

namespace flows::sim {
namespace {

constexpr int model_version = 1;

[[noreturn]] void fail(const std::string& serial, const std::string& msg) {
  throw config_error("meter state" + (serial.empty() ? std::string() : " of " + serial) + ": " + msg);
}

YAML::Node energy_node(const Energy& e) {
  YAML::Node n;
  n["import_a"] = e.import_a;
  n["export_a"] = e.export_a;
  n["import_b"] = e.import_b;
  n["export_b"] = e.export_b;
  return n;
}

Money money_of(const YAML::Node& n, const std::string& serial, const char* what) {
  auto m = Money::parse(n.as<std::string>());
  if (!m) fail(serial, std::string("bad amount for ") + what);
  return *m;
}

template <std::size_t N>
void bytes_of(const YAML::Node& n, std::array<std::uint8_t, N>& out, const std::string& serial, const char* what) {
  auto b = emop::from_hex(n.as<std::string>());
  if (!b || b->size() != N) fail(serial, std::string(what) + " must be " + std::to_string(N) + " bytes of hex");
  std::copy(b->begin(), b->end(), out.begin());
}

}  // namespace

YAML::Node SimMeter::save() const {
  YAML::Node n;
  n["model_version"] = model_version;
  n["spec"] = spec_to_yaml(spec_);
  n["now"] = format_utc(now_);
  n["energy_ws"] = energy_node(energy_);

  YAML::Node clock;
  clock["offset_seconds"] = clock_offset_;
  clock["drift_reference"] = format_utc(drift_ref_);
  clock["dst"] = dst_;
  n["clock"] = clock;

  YAML::Node signal;
  signal["csq"] = static_cast<int>(signal_.csq);
  signal["network_operator"] = static_cast<int>(signal_.network_operator);
  n["signal"] = signal;

  YAML::Node prepay;
  prepay["enabled"] = prepay_enabled_;
  prepay["balance"] = balance_.to_string();
  prepay["usage_carry"] = usage_carry_;
  prepay["standing_carry"] = standing_carry_;
  prepay["transaction_count"] = static_cast<int>(transaction_count_);
  prepay["last_transaction_time"] = to_emop_seconds(last_transaction_.payment_time).value_or(0);
  prepay["last_transaction_value"] = last_transaction_.value.to_string();
  prepay["tokens"] = YAML::Node(YAML::NodeType::Sequence);
  for (const auto& t : tokens_) prepay["tokens"].push_back(t);
  prepay["no_debt_recovery_when_emergency_credit"] = no_debt_recovery_in_emergency_;
  prepay["no_standing_charge_when_power_fail"] = no_standing_charge_in_power_fail_;
  n["prepay"] = prepay;

  YAML::Node settings;
  settings["backlight"] = static_cast<int>(backlight_);
  settings["load_switch"] = static_cast<int>(load_switch_);
  settings["time_switch_a"] = emop::to_hex(time_switch_a_);
  settings["time_switch_b"] = emop::to_hex(time_switch_b_);
  n["settings"] = settings;

  YAML::Node tariffs;
  tariffs["active"] = tariff_to_yaml(active_);
  tariffs["future"] = tariff_to_yaml(future_);
  tariffs["activation"] = activation_;
  tariffs["armed"] = armed_;
  n["tariffs"] = tariffs;

  n["events"] = YAML::Node(YAML::NodeType::Sequence);
  for (const auto& e : events_) {
    YAML::Node ev;
    ev.SetStyle(YAML::EmitterStyle::Flow);
    ev.push_back(to_emop_seconds(e.timestamp).value_or(0));
    ev.push_back(static_cast<int>(e.event_type));
    ev.push_back(static_cast<int>(e.event_set));
    n["events"].push_back(ev);
  }
  return n;
}

SimMeter SimMeter::load(const YAML::Node& n, const emop::ObjectTable& table) {
  if (!n.IsMap() || !n["spec"]) fail("", "expected a mapping with a spec");
  const MeterSpec spec = spec_from_yaml(n["spec"], "meter state");
  const std::string& serial = spec.serial;
  try {
    if (n["model_version"].as<int>() != model_version)
      fail(serial, "written by a different simulator model (version " + n["model_version"].as<std::string>() +
                       "); delete it to start the meter afresh");
    SimMeter m(spec, table);
    const auto now = parse_utc(n["now"].as<std::string>());
    if (!now || *now < spec.installed_at) fail(serial, "bad 'now'");
    m.run_to(*now, false);  // energy and checkpoints, without charging again
    const YAML::Node e = n["energy_ws"];
    const Energy saved{e["import_a"].as<std::int64_t>(), e["export_a"].as<std::int64_t>(),
                       e["import_b"].as<std::int64_t>(), e["export_b"].as<std::int64_t>()};
    if (!(saved == m.energy_))
      fail(serial, "saved registers do not match the load model (state from another simulator version?)");

    const YAML::Node clock = n["clock"];
    m.clock_offset_ = clock["offset_seconds"].as<std::int64_t>();
    const auto ref = parse_utc(clock["drift_reference"].as<std::string>());
    if (!ref) fail(serial, "bad clock drift_reference");
    m.drift_ref_ = *ref;
    m.dst_ = clock["dst"].as<bool>();

    const YAML::Node signal = n["signal"];
    m.signal_ = {static_cast<std::uint8_t>(signal["network_operator"].as<int>() & 0x07),
                 static_cast<std::uint8_t>(signal["csq"].as<int>() & 0x1F)};

    const YAML::Node prepay = n["prepay"];
    m.prepay_enabled_ = prepay["enabled"].as<bool>();
    m.balance_ = money_of(prepay["balance"], serial, "balance");
    m.usage_carry_ = prepay["usage_carry"].as<std::int64_t>();
    m.standing_carry_ = prepay["standing_carry"].as<std::int64_t>();
    if (m.usage_carry_ < 0 || m.usage_carry_ >= 3'600'000 || m.standing_carry_ < 0 || m.standing_carry_ >= 86'400)
      fail(serial, "charge carries out of range");
    m.transaction_count_ = prepay["transaction_count"].as<std::uint16_t>();
    m.last_transaction_ = {{}, from_emop_seconds(prepay["last_transaction_time"].as<std::uint32_t>()),
                           money_of(prepay["last_transaction_value"], serial, "last_transaction_value")};
    m.tokens_.clear();
    for (const auto& t : prepay["tokens"]) m.tokens_.insert(t.as<std::string>());
    m.no_debt_recovery_in_emergency_ = prepay["no_debt_recovery_when_emergency_credit"].as<bool>();
    m.no_standing_charge_in_power_fail_ = prepay["no_standing_charge_when_power_fail"].as<bool>();

    const YAML::Node settings = n["settings"];
    m.backlight_ = static_cast<std::uint8_t>(settings["backlight"].as<int>());
    if (m.backlight_ == 5) m.backlight_ = 0;  // state saved before always_off_3p shared normal_sp's value
    m.load_switch_ = static_cast<std::uint8_t>(settings["load_switch"].as<int>());
    bytes_of(settings["time_switch_a"], m.time_switch_a_, serial, "time_switch_a");
    bytes_of(settings["time_switch_b"], m.time_switch_b_, serial, "time_switch_b");

    const YAML::Node tariffs = n["tariffs"];
    const std::string where = "meter state of " + serial;
    m.active_ = tariff_from_yaml(tariffs["active"], where);
    m.future_ = tariff_from_yaml(tariffs["future"], where);
    m.activation_ = tariffs["activation"].as<std::uint32_t>();
    m.armed_ = tariffs["armed"].as<bool>();

    m.events_.clear();
    for (const auto& ev : n["events"]) {
      if (!ev.IsSequence() || ev.size() != 3) fail(serial, "an event is [time, type, set]");
      m.events_.push_back({from_emop_seconds(ev[0].as<std::uint32_t>()), ev[1].as<std::uint16_t>(),
                           static_cast<std::uint8_t>(ev[2].as<int>())});
    }
    if (m.events_.size() > event_log_capacity) fail(serial, "more events than the log holds");
    return m;
  } catch (const YAML::Exception& e) {
    fail(serial, (e.mark.line >= 0 ? "line " + std::to_string(e.mark.line + 1) + ": " : std::string()) +
                     "missing or bad value (" + e.msg + ")");
  }
}

}  // namespace flows::sim
