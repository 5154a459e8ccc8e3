#include "transport/target.hpp"

#include <charconv>

namespace flows::transport {

namespace {

// Splits "host", "host:port" and "[v6]:port" into host and port text; false
// when the brackets are unbalanced or junk follows them.
bool split_host_port(std::string_view text, std::string& host, std::string_view& port_text) {
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string_view::npos) return false;
    host = std::string(text.substr(1, close - 1));
    auto rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return false;
      port_text = rest.substr(1);
    }
    return true;
  }
  auto colon = text.rfind(':');
  if (colon != std::string_view::npos && text.find(':') == colon) {
    host = std::string(text.substr(0, colon));
    port_text = text.substr(colon + 1);
  } else {
    host = std::string(text);
  }
  return true;
}

}  // namespace

std::optional<Endpoint> parse_endpoint(std::string_view text, std::uint16_t default_port) {
  Endpoint ep;
  std::string_view port_text;
  if (!split_host_port(text, ep.host, port_text) || ep.host.empty()) return std::nullopt;
  ep.port = default_port;
  if (!port_text.empty()) {
    unsigned p = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), p);
    if (ec != std::errc{} || end != port_text.data() + port_text.size() || p == 0 || p > 65535) return std::nullopt;
    ep.port = static_cast<std::uint16_t>(p);
  }
  return ep;
}

}  // namespace flows::transport
