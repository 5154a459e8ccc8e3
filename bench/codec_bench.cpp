// Codec throughput. One pair = what a client does per meter read: encode a
// prepay_balance read request into a stack buffer, then decode the meter's
// balance response (frame, CRC check, data field, s4le money). The baseline,
// measured in the same run, is memcpy of the same bytes, so the printed ratio
// survives a change of machine better than the raw rate does.
//
// Prints figures only; it never fails because a figure is low.
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>

#include <CLI/CLI.hpp>

#include "emop/data_field.hpp"
#include "emop/frame.hpp"
#include "emop/object_table.hpp"
#include "emop/records.hpp"

#ifndef FLOWS_BUILD_TYPE
#define FLOWS_BUILD_TYPE "unknown"
#endif

namespace {

using namespace flows;
using namespace flows::emop;
using Clock = std::chrono::steady_clock;

constexpr double target_pairs_per_second = 10e6;
// Responses cycle through a few balances so no iteration is a copy of the last.
constexpr std::size_t response_variants = 8;  // a power of two
constexpr std::uint32_t meter_address = 0x123456;

// Tells the optimiser that the memory behind p is read and written here, so the
// copies into it can be neither elided nor hoisted out of the loop.
inline void clobber(void* p) { __asm__ __volatile__("" : : "r"(p) : "memory"); }

volatile std::uint64_t sink;

struct Frame {
  std::array<std::uint8_t, max_frame_size> bytes{};
  std::size_t size = 0;
};

struct Fixture {
  ObjectId balance_id = 0;
  FrameHeader request_header;  // the public client's defaults
  Frame request;               // for the memcpy baseline only
  std::array<Frame, response_variants> responses;
  std::array<std::int64_t, response_variants> balances{};
};

Fixture make_fixture() {
  Fixture fx;
  fx.balance_id = ObjectTable::builtin().at("prepay_balance").id;

  std::array<std::uint8_t, 5> read{};
  encode_read_into(fx.balance_id, read.data());
  fx.request.size = encode_frame(fx.request_header, read, fx.request.bytes).value();

  FrameHeader meter;
  meter.destination = fx.request_header.source;
  meter.source = {0, meter_address};
  for (std::size_t i = 0; i < response_variants; ++i) {
    // Some in credit, some in debt (a negative s4le balance).
    const auto units = static_cast<std::int64_t>(i) * 1234567 - 3000000;
    fx.balances[i] = units;
    auto value = encode_money_s4le(Money::from_units(units)).value();
    auto data = encode_default(fx.balance_id, false, value);
    meter.control = response_control(static_cast<std::uint8_t>(i & 1), NakCode::ok);
    fx.responses[i].size = encode_frame(meter, data, fx.responses[i].bytes).value();
  }
  return fx;
}

struct Run {
  std::uint64_t checksum = 0;
  std::uint64_t failures = 0;
};

Run run_codec(const Fixture& fx, std::uint64_t n) {
  Run r;
  for (std::uint64_t i = 0; i < n; ++i) {
    std::array<std::uint8_t, max_frame_size> out;
    std::uint8_t data[5];
    const std::size_t data_size = encode_read_into(fx.balance_id, data);
    auto size = encode_frame(fx.request_header, ByteView(data, data_size), out);
    if (!size) {
      ++r.failures;
      continue;
    }
    r.checksum += *size + out[*size - 1];

    const Frame& in = fx.responses[i & (response_variants - 1)];
    auto frame = decode_frame(ByteView(in.bytes.data(), in.size));
    if (!frame || !frame->crc_ok()) {
      ++r.failures;
      continue;
    }
    auto field = decode_data_field(frame->data);
    if (!field || field->object_id != fx.balance_id) {
      ++r.failures;
      continue;
    }
    auto balance = decode_money_s4le(field->payload);
    if (!balance) {
      ++r.failures;
      continue;
    }
    r.checksum += static_cast<std::uint64_t>(balance->units());
  }
  return r;
}

Run run_memcpy(const Fixture& fx, std::uint64_t n) {
  Run r;
  std::array<std::uint8_t, max_frame_size> request_out;
  std::array<std::uint8_t, max_frame_size> response_out;
  for (std::uint64_t i = 0; i < n; ++i) {
    std::memcpy(request_out.data(), fx.request.bytes.data(), fx.request.size);
    const Frame& in = fx.responses[i & (response_variants - 1)];
    std::memcpy(response_out.data(), in.bytes.data(), in.size);
    clobber(request_out.data());
    clobber(response_out.data());
    r.checksum += request_out[fx.request.size - 1] + response_out[in.size - 1];
  }
  return r;
}

template <class F>
double seconds_for(F&& f) {
  const auto start = Clock::now();
  f();
  return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) try {
  CLI::App app{"EMOP codec throughput: encode a read request + decode a response, against memcpy"};
  double seconds = 2.0;
  std::uint64_t iterations = 0;
  app.add_option("--seconds", seconds, "Aim for a codec loop of about this long (default 2)")
      ->check(CLI::PositiveNumber);
  app.add_option("--iterations", iterations, "Run exactly N pairs (overrides --seconds)")
      ->check(CLI::PositiveNumber);
  CLI11_PARSE(app, argc, argv);

  const Fixture fx = make_fixture();

  // Calibrate (this doubles as the warm-up): grow a trial run until it is long
  // enough to time, then scale it to the requested duration.
  if (iterations == 0) {
    std::uint64_t trial = 1 << 14;
    double t = 0;
    for (;;) {
      t = seconds_for([&] { sink = run_codec(fx, trial).checksum; });
      if (t >= 0.05) break;
      trial *= 2;
    }
    iterations = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(static_cast<double>(trial) / t * seconds));
  }

  Run codec;
  const double codec_s = seconds_for([&] { codec = run_codec(fx, iterations); });
  sink = codec.checksum;
  Run copy;
  const double copy_s = seconds_for([&] { copy = run_memcpy(fx, iterations); });
  sink = copy.checksum;

  if (codec.failures != 0) {
    std::fprintf(stderr, "codec_bench: %llu of %llu pairs failed to encode or decode\n",
                 static_cast<unsigned long long>(codec.failures), static_cast<unsigned long long>(iterations));
    return 1;
  }

  const auto n = static_cast<double>(iterations);
  const double pairs_per_second = n / codec_s;
  const double memcpy_pairs_per_second = n / copy_s;
  std::printf("codec: encode request + decode response, %llu pairs in %.3f s\n",
              static_cast<unsigned long long>(iterations), codec_s);
  std::printf("bytes_per_pair: %zu + %zu\n", fx.request.size, fx.responses[0].size);
  std::printf("build_type: %s\n", FLOWS_BUILD_TYPE);
  std::printf("pairs_per_second: %.0f\n", pairs_per_second);
  std::printf("memcpy_pairs_per_second: %.0f\n", memcpy_pairs_per_second);
  std::printf("ratio_to_memcpy: %.3f\n", pairs_per_second / memcpy_pairs_per_second);
  std::printf("target_pairs_per_second: %.0f  (%s)\n", target_pairs_per_second,
              pairs_per_second >= target_pairs_per_second ? "met" : "NOT met");
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "codec_bench: %s\n", e.what());
  return 1;
}
