#include "jobs/syncers.hpp"

#include <algorithm>

namespace flows::jobs {

bool is_three_phase(const std::string& hardware) { return hardware == "P1.ax" || hardware == "P1.cx"; }

bool take_new_events(const std::vector<emop::EventRecord>& block, const std::optional<MeterTime>& last_event,
                     std::vector<emop::EventRecord>& out) {
  bool reached_known = false;
  for (const auto& e : block) {
    if (last_event && e.timestamp <= *last_event) reached_known = true;
    else out.push_back(e);
  }
  return reached_known;
}

Task<std::vector<emop::EventRecord>> read_new_events(meter::Meter& m, std::optional<MeterTime> last_event) {
  // Newest block first; stop at the first block holding an event already stored.
  std::vector<emop::EventRecord> events;
  for (std::uint8_t block = 0; block <= emop::event_log_max_block; ++block) {
    const auto answer = co_await m.event_log(block);
    if (answer.empty() || take_new_events(answer, last_event, events)) break;
  }
  std::sort(events.begin(), events.end(),
            [](const emop::EventRecord& a, const emop::EventRecord& b) { return a.timestamp < b.timestamp; });
  co_return events;
}

Task<MeterSnapshot> sync_meter(meter::Meter& m, const std::set<std::string>& on, const SyncContext& ctx) {
  MeterSnapshot s;
  auto enabled = [&](std::string_view name) { return on.count(std::string(name)) > 0; };

  std::string hardware = ctx.hardware;
  if (enabled("SyncerHardware") || hardware.empty()) {
    hardware = co_await m.hardware();
    if (enabled("SyncerHardware")) s.hardware = hardware;
  }
  const bool three_phase = is_three_phase(hardware);

  if (enabled("SyncerCsq")) s.csq = (co_await m.csq()).csq;
  if (enabled("SyncerVoltage")) {
    if (three_phase) s.voltage_3p = co_await m.three_phase_instantaneous_voltage();
    else s.voltage = co_await m.instantaneous_voltage();
  }
  if (enabled("SyncerPrepayBalance")) s.balance = co_await m.prepay_balance();
  if (enabled("SyncerPrepayEnabled")) s.prepay_enabled = co_await m.flag("prepay_enabled_flag");
  if (enabled("SyncerDaylightSavingsEnabled")) s.dst = co_await m.flag("daylight_savings_correction_flag");
  if (enabled("SyncerBacklight")) s.backlight = co_await m.backlight(emop::meter_phases(hardware));
  if (enabled("SyncerLoadSwitch")) s.load_switch = co_await m.load_switch();
  if (enabled("SyncerFirmwareVersion")) s.firmware = co_await m.firmware_version();
  // No co_await inside ?: — GCC 12 miscompiles it (the wrong branch's request is sent).
  if (enabled("SyncerSerial")) {
    if (three_phase) s.serial = co_await m.three_phase_serial();
    else s.serial = co_await m.serial();
  }
  if (enabled("SyncerReads")) {
    if (three_phase) {
      s.three_phase = co_await m.three_phase_read(emop::energy_unit(hardware));
    } else {
      s.element_a = co_await m.read_element(meter::Element::a);
      if (hardware == "C1.w") s.element_b = co_await m.read_element(meter::Element::b);
    }
  }
  if (enabled("SyncerClockDiff")) {
    bool dst;
    if (s.dst) dst = *s.dst;
    else dst = co_await m.flag("daylight_savings_correction_flag");
    auto clock = co_await m.clock();
    s.clock_diff_seconds = (to_utc(clock.time, dst ? ClockKind::uk_local : ClockKind::utc) - ctx.now).count();
  }
  if (enabled("SyncerTariffsActive")) s.tariffs_active = co_await m.tariffs_active();
  if (enabled("SyncerTariffsFuture")) s.tariffs_future = co_await m.tariffs_future();
  if (enabled("SyncerEventLog")) s.events = co_await read_new_events(m, ctx.last_event);
  co_return s;
}

}  // namespace flows::jobs
