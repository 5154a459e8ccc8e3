#pragma once
// Bank statements and payment provider exports (CSV) as payment lines, and the
// mapping that says which column is which (flows-bill payments import).
//
// The default mapping reads a header row naming the columns
//   date,amount,reference,payer,payer_reference,description,status
// (case and surrounding spaces ignored, in any order, other columns ignored;
// date, amount and reference are required, the others optional: no status
// column means every line is succeeded). A mapping file (YAML) renames them for
// a source, adds status words and carries the matching rules:
//
//   columns: {date: Date, amount: Amount, reference: Transaction ID, payer: Name,
//             payer_reference: Reference, description: Details, status: State}
//   statuses: {paid: succeeded, bounced: failed}
//   rules:
//     - {payer: J SMITH, customer: jane@example.org}
//
// Dates: YYYY-MM-DD or DD/MM/YYYY (a UK day: booked at its UK midnight), or an
// RFC 3339 instant YYYY-MM-DDTHH:MM[:SS][.fff](Z|±HH:MM). Amounts, in pounds:
// an optional sign and £ (either order), digits with optional thousands
// commas in groups of three, and at most 2 decimals: "12.34", "-5.00",
// "£12.34", "-£5", "1,234.56", "12.3" (1230 p). Parsed exactly to pence; a
// payment is 1 to 50,000 p (a negative amount is a refund of that size).
// Statuses (case-insensitive): succeeded, success, paid, completed, settled,
// cleared, confirmed → succeeded; pending, processing, submitted, created →
// pending; failed, declined, rejected, cancelled, canceled, bounced, returned
// → failed; refunded, refund, reversed, charged_back, chargeback → refunded.
//
// The CSV is RFC 4180 (core/csv.hpp's parse_csv): fields quoted with " when
// they hold a comma, a quote (doubled) or a line break; CRLF or LF; a UTF-8
// byte order mark is skipped.
// Every error is a flows::Error (usage) "FILE:LINE: what", LINE the line
// where the record starts; the whole file is checked before anything is
// written.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace flows::billing {

enum class LineStatus { succeeded, pending, failed, refunded };
const char* to_string(LineStatus s);
std::optional<LineStatus> line_status_from_string(std::string_view s);  // exactly the 4 names

inline constexpr std::int64_t max_payment_pence = 50000;

// A payer name mapped to a customer's email (matching by rule).
struct PayerRule {
  std::string payer;     // as written in the mapping file
  std::string customer;  // the customer's email
  int line = 0;          // in the mapping file
};

struct PaymentMapping {
  // Field → header name in the file. Fields: date, amount, reference, payer,
  // payer_reference, description, status.
  std::map<std::string, std::string> columns;
  std::map<std::string, LineStatus> statuses;  // lower-case word → status (beyond the defaults)
  std::vector<PayerRule> rules;
};

PaymentMapping default_mapping();

// Parses a mapping file (YAML); anything missing keeps the default. Throws
// flows::Error (usage) naming SOURCE and the line.
PaymentMapping parse_mapping(const std::string& yaml_text, const std::string& source);

struct PaymentLine {
  int line = 0;               // where the record starts in the file
  std::string reference;      // the provider's reference: unique per source
  std::string booked_date;    // "YYYY-MM-DD" when the file gave a UK day, else ""
  std::string booked_at;      // the instant, "YYYY-MM-DDTHH:MM:SSZ" (a UK day's midnight for a day)
  std::int64_t amount_pence = 0;  // negative for money paid back
  LineStatus status = LineStatus::succeeded;
  std::string payer, payer_reference, description;
};

// Exact pence of an amount as documented above; nullopt when it is not one.
std::optional<std::int64_t> parse_amount_pence(std::string_view text);

// The date cell as (booked_date, booked_at), one of them set; nullopt when it
// is none of the accepted forms or not a real day.
struct BookedWhen {
  std::string date, at;
};
std::optional<BookedWhen> parse_booked(std::string_view text);

// A status word through the mapping's words and the defaults.
std::optional<LineStatus> map_status(std::string_view word, const PaymentMapping& m);

// Every line of the file, validated (amount 1 to 50,000 p in size, a known
// status, a date, a reference unique in the file, text that is UTF-8 without
// NUL). Throws flows::Error (usage) "SOURCE:LINE: …" for the first bad line
// ("and N more bad lines" when there are others).
std::vector<PaymentLine> parse_payment_file(std::string_view text, const PaymentMapping& m,
                                            const std::string& source);

}  // namespace flows::billing
