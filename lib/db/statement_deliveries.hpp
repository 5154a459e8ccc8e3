#pragma once
// The SQL of statement delivery: the month's stored statements with each
// customer's address and what became of earlier deliveries, and the
// public.statement_deliveries rows that record each attempt (an 'unknown' row
// committed before a message goes out, then its outcome).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "billing/calendar.hpp"

namespace flows::db {

struct StatementToDeliver {
  std::string customer;  // customers.id
  std::string esco;      // flows.escos.id
  std::string email;     // customers.email now (not the one in the statement)
  nlohmann::json statement;
  // The most binding earlier outcome for the month: "sent", else "unknown"
  // (a message that may have gone), else "failed", else none.
  std::optional<std::string> delivered;
};

// The month's statements (one ESCO's by code, one customer's by email, when
// given), in account number order, with their delivery state. One query.
std::vector<StatementToDeliver> statements_to_deliver(pqxx::transaction_base& tx, const billing::Month& month,
                                                      const std::optional<std::string>& esco_code,
                                                      const std::optional<std::string>& customer_email);

// A session lock on the month's deliveries, held until the connection closes:
// false when another `statements send` for the month holds it.
bool try_lock_deliveries(pqxx::connection& conn, const billing::Month& month);

// An attempt that never reached the server (no address, an invalid one): 'failed'.
void record_undeliverable(pqxx::transaction_base& tx, const StatementToDeliver& s, const billing::Month& month,
                          const std::string& detail);

struct DeliveryOutcome {
  std::int64_t id = 0;
  std::string outcome;  // "sent", "failed" or "unknown"
  std::string detail;
  std::optional<std::string> message_id;
};

// Sets the outcomes of attempts begun with record_and_begin: one statement for all.

void record_outcomes(pqxx::transaction_base& tx, const std::vector<DeliveryOutcome>& outcomes);

// record_outcomes of the previous attempt (if any) and a new attempt for the
// next statement, outcome 'unknown', in ONE statement, atomic on its own: run it in a pqxx::nontransaction
// (autocommit), one round trip per message. Returns the new attempt's id.
std::int64_t record_and_begin(pqxx::transaction_base& tx, const std::optional<DeliveryOutcome>& previous,
                              const StatementToDeliver& next, const billing::Month& month);

}  // namespace flows::db
