#include "db/wallets.hpp"

#include <tuple>

#include "db/decimal_field.hpp"
#include "db/staging.hpp"

namespace flows::db {
namespace {

billing::WalletSettings settings_of(const pqxx::row& r) {
  billing::WalletSettings w;
  w.minimum_pence = r["minimum_balance_pence"].as<std::int64_t>();
  w.target_pence = r["target_balance_pence"].as<std::int64_t>();
  w.auto_topup = r["auto_topup"].as<bool>();
  const auto t = billing::parse_payment_timing(r["payment_timing"].as<std::string>());
  if (!t) throw pqxx::failure("unknown payment_timing " + r["payment_timing"].as<std::string>());
  w.timing = *t;
  return w;
}

constexpr const char* wallet_columns =
    "SELECT w.customer::text AS customer, c.email, w.minimum_balance_pence, w.target_balance_pence, w.auto_topup, "
    "       w.payment_timing::text AS payment_timing, "
    "       to_char(w.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS updated_at "
    "FROM public.wallets w JOIN public.customers c ON c.id = w.customer ";

WalletRow wallet_row(const pqxx::row& r) {
  return {r["customer"].as<std::string>(), r["email"].as<std::string>(), settings_of(r),
          r["updated_at"].as<std::string>()};
}

UtcTime instant_of(const pqxx::field& epoch_seconds) {
  return UtcTime{std::chrono::seconds{epoch_seconds.as<std::int64_t>()}};
}

}  // namespace

std::optional<WalletRow> wallet_of(pqxx::transaction_base& tx, const std::string& customer) {
  const auto r = tx.exec_params(std::string(wallet_columns) + "WHERE w.customer = $1::uuid", customer);
  if (r.empty()) return std::nullopt;
  return wallet_row(r[0]);
}

void store_wallet(pqxx::transaction_base& tx, const std::string& customer, const billing::WalletSettings& w) {
  tx.exec_params(
      "INSERT INTO public.wallets (customer, minimum_balance_pence, target_balance_pence, auto_topup, payment_timing) "
      "VALUES ($1::uuid, $2, $3, $4, $5::public.payment_timing_enum) "
      "ON CONFLICT (customer) DO UPDATE SET minimum_balance_pence = EXCLUDED.minimum_balance_pence, "
      "  target_balance_pence = EXCLUDED.target_balance_pence, auto_topup = EXCLUDED.auto_topup, "
      "  payment_timing = EXCLUDED.payment_timing",
      customer, w.minimum_pence, w.target_pence, w.auto_topup, std::string(billing::to_string(w.timing)));
}

std::vector<WalletRow> list_wallets(pqxx::transaction_base& tx) {
  std::vector<WalletRow> out;
  for (const auto& r : tx.exec(std::string(wallet_columns) + "ORDER BY c.email")) out.push_back(wallet_row(r));
  return out;
}

void lock_wallet_topups(pqxx::transaction_base& tx) {
  tx.exec("SELECT pg_advisory_xact_lock(hashtext('flows-bill topups due'))");
}

std::vector<WalletMeter> wallet_meters(pqxx::transaction_base& tx, date::year_month_day today,
                                       const std::optional<std::string>& esco) {
  // Per wallet: its occupied supply account's meter (the latest move-in when
  // several), the meter's latest balance reading, whether a wallet topup of
  // the meter is still open, and when the last completed one was used.
  const auto rows = tx.exec_params(
      "WITH occ AS (SELECT DISTINCT ON (w.customer) w.*, c.email, a.id AS account, p.supply_meter AS meter "
      "  FROM public.wallets w JOIN public.customers c ON c.id = w.customer "
      "  JOIN public.customer_accounts ca ON ca.customer = w.customer AND ca.role = 'occupier' "
      "   AND (ca.move_in IS NULL OR ca.move_in <= $1::date) AND (ca.move_out IS NULL OR ca.move_out > $1::date) "
      "  JOIN public.accounts a ON a.id = ca.account AND a.type = 'supply' "
      "  JOIN public.properties p ON p.id = a.property AND p.supply_meter IS NOT NULL "
      "  WHERE w.auto_topup ORDER BY w.customer, ca.move_in DESC NULLS LAST) "
      "SELECT occ.customer::text AS customer, occ.email, occ.account::text AS account, occ.meter::text AS meter, "
      "       m.serial, COALESCE(e.code, '') AS esco, occ.minimum_balance_pence, occ.target_balance_pence, "
      "       occ.auto_topup, occ.payment_timing::text AS payment_timing, b.balance::text AS balance, "
      "       b.\"timestamp\"::text AS reading_at, extract(epoch FROM b.\"timestamp\")::bigint AS reading_epoch, "
      "       EXISTS (SELECT 1 FROM public.wallet_topups wt JOIN public.topups t ON t.id = wt.topup_id "
      "               WHERE wt.meter = occ.meter AND t.status <> 'completed') AS open, "
      "       (SELECT extract(epoch FROM max(COALESCE(t.used_at, t.updated_at)))::bigint "
      "        FROM public.wallet_topups wt JOIN public.topups t ON t.id = wt.topup_id "
      "        WHERE wt.meter = occ.meter AND t.status = 'completed') AS completed_epoch "
      "FROM occ JOIN flows.meter_registry m ON m.id = occ.meter LEFT JOIN flows.escos e ON e.id = m.esco "
      "LEFT JOIN LATERAL (SELECT balance, \"timestamp\" FROM flows.meter_prepay_balance "
      "  WHERE meter_id = occ.meter AND balance IS NOT NULL ORDER BY \"timestamp\" DESC LIMIT 1) b ON true "
      "WHERE ($2::text = '' OR e.code = $2) ORDER BY occ.email",
      format_date(today), esco.value_or(""));
  std::vector<WalletMeter> out;
  for (const auto& r : rows) {
    WalletMeter w;
    w.customer = r["customer"].as<std::string>();
    w.email = r["email"].as<std::string>();
    w.account = r["account"].as<std::string>();
    w.meter = r["meter"].as<std::string>();
    w.serial = r["serial"].as<std::string>();
    w.esco = r["esco"].as<std::string>();
    w.state.wallet = settings_of(r);
    w.state.balance = optional_decimal_field(r["balance"]);
    if (!r["reading_at"].is_null()) {
      w.reading_at = r["reading_at"].as<std::string>();
      w.state.reading_at = instant_of(r["reading_epoch"]);
    }
    w.state.earlier_topup_open = r["open"].as<bool>();
    if (!r["completed_epoch"].is_null()) w.state.last_completed_at = instant_of(r["completed_epoch"]);
    out.push_back(std::move(w));
  }
  return out;
}

std::size_t store_auto_topups(pqxx::transaction_base& tx, const std::vector<AutoTopup>& topups) {
  if (topups.empty()) return 0;
  const std::string staged = stage_rows(
      tx, "wallet_topups_in",
      {{"customer", "uuid"}, {"account", "uuid"}, {"meter", "uuid"}, {"reading_at", "timestamptz"},
       {"balance", "numeric"}, {"amount_pence", "integer"}, {"scheduled_at", "timestamptz"},
       {"description", "text"}},
      [&](pqxx::stream_to& copy) {
        for (const auto& t : topups)
          copy << std::make_tuple(t.wallet->customer, t.wallet->account, t.wallet->meter, *t.wallet->reading_at,
                                  t.wallet->state.balance->to_string(), t.amount_pence,
                                  format_iso_utc(t.scheduled_at), t.description);
      });
  // s is evaluated once (materialised), so each row's new ids agree across the
  // inserts. The unique (meter, reading_at) of wallet_topups fails the whole
  // statement if a shortfall already has its topup: none is then made.
  const auto r = tx.exec(
      "WITH s AS MATERIALIZED (SELECT *, gen_random_uuid() AS topup, gen_random_uuid() AS payment FROM " + staged +
      "), t AS (INSERT INTO public.topups (id, meter, amount_pence, status, source, notes) "
      "  SELECT topup, meter, amount_pence, 'wait_token_fetch', 'payment', description FROM s), "
      "p AS (INSERT INTO public.payments (id, account, amount_pence, status, provider, provider_reference, "
      "      description, scheduled_at) "
      "  SELECT payment, account, amount_pence, 'pending', 'wallet', NULL, description, scheduled_at FROM s), "
      "l AS (INSERT INTO public.topups_payments (payment_id, topup_id) SELECT payment, topup FROM s) "
      "INSERT INTO public.wallet_topups (topup_id, customer, meter, reading_at, balance) "
      "SELECT topup, customer, meter, reading_at, balance FROM s");
  return static_cast<std::size_t>(r.affected_rows());
}

}  // namespace flows::db
