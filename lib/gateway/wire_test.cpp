// The mediator wire's mapping, both ways, with the bytes deployed clients send.
#include "gateway/wire.hpp"

#include <doctest/doctest.h>

#include "core/error.hpp"
#include "emop/bytes.hpp"

using namespace flows;
using namespace flows::gateway;

namespace {
emop::Bytes hex(const char* h) { return *emop::from_hex(h); }
}  // namespace

TEST_CASE("wire: a default-format read goes as readElement, its reply is the payload only") {
  const auto request = hex("0160010000");  // read serial (0x600100)
  const auto call = call_for(request);
  CHECK(call.method == Method::read_element);
  CHECK(call.object_id == 0x600100);
  // The meter's response data field: format, id, flag, payload "EML1".
  const auto response = hex("01600100" "00" "454d4c31");
  CHECK(read_reply(response) == hex("454d4c31"));
  CHECK(response_data(request, call, read_reply(response)) == response);
}

TEST_CASE("wire: a write goes as writeElement with its payload; its empty reply rebuilds the echo") {
  const auto request = hex("01" "000400" "01" "0102");  // write 2 bytes to 0x000400
  const auto call = call_for(request);
  CHECK(call.method == Method::write_element);
  CHECK(call.object_id == 0x000400);
  CHECK(call.bytes == hex("0102"));
  CHECK(response_data(request, call, {}) == hex("0100040001"));
  CHECK(is_write_call(Method::write_element, {}));
}

TEST_CASE("wire: a profile-log request goes as sendRawMessage; the reply lacks the format byte") {
  const auto request = hex("0312345678");
  const auto call = call_for(request);
  CHECK(call.method == Method::send_raw_message);
  CHECK(call.bytes == request);
  const auto response = hex("03123456780a0b");
  CHECK(raw_reply(response) == hex("123456780a0b"));
  CHECK(response_data(request, call, raw_reply(response)) == response);
  CHECK_FALSE(is_write_call(Method::send_raw_message, request));
  CHECK(is_write_call(Method::send_raw_message, hex("0100040001ff")));
}

TEST_CASE("wire: object ids are 3 bytes") {
  CHECK(object_id_of(0x600100) == 0x600100u);
  CHECK(object_id_of(0xFFFFFF) == 0xFFFFFFu);
  CHECK_FALSE(object_id_of(0x1000000));
  CHECK_FALSE(object_id_of(-1));
}

TEST_CASE("wire: method names are the deployed ones") {
  CHECK(method_name(Method::send_raw_message) == "sendRawMessage");
  CHECK(method_name(Method::get_meters) == "GetMeters");
  CHECK(method_from_name("readElement") == Method::read_element);
  CHECK_FALSE(method_from_name("ReadElement"));
}

TEST_CASE("wire: the fixed refusals, verbatim") {
  CHECK(no_serial() == WireStatus{Code::invalid_argument, "Target meter serial not specified"});
  CHECK(unknown_meter("EML1") == WireStatus{Code::not_found, "Meter 'EML1' not known"});
  CHECK(meter_busy("EML1") == WireStatus{Code::resource_exhausted, "Meter EML1 is busy (timeout)"});
}

TEST_CASE("wire: meter failures keep the deployed prefixes and say the kind") {
  using transport::FailureKind;
  using transport::MeterError;
  CHECK(status_for_failure(MeterError(FailureKind::unreachable, "no route"), false) ==
        WireStatus{Code::internal, "failed to connect after retries"});
  CHECK(status_for_failure(MeterError(FailureKind::nak, "x", emop::NakCode(5)), true) ==
        WireStatus{Code::internal, "Meter communication failed: NAK 5"});
  CHECK(status_for_failure(MeterError(FailureKind::timeout, "x"), false) ==
        WireStatus{Code::internal, "Meter communication failed: timeout"});
  auto lost = MeterError(FailureKind::timeout, "x");
  lost.set_delivered();
  CHECK(status_for_failure(lost, true) ==
        WireStatus{Code::internal, "Meter communication failed: timeout; write outcome unknown"});
  // A read whose answer was lost is just a timeout.
  CHECK(status_for_failure(lost, false).message == "Meter communication failed: timeout");
}

TEST_CASE("wire: the client reads each status back as the failure and exit status a direct connection gives") {
  using transport::FailureKind;
  using transport::MeterError;
  auto failure = [](Code c, const char* m, bool write) -> MeterError {
    try {
      throw_for_status(c, m, "EML1 via 127.0.0.1:50051", write);
    } catch (const MeterError& e) {
      return e;
    }
    FAIL("not a MeterError");
    return MeterError(FailureKind::protocol, "");
  };
  auto nak = failure(Code::internal, "Meter communication failed: NAK 6", true);
  CHECK(nak.kind() == FailureKind::nak);
  CHECK(int(nak.nak()) == 6);
  CHECK_FALSE(nak.delivered());
  CHECK(failure(Code::internal, "failed to connect after retries", true).kind() == FailureKind::unreachable);
  CHECK_FALSE(failure(Code::internal, "failed to connect after retries", true).delivered());
  auto unknown = failure(Code::internal, "Meter communication failed: timeout; write outcome unknown", true);
  CHECK(unknown.kind() == FailureKind::timeout);
  CHECK(unknown.delivered());
  CHECK_FALSE(failure(Code::internal, "Meter communication failed: timeout", true).delivered());
  // A deployed gateway's bare message: a write's outcome is unknown, a read is a protocol failure.
  CHECK(failure(Code::internal, "Meter communication failed", true).delivered());
  CHECK(failure(Code::internal, "Meter communication failed", false).kind() == FailureKind::protocol);
  CHECK(failure(Code::resource_exhausted, "Meter EML1 is busy (timeout)", false).kind() == FailureKind::timeout);
  CHECK(failure(Code::deadline_exceeded, "Deadline Exceeded", true).delivered());
  CHECK_FALSE(failure(Code::unavailable, "failed to connect to all addresses", true).delivered());
  CHECK(failure(Code::unavailable, "Socket closed", true).delivered());

  auto code_of = [](Code c) {
    try {
      throw_for_status(c, "m", "w", false);
    } catch (const Error& e) {
      return e.code();
    }
    return ExitCode::ok;
  };
  CHECK(code_of(Code::not_found) == ExitCode::config);
  CHECK(code_of(Code::invalid_argument) == ExitCode::usage);
  CHECK(code_of(Code::permission_denied) == ExitCode::config);
  CHECK(code_of(Code::unauthenticated) == ExitCode::config);
}
