#pragma once
// Wallets and auto top-ups (billing spec, "Customers, payments, topups and
// wallets"): when a wallet's auto top-up is on and its meter's latest balance
// reading is below the minimum, a topup is due that brings the balance to the
// target; the payment provider collects it at the wallet's timing. Pure: the
// caller loads the wallet, the reading and the meter's earlier wallet topups.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "billing/decimal.hpp"
#include "core/emop_time.hpp"

namespace flows::billing {

enum class PaymentTiming { weekly, monthly };

std::optional<PaymentTiming> parse_payment_timing(std::string_view text);  // "weekly" | "monthly"
std::string_view to_string(PaymentTiming t);

// The spec's defaults for a new wallet: £20 minimum, £30 target, off, monthly.
struct WalletSettings {
  std::int64_t minimum_pence = 2000;
  std::int64_t target_pence = 3000;
  bool auto_topup = false;
  PaymentTiming timing = PaymentTiming::monthly;
};

// Why the settings cannot be stored (each amount 0 … 100000 p, target ≥
// minimum), or "" when they can.
std::string wallet_settings_problem(const WalletSettings& w);

// What `topups due` knows about one wallet's meter.
struct WalletState {
  WalletSettings wallet;
  std::optional<Decimal> balance;       // the latest reading, £ (none: never read)
  std::optional<UtcTime> reading_at;    // its time
  bool earlier_topup_open = false;      // a wallet topup of the meter is not yet completed
  std::optional<UtcTime> last_completed_at;  // the latest completed wallet topup's used_at (or updated_at)
};

struct DueDecision {
  bool due = false;
  std::int64_t amount_pence = 0;  // when due
  std::string reason;             // why not, when not due
};

// The largest amount of one payment (payments_amount_check): £1000.
inline constexpr std::int64_t max_payment_pence = 100000;

// Pence that bring `balance` (£, exact) up to `target_pence`, rounded up to the
// whole penny: target £30, balance £12.34567 → 3000 − 1234.567 = 1765.433 → 1766.
// Zero or less when the balance is already there.
std::int64_t pence_to_reach(const Decimal& balance, std::int64_t target_pence);

// Due when auto top-up is on, a reading exists, its balance is below the
// minimum, no earlier wallet topup of the meter is open, and none completed
// after the reading (the reading does not show it yet); the amount must fit one
// payment (at most £1000).
DueDecision decide_due(const WalletState& s);

// When the provider collects an auto top-up decided at `now`: weekly, the next
// Monday 00:00 UK time (a week on when now is a Monday); monthly, 00:00 UK time
// on the 1st of the next month.
UtcTime next_collection(PaymentTiming t, UtcTime now);

}  // namespace flows::billing
