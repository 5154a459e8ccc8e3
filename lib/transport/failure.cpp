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

MeterError write_outcome_unknown(const MeterError& e) {
  MeterError out(e.kind(), std::string(e.what()) + " — the write reached the meter but its answer did not come back: "
                               "it may or may not have been applied (it was not sent again)",
                 e.nak());
  out.set_delivered();
  return out;
}

}  // namespace flows::transport
