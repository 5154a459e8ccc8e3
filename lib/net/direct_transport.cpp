#include "net/direct_transport.hpp"

#include <algorithm>
#include <charconv>

#include <boost/asio/connect.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "emop/data_field.hpp"
#include "net/deadline.hpp"
#include "net/frame_io.hpp"

namespace asio = boost::asio;
using asio::ip::tcp;
using flows::meter::FailureKind;
using flows::meter::MeterError;

namespace flows::net {

std::optional<Endpoint> parse_endpoint(std::string_view text, std::uint16_t default_port) {
  Endpoint ep;
  std::string_view port_text;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    ep.host = std::string(text.substr(1, close - 1));
    auto rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return std::nullopt;
      port_text = rest.substr(1);
    }
  } else {
    auto colon = text.rfind(':');
    if (colon != std::string_view::npos && text.find(':') == colon) {
      ep.host = std::string(text.substr(0, colon));
      port_text = text.substr(colon + 1);
    } else {
      ep.host = std::string(text);
    }
  }
  if (ep.host.empty()) return std::nullopt;
  ep.port = default_port;
  if (!port_text.empty()) {
    unsigned p = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), p);
    if (ec != std::errc{} || end != port_text.data() + port_text.size() || p == 0 || p > 65535) return std::nullopt;
    ep.port = static_cast<std::uint16_t>(p);
  }
  return ep;
}

DirectTransport::DirectTransport(asio::any_io_executor ex, Endpoint endpoint, TransportOptions options)
    : ex_(ex), endpoint_(std::move(endpoint)), options_(std::move(options)), socket_(ex), conversation_(ex) {}

void DirectTransport::close() {
  boost::system::error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
}

asio::awaitable<void> DirectTransport::connect() {
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

asio::awaitable<emop::Bytes> DirectTransport::attempt(const emop::Bytes& request) {
  if (!socket_.is_open() || !options_.reuse_connection) co_await connect();

  emop::FrameHeader h;
  h.control = static_cast<std::uint8_t>(emop::default_request_control);
  auto frame = emop::encode_frame(h, request);
  if (!frame) throw MeterError(FailureKind::protocol, std::string(emop::describe(frame.error())));

  emop::Bytes response;
  {
    Deadline deadline(socket_, options_.timeout);
    try {
      co_await write_all(socket_, *frame);
      response = co_await read_frame(socket_);
    } catch (const boost::system::system_error& e) {
      close();
      if (deadline.expired())
        throw MeterError(FailureKind::timeout, "no answer from " + endpoint_.to_string() + " within " +
                                                   std::to_string(options_.timeout.count()) + " ms");
      if (e.code() == asio::error::eof || e.code() == asio::error::connection_reset)
        throw MeterError(FailureKind::unreachable, endpoint_.to_string() + " closed the connection mid-conversation");
      throw MeterError(FailureKind::unreachable, "lost " + endpoint_.to_string() + ": " + e.code().message());
    } catch (const MeterError& e) {
      close();
      throw MeterError(e.kind(), endpoint_.to_string() + ": " + e.what(), e.nak());
    }
  }
  if (!options_.reuse_connection) close();
  if (options_.log_exchange)
    options_.log_exchange(endpoint_.to_string() + ": " + emop::to_hex(*frame) + " -> " + emop::to_hex(response));

  auto f = emop::decode_frame(response);
  if (!f) {
    close();
    throw MeterError(FailureKind::protocol, "malformed response from " + endpoint_.to_string() + ": " +
                                                std::string(emop::describe(f.error())));
  }
  if (!f->crc_ok()) {
    close();  // a corrupted stream cannot be trusted to be in step any more
    throw MeterError(FailureKind::protocol, "CRC mismatch in the response from " + endpoint_.to_string());
  }
  if (emop::control_is_nak(f->header.control)) {
    auto code = emop::control_nak_code(f->header.control);
    throw MeterError(FailureKind::nak,
                     endpoint_.to_string() + " answered NAK " + std::to_string(int(code)) + " (" +
                         std::string(emop::nak_name(code)) + ")",
                     code);
  }
  auto req = emop::decode_data_field(request);
  auto resp = emop::decode_data_field(f->data);
  if (!resp)
    throw MeterError(FailureKind::protocol, "response from " + endpoint_.to_string() + ": " +
                                                std::string(emop::describe(resp.error())));
  if (req && (req->format != resp->format || req->object_id != resp->object_id))
    throw MeterError(FailureKind::protocol, "response from " + endpoint_.to_string() + " answers a different request");
  co_return emop::Bytes(f->data.begin(), f->data.end());
}

asio::awaitable<emop::Bytes> DirectTransport::exchange(emop::Bytes request) {
  co_await conversation_.lock();
  struct Unlock {
    AsyncMutex& m;
    ~Unlock() { m.unlock(); }
  } unlock{conversation_};

  auto backoff = options_.backoff_initial;
  for (int attempt_no = 1;; ++attempt_no) {
    auto wait_until = last_exchange_ + options_.pacing;
    if (std::chrono::steady_clock::now() < wait_until) {
      asio::steady_timer pace(ex_, wait_until);
      co_await pace.async_wait(asio::use_awaitable);
    }
    std::optional<MeterError> failure;
    try {
      auto r = co_await attempt(request);
      last_exchange_ = std::chrono::steady_clock::now();
      co_return r;
    } catch (const MeterError& e) {
      failure = e;
    }
    last_exchange_ = std::chrono::steady_clock::now();
    // A NAK is the meter's considered answer; only a corrupted request (FCS) is worth repeating.
    const bool retryable = failure->kind() != FailureKind::nak || failure->nak() == emop::NakCode::fcs_error;
    if (!retryable || attempt_no >= options_.attempts) {
      if (attempt_no > 1)
        throw MeterError(failure->kind(), std::string(failure->what()) + " (after " + std::to_string(attempt_no) + " attempts)",
                         failure->nak());
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

}  // namespace flows::net
