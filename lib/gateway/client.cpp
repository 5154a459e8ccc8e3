#include "gateway/client.hpp"

#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <grpcpp/grpcpp.h>

#include "core/error.hpp"
#include "emop/exchange.hpp"
#include "gateway/proto/gateway_stats.grpc.pb.h"
#include "gateway/proto/mediator.grpc.pb.h"
#include "gateway/wire.hpp"

namespace flows::gateway {
namespace asio = boost::asio;
namespace pb = simt_emlite::mediator::grpc;

std::shared_ptr<grpc::Channel> open_channel(const ClientOptions& o) {
  grpc::ChannelArguments args;
  std::shared_ptr<grpc::ChannelCredentials> creds;
  if (o.tls) {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = o.tls->ca_pem;
    ssl.pem_private_key = o.tls->key_pem;
    ssl.pem_cert_chain = o.tls->cert_pem;
    creds = grpc::SslCredentials(ssl);
    if (!o.tls->target_name.empty()) args.SetSslTargetNameOverride(o.tls->target_name);
  } else {
    creds = grpc::InsecureChannelCredentials();
  }
  return grpc::CreateCustomChannel(o.address, creds, args);
}

namespace {

// One call in flight: what the gRPC callback needs alive until it runs.
struct Pending {
  grpc::ClientContext context;
  pb::SendRawMessageRequest raw;
  pb::SendRawMessageReply raw_reply;
  pb::ReadElementRequest read;
  pb::ReadElementReply read_reply;
  pb::WriteElementRequest write;
  pb::WriteElementReply write_reply;
};

class MediatorTransport : public transport::Transport {
 public:
  MediatorTransport(asio::any_io_executor ex, std::shared_ptr<grpc::Channel> channel, ClientOptions o, std::string serial)
      : ex_(std::move(ex)), stub_(pb::EmliteMediatorService::NewStub(channel)), options_(std::move(o)), serial_(std::move(serial)) {}

  Task<emop::Bytes> exchange(emop::Bytes request) override {
    const WireCall call = call_for(request);
    auto p = std::make_shared<Pending>();
    p->context.set_deadline(std::chrono::system_clock::now() + options_.deadline);
    grpc::Status status = co_await start(call, p);
    if (!status.ok())
      throw_for_status(static_cast<Code>(status.error_code()), status.error_message(), describe(), is_write_call(call.method, request));
    const std::string& reply = call.method == Method::read_element ? p->read_reply.response()
                               : call.method == Method::send_raw_message ? p->raw_reply.response()
                                                                          : empty_;
    auto response = response_data(request, call, emop::ByteView(reinterpret_cast<const std::uint8_t*>(reply.data()), reply.size()));
    if (options_.log_exchange) log(request, call, response);
    co_return response;
  }

  std::string describe() const override { return "meter " + serial_ + " via mediator " + options_.address; }

 private:
  void log(const emop::Bytes& request, const WireCall& call, const emop::Bytes& response) const {
    auto frame = emop::encode_request(request);
    const std::string sent = frame ? emop::loggable_hex(*frame) : emop::to_hex(request);
    options_.log_exchange(describe() + ": " + std::string(method_name(call.method)) + " " + sent + " -> data " +
                          (emop::is_write_request(request) ? "(write acknowledged)" : emop::to_hex(response)));
  }

  // Starts the call; resumes on our executor with its status.
  Task<grpc::Status> start(const WireCall& call, std::shared_ptr<Pending> p) {
    return asio::async_initiate<const asio::use_awaitable_t<>, void(grpc::Status)>(
        [this, call, p](auto handler) {
          auto h = std::make_shared<decltype(handler)>(std::move(handler));
          auto done = [ex = ex_, h, p](grpc::Status s) {
            asio::post(ex, [h, s = std::move(s)]() mutable { (*h)(std::move(s)); });
          };
          auto* async = stub_->async();
          const std::string bytes(call.bytes.begin(), call.bytes.end());
          switch (call.method) {
            case Method::read_element:
              p->read.set_serial(serial_);
              p->read.set_objectid(static_cast<std::int32_t>(call.object_id));
              async->readElement(&p->context, &p->read, &p->read_reply, done);
              break;
            case Method::write_element:
              p->write.set_serial(serial_);
              p->write.set_objectid(static_cast<std::int32_t>(call.object_id));
              p->write.set_payload(bytes);
              async->writeElement(&p->context, &p->write, &p->write_reply, done);
              break;
            default:
              p->raw.set_serial(serial_);
              p->raw.set_datafield(bytes);
              async->sendRawMessage(&p->context, &p->raw, &p->raw_reply, done);
          }
        },
        asio::use_awaitable);
  }

  asio::any_io_executor ex_;
  std::unique_ptr<pb::EmliteMediatorService::Stub> stub_;
  ClientOptions options_;
  std::string serial_;
  const std::string empty_;
};

// An InfoService failure as the exit status emop documents.
[[noreturn]] void throw_info_failure(const grpc::Status& s, const std::string& where) {
  const auto code = static_cast<Code>(s.error_code());
  if (code == Code::not_found) throw usage_error(where + ": " + s.error_message());
  if (code == Code::invalid_argument) throw usage_error(where + ": " + s.error_message());
  if (code == Code::unauthenticated || code == Code::permission_denied)
    throw config_error(where + ": the gateway refused the call (" + s.error_message() + ")");
  throw Error(ExitCode::unreachable, where + ": " + s.error_message());
}

}  // namespace

transport::TransportFactory mediator_factory(ClientOptions o) {
  auto channel = open_channel(o);
  return [channel, o = std::move(o)](asio::any_io_executor ex, const transport::MeterTarget& target) {
    return std::make_unique<MediatorTransport>(ex, channel, o, target.serial);
  };
}

InfoClient::InfoClient(ClientOptions o) : options_(std::move(o)), channel_(open_channel(options_)) {}

std::string InfoClient::meters_json(const std::string& esco) {
  auto stub = pb::InfoService::NewStub(channel_);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + options_.deadline);
  pb::GetMetersRequest req;
  req.set_esco(esco);
  pb::GetMetersReply reply;
  auto s = stub->GetMeters(&ctx, req, &reply);
  if (!s.ok()) throw_info_failure(s, "mediator " + options_.address);
  return reply.json_meters();
}

std::string InfoClient::info_json(const std::string& serial) {
  auto stub = pb::InfoService::NewStub(channel_);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + options_.deadline);
  pb::GetInfoRequest req;
  req.set_serial(serial);
  pb::GetInfoReply reply;
  auto s = stub->GetInfo(&ctx, req, &reply);
  if (!s.ok()) throw_info_failure(s, "mediator " + options_.address);
  return reply.json_data();
}

}  // namespace flows::gateway

namespace flows::gateway {

GatewayHealth fetch_health(const ClientOptions& o) {
  GatewayHealth h;
  try {
    auto channel = open_channel(o);
    auto stub = flows::gateway::v1::GatewayStats::NewStub(channel);
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + o.deadline);
    flows::gateway::v1::GetStatsReply r;
    const auto s = stub->GetStats(&ctx, flows::gateway::v1::GetStatsRequest{}, &r);
    if (!s.ok()) {
      h.error = s.error_message();
      return h;
    }
    h.reachable = true;
    h.serving = true;
    h.name = r.name();
    h.esco = r.esco();
    h.version = r.version();
    h.last_error = r.last_error();
    h.last_error_time = r.last_error_time();
    h.meters_served = r.meters_served();
    h.calls_in_flight = r.calls_in_flight();
    h.calls_total = r.calls_total();
    h.calls_failed = r.calls_failed();
    h.uptime_seconds = r.uptime_seconds();
  } catch (const std::exception& e) {
    h.error = e.what();
  }
  return h;
}

}  // namespace flows::gateway
