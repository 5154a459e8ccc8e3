#pragma once
// emop's side of the mediator: a Transport that carries each request through a
// gateway (this project's or a deployed one) over the fixed wire, and the
// InfoService calls `emop list`/`info` make without a database. The gateway
// does the retries and the pacing; a failure comes back as the same MeterError
// (and exit status) a direct connection gives, with a delivered write's outcome
// reported unknown, never as failed.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "transport/transport.hpp"

namespace grpc {
class Channel;
}

namespace flows::gateway {

struct ClientTls {
  std::string cert_pem, key_pem, ca_pem;
  std::string target_name = "cepro-mediators";  // the name deployed server certificates carry
};

struct ClientOptions {
  std::string address;                       // HOST:PORT
  std::optional<ClientTls> tls;
  std::chrono::milliseconds deadline{75000};  // per call, as deployed clients give it
  // Each request (as the frame a direct connection would send, tokens masked) and its answer.
  std::function<void(const std::string&)> log_exchange;
};

// One channel for all meters; connecting is lazy (a gateway that is down fails
// each call as unreachable).
std::shared_ptr<grpc::Channel> open_channel(const ClientOptions& o);

transport::TransportFactory mediator_factory(ClientOptions o);

// What a running gateway says of itself (grpc.health.v1 and GatewayStats).
struct GatewayHealth {
  bool reachable = false;
  bool serving = false;
  std::string error;  // why not reachable, one line
  std::string name, esco, version, last_error, last_error_time;
  std::uint32_t meters_served = 0, calls_in_flight = 0;
  std::uint64_t calls_total = 0, calls_failed = 0, uptime_seconds = 0;
};
// Blocking, within `o.deadline`; never throws.
GatewayHealth fetch_health(const ClientOptions& o);

// Blocking InfoService calls; failures as flows::Error (4 unreachable, 3 refused, 2 unknown serial).
class InfoClient {
 public:
  explicit InfoClient(ClientOptions o);
  std::string meters_json(const std::string& esco);
  std::string info_json(const std::string& serial);

 private:
  ClientOptions options_;
  std::shared_ptr<grpc::Channel> channel_;
};

}  // namespace flows::gateway
