#include "gateway/server.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <fmt/format.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>

#include "core/error.hpp"
#include "core/version.hpp"
#include "emop/exchange.hpp"
#include "gateway/certs.hpp"
#include "gateway/proto/gateway_stats.grpc.pb.h"
#include "gateway/proto/mediator.grpc.pb.h"

namespace flows::gateway {
namespace asio = boost::asio;
namespace pb = simt_emlite::mediator::grpc;
namespace stats_pb = flows::gateway::v1;

namespace {

grpc::Status to_grpc(const WireStatus& s) {
  if (s.code == Code::ok) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(s.code), s.message);
}

std::string code_name(Code c) {
  switch (c) {
    case Code::ok: return "ok";
    case Code::cancelled: return "CANCELLED";
    case Code::invalid_argument: return "INVALID_ARGUMENT";
    case Code::deadline_exceeded: return "DEADLINE_EXCEEDED";
    case Code::not_found: return "NOT_FOUND";
    case Code::permission_denied: return "PERMISSION_DENIED";
    case Code::resource_exhausted: return "RESOURCE_EXHAUSTED";
    case Code::internal: return "INTERNAL";
    case Code::unavailable: return "UNAVAILABLE";
    case Code::unauthenticated: return "UNAUTHENTICATED";
  }
  return "UNKNOWN";
}

std::string first_property(const grpc::AuthContext& auth, const char* name) {
  auto v = auth.FindPropertyValues(name);
  if (v.empty()) return "";
  return std::string(v.front().data(), v.front().size());
}

std::optional<emop::ObjectId> object_in(emop::ByteView data_field) {
  auto f = emop::decode_data_field(data_field);
  if (!f || !f->object_id) return std::nullopt;
  return *f->object_id;
}

}  // namespace

bool is_loopback_listen(const std::string& listen) {
  std::string host = listen;
  if (!host.empty() && host.front() == '[') {
    host = host.substr(1, host.find(']') - 1);
  } else if (auto colon = host.rfind(':'); colon != std::string::npos) {
    host = host.substr(0, colon);
  }
  if (host.starts_with("127.")) return true;
  return host == "::1" || host == "localhost";
}

namespace {

// One call's facts, for its log line and its audit record.
struct CallFacts {
  Caller caller;
  Method method = Method::read_element;
  std::string serial;
  std::optional<emop::ObjectId> object;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  long long ms() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  }
};

}  // namespace

struct GatewayServer::Impl {
  Impl(Engine& e, asio::io_context& i, MeterSource& s, Auditor& a, ServerOptions o)
      : engine(e), io(i), source(s), audit(a), options(std::move(o)) {}

  Engine& engine;
  asio::io_context& io;
  MeterSource& source;
  Auditor& audit;
  ServerOptions options;
  asio::thread_pool workers{2};
  std::unique_ptr<grpc::Server> server;
  std::unique_ptr<grpc::Service> mediator, info, stats;
  int port = 0;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();

  void log(const std::string& line) const {
    if (options.log) options.log(line);
  }

  // The caller as its certificate names it; nullopt without one (TLS on).
  std::optional<Caller> caller_of(grpc::CallbackServerContext* ctx) const {
    if (!options.tls) return local_caller();
    auto auth = ctx->auth_context();
    if (!auth || !auth->IsPeerAuthenticated()) return std::nullopt;
    auto identity = identity_of_pem(first_property(*auth, "x509_pem_cert"));
    if (!identity || !valid_client_id(identity->common_name)) return std::nullopt;
    return Caller{identity->common_name, identity->organizational_unit};
  }

  void finish(grpc::ServerUnaryReactor* reactor, const CallFacts& f, const WireStatus& s, const std::string& detail = "") {
    std::string object = f.object ? fmt::format("0x{:06x}", *f.object) : "-";
    std::string outcome = s.code == Code::ok ? "ok" : code_name(s.code) + " \"" + s.message + "\"";
    if (!detail.empty()) outcome += " (" + detail + ")";
    log(fmt::format("call client={} method={} serial={} object={} outcome={} ms={}", f.caller.client_id.empty() ? "-" : f.caller.client_id,
                    method_name(f.method), f.serial.empty() ? "-" : f.serial, object, outcome, f.ms()));
    reactor->Finish(to_grpc(s));
  }

  // Who may make the call at all; the refusal when not.
  std::optional<WireStatus> refusal(grpc::CallbackServerContext* ctx, CallFacts& f) const {
    auto caller = caller_of(ctx);
    if (!caller) return unauthenticated();
    f.caller = *caller;
    if (!permitted(options.access, f.caller, f.method)) return permission_denied();
    return std::nullopt;
  }

  // A call that talks to a meter: checked, audited when it writes, then handed
  // to the engine's loop; `fill` puts the response into the reply.
  void meter_call(grpc::CallbackServerContext* ctx, grpc::ServerUnaryReactor* reactor, CallFacts f, emop::Bytes request,
                  std::function<void(const emop::Bytes&)> fill) {
    if (auto no = refusal(ctx, f)) return finish(reactor, f, *no);
    if (f.serial.empty()) return finish(reactor, f, no_serial());
    if (!engine.serves(f.serial)) return finish(reactor, f, unknown_meter(f.serial));
    if (!emop::encode_request(request)) return finish(reactor, f, bad_data_field("too long for one frame"));
    if (!is_write_call(f.method, request)) return converse(reactor, std::move(f), std::move(request), std::move(fill), std::nullopt);
    asio::post(workers, [this, reactor, f = std::move(f), request = std::move(request), fill = std::move(fill)]() mutable {
      auto entry = audit_entry(f);
      std::int64_t id = 0;
      try {
        id = audit.attempted(entry);
      } catch (const std::exception& e) {
        return finish(reactor, f, {Code::internal, "Meter communication failed: the write could not be audited, so it was not sent"}, e.what());
      }
      converse(reactor, std::move(f), std::move(request), std::move(fill), std::make_pair(id, entry));
    });
  }

  static AuditEntry audit_entry(const CallFacts& f) {
    return {f.caller.client_id, f.caller.role, std::string(method_name(f.method)), f.serial, f.object.value_or(0),
            std::chrono::system_clock::now()};
  }

  void converse(grpc::ServerUnaryReactor* reactor, CallFacts f, emop::Bytes request, std::function<void(const emop::Bytes&)> fill,
                std::optional<std::pair<std::int64_t, AuditEntry>> audited) {
    auto call = engine.call(f.serial, std::move(request));  // before f moves into the handler
    asio::co_spawn(io, std::move(call),
                   [this, reactor, f = std::move(f), fill = std::move(fill), audited](std::exception_ptr ep, CallResult r) {
                     if (ep) r.status = {Code::internal, "Meter communication failed"};
                     if (r.status.code == Code::ok) fill(r.response);
                     if (!audited) return finish(reactor, f, r.status, r.detail);
                     asio::post(workers, [this, reactor, f, r, audited] {
                       AuditEnd end{r.status.code == Code::ok ? "done" : r.outcome_unknown ? "unknown" : "failed",
                                    r.status.code == Code::ok ? "" : r.status.message, std::chrono::system_clock::now(), f.ms()};
                       try {
                         audit.ended(audited->first, audited->second, end);
                       } catch (const std::exception& e) {
                         log(std::string("audit: could not record the end of write ") + std::to_string(audited->first) + ": " + e.what());
                       }
                       finish(reactor, f, r.status, r.detail);
                     });
                   });
  }

  // An InfoService call: checked, then answered off the loop by the meter source.
  void info_call(grpc::CallbackServerContext* ctx, grpc::ServerUnaryReactor* reactor, CallFacts f,
                 std::function<WireStatus()> answer) {
    if (auto no = refusal(ctx, f)) return finish(reactor, f, *no);
    asio::post(workers, [this, reactor, f = std::move(f), answer = std::move(answer)] {
      WireStatus s;
      std::string detail;
      try {
        s = answer();
      } catch (const std::exception& e) {
        s = {Code::internal, "meter information unavailable"};
        detail = e.what();
      }
      finish(reactor, f, s, detail);
    });
  }
};

namespace {

class MediatorService final : public pb::EmliteMediatorService::CallbackService {
 public:
  explicit MediatorService(GatewayServer::Impl& g) : g_(g) {}

  grpc::ServerUnaryReactor* sendRawMessage(grpc::CallbackServerContext* ctx, const pb::SendRawMessageRequest* req,
                                           pb::SendRawMessageReply* reply) override {
    auto* reactor = ctx->DefaultReactor();
    emop::Bytes data(req->datafield().begin(), req->datafield().end());
    CallFacts f{{}, Method::send_raw_message, req->serial(), object_in(data)};
    if (auto bad = emop::decode_data_field(data); !bad) {
      if (auto no = g_.refusal(ctx, f)) return g_.finish(reactor, f, *no), reactor;
      return g_.finish(reactor, f, bad_data_field(emop::describe(bad.error()))), reactor;
    }
    g_.meter_call(ctx, reactor, std::move(f), std::move(data), [reply](const emop::Bytes& response) {
      const auto bytes = raw_reply(response);
      reply->set_response(std::string(bytes.begin(), bytes.end()));
    });
    return reactor;
  }

  grpc::ServerUnaryReactor* readElement(grpc::CallbackServerContext* ctx, const pb::ReadElementRequest* req,
                                        pb::ReadElementReply* reply) override {
    auto* reactor = ctx->DefaultReactor();
    CallFacts f{{}, Method::read_element, req->serial(), object_id_of(req->objectid())};
    if (!f.object) return refuse_bad_id(ctx, reactor, f, req->objectid()), reactor;
    g_.meter_call(ctx, reactor, std::move(f), emop::encode_read(*object_id_of(req->objectid())),
                  [reply](const emop::Bytes& response) {
                    const auto bytes = read_reply(response);
                    reply->set_response(std::string(bytes.begin(), bytes.end()));
                  });
    return reactor;
  }

  grpc::ServerUnaryReactor* writeElement(grpc::CallbackServerContext* ctx, const pb::WriteElementRequest* req,
                                         pb::WriteElementReply*) override {
    auto* reactor = ctx->DefaultReactor();
    CallFacts f{{}, Method::write_element, req->serial(), object_id_of(req->objectid())};
    if (!f.object) return refuse_bad_id(ctx, reactor, f, req->objectid()), reactor;
    const auto& p = req->payload();
    auto request = emop::encode_write(*f.object, emop::ByteView(reinterpret_cast<const std::uint8_t*>(p.data()), p.size()));
    g_.meter_call(ctx, reactor, std::move(f), std::move(request), [](const emop::Bytes&) {});
    return reactor;
  }

 private:
  void refuse_bad_id(grpc::CallbackServerContext* ctx, grpc::ServerUnaryReactor* reactor, CallFacts& f, std::int64_t id) {
    if (auto no = g_.refusal(ctx, f)) return g_.finish(reactor, f, *no);
    g_.finish(reactor, f, bad_object_id(id));
  }
  GatewayServer::Impl& g_;
};

class InfoServiceImpl final : public pb::InfoService::CallbackService {
 public:
  explicit InfoServiceImpl(GatewayServer::Impl& g) : g_(g) {}

  grpc::ServerUnaryReactor* GetInfo(grpc::CallbackServerContext* ctx, const pb::GetInfoRequest* req,
                                    pb::GetInfoReply* reply) override {
    auto* reactor = ctx->DefaultReactor();
    std::string serial = req->serial();
    g_.info_call(ctx, reactor, CallFacts{{}, Method::get_info, serial, std::nullopt}, [this, serial, reply]() -> WireStatus {
      if (serial.empty()) return no_serial();
      auto json = g_.source.info_json(serial);
      if (!json) return unknown_meter(serial);
      reply->set_json_data(*json);
      return {};
    });
    return reactor;
  }

  grpc::ServerUnaryReactor* GetMeters(grpc::CallbackServerContext* ctx, const pb::GetMetersRequest* req,
                                      pb::GetMetersReply* reply) override {
    auto* reactor = ctx->DefaultReactor();
    std::string esco = req->esco();
    g_.info_call(ctx, reactor, CallFacts{{}, Method::get_meters, "", std::nullopt}, [this, esco, reply]() -> WireStatus {
      reply->set_json_meters(g_.source.meters_json(esco));
      return {};
    });
    return reactor;
  }

 private:
  GatewayServer::Impl& g_;
};

class StatsService final : public stats_pb::GatewayStats::CallbackService {
 public:
  explicit StatsService(GatewayServer::Impl& g) : g_(g) {}

  grpc::ServerUnaryReactor* GetStats(grpc::CallbackServerContext* ctx, const stats_pb::GetStatsRequest*,
                                     stats_pb::GetStatsReply* reply) override {
    auto* reactor = ctx->DefaultReactor();
    if (!g_.caller_of(ctx)) {
      reactor->Finish(to_grpc(unauthenticated()));
      return reactor;
    }
    const auto s = g_.engine.stats();
    reply->set_name(g_.options.name);
    reply->set_esco(g_.options.esco);
    reply->set_meters_served(static_cast<std::uint32_t>(s.meters_served));
    reply->set_calls_in_flight(static_cast<std::uint32_t>(s.calls_in_flight));
    reply->set_calls_total(s.calls_total);
    reply->set_calls_failed(s.calls_failed);
    reply->set_last_error(s.last_error);
    reply->set_last_error_time(s.last_error.empty() ? "" : rfc3339_utc(s.last_error_at));
    reply->set_uptime_seconds(static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - g_.started).count()));
    reply->set_version(std::string(flows::version));
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }

 private:
  GatewayServer::Impl& g_;
};

}  // namespace

GatewayServer::GatewayServer(Engine& engine, asio::io_context& io, MeterSource& source, Auditor& audit, ServerOptions options)
    : impl_(std::make_unique<Impl>(engine, io, source, audit, std::move(options))) {}

GatewayServer::~GatewayServer() {
  if (impl_->server) shutdown(std::chrono::milliseconds(0));
  impl_->workers.join();
}

void GatewayServer::start() {
  auto& g = *impl_;
  grpc::EnableDefaultHealthCheckService(true);
  g.mediator = std::make_unique<MediatorService>(g);
  g.info = std::make_unique<InfoServiceImpl>(g);
  g.stats = std::make_unique<StatsService>(g);
  grpc::ServerBuilder builder;
  std::shared_ptr<grpc::ServerCredentials> creds;
  if (g.options.tls) {
    grpc::SslServerCredentialsOptions ssl(GRPC_SSL_REQUEST_CLIENT_CERTIFICATE_AND_VERIFY);
    ssl.pem_root_certs = g.options.tls->client_ca_pem;
    ssl.pem_key_cert_pairs.push_back({g.options.tls->key_pem, g.options.tls->cert_pem});
    creds = grpc::SslServerCredentials(ssl);
  } else {
    creds = grpc::InsecureServerCredentials();
  }
  builder.AddListeningPort(g.options.listen, creds, &g.port);
  builder.SetMaxReceiveMessageSize(g.options.max_request_bytes);
  // gRPC would share a port in use (SO_REUSEPORT): a second gateway must fail instead.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.RegisterService(g.mediator.get());
  builder.RegisterService(g.info.get());
  builder.RegisterService(g.stats.get());
  g.server = builder.BuildAndStart();
  if (!g.server || g.port == 0)
    throw config_error("cannot listen on " + g.options.listen +
                       (g.options.tls ? " (address in use, or the TLS certificate and key do not load)" : " (address in use?)"));
}

int GatewayServer::port() const { return impl_->port; }

void GatewayServer::shutdown(std::chrono::milliseconds grace) {
  auto& g = *impl_;
  if (!g.server) return;
  if (auto* health = g.server->GetHealthCheckService()) health->SetServingStatus(false);
  g.server->Shutdown(std::chrono::system_clock::now() + grace);
  g.server->Wait();
  g.server.reset();
}

}  // namespace flows::gateway
