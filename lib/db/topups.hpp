#pragma once
// public.topups waiting for their token, and the token push claims in
// public.topup_token_push_attempts (push_tokens.hpp says how they keep a token
// from being sent twice).
#include <optional>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "core/money.hpp"
#include "db/meters.hpp"

namespace flows::db {

struct PendingTopup {
  std::string id;
  MeterRow meter;           // id, serial, host, port, dst, hardware
  std::string token;        // "" when the topup has none
  Money amount;             // amount_pence as £
  bool unfinished = false;  // an attempt was claimed and its result is not known
  std::optional<Money> before_balance;
  int before_count = 0;
  int attempts = 0;
};

// Topups in wait_token_push of active meters (of one ESCO when esco is set), by
// serial, creation, id, with their attempt row.
std::vector<PendingTopup> pending_topups(pqxx::transaction_base& tx, const std::optional<std::string>& esco);

// Claims the topup for a send: the attempt row inserted (or renewed, attempts
// + 1) with the "before" values and finished_at null, only while the topup is
// still wait_token_push (locked FOR UPDATE). False when it is not.
bool claim_token_push(pqxx::transaction_base& tx, const std::string& topup_id, const std::string& meter_id,
                      Money balance_before, int count_before);

// The topup's final status (completed, with used_at, or failed_token_push) and
// its attempt row finished, in the caller's transaction.
void finish_token_push(pqxx::transaction_base& tx, const std::string& topup_id, bool completed,
                       const std::string& detail, std::optional<Money> balance_after, std::optional<int> count_after);

}  // namespace flows::db
