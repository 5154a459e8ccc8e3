#pragma once
// The mediator's wire, without I/O: which method carries an EMOP request, how
// the bytes of each method map to and from EMOP data fields, and what a meter
// failure is on the wire (status code and message, verbatim as deployed clients
// match them) and back. Shared by the gateway (server) and its client transport,
// so both sides agree by construction. See ../shared/spec/mediator.md.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "emop/bytes.hpp"
#include "emop/data_field.hpp"
#include "transport/failure.hpp"

namespace flows::gateway {

enum class Method { send_raw_message, read_element, write_element, get_info, get_meters };
// The wire's method name: "sendRawMessage", "readElement", "writeElement", "GetInfo", "GetMeters".
std::string_view method_name(Method m);
std::optional<Method> method_from_name(std::string_view name);
// Whether a call of this method with these bytes writes to a meter: writeElement,
// and sendRawMessage whose data field is a default-format write.
bool is_write_call(Method m, emop::ByteView data_field);

// gRPC status codes (grpc::StatusCode values) the gateway and its client use.
enum class Code : int {
  ok = 0,
  cancelled = 1,
  invalid_argument = 3,
  deadline_exceeded = 4,
  not_found = 5,
  permission_denied = 7,
  resource_exhausted = 8,
  internal = 13,
  unavailable = 14,
  unauthenticated = 16,
};

struct WireStatus {
  Code code = Code::ok;
  std::string message;
  bool operator==(const WireStatus&) const = default;
};

// The fixed refusals.
WireStatus no_serial();                               // INVALID_ARGUMENT
WireStatus unknown_meter(const std::string& serial);  // NOT_FOUND
WireStatus meter_busy(const std::string& serial);     // RESOURCE_EXHAUSTED, after the 60 s wait
WireStatus bad_object_id(std::int64_t id);            // INVALID_ARGUMENT: not 0..0xFFFFFF
WireStatus bad_data_field(std::string_view why);      // INVALID_ARGUMENT: sendRawMessage's bytes do not decode
WireStatus unauthenticated();                         // generic
WireStatus permission_denied();                       // generic

// A meter failure on the wire: INTERNAL with "failed to connect after retries"
// (unreachable) or "Meter communication failed" followed by ": " and the kind
// ("timeout", "NAK 5", "bad response", "closed mid-conversation"), and for a
// write that reached the meter unanswered "; write outcome unknown". Deployed
// clients match the prefixes; the client here reads the rest back. Nothing of
// the meter's address or the gateway's internals is in it.
WireStatus status_for_failure(const transport::MeterError& e, bool write);

// The client side of the same: the failure a non-OK status means, `where` naming
// the meter and gateway for the message. A write whose status does not say it
// failed before reaching the meter (a deployed gateway's bare "Meter
// communication failed", a deadline, a dropped gateway) is a write of unknown
// outcome. NOT_FOUND is a configuration error (exit 3), INVALID_ARGUMENT a usage
// error (2), UNAUTHENTICATED and PERMISSION_DENIED configuration errors (3);
// these are flows::Error, not MeterError.
[[noreturn]] void throw_for_status(Code code, std::string_view message, const std::string& where, bool write);

// Client side: how a request data field travels.
struct WireCall {
  Method method = Method::send_raw_message;
  emop::ObjectId object_id = 0;  // readElement, writeElement
  emop::Bytes bytes;             // writeElement: payload; sendRawMessage: the data field
};
// Default-format reads go as readElement and writes as writeElement (what a
// partner role may call, and what deployed clients send); logs as sendRawMessage.
WireCall call_for(emop::ByteView request_data);
// The response data field, rebuilt from the reply's bytes for that call (a
// writeElement reply is empty: the echo of a write is the request itself with no payload).
emop::Bytes response_data(emop::ByteView request_data, const WireCall& call, emop::ByteView reply);

// Server side: the reply bytes for a method from the meter's response data field.
// sendRawMessage: all but the format byte; readElement: the payload only.
emop::Bytes raw_reply(emop::ByteView response_data);
emop::Bytes read_reply(emop::ByteView response_data);
// The object id of readElement/writeElement as the 3-byte id; nullopt outside 0..0xFFFFFF.
std::optional<emop::ObjectId> object_id_of(std::int64_t wire_id);

}  // namespace flows::gateway
