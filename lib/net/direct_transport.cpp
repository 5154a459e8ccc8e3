#include "net/direct_transport.hpp"

#include <algorithm>

#include <boost/asio/connect.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "emop/data_field.hpp"
#include "emop/exchange.hpp"
#include "net/deadline.hpp"
#include "net/frame_io.hpp"

namespace asio = boost::asio;
using asio::ip::tcp;
using flows::transport::FailureKind;
using flows::transport::MeterError;

namespace flows::net {

DirectTransport::DirectTransport(asio::any_io_executor ex, Endpoint endpoint, TransportOptions options)
    : ex_(ex), endpoint_(std::move(endpoint)), options_(std::move(options)), socket_(ex), conversation_(ex) {}

void DirectTransport::close() {
  boost::system::error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
}

Task<void> DirectTransport::connect() {
  close();
  socket_ = tcp::socket(ex_);
  const std::string& host = options_.socks ? options_.socks->host : endpoint_.host;
  const std::uint16_t port = options_.socks ? options_.socks->port : endpoint_.port;
  const std::string where = options_.socks ? "SOCKS proxy " + host + ":" + std::to_string(port) : endpoint_.to_string();

  boost::system::error_code ec;
  // An address literal (the usual case: inventories list IP addresses) needs no
  // resolver, whose every lookup is a round trip through Asio's resolver thread.
  const auto literal = asio::ip::make_address(host, ec);
  const bool is_literal = !ec;
  tcp::resolver::results_type results;
  if (!is_literal) {
    tcp::resolver resolver(ex_);
    results = co_await resolver.async_resolve(host, std::to_string(port), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) throw MeterError(FailureKind::unreachable, "cannot resolve " + host + ": " + ec.message());
  }

  Deadline deadline(socket_, options_.timeout);
  if (is_literal) co_await socket_.async_connect(tcp::endpoint(literal, port), asio::redirect_error(asio::use_awaitable, ec));
  else co_await asio::async_connect(socket_, results, asio::redirect_error(asio::use_awaitable, ec));
  if (deadline.expired() || ec) {
    close();  // so the next attempt connects afresh (a failed single connect leaves the socket open)
    if (deadline.expired()) throw MeterError(FailureKind::timeout, "timed out connecting to " + where);
    throw MeterError(FailureKind::unreachable, "cannot connect to " + where + ": " + ec.message());
  }
  socket_.set_option(tcp::no_delay(true), ec);
  ++connections_opened_;
  if (options_.socks) {
    try {
      co_await socks5_connect(socket_, *options_.socks, endpoint_.host, endpoint_.port);
    } catch (const boost::system::system_error& e) {
      if (deadline.expired()) throw MeterError(FailureKind::timeout, "timed out in the SOCKS handshake with " + where);
      throw MeterError(FailureKind::unreachable, "SOCKS handshake with " + where + " failed: " + e.code().message());
    }
  }
}

// Writes one frame and reads one back, with the request timeout; socket failures
// become MeterErrors and close the connection.
Task<emop::Bytes> DirectTransport::send_and_receive(const emop::Bytes& frame) {
  Deadline deadline(socket_, options_.timeout);
  bool sent = false;  // the whole frame went out: the meter may act on it
  try {
    co_await async_write_frame(socket_, frame);
    sent = true;
    auto response = co_await async_read_frame(socket_);
    if (!response) {
      close();  // the stream is out of step: nothing after a bad prefix can be trusted
      throw transport::response_failure({emop::ResponseProblem::malformed, emop::NakCode::ok,
                                         std::string(emop::describe(response.error()))},
                                        endpoint_.to_string())
          .set_delivered();
    }
    co_return std::move(*response);
  } catch (const boost::system::system_error& e) {
    close();
    if (deadline.expired())
      throw MeterError(FailureKind::timeout, "no answer from " + endpoint_.to_string() + " within " +
                                                 std::to_string(options_.timeout.count()) + " ms")
          .set_delivered(sent);
    if (e.code() == asio::error::eof || e.code() == asio::error::connection_reset)
      throw MeterError(FailureKind::unreachable, endpoint_.to_string() + " closed the connection mid-conversation")
          .set_delivered(sent);
    throw MeterError(FailureKind::unreachable, "lost " + endpoint_.to_string() + ": " + e.code().message())
        .set_delivered(sent);
  }
}

Task<emop::Bytes> DirectTransport::attempt(const emop::Bytes& request) {
  if (!socket_.is_open() || !options_.reuse_connection) co_await connect();

  auto frame = emop::encode_request(request);
  if (!frame) throw MeterError(FailureKind::protocol, std::string(emop::describe(frame.error())));
  emop::Bytes response = co_await send_and_receive(*frame);
  if (!options_.reuse_connection) close();
  if (options_.log_exchange)
    options_.log_exchange(endpoint_.to_string() + ": " + emop::loggable_hex(*frame) + " -> " + emop::loggable_hex(response));

  auto checked = emop::check_response(request, response);
  if (!checked) {
    // A frame that does not parse or fails its CRC means the stream is out of step.
    const auto problem = checked.error().problem;
    if (problem == emop::ResponseProblem::malformed || problem == emop::ResponseProblem::crc_mismatch) close();
    throw transport::response_failure(checked.error(), endpoint_.to_string()).set_delivered();
  }
  co_return emop::Bytes(checked->begin(), checked->end());
}

Task<void> DirectTransport::pace() {
  auto wait_until = last_exchange_ + options_.pacing;
  if (std::chrono::steady_clock::now() < wait_until) {
    asio::steady_timer t(ex_, wait_until);
    co_await t.async_wait(asio::use_awaitable);
  }
}

Task<emop::Bytes> DirectTransport::exchange(emop::Bytes request) {
  co_await conversation_.lock();
  struct Unlock {
    AsyncMutex& m;
    ~Unlock() { m.unlock(); }
  } unlock{conversation_};

  auto backoff = options_.backoff_initial;
  const bool write = emop::is_write_request(request);
  for (int attempt_no = 1;; ++attempt_no) {
    co_await pace();
    std::optional<MeterError> failure;
    try {
      auto r = co_await attempt(request);
      last_exchange_ = std::chrono::steady_clock::now();
      co_return r;
    } catch (const MeterError& e) {
      failure = e;
    }
    last_exchange_ = std::chrono::steady_clock::now();
    // A NAK is the meter's considered answer; only a corrupted request (FCS) is
    // worth repeating. A delivered write is never sent again: its outcome is unknown.
    if (write && failure->delivered() && failure->kind() != FailureKind::nak) throw transport::write_outcome_unknown(*failure);
    if (!transport::worth_retrying(*failure, write) || attempt_no >= options_.attempts) {
      if (attempt_no > 1)
        throw MeterError(failure->kind(), std::string(failure->what()) + " (after " + std::to_string(attempt_no) + " attempts)",
                         failure->nak())
            .set_delivered(failure->delivered());
      throw *failure;
    }
    if (options_.log_retry)
      options_.log_retry(std::string(failure->what()) + "; attempt " + std::to_string(attempt_no + 1) + " of " +
                         std::to_string(options_.attempts) + " in " + std::to_string(backoff.count()) + " ms");
    asio::steady_timer wait(ex_, backoff);
    co_await wait.async_wait(asio::use_awaitable);
    backoff = std::min(backoff * 2, options_.backoff_max);
  }
}

transport::TransportFactory direct_factory(TransportOptions options) {
  return [options = std::move(options)](asio::any_io_executor ex, const transport::MeterTarget& target) {
    return std::make_unique<DirectTransport>(ex, target.endpoint, options);
  };
}

}  // namespace flows::net
