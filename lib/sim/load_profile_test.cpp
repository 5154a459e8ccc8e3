#include "sim/load_profile.hpp"

#include <doctest/doctest.h>

using namespace flows;
using namespace flows::sim;

namespace {
UtcTime utc(const char* iso) { return *parse_utc(iso); }
}  // namespace

TEST_CASE("load: energy is additive to the second, whatever the split") {
  const LoadModel model(1234, 500, LoadShape::daily, true, true);
  const UtcTime a = utc("2024-06-10T05:17:23Z");
  const UtcTime c = utc("2024-06-11T19:02:41Z");
  const Energy whole = model.integrate(a, c);
  Energy pieces;
  for (UtcTime t = a; t < c;) {
    const UtcTime next = std::min(c, t + std::chrono::seconds{997});
    pieces += model.integrate(t, next);
    t = next;
  }
  CHECK(pieces == whole);
  CHECK(whole.import_a > 0);
  CHECK(whole.export_a > 0);  // a sunny June day on a solar meter exports at noon
  CHECK(whole.import_b > 0);
  CHECK(whole.export_b == 0);  // element B has no generation
}

TEST_CASE("load: a half hour integrates to its mean power × 1800 while minutes vary") {
  const LoadModel model(99, 400, LoadShape::daily, false, false);
  const std::int64_t hh = half_hour_of(utc("2024-01-15T18:00:00Z"));
  const Power p = model.half_hour(hh);
  CHECK(p.a > 400);  // a January evening peak is above the mean
  const Energy e = model.integrate(half_hour_start(hh), half_hour_start(hh + 1));
  CHECK(e.import_a == p.a * 1800);
  std::int64_t sum = 0;
  bool varies = false;
  for (int m = 0; m < 30; ++m) {
    const Power pm = model.power_at(half_hour_start(hh) + std::chrono::minutes{m});
    CHECK(pm.a > 0);
    varies = varies || pm.a != p.a;
    sum += pm.a * 60;
  }
  CHECK(varies);
  CHECK(sum == e.import_a);
}

TEST_CASE("load: the daily shape peaks in the evening and the night is quiet") {
  const LoadModel model(5, 400, LoadShape::daily, false, false);
  // Average over a week to smooth the random factors; UK local time in winter is UTC.
  std::int64_t night = 0, evening = 0;
  for (int d = 0; d < 7; ++d) {
    const UtcTime day = utc("2024-01-08T00:00:00Z") + date::days{d};
    night += model.integrate(day + std::chrono::hours{2}, day + std::chrono::hours{4}).import_a;
    evening += model.integrate(day + std::chrono::hours{18}, day + std::chrono::hours{20}).import_a;
  }
  CHECK(evening > 3 * night);
}

TEST_CASE("load: flat draws exactly the mean") {
  const LoadModel model(5, 437, LoadShape::flat, true, true);
  const Energy e = model.integrate(utc("2024-01-01T00:00:00Z"), utc("2024-01-01T00:00:07Z"));
  CHECK(e == Energy{437 * 7, 0, 0, 0});
  CHECK(model.power_at(utc("2024-07-01T12:00:00Z")) == Power{437, 0});
}

TEST_CASE("load: deterministic for a seed, different across seeds") {
  const UtcTime a = utc("2024-02-01T00:00:00Z"), b = utc("2024-02-02T00:00:00Z");
  CHECK(LoadModel(7, 400, LoadShape::daily, false, false).integrate(a, b) ==
        LoadModel(7, 400, LoadShape::daily, false, false).integrate(a, b));
  CHECK_FALSE(LoadModel(7, 400, LoadShape::daily, false, false).integrate(a, b) ==
              LoadModel(8, 400, LoadShape::daily, false, false).integrate(a, b));
  const LoadModel m(7, 400, LoadShape::daily, false, false);
  for (int i = 0; i < 48; ++i) {
    const auto v = m.voltage_at(a + std::chrono::minutes{30 * i + 7});
    CHECK(v >= 2335);
    CHECK(v <= 2465);
  }
}
