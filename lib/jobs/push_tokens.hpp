#pragma once
// `emop push tokens`: topup tokens waiting in the database (status
// wait_token_push) sent to their meters, each exactly once.
//
// Never twice. Per topup, on one connection to its meter:
//   1. read the meter's balance and monetary transaction count;
//   2. claim: in its own committed transaction, insert (or renew) the topup's row
//      in public.topup_token_push_attempts with those "before" values and
//      finished_at null — only while the topup is still wait_token_push;
//   3. send the token;
//   4. read balance and transaction count again; in one transaction set the
//      topup's status (completed, or failed_token_push) and finish the attempt row.
// A row left unfinished (the job was killed, or the meter stopped answering after
// the claim) is resolved on the next run BEFORE anything is sent, from the meter:
//   * transaction count unchanged since the claim: the token did not land; it is
//     sent again as a new attempt (safe: the meter also refuses a token it has
//     already accepted). The balance is not consulted: it moves with use, and a
//     credit without a transaction is not a token's;
//   * count rose by exactly 1 and the newest transaction's value is the topup's
//     amount: it landed → completed;
//   * anything else (count moved by more, or another amount): failed_token_push with
//     the reason, for an operator; never re-sent.
// A NAK on the token (already used, not valid for this meter) → failed_token_push
// with the reason. A token accepted whose credit is not within £0.50 of the amount
// → failed_token_push with the reason. One job at a time: the run holds a session
// advisory lock (released when its connection goes, also when killed).
//
// Tokens are credit: outside the database only their last 4 digits are shown.
//
// Load (db/topups) -> talk (the halves below, over the transport factory) ->
// decide (token_push_decision.hpp) -> store (db/topups: claim, finish).
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "emop/object_table.hpp"
#include "jobs/batch.hpp"
#include "jobs/token_push_decision.hpp"

namespace flows::jobs {

struct PushTokensOptions {
  std::optional<std::string> esco;  // escos.code; all when empty
  bool dry_run = false;
  BatchOptions batch;
};

struct TopupPushResult {
  std::string topup_id;
  std::string serial;
  std::string amount;       // £, "10.00000"
  std::string token_tail;   // "…1234"
  std::string action;       // sent | resolved | would_send | would_resolve | skipped | error
  std::string status;       // the topup's status afterwards
  bool ok = false;          // false: failed_token_push, or still pending because of an error
  ExitCode code = ExitCode::ok;  // when !ok: the failure's status (exit_codes.hpp)
  std::string detail;       // one line
  std::optional<std::string> balance_before, balance_after;
  nlohmann::json to_json() const;
};

// Masks all but the last 4 digits.
std::string token_tail(const std::string& token);

// The meter-talking halves of a push (no database).
struct MeterReading {
  Money balance;
  int count = 0;  // monetary transaction count
};

// Balance, then transaction count.
Task<MeterReading> read_balance_and_count(meter::Meter& m);

// An interrupted attempt checked on the meter: transaction count, balance, and
// (when the count moved by one) the newest transaction's value.
struct InterruptedCheck {
  Resolution resolution;
  MeterReading now;
};
Task<InterruptedCheck> check_interrupted(meter::Meter& m, int before_count, Money amount);

// Sends the token; unless the meter refuses it with a NAK, or its answer is lost
// after the token went out (never sent again), reads balance and count again.
// Other meter failures are thrown.
struct SendResult {
  std::optional<emop::NakCode> refused;
  std::optional<transport::MeterError> lost;  // delivered, not answered: the outcome is to be found out
  MeterReading after;  // when neither refused nor lost
};
Task<SendResult> send_and_read(meter::Meter& m, std::string token);

// Throws flows::Error(database) on database failures (including another run
// holding the lock); meter failures are results.
std::vector<TopupPushResult> push_tokens(pqxx::connection& conn, const emop::ObjectTable& objects,
                                         const PushTokensOptions& options);

}  // namespace flows::jobs
