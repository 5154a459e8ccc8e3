#pragma once
// What a sync reads from one meter: the syncers enabled in flows.meter_metrics for
// a frequency, run against the meter, into one snapshot that the database layer
// writes in a batch. No database here.
#include <array>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "meter/meter.hpp"

namespace flows::jobs {

// The names deployed in flows.meter_metrics.
inline constexpr std::array<std::string_view, 15> known_syncers{
    "SyncerVoltage",       "SyncerCsq",           "SyncerEventLog",          "SyncerPrepayBalance",
    "SyncerBacklight",     "SyncerLoadSwitch",    "SyncerFirmwareVersion",   "SyncerPrepayEnabled",
    "SyncerReads",         "SyncerDaylightSavingsEnabled", "SyncerSerial",   "SyncerHardware",
    "SyncerClockDiff",     "SyncerTariffsActive", "SyncerTariffsFuture"};

struct SyncContext {
  std::string hardware;                 // registry string, when known ("" = ask the meter)
  std::optional<MeterTime> last_event;  // newest event already stored; older ones are not read
  UtcTime now{};                        // the true time, for the clock difference
};

struct MeterSnapshot {
  std::optional<Money> balance;
  std::optional<int> csq;
  std::optional<emop::Voltage> voltage;
  std::optional<std::array<emop::Voltage, 3>> voltage_3p;
  std::optional<emop::ElementRegisters> element_a, element_b;
  std::optional<meter::ThreePhaseTotals> three_phase;
  std::optional<std::string> backlight, load_switch, firmware, hardware, serial;
  std::optional<bool> prepay_enabled, dst;
  std::optional<std::int64_t> clock_diff_seconds;  // meter ahead of true time: positive
  std::optional<meter::Tariff> tariffs_active, tariffs_future;
  std::vector<emop::EventRecord> events;  // new ones only, oldest first
};

bool is_three_phase(const std::string& hardware);

// The events of one event-log block newer than last_event (all when none is
// stored) appended to out; true when the block holds one already stored (older
// blocks need not be read).
bool take_new_events(const std::vector<emop::EventRecord>& block, const std::optional<MeterTime>& last_event,
                     std::vector<emop::EventRecord>& out);

// The meter's events newer than last_event, oldest first: blocks read newest
// first until one holds a stored event or is empty.
Task<std::vector<emop::EventRecord>> read_new_events(meter::Meter& m, std::optional<MeterTime> last_event);

// Runs the given syncers (unknown names are ignored by the caller's validation).
Task<MeterSnapshot> sync_meter(meter::Meter& m, const std::set<std::string>& syncers, const SyncContext& ctx);

}  // namespace flows::jobs
