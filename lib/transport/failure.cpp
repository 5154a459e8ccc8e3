#include "transport/failure.hpp"

namespace flows::transport {

MeterError response_failure(const emop::ResponseError& e, const std::string& where) {
  using emop::ResponseProblem;
  switch (e.problem) {
    case ResponseProblem::malformed:
      return MeterError(FailureKind::protocol, "malformed response from " + where + ": " + e.detail);
    case ResponseProblem::crc_mismatch:
      return MeterError(FailureKind::protocol, "CRC mismatch in the response from " + where);
    case ResponseProblem::nak:
      return MeterError(FailureKind::nak,
                        where + " answered NAK " + std::to_string(int(e.nak)) + " (" + e.detail + ")", e.nak);
    case ResponseProblem::bad_data:
      return MeterError(FailureKind::protocol, "response from " + where + ": " + e.detail);
    case ResponseProblem::mismatched:
      return MeterError(FailureKind::protocol, "response from " + where + " answers a different request");
  }
  return MeterError(FailureKind::protocol, "bad response from " + where);
}

}  // namespace flows::transport
