#pragma once
// Which customer's supply account a payment line pays into, and what a line
// seen again may change (flows-bill payments import and match).
//
// A line is matched, in this order (the first step that finds something
// decides; a step that finds two different accounts leaves the line unmatched
// with a note saying so):
//   1. account_number: the line's payer_reference or description names a
//      supply account's number (public.accounts.account_number) as
//      "FLOWS-1001" / "FLOWS 1001" / "FLOWS1001" (any case), or else as the
//      bare number "1001" standing as a whole word (no letter or digit either
//      side, so "INV10012" and "1001.5" do not name 1001);
//   2. email: the line's payer, payer_reference or description holds a
//      customer's email (any case) and the customer occupies exactly one supply
//      account;
//   3. rule: the mapping's rules name the line's payer (case, and runs of
//      spaces, ignored; the whole name) and give the customer's email.
//
// A line is a refund when its amount is negative or its status is refunded;
// the payment it refunds is the earlier line (of the same source) whose
// reference is one of the refund's words (reference_words).
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "billing/payment_file.hpp"

namespace flows::billing {

// Supply accounts by number and customers' emails (lower case) with the supply
// accounts they occupy: what matching needs to know.
struct PaymentDirectory {
  std::map<std::int64_t, std::string> accounts;             // account_number → account id
  std::map<std::string, std::vector<std::string>> emails;   // email → occupied supply account ids
};

enum class MatchedBy { none, account_number, email, rule, manual, refund };
const char* to_string(MatchedBy m);

struct LineMatch {
  std::string account;  // the supply account id, "" when unmatched
  MatchedBy by = MatchedBy::none;
  std::string note;     // why a line stays unmatched when something was found
};

// Normalised payer name: lower case, spaces trimmed and runs of spaces made one.
std::string payer_key(std::string_view name);

// Account numbers a text names: the FLOWS-prefixed ones, and the bare whole
// words of digits (both in order of appearance).
struct NamedNumbers {
  std::vector<std::int64_t> prefixed, bare;
};
NamedNumbers account_numbers_in(std::string_view text);

// The emails in a text, lower case.
std::vector<std::string> emails_in(std::string_view text);

// The decision of matching (see above). Rules whose customer is not in the
// directory never match (check_rules refuses them first).
LineMatch match_line(const PaymentLine& line, const PaymentDirectory& d, const std::vector<PayerRule>& rules);

// Rules naming an email the directory does not know, as "SOURCE:LINE: …"
// messages (empty when all are known).
std::vector<std::string> check_rules(const std::vector<PayerRule>& rules, const PaymentDirectory& d,
                                     const std::string& source);

bool is_refund(const PaymentLine& line);

// The words of a refund's payer_reference and description (split at spaces
// and , ; : ( ) [ ] / #), each a candidate reference of the payment refunded.
std::vector<std::string> reference_words(const PaymentLine& line);

// The status changes a line seen again may make, as "from>to": pending →
// succeeded, failed or refunded; succeeded → refunded; failed → succeeded (a
// retried collection). Anything else (an older export showing pending after
// succeeded) leaves the stored status as it is.
const std::vector<std::string>& allowed_status_changes();
bool status_change_allowed(LineStatus from, LineStatus to);

}  // namespace flows::billing
