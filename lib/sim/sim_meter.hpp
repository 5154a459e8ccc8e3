#pragma once
// One simulated Emlite meter: its real state evolving with time, and its answers
// to EMOP requests. Pure: no I/O, no sockets, no threads, no reading of the
// system clock; the caller (emlite-sim, tests) passes every instant in.
//
// Time. All instants are UTC (UtcTime). The meter's own clock reads
//   from_utc(now + clock error, dst ? uk_local : utc)
// where the clock error is clock_offset_seconds (at installation, or what a clock
// write set) plus clock_drift_seconds_per_day × days since then (floored). State
// never goes backwards: an earlier `now` than the last one is treated as the last.
//
// Energy. Registers follow the LoadModel (load_profile.hpp) exactly, in W·s;
// a register in Wh is the floor of W·s / 3600, so the remainder carries. The
// supply is never disconnected (balance may fall without limit).
//
// Prepay. While prepay is enabled the balance falls with element A import × the
// active element A rate, element B import × the active element B rate (TOU rate 1),
// and the standing charge accrued per second (standing charge × seconds / 86400).
// Both are charged exactly in £0.00001 units with the sub-unit remainder carried,
// so the balance does not depend on how often the meter is advanced. Export is not
// credited; debt recovery and emergency credit are stored, not applied. While
// prepay is disabled nothing is charged. Enabling prepay with a balance under
// £10.00 is allowed (the client refuses it, not the meter).
//
// Tokens (token.hpp for the rule). A valid token is accepted once: the balance rises
// by its amount, monetary_info_transaction_count increments and
// monetary_info_transaction_details holds it (8 zero bytes, meter-clock time,
// amount). Refusals, with no credit:
//   wrong length                          NAK length_incorrect
//   not digits / fails the check / class  NAK format_error
//   already accepted by this meter        NAK security_not_granted
//   would overflow the balance register   NAK format_error
//
// Tariffs. Active and future sets; every tariff object in the object table is
// readable, the future ones (and the activation datetime) writable. Only writing
// tariff_future_activation_datetime arms the future tariff; when the meter's clock
// first reads that time or later (UK local on a DST meter) the future set is
// copied to active, the tariff is disarmed and a tariff event logged. An
// activation time already passed activates at once.
//
// Profile logs. One record per UTC half-hour boundary since installation (the
// newest profile_retention_days kept), holding the cumulative registers at that
// boundary, status valid, stamped with that instant read on a correct clock of
// the meter's kind (so a DST meter repeats/skips local stamps at the BST changes,
// as from_utc does). Simplifications: clock offset and drift do not shift the
// stamps, and toggling DST correction restamps the whole history. A request for
// T answers the available records from the first (in real order) whose stamp is
// at or after T: 5 for log 1, 3 (2 on twin meters) for log 2, zero-padded to 80
// bytes; none once T is past the newest boundary.
//
// Event log: at most 100 events, oldest dropped. Block 0 holds the newest ten,
// block 9 the oldest; records inside a block are oldest first; a block is padded
// with empty (zero) records to 80 bytes. Event types (meter-event-types.csv):
// see event_type below.
//
// Requests. handle() answers the data field of one request frame:
//   read   → 01 id 00 value                (echo of id and rw flag)
//   write  → 01 id 01                      (empty payload)
//   NAK    → the request's header echoed (01 id rw / 03|04 ts / 02 id block) with
//            no payload; empty when the data field could not be decoded.
// NAK codes: undecodable or unknown format, bad rw flag, bad content → format_error;
// wrong size (including a payload on a read) → length_incorrect; an id not in the
// object table, an object this kind of meter does not have (three_phase_* on
// single phase; serial, element_a/b and element power on three phase) or that the
// simulator does not model (instantaneous_current, frequency, averages …) →
// unknown_object; writing a read-only object or reading prepay_token_send →
// security_not_granted. Element B objects on single-element meters read zero.
#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "core/emop_time.hpp"
#include "core/money.hpp"
#include "emop/bytes.hpp"
#include "emop/frame.hpp"
#include "emop/object_table.hpp"
#include "emop/records.hpp"
#include "sim/load_profile.hpp"
#include "sim/meter_spec.hpp"
#include "sim/tariff_set.hpp"

namespace flows::sim {

struct Reply {
  emop::NakCode nak = emop::NakCode::ok;
  emop::Bytes data;  // the response data field
};

namespace event_type {
inline constexpr std::uint16_t power_up = 33;          // EVENT_POWER_UP: installation
inline constexpr std::uint16_t token_accepted = 15;    // BM_SPAD_1_WRITE: credit written to the meter
inline constexpr std::uint16_t tariff_activated = 39;  // BILLING_LOG_SNAPSHOT: taken at a tariff change
inline constexpr std::uint16_t clock_set = 25;         // NON_LEGAL_TIME: the clock was stepped
}  // namespace event_type

inline constexpr std::size_t event_log_capacity = 100;
inline constexpr std::int64_t profile_retention_days = 120;

// Registers in Wh (floor of the exact W·s).
struct Registers {
  std::uint32_t import_a_wh = 0;
  std::uint32_t export_a_wh = 0;
  std::uint32_t import_b_wh = 0;
  std::uint32_t export_b_wh = 0;
  bool operator==(const Registers&) const = default;
};

class ObjectIndex;  // object ids resolved from the table (sim_meter_objects.cpp)

class SimMeter {
 public:
  // A meter as installed at spec.installed_at (power-up event logged). The object
  // table's ids are copied, so operator overrides apply and the table need not
  // outlive the meter.
  SimMeter(MeterSpec spec, const emop::ObjectTable& table);

  // Advances to `now`, then answers one request data field.
  Reply handle(emop::ByteView request_data_field, UtcTime now);
  // Runs time forward (energy, charges, tariff activation). Earlier instants are ignored.
  void advance(UtcTime now);

  // Everything needed to continue exactly where the meter is. Energy and profile
  // history are regenerated from the spec on load (and checked against the saved
  // registers). load() throws flows::Error(config) on a bad or mismatched state.
  YAML::Node save() const;
  static SimMeter load(const YAML::Node& state, const emop::ObjectTable& table);

  // --- inspection (tests, the server's logs)
  const MeterSpec& spec() const { return spec_; }
  const std::string& serial() const { return spec_.serial; }
  UtcTime now() const { return now_; }
  ClockKind clock_kind() const { return dst_ ? ClockKind::uk_local : ClockKind::utc; }
  std::int64_t clock_error_seconds(UtcTime at) const;
  MeterTime meter_time(UtcTime at) const;
  MeterTime meter_time() const { return meter_time(now_); }
  Money balance() const { return balance_; }
  bool prepay_enabled() const { return prepay_enabled_; }
  Energy energy() const { return energy_; }  // cumulative W·s since installation
  Registers registers() const;
  // What this meter's energy registers count for so many watt-seconds: Wh, or
  // 0.1 Wh on a CT-operated three-phase meter (P1.cx), as real ones do.
  std::uint32_t register_count(std::int64_t watt_seconds) const;
  Power power() const;  // W at now()
  std::uint16_t voltage_decivolts(int phase = 0) const;
  std::uint16_t transaction_count() const { return transaction_count_; }
  std::size_t tokens_accepted() const { return tokens_.size(); }
  const emop::TransactionDetails& last_transaction() const { return last_transaction_; }
  const TariffSet& active_tariff() const { return active_; }
  const TariffSet& future_tariff() const { return future_; }
  std::optional<std::uint32_t> armed_activation() const;  // EMOP seconds, while armed
  const std::vector<emop::EventRecord>& events() const { return events_; }  // oldest first
  UtcTime history_start() const;  // the oldest profile-log boundary kept

  std::vector<emop::ProfileLog1Record> profile_log_1(std::uint32_t from_emop_seconds) const;
  std::vector<emop::ProfileLog2Record> profile_log_2(std::uint32_t from_emop_seconds) const;
  std::vector<emop::EventRecord> event_block(std::uint8_t block) const;

  // --- server hooks (signal changes are injected, not modelled)
  void set_signal(emop::Signal s) { signal_ = s; }

 private:
  friend class MeterObjects;

  void run_to(UtcTime t, bool charge);
  void charge(const Energy& used, std::int64_t seconds);
  std::optional<UtcTime> activation_instant(UtcTime from, UtcTime to) const;
  void activate_future();
  void add_event(std::uint16_t type);
  Energy energy_at(UtcTime t) const;  // t within [history_start's checkpoint, now]
  std::optional<std::int64_t> first_record(std::uint32_t from_emop_seconds) const;
  void set_clock(MeterTime reading);

  MeterSpec spec_;
  std::shared_ptr<const ObjectIndex> objects_;
  LoadModel model_;
  UtcTime now_;
  Energy energy_;
  std::deque<std::pair<UtcTime, Energy>> checkpoints_;  // cumulative energy at UTC midnights

  std::int64_t clock_offset_ = 0;  // seconds, at drift_ref_
  UtcTime drift_ref_;
  bool dst_ = false;
  emop::Signal signal_;

  bool prepay_enabled_ = true;
  Money balance_;
  std::int64_t usage_carry_ = 0;     // W·s × units-per-kWh not yet charged (< 3 600 000)
  std::int64_t standing_carry_ = 0;  // seconds × units-per-day not yet charged (< 86 400)
  std::uint16_t transaction_count_ = 0;
  emop::TransactionDetails last_transaction_;
  std::set<std::string> tokens_;
  bool no_debt_recovery_in_emergency_ = false;
  bool no_standing_charge_in_power_fail_ = false;

  std::uint8_t backlight_ = 0;
  std::uint8_t load_switch_ = 0;
  std::array<std::uint8_t, 80> time_switch_a_{};
  std::array<std::uint8_t, 80> time_switch_b_{};

  TariffSet active_;
  TariffSet future_;
  std::uint32_t activation_ = 0;  // EMOP seconds as written (0 until written)
  bool armed_ = false;

  std::vector<emop::EventRecord> events_;
};

}  // namespace flows::sim
