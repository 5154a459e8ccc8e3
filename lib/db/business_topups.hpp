#pragma once
// The SQL of flows-bill's topups: topups added by hand, made from payments,
// their tokens fetched, and solar credits paid out as topups
// (solar_credit_payouts). lib/db/topups.hpp is the token push's part.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <date/date.h>
#include <pqxx/pqxx>

#include "billing/calendar.hpp"
#include "billing/solar_payouts.hpp"
#include "core/emop_time.hpp"

namespace flows::db {

struct MeterRef {
  std::string id;
  std::string serial;
};

// The customer (by email, case-insensitive) and the supply meter of the supply
// account they occupy on `today` (move_in null or ≤ today, move_out null or >
// today). customer_found false: no such customer; meter empty: none occupied.
struct CustomerMeter {
  bool customer_found = false;
  std::optional<MeterRef> meter;
};
CustomerMeter customer_supply_meter(pqxx::transaction_base& tx, const std::string& email, date::year_month_day today);

std::optional<MeterRef> meter_by_serial(pqxx::transaction_base& tx, const std::string& serial);

struct NewTopup {
  std::string meter;
  std::int64_t amount_pence = 0;
  std::string status;  // topup_status_enum
  std::string source;  // topup_source_enum
  std::string notes;
};
std::string insert_topup(pqxx::transaction_base& tx, const NewTopup& t);  // the new id

struct TopupRow {
  std::string id;
  std::string serial;
  std::optional<std::string> email;  // the meter's occupier today, if any
  std::int64_t amount_pence = 0;
  std::string status, source, notes;
  bool has_token = false;
  std::string created_at;  // ISO UTC
};
// By creation; of one customer's meters (occupied today) and/or one status.
std::vector<TopupRow> list_topups(pqxx::transaction_base& tx, const std::optional<std::string>& email,
                                  const std::optional<std::string>& status, date::year_month_day today);

// from-payments ---------------------------------------------------------------

// A succeeded payment no topup was made from yet, with its account's
// property's supply meter (absent: reported).
struct UnlinkedPayment {
  std::string payment;
  std::int64_t account_number = 0;
  std::int64_t amount_pence = 0;
  std::optional<MeterRef> meter;
};

// Keeps two from-payments runs apart until the transaction ends.
void lock_from_payments(pqxx::transaction_base& tx);
std::vector<UnlinkedPayment> unlinked_payments(pqxx::transaction_base& tx);
// A topup (payment, wait_token_fetch, the payment's amount) for each of
// PAYMENTS on its supply meter, each linked in topups_payments, in one
// statement. Returns how many were made.
std::size_t topups_from_payments(pqxx::transaction_base& tx, const std::vector<std::string>& payments);

// tokens ----------------------------------------------------------------------

struct TokenWanted {
  std::string topup;
  std::string serial;
  std::int64_t amount_pence = 0;
};
// The session advisory lock of `topups tokens` (released with the connection,
// not with TX: take it in a pqxx::nontransaction).
bool try_lock_token_fetch(pqxx::transaction_base& tx);
// Topups in wait_token_fetch with an amount above 0 (of one ESCO's meters).
std::vector<TokenWanted> topups_wanting_tokens(pqxx::transaction_base& tx, const std::optional<std::string>& esco);
// token set, status wait_token_push, acquired_at now; only while still
// wait_token_fetch (false otherwise).
bool store_token(pqxx::transaction_base& tx, const std::string& topup, const std::string& token);
// status failed_token_fetch, the reason appended to notes; only while still
// wait_token_fetch.
bool fail_token_fetch(pqxx::transaction_base& tx, const std::string& topup, const std::string& reason);

// solar credits paid out ------------------------------------------------------

// Months with stored solar credits (of one ESCO when set), oldest first.
std::vector<billing::Month> months_with_credits(pqxx::transaction_base& tx, const std::optional<std::string>& esco);
// Each property's credit shares of the month summed, with its supply meter and
// any payout made.
std::vector<billing::PropertyCredit> month_credits(pqxx::transaction_base& tx, const billing::Month& month,
                                                   const std::optional<std::string>& esco);
// Serialises payouts of a month until the transaction ends.
void lock_payouts(pqxx::transaction_base& tx, const billing::Month& month);
// The topup (solar_credit, wait_token_fetch, "solar credit YYYY-MM") and its
// payout row, in one statement; false when the property was paid meanwhile.
bool apply_payout(pqxx::transaction_base& tx, const billing::PropertyCredit& c, const billing::Month& month,
                  UtcTime scheduled_at);

}  // namespace flows::db
