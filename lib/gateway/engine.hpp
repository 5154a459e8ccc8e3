#pragma once
// The gateway's core, on one Asio event loop: the meters it serves, one
// conversation per meter at a time (others wait up to `busy_wait`, then are
// told the meter is busy), each meter's transport (pacing, timeouts and retries
// are the transport's), and the answer of every call as the wire's status. No
// gRPC here: the server and the tests drive it alike.
#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include "gateway/wire.hpp"
#include "net/async_mutex.hpp"
#include "transport/asio.hpp"
#include "transport/transport.hpp"

namespace flows::gateway {

struct EngineOptions {
  std::chrono::milliseconds busy_wait{60000};  // how long a call waits for a busy meter
  // A meter's connection is closed after this long unused; 0: as soon as no call waits for it.
  std::chrono::milliseconds idle_close{5000};
};

// What one call came to: OK with the meter's response data field, or a refusal
// or failure as the wire states it.
struct CallResult {
  WireStatus status;
  emop::Bytes response;  // the response data field when status is OK
  bool write = false;
  // For a failed write: whether it may have reached the meter (outcome unknown).
  bool outcome_unknown = false;
  std::string detail;  // the failure in full, for the gateway's own log (never sent to the client)
};

struct EngineStats {
  std::size_t meters_served = 0;
  std::size_t calls_in_flight = 0;
  std::uint64_t calls_total = 0;
  std::uint64_t calls_failed = 0;
  std::string last_error;                                // one line, "" when none
  std::chrono::system_clock::time_point last_error_at{};  // epoch when none
};

class Engine {
 public:
  Engine(boost::asio::any_io_executor ex, transport::TransportFactory factory, EngineOptions options);

  // The meters served from now on (a refresh). A meter that stays keeps its
  // conversation; one whose address changed gets a new transport once idle; a
  // meter no longer listed is refused from now on (calls already under way end).
  // Thread-safe.
  void set_meters(const std::vector<transport::MeterTarget>& meters);
  bool serves(const std::string& serial) const;
  std::vector<transport::MeterTarget> meters() const;

  // Sends one request data field to the meter. Never throws for a meter's failure.
  Task<CallResult> call(std::string serial, emop::Bytes request);

  // Closes the connections of meters unused for idle_close (run periodically).
  void close_idle();
  // Thread-safe.
  EngineStats stats() const;

 private:
  struct Line;
  std::shared_ptr<Line> line_for(const std::string& serial);
  Task<CallResult> converse(Line& line, const std::string& serial, emop::Bytes request);
  void count(const CallResult& r, const std::string& serial);

  boost::asio::any_io_executor ex_;
  transport::TransportFactory factory_;
  EngineOptions options_;
  mutable std::mutex mutex_;  // guards targets_ and the stats below (lines_ is the loop's alone)
  std::map<std::string, transport::MeterTarget, std::less<>> targets_;
  std::map<std::string, std::shared_ptr<Line>, std::less<>> lines_;
  std::atomic<std::size_t> in_flight_{0};
  std::uint64_t calls_total_ = 0, calls_failed_ = 0;
  std::string last_error_;
  std::chrono::system_clock::time_point last_error_at_{};
};

}  // namespace flows::gateway
