#pragma once
// The one place that includes Asio's coroutine support. Boost 1.74's
// awaitable.hpp uses std::exchange without including <utility>; including it
// here first means no other header has to know.
#include <utility>

#include <boost/asio/awaitable.hpp>

namespace flows {

template <class T>
using Task = boost::asio::awaitable<T>;

}  // namespace flows
