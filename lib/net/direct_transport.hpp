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

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "transport/transport.hpp"
#include "net/async_mutex.hpp"
#include "net/socks5.hpp"

namespace flows::net {

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

using transport::Endpoint;

class DirectTransport : public transport::Transport {
 public:
  DirectTransport(boost::asio::any_io_executor ex, Endpoint endpoint, TransportOptions options);
  Task<emop::Bytes> exchange(emop::Bytes request) override;
  std::string describe() const override { return endpoint_.to_string(); }
  void close() override;
  // Number of TCP connections opened so far (for tests and benchmarks).
  int connections_opened() const { return connections_opened_; }

 private:
  Task<emop::Bytes> attempt(const emop::Bytes& request);
  Task<emop::Bytes> send_and_receive(const emop::Bytes& frame);
  Task<void> connect();
  Task<void> pace();

  boost::asio::any_io_executor ex_;
  Endpoint endpoint_;
  TransportOptions options_;
  boost::asio::ip::tcp::socket socket_;
  AsyncMutex conversation_;
  std::chrono::steady_clock::time_point last_exchange_{};
  int connections_opened_ = 0;
};

// Direct connections (TCP, or SOCKS5 when options.socks is set) to each target's
// endpoint: what emop uses when no mediator is configured.
transport::TransportFactory direct_factory(TransportOptions options);

}  // namespace flows::net
