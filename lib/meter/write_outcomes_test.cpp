// What the answers to a meter write mean, with real values.
#include "meter/write_outcomes.hpp"

#include <doctest/doctest.h>

using namespace flows;

TEST_CASE("prepay on: refused under £10, allowed from £10") {
  CHECK(meter::prepay_enable_refusal(*Money::parse("9.99999")) ==
        std::optional<std::string>("balance 9.99999 is under 10.00000 (nothing was written)"));
  CHECK(meter::prepay_enable_refusal(Money::from_units(-250000)) ==
        std::optional<std::string>("balance -2.50000 is under 10.00000 (nothing was written)"));
  CHECK(!meter::prepay_enable_refusal(Money::from_pounds(10)));
  CHECK(!meter::prepay_enable_refusal(*Money::parse("250.00")));
}

TEST_CASE("token send: a NAK is a refusal; a lost answer may have delivered the token") {
  const transport::MeterError nak(transport::FailureKind::nak, "NAK security level not granted",
                                  emop::NakCode::security_not_granted);
  const auto refused = meter::token_send_failure(nak);
  CHECK(std::string(refused.what()) ==
        "the meter refused the token (already used, or not for this meter): NAK security level not granted");
  CHECK(refused.kind() == transport::FailureKind::nak);
  CHECK(refused.nak() == emop::NakCode::security_not_granted);
  CHECK(refused.code() == ExitCode::protocol);

  const transport::MeterError lost(transport::FailureKind::timeout, "no answer from 10.0.0.7:8080 within 10 s");
  const auto maybe = meter::token_send_failure(lost);
  CHECK(std::string(maybe.what()) ==
        "no answer from 10.0.0.7:8080 within 10 s — the token may or may not have reached the meter; read "
        "prepay_balance before sending it again");
  CHECK(maybe.kind() == transport::FailureKind::timeout);
  CHECK(maybe.code() == ExitCode::unreachable);

  const transport::MeterError garbled(transport::FailureKind::protocol, "response to another object");
  CHECK(meter::token_send_failure(garbled).kind() == transport::FailureKind::protocol);
}

TEST_CASE("future tariff read-back: every difference named, none when equal") {
  CHECK(!meter::tariff_read_back_failure({}));
  CHECK(meter::tariff_read_back_failure({"unit_rate_a wrote 0.27980 read 0.27000"}) ==
        std::optional<std::string>("future tariff read back differs: unit_rate_a wrote 0.27980 read 0.27000"));
  CHECK(meter::tariff_read_back_failure({"a", "b", "c"}) ==
        std::optional<std::string>("future tariff read back differs: a; b; c"));
}

TEST_CASE("a token delivered but not answered, judged from the meter afterwards") {
  const Money b = *Money::parse("12.00");
  CHECK(meter::token_outcome(41, 42, b, *Money::parse("22.00")) == meter::TokenOutcome::landed);
  CHECK(meter::token_outcome(65535, 0, b, *Money::parse("22.00")) == meter::TokenOutcome::landed);  // 16-bit wrap
  CHECK(meter::token_outcome(41, 41, b, *Money::parse("11.99")) == meter::TokenOutcome::not_landed);
  CHECK(meter::token_outcome(41, 42, b, *Money::parse("11.99")) == meter::TokenOutcome::unknown);  // counted, no credit
  CHECK(meter::token_outcome(41, 43, b, *Money::parse("32.00")) == meter::TokenOutcome::unknown);  // two transactions
  CHECK(meter::token_outcome(41, 40, b, b) == meter::TokenOutcome::unknown);                       // backwards
}
