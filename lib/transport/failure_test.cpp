#include "transport/failure.hpp"

#include <doctest/doctest.h>

using namespace flows;
using namespace flows::transport;

TEST_CASE("response_failure: each rejected response as the failure a caller sees") {
  using emop::ResponseProblem;
  auto nak = response_failure({ResponseProblem::nak, emop::NakCode::unknown_object, "unknown object id"}, "127.0.0.1:8080");
  CHECK(nak.kind() == FailureKind::nak);
  CHECK(nak.nak() == emop::NakCode::unknown_object);
  CHECK(nak.code() == ExitCode::protocol);
  CHECK(std::string(nak.what()) == "127.0.0.1:8080 answered NAK 5 (unknown object id)");
  auto crc = response_failure({ResponseProblem::crc_mismatch, emop::NakCode::ok, {}}, "m");
  CHECK(crc.kind() == FailureKind::protocol);
  CHECK(std::string(crc.what()) == "CRC mismatch in the response from m");
  auto other = response_failure({ResponseProblem::mismatched, emop::NakCode::ok, {}}, "m");
  CHECK(std::string(other.what()) == "response from m answers a different request");
}

TEST_CASE("worth_retrying: everything but a NAK, except a NAK for a corrupted request") {
  CHECK(worth_retrying(MeterError(FailureKind::timeout, "t")));
  CHECK(worth_retrying(MeterError(FailureKind::unreachable, "u")));
  CHECK(worth_retrying(MeterError(FailureKind::protocol, "p")));
  CHECK(!worth_retrying(MeterError(FailureKind::nak, "n", emop::NakCode::security_not_granted)));
  CHECK(worth_retrying(MeterError(FailureKind::nak, "n", emop::NakCode::fcs_error)));
  CHECK(MeterError(FailureKind::timeout, "t").code() == ExitCode::unreachable);
}

TEST_CASE("worth_retrying: a delivered write is never sent again; a read is, and an undelivered write") {
  MeterError lost(FailureKind::timeout, "no answer");
  lost.set_delivered();
  CHECK(lost.delivered());
  CHECK(!worth_retrying(lost, true));  // the meter may have applied it
  CHECK(worth_retrying(lost, false));  // a read again is harmless
  CHECK(worth_retrying(MeterError(FailureKind::unreachable, "cannot connect"), true));  // never reached the meter
  const auto u = write_outcome_unknown(lost);
  CHECK(u.delivered());
  CHECK(u.kind() == FailureKind::timeout);
  CHECK(std::string(u.what()) == "no answer — the write reached the meter but its answer did not come back: "
                                 "it may or may not have been applied (it was not sent again)");
}
