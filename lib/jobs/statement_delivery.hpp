#pragma once
// `flows-bill statements send`: the month's stored statements emailed to their
// customers (load → send → record).
//
// Never twice: under a session lock per month (a second run for the month is
// refused), each statement gets a public.statement_deliveries row with outcome
// 'unknown' committed BEFORE its message is handed to the server, then 'sent'
// (with its Message-ID) or 'failed' (with the server's reply), written in the
// same statement as the next message's 'unknown' row (one database round trip
// a message) or at the end. A crash or a
// connection dropped after the data leaves 'unknown': the message may have
// gone, and a customer with a 'sent' or 'unknown' delivery is skipped unless
// resend. A customer without an email or with an invalid one is recorded
// failed without contacting the server; once the session itself fails
// (connect, TLS, login), the rest are recorded failed without contacting it.
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "billing/calendar.hpp"
#include "core/exit_codes.hpp"
#include "mail/message.hpp"
#include "mail/smtp.hpp"

namespace flows::jobs {

struct DeliveryOptions {
  billing::Month month{2000, 1};
  std::optional<std::string> esco;      // escos.code
  std::optional<std::string> customer;  // customers.email
  bool resend = false;
  mail::Address from;
};

struct DeliveryItem {
  std::int64_t account_number = 0;
  std::string customer_id, name, email;
  std::string outcome;  // "sent", "failed", "unknown" or "skipped"
  std::string detail;   // the server's reply, why it failed, or why skipped
  std::optional<std::string> message_id;
};

struct DeliveryReport {
  std::string month;
  std::vector<DeliveryItem> items;
  std::chrono::milliseconds duration{0};
  std::size_t count(const std::string& outcome) const;
};

// 0 when nothing failed or is unknown, else ExitCode::partial (7).
ExitCode delivery_status(const DeliveryReport& r);

// The message of one statement: the HTML statement as the body, the statement's
// CSV row (with its header) attached as statement-YYYY-MM-ACCOUNT.csv. Pure.
mail::Message statement_message(const nlohmann::json& statement, const mail::Address& from, const mail::Address& to,
                                std::string message_id, std::string date);

// "Your energy statement for June 2024".
std::string statement_subject(const nlohmann::json& statement);

using Clock = std::function<std::chrono::system_clock::time_point()>;

DeliveryReport deliver_statements(pqxx::connection& conn, const DeliveryOptions& options, mail::Transport& transport,
                                  const Clock& now = std::chrono::system_clock::now);

}  // namespace flows::jobs
