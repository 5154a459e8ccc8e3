#pragma once
// Bank and provider lines (public.payment_lines) and the payments they record
// (public.payments): the SQL of flows-bill payments import, unmatched, match
// and list. The decisions (parsing, which account a line pays, which status
// changes are allowed) are billing/payment_file and billing/payment_matching;
// here they are applied set-based: the lines are COPYed into a temporary table
// and every insert and update is one statement over all of them.
//
// Reconciliation of a new line that is matched to a supply account, in order:
//   * a refund (negative amount or status refunded) whose words name an
//     earlier line of the same source with a payment: that payment becomes
//     refunded, and the line points to it (matched_by refund);
//   * a succeeded or pending line with a payment of provider 'wallet' in
//     status created or pending, of the same account and amount and without a
//     provider reference yet (an auto top-up waiting to be collected): the line
//     settles it (its status, provider_reference = the line's reference,
//     submitted_at = the line's date), oldest wallet payment first;
//   * otherwise a new payment (account, amount, status, provider = the source,
//     provider_reference = the reference, submitted_at = the line's date,
//     description); a negative amount never makes one (it stays unmatched).
// A line seen again (same source and reference) is never inserted twice; a
// status that moved forward (allowed_status_changes) is written to the line,
// to its payment (unless the line is a refund pointing at the payment it
// refunded) and appended to the line's notes.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "billing/payment_file.hpp"
#include "billing/payment_matching.hpp"

namespace flows::db {

// Supply accounts by number, and the emails of their current occupiers
// (customer_accounts role occupier without move_out).
billing::PaymentDirectory payment_directory(pqxx::transaction_base& tx);

// Keeps two imports or matches apart (transaction-scoped advisory lock).
void lock_payment_lines(pqxx::transaction_base& tx);

// A line with its matching decision, ready to store.
struct LineToStore {
  const billing::PaymentLine* line = nullptr;
  billing::LineMatch match;
  bool refund = false;       // billing::is_refund
  std::string refund_words;  // reference_words joined by spaces (refunds only)
};

struct StoreCounts {
  std::int64_t lines = 0, new_lines = 0, already = 0, status_changes = 0, stale = 0;
  std::int64_t payments_created = 0, wallet_settled = 0, refunds = 0, unmatched = 0;
  std::int64_t by_account_number = 0, by_email = 0, by_rule = 0;
};

// Inserts the new lines (ON CONFLICT (provider, reference) DO NOTHING),
// reconciles the matched ones and applies the status changes of lines seen
// before, in the caller's transaction (under lock_payment_lines).
StoreCounts store_payment_lines(pqxx::transaction_base& tx, const std::string& provider,
                                const std::string& source_file, const std::vector<LineToStore>& lines,
                                const std::vector<std::string>& allowed_changes);

struct StoredLine {
  std::int64_t id = 0;
  std::string provider, reference, booked_at, status, payer, payer_reference, description, notes;
  std::string payment;  // "" when unmatched
  std::int64_t amount_pence = 0;
};

// A line by id, FOR UPDATE; nullopt when there is none.
std::optional<StoredLine> payment_line(pqxx::transaction_base& tx, std::int64_t id);

// The supply accounts the customer (by email, any case) occupies now;
// nullopt when there is no such customer.
std::optional<std::vector<std::string>> customer_supply_accounts(pqxx::transaction_base& tx, const std::string& email);

// Reconciles one stored unmatched line with ACCOUNT (matched_by manual), by
// the same rules as an import. Returns the payment it points to now.
std::string match_line_to_account(pqxx::transaction_base& tx, const StoredLine& line, const std::string& account,
                                  const std::string& refund_words);

// Lines without a payment, by date and id.
std::vector<StoredLine> unmatched_lines(pqxx::transaction_base& tx);

struct PaymentRow {
  std::string id, day;  // day: the UK date of submitted_at (or created_at)
  std::int64_t account_number = 0;
  std::string customer;  // the occupier's email on that day, "" when none
  std::int64_t amount_pence = 0;
  std::string status, provider, provider_reference, description;
};

// Payments, by date and id: of the accounts the customer occupied on the
// payment's day (when customer is set), in the UK civil month [from, to) when
// set (timestamps as text).
std::vector<PaymentRow> list_payments(pqxx::transaction_base& tx, const std::optional<std::string>& customer,
                                      const std::optional<std::pair<std::string, std::string>>& range);

bool customer_exists(pqxx::transaction_base& tx, const std::string& email);

}  // namespace flows::db
