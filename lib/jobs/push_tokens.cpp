#include "jobs/push_tokens.hpp"

#include <algorithm>
#include <map>

#include "core/error.hpp"
#include "db/db_error.hpp"
#include "db/job_locks.hpp"
#include "db/topups.hpp"
#include "db/transaction.hpp"
#include "emop/records.hpp"
#include "jobs/meter_targets.hpp"
#include "jobs/known_esco.hpp"

namespace flows::jobs {

using db::PendingTopup;
using meter::Meter;

Task<MeterReading> read_balance_and_count(Meter& m) {
  MeterReading r;
  r.balance = co_await m.prepay_balance();
  r.count = co_await m.prepay_transaction_count();
  co_return r;
}

Task<InterruptedCheck> check_interrupted(Meter& m, int before_count, Money amount) {
  InterruptedCheck c;
  c.now.count = co_await m.prepay_transaction_count();
  c.now.balance = co_await m.prepay_balance();
  c.resolution = resolve_interrupted(before_count, c.now.count, amount, std::nullopt);
  if (c.resolution.kind == Resolution::need_last_credit) {
    const auto details = co_await m.prepay_transaction_details();
    c.resolution = resolve_interrupted(before_count, c.now.count, amount, details.value);
  }
  co_return c;
}

Task<SendResult> send_and_read(Meter& m, std::string token) {
  SendResult r;
  try {
    co_await m.send_token(token);
  } catch (const transport::MeterError& e) {
    if (e.kind() == transport::FailureKind::nak) r.refused = e.nak();
    else if (e.delivered()) r.lost = e;
    else throw;
  }
  if (!r.refused && !r.lost) r.after = co_await read_balance_and_count(m);
  co_return r;
}

namespace {

// The database halves: each its own committed transaction.
bool claim(pqxx::connection& conn, const PendingTopup& p, const MeterReading& before) {
  return db::in_transaction(conn, "token push", [&](pqxx::work& tx) {
    return db::claim_token_push(tx, p.id, p.meter.id, before.balance, before.count);
  });
}

void finish(pqxx::connection& conn, const PendingTopup& p, bool completed, const std::string& detail,
            std::optional<Money> balance_after, std::optional<int> count_after) {
  db::in_transaction(conn, "token push", [&](pqxx::work& tx) {
    db::finish_token_push(tx, p.id, completed, detail, balance_after, count_after);
  });
}

TopupPushResult base_result(const PendingTopup& p) {
  TopupPushResult r;
  r.topup_id = p.id;
  r.serial = p.meter.serial;
  r.amount = p.amount.to_string();
  r.token_tail = token_tail(p.token);
  r.status = "wait_token_push";
  return r;
}

void set_final(TopupPushResult& res, bool completed) {
  res.status = completed ? "completed" : "failed_token_push";
  res.ok = completed;
  res.code = completed ? ExitCode::ok : ExitCode::protocol;
}

// An interrupted attempt resolved from the meter; false when the token is to be
// sent again (res.detail then starts with why).
Task<bool> resolve(Meter& m, pqxx::connection& conn, const PendingTopup& p, TopupPushResult& res) {
  const auto c = co_await check_interrupted(m, p.before_count, p.amount);
  res.balance_before = p.before_balance ? p.before_balance->to_string() : "";
  res.balance_after = c.now.balance.to_string();
  if (c.resolution.kind == Resolution::resend) {
    res.detail = c.resolution.detail;
    co_return false;
  }
  const bool landed = c.resolution.kind == Resolution::landed;
  finish(conn, p, landed, c.resolution.detail, c.now.balance, c.now.count);
  res.action = "resolved";
  set_final(res, landed);
  res.detail = c.resolution.detail;
  co_return true;
}

// A topup without a valid token: recorded for an operator (claimed first, so the
// attempt row says why).
Task<void> refuse_invalid(Meter& m, pqxx::connection& conn, const PendingTopup& p, TopupPushResult& res) {
  const auto before = co_await read_balance_and_count(m);
  if (!claim(conn, p, before)) {
    res.action = "skipped";
    res.detail = "topup changed while the job ran";
    co_return;
  }
  finish(conn, p, false, "the topup has no valid 20-digit token", std::nullopt, std::nullopt);
  res.action = "error";
  res.status = "failed_token_push";
  res.code = ExitCode::usage;
  res.detail = "the topup has no valid 20-digit token";
}

// A token that went out but whose answer was lost, settled from the meter as an
// interrupted attempt is: landed or failed is recorded; not taken leaves the
// attempt open for the next run (which sends it again); a failed read leaves it
// open too.
Task<void> settle_lost(Meter& m, pqxx::connection& conn, const PendingTopup& p, const MeterReading& before,
                       const transport::MeterError& lost, TopupPushResult& res) {
  std::optional<InterruptedCheck> c;
  try {
    c = co_await check_interrupted(m, before.count, p.amount);
  } catch (const transport::MeterError&) {
    throw lost;  // cannot tell: the attempt stays open, resolved by the next run
  }
  res.balance_after = c->now.balance.to_string();
  if (c->resolution.kind == Resolution::resend) {
    res.detail = "the meter's answer was lost and it did not take the token (count unchanged): the next run sends it again";
    co_return;
  }
  const bool landed = c->resolution.kind == Resolution::landed;
  finish(conn, p, landed, "answer lost; " + c->resolution.detail, c->now.balance, c->now.count);
  set_final(res, landed);
  res.detail = "answer lost; " + c->resolution.detail;
}

// Claim, send, read back, finish. claimed: set once the attempt row is committed.
Task<void> send(Meter& m, pqxx::connection& conn, const PendingTopup& p, TopupPushResult& res, bool& claimed) {
  const auto before = co_await read_balance_and_count(m);
  res.balance_before = before.balance.to_string();
  if (!claim(conn, p, before)) {
    res.action = "skipped";
    res.detail = "topup changed while the job ran";
    co_return;
  }
  claimed = true;
  res.action = "sent";
  const auto sent = co_await send_and_read(m, p.token);
  if (sent.lost) {
    co_await settle_lost(m, conn, p, before, *sent.lost, res);
    co_return;
  }
  if (sent.refused) {
    const std::string d = refused_detail(*sent.refused);
    finish(conn, p, false, d, std::nullopt, std::nullopt);
    res.status = "failed_token_push";
    res.code = ExitCode::protocol;
    res.detail += d;
    co_return;
  }
  res.balance_after = sent.after.balance.to_string();
  const auto v = judge_send(p.amount, before.balance, sent.after.balance, before.count, sent.after.count);
  finish(conn, p, v.completed, res.detail + v.detail, sent.after.balance, sent.after.count);
  set_final(res, v.completed);
  res.detail += v.detail;
}

Task<void> push_one(Meter& m, pqxx::connection& conn, const PendingTopup& p, TopupPushResult& res, bool& claimed) {
  // No co_await inside && or ?: (GCC 12 miscompiles co_await in conditional expressions).
  if (p.unfinished) {
    const bool resolved = co_await resolve(m, conn, p, res);
    if (resolved) co_return;
  }
  if (!emop::is_valid_token(p.token)) {
    co_await refuse_invalid(m, conn, p, res);
  } else {
    co_await send(m, conn, p, res, claimed);
  }
}

// One meter's topups, in order, on one connection. Appends to `results`; after a
// meter failure the rest are skipped.
Task<CommandResult> push_meter(Meter& m, pqxx::connection& conn, const std::vector<PendingTopup>& topups,
                               std::vector<TopupPushResult>& results) {
  ExitCode failure = ExitCode::ok;  // the meter's, after which its other topups are not tried
  for (const auto& p : topups) {
    TopupPushResult res = base_result(p);
    if (failure != ExitCode::ok) {
      res.action = "skipped";
      res.code = failure;
      res.detail = "not tried: an earlier topup on this meter failed to complete";
      results.push_back(res);
      continue;
    }
    bool claimed = false;
    try {
      co_await push_one(m, conn, p, res, claimed);
    } catch (const Error& e) {
      if (e.code() == ExitCode::database) throw;
      failure = e.code();
      res.action = "error";
      res.code = e.code();
      res.detail += std::string(e.what()) +
                    (claimed ? " — the token may or may not have reached the meter; the next run checks the "
                               "meter's transaction count before sending anything"
                             : "");
    }
    results.push_back(res);
  }
  co_return CommandResult{};
}

std::vector<TopupPushResult> dry_run(const std::vector<PendingTopup>& pending) {
  std::vector<TopupPushResult> results;
  for (const auto& p : pending) {
    TopupPushResult r = base_result(p);
    r.ok = true;
    if (p.unfinished) {
      r.action = "would_resolve";
      r.detail = "interrupted attempt (transaction count before " + std::to_string(p.before_count) +
                 "): would check the meter's transaction count, then complete, fail or re-send";
    } else {
      r.action = "would_send";
      r.detail = p.meter.host.empty() ? "the meter has no ip_address"
                                      : "would send to " + p.meter.host + ":" + std::to_string(p.meter.port);
    }
    results.push_back(r);
  }
  return results;
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
    if (!options.dry_run && !db::try_lock_job(conn, "push_tokens"))
      throw db::database_error("another `emop push tokens` is running against this database; try again later");
    pending = db::in_read_transaction(conn, "token push",
                                      [&](pqxx::read_transaction& tx) {
                                        require_known_esco(tx, options.esco);
                                        return db::pending_topups(tx, options.esco);
                                      });
  } catch (const pqxx::failure& e) {
    throw db::database_error("token push", e);
  }
  if (options.dry_run) return dry_run(pending);

  std::vector<TopupPushResult> results;
  const TargetSplit split = meter_targets(pending, [](const PendingTopup& p) -> const db::MeterRow& { return p.meter; });
  std::map<std::string, std::vector<PendingTopup>> by_serial;  // each meter's topups, in order
  std::size_t next_without = 0;
  for (std::size_t i = 0; i < pending.size(); ++i) {
    if (next_without < split.without_address.size() && split.without_address[next_without] == i) {
      ++next_without;
      TopupPushResult r = base_result(pending[i]);
      r.action = "error";
      r.code = ExitCode::config;
      r.detail = "meter " + pending[i].meter.serial + " has no ip_address in flows.meter_registry";
      results.push_back(r);
      continue;
    }
    by_serial[pending[i].meter.serial].push_back(pending[i]);
  }
  std::exception_ptr db_failure;
  auto outcomes = run_batch(split.targets, objects, options.batch,
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
      r.code = o.code;
      r.detail = o.error;
      results.push_back(r);
    }
  return results;
}

}  // namespace flows::jobs
