#pragma once
// What `mediators serve` is told, and what it makes of it before anything
// starts: every check (listen address against TLS, files readable, numbers in
// range) happens here, so a bad invocation fails in one line before a port opens.
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "config/config.hpp"
#include "gateway/audit.hpp"
#include "gateway/engine.hpp"
#include "gateway/meter_source.hpp"
#include "gateway/server.hpp"
#include "net/direct_transport.hpp"

namespace flows::mediators_app {

struct ServeArgs {
  std::string listen = "127.0.0.1:50051";
  std::string inventory;
  std::string esco;
  std::string env_name;
  std::string tls_cert, tls_key, client_ca;
  std::string access_file;
  std::string name;
  std::string port_file;
  int pace_ms = 100;
  int busy_wait_s = 60;
  int timeout_s = 10;
  int attempts = 5;
  int refresh_s = 300;
  int grace_s = 30;
  int idle_close_s = 5;
};

void add_serve_options(CLI::App& cmd, ServeArgs& a);

struct ServePlan {
  std::string host;  // of --listen, for messages
  net::TransportOptions transport;
  gateway::EngineOptions engine;
  gateway::ServerOptions server;
  std::chrono::milliseconds refresh{300000};
  std::chrono::milliseconds grace{30000};
  std::function<std::unique_ptr<gateway::MeterSource>()> make_source;
  std::function<std::unique_ptr<gateway::Auditor>(std::function<void(const std::string&)> log)> make_auditor;
};

// Throws flows::Error (usage 2, config 3) for what cannot work.
ServePlan plan_serve(const ServeArgs& a, const config::Getenv& getenv);

}  // namespace flows::mediators_app
