#pragma once
// flows-bill's topup jobs: a topup added by hand, topups made from succeeded
// payments, tokens fetched from the configured token source, and auto top-ups
// of wallets. Load (lib/db) → decide (lib/billing) → store (lib/db), each in a
// transaction; a token is fetched outside any (the command may be slow).
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <date/date.h>
#include <pqxx/pqxx>

#include "billing/wallets.hpp"
#include "db/business_topups.hpp"
#include "db/wallets.hpp"

namespace flows::jobs {

struct AddTopup {
  std::optional<std::string> email, serial;  // exactly one
  std::int64_t amount_pence = 0;
  std::string source;  // gift | adjustment
  std::string reason;
  date::year_month_day today;
};
struct AddedTopup {
  std::string id, serial, status;
  std::int64_t amount_pence = 0;
};
// Gift: 1 … 100000 p; adjustment: −50000 … 100000 p, not 0. A negative
// adjustment is a correction of the books that no token can carry: it is
// stored as 'pending' (never fetched nor pushed); others wait_token_fetch.
AddedTopup add_topup(pqxx::connection& conn, const AddTopup& a);

std::vector<db::TopupRow> list_topups(pqxx::connection& conn, const std::optional<std::string>& email,
                                      const std::optional<std::string>& status, date::year_month_day today);

struct FromPaymentsReport {
  std::vector<db::UnlinkedPayment> made;      // (to be) made, when dry
  std::vector<db::UnlinkedPayment> no_meter;  // reported: the account's property has no supply meter
};
FromPaymentsReport topups_from_payments(pqxx::connection& conn, bool dry_run);

struct TokenOutcome {
  std::string topup, serial;
  std::int64_t amount_pence = 0;
  bool ok = false;
  std::string token_tail;  // "…1234" when ok
  std::string detail;      // why not, when not ok
};
struct TokensReport {
  std::vector<TokenOutcome> outcomes;
  bool busy = false;  // another `topups tokens` holds the lock: nothing done
  std::size_t failed() const;
};
struct TokenSource {
  std::string command_line;  // token_command
  std::chrono::milliseconds timeout{30000};
};
// flows::Error(config) when the command line does not split or names an
// unknown placeholder (before any topup is touched).
TokensReport fetch_tokens(pqxx::connection& conn, const TokenSource& source, const std::optional<std::string>& esco);

struct DueRow {
  db::WalletMeter wallet;
  billing::DueDecision decision;
  std::optional<UtcTime> scheduled_at;  // when due
};
struct DueReport {
  std::vector<DueRow> rows;
  std::size_t made = 0;
};
DueReport topups_due(pqxx::connection& conn, const std::optional<std::string>& esco, bool dry_run, UtcTime now);

// The result of running a command without a shell.
struct CommandResult {
  bool started = false;
  bool timed_out = false;
  int exit_status = -1;  // when it exited; -1 when killed by a signal
  int signal = 0;
  std::string out, err;
  std::string error;  // why it could not start
};
CommandResult run_command(const std::vector<std::string>& argv, std::chrono::milliseconds timeout);

}  // namespace flows::jobs
