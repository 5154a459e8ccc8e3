// The typed meter API over the in-process transport: every value checked against
// the simulated meter's own state, no sockets.
#include "meter/meter.hpp"

#include <doctest/doctest.h>

#include "core/error.hpp"
#include "sim/in_process_transport.hpp"
#include "sim/token.hpp"
#include "transport/blocking.hpp"

using namespace flows;
using flows::transport::FailureKind;
using flows::transport::MeterError;

namespace {

const emop::ObjectTable& table() { return emop::ObjectTable::builtin(); }
UtcTime utc(const char* iso) { return *sim::parse_utc(iso); }
Money pounds(const char* text) { return *Money::parse(text); }

sim::MeterSpec spec_of(sim::MeterKind kind) {
  sim::MeterSpec s;
  s.serial = "EML2137580761";
  s.kind = kind;
  s.profile = sim::LoadShape::flat;
  s.mean_power_w = 437;
  s.unit_rate = pounds("0.24567");
  s.standing_charge = pounds("0.61234");
  s.initial_balance = pounds("20");
  s.csq = 21;
  s.installed_at = utc("2024-03-01T00:00:00Z");
  return s;
}

// A simulated meter, a clock the test moves, and the Meter API over them.
struct Bench {
  explicit Bench(sim::MeterKind kind = sim::MeterKind::single_b1w)
      : sim(spec_of(kind), table()), now(utc("2024-03-02T12:00:00Z")), transport(sim, [this] { return now; }),
        meter(transport, table()) {}
  sim::SimMeter sim;
  UtcTime now;
  sim::InProcessTransport transport;
  meter::Meter meter;
};

template <class T>
T run(Task<T> t) {
  return run_blocking(std::move(t));
}

FailureKind failure_of(Task<Money> t) {
  try {
    run(std::move(t));
  } catch (const MeterError& e) {
    return e.kind();
  }
  FAIL("no MeterError");
  return FailureKind::protocol;
}

}  // namespace

TEST_CASE("meter over the in-process transport: identity and readings") {
  Bench b;
  CHECK(run(b.meter.serial()) == "EML2137580761");
  CHECK(run(b.meter.hardware()) == "B1.w");
  CHECK(run(b.meter.firmware_version()) == "3_03_2");
  CHECK(run(b.meter.csq()).csq == 21);
  // 437 W flat for 36 h = 15 732 Wh on element A.
  CHECK(run(b.meter.read_element(meter::Element::a)).import_active_wh == 15732);
  CHECK(run(b.meter.prepay_balance()) == b.sim.balance());
  CHECK(run(b.meter.instantaneous_active_power()) == 437);
  // Every request went out as one frame, and reached the meter.
  CHECK(b.transport.requests() == 7);
  CHECK(b.transport.sent().size() == 7);
}

TEST_CASE("meter over the in-process transport: read_all follows the meter kind") {
  Bench twin(sim::MeterKind::twin_c1w);
  auto r = run(twin.meter.read_all());
  CHECK(r.hardware == "C1.w");
  CHECK(r.a.has_value());
  CHECK(r.b.has_value());
  CHECK(!r.three_phase.has_value());

  Bench three(sim::MeterKind::three_phase_ax);
  auto t = run(three.meter.read_all());
  CHECK(t.hardware == "P1.ax");
  REQUIRE(t.three_phase.has_value());
  CHECK(!t.a.has_value());
}

TEST_CASE("meter over the in-process transport: three-phase totals in the meter's unit") {
  // 437 W flat for 36 h = 15 732 Wh.
  Bench ax(sim::MeterKind::three_phase_ax);
  const auto a = run(ax.meter.three_phase_read());
  CHECK(a.unit == emop::EnergyUnit::wh);
  CHECK(a.active_import == 15732);
  CHECK(emop::format_kwh(a.tenths(a.active_import), a.unit) == "15.732");
  Bench cx(sim::MeterKind::three_phase_cx);
  const auto c = run(cx.meter.three_phase_read());
  CHECK(c.unit == emop::EnergyUnit::tenth_wh);
  CHECK(c.active_import == 157320);  // counted in 0.1 Wh
  CHECK(emop::format_kwh(c.tenths(c.active_import), c.unit) == "15.7320");
  CHECK(emop::floor_wh(c.tenths(c.active_import)) == 15732);
  CHECK(run(cx.meter.read_all()).three_phase->unit == emop::EnergyUnit::tenth_wh);
}

TEST_CASE("meter over the in-process transport: the backlight's shared value named by the meter's kind") {
  Bench sp;
  CHECK(run(sp.meter.backlight()) == "normal_sp");  // the hardware is read to name it
  Bench ax(sim::MeterKind::three_phase_ax);
  run_blocking(ax.meter.set_backlight("always_off_3p"));
  CHECK(run(ax.meter.backlight()) == "always_off_3p");
  CHECK(run(ax.meter.backlight(emop::MeterPhases::three)) == "always_off_3p");
  CHECK(run(ax.meter.read("backlight")) == emop::Bytes{0});  // one wire value with normal_sp
  run_blocking(ax.meter.set_backlight("always_on_3p"));
  CHECK(run(ax.meter.backlight()) == "always_on_3p");
}

TEST_CASE("meter over the in-process transport: the active tariff's thresholds and indices") {
  Bench b;
  // The active tariff is read-only: set them in the future tariff and let it activate.
  const emop::Bytes mask{0x05};  // rates 1 and 3
  run_blocking(b.meter.write("tariff_future_threshold_mask", mask));
  run_blocking(b.meter.write("tariff_future_threshold_values", emop::encode_threshold_values({100, 300, 0, 0, 0, 0, 65535})));
  run_blocking(b.meter.write("tariff_future_activation_datetime", *emop::encode_emop_timestamp(*parse_iso("2024-03-02T12:01:00"))));
  b.now += std::chrono::minutes(2);
  const auto t = run(b.meter.tariffs_active());
  REQUIRE(t.state);
  CHECK(t.state->threshold_mask == 0x05);
  CHECK(t.state->threshold_values[1] == 300);
  const auto j = meter::tariff_json(t);
  CHECK(j["threshold_mask"]["rate1"] == true);
  CHECK(j["threshold_mask"]["rate2"] == false);
  CHECK(j["threshold_mask"]["rate3"] == true);
  CHECK(j["threshold_mask"].size() == 8);
  CHECK(j["threshold_values"]["th2"] == 300);
  CHECK(j["threshold_values"]["th7"] == 65535);
  CHECK(j["block_rate"] == 0);
  CHECK(j["element_b_tou_rate"] == 0);
  CHECK(j["unit_rate_element_a"] == "0.24567");  // money as an exact string
  CHECK(j["standing_charge"] == "0.61234");
  CHECK(!run(b.meter.tariffs_future()).state);
}

TEST_CASE("future tariff write over an armed one: the field tool's eleven writes, activation last, nothing else") {
  Bench b;
  meter::Tariff t;
  t.standing_charge = pounds("0.6556");
  t.unit_rate_a = t.unit_rate_b = pounds("0.2798");
  t.emergency_credit = meter::default_emergency_credit;
  t.ecredit_availability = meter::default_ecredit_availability;
  t.debt_recovery_rate = meter::default_debt_recovery_rate;
  t.activation = *parse_iso("2024-04-01T00:00:00");
  run(b.meter.write_future_tariff(t));  // now one is armed
  const auto before = b.transport.sent().size();
  t.unit_rate_a = t.unit_rate_b = pounds("0.3");
  t.activation = *parse_iso("2024-05-01T00:00:00");
  CHECK(run(b.meter.write_future_tariff(t)).mismatches.empty());
  std::vector<std::pair<emop::ObjectId, std::string>> writes;  // object, payload hex
  for (std::size_t i = before; i < b.transport.sent().size(); ++i) {
    auto f = emop::decode_frame(b.transport.sent()[i]);
    REQUIRE(f);
    auto d = emop::decode_data_field(f->data);
    REQUIRE(d);
    if (d->write.value_or(false)) writes.emplace_back(*d->object_id, emop::to_hex(d->payload));
  }
  REQUIRE(writes.size() == 11);
  CHECK(writes.back().first == 0xFFFF24);  // the activation, last and only once
  for (std::size_t i = 0; i + 1 < writes.size(); ++i) CHECK(writes[i].first != 0xFFFF24);
  CHECK(writes.back().second == emop::to_hex(*emop::encode_emop_timestamp(*t.activation)));
}

TEST_CASE("a cut-off future tariff write says what the meter is left with") {
  const auto none = meter::partial_tariff_write(4, 11, std::nullopt);
  CHECK(none == "future tariff partly written (4 of 11 writes; the one cut off may or may not have reached the meter) "
                "and its new activation time not set, so it will not activate: run tariffs_future_write again");
  const auto armed = meter::partial_tariff_write(4, 11, *parse_iso("2031-01-01T00:00:00"));
  CHECK(armed.find("the tariff armed for 2031-01-01T00:00:00 may now hold a mix of its old and the new values") != std::string::npos);
}

TEST_CASE("meter over the in-process transport: a token credits once, then is refused") {
  Bench b;
  const Money before = run(b.meter.prepay_balance());
  const auto token = sim::make_token(Money::from_pounds(10), 7);
  run_blocking(b.meter.send_token(token));
  CHECK(run(b.meter.prepay_balance()) == before + Money::from_pounds(10));
  CHECK(run(b.meter.prepay_transaction_count()) == 1);
  CHECK(b.sim.tokens_accepted() == 1);
  try {
    run_blocking(b.meter.send_token(token));
    FAIL("a used token was accepted");
  } catch (const MeterError& e) {
    CHECK(e.kind() == FailureKind::nak);
    CHECK(e.nak() == emop::NakCode::security_not_granted);
  }
  CHECK(run(b.meter.prepay_balance()) == before + Money::from_pounds(10));
}

TEST_CASE("meter over the in-process transport: the clock, set and read back") {
  Bench b;
  auto c = run(b.meter.clock());
  CHECK(format_iso(c.time) == "2024-03-02T12:00:00");
  run_blocking(b.meter.set_clock(*parse_iso("2024-03-02T12:05:00")));
  CHECK(b.sim.clock_error_seconds(b.now) == 300);
  b.now += std::chrono::seconds(60);
  CHECK(format_iso(run(b.meter.clock()).time) == "2024-03-02T12:06:00");
}

TEST_CASE("meter over the in-process transport: a future tariff written, armed and read back") {
  Bench b;
  meter::Tariff t;
  t.standing_charge = pounds("0.6556");
  t.unit_rate_a = pounds("0.2798");
  t.unit_rate_b = pounds("0.2798");
  t.emergency_credit = meter::default_emergency_credit;
  t.ecredit_availability = meter::default_ecredit_availability;
  t.debt_recovery_rate = meter::default_debt_recovery_rate;
  t.activation = *parse_iso("2024-04-01T00:00:00");
  auto r = run(b.meter.write_future_tariff(t));
  CHECK(r.mismatches.empty());
  CHECK(r.read_back == t);
  CHECK(b.sim.armed_activation().has_value());
  CHECK(b.sim.future_tariff().standing_charge == t.standing_charge);
  // Invalid input is refused before a byte goes out.
  const auto sent = b.transport.sent().size();
  t.unit_rate_a = pounds("24.50");
  CHECK_THROWS_AS(run(b.meter.write_future_tariff(t)), Error);
  CHECK(b.transport.sent().size() == sent);
}

TEST_CASE("meter over the in-process transport: profile log 1 from a time") {
  Bench b;
  auto records = run(b.meter.profile_log_1(*parse_iso("2024-03-02T00:00:00")));
  REQUIRE(records.size() == 5);
  CHECK(format_iso(records[0].timestamp) == "2024-03-02T00:00:00");
  CHECK(format_iso(records[4].timestamp) == "2024-03-02T02:00:00");
  // 437 W for 24 h = 10 488 Wh at midnight; 218.5 Wh more per half hour.
  CHECK(records[0].import_a_wh == 10488);
  CHECK(records[1].import_a_wh == 10706);
}

TEST_CASE("meter over the in-process transport: each injected fault is the failure a direct link reports") {
  Bench b;
  auto with = [&](auto set) {
    sim::Faults f;
    set(f);
    b.transport.set_faults(f);
    return failure_of(b.meter.prepay_balance());
  };
  CHECK(with([](sim::Faults& f) { f.nak = emop::NakCode::unknown_object; }) == FailureKind::nak);
  CHECK(with([](sim::Faults& f) { f.silent = true; }) == FailureKind::timeout);
  CHECK(with([](sim::Faults& f) { f.reset = true; }) == FailureKind::unreachable);
  CHECK(with([](sim::Faults& f) { f.bad_crc = true; }) == FailureKind::protocol);
  CHECK(with([](sim::Faults& f) { f.garbage = true; }) == FailureKind::protocol);
  CHECK(with([](sim::Faults& f) { f.refuse = true; }) == FailureKind::unreachable);
  b.transport.set_faults({});
  CHECK(run(b.meter.prepay_balance()) == b.sim.balance());
}
