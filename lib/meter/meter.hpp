#pragma once
// Typed meter operations: one per meter command, over any transport::Transport, returning
// values, not bytes. Objects are looked up by name in the object table given, so
// an operator's overrides apply.
#include <array>
#include <optional>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "transport/asio.hpp"

#include "core/emop_time.hpp"
#include "core/money.hpp"
#include "emop/object_table.hpp"
#include "emop/records.hpp"
#include "meter/tariff.hpp"
#include "transport/transport.hpp"

namespace flows::meter {

enum class Element { a, b };

// The six total registers as counted (raw), and the unit they count in: 0.1 Wh
// (varh, VAh) on CT-operated meters, Wh on whole-current ones.
struct ThreePhaseTotals {
  emop::EnergyUnit unit = emop::EnergyUnit::wh;
  std::uint32_t active_import = 0, active_export = 0;
  std::uint32_t reactive_import = 0, reactive_export = 0;
  std::uint32_t apparent_import = 0, apparent_export = 0;
  std::int64_t tenths(std::uint32_t raw) const { return emop::to_tenth_wh(raw, unit); }
};

// What `read` reads: the registers a meter kind has.
struct Reads {
  std::string hardware;                       // registry string
  std::optional<emop::ElementRegisters> a, b; // single: a; twin: a and b
  std::optional<ThreePhaseTotals> three_phase;
};

// Outcome of a future tariff write: the read-back and any mismatch.
struct TariffWriteResult {
  Tariff read_back;
  std::vector<std::string> mismatches;
};

// What a future tariff write cut off after `done` of `of` writes leaves: with
// nothing armed, a tariff that cannot activate; with a tariff armed for a later
// time, possibly that activation over mixed values.
std::string partial_tariff_write(std::size_t done, std::size_t of, std::optional<MeterTime> armed);

class Meter {
 public:
  Meter(transport::Transport& transport, const emop::ObjectTable& objects) : t_(transport), objects_(objects) {}

  // Raw access (obis_read / obis_write, and the typed calls below).
  Task<emop::Bytes> read(const emop::ObjectInfo& object);
  Task<emop::Bytes> read(std::string_view name);
  Task<void> write(const emop::ObjectInfo& object, emop::ByteView payload);
  Task<void> write(std::string_view name, emop::ByteView payload);

  Task<std::string> serial();
  Task<std::string> three_phase_serial();
  Task<std::string> hardware_raw();
  // Registry string: C1.w, B1.w, EMA1.w, SINGLE_PHASE_UNKNOWN, or P1.ax/P1.cx.
  Task<std::string> hardware();
  Task<emop::ThreePhaseConfig> three_phase_hardware_configuration();
  Task<std::string> firmware_version();
  Task<emop::Signal> csq();
  Task<emop::Voltage> instantaneous_voltage();
  Task<std::array<emop::Voltage, 3>> three_phase_instantaneous_voltage();
  Task<std::int32_t> instantaneous_active_power();
  Task<std::int32_t> instantaneous_active_power(Element e);
  Task<Money> prepay_balance();
  Task<std::uint16_t> prepay_transaction_count();
  Task<emop::TransactionDetails> prepay_transaction_details();
  Task<bool> flag(std::string_view name);
  Task<void> set_flag(std::string_view name, bool on);
  // The shared wire value is named for `phases`; when they are unknown, the
  // meter's hardware is read to name it (emop/records.hpp).
  Task<std::string> backlight(emop::MeterPhases phases = emop::MeterPhases::unknown);
  Task<void> set_backlight(std::string_view setting);
  Task<std::string> load_switch();
  Task<void> set_load_switch(std::string_view setting);
  Task<emop::ClockRecord> clock();
  Task<void> set_clock(MeterTime t);
  Task<void> send_token(std::string_view token);
  Task<emop::ElementRegisters> read_element(Element e);
  // Reads the hardware configuration first for the unit; the second form takes
  // a unit already known (from hardware()).
  Task<ThreePhaseTotals> three_phase_read();
  Task<ThreePhaseTotals> three_phase_read(emop::EnergyUnit unit);
  Task<Reads> read_all();
  Task<emop::Bytes> time_switches(Element e);
  Task<void> set_time_switches(Element e, emop::ByteView block80);
  Task<Tariff> tariffs_active();
  Task<Tariff> tariffs_future();
  // Validated first (throws Error(usage) before any byte is sent); written in the
  // public tool's order with the activation time last; then read back.
  Task<TariffWriteResult> write_future_tariff(const Tariff& t);
  Task<std::vector<emop::ProfileLog1Record>> profile_log_1(MeterTime from);
  Task<std::vector<emop::ProfileLog2Record>> profile_log_2(MeterTime from, bool twin);
  Task<std::vector<emop::EventRecord>> event_log(std::uint8_t block);

 private:
  template <class T>
  Task<T> read_as(std::string_view name, emop::RecordResult<T> (*decode)(emop::ByteView));
  Task<Money> money(std::string_view name);
  Task<TariffWriteResult> after_cut_write(const Tariff& t, const transport::MeterError& cut, std::size_t done,
                                          std::size_t of, std::optional<MeterTime> armed);

  transport::Transport& t_;
  const emop::ObjectTable& objects_;
};

}  // namespace flows::meter
