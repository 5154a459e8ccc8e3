#include "billing/wallets.hpp"

#include <doctest/doctest.h>

#include "billing/billing_test_support.hpp"

using namespace flows;
using namespace flows::billing;
using namespace date::literals;
using flows::billing::testing::D;

namespace {
UtcTime at(date::sys_days d, int h = 0, int m = 0) { return d + std::chrono::hours(h) + std::chrono::minutes(m); }
WalletState on_state(const char* balance) {
  WalletState s;
  s.wallet.auto_topup = true;  // £20 minimum, £30 target
  s.balance = D(balance);
  s.reading_at = at(2024_y / 6 / 10, 12);
  return s;
}
}  // namespace

TEST_CASE("wallets: settings defaults and validation") {
  const WalletSettings w;
  CHECK(w.minimum_pence == 2000);
  CHECK(w.target_pence == 3000);
  CHECK_FALSE(w.auto_topup);
  CHECK(w.timing == PaymentTiming::monthly);
  CHECK(wallet_settings_problem(w).empty());
  CHECK(wallet_settings_problem({3000, 3000, true, PaymentTiming::weekly}).empty());
  CHECK(wallet_settings_problem({3001, 3000, true, PaymentTiming::weekly}) ==
        "the target (3000 p) is below the minimum (3001 p)");
  CHECK_FALSE(wallet_settings_problem({-1, 3000, false, PaymentTiming::monthly}).empty());
  CHECK_FALSE(wallet_settings_problem({0, 100001, false, PaymentTiming::monthly}).empty());
  CHECK(parse_payment_timing("weekly") == PaymentTiming::weekly);
  CHECK(parse_payment_timing("monthly") == PaymentTiming::monthly);
  CHECK_FALSE(parse_payment_timing("daily"));
  CHECK(to_string(PaymentTiming::weekly) == "weekly");
}

TEST_CASE("wallets: the amount rounds up to the whole penny, exactly") {
  // 3000 − 1234.567 = 1765.433 → 1766
  CHECK(pence_to_reach(D("12.34567"), 3000) == 1766);
  // 3000 − 1200 = 1800 exactly: no rounding
  CHECK(pence_to_reach(D("12.00"), 3000) == 1800);
  // 3000 − 1999.999 = 1000.001 → 1001
  CHECK(pence_to_reach(D("19.99999"), 3000) == 1001);
  // a negative balance (emergency credit): 3000 + 512.345 = 3512.345 → 3513
  CHECK(pence_to_reach(D("-5.12345"), 3000) == 3513);
  CHECK(pence_to_reach(D("30.00"), 3000) == 0);
}

TEST_CASE("wallets: when a topup is due") {
  auto s = on_state("12.34567");
  auto d = decide_due(s);
  CHECK(d.due);
  CHECK(d.amount_pence == 1766);

  s.wallet.auto_topup = false;
  CHECK_FALSE(decide_due(s).due);
  CHECK(decide_due(s).reason == "auto top-up is off");

  s = on_state("20.00");  // at the minimum is not below it
  CHECK_FALSE(decide_due(s).due);
  s = on_state("19.99999");
  CHECK(decide_due(s).due);
  CHECK(decide_due(s).amount_pence == 1001);

  s.balance.reset();
  CHECK(decide_due(s).reason == "no balance reading");

  s = on_state("5.00");
  s.earlier_topup_open = true;
  CHECK_FALSE(decide_due(s).due);

  s = on_state("5.00");
  s.last_completed_at = *s.reading_at;  // completed at the reading: not shown in it
  CHECK_FALSE(decide_due(s).due);
  s.last_completed_at = *s.reading_at - std::chrono::seconds(1);  // before: the reading shows it
  CHECK(decide_due(s).due);
  CHECK(decide_due(s).amount_pence == 2500);

  s = on_state("-990.00");  // 3000 + 99000 = 102000 p: more than one payment holds
  s.wallet.target_pence = 3000;
  CHECK_FALSE(decide_due(s).due);
}

TEST_CASE("wallets: next collection, UK time") {
  // Wed 2024-06-12 15:00Z → Mon 2024-06-17 00:00 BST = 2024-06-16T23:00Z
  CHECK(next_collection(PaymentTiming::weekly, at(2024_y / 6 / 12, 15)) == at(2024_y / 6 / 16, 23));
  // Mon 2024-06-17 00:30 BST (= 2024-06-16T23:30Z) is a Monday: a week on
  CHECK(next_collection(PaymentTiming::weekly, at(2024_y / 6 / 16, 23, 30)) == at(2024_y / 6 / 23, 23));
  // Sun 2024-01-14 10:00Z (GMT) → Mon 2024-01-15T00:00Z
  CHECK(next_collection(PaymentTiming::weekly, at(2024_y / 1 / 14, 10)) == at(2024_y / 1 / 15));
  // monthly: 2024-06-12 → 2024-07-01 00:00 BST = 2024-06-30T23:00Z
  CHECK(next_collection(PaymentTiming::monthly, at(2024_y / 6 / 12, 15)) == at(2024_y / 6 / 30, 23));
  // 2024-12-31T23:30Z is 2024-12-31 in the UK (GMT) → 2025-01-01T00:00Z
  CHECK(next_collection(PaymentTiming::monthly, at(2024_y / 12 / 31, 23, 30)) == at(2025_y / 1 / 1));
  // 2024-10-31T23:30Z is 2024-10-31 23:30 GMT → 2024-11-01T00:00Z
  CHECK(next_collection(PaymentTiming::monthly, at(2024_y / 10 / 31, 23, 30)) == at(2024_y / 11 / 1));
  // 2024-03-31T23:30Z is 2024-04-01 00:30 BST → 2024-05-01 00:00 BST = 2024-04-30T23:00Z
  CHECK(next_collection(PaymentTiming::monthly, at(2024_y / 3 / 31, 23, 30)) == at(2024_y / 4 / 30, 23));
}
