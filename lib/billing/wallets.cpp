#include "billing/wallets.hpp"

#include "billing/calendar.hpp"

namespace flows::billing {

std::optional<PaymentTiming> parse_payment_timing(std::string_view text) {
  if (text == "weekly") return PaymentTiming::weekly;
  if (text == "monthly") return PaymentTiming::monthly;
  return std::nullopt;
}

std::string_view to_string(PaymentTiming t) { return t == PaymentTiming::weekly ? "weekly" : "monthly"; }

std::string wallet_settings_problem(const WalletSettings& w) {
  auto in_range = [](std::int64_t p) { return p >= 0 && p <= max_payment_pence; };
  if (!in_range(w.minimum_pence)) return "the minimum must be 0 … 100000 pence";
  if (!in_range(w.target_pence)) return "the target must be 0 … 100000 pence";
  if (w.target_pence < w.minimum_pence)
    return "the target (" + std::to_string(w.target_pence) + " p) is below the minimum (" +
           std::to_string(w.minimum_pence) + " p)";
  return "";
}

std::int64_t pence_to_reach(const Decimal& balance, std::int64_t target_pence) {
  const Decimal short_by = Decimal(target_pence) - balance.shifted(2);
  std::int64_t whole = short_by.to_int64_trunc();
  if (short_by.sign() > 0 && Decimal(whole) != short_by) ++whole;  // up to the penny
  return whole;
}

DueDecision decide_due(const WalletState& s) {
  DueDecision d;
  if (!s.wallet.auto_topup) return d.reason = "auto top-up is off", d;
  if (!s.balance || !s.reading_at) return d.reason = "no balance reading", d;
  if (*s.balance >= Decimal(s.wallet.minimum_pence).shifted(-2)) return d.reason = "balance not below the minimum", d;
  if (s.earlier_topup_open) return d.reason = "an earlier auto top-up is not completed yet", d;
  if (s.last_completed_at && *s.last_completed_at >= *s.reading_at)
    return d.reason = "an auto top-up completed after the latest reading", d;
  const std::int64_t amount = pence_to_reach(*s.balance, s.wallet.target_pence);
  if (amount <= 0) return d.reason = "balance not below the target", d;
  if (amount > max_payment_pence) return d.reason = "the amount (" + std::to_string(amount) + " p) is over £1000", d;
  d.due = true;
  d.amount_pence = amount;
  return d;
}

UtcTime next_collection(PaymentTiming t, UtcTime now) {
  const date::year_month_day today = uk_date(now);
  date::year_month_day day;
  if (t == PaymentTiming::monthly) {
    const date::year_month next = date::year_month{today.year(), today.month()} + date::months{1};
    day = next / 1;
  } else {
    const date::sys_days d{today};
    const date::weekday wd{d};
    const int until = static_cast<int>((date::Monday - wd).count());  // 0 … 6
    day = date::year_month_day{d + date::days{until == 0 ? 7 : until}};
  }
  // Local midnight is never inside a UK clock change (those happen at 01:00 UTC).
  return to_utc(MeterTime{date::local_days{day}}, ClockKind::uk_local);
}

}  // namespace flows::billing
