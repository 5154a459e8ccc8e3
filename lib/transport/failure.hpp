#pragma once
// The typed failure of a conversation with one meter, whatever carried it
// (direct TCP, SOCKS5, a mediator, the simulated meter in process).
#include <string>

#include "core/error.hpp"
#include "emop/exchange.hpp"
#include "emop/frame.hpp"

namespace flows::transport {

enum class FailureKind { unreachable, timeout, nak, protocol };

// Unreachable and timeout map to exit status 4, NAK and protocol errors to 5.
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

// Whether a failed request is worth sending again: everything but a NAK (the
// meter's considered answer), except a NAK for a corrupted request (FCS).
inline bool worth_retrying(const MeterError& e) {
  return e.kind() != FailureKind::nak || e.nak() == emop::NakCode::fcs_error;
}

// The failure a rejected response means, with where the meter is in the message.
MeterError response_failure(const emop::ResponseError& e, const std::string& where);

}  // namespace flows::transport
