#pragma once
// emlite-sim's server: each simulated meter listens on its own address:port and
// answers EMOP frames through its SimMeter, with faults injected as configured.
// A line-based control port (loopback) lets tests and demos move simulated time,
// change faults and save state.
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "transport/asio.hpp"
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "emop/object_table.hpp"
#include "sim/faults.hpp"
#include "sim/sim_meter.hpp"

namespace flows::sim {

struct ServerOptions {
  FaultRates rates;
  std::uint64_t seed = 1;
  bool allow_non_loopback = false;  // refuse to bind anything but 127.x.y.z unless set
  bool verbose = false;             // log every request
  std::optional<std::string> state_dir;  // persist here on save/stop
  std::chrono::seconds time_offset{0};   // simulated now = system clock + offset
  // A meter connection that sends nothing for this long is closed, as real
  // meters drop idle connections (otherwise it holds the meter busy forever); 0: never.
  std::chrono::seconds idle_timeout{30};
};

class Server {
 public:
  Server(boost::asio::io_context& io, std::vector<SimMeter> meters, std::map<std::string, Faults> faults,
         ServerOptions options, std::function<void(const std::string&)> log);
  ~Server();

  // Binds every meter's listener (and the control port when given). Throws
  // flows::Error(usage) for a non-loopback address, Error(config) when a bind fails.
  void start(const std::optional<std::string>& control_endpoint);
  void stop();  // closes listeners; saves state when a state dir is set

  UtcTime now() const;
  void advance(std::chrono::seconds by);
  void save() const;
  // Handles one control line ("advance 3600", "now", "fault SERIAL KIND", …); returns the answer.
  std::string control(const std::string& line);
  std::uint16_t control_port() const;
  std::size_t meter_count() const;

 private:
  struct Slot;
  boost::asio::awaitable<void> accept_loop(Slot& slot);
  // A connection that arrives while the meter is busy: served if the previous
  // session ends within a moment (its client closed and at once reconnected,
  // and its close was not yet read), else closed before any byte, as a meter
  // with one connection does.
  boost::asio::awaitable<void> admit(Slot& slot, boost::asio::ip::tcp::socket socket);
  boost::asio::awaitable<void> serve(Slot& slot, boost::asio::ip::tcp::socket socket);
  boost::asio::awaitable<void> control_loop();
  boost::asio::awaitable<void> control_session(boost::asio::ip::tcp::socket socket);
  Slot* find(const std::string& serial);

  boost::asio::io_context& io_;
  std::vector<std::unique_ptr<Slot>> slots_;
  ServerOptions options_;
  std::function<void(const std::string&)> log_;
  std::mt19937_64 rng_;
  std::unique_ptr<boost::asio::ip::tcp::acceptor> control_;
};

// Loads a fleet's state from `dir/state.yaml` when it exists (nullopt otherwise).
std::optional<std::vector<SimMeter>> load_state(const std::string& dir, const emop::ObjectTable& table);

}  // namespace flows::sim
