#pragma once
// Bank statements and provider exports into the database (flows-bill payments
// import), and the commands over the lines stored: unmatched, match, list.
// Load (the file, the mapping, the directory of accounts and emails) → decide
// (billing/payment_file: parse and validate every line; billing/
// payment_matching: which account each pays) → store (db/payments: set-based,
// one transaction). A file with one bad line writes nothing (ExitCode::usage,
// naming the file and line); importing a file again records nothing twice
// (public.payment_lines is unique per source and reference).
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "billing/calendar.hpp"
#include "billing/payment_file.hpp"
#include "db/payments.hpp"

namespace flows::jobs {

struct ImportOptions {
  std::string file;                     // the CSV
  std::string source;                   // the bank or provider: payment_lines.provider
  std::optional<std::string> mapping;   // a mapping file (YAML); the default mapping when absent
  bool dry_run = false;                 // do it all and roll back
};

struct ImportReport {
  db::StoreCounts counts;
  bool dry_run = false;
  std::chrono::milliseconds duration{0};
};

// The file and mapping read and every line validated, before any database
// work: flows::Error (usage) for a bad file, mapping or source, config for a
// file that cannot be read.
struct PreparedImport {
  ImportOptions options;
  billing::PaymentMapping mapping;
  std::vector<billing::PaymentLine> lines;
};
PreparedImport prepare_import(const ImportOptions& o);

// Throws flows::Error: usage for a rule naming an unknown customer, database
// for database failures (nothing written either way).
ImportReport import_payments(pqxx::connection& conn, const PreparedImport& p);

struct MatchReport {
  std::int64_t line = 0;
  std::string payment;  // the payment the line points to now
  std::string account;
};

// Matches an unmatched line to the customer's (by email) one supply account,
// by the rules of an import (a refund marks the payment it names refunded, a
// wallet payment waiting for this amount is settled, else a payment is
// created). Usage errors: no such line, a line already matched, an unknown
// customer, a customer without exactly one supply account, a negative line
// that names no earlier payment.
MatchReport match_payment_line(pqxx::connection& conn, std::int64_t line_id, const std::string& customer_email);

std::vector<db::StoredLine> unmatched_payment_lines(pqxx::connection& conn);

// Payments by date (of the customer's accounts, in the UK civil month, when
// given). An unknown customer is a usage error.
std::vector<db::PaymentRow> list_payments(pqxx::connection& conn, const std::optional<std::string>& customer,
                                          const std::optional<billing::Month>& month);

}  // namespace flows::jobs
