#pragma once
// The gateway on gRPC: EmliteMediatorService and InfoService exactly as the
// deployed wire has them, the standard grpc.health.v1 health service, and the
// gateway's own GatewayStats. Calls are gRPC callbacks that hand the meter
// conversation to the Engine's event loop (no thread per call); blocking work
// (the audit record, the database) goes to a small worker pool.
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/io_context.hpp>

#include "gateway/access.hpp"
#include "gateway/audit.hpp"
#include "gateway/engine.hpp"
#include "gateway/meter_source.hpp"

namespace flows::gateway {

// PEM texts. With them the gateway requires a client certificate signed by the
// client CA on every call; CN is the client id, OU the role.
struct TlsMaterial {
  std::string cert_pem, key_pem, client_ca_pem;
};

struct ServerOptions {
  std::string listen = "127.0.0.1:50051";
  std::optional<TlsMaterial> tls;
  AccessPolicy access;
  std::string name;  // for GetStats
  std::string esco;  // for GetStats; "" for all
  int max_request_bytes = 16 * 1024;  // larger requests are refused by gRPC (RESOURCE_EXHAUSTED)
  // One line per call: client, method, serial, object, outcome, ms; and the audit without a database.
  std::function<void(const std::string&)> log;
};

// Whether HOST of HOST:PORT is a loopback address (127.0.0.0/8, ::1, localhost).
bool is_loopback_listen(const std::string& listen);

class GatewayServer {
 public:
  // engine runs on io (which the caller runs); source, audit outlive the server.
  GatewayServer(Engine& engine, boost::asio::io_context& io, MeterSource& source, Auditor& audit, ServerOptions options);
  ~GatewayServer();
  // Listens; throws flows::Error(config) when it cannot (address in use, bad TLS material).
  void start();
  // The port bound (for --listen HOST:0).
  int port() const;
  // Stops taking calls; calls in flight get until `grace` to finish, then are cancelled.
  void shutdown(std::chrono::milliseconds grace);

  struct Impl;  // server.cpp's services reach it; nothing outside does

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace flows::gateway
