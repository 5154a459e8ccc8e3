#include "net/socks5.hpp"

#include <array>
#include <vector>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "transport/failure.hpp"

namespace asio = boost::asio;
using flows::transport::FailureKind;
using flows::transport::MeterError;

namespace flows::net {
namespace {

std::string reply_name(std::uint8_t code) {
  switch (code) {
    case 1: return "general failure";
    case 2: return "connection not allowed by ruleset";
    case 3: return "network unreachable";
    case 4: return "host unreachable";
    case 5: return "connection refused";
    case 6: return "TTL expired";
    case 7: return "command not supported";
    case 8: return "address type not supported";
    default: return "reply code " + std::to_string(code);
  }
}

}  // namespace

asio::awaitable<void> socks5_connect(asio::ip::tcp::socket& s, const Socks5Proxy& proxy, const std::string& host,
                                     std::uint16_t port) {
  const bool with_auth = proxy.username.has_value();
  std::vector<std::uint8_t> hello = with_auth ? std::vector<std::uint8_t>{5, 1, 2} : std::vector<std::uint8_t>{5, 1, 0};
  co_await asio::async_write(s, asio::buffer(hello), asio::use_awaitable);
  std::array<std::uint8_t, 2> choice{};
  co_await asio::async_read(s, asio::buffer(choice), asio::use_awaitable);
  if (choice[0] != 5) throw MeterError(FailureKind::protocol, "SOCKS proxy " + proxy.host + " is not speaking SOCKS5");
  if (choice[1] == 0xFF)
    throw MeterError(FailureKind::unreachable, "SOCKS proxy " + proxy.host + " accepts none of our authentication methods");

  if (choice[1] == 2) {
    if (!with_auth) throw MeterError(FailureKind::unreachable, "SOCKS proxy " + proxy.host + " requires a username and password");
    const std::string& user = *proxy.username;
    const std::string pass = proxy.password.value_or("");
    if (user.size() > 255 || pass.size() > 255)
      throw MeterError(FailureKind::unreachable, "SOCKS username or password longer than 255 bytes");
    std::vector<std::uint8_t> auth{1, static_cast<std::uint8_t>(user.size())};
    auth.insert(auth.end(), user.begin(), user.end());
    auth.push_back(static_cast<std::uint8_t>(pass.size()));
    auth.insert(auth.end(), pass.begin(), pass.end());
    co_await asio::async_write(s, asio::buffer(auth), asio::use_awaitable);
    std::array<std::uint8_t, 2> status{};
    co_await asio::async_read(s, asio::buffer(status), asio::use_awaitable);
    if (status[1] != 0)
      throw MeterError(FailureKind::unreachable, "SOCKS proxy " + proxy.host + " rejected the username/password");
  } else if (choice[1] != 0) {
    throw MeterError(FailureKind::protocol, "SOCKS proxy chose an authentication method we did not offer");
  }

  std::vector<std::uint8_t> req{5, 1, 0};
  boost::system::error_code ec;
  auto addr = asio::ip::make_address(host, ec);
  if (!ec && addr.is_v4()) {
    req.push_back(1);
    auto b = addr.to_v4().to_bytes();
    req.insert(req.end(), b.begin(), b.end());
  } else if (!ec && addr.is_v6()) {
    req.push_back(4);
    auto b = addr.to_v6().to_bytes();
    req.insert(req.end(), b.begin(), b.end());
  } else {
    if (host.size() > 255) throw MeterError(FailureKind::unreachable, "host name too long for SOCKS: " + host);
    req.push_back(3);
    req.push_back(static_cast<std::uint8_t>(host.size()));
    req.insert(req.end(), host.begin(), host.end());
  }
  req.push_back(static_cast<std::uint8_t>(port >> 8));
  req.push_back(static_cast<std::uint8_t>(port));
  co_await asio::async_write(s, asio::buffer(req), asio::use_awaitable);

  std::array<std::uint8_t, 4> head{};
  co_await asio::async_read(s, asio::buffer(head), asio::use_awaitable);
  if (head[0] != 5) throw MeterError(FailureKind::protocol, "SOCKS proxy sent a malformed reply");
  if (head[1] != 0)
    throw MeterError(FailureKind::unreachable,
                     "SOCKS proxy could not reach " + host + ":" + std::to_string(port) + ": " + reply_name(head[1]));
  std::size_t rest = 0;
  if (head[3] == 1) rest = 4 + 2;
  else if (head[3] == 4) rest = 16 + 2;
  else if (head[3] == 3) {
    std::array<std::uint8_t, 1> n{};
    co_await asio::async_read(s, asio::buffer(n), asio::use_awaitable);
    rest = n[0] + 2u;
  } else {
    throw MeterError(FailureKind::protocol, "SOCKS proxy reply has an unknown address type");
  }
  std::vector<std::uint8_t> bound(rest);
  co_await asio::async_read(s, asio::buffer(bound), asio::use_awaitable);
}

}  // namespace flows::net
