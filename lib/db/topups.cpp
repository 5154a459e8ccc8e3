#include "db/topups.hpp"

namespace flows::db {

std::vector<PendingTopup> pending_topups(pqxx::transaction_base& tx, const std::optional<std::string>& esco) {
  const auto rows = tx.exec_params(
      "SELECT t.id::text AS topup_id, m.id::text AS meter_id, COALESCE(m.serial, '') AS serial, "
      "       COALESCE(host(m.ip_address), '') AS host, "
      "       COALESCE(m.emop_port, 8080) AS port, COALESCE(m.daylight_savings_correction_enabled, false) AS dst, "
      "       COALESCE(m.hardware, '') AS hardware, t.amount_pence, COALESCE(t.token, '') AS token, "
      "       (a.topup_id IS NOT NULL AND a.finished_at IS NULL) AS unfinished, "
      "       a.meter_balance_before::text AS balance_before, "
      "       COALESCE(a.transaction_count_before, 0) AS count_before, COALESCE(a.attempts, 0) AS attempts "
      "FROM public.topups t "
      "JOIN flows.meter_registry m ON m.id = t.meter "
      "LEFT JOIN flows.escos e ON e.id = m.esco "
      "LEFT JOIN public.topup_token_push_attempts a ON a.topup_id = t.id "
      "WHERE t.status = 'wait_token_push' AND ($1::text = '' OR e.code = $1) "
      "  AND COALESCE(m.mode, 'active') = 'active' "
      "ORDER BY m.serial, t.created_at, t.id",
      esco.value_or(""));
  std::vector<PendingTopup> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    PendingTopup p;
    p.id = r["topup_id"].as<std::string>();
    p.meter = meter_of(r, "meter_id");
    p.amount = Money::from_units(r["amount_pence"].as<std::int64_t>() * 1000);
    p.token = r["token"].as<std::string>();
    p.unfinished = r["unfinished"].as<bool>();
    if (!r["balance_before"].is_null()) p.before_balance = Money::parse(r["balance_before"].as<std::string>());
    p.before_count = r["count_before"].as<int>();
    p.attempts = r["attempts"].as<int>();
    out.push_back(std::move(p));
  }
  return out;
}

bool claim_token_push(pqxx::transaction_base& tx, const std::string& topup_id, const std::string& meter_id,
                      Money balance, int count) {
  const auto r = tx.exec_params("SELECT status::text AS status FROM public.topups WHERE id = $1::uuid FOR UPDATE", topup_id);
  if (r.empty() || r[0]["status"].as<std::string>() != "wait_token_push") return false;
  tx.exec_params(
      "INSERT INTO public.topup_token_push_attempts AS a "
      "  (topup_id, meter, meter_balance_before, transaction_count_before) "
      "VALUES ($1::uuid, $2::uuid, $3::numeric, $4) "
      "ON CONFLICT (topup_id) DO UPDATE SET attempts = a.attempts + 1, started_at = statement_timestamp(), "
      "  meter = EXCLUDED.meter, meter_balance_before = EXCLUDED.meter_balance_before, "
      "  transaction_count_before = EXCLUDED.transaction_count_before, finished_at = NULL, "
      "  meter_balance_after = NULL, transaction_count_after = NULL, outcome = NULL, detail = NULL",
      topup_id, meter_id, balance.to_string(), count);
  return true;
}

void finish_token_push(pqxx::transaction_base& tx, const std::string& topup_id, bool completed,
                       const std::string& detail, std::optional<Money> balance_after, std::optional<int> count_after) {
  tx.exec_params(
      "UPDATE public.topups SET status = $2::public.topup_status_enum, "
      "  used_at = CASE WHEN $2 = 'completed' THEN COALESCE(used_at, now()) ELSE used_at END "
      "WHERE id = $1::uuid",
      topup_id, completed ? "completed" : "failed_token_push");
  const std::optional<std::string> after =
      balance_after ? std::optional<std::string>(balance_after->to_string()) : std::nullopt;
  tx.exec_params(
      "UPDATE public.topup_token_push_attempts SET finished_at = statement_timestamp(), outcome = $2, detail = $3, "
      "  meter_balance_after = $4::numeric, transaction_count_after = $5 WHERE topup_id = $1::uuid",
      topup_id, completed ? "completed" : "failed", detail, after, count_after);
}

}  // namespace flows::db
