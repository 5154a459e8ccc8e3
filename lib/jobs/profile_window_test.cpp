// Paging profile log 1 over a meter-clock window, with hand-written stamps.
#include "jobs/profile_window.hpp"

#include <doctest/doctest.h>

using namespace flows;
using namespace std::chrono_literals;

namespace {
MeterTime at(const char* iso) { return *parse_iso(iso); }
emop::ProfileLog1Record rec(const char* iso, std::uint32_t wh) { return {at(iso), {}, wh, 0}; }
}  // namespace

TEST_CASE("profile window: records in [asked, to), next half an hour after the last") {
  const auto page = jobs::window_page({rec("2024-03-01T23:30:00", 1), rec("2024-03-02T00:00:00", 2),
                                       rec("2024-03-02T00:30:00", 3)},
                                      at("2024-03-02T00:00:00"), at("2024-03-03T00:00:00"));
  REQUIRE(page.in_window.size() == 2);
  CHECK(page.in_window[0].import_a_wh == 2);
  CHECK(page.in_window[1].import_a_wh == 3);
  CHECK(page.next == at("2024-03-02T01:00:00"));
}

TEST_CASE("profile window: the end is exclusive, and reaching it ends the window") {
  const auto page = jobs::window_page({rec("2024-03-02T23:00:00", 1), rec("2024-03-02T23:30:00", 2),
                                       rec("2024-03-03T00:00:00", 3)},
                                      at("2024-03-02T23:00:00"), at("2024-03-03T00:00:00"));
  CHECK(page.in_window.size() == 2);
  CHECK(!page.next);
  // The last record just before the end: the next request would be the end itself.
  CHECK(!jobs::window_page({rec("2024-03-02T23:30:00", 2)}, at("2024-03-02T23:30:00"), at("2024-03-03T00:00:00")).next);
}

TEST_CASE("profile window: an empty answer, or one not moving past the request, ends it") {
  const auto empty = jobs::window_page({}, at("2024-03-02T00:00:00"), at("2024-03-03T00:00:00"));
  CHECK(empty.in_window.empty());
  CHECK(!empty.next);
  // Only older records: nothing newer in the log yet.
  const auto stale = jobs::window_page({rec("2024-03-01T22:00:00", 1), rec("2024-03-01T23:00:00", 2)},
                                       at("2024-03-02T00:00:00"), at("2024-03-03T00:00:00"));
  CHECK(stale.in_window.empty());
  CHECK(!stale.next);
  // The last record half an hour before the request: next would be the request again.
  CHECK(!jobs::window_page({rec("2024-03-01T23:30:00", 1)}, at("2024-03-02T00:00:00"), at("2024-03-03T00:00:00")).next);
}
