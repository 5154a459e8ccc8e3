#pragma once
// A transport that talks to one meter over TCP, directly or through a SOCKS5
// proxy: connect and request timeouts, retries with backoff, pacing between
// requests, one conversation at a time, and the connection kept open between
// requests (reopened when the meter has dropped it).
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "meter/transport.hpp"
#include "net/async_mutex.hpp"
#include "net/socks5.hpp"

namespace flows::net {

struct Endpoint {
  std::string host;
  std::uint16_t port = 8080;
  std::string to_string() const { return host + ":" + std::to_string(port); }
};
// "host", "host:port", "[v6]:port"; nullopt when the port is not 1-65535.
std::optional<Endpoint> parse_endpoint(std::string_view text, std::uint16_t default_port = 8080);

struct TransportOptions {
  std::chrono::milliseconds timeout{10000};  // connect, and each request/response
  int attempts = 5;                          // in all, including the first
  std::chrono::milliseconds backoff_initial{500};
  std::chrono::milliseconds backoff_max{7000};
  std::chrono::milliseconds pacing{100};     // least gap between requests to this meter
  bool reuse_connection = true;              // false: a new connection per request
  std::optional<Socks5Proxy> socks;
  // Where requests, answers and retries are logged (nothing when empty).
  std::function<void(const std::string&)> log_exchange;  // each request and answer, as hex
  std::function<void(const std::string&)> log_retry;     // each failed attempt that will be retried
};

class DirectTransport : public meter::Transport {
 public:
  DirectTransport(boost::asio::any_io_executor ex, Endpoint endpoint, TransportOptions options);
  boost::asio::awaitable<emop::Bytes> exchange(emop::Bytes request) override;
  std::string describe() const override { return endpoint_.to_string(); }
  void close();
  // Number of TCP connections opened so far (for tests and benchmarks).
  int connections_opened() const { return connections_opened_; }

 private:
  boost::asio::awaitable<emop::Bytes> attempt(const emop::Bytes& request);
  boost::asio::awaitable<void> connect();

  boost::asio::any_io_executor ex_;
  Endpoint endpoint_;
  TransportOptions options_;
  boost::asio::ip::tcp::socket socket_;
  AsyncMutex conversation_;
  std::chrono::steady_clock::time_point last_exchange_{};
  int connections_opened_ = 0;
};

}  // namespace flows::net
