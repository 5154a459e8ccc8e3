// emlite-sim: a fleet of simulated Emlite meters speaking the real protocol.
#include <csignal>
#include <filesystem>
#include <iostream>
#include <memory>
#include <map>
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <boost/algorithm/string/join.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>

#include "cli/complete.hpp"
#include "cli/docs.hpp"
#include "cli/run.hpp"
#include "core/emop_time.hpp"
#include "core/error.hpp"
#include "core/files.hpp"
#include "core/version.hpp"
#include "transport/target.hpp"
#include "sim/control_words.hpp"
#include "sim/fleet.hpp"
#include "sim/server.hpp"
#include "sim/token.hpp"
#include "sim/topology.hpp"

namespace asio = boost::asio;
using namespace flows;

namespace {

struct FleetArgs {
  std::string fleet_file;
  int meters = 0;
  std::uint64_t seed = 1;
  std::uint16_t port = 8080;
  int base_port = 0;  // >0: one address, consecutive ports
  std::string host = "127.0.0.1";
};

void add_fleet_options(CLI::App* sub, FleetArgs& a) {
  sub->add_option("--fleet", a.fleet_file, "fleet YAML file (meters: [{serial, kind, host, port, …}])");
  sub->add_option("--meters", a.meters, "generate N meters instead of reading a fleet file")->check(CLI::Range(1, 60000));
  sub->add_option("--seed", a.seed, "seed for a generated fleet")->capture_default_str();
  sub->add_option("--port", a.port, "port of every meter (one loopback address each)")->capture_default_str();
  sub->add_option("--base-port", a.base_port, "put every meter on --host with consecutive ports from this one")
      ->check(CLI::Range(1, 65535));
  sub->add_option("--host", a.host, "address for --base-port")->capture_default_str();
}

UtcTime system_now() { return date::floor<std::chrono::seconds>(std::chrono::system_clock::now()); }

// A generated fleet's meters are installed some time before REFERENCE.
std::vector<sim::MeterSpec> fleet_from(const FleetArgs& a, UtcTime reference = system_now()) {
  if (!a.fleet_file.empty() && a.meters > 0) throw usage_error("give --fleet or --meters, not both");
  if (!a.fleet_file.empty()) return sim::load_fleet_yaml(read_text_file(a.fleet_file), a.fleet_file);
  if (a.meters <= 0) throw usage_error("which meters? give --fleet FILE or --meters N");
  sim::GenerateOptions o;
  o.port = a.port;
  if (a.base_port > 0) {
    o.addressing = sim::GenerateOptions::Addressing::consecutive_ports;
    o.host = a.host;
    o.port = static_cast<std::uint16_t>(a.base_port);
    if (a.base_port + a.meters - 1 > 65535) throw usage_error("--base-port + --meters runs past port 65535");
  }
  o.reference = reference;
  return sim::generate_fleet(a.meters, a.seed, o);
}

void raise_fd_limit() {
  rlimit r{};
  if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < r.rlim_max) {
    r.rlim_cur = r.rlim_max;
    setrlimit(RLIMIT_NOFILE, &r);
  }
}

struct ServeArgs {
  FleetArgs fleet;
  std::string state_dir, control, fleet_out;
  std::string topology_out;  // --topology-out
  std::string start_time;    // --start-time: the simulated clock's first reading (UTC)
  sim::TopologyOptions topology;
  std::vector<std::string> faults, rates;
  int latency_ms = 0;
  int idle_timeout = 30;  // --idle-timeout SECONDS, 0 never
  bool allow_concurrent = false, allow_non_loopback = false, verbose = false;
  std::uint64_t fault_seed = 1;
};

// "2025-10-27T12:00:00Z": an instant, so the zone designator is required.
UtcTime parse_start_time(const std::string& text) {
  if (!text.ends_with('Z')) throw usage_error("--start-time '" + text + "' is not a UTC time such as 2025-10-27T12:00:00Z");
  const auto reading = parse_iso(std::string_view(text).substr(0, text.size() - 1));
  if (!reading) throw usage_error("--start-time '" + text + "' is not a UTC time such as 2025-10-27T12:00:00Z");
  return UtcTime{reading->time_since_epoch()};
}

int run_serve(const ServeArgs& a) {
  raise_fd_limit();
  // The simulated clock: the system clock moved by a fixed offset, so that it
  // reads --start-time now and runs on in real time from there.
  const UtcTime wall = system_now();
  const UtcTime start = a.start_time.empty() ? wall : parse_start_time(a.start_time);
  const auto& table = emop::ObjectTable::builtin();
  std::vector<sim::SimMeter> meters;
  std::vector<sim::MeterSpec> specs;
  if (!a.state_dir.empty())
    if (auto loaded = sim::load_state(a.state_dir, table)) meters = std::move(*loaded);
  if (meters.empty()) {
    specs = fleet_from(a.fleet, start);
    for (auto& s : specs) meters.emplace_back(s, table);
  } else {
    for (auto& m : meters) specs.push_back(m.spec());
  }

  std::map<std::string, sim::Faults> faults;
  for (auto& s : specs) {
    sim::Faults f;
    f.latency = std::chrono::milliseconds(a.latency_ms);
    f.one_connection_at_a_time = !a.allow_concurrent;
    faults[s.serial] = f;
  }
  for (const auto& spec : a.faults) {  // SERIAL=KIND[:ARG]
    auto eq = spec.find('=');
    if (eq == std::string::npos) throw usage_error("--fault '" + spec + "' is not SERIAL=KIND[:ARG]");
    auto serial = spec.substr(0, eq);
    if (!faults.count(serial)) throw usage_error("--fault names " + serial + ", which is not in the fleet");
    sim::apply_fault(faults[serial], spec.substr(eq + 1));
  }
  sim::ServerOptions o;
  for (const auto& r : a.rates) sim::apply_fault_rate(o.rates, r);
  o.seed = a.fault_seed;
  o.time_offset = start - wall;
  o.allow_non_loopback = a.allow_non_loopback;
  o.verbose = a.verbose;
  o.idle_timeout = std::chrono::seconds(a.idle_timeout);
  if (!a.state_dir.empty()) o.state_dir = a.state_dir;

  asio::io_context io(1);
  sim::Server server(io, std::move(meters), faults, o, [](const std::string& line) { std::cerr << line << "\n"; });
  server.start(a.control.empty() ? std::nullopt : std::optional<std::string>(a.control));

  if (!a.fleet_out.empty()) {
    // Written once listening, so a waiting script can start talking to the meters.
    write_file_atomically(a.fleet_out, sim::inventory_to_yaml(specs));
  }
  if (!a.topology_out.empty()) write_file_atomically(a.topology_out, sim::topology_yaml(specs, a.topology));
  std::cerr << "serving " << server.meter_count() << " meters"
            << (a.control.empty() ? "" : ", control on port " + std::to_string(server.control_port())) << "\n";

  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code&, int) {
    server.stop();
    io.stop();
  });
  io.run();
  std::cerr << "stopped" << (a.state_dir.empty() ? "" : ", state saved in " + a.state_dir) << "\n";
  return 0;
}

int run_ctl(const std::string& endpoint, const std::vector<std::string>& words) {
  auto ep = transport::parse_endpoint(endpoint, 0);
  if (!ep || ep->port == 0) throw usage_error("ctl: '" + endpoint + "' is not HOST:PORT");
  const std::string line = boost::algorithm::join(words, " ");
  asio::io_context io;
  asio::ip::tcp::socket s(io);
  boost::system::error_code ec;
  asio::ip::tcp::resolver r(io);
  asio::connect(s, r.resolve(ep->host, std::to_string(ep->port)), ec);
  if (ec) throw Error(ExitCode::unreachable, "ctl: cannot connect to " + endpoint + ": " + ec.message());
  asio::write(s, asio::buffer(line + "\n"));
  asio::streambuf buf;
  asio::read_until(s, buf, '\n');
  std::istream is(&buf);
  std::string answer;
  std::getline(is, answer);
  if (answer.rfind("ok", 0) != 0) throw usage_error("ctl: " + answer);
  std::cout << answer.substr(answer.size() > 2 ? 3 : 2) << "\n";
  return 0;
}

cli::ManPage man_page() {
  cli::ManPage p;
  p.name = "emlite-sim";
  p.summary = "simulated Emlite prepayment meters speaking EMOP, for tests, demos and benchmarks";
  p.date = "2026-11-24";
  p.version = std::string(flows::version);
  p.description =
      "emlite-sim serves a fleet of simulated meters, each on its own loopback address (127.x.y.z, port 8080) "
      "or on consecutive ports of one address. Each meter keeps real state that evolves with the clock: "
      "registers that grow with a load profile, half-hourly profile logs, a prepayment balance that falls with "
      "use and standing charge and rises with valid tokens (each accepted once), active and future tariffs "
      "(a future tariff activates at its time on the meter's clock), clock drift, signal, voltage, event log.\n"
      ".PP\n"
      "It binds loopback addresses only, unless \\fB\\-\\-allow\\-non\\-loopback\\fR is given.\n"
      ".PP\n"
      "A fleet file (\\fB\\-\\-fleet\\fR) or a state file (\\fB\\-\\-state\\-dir\\fR/state.yaml) with an "
      "error, a key or value of the wrong kind (a list where text belongs) included, or that is not such a "
      "file at all, is refused before serving: one line naming the file and, where known, the line (status 3).";
  p.extra_sections = {
      {"FAULTS",
       "\\fB\\-\\-fault\\fR SERIAL=KIND[:ARG] (repeatable) and \\fB\\-\\-fault\\-rate\\fR KIND=P (per request):\n"
       ".TP\n.B latency:MS\nanswer late\n.TP\n.B refuse\nnothing listens: connections are refused\n"
       ".TP\n.B silent\naccept and read, never answer\n.TP\n.B reset\nsend half a response, then reset\n"
       ".TP\n.B bad_crc\nanswer with a wrong CRC\n.TP\n.B garbage\nanswer with bytes that are not a frame\n"
       ".TP\n.B nak:CODE\nrefuse every request with NAK CODE 1\\-7, as a meter does: the request is not applied (a write changes nothing) and the answer carries no value\n"
       ".TP\n.B concurrent\naccept concurrent connections (by default, as real meters, a second one is refused)"},
      {"CONTROL", "With \\fB\\-\\-control\\fR HOST:PORT (loopback), a line protocol: \\fBnow\\fR, "
                  "\\fBadvance\\fR SECONDS (move simulated time forward), \\fBfault\\fR SERIAL KIND, "
                  "\\fBclear\\fR SERIAL, \\fBbalance\\fR SERIAL, \\fBmeter_time\\fR SERIAL, \\fBclock_error\\fR SERIAL (seconds its clock is ahead of the true time), \\fBsave\\fR. "
                  "\\fBemlite\\-sim ctl\\fR HOST:PORT COMMAND… sends one. \\fBadvance\\fR past the end of the meter clock "
                  "(u32 seconds from 2000\\-01\\-01: 2136\\-02\\-07T06:28:15) is refused; a line longer than 64 KiB "
                  "is answered with an error and the connection closed."},
      {"TOKENS", "Simulated meters accept tokens minted by \\fBemlite\\-sim token \\-\\-amount POUNDS \\-\\-nonce N\\fR "
                 "(20 digits: id, check digit, class 0, amount in pence). A token is accepted once; a repeat is "
                 "refused with NAK 6."},
      {"EXIT STATUS", cli::exit_status_roff()},
  };
  return p;
}


using Action = std::function<int()>;

void add_serve_command(CLI::App& app, Action& action) {
  auto serve = std::make_shared<ServeArgs>();
  auto* s = app.add_subcommand("serve", "serve a fleet until interrupted (SIGINT/SIGTERM save state)");
  add_fleet_options(s, serve->fleet);
  s->add_option("--state-dir", serve->state_dir, "keep meter state here across restarts");
  s->add_option("--idle-timeout", serve->idle_timeout,
                "close a meter connection that sends nothing for SECONDS, as real meters do (0: never)")
      ->option_text("SECONDS")
      ->check(CLI::Range(0, 86400))
      ->capture_default_str();
  s->add_option("--control", serve->control, "loopback HOST:PORT for the control line protocol");
  s->add_option("--fleet-out", serve->fleet_out, "write the inventory (serial, host, port, hardware) here once listening");
  s->add_option("--topology-out", serve->topology_out,
                 "write the fleet's topology document (for emop db import) here once listening");
  s->add_option("--start-time", serve->start_time,
                 "UTC instant the simulated clock starts at, e.g. 2025-10-27T12:00:00Z (it runs on in real time; "
                 "default: now)");
  s->add_option("--latency", serve->latency_ms, "added latency of every answer, ms")->check(CLI::Range(0, 600000));
  s->add_option("--fault", serve->faults, "SERIAL=KIND[:ARG]: inject a fault into one meter (repeatable)");
  s->add_option("--fault-rate", serve->rates, "KIND=P: inject a fault into a share P of requests (repeatable)");
  s->add_option("--fault-seed", serve->fault_seed, "seed for --fault-rate draws")->capture_default_str();
  s->add_flag("--allow-concurrent", serve->allow_concurrent, "accept concurrent connections to one meter");
  s->add_flag("--allow-non-loopback", serve->allow_non_loopback, "serve meters on addresses other than 127.x.y.z");
  s->add_flag("-v,--verbose", serve->verbose, "log every request and answer");
  s->callback([&action, serve] { action = [serve] { return run_serve(*serve); }; });
}

// `fleet` and `topology`: documents of a generated fleet, on stdout.
void add_document_commands(CLI::App& app, Action& action) {
  auto fleet = std::make_shared<FleetArgs>();
  auto* f = app.add_subcommand("fleet", "print a generated fleet as YAML (an inventory other tools read)");
  add_fleet_options(f, *fleet);
  f->callback([&action, fleet] {
    action = [fleet] {
      std::cout << sim::fleet_to_yaml(fleet_from(*fleet));
      return 0;
    };
  });

  auto topo_fleet = std::make_shared<FleetArgs>();
  auto topo = std::make_shared<sim::TopologyOptions>();
  auto* tp = app.add_subcommand(
      "topology", "print the topology document of a fleet (ESCO, site, feeder, service heads, properties, meters, "
                  "registers, circuits) for emop db import; one ip address per meter (no --base-port with 2+ meters)");
  add_fleet_options(tp, *topo_fleet);
  tp->add_option("--esco", topo->esco, "ESCO code")->capture_default_str();
  tp->add_option("--region", topo->region, "the ESCO's Ofgem region code")->capture_default_str();
  tp->callback([&action, topo_fleet, topo] {
    action = [topo_fleet, topo] {
      std::cout << sim::topology_yaml(fleet_from(*topo_fleet), *topo);
      return 0;
    };
  });
}

void add_token_command(CLI::App& app, Action& action) {
  struct TokenArgs {
    std::string amount;
    std::uint64_t nonce = 1;
  };
  auto a = std::make_shared<TokenArgs>();
  auto* t = app.add_subcommand("token", "mint a 20-digit token that simulated meters accept");
  t->add_option("--amount", a->amount, "credit in pounds, e.g. 10.00")->required();
  t->add_option("--nonce", a->nonce, "makes the token unique")->capture_default_str();
  t->callback([&action, a] {
    action = [a] {
      auto m = Money::parse(a->amount);
      if (!m) throw usage_error("--amount '" + a->amount + "' is not an amount in pounds");
      std::cout << sim::make_token(*m, a->nonce) << "\n";
      return 0;
    };
  });
}

void add_ctl_command(CLI::App& app, Action& action) {
  struct CtlArgs {
    std::string endpoint;
    std::vector<std::string> words;
  };
  auto a = std::make_shared<CtlArgs>();
  auto* c = app.add_subcommand("ctl", "send one control command to a running emlite-sim");
  c->add_option("endpoint", a->endpoint, "HOST:PORT of --control")->required();
  cli::complete_with(c->add_option("command", a->words,
                                    "now | advance SECONDS | fault SERIAL KIND | clear SERIAL | balance SERIAL | "
                                    "meter_time SERIAL | clock_error SERIAL | save")
                         ->required(),
                     "ctl");
  c->callback([&action, a] { action = [a] { return run_ctl(a->endpoint, a->words); }; });
  cli::add_complete_subcommand(app, {{"ctl", sim::control_completions}}, action);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Simulated Emlite meters speaking EMOP, for tests, demos and benchmarks.", "emlite-sim"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "emlite-sim " + std::string(flows::version));
  Action action;
  cli::add_help_subcommand(app, action);
  add_serve_command(app, action);
  add_document_commands(app, action);
  add_token_command(app, action);
  add_ctl_command(app, action);
  cli::add_docs_subcommand(app, man_page, action);
  return cli::run_tool(app, argc, argv, action);
}
