#include "sim/server.hpp"

#include <sys/socket.h>

#include <cerrno>
#include <filesystem>
#include <sstream>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "core/error.hpp"
#include "core/yaml_values.hpp"
#include "core/files.hpp"
#include "emop/data_field.hpp"
#include "emop/exchange.hpp"
#include "net/deadline.hpp"
#include "net/frame_io.hpp"
#include "sim/responder.hpp"
#include "transport/target.hpp"

namespace asio = boost::asio;
using asio::ip::tcp;

namespace flows::sim {

struct Server::Slot {
  SimMeter meter;
  Faults faults;
  std::uint32_t address = 0;
  std::unique_ptr<tcp::acceptor> acceptor;
  int active = 0;                  // sessions that hold the meter
  tcp::socket* session = nullptr;  // the newest of them
  bool* session_counted = nullptr; // whether it still counts in `active`
};

namespace {

// Whether the client of a session has closed its side (or reset it): a peek
// that reads end of stream. Data waiting, or nothing yet, means it is there.
bool peer_closed(tcp::socket& s) {
  char c;
  const auto n = ::recv(s.native_handle(), &c, 1, MSG_PEEK | MSG_DONTWAIT);
  return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
}

bool is_loopback(const std::string& host) {
  boost::system::error_code ec;
  auto a = asio::ip::make_address(host, ec);
  return !ec && a.is_loopback();
}

}  // namespace

Server::Server(asio::io_context& io, std::vector<SimMeter> meters, std::map<std::string, Faults> faults,
               ServerOptions options, std::function<void(const std::string&)> log)
    : io_(io), options_(std::move(options)), log_(std::move(log)), rng_(options_.seed) {
  std::uint32_t address = 1;
  for (auto& m : meters) {
    auto slot = std::make_unique<Slot>(Slot{std::move(m), {}, address++, nullptr, 0});
    if (auto it = faults.find(slot->meter.serial()); it != faults.end()) slot->faults = it->second;
    slots_.push_back(std::move(slot));
  }
  for (auto& [serial, f] : faults)
    if (!find(serial)) throw usage_error("--fault names " + serial + ", which is not in the fleet");
}

Server::~Server() = default;

std::size_t Server::meter_count() const { return slots_.size(); }

UtcTime Server::now() const {
  return date::floor<std::chrono::seconds>(std::chrono::system_clock::now()) + options_.time_offset;
}

void Server::advance(std::chrono::seconds by) {
  options_.time_offset += by;
  const auto t = now();
  for (auto& s : slots_) s->meter.advance(t);
}

Server::Slot* Server::find(const std::string& serial) {
  for (auto& s : slots_)
    if (s->meter.serial() == serial) return s.get();
  return nullptr;
}

void Server::start(const std::optional<std::string>& control_endpoint) {
  // Bring every meter's model up to now before listening. Each meter starts at its
  // installation time, and the first request would otherwise integrate all the
  // half hours since then (weeks of them), on the one thread, while other meters'
  // requests wait. This is what a request to every meter at start-up would do; the
  // model is additive over time (integer watt-seconds, charges with carries).
  const auto t = now();
  for (auto& s : slots_) s->meter.advance(t);
  for (auto& s : slots_) {
    const auto& spec = s->meter.spec();
    if (!options_.allow_non_loopback && !is_loopback(spec.host))
      throw usage_error("meter " + spec.serial + " is on " + spec.host +
                        ", not a loopback address (127.x.y.z); pass --allow-non-loopback to serve it");
    if (s->faults.refuse) continue;  // nothing listens: connections are refused
    boost::system::error_code ec;
    auto acceptor = std::make_unique<tcp::acceptor>(io_);
    tcp::endpoint ep(asio::ip::make_address(spec.host, ec), spec.port);
    if (ec) throw config_error("meter " + spec.serial + ": bad address " + spec.host);
    acceptor->open(ep.protocol(), ec);
    if (!ec) acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor->bind(ep, ec);
    if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
    if (ec)
      throw config_error("cannot listen on " + spec.host + ":" + std::to_string(spec.port) + " for " + spec.serial + ": " +
                         ec.message());
    s->acceptor = std::move(acceptor);
    asio::co_spawn(io_, accept_loop(*s), asio::detached);
  }
  if (control_endpoint) {
    auto ep = transport::parse_endpoint(*control_endpoint, 0);
    if (!ep) throw usage_error("--control '" + *control_endpoint + "' is not HOST:PORT");
    if (!is_loopback(ep->host)) throw usage_error("the control port binds to loopback only");
    control_ = std::make_unique<tcp::acceptor>(io_, tcp::endpoint(asio::ip::make_address(ep->host), ep->port));
    asio::co_spawn(io_, control_loop(), asio::detached);
  }
}

std::uint16_t Server::control_port() const { return control_ ? control_->local_endpoint().port() : 0; }

void Server::stop() {
  boost::system::error_code ec;
  for (auto& s : slots_)
    if (s->acceptor) s->acceptor->close(ec);
  if (control_) control_->close(ec);
  if (options_.state_dir) save();
}

void Server::save() const {
  if (!options_.state_dir) return;
  YAML::Node root;
  root["time_offset_seconds"] = options_.time_offset.count();
  for (auto& s : slots_) root["meters"].push_back(s->meter.save());
  std::filesystem::create_directories(*options_.state_dir);
  YAML::Emitter e;
  e << root;
  // A crash mid-save leaves the previous state intact, and a saved state survives one.
  write_file_atomically(std::filesystem::path(*options_.state_dir) / "state.yaml", std::string(e.c_str()) + "\n");
}

std::optional<std::vector<SimMeter>> load_state(const std::string& dir, const emop::ObjectTable& table) {
  const auto path = std::filesystem::path(dir) / "state.yaml";
  if (!std::filesystem::exists(path)) return std::nullopt;
  YAML::Node root;
  try {
    root = YAML::Load(read_text_file(path));
  } catch (const YAML::Exception& e) {
    throw config_error(path.string() + ": " + e.what());
  }
  // A corrupt file (hand-edited, truncated, another program's) is an error naming
  // it, whatever yaml-cpp or the meter's loader found wrong.
  if (!root.IsMap() || !root["meters"] || !root["meters"].IsSequence())
    throw config_error(path.string() + ": not a simulator state file (expected a mapping with a 'meters' list)");
  std::vector<SimMeter> meters;
  try {
    for (const auto& m : root["meters"]) meters.push_back(SimMeter::load(m, table));
  } catch (const YAML::Exception& e) {
    yaml_values::rethrow(e, path.string(), ExitCode::config);
  } catch (const Error& e) {
    throw Error(e.code(), path.string() + ": " + e.what());
  }
  return meters;
}

asio::awaitable<void> Server::accept_loop(Slot& slot) {
  for (;;) {
    boost::system::error_code ec;
    tcp::socket socket = co_await slot.acceptor->async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::operation_aborted || !slot.acceptor->is_open()) co_return;
    if (ec) continue;
    std::uniform_real_distribution<double> u(0, 1);
    if (slot.faults.one_connection_at_a_time && slot.active > 0) {
      asio::co_spawn(io_, admit(slot, std::move(socket)), asio::detached);
      continue;
    }
    if (options_.rates.refuse > 0 && u(rng_) < options_.rates.refuse) {
      socket.set_option(asio::socket_base::linger(true, 0), ec);
      socket.close(ec);
      log_(slot.meter.serial() + ": fault: refused a connection");
      continue;
    }
    asio::co_spawn(io_, serve(slot, std::move(socket)), asio::detached);
  }
}

asio::awaitable<void> Server::admit(Slot& slot, tcp::socket socket) {
  using namespace std::chrono_literals;
  constexpr auto grace = 250ms, step = 5ms;
  asio::steady_timer timer(io_);
  for (auto waited = 0ms; slot.active > 0 && waited < grace; waited += step) {
    if (slot.session && peer_closed(*slot.session)) {
      // Its client has gone (the session is still in a latency wait, say): the
      // meter is free for the next one; the old session ends on its own.
      *slot.session_counted = false;
      --slot.active;
      slot.session = nullptr;
      slot.session_counted = nullptr;
      break;
    }
    timer.expires_after(step);
    co_await timer.async_wait(asio::use_awaitable);
  }
  if (slot.active > 0) {
    // The second concurrent connection: closed (reset) before any byte is sent.
    boost::system::error_code ec;
    socket.set_option(asio::socket_base::linger(true, 0), ec);
    socket.close(ec);
    if (options_.verbose) log_(slot.meter.serial() + ": refused a second concurrent connection");
    co_return;
  }
  co_await serve(slot, std::move(socket));  // serve counts itself active before it first waits
}

asio::awaitable<void> Server::serve(Slot& slot, tcp::socket socket) {
  bool counted = true;
  ++slot.active;
  slot.session = &socket;
  slot.session_counted = &counted;
  struct Leave {
    Slot& slot;
    tcp::socket* socket;
    bool& counted;
    ~Leave() {
      if (counted) --slot.active;
      if (slot.session == socket) slot.session = nullptr, slot.session_counted = nullptr;
    }
  } leave{slot, &socket, counted};
  const std::string& serial = slot.meter.serial();
  try {
    for (;;) {
      std::optional<net::Deadline> idle;
      if (options_.idle_timeout.count() > 0) idle.emplace(socket, options_.idle_timeout);
      auto request = co_await net::async_read_frame(socket);
      if (idle && idle->expired()) {
        if (options_.verbose) log_(serial + ": closed a connection idle for " + std::to_string(options_.idle_timeout.count()) + " s");
        co_return;
      }
      idle.reset();
      if (!request) {
        // Not a frame: a real meter would drop the line.
        if (options_.verbose) log_(serial + ": dropped a connection: " + std::string(emop::describe(request.error())));
        co_return;
      }
      Faults f = draw(slot.faults, options_.rates, rng_);
      if (f.latency.count() > 0) {
        asio::steady_timer t(io_, f.latency);
        co_await t.async_wait(asio::use_awaitable);
      }
      Answer a = answer(slot.meter, slot.address, *request, now(), f, rng_);
      if (options_.verbose && a.send != Answer::Send::nothing)
        log_(serial + ": " + emop::loggable_hex(*request) + " -> " + emop::loggable_hex(a.bytes) +
             (a.nak != emop::NakCode::ok ? " (NAK " + std::to_string(int(a.nak)) + ")" : ""));
      for (const auto& note : a.faults) log_(serial + ": fault: " + note);
      if (a.send == Answer::Send::nothing) continue;
      if (a.send == Answer::Send::half_then_reset) {
        co_await net::async_write_frame(socket, emop::ByteView(a.bytes).first(a.bytes.size() / 2));
        boost::system::error_code ec;
        socket.set_option(asio::socket_base::linger(true, 0), ec);
        socket.close(ec);
        co_return;
      }
      co_await net::async_write_frame(socket, a.bytes);
    }
  } catch (const boost::system::system_error&) {
    // The client went away, or stayed idle too long (the deadline cancelled the read).
  }
}

std::string Server::control(const std::string& line) {
  std::istringstream in(line);
  std::string cmd;
  in >> cmd;
  try {
    if (cmd == "now") return "ok " + format_utc(now());
    if (cmd == "advance") {
      long long seconds = -1;
      in >> seconds;
      if (!in || seconds < 0) return "error: advance SECONDS (a non-negative number)";
      // The meter clock is u32 seconds from 2000-01-01: it ends at 2136-02-07T06:28:15.
      const UtcTime clock_end = date::sys_days{date::year{2000} / 1 / 1} + std::chrono::seconds{0xFFFFFFFFLL};
      const long long room = std::max<long long>(0, (clock_end - now()).count());
      if (seconds > room)
        return "error: advance " + std::to_string(seconds) + " is past the end of the meter clock (" +
               format_utc(clock_end) + "): at most " + std::to_string(room) + " seconds from now";
      advance(std::chrono::seconds(seconds));
      return "ok " + format_utc(now());
    }
    if (cmd == "fault") {
      std::string serial, spec;
      in >> serial >> spec;
      Slot* s = find(serial);
      if (!s) return "error: no meter " + serial;
      apply_fault(s->faults, spec);
      return "ok";
    }
    if (cmd == "clear") {
      std::string serial;
      in >> serial;
      Slot* s = find(serial);
      if (!s) return "error: no meter " + serial;
      s->faults = Faults{};
      return "ok";
    }
    if (cmd == "balance") {
      std::string serial;
      in >> serial;
      Slot* s = find(serial);
      if (!s) return "error: no meter " + serial;
      s->meter.advance(now());
      return "ok " + s->meter.balance().to_string();
    }
    if (cmd == "meter_time") {
      std::string serial;
      in >> serial;
      Slot* s = find(serial);
      if (!s) return "error: no meter " + serial;
      return "ok " + format_iso(s->meter.meter_time(now()));
    }
    if (cmd == "clock_error") {  // seconds the meter's clock is ahead of the true time
      std::string serial;
      in >> serial;
      Slot* s = find(serial);
      if (!s) return "error: no meter " + serial;
      return "ok " + std::to_string(s->meter.clock_error_seconds(now()));
    }
    if (cmd == "save") {
      if (!options_.state_dir) return "error: no --state-dir";
      save();
      return "ok";
    }
    return "error: unknown command (now, advance SECONDS, fault SERIAL KIND, clear SERIAL, balance SERIAL, meter_time SERIAL, clock_error SERIAL, save)";
  } catch (const std::exception& e) {
    return std::string("error: ") + e.what();
  }
}

asio::awaitable<void> Server::control_loop() {
  for (;;) {
    boost::system::error_code ec;
    tcp::socket socket = co_await control_->async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::operation_aborted || !control_->is_open()) co_return;
    if (ec) continue;
    asio::co_spawn(io_, control_session(std::move(socket)), asio::detached);
  }
}

// A control line is a command and a few words; anything longer is not one.
constexpr std::size_t max_control_line = 64 * 1024;

asio::awaitable<void> Server::control_session(tcp::socket socket) {
  try {
    asio::streambuf buf(max_control_line);
    for (;;) {
      boost::system::error_code ec;
      co_await asio::async_read_until(socket, buf, '\n', asio::redirect_error(asio::use_awaitable, ec));
      if (ec == asio::error::not_found) {  // the buffer filled without a newline
        const std::string answer = "error: control line longer than " + std::to_string(max_control_line) + " bytes\n";
        co_await asio::async_write(socket, asio::buffer(answer), asio::use_awaitable);
        co_return;
      }
      if (ec) co_return;
      std::istream is(&buf);
      std::string line;
      std::getline(is, line);
      std::string answer = control(line) + "\n";
      co_await asio::async_write(socket, asio::buffer(answer), asio::use_awaitable);
    }
  } catch (const boost::system::system_error&) {
  }
}

}  // namespace flows::sim
