#pragma once
// SOCKS5 CONNECT (RFC 1928) with optional username/password (RFC 1929): the path
// to meters behind the 4G gateway. Runs on an already connected socket to the proxy.
#include <cstdint>
#include <optional>
#include <string>

#include "transport/asio.hpp"
#include <boost/asio/ip/tcp.hpp>

namespace flows::net {

struct Socks5Proxy {
  std::string host;
  std::uint16_t port = 1080;
  std::optional<std::string> username;
  std::optional<std::string> password;  // never printed
};

// Asks the proxy to connect to host:port. Throws MeterError(unreachable) when the
// proxy refuses (naming its reply code, never the credentials), MeterError(protocol)
// when it speaks something else.
boost::asio::awaitable<void> socks5_connect(boost::asio::ip::tcp::socket& proxy_socket, const Socks5Proxy& proxy,
                                            const std::string& host, std::uint16_t port);

}  // namespace flows::net
