#pragma once
// Runs one coroutine to completion on a private event loop and returns its value
// (or rethrows its exception): for unit tests and one-shot callers that have no
// loop of their own.
#include <exception>
#include <optional>
#include <stdexcept>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include "transport/asio.hpp"

namespace flows {

template <class T>
T run_blocking(Task<T> task) {
  boost::asio::io_context io(1);
  std::optional<T> value;
  std::exception_ptr error;
  boost::asio::co_spawn(io, std::move(task), [&](std::exception_ptr e, T v) {
    if (e) error = e;
    else value.emplace(std::move(v));
  });
  io.run();
  if (error) std::rethrow_exception(error);
  if (!value) throw std::logic_error("run_blocking: the task ended without a value");
  return std::move(*value);
}

inline void run_blocking(Task<void> task) {
  boost::asio::io_context io(1);
  std::exception_ptr error;
  boost::asio::co_spawn(io, std::move(task), [&](std::exception_ptr e) { error = e; });
  io.run();
  if (error) std::rethrow_exception(error);
}

}  // namespace flows
