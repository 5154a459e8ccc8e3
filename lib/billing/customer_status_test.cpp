#include "billing/customer_status.hpp"

#include <doctest/doctest.h>

#include "billing/occupancy.hpp"

using namespace flows::billing;

TEST_CASE("customer statuses: names round-trip and the chain of moves") {
  for (auto s : {CustomerStatus::pending, CustomerStatus::preonboarding, CustomerStatus::onboarding,
                 CustomerStatus::prelive, CustomerStatus::live, CustomerStatus::exiting, CustomerStatus::archived,
                 CustomerStatus::suspended})
    CHECK(parse_customer_status(to_string(s)) == s);
  CHECK_FALSE(parse_customer_status("Live").has_value());
  CHECK_FALSE(parse_customer_status("").has_value());

  CHECK_FALSE(transition_refusal(CustomerStatus::pending, CustomerStatus::preonboarding));
  CHECK_FALSE(transition_refusal(CustomerStatus::onboarding, CustomerStatus::live));
  CHECK_FALSE(transition_refusal(CustomerStatus::live, CustomerStatus::suspended));
  CHECK_FALSE(transition_refusal(CustomerStatus::suspended, CustomerStatus::live));
  CHECK_FALSE(transition_refusal(CustomerStatus::exiting, CustomerStatus::archived));
  CHECK(transition_refusal(CustomerStatus::pending, CustomerStatus::live) ==
        "cannot move from pending to live: pending moves on to preonboarding or archived only");
  CHECK(transition_refusal(CustomerStatus::archived, CustomerStatus::live) ==
        "cannot move from archived to live: archived is final");
  CHECK(transition_refusal(CustomerStatus::live, CustomerStatus::archived) ==
        "cannot move from live to archived: live moves on to exiting or suspended only");
  CHECK(transition_refusal(CustomerStatus::live, CustomerStatus::live) == "is already live");
  CHECK(billed_monthly(CustomerStatus::live));
  CHECK_FALSE(billed_monthly(CustomerStatus::suspended));
}

namespace {
Day d(int y, unsigned m, unsigned dd) { return Day{date::year{y}, date::month{m}, date::day{dd}}; }
}  // namespace

TEST_CASE("occupied days of a month: [move_in, move_out) clipped to the days charged") {
  const Month june(2024, 6);  // 30 days
  CHECK(occupied_days({}, june, 30).count() == 30);
  // Moved in on the 10th: days 10..30 = 21 days.
  auto r = occupied_days({d(2024, 6, 10), std::nullopt}, june, 30);
  CHECK(r.first == 10);
  CHECK(r.last == 30);
  CHECK(r.count() == 21);
  // Moved out on the 10th (their last day the 9th): days 1..9.
  r = occupied_days({std::nullopt, d(2024, 6, 10)}, june, 30);
  CHECK(r.first == 1);
  CHECK(r.last == 9);
  // The two together cover the month once: 9 + 21 = 30.
  CHECK(occupied_days({std::nullopt, d(2024, 6, 10)}, june, 30).count() +
            occupied_days({d(2024, 6, 10), std::nullopt}, june, 30).count() ==
        30);
  // Month in progress, 12 days charged, moved in on the 10th: 10, 11, 12.
  CHECK(occupied_days({d(2024, 6, 10), std::nullopt}, june, 12).count() == 3);
  // Outside the month.
  CHECK(occupied_days({d(2024, 7, 1), std::nullopt}, june, 30).count() == 0);
  CHECK(occupied_days({std::nullopt, d(2024, 6, 1)}, june, 30).count() == 0);
  CHECK(occupied_days({d(2024, 5, 1), d(2024, 7, 1)}, june, 30).count() == 30);
  // In and out inside the month: 5th to 14th → days 5..13 = 9.
  CHECK(occupied_days({d(2024, 6, 5), d(2024, 6, 14)}, june, 30).count() == 9);
}

TEST_CASE("occupied range: UK midnights (BST in June: 23:00 UTC the day before)") {
  const Month june(2024, 6);
  const auto range = occupied_range(occupied_days({d(2024, 6, 10), std::nullopt}, june, 30), june);
  CHECK(flows::format_iso_utc(range.start) == "2024-06-09T23:00:00Z");
  CHECK(flows::format_iso_utc(range.end) == "2024-06-30T23:00:00Z");
}

TEST_CASE("move-in and move-out refusals") {
  const std::vector<Occupier> current{{"old@example.org", {d(2023, 1, 1), std::nullopt}}};
  CHECK(move_in_refusal(current, "new@example.org", d(2024, 6, 10)) ==
        "old@example.org still occupies it: move them out first (customers move-out old@example.org --date 2024-06-10)");
  const std::vector<Occupier> moved{{"old@example.org", {d(2023, 1, 1), d(2024, 6, 10)}}};
  CHECK_FALSE(move_in_refusal(moved, "new@example.org", d(2024, 6, 10)));
  CHECK(move_in_refusal(moved, "new@example.org", d(2024, 6, 9)) ==
        "old@example.org occupies it until 2024-06-10, after 2024-06-09");
  CHECK(move_in_refusal(moved, "old@example.org", d(2024, 7, 1)).value().find("already holds") != std::string::npos);
  CHECK_FALSE(move_out_refusal({d(2024, 6, 10), std::nullopt}, d(2024, 6, 11)));
  CHECK(move_out_refusal({d(2024, 6, 10), std::nullopt}, d(2024, 6, 10)) ==
        "the move-out date 2024-06-10 must be after the move-in date 2024-06-10");
  CHECK(move_out_refusal({d(2024, 6, 10), d(2024, 6, 20)}, d(2024, 6, 25)) == "has already moved out (on 2024-06-20)");
}
