// mediators serve: the gateway itself, in the foreground, until SIGTERM/SIGINT
// (calls in flight get --grace to finish); SIGHUP reloads the meters.
#include <csignal>
#include <fstream>
#include <iostream>
#include <mutex>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <sys/resource.h>

#include "cli.hpp"
#include "core/error.hpp"
#include "core/files.hpp"
#include "core/text.hpp"
#include "gateway/access.hpp"
#include "gateway/server.hpp"
#include "net/direct_transport.hpp"
#include "serve_options.hpp"

namespace flows::mediators_app {
namespace asio = boost::asio;

namespace {

std::mutex log_mutex;
// What the gateway does, one line each (not prefixed: only errors and warnings
// start with the tool's name).
void log_line(const std::string& line) {
  std::lock_guard g(log_mutex);
  std::cerr << line << "\n";
}

// The meters, loaded now and on every refresh; a failed refresh keeps the last list.
class Refresher {
 public:
  Refresher(gateway::MeterSource& source, gateway::Engine& engine) : source_(source), engine_(engine) {}
  void load_or_throw() { engine_.set_meters(source_.load()); }
  void refresh(const char* why) {
    try {
      auto meters = source_.load();
      engine_.set_meters(meters);
      log_line(std::string(why) + ": serving " + count_of(static_cast<long long>(meters.size()), "meter") + " from " + source_.describe());
    } catch (const std::exception& e) {
      log_line("mediators: warning: " + std::string(why) + ": could not reload the meters (" + e.what() +
               "); still serving the last list");
    }
  }

 private:
  gateway::MeterSource& source_;
  gateway::Engine& engine_;
};

void every(asio::steady_timer& t, std::chrono::milliseconds period, std::function<void()> f) {
  t.expires_after(period);
  t.async_wait([&t, period, f](boost::system::error_code ec) {
    if (ec) return;
    f();
    every(t, period, f);
  });
}

void raise_descriptor_limit() {
  if (rlimit r{}; getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < r.rlim_max) {
    r.rlim_cur = r.rlim_max;
    setrlimit(RLIMIT_NOFILE, &r);
  }
}

int run_serve(const ServeArgs& a) {
  const auto plan = plan_serve(a, config::process_env());
  raise_descriptor_limit();
  asio::io_context io;
  gateway::Engine engine(io.get_executor(), net::direct_factory(plan.transport), plan.engine);
  auto source = plan.make_source();
  Refresher refresher(*source, engine);
  refresher.load_or_throw();
  auto auditor = plan.make_auditor(log_line);
  auto options = plan.server;
  options.log = log_line;
  gateway::GatewayServer server(engine, io, *source, *auditor, options);
  server.start();
  if (!a.port_file.empty()) write_file_atomically(a.port_file, std::to_string(server.port()) + "\n");
  log_line("serving " + count_of(static_cast<long long>(engine.meters().size()), "meter") + " from " + source->describe() + " on " +
           plan.host + ":" + std::to_string(server.port()) + (plan.server.tls ? " (TLS, client certificates required)" : " (no TLS: loopback only)"));

  asio::thread_pool background(1);  // reloads (they may query the database)
  asio::steady_timer refresh_timer(io), idle_timer(io);
  every(refresh_timer, plan.refresh, [&] { asio::post(background, [&] { refresher.refresh("refresh"); }); });
  every(idle_timer, std::chrono::seconds(1), [&] { engine.close_idle(); });

  asio::signal_set signals(io, SIGINT, SIGTERM, SIGHUP);
  std::thread stopper;
  std::function<void(boost::system::error_code, int)> on_signal = [&](boost::system::error_code ec, int sig) {
    if (ec) return;
    if (sig == SIGHUP) {
      asio::post(background, [&] { refresher.refresh("SIGHUP"); });
      signals.async_wait(on_signal);
      return;
    }
    log_line("stopping: calls in flight get " + std::to_string(plan.grace.count() / 1000) + " s to finish");
    refresh_timer.cancel();
    idle_timer.cancel();
    // Shutdown waits for calls in flight, which need the loop: it runs beside it.
    stopper = std::thread([&] {
      server.shutdown(plan.grace);
      io.stop();
    });
  };
  signals.async_wait(on_signal);
  io.run();
  if (stopper.joinable()) stopper.join();
  background.join();
  log_line("stopped");
  return 0;
}

}  // namespace

void add_serve_command(CLI::App& app, Action& action) {
  static ServeArgs a;
  auto* serve = app.add_subcommand("serve", "serve the gateway in the foreground until SIGTERM (SIGHUP reloads the meters)");
  add_serve_options(*serve, a);
  serve->callback([&action] { action = [] { return run_serve(a); }; });
}

}  // namespace flows::mediators_app
