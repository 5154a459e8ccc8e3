#pragma once
// Bounds the time of socket operations: when the deadline passes, the socket's
// pending operations are cancelled and `expired()` turns true, so the awaiting
// coroutine sees operation_aborted and can report a timeout.
#include <chrono>
#include <memory>

#include "transport/asio.hpp"
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

namespace flows::net {

class Deadline {
 public:
  Deadline(boost::asio::ip::tcp::socket& socket, std::chrono::steady_clock::duration after)
      : state_(std::make_shared<State>(socket.get_executor())) {
    state_->timer.expires_after(after);
    // The handler holds the state, not the socket: it only cancels when the
    // deadline object is still alive (armed), so a late wake-up touches nothing.
    state_->socket = &socket;
    state_->timer.async_wait([s = state_](const boost::system::error_code& ec) {
      if (ec || !s->armed) return;
      s->expired = true;
      boost::system::error_code ignored;
      s->socket->cancel(ignored);
    });
  }
  ~Deadline() {
    state_->armed = false;
    state_->timer.cancel();
  }
  Deadline(const Deadline&) = delete;
  Deadline& operator=(const Deadline&) = delete;

  bool expired() const { return state_->expired; }

 private:
  struct State {
    explicit State(const boost::asio::any_io_executor& ex) : timer(ex) {}
    boost::asio::steady_timer timer;
    boost::asio::ip::tcp::socket* socket = nullptr;
    bool armed = true;
    bool expired = false;
  };
  std::shared_ptr<State> state_;
};

}  // namespace flows::net
