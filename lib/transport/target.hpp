#pragma once
// Where a meter is and what is known of it before talking to it: what a
// transport factory needs to open a conversation (the serial for a mediator,
// the address for a direct connection).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace flows::transport {

struct Endpoint {
  std::string host;
  std::uint16_t port = 8080;
  std::string to_string() const { return host + ":" + std::to_string(port); }
};
// "host", "host:port", "[v6]:port"; nullopt when the port is not 1-65535.
std::optional<Endpoint> parse_endpoint(std::string_view text, std::uint16_t default_port = 8080);

struct MeterTarget {
  std::string serial;
  Endpoint endpoint;
  bool dst = false;      // the meter keeps UK local time
  std::string hardware;  // registry string when known
};

}  // namespace flows::transport
