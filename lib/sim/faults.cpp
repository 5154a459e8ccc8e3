#include "sim/faults.hpp"

#include <charconv>

#include "core/error.hpp"

namespace flows::sim {
namespace {

long parse_long(std::string_view s, std::string_view what) {
  long v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size()) throw usage_error(std::string(what) + ": '" + std::string(s) + "' is not a number");
  return v;
}

double parse_probability(std::string_view s) {
  // Probabilities are not money: a double is fine, but parse strictly.
  std::string text(s);
  std::size_t used = 0;
  double p = -1;
  try {
    p = std::stod(text, &used);
  } catch (const std::exception&) {
  }
  if (used != text.size() || !(p >= 0 && p <= 1)) throw usage_error("fault rate '" + text + "' is not a probability 0-1");
  return p;
}

}  // namespace

void apply_fault(Faults& f, std::string_view spec) {
  auto colon = spec.find(':');
  std::string_view kind = spec.substr(0, colon);
  std::string_view arg = colon == std::string_view::npos ? std::string_view{} : spec.substr(colon + 1);
  if (kind == "latency") {
    long ms = parse_long(arg, "latency");
    if (ms < 0 || ms > 600000) throw usage_error("latency must be 0-600000 ms");
    f.latency = std::chrono::milliseconds(ms);
  } else if (kind == "refuse") {
    f.refuse = true;
  } else if (kind == "silent") {
    f.silent = true;
  } else if (kind == "reset") {
    f.reset = true;
  } else if (kind == "bad_crc") {
    f.bad_crc = true;
  } else if (kind == "garbage") {
    f.garbage = true;
  } else if (kind == "nak") {
    long code = parse_long(arg, "nak");
    if (code < 1 || code > 7) throw usage_error("nak code must be 1-7");
    f.nak = static_cast<emop::NakCode>(code);
  } else if (kind == "busy") {
    f.one_connection_at_a_time = true;
  } else if (kind == "concurrent") {
    f.one_connection_at_a_time = false;
  } else if (kind == "none") {
    f = Faults{};
  } else {
    throw usage_error("unknown fault '" + std::string(kind) +
                      "' (one of: latency:MS, refuse, silent, reset, bad_crc, garbage, nak:CODE, busy, concurrent, none)");
  }
}

void apply_fault_rate(FaultRates& r, std::string_view spec) {
  auto eq = spec.find('=');
  if (eq == std::string_view::npos) throw usage_error("fault rate '" + std::string(spec) + "' is not KIND=P");
  std::string_view kind = spec.substr(0, eq);
  double p = parse_probability(spec.substr(eq + 1));
  if (kind == "silent") r.silent = p;
  else if (kind == "reset") r.reset = p;
  else if (kind == "bad_crc") r.bad_crc = p;
  else if (kind == "garbage") r.garbage = p;
  else if (kind == "nak") r.nak = p;
  else if (kind == "refuse") r.refuse = p;
  else throw usage_error("unknown fault rate kind '" + std::string(kind) + "' (silent, reset, bad_crc, garbage, nak, refuse)");
}

Faults draw(const Faults& meter, const FaultRates& rates, std::mt19937_64& rng) {
  Faults f = meter;
  if (!rates.any()) return f;
  std::uniform_real_distribution<double> u(0, 1);
  if (u(rng) < rates.silent) f.silent = true;
  if (u(rng) < rates.reset) f.reset = true;
  if (u(rng) < rates.bad_crc) f.bad_crc = true;
  if (u(rng) < rates.garbage) f.garbage = true;
  if (u(rng) < rates.nak) f.nak = emop::NakCode::format_error;
  return f;
}

}  // namespace flows::sim
