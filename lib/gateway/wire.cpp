#include "gateway/wire.hpp"

#include <array>

#include "core/error.hpp"

namespace flows::gateway {
namespace {

constexpr std::array<std::pair<Method, std::string_view>, 5> method_names{{
    {Method::send_raw_message, "sendRawMessage"},
    {Method::read_element, "readElement"},
    {Method::write_element, "writeElement"},
    {Method::get_info, "GetInfo"},
    {Method::get_meters, "GetMeters"},
}};

constexpr std::string_view comm_failed = "Meter communication failed";
constexpr std::string_view connect_failed = "failed to connect after retries";
constexpr std::string_view outcome_unknown = "; write outcome unknown";

std::string failure_kind_text(const transport::MeterError& e) {
  using transport::FailureKind;
  switch (e.kind()) {
    case FailureKind::timeout: return "timeout";
    case FailureKind::nak: return "NAK " + std::to_string(int(e.nak()));
    case FailureKind::unreachable: return "closed mid-conversation";
    case FailureKind::protocol: return "bad response";
  }
  return "bad response";
}

bool contains(std::string_view s, std::string_view part) { return s.find(part) != std::string_view::npos; }

// The kind a "Meter communication failed: …" message names; protocol when it names none.
transport::MeterError meter_failure_from(std::string_view message, const std::string& where, bool write) {
  using transport::FailureKind;
  using transport::MeterError;
  std::string_view detail = message.substr(std::min(message.size(), comm_failed.size()));
  if (detail.starts_with(": ")) detail.remove_prefix(2);
  const bool known_outcome = contains(detail, "NAK ") || (!detail.empty() && !contains(detail, outcome_unknown));
  auto e = [&]() -> MeterError {
    if (detail.starts_with("NAK ")) {
      int code = 0;
      for (char c : detail.substr(4)) {
        if (c < '0' || c > '9') break;
        code = code * 10 + (c - '0');
      }
      const auto nak = emop::NakCode(code);
      return MeterError(FailureKind::nak, where + " answered NAK " + std::to_string(code) + " (" + std::string(emop::nak_name(nak)) + ")", nak);
    }
    if (detail.starts_with("timeout")) return MeterError(FailureKind::timeout, "no answer from " + where + " (timeout)");
    if (detail.starts_with("closed")) return MeterError(FailureKind::unreachable, where + " closed the connection mid-conversation");
    return MeterError(FailureKind::protocol, "bad response from " + where);
  }();
  // A deployed gateway's bare message says nothing of whether a write landed.
  if (write && !known_outcome) return transport::write_outcome_unknown(e);
  return e;
}

}  // namespace

std::string_view method_name(Method m) {
  for (const auto& [method, name] : method_names)
    if (method == m) return name;
  return "unknown";
}

std::optional<Method> method_from_name(std::string_view name) {
  for (const auto& [method, n] : method_names)
    if (n == name) return method;
  return std::nullopt;
}

bool is_write_call(Method m, emop::ByteView data_field) {
  if (m == Method::write_element) return true;
  return m == Method::send_raw_message && emop::is_write_request(data_field);
}

WireStatus no_serial() { return {Code::invalid_argument, "Target meter serial not specified"}; }
WireStatus unknown_meter(const std::string& serial) { return {Code::not_found, "Meter '" + serial + "' not known"}; }
WireStatus meter_busy(const std::string& serial) { return {Code::resource_exhausted, "Meter " + serial + " is busy (timeout)"}; }
WireStatus bad_object_id(std::int64_t id) {
  return {Code::invalid_argument, "objectId " + std::to_string(id) + " is not a 3-byte object id (0 to 16777215)"};
}
WireStatus bad_data_field(std::string_view why) {
  return {Code::invalid_argument, "dataField is not an EMOP data field: " + std::string(why)};
}
WireStatus unauthenticated() { return {Code::unauthenticated, "authentication required"}; }
WireStatus permission_denied() { return {Code::permission_denied, "permission denied"}; }

WireStatus status_for_failure(const transport::MeterError& e, bool write) {
  if (e.kind() == transport::FailureKind::unreachable && !e.delivered()) return {Code::internal, std::string(connect_failed)};
  std::string m = std::string(comm_failed) + ": " + failure_kind_text(e);
  if (write && e.delivered() && e.kind() != transport::FailureKind::nak) m += outcome_unknown;
  return {Code::internal, m};
}

void throw_for_status(Code code, std::string_view message, const std::string& where, bool write) {
  using transport::FailureKind;
  using transport::MeterError;
  const std::string via = where + ": " + std::string(message);
  switch (code) {
    case Code::not_found: throw config_error(via);
    case Code::invalid_argument: throw usage_error(via);
    case Code::unauthenticated: throw config_error(where + ": the gateway refused the client certificate (" + std::string(message) + ")");
    case Code::permission_denied: throw config_error(where + ": this client's role may not make the call (" + std::string(message) + ")");
    case Code::resource_exhausted: throw MeterError(FailureKind::timeout, via);
    case Code::internal:
      if (message.starts_with(connect_failed)) throw MeterError(FailureKind::unreachable, "cannot reach " + where + " (" + std::string(connect_failed) + ")");
      if (message.starts_with(comm_failed)) throw meter_failure_from(message, where, write);
      break;
    case Code::unavailable:
      // Refused before the call reached the gateway: nothing was sent to the meter.
      if (contains(message, "failed to connect") || contains(message, "Connection refused")) {
        throw MeterError(FailureKind::unreachable, "cannot reach the gateway for " + where + " (" + std::string(message) + ")");
      }
      break;
    default: break;
  }
  const FailureKind kind = code == Code::deadline_exceeded ? FailureKind::timeout : FailureKind::unreachable;
  MeterError e(kind, via);
  if (write) throw transport::write_outcome_unknown(e);
  throw e;
}

WireCall call_for(emop::ByteView request_data) {
  auto f = emop::decode_data_field(request_data);
  if (f && f->format == emop::RecordFormat::default_format && f->object_id && f->write) {
    if (!*f->write && f->payload.empty()) return {Method::read_element, *f->object_id, {}};
    if (*f->write) return {Method::write_element, *f->object_id, emop::Bytes(f->payload.begin(), f->payload.end())};
  }
  return {Method::send_raw_message, 0, emop::Bytes(request_data.begin(), request_data.end())};
}

emop::Bytes response_data(emop::ByteView request_data, const WireCall& call, emop::ByteView reply) {
  switch (call.method) {
    case Method::read_element: return emop::encode_default(call.object_id, false, reply);
    case Method::write_element: return emop::encode_default(call.object_id, true, {});
    default: break;
  }
  emop::Bytes out;
  out.reserve(reply.size() + 1);
  if (!request_data.empty()) out.push_back(request_data[0]);
  out.insert(out.end(), reply.begin(), reply.end());
  return out;
}

emop::Bytes raw_reply(emop::ByteView response_data) {
  if (response_data.empty()) return {};
  return emop::Bytes(response_data.begin() + 1, response_data.end());
}

emop::Bytes read_reply(emop::ByteView response_data) {
  constexpr std::size_t header = 5;  // format, object id (3), flag
  if (response_data.size() <= header) return {};
  return emop::Bytes(response_data.begin() + header, response_data.end());
}

std::optional<emop::ObjectId> object_id_of(std::int64_t wire_id) {
  if (wire_id < 0 || wire_id > 0xFFFFFF) return std::nullopt;
  return static_cast<emop::ObjectId>(wire_id);
}

}  // namespace flows::gateway
