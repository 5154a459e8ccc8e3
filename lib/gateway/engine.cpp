#include "gateway/engine.hpp"

#include <exception>

namespace flows::gateway {

struct Engine::Line {
  Line(boost::asio::any_io_executor ex, transport::MeterTarget t) : target(std::move(t)), lock(std::move(ex)) {}
  transport::MeterTarget target;
  std::unique_ptr<transport::Transport> transport;
  net::AsyncMutex lock;
  std::chrono::steady_clock::time_point last_used = std::chrono::steady_clock::now();
};

Engine::Engine(boost::asio::any_io_executor ex, transport::TransportFactory factory, EngineOptions options)
    : ex_(std::move(ex)), factory_(std::move(factory)), options_(options) {}

void Engine::set_meters(const std::vector<transport::MeterTarget>& meters) {
  std::map<std::string, transport::MeterTarget, std::less<>> next;
  for (const auto& m : meters) next.emplace(m.serial, m);
  std::lock_guard g(mutex_);
  targets_ = std::move(next);
}

bool Engine::serves(const std::string& serial) const {
  std::lock_guard g(mutex_);
  return targets_.contains(serial);
}

std::vector<transport::MeterTarget> Engine::meters() const {
  std::lock_guard g(mutex_);
  std::vector<transport::MeterTarget> out;
  out.reserve(targets_.size());
  for (const auto& [serial, t] : targets_) out.push_back(t);
  return out;
}

std::shared_ptr<Engine::Line> Engine::line_for(const std::string& serial) {
  transport::MeterTarget target;
  {
    std::lock_guard g(mutex_);
    auto t = targets_.find(serial);
    if (t == targets_.end()) return nullptr;
    target = t->second;
  }
  auto& line = lines_[serial];
  // A meter that moved gets a new line; a call still on the old one finishes there.
  if (!line || line->target.endpoint.to_string() != target.endpoint.to_string())
    line = std::make_shared<Line>(ex_, std::move(target));
  return line;
}

Task<CallResult> Engine::converse(Line& line, const std::string& serial, emop::Bytes request) {
  CallResult r;
  r.write = emop::is_write_request(request);
  if (!co_await line.lock.lock_within(options_.busy_wait)) {
    r.status = meter_busy(serial);
    co_return r;
  }
  struct Unlock {
    Line& l;
    bool close_now;
    ~Unlock() {
      l.last_used = std::chrono::steady_clock::now();
      // With no idle time allowed, the connection ends with the last waiting call.
      if (close_now && l.lock.waiting() == 0 && l.transport) l.transport->close();
      l.lock.unlock();
    }
  } unlock{line, options_.idle_close.count() == 0};
  try {
    if (!line.transport) line.transport = factory_(ex_, line.target);
    r.response = co_await line.transport->exchange(std::move(request));
  } catch (const transport::MeterError& e) {
    r.status = status_for_failure(e, r.write);
    r.outcome_unknown = r.write && e.delivered() && e.kind() != transport::FailureKind::nak;
    r.detail = e.what();
  } catch (const std::exception& e) {
    r.status = {Code::internal, "Meter communication failed"};
    r.detail = e.what();
  }
  co_return r;
}

Task<CallResult> Engine::call(std::string serial, emop::Bytes request) {
  if (serial.empty()) co_return CallResult{no_serial(), {}, false, false, {}};
  auto line = line_for(serial);
  if (!line) co_return CallResult{unknown_meter(serial), {}, emop::is_write_request(request), false, {}};
  ++in_flight_;
  struct Leave {
    std::atomic<std::size_t>& n;
    ~Leave() { --n; }
  } leave{in_flight_};
  CallResult r = co_await converse(*line, serial, std::move(request));
  count(r, serial);
  co_return r;
}

void Engine::count(const CallResult& r, const std::string& serial) {
  std::lock_guard g(mutex_);
  ++calls_total_;
  if (r.status.code == Code::ok) return;
  ++calls_failed_;
  last_error_ = serial + ": " + r.status.message;
  last_error_at_ = std::chrono::system_clock::now();
}

void Engine::close_idle() {
  const auto now = std::chrono::steady_clock::now();
  for (auto it = lines_.begin(); it != lines_.end();) {
    Line& l = *it->second;
    const bool idle = !l.lock.busy() && now - l.last_used >= options_.idle_close;
    if (idle && !serves(it->first)) {
      it = lines_.erase(it);
      continue;
    }
    if (idle && l.transport) l.transport->close();
    ++it;
  }
}

EngineStats Engine::stats() const {
  std::lock_guard g(mutex_);
  EngineStats s;
  s.meters_served = targets_.size();
  s.calls_in_flight = in_flight_.load();
  s.calls_total = calls_total_;
  s.calls_failed = calls_failed_;
  s.last_error = last_error_;
  s.last_error_at = last_error_at_;
  return s;
}

}  // namespace flows::gateway
