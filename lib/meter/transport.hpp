#pragma once
// How the meter layer reaches one meter: send a request's data field, get the
// response's data field back (frame, CRC and NAK already dealt with). The same
// typed operations run over a direct connection, a mediator, or a simulated
// meter in process.
#include <string>

#include <utility>  // before Asio: Boost 1.74 awaitable.hpp uses std::exchange without it
#include <boost/asio/awaitable.hpp>

#include "core/error.hpp"
#include "emop/bytes.hpp"
#include "emop/frame.hpp"

namespace flows::meter {

enum class FailureKind { unreachable, timeout, nak, protocol };

// A failed conversation with a meter. Unreachable and timeout map to exit status 4,
// NAK and protocol errors to 5.
class MeterError : public Error {
 public:
  MeterError(FailureKind kind, const std::string& message, emop::NakCode nak = emop::NakCode::ok)
      : Error(kind == FailureKind::unreachable || kind == FailureKind::timeout ? ExitCode::unreachable
                                                                                 : ExitCode::protocol,
              message),
        kind_(kind),
        nak_(nak) {}
  FailureKind kind() const { return kind_; }
  emop::NakCode nak() const { return nak_; }

 private:
  FailureKind kind_;
  emop::NakCode nak_;
};

class Transport {
 public:
  virtual ~Transport() = default;
  // Sends one request data field and returns the response data field. Throws
  // MeterError. Implementations retry transient failures themselves.
  virtual boost::asio::awaitable<emop::Bytes> exchange(emop::Bytes request) = 0;
  // Where the meter is, for messages ("127.0.1.5:8080").
  virtual std::string describe() const = 0;
};

}  // namespace flows::meter
