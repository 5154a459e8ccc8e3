#include "jobs/push_tokens.hpp"

#include <algorithm>
#include <map>

#include "core/error.hpp"
#include "db/db_error.hpp"
#include "emop/records.hpp"

namespace flows::jobs {
namespace {

using meter::Meter;

// How far the credit seen on the meter may be from the topup's amount (the
// balance keeps falling with use while the token goes in).
const Money credit_tolerance = Money::from_units(50000);  // £0.50

struct PendingTopup {
  std::string id, meter_id, serial, host, hardware, token;
  std::uint16_t port = 8080;
  bool dst = false;
  Money amount;
  bool unfinished = false;  // an attempt was claimed and its result is not known
  std::optional<Money> before_balance;
  int before_count = 0;
  int attempts = 0;
};

std::vector<PendingTopup> load_pending(pqxx::connection& conn, const std::optional<std::string>& esco) {
  pqxx::read_transaction tx(conn);
  auto rows = tx.exec_params(
      "SELECT t.id::text, m.id::text, COALESCE(m.serial, ''), COALESCE(host(m.ip_address), ''), "
      "       COALESCE(m.emop_port, 8080), COALESCE(m.daylight_savings_correction_enabled, false), "
      "       COALESCE(m.hardware, ''), t.amount_pence, COALESCE(t.token, ''), "
      "       (a.topup_id IS NOT NULL AND a.finished_at IS NULL), a.meter_balance_before::text, "
      "       COALESCE(a.transaction_count_before, 0), COALESCE(a.attempts, 0) "
      "FROM public.topups t "
      "JOIN flows.meter_registry m ON m.id = t.meter "
      "LEFT JOIN flows.escos e ON e.id = m.esco "
      "LEFT JOIN public.topup_token_push_attempts a ON a.topup_id = t.id "
      "WHERE t.status = 'wait_token_push' AND ($1::text = '' OR e.code = $1) "
      "  AND COALESCE(m.mode, 'active') = 'active' "
      "ORDER BY m.serial, t.created_at, t.id",
      esco.value_or(""));
  std::vector<PendingTopup> out;
  for (const auto& r : rows) {
    PendingTopup p;
    p.id = r[0].as<std::string>();
    p.meter_id = r[1].as<std::string>();
    p.serial = r[2].as<std::string>();
    p.host = r[3].as<std::string>();
    p.port = static_cast<std::uint16_t>(r[4].as<int>());
    p.dst = r[5].as<bool>();
    p.hardware = r[6].as<std::string>();
    p.amount = Money::from_units(r[7].as<std::int64_t>() * 1000);
    p.token = r[8].as<std::string>();
    p.unfinished = r[9].as<bool>();
    if (!r[10].is_null()) p.before_balance = Money::parse(r[10].as<std::string>());
    p.before_count = r[11].as<int>();
    p.attempts = r[12].as<int>();
    out.push_back(std::move(p));
  }
  return out;
}

// Claims the topup for a send: commits the attempt row with the "before" values.
// False when the topup is no longer waiting (changed since it was loaded).
bool claim(pqxx::connection& conn, const PendingTopup& p, Money balance, int count) {
  pqxx::work tx(conn);
  auto r = tx.exec_params("SELECT status::text FROM public.topups WHERE id = $1::uuid FOR UPDATE", p.id);
  if (r.empty() || r[0][0].as<std::string>() != "wait_token_push") return false;
  tx.exec_params(
      "INSERT INTO public.topup_token_push_attempts AS a "
      "  (topup_id, meter, meter_balance_before, transaction_count_before) "
      "VALUES ($1::uuid, $2::uuid, $3::numeric, $4) "
      "ON CONFLICT (topup_id) DO UPDATE SET attempts = a.attempts + 1, started_at = statement_timestamp(), "
      "  meter = EXCLUDED.meter, meter_balance_before = EXCLUDED.meter_balance_before, "
      "  transaction_count_before = EXCLUDED.transaction_count_before, finished_at = NULL, "
      "  meter_balance_after = NULL, transaction_count_after = NULL, outcome = NULL, detail = NULL",
      p.id, p.meter_id, balance.to_string(), count);
  tx.commit();
  return true;
}

// Sets the topup's final status and finishes its attempt row, together.
void finish(pqxx::connection& conn, const PendingTopup& p, bool completed, const std::string& detail,
            std::optional<Money> balance_after, std::optional<int> count_after) {
  pqxx::work tx(conn);
  tx.exec_params(
      "UPDATE public.topups SET status = $2::public.topup_status_enum, "
      "  used_at = CASE WHEN $2 = 'completed' THEN COALESCE(used_at, now()) ELSE used_at END "
      "WHERE id = $1::uuid",
      p.id, completed ? "completed" : "failed_token_push");
  std::optional<std::string> after = balance_after ? std::optional<std::string>(balance_after->to_string()) : std::nullopt;
  tx.exec_params(
      "UPDATE public.topup_token_push_attempts SET finished_at = statement_timestamp(), outcome = $2, detail = $3, "
      "  meter_balance_after = $4::numeric, transaction_count_after = $5 WHERE topup_id = $1::uuid",
      p.id, completed ? "completed" : "failed", detail, after, count_after);
  tx.commit();
}

int count_delta(int before, int after) { return ((after - before) % 65536 + 65536) % 65536; }

Money abs_money(Money m) { return m < Money{} ? -m : m; }

TopupPushResult base_result(const PendingTopup& p) {
  TopupPushResult r;
  r.topup_id = p.id;
  r.serial = p.serial;
  r.amount = p.amount.to_string();
  r.token_tail = token_tail(p.token);
  r.status = "wait_token_push";
  return r;
}

// One meter's topups, in order, on one connection. Appends to `results`.
Task<CommandResult> push_meter(Meter& m, pqxx::connection& conn, const std::vector<PendingTopup>& topups,
                               std::vector<TopupPushResult>& results) {
  bool meter_failed = false;
  for (const auto& p : topups) {
    TopupPushResult res = base_result(p);
    if (meter_failed) {
      res.action = "skipped";
      res.detail = "not tried: an earlier topup on this meter failed to complete";
      results.push_back(res);
      continue;
    }
    bool claimed = false;
    try {
      if (p.unfinished) {
        // Resolve the interrupted attempt from the meter before anything is sent.
        int count = co_await m.prepay_transaction_count();
        Money balance = co_await m.prepay_balance();
        int delta = count_delta(p.before_count, count);
        res.balance_before = p.before_balance ? p.before_balance->to_string() : "";
        res.balance_after = balance.to_string();
        if (delta == 1) {
          auto details = co_await m.prepay_transaction_details();
          if (details.value == p.amount) {
            std::string d = "token landed during an interrupted attempt (transaction count " +
                            std::to_string(p.before_count) + " -> " + std::to_string(count) + ", last credit " +
                            details.value.to_string() + ")";
            finish(conn, p, true, d, balance, count);
            res.action = "resolved";
            res.status = "completed";
            res.ok = true;
            res.detail = d;
          } else {
            std::string d = "interrupted attempt: transaction count rose by 1 but the last credit is " +
                            details.value.to_string() + ", not " + p.amount.to_string() + "; check the meter";
            finish(conn, p, false, d, balance, count);
            res.action = "resolved";
            res.status = "failed_token_push";
            res.detail = d;
          }
          results.push_back(res);
          continue;
        }
        if (delta != 0) {
          std::string d = "interrupted attempt: transaction count moved by " + std::to_string(delta) + " (" +
                          std::to_string(p.before_count) + " -> " + std::to_string(count) +
                          "); cannot tell whether this token landed; check the meter";
          finish(conn, p, false, d, balance, count);
          res.action = "resolved";
          res.status = "failed_token_push";
          res.detail = d;
          results.push_back(res);
          continue;
        }
        // Count unchanged: the token did not land. Send it again as a new attempt.
        res.detail = "interrupted attempt did not land (transaction count unchanged at " + std::to_string(count) + "); ";
      }
      if (!emop::is_valid_token(p.token)) {
        // Nothing to send; record it for an operator (claim first, so the row says why).
        Money balance = co_await m.prepay_balance();
        int count = co_await m.prepay_transaction_count();
        if (!claim(conn, p, balance, count)) {
          res.action = "skipped";
          res.detail = "topup changed while the job ran";
          results.push_back(res);
          continue;
        }
        finish(conn, p, false, "the topup has no valid 20-digit token", std::nullopt, std::nullopt);
        res.action = "error";
        res.status = "failed_token_push";
        res.detail = "the topup has no valid 20-digit token";
        results.push_back(res);
        continue;
      }
      Money before = co_await m.prepay_balance();
      int count_before = co_await m.prepay_transaction_count();
      res.balance_before = before.to_string();
      if (!claim(conn, p, before, count_before)) {
        res.action = "skipped";
        res.detail = "topup changed while the job ran";
        results.push_back(res);
        continue;
      }
      claimed = true;
      res.action = "sent";
      try {
        co_await m.send_token(p.token);
      } catch (const transport::MeterError& e) {
        if (e.kind() != transport::FailureKind::nak) throw;
        std::string d = std::string("the meter refused the token (NAK ") + std::string(emop::nak_name(e.nak())) +
                        (e.nak() == emop::NakCode::security_not_granted ? ": already used" : "") + ")";
        finish(conn, p, false, d, std::nullopt, std::nullopt);
        res.status = "failed_token_push";
        res.detail += d;
        results.push_back(res);
        continue;
      }
      Money after = co_await m.prepay_balance();
      int count_after = co_await m.prepay_transaction_count();
      res.balance_after = after.to_string();
      int delta = count_delta(count_before, count_after);
      Money rise = after - before;
      if (delta == 1 && abs_money(rise - p.amount) <= credit_tolerance) {
        std::string d = "balance " + before.to_string() + " -> " + after.to_string();
        finish(conn, p, true, res.detail + d, after, count_after);
        res.status = "completed";
        res.ok = true;
        res.detail += d;
      } else {
        std::string d = "token accepted but the meter shows transaction count +" + std::to_string(delta) +
                        " and balance " + before.to_string() + " -> " + after.to_string() + " (expected +" +
                        p.amount.to_string() + "); check the meter";
        finish(conn, p, false, res.detail + d, after, count_after);
        res.status = "failed_token_push";
        res.detail += d;
      }
      results.push_back(res);
    } catch (const pqxx::failure& e) {
      throw db::database_error("token push", e);
    } catch (const Error& e) {
      if (e.code() == ExitCode::database) throw;
      meter_failed = true;
      res.action = "error";
      res.detail += std::string(e.what()) +
                    (claimed ? " — the token may or may not have reached the meter; the next run checks the "
                               "meter's transaction count before sending anything"
                             : "");
      results.push_back(res);
    }
  }
  co_return CommandResult{};
}

}  // namespace

std::string token_tail(const std::string& token) {
  if (token.size() <= 4) return "…" + token;
  return "…" + token.substr(token.size() - 4);
}

nlohmann::json TopupPushResult::to_json() const {
  nlohmann::json j{{"topup", topup_id}, {"serial", serial}, {"amount", amount}, {"token", token_tail},
                   {"action", action},  {"status", status}, {"ok", ok},         {"detail", detail}};
  if (balance_before) j["balance_before"] = *balance_before;
  if (balance_after) j["balance_after"] = *balance_after;
  return j;
}

std::vector<TopupPushResult> push_tokens(pqxx::connection& conn, const emop::ObjectTable& objects,
                                         const PushTokensOptions& options) {
  std::vector<PendingTopup> pending;
  try {
    if (!options.dry_run) {
      pqxx::nontransaction nt(conn);
      auto r = nt.exec("SELECT pg_try_advisory_lock(hashtext('flows.emop.push_tokens'))");
      if (!r[0][0].as<bool>())
        throw db::database_error("another `emop push tokens` is running against this database; try again later");
    }
    pending = load_pending(conn, options.esco);
  } catch (const pqxx::failure& e) {
    throw db::database_error("token push", e);
  }

  std::vector<TopupPushResult> results;
  if (options.dry_run) {
    for (const auto& p : pending) {
      TopupPushResult r = base_result(p);
      r.ok = true;
      if (p.unfinished) {
        r.action = "would_resolve";
        r.detail = "interrupted attempt (transaction count before " + std::to_string(p.before_count) +
                   "): would check the meter's transaction count, then complete, fail or re-send";
      } else {
        r.action = "would_send";
        r.detail = p.host.empty() ? "the meter has no ip_address" : "would send to " + p.host + ":" + std::to_string(p.port);
      }
      results.push_back(r);
    }
    return results;
  }

  // Group by meter, keeping order.
  std::vector<MeterTarget> targets;
  std::map<std::string, std::vector<PendingTopup>> by_serial;
  for (const auto& p : pending) {
    if (p.host.empty()) {
      TopupPushResult r = base_result(p);
      r.action = "error";
      r.detail = "meter " + p.serial + " has no ip_address in flows.meter_registry";
      results.push_back(r);
      continue;
    }
    auto& v = by_serial[p.serial];
    if (v.empty()) targets.push_back({p.serial, {p.host, p.port}, p.dst, p.hardware});
    v.push_back(p);
  }
  std::exception_ptr db_failure;
  auto outcomes = run_batch(targets, objects, options.batch,
                            [&](Meter& m, const MeterTarget& t) -> Task<CommandResult> {
                              try {
                                co_return co_await push_meter(m, conn, by_serial[t.serial], results);
                              } catch (const Error& e) {
                                if (e.code() == ExitCode::database && !db_failure) db_failure = std::current_exception();
                                throw;
                              }
                            });
  if (db_failure) std::rethrow_exception(db_failure);
  std::stable_sort(results.begin(), results.end(),
                   [](const TopupPushResult& a, const TopupPushResult& b) { return a.serial < b.serial; });
  for (const auto& o : outcomes)
    if (!o.ok) {
      TopupPushResult r;
      r.serial = o.serial;
      r.action = "error";
      r.detail = o.error;
      results.push_back(r);
    }
  return results;
}

}  // namespace flows::jobs
