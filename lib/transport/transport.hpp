#pragma once
// How the meter layer reaches one meter: send a request's data field, get the
// response's data field back (frame, CRC, NAK and matching already dealt with by
// the codec's response check). Implementations: net's DirectTransport (TCP,
// SOCKS5), the simulated meter in process (sim), a mediator (gateway).
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>

#include "emop/bytes.hpp"
#include "transport/asio.hpp"
#include "transport/failure.hpp"
#include "transport/target.hpp"

namespace flows::transport {

class Transport {
 public:
  virtual ~Transport() = default;
  // Sends one request data field and returns the response data field. Throws
  // MeterError. Implementations retry transient failures themselves.
  virtual Task<emop::Bytes> exchange(emop::Bytes request) = 0;
  // Where the meter is, for messages ("127.0.1.5:8080").
  virtual std::string describe() const = 0;
  // Ends the conversation (a connection is closed); the next exchange opens anew.
  virtual void close() {}
};

// How to reach a meter: one transport per target, on the given executor. Jobs and
// batch runs take one of these, never a concrete transport.
using TransportFactory =
    std::function<std::unique_ptr<Transport>(boost::asio::any_io_executor, const MeterTarget&)>;

}  // namespace flows::transport
