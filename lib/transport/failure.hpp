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
  // The whole request went out before the failure (the answer was lost, late or
  // unreadable): the meter may have acted on it.
  bool delivered() const { return delivered_; }
  MeterError& set_delivered(bool d = true) {
    delivered_ = d;
    return *this;
  }

 private:
  FailureKind kind_;
  emop::NakCode nak_;
  bool delivered_ = false;
};

// Whether a failed request is worth sending again: everything but a NAK (the
// meter's considered answer), except a NAK for a corrupted request (FCS); and
// never a write that was delivered, whose outcome is unknown (a re-sent token is
// refused as a duplicate of itself, a re-sent write can land twice).
inline bool worth_retrying(const MeterError& e, bool write_request = false) {
  if (e.kind() == FailureKind::nak) return e.nak() == emop::NakCode::fcs_error;
  return !(write_request && e.delivered());
}

// The failure of a delivered write, not sent again: its outcome is unknown.
MeterError write_outcome_unknown(const MeterError& e);

// The failure a rejected response means, with where the meter is in the message.
MeterError response_failure(const emop::ResponseError& e, const std::string& where);

}  // namespace flows::transport
