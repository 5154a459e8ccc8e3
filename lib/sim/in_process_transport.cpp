#include "sim/in_process_transport.hpp"

#include "emop/exchange.hpp"
#include "sim/responder.hpp"

namespace flows::sim {

using transport::FailureKind;
using transport::MeterError;

InProcessTransport::InProcessTransport(SimMeter& meter, std::function<UtcTime()> clock, std::uint32_t address)
    : meter_(meter), clock_(std::move(clock)), address_(address) {}

Task<emop::Bytes> InProcessTransport::exchange(emop::Bytes request) {
  auto frame = emop::encode_request(request);
  if (!frame) throw MeterError(FailureKind::protocol, std::string(emop::describe(frame.error())));
  sent_.push_back(*frame);
  if (faults_.refuse) throw MeterError(FailureKind::unreachable, "cannot connect to " + describe() + ": Connection refused");
  ++requests_;
  const Answer a = answer(meter_, address_, *frame, clock_(), draw(faults_, rates_, rng_), rng_);
  if (a.send == Answer::Send::nothing) throw MeterError(FailureKind::timeout, "no answer from " + describe());
  if (a.send == Answer::Send::half_then_reset)
    throw MeterError(FailureKind::unreachable, describe() + " closed the connection mid-conversation");
  auto checked = emop::check_response(request, a.bytes);
  if (!checked) throw transport::response_failure(checked.error(), describe());
  co_return emop::Bytes(checked->begin(), checked->end());
}

transport::TransportFactory in_process_factory(std::vector<SimMeter>& fleet, std::function<UtcTime()> clock,
                                               Faults faults) {
  return [&fleet, clock = std::move(clock), faults](boost::asio::any_io_executor,
                                                     const transport::MeterTarget& target)
             -> std::unique_ptr<transport::Transport> {
    for (std::size_t i = 0; i < fleet.size(); ++i) {
      if (fleet[i].serial() != target.serial) continue;
      auto t = std::make_unique<InProcessTransport>(fleet[i], clock, static_cast<std::uint32_t>(i + 1));
      t->set_faults(faults);
      return t;
    }
    struct Nowhere : transport::Transport {
      std::string serial;
      Task<emop::Bytes> exchange(emop::Bytes) override {
        throw MeterError(FailureKind::unreachable, "no simulated meter " + serial);
        co_return emop::Bytes{};
      }
      std::string describe() const override { return "simulated " + serial; }
    };
    auto n = std::make_unique<Nowhere>();
    n->serial = target.serial;
    return n;
  };
}

}  // namespace flows::sim
