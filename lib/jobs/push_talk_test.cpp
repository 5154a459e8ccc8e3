// The pushes' meter-talking halves over a simulated meter in process, faults
// included: what they report equals what the simulated meter did.
#include <doctest/doctest.h>

#include "jobs/push_clock.hpp"
#include "jobs/push_tariffs.hpp"
#include "jobs/push_tokens.hpp"
#include "jobs/sim_bench.hpp"
#include "sim/token.hpp"

using namespace flows;
using jobs::Resolution;
using jobs::test::SimBench;

namespace {
Money pounds(const char* text) { return *Money::parse(text); }
}  // namespace

TEST_CASE("token push over a simulated meter: sent, credited once, judged completed") {
  SimBench b;
  const auto token = sim::make_token(pounds("10"), 7);
  const auto before = run_blocking(jobs::read_balance_and_count(b.meter));
  CHECK(before.balance == b.sim.balance());
  CHECK(before.count == 0);
  const auto sent = run_blocking(jobs::send_and_read(b.meter, token));
  CHECK(!sent.refused);
  CHECK(sent.after.count == 1);
  CHECK(sent.after.balance == before.balance + pounds("10"));
  CHECK(sent.after.balance == b.sim.balance());
  CHECK(jobs::judge_send(pounds("10"), before.balance, sent.after.balance, before.count, sent.after.count).completed);

  // The same token again: refused as already used, nothing credited, no read.
  const int requests = b.transport.requests();
  const auto again = run_blocking(jobs::send_and_read(b.meter, token));
  REQUIRE(again.refused);
  CHECK(*again.refused == emop::NakCode::security_not_granted);
  CHECK(b.transport.requests() == requests + 1);
  CHECK(b.sim.tokens_accepted() == 1);
  CHECK(b.sim.balance() == sent.after.balance);
}

TEST_CASE("token push over a simulated meter: a token breaking the check rule is refused as a format error") {
  SimBench b;
  auto token = sim::make_token(pounds("10"), 7);
  token[0] = token[0] == '9' ? '0' : char(token[0] + 1);
  const auto r = run_blocking(jobs::send_and_read(b.meter, token));
  REQUIRE(r.refused);
  CHECK(*r.refused == emop::NakCode::format_error);
  CHECK(b.sim.transaction_count() == 0);
}

TEST_CASE("token push over a simulated meter: a broken answer is a meter failure, not a refusal") {
  SimBench b;
  sim::Faults f;
  f.garbage = true;
  b.transport.set_faults(f);
  CHECK_THROWS_AS(run_blocking(jobs::send_and_read(b.meter, sim::make_token(pounds("10"), 7))), transport::MeterError);
  f = {};
  f.silent = true;
  b.transport.set_faults(f);
  try {
    run_blocking(jobs::check_interrupted(b.meter, 0, pounds("10")));
    FAIL("a silent meter answered");
  } catch (const transport::MeterError& e) {
    CHECK(e.kind() == transport::FailureKind::timeout);
  }
}

TEST_CASE("interrupted token push checked on a simulated meter: every branch") {
  SimBench b;
  run_blocking(b.meter.send_token(sim::make_token(pounds("10"), 7)));  // count 0 -> 1, last credit £10

  // Claimed at count 0, the meter now at 1 with £10 last: it landed (3 requests: count, balance, details).
  int requests = b.transport.requests();
  auto c = run_blocking(jobs::check_interrupted(b.meter, 0, pounds("10")));
  CHECK(c.resolution.kind == Resolution::landed);
  CHECK(c.now.count == 1);
  CHECK(c.now.balance == b.sim.balance());
  CHECK(b.transport.requests() == requests + 3);

  // Claimed for £5 at count 0: count +1 but another amount.
  c = run_blocking(jobs::check_interrupted(b.meter, 0, pounds("5")));
  CHECK(c.resolution.kind == Resolution::failed);
  CHECK(c.resolution.detail.find("last credit is 10.00000, not 5.00000") != std::string::npos);

  // Claimed at count 1: unchanged, resend (2 requests: the details are not read),
  // even though the balance is higher than before the first token.
  requests = b.transport.requests();
  c = run_blocking(jobs::check_interrupted(b.meter, 1, pounds("10")));
  CHECK(c.resolution.kind == Resolution::resend);
  CHECK(b.transport.requests() == requests + 2);

  // A second token: claimed at 0, now 2: cannot tell.
  run_blocking(b.meter.send_token(sim::make_token(pounds("3"), 8)));
  c = run_blocking(jobs::check_interrupted(b.meter, 0, pounds("3")));
  CHECK(c.resolution.kind == Resolution::failed);
  CHECK(c.resolution.detail.find("moved by 2 (0 -> 2)") != std::string::npos);
}

TEST_CASE("clock push over a simulated meter: corrected over the threshold, left within it") {
  auto spec = jobs::test::flat_meter();
  spec.clock_offset_seconds = 300;
  SimBench b(spec);
  const std::function<UtcTime()> now = [&] { return b.now; };

  auto c = run_blocking(jobs::push_meter_clock(b.meter, "EML2137580761", 600, false, now));
  CHECK(c.action == "within_threshold");
  CHECK(c.ok);
  CHECK(c.drift_before == 300);
  CHECK(c.clock_before == "2024-03-02T12:05:00");

  c = run_blocking(jobs::push_meter_clock(b.meter, "EML2137580761", 60, true, now));
  CHECK(c.action == "would_correct");
  CHECK(c.detail == "drift 300 s is over 60 s");
  CHECK(b.sim.clock_error_seconds(b.now) == 300);

  c = run_blocking(jobs::push_meter_clock(b.meter, "EML2137580761", 60, false, now));
  CHECK(c.action == "corrected");
  CHECK(c.ok);
  CHECK(c.drift_after == 0);
  CHECK(c.clock_after == "2024-03-02T12:00:00");
  CHECK(c.detail == "drift 300 s -> 0 s");
  CHECK(b.sim.clock_error_seconds(b.now) == 0);
}

TEST_CASE("clock push over a simulated DST meter: set in UK local time") {
  auto spec = jobs::test::flat_meter();
  spec.dst = true;
  spec.clock_offset_seconds = -90;
  SimBench b(spec);
  b.now = *sim::parse_utc("2024-06-01T12:00:00Z");
  const std::function<UtcTime()> now = [&] { return b.now; };
  const auto c = run_blocking(jobs::push_meter_clock(b.meter, "EML2137580761", 60, false, now));
  CHECK(c.dst);
  CHECK(c.drift_before == -90);
  CHECK(c.clock_after == "2024-06-01T13:00:00");
  CHECK(c.drift_after == 0);
}

TEST_CASE("tariff push over a simulated meter: written once, then up to date") {
  SimBench b;
  jobs::PlannedTariff plan;
  plan.meter.id = "00000000-0000-0000-0000-000000000001";
  plan.meter.serial = "EML2137580761";
  plan.customer = "00000000-0000-0000-0000-0000000000c1";
  plan.period_start = "2024-04-01";
  plan.unit_rate = pounds("0.2798");
  plan.standing_charge = pounds("0.6556");
  plan.activation = *parse_iso("2024-04-01T00:00:00");

  auto dry = run_blocking(jobs::push_tariff_to_meter(b.meter, plan, true));
  CHECK(dry.result.action == "would_write");
  CHECK(!dry.record);
  CHECK(!b.sim.armed_activation());

  auto step = run_blocking(jobs::push_tariff_to_meter(b.meter, plan, false));
  CHECK(step.result.action == "written");
  CHECK(step.result.ok);
  CHECK(step.result.activation == "2024-04-01T00:00:00");
  REQUIRE(step.record);
  CHECK(step.record->outcome == "ok");
  CHECK(step.record->unit_rate == "0.27980");
  CHECK(step.record->activation == "2024-04-01T00:00:00");
  CHECK(!step.record->error);
  CHECK(b.sim.future_tariff().unit_rate_a == pounds("0.2798"));
  CHECK(b.sim.future_tariff().element_b_rate_1 == pounds("0.2798"));
  CHECK(b.sim.future_tariff().standing_charge == pounds("0.6556"));
  CHECK(b.sim.future_tariff().emergency_credit == b.sim.active_tariff().emergency_credit);  // kept
  CHECK(b.sim.armed_activation().has_value());

  auto again = run_blocking(jobs::push_tariff_to_meter(b.meter, plan, false));
  CHECK(again.result.action == "up_to_date");
  CHECK(!again.record);
}

TEST_CASE("tariff push over a simulated meter: an invalid tariff is not written, and recorded as failed") {
  SimBench b;
  jobs::PlannedTariff plan;
  plan.meter.serial = "EML2137580761";
  plan.unit_rate = pounds("24.50");
  plan.standing_charge = pounds("0.6556");
  plan.activation = *parse_iso("2024-04-01T00:00:00");
  const auto step = run_blocking(jobs::push_tariff_to_meter(b.meter, plan, false));
  CHECK(step.result.action == "error");
  CHECK(step.result.detail.rfind("not written: ", 0) == 0);
  REQUIRE(step.record);
  CHECK(step.record->outcome == "failed");
  CHECK(step.record->error == step.result.detail);
  CHECK(!step.write_failed);
  CHECK(!b.sim.armed_activation());
}

TEST_CASE("tariff push over a simulated meter: a failure of the reads before the write is thrown") {
  SimBench b;
  jobs::PlannedTariff plan;
  plan.unit_rate = pounds("0.2798");
  plan.standing_charge = pounds("0.6556");
  plan.activation = *parse_iso("2024-04-01T00:00:00");
  sim::Faults f;
  f.nak = emop::NakCode::security_not_granted;
  b.transport.set_faults(f);
  try {
    run_blocking(jobs::push_tariff_to_meter(b.meter, plan, false));
    FAIL("a NAK on the read was not thrown");
  } catch (const transport::MeterError& e) {
    CHECK(e.kind() == transport::FailureKind::nak);
  }
  CHECK(b.transport.requests() == 1);
  CHECK(!b.sim.armed_activation());
}
