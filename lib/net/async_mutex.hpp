#pragma once
// A mutex for coroutines on one io_context thread: `co_await m.lock()` suspends
// until the holder calls unlock(). Used to keep exactly one conversation per meter.
// `lock_within(d)` gives up after d (the gateway's wait for a busy meter).
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

  boost::asio::awaitable<void> lock() { co_await wait(boost::asio::steady_timer::time_point::max()); }

  // True when the lock was taken within `patience`; false (and not held) otherwise.
  boost::asio::awaitable<bool> lock_within(std::chrono::steady_clock::duration patience) {
    co_return co_await wait(std::chrono::steady_clock::now() + patience);
  }

  // Hands the lock to the longest waiter, or frees it.
  void unlock() {
    if (waiters_.empty()) {
      busy_ = false;
      return;
    }
    auto next = waiters_.front();
    waiters_.pop_front();
    next->granted = true;
    next->timer.cancel();
  }

  bool busy() const { return busy_; }
  std::size_t waiting() const { return waiters_.size(); }

 private:
  struct Waiter {
    explicit Waiter(const boost::asio::any_io_executor& ex, boost::asio::steady_timer::time_point until)
        : timer(ex, until) {}
    boost::asio::steady_timer timer;
    bool granted = false;  // set by unlock(): the truth, whatever the timer's outcome says
  };

  boost::asio::awaitable<bool> wait(boost::asio::steady_timer::time_point until) {
    if (!busy_) {
      busy_ = true;
      co_return true;
    }
    auto w = std::make_shared<Waiter>(ex_, until);
    waiters_.push_back(w);
    boost::system::error_code ec;
    co_await w->timer.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    if (w->granted) co_return true;
    std::erase(waiters_, w);
    co_return false;
  }

  boost::asio::any_io_executor ex_;
  bool busy_ = false;
  std::deque<std::shared_ptr<Waiter>> waiters_;
};

}  // namespace flows::net
