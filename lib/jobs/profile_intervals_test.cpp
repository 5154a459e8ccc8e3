// Profile records -> half-hourly intervals -> register rows, hand-computed.
#include "jobs/profile_intervals.hpp"

#include <doctest/doctest.h>

#include "sim/meter_spec.hpp"

using namespace flows;
using namespace std::chrono_literals;

namespace {
UtcTime utc(const char* iso) { return *sim::parse_utc(iso); }
emop::ProfileLog1Record rec(const char* local, std::uint32_t a, std::uint32_t b, bool valid = true) {
  emop::ProfileLog1Record r;
  r.timestamp = *parse_iso(local);
  r.status.valid = valid;
  r.import_a_wh = a;
  r.import_b_wh = b;
  return r;
}
std::vector<std::pair<UtcTime, emop::ProfileLog1Record>> utc_records(const std::vector<emop::ProfileLog1Record>& rs) {
  std::vector<std::pair<UtcTime, emop::ProfileLog1Record>> out;
  for (const auto& r : rs) out.emplace_back(to_utc(r.timestamp, ClockKind::utc), r);
  return out;
}
}  // namespace

TEST_CASE("intervals: differences of neighbouring records; gaps for missing, invalid or backwards") {
  const auto recs = utc_records({rec("2024-03-01T00:00:00", 1000, 50), rec("2024-03-01T00:30:00", 1500, 60),
                                 rec("2024-03-01T01:00:00", 1400, 75),  // A went backwards
                                 rec("2024-03-01T02:00:00", 1600, 80),  // 01:30 missing
                                 rec("2024-03-01T02:30:00", 1700, 90, false), rec("2024-03-01T03:00:00", 1800, 95)});
  const auto iv = jobs::intervals_from_records(recs, utc("2024-03-02T00:00:00Z"));
  REQUIRE(iv.size() == 3);
  CHECK(iv[0].element == 'A');
  CHECK(iv[0].start == utc("2024-03-01T00:00:00Z"));
  CHECK(iv[0].tenth_wh == 5000);
  CHECK(iv[1].element == 'B');
  CHECK(iv[1].tenth_wh == 100);
  CHECK(iv[2].element == 'B');  // 00:30-01:00: B only
  CHECK(iv[2].start == utc("2024-03-01T00:30:00Z"));
  CHECK(iv[2].tenth_wh == 150);
}

TEST_CASE("intervals: none starting at or after the end of the range") {
  const auto recs = utc_records({rec("2024-03-01T23:30:00", 10, 0), rec("2024-03-02T00:00:00", 20, 0),
                                 rec("2024-03-02T00:30:00", 30, 0)});
  const auto iv = jobs::intervals_from_records(recs, utc("2024-03-02T00:00:00Z"));
  REQUIRE(iv.size() == 2);
  CHECK(iv[0].tenth_wh == 100);
  CHECK(iv[1].element == 'B');
  CHECK(iv[1].tenth_wh == 0);
}

TEST_CASE("profile records: asks on from the newest record, stops past the end") {
  jobs::ProfileRecords p(ClockKind::utc, utc("2024-03-01T00:00:00Z"), utc("2024-03-01T02:00:00Z"));
  CHECK(p.max_requests() == 4 + 16);
  CHECK(format_iso(*p.next_request()) == "2024-03-01T00:00:00");
  p.add({rec("2024-02-29T23:30:00", 1, 1), rec("2024-03-01T00:00:00", 2, 2), rec("2024-03-01T00:30:00", 3, 3)});
  REQUIRE(p.records().size() == 2);  // the one before `from` is dropped
  CHECK(format_iso(*p.next_request()) == "2024-03-01T01:00:00");
  p.add({rec("2024-03-01T00:30:00", 3, 3), rec("2024-03-01T01:00:00", 4, 4), rec("2024-03-01T02:00:00", 6, 6),
         rec("2024-03-01T02:30:00", 7, 7)});
  CHECK(p.records().size() == 4);  // the repeat is dropped, 02:30 is past the end
  CHECK(!p.next_request());
}

TEST_CASE("profile records: an empty answer ends; no progress moves on half an hour") {
  jobs::ProfileRecords p(ClockKind::utc, utc("2024-03-01T00:00:00Z"), utc("2024-03-01T02:00:00Z"));
  p.add({rec("2024-02-29T23:00:00", 1, 1)});
  CHECK(p.records().empty());
  CHECK(format_iso(*p.next_request()) == "2024-03-01T00:30:00");
  p.add({});
  CHECK(!p.next_request());
}

TEST_CASE("profile records: a DST meter's stamps are UK local time; the repeated hour is its GMT pass") {
  // BST ends 2024-10-27 02:00 BST = 01:00 UTC; 01:00-01:59 local happens twice.
  jobs::ProfileRecords p(ClockKind::uk_local, utc("2024-10-27T00:00:00Z"), utc("2024-10-27T02:00:00Z"));
  CHECK(format_iso(*p.next_request()) == "2024-10-27T01:00:00");
  p.add({rec("2024-10-27T01:00:00", 1, 0), rec("2024-10-27T01:30:00", 2, 0), rec("2024-10-27T01:00:00", 3, 0),
         rec("2024-10-27T01:30:00", 4, 0), rec("2024-10-27T02:00:00", 5, 0)});
  const auto& r = p.records();
  REQUIRE(r.size() == 5);
  CHECK(r[0].first == utc("2024-10-27T00:00:00Z"));
  CHECK(r[1].first == utc("2024-10-27T00:30:00Z"));
  CHECK(r[2].first == utc("2024-10-27T01:00:00Z"));
  CHECK(r[3].first == utc("2024-10-27T01:30:00Z"));
  CHECK(r[4].first == utc("2024-10-27T02:00:00Z"));
  CHECK(!p.next_request());
}

TEST_CASE("registers take intervals of their element within [start, end)") {
  db::PowerRegister single{"r1", 0, "SINGLE", std::nullopt, std::nullopt};
  db::PowerRegister b{"r2", 0, "B", std::nullopt, std::nullopt};
  const std::int64_t t0 = std::int64_t(utc("2024-03-01T00:00:00Z").time_since_epoch().count()) * 1'000'000;
  db::PowerRegister a_from{"r3", 0, "A", t0 + 1800 * 1'000'000LL, std::nullopt};
  db::PowerRegister a_until{"r4", 0, "A", std::nullopt, t0 + 1800 * 1'000'000LL};
  const jobs::Interval at0{'A', utc("2024-03-01T00:00:00Z"), 5}, at30{'A', utc("2024-03-01T00:30:00Z"), 5};
  const jobs::Interval b0{'B', utc("2024-03-01T00:00:00Z"), 5};
  CHECK(jobs::register_takes(single, at0));
  CHECK(!jobs::register_takes(single, b0));
  CHECK(jobs::register_takes(b, b0));
  CHECK(!jobs::register_takes(b, at0));
  CHECK(!jobs::register_takes(a_from, at0));
  CHECK(jobs::register_takes(a_from, at30));
  CHECK(jobs::register_takes(a_until, at0));
  CHECK(!jobs::register_takes(a_until, at30));
}

TEST_CASE("match_intervals: each interval to its meter's registers, sorted by register then time") {
  const std::vector<db::PowerRegister> regs{{"ra", 1, "A", std::nullopt, std::nullopt},
                                            {"rb", 0, "B", std::nullopt, std::nullopt},
                                            {"rs", 0, "SINGLE", std::nullopt, std::nullopt}};
  const std::vector<std::vector<jobs::Interval>> iv{
      {{'A', utc("2024-03-01T00:30:00Z"), 7}, {'B', utc("2024-03-01T00:00:00Z"), 3}, {'A', utc("2024-03-01T00:00:00Z"), 6}},
      {{'A', utc("2024-03-01T00:00:00Z"), 9}, {'B', utc("2024-03-01T00:00:00Z"), 1}}};  // meter 1 has no B register
  const auto rows = jobs::match_intervals(regs, 2, iv);
  CHECK(rows.register_ids == std::vector<std::string>{"ra", "rb", "rs"});
  REQUIRE(rows.rows.size() == 4);
  CHECK(rows.rows[0].reg == 0);
  CHECK(rows.rows[0].tenth_wh == 9);
  CHECK(rows.rows[1].reg == 1);
  CHECK(rows.rows[1].tenth_wh == 3);
  CHECK(rows.rows[2].reg == 2);
  CHECK(rows.rows[2].tenth_wh == 6);
  CHECK(rows.rows[2].start == utc("2024-03-01T00:00:00Z"));
  CHECK(rows.rows[3].tenth_wh == 7);
  CHECK(db::wh_to_kwh(500) == "0.500");
  CHECK(db::wh_to_kwh(-1250) == "-1.250");
  CHECK(db::wh_to_kwh(12345) == "12.345");
  CHECK(db::tenth_wh_to_kwh(615) == "0.0615");
  CHECK(db::tenth_wh_to_kwh(5000) == "0.500");
  CHECK(db::tenth_wh_to_kwh(-15) == "-0.0015");
  CHECK(db::tenth_wh_to_kwh(614725) == "61.4725");
}

TEST_CASE("intervals: a CT meter's registers count 0.1 Wh, so its half hours keep the tenth") {
  const auto recs = utc_records({rec("2024-03-01T00:00:00", 614725, 0), rec("2024-03-01T00:30:00", 615340, 0)});
  const auto iv = jobs::intervals_from_records(recs, utc("2024-03-02T00:00:00Z"), emop::EnergyUnit::tenth_wh);
  REQUIRE(iv.size() == 2);
  CHECK(iv[0].element == 'A');
  CHECK(iv[0].tenth_wh == 615);  // 61.5 Wh, not 615 Wh
  CHECK(db::tenth_wh_to_kwh(iv[0].tenth_wh) == "0.0615");
  const auto wh = jobs::intervals_from_records(recs, utc("2024-03-02T00:00:00Z"));
  CHECK(wh[0].tenth_wh == 6150);  // the same counts on a Wh meter are 615 Wh
}
