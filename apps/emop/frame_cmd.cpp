// emop frame decode / encode: inspect and build raw EMOP frames.
#include <iostream>

#include "cli.hpp"
#include "core/error.hpp"
#include "emop/data_field.hpp"
#include "emop/frame.hpp"
#include "emop/inspect.hpp"

namespace flows::emop_app {
namespace {

struct DecodeArgs {
  std::string hex;
  bool twin = false;
};

struct EncodeArgs {
  std::string object;
  std::string write_hex;
  bool write_given = false;
  std::uint32_t source = emop::default_source_address;
  std::uint32_t destination = 0;
  unsigned control = emop::default_request_control;
};

int run_decode(const GlobalOptions& options, Resources& res, const DecodeArgs& a) {
  auto bytes = emop::from_hex(a.hex);
  if (!bytes) throw usage_error("frame decode: '" + a.hex.substr(0, 40) + (a.hex.size() > 40 ? "…" : "") +
                                "' is not hex (odd number of digits or a non-hex character)");
  auto in = emop::inspect_frame(*bytes, res.objects(), {a.twin});
  if (!in) throw protocol_error("frame decode: " + std::string(emop::describe(in.error())));
  if (options.json) std::cout << in->document.dump(2) << "\n";
  else std::cout << emop::render_text(*in);
  if (!in->crc_ok)
    throw protocol_error("frame decode: CRC mismatch: frame carries " + in->document["crc"].get<std::string>() +
                         ", bytes give " + [&] {
                           auto f = emop::decode_frame(*bytes);
                           const std::uint8_t c[2] = {static_cast<std::uint8_t>(f->crc_computed >> 8),
                                                      static_cast<std::uint8_t>(f->crc_computed)};
                           return emop::to_hex(c);
                         }());
  if (!in->data_error.empty()) throw protocol_error("frame decode: " + in->data_error);
  return 0;
}

int run_encode(const GlobalOptions& options, Resources& res, const EncodeArgs& a) {
  auto info = res.objects().resolve(a.object);
  if (!info) throw usage_error("frame encode: '" + a.object + "' is not an object name, 6-digit hex id or OBIS a.b.c (see emop objects)");
  emop::Bytes payload;
  if (a.write_given) {
    auto p = emop::from_hex(a.write_hex);
    if (!p) throw usage_error("frame encode: --write '" + a.write_hex + "' is not hex");
    payload = std::move(*p);
  }
  if (payload.size() + 5 > emop::max_data_size)
    throw usage_error("frame encode: payload of " + std::to_string(payload.size()) + " bytes does not fit a frame (at most 238)");
  emop::FrameHeader h;
  h.source.address = a.source;
  h.destination.address = a.destination;
  h.control = static_cast<std::uint8_t>(a.control);
  auto data = emop::encode_default(info->id, a.write_given, payload);
  auto frame = emop::encode_frame(h, data);
  if (!frame) throw usage_error("frame encode: " + std::string(emop::describe(frame.error())));
  if (options.json)
    std::cout << nlohmann::json{{"frame", emop::to_hex(*frame)}, {"object_id", emop::object_hex(info->id)},
                                {"object", info->name.empty() ? nlohmann::json() : nlohmann::json(info->name)},
                                {"rw", a.write_given ? "write" : "read"}}
                     .dump(2)
              << "\n";
  else
    std::cout << emop::to_hex(*frame) << "\n";
  return 0;
}

}  // namespace

void add_frame_commands(CLI::App& app, Invocation& inv) {
  auto* frame = app.add_subcommand("frame", "inspect and build raw EMOP frames");
  frame->require_subcommand(1);

  auto dec = std::make_shared<DecodeArgs>();
  auto* decode = frame->add_subcommand("decode", "decode a whole frame given as hex");
  decode->add_option("HEX", dec->hex, "the frame, as hex (spaces and a leading 0x allowed)")->required();
  decode->add_flag("--twin", dec->twin, "decode profile log 2 records as twin element (34 bytes)");
  decode->callback([&inv, dec] { inv.action = [&inv, dec] { return run_decode(inv.options, inv.resources, *dec); }; });

  auto enc = std::make_shared<EncodeArgs>();
  auto* encode = frame->add_subcommand("encode", "build a request frame and print it as hex");
  encode->add_option("--object", enc->object, "object name, 6-digit hex id or OBIS triplet a.b.c")->required();
  encode->add_option("--write", enc->write_hex, "payload to write, as hex (omit for a read)")
      ->each([enc](const std::string&) { enc->write_given = true; });
  encode->add_option("--source", enc->source, "source address")
      ->capture_default_str()
      ->check(CLI::Range(0u, 0xFFFFFFu));
  encode->add_option("--destination", enc->destination, "destination address")
      ->capture_default_str()
      ->check(CLI::Range(0u, 0xFFFFFFu));
  encode->add_option("--control", enc->control, "control byte")->capture_default_str()->check(CLI::Range(0u, 255u));
  encode->callback([&inv, enc] { inv.action = [&inv, enc] { return run_encode(inv.options, inv.resources, *enc); }; });
}

}  // namespace flows::emop_app
