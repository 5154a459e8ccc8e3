#pragma once
// A mutex for coroutines on one io_context thread: `co_await m.lock()` suspends
// until the holder calls unlock(). Used to keep exactly one conversation per meter.
#include <chrono>
#include <deque>
#include <memory>

#include "transport/asio.hpp"
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace flows::net {

class AsyncMutex {
 public:
  explicit AsyncMutex(boost::asio::any_io_executor ex) : ex_(std::move(ex)) {}

  boost::asio::awaitable<void> lock() {
    if (!busy_) {
      busy_ = true;
      co_return;
    }
    auto t = std::make_shared<boost::asio::steady_timer>(ex_, boost::asio::steady_timer::time_point::max());
    waiters_.push_back(t);
    boost::system::error_code ec;
    // unlock() hands over ownership by cancelling our timer.
    co_await t->async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
  }

  void unlock() {
    if (waiters_.empty()) {
      busy_ = false;
      return;
    }
    auto next = waiters_.front();
    waiters_.pop_front();
    next->cancel();
  }

 private:
  boost::asio::any_io_executor ex_;
  bool busy_ = false;
  std::deque<std::shared_ptr<boost::asio::steady_timer>> waiters_;
};

}  // namespace flows::net
