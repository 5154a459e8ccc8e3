#include "db/payments.hpp"

#include <pqxx/stream_to>

#include "db/sql_values.hpp"
#include "db/staging.hpp"

namespace flows::db {
namespace {

using Text = std::optional<std::string>;

Text or_null(const std::string& s) { return s.empty() ? Text() : Text(s); }

std::string text_of(const pqxx::field& f) { return f.is_null() ? std::string() : f.as<std::string>(); }

const std::vector<StagedColumn> staged_columns{
    {"line_number", "integer"}, {"reference", "text"},    {"booked", "timestamptz"},
    {"amount_pence", "bigint"}, {"status", "text"},       {"payer", "text"},
    {"payer_reference", "text"}, {"description", "text"}, {"account", "uuid"},
    {"matched_by", "text"},     {"note", "text"},         {"refund_words", "text"},
    {"line_id", "bigint"}};

// The lines staged as pg_temp.payment_import (line_id set for a stored line
// being matched by hand).
void stage(pqxx::transaction_base& tx, const std::vector<LineToStore>& lines, std::optional<std::int64_t> line_id) {
  stage_rows(tx, "payment_import", staged_columns, [&](pqxx::stream_to& copy) {
    for (const auto& l : lines) {
      const auto& p = *l.line;
      copy << std::make_tuple(p.line, p.reference, p.booked_at, p.amount_pence, billing::to_string(p.status),
                              or_null(p.payer), or_null(p.payer_reference), or_null(p.description),
                              or_null(l.match.account), or_null(billing::to_string(l.match.by)),
                              or_null(l.match.note), l.refund ? Text(l.refund_words) : Text(), line_id);
    }
  });
  tx.exec0("ANALYZE pg_temp.payment_import");
}

// Lines seen before whose status moved forward: the line, its payment (not
// for a refund line, which points at the payment it refunded) and a note.
const char* const status_changes_sql =
    "WITH seen AS ("
    "  SELECT s.line_number, s.status AS new_status, l.id, l.status AS old_status "
    "  FROM pg_temp.payment_import s JOIN public.payment_lines l ON l.provider = $1 AND l.reference = s.reference), "
    "changed AS ("
    "  UPDATE public.payment_lines l SET status = seen.new_status, "
    "    notes = concat_ws(E'\\n', l.notes, format('%s: %s -> %s (%s line %s)', "
    "      to_char(statement_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), seen.old_status, "
    "      seen.new_status, $2::text, seen.line_number)) "
    "  FROM seen WHERE l.id = seen.id AND seen.old_status <> seen.new_status "
    "    AND (seen.old_status || '>' || seen.new_status) = ANY($3::text[]) "
    "  RETURNING l.payment, l.matched_by, l.status), "
    "paid AS ("
    "  UPDATE public.payments p SET status = c.status::public.payment_status_enum "
    "  FROM changed c WHERE p.id = c.payment AND c.matched_by IS DISTINCT FROM 'refund' RETURNING p.id) "
    "SELECT (SELECT count(*) FROM seen) AS already, (SELECT count(*) FROM changed) AS changes, "
    "  (SELECT count(*) FROM seen WHERE old_status <> new_status) AS differ, (SELECT count(*) FROM paid) AS paid";

// New lines that are no refund: wallet payments settled, payments created,
// the lines inserted pointing at them.
const char* const new_payments_sql =
    "WITH fresh AS ("
    "  SELECT s.* FROM pg_temp.payment_import s WHERE s.refund_words IS NULL AND ("
    "    s.line_id IS NOT NULL OR NOT EXISTS ("
    "      SELECT 1 FROM public.payment_lines l WHERE l.provider = $1 AND l.reference = s.reference))), "
    "wallet AS ("
    "  SELECT p.id, p.account, p.amount_pence::bigint AS amount_pence, "
    "    row_number() OVER (PARTITION BY p.account, p.amount_pence ORDER BY p.created_at, p.id) AS rn "
    "  FROM public.payments p WHERE p.provider = 'wallet' AND p.status IN ('created', 'pending') "
    "    AND p.provider_reference IS NULL AND p.account IN (SELECT account FROM fresh)), "
    "collecting AS ("
    "  SELECT f.line_number, f.account, f.amount_pence, "
    "    row_number() OVER (PARTITION BY f.account, f.amount_pence ORDER BY f.booked, f.line_number) AS rn "
    "  FROM fresh f WHERE f.status IN ('succeeded', 'pending') "
    "    AND (f.account, f.amount_pence) IN (SELECT account, amount_pence FROM wallet)), "
    "settle AS ("
    "  SELECT c.line_number, w.id FROM collecting c "
    "  JOIN wallet w ON w.account = c.account AND w.amount_pence = c.amount_pence AND w.rn = c.rn), "
    "settled AS ("
    "  UPDATE public.payments p SET status = f.status::public.payment_status_enum, provider_reference = f.reference, "
    "    submitted_at = f.booked "
    "  FROM settle st JOIN fresh f ON f.line_number = st.line_number WHERE p.id = st.id RETURNING p.id), "
    "created AS ("
    "  INSERT INTO public.payments (account, amount_pence, status, provider, provider_reference, submitted_at, "
    "    description) "
    "  SELECT f.account, f.amount_pence, f.status::public.payment_status_enum, $1, f.reference, f.booked, f.description "
    "  FROM fresh f WHERE f.account IS NOT NULL AND f.amount_pence > 0 "
    "    AND NOT EXISTS (SELECT 1 FROM settle st WHERE st.line_number = f.line_number) "
    "  ON CONFLICT (provider, provider_reference) WHERE provider_reference IS NOT NULL DO NOTHING "
    "  RETURNING id, provider_reference), "
    "linked AS ("
    "  SELECT f.*, COALESCE(st.id, c.id) AS payment, st.id IS NOT NULL AS settles "
    "  FROM fresh f LEFT JOIN settle st ON st.line_number = f.line_number "
    "  LEFT JOIN created c ON c.provider_reference = f.reference), "
    "inserted AS ("
    "  INSERT INTO public.payment_lines (provider, reference, booked_at, amount_pence, status, payer, payer_reference, "
    "    description, payment, matched_by, matched_at, source_file, line_number, notes) "
    "  SELECT $1, k.reference, k.booked, k.amount_pence, k.status, k.payer, k.payer_reference, k.description, "
    "    k.payment, CASE WHEN k.payment IS NOT NULL THEN k.matched_by END, "
    "    CASE WHEN k.payment IS NOT NULL THEN statement_timestamp() END, $2, k.line_number, "
    "    CASE WHEN k.payment IS NULL THEN k.note END "
    "  FROM linked k WHERE k.line_id IS NULL "
    "  ON CONFLICT (provider, reference) DO NOTHING RETURNING payment, matched_by), "
    "matched AS ("
    "  UPDATE public.payment_lines l SET payment = k.payment, matched_by = k.matched_by, "
    "    matched_at = statement_timestamp() "
    "  FROM linked k WHERE k.line_id IS NOT NULL AND l.id = k.line_id AND l.payment IS NULL AND k.payment IS NOT NULL "
    "  RETURNING l.payment, l.matched_by) "
    "SELECT (SELECT count(*) FROM inserted) AS new_lines, (SELECT count(*) FROM created) AS created, "
    "  (SELECT count(*) FROM settled) AS settled, "
    "  (SELECT count(*) FROM (SELECT payment FROM inserted UNION ALL SELECT payment FROM matched) x "
    "   WHERE payment IS NULL) AS unmatched, "
    "  (SELECT count(*) FROM inserted WHERE matched_by = 'account_number') AS by_account_number, "
    "  (SELECT count(*) FROM inserted WHERE matched_by = 'email') AS by_email, "
    "  (SELECT count(*) FROM inserted WHERE matched_by = 'rule') AS by_rule, "
    "  (SELECT min(payment::text) FROM matched) AS matched_payment";

// New refund lines (after the others, so a refund of a payment in the same
// file finds it): the payment refunded marked so and pointed at; a refunded
// line naming none gets a payment of its own (status refunded) when matched
// and positive.
const char* const refunds_sql =
    "WITH fresh AS ("
    "  SELECT s.* FROM pg_temp.payment_import s WHERE s.refund_words IS NOT NULL AND ("
    "    s.line_id IS NOT NULL OR NOT EXISTS ("
    "      SELECT 1 FROM public.payment_lines l WHERE l.provider = $1 AND l.reference = s.reference))), "
    "original AS ("
    "  SELECT DISTINCT ON (f.line_number) f.line_number, o.payment "
    "  FROM fresh f JOIN public.payment_lines o ON o.provider = $1 "
    "    AND o.reference = ANY(string_to_array(f.refund_words, ' ')) AND o.payment IS NOT NULL "
    "    AND o.matched_by IS DISTINCT FROM 'refund' "
    "  ORDER BY f.line_number, o.id), "
    "refunded AS ("
    "  UPDATE public.payments p SET status = 'refunded' FROM original o WHERE p.id = o.payment RETURNING p.id), "
    "created AS ("
    "  INSERT INTO public.payments (account, amount_pence, status, provider, provider_reference, submitted_at, "
    "    description) "
    "  SELECT f.account, f.amount_pence, 'refunded', $1, f.reference, f.booked, f.description "
    "  FROM fresh f WHERE f.account IS NOT NULL AND f.amount_pence > 0 "
    "    AND NOT EXISTS (SELECT 1 FROM original o WHERE o.line_number = f.line_number) "
    "  ON CONFLICT (provider, provider_reference) WHERE provider_reference IS NOT NULL DO NOTHING "
    "  RETURNING id, provider_reference), "
    "linked AS ("
    "  SELECT f.*, COALESCE(o.payment, c.id) AS payment, "
    "    CASE WHEN o.payment IS NOT NULL THEN 'refund' ELSE f.matched_by END AS matched_how "
    "  FROM fresh f LEFT JOIN original o ON o.line_number = f.line_number "
    "  LEFT JOIN created c ON c.provider_reference = f.reference), "
    "inserted AS ("
    "  INSERT INTO public.payment_lines (provider, reference, booked_at, amount_pence, status, payer, payer_reference, "
    "    description, payment, matched_by, matched_at, source_file, line_number, notes) "
    "  SELECT $1, k.reference, k.booked, k.amount_pence, k.status, k.payer, k.payer_reference, k.description, "
    "    k.payment, CASE WHEN k.payment IS NOT NULL THEN k.matched_how END, "
    "    CASE WHEN k.payment IS NOT NULL THEN statement_timestamp() END, $2, k.line_number, "
    "    CASE WHEN k.payment IS NULL THEN COALESCE(k.note, 'a refund naming no earlier payment') END "
    "  FROM linked k WHERE k.line_id IS NULL "
    "  ON CONFLICT (provider, reference) DO NOTHING RETURNING payment, matched_by), "
    "matched AS ("
    "  UPDATE public.payment_lines l SET payment = k.payment, matched_by = k.matched_how, "
    "    matched_at = statement_timestamp() "
    "  FROM linked k WHERE k.line_id IS NOT NULL AND l.id = k.line_id AND l.payment IS NULL AND k.payment IS NOT NULL "
    "  RETURNING l.payment, l.matched_by) "
    "SELECT (SELECT count(*) FROM inserted) AS new_lines, (SELECT count(*) FROM created) AS created, "
    "  (SELECT count(*) FROM refunded) AS refunds, "
    "  (SELECT count(*) FROM (SELECT payment FROM inserted UNION ALL SELECT payment FROM matched) x "
    "   WHERE payment IS NULL) AS unmatched, "
    "  (SELECT count(*) FROM inserted WHERE matched_by = 'account_number') AS by_account_number, "
    "  (SELECT count(*) FROM inserted WHERE matched_by = 'email') AS by_email, "
    "  (SELECT count(*) FROM inserted WHERE matched_by = 'rule') AS by_rule, "
    "  (SELECT min(payment::text) FROM matched) AS matched_payment";

struct Reconciled {
  StoreCounts counts;
  std::string matched_payment;  // for a line matched by hand
};

Reconciled reconcile_staged(pqxx::transaction_base& tx, const std::string& provider, const std::string& source_file) {
  Reconciled out;
  for (const char* sql : {new_payments_sql, refunds_sql}) {
    const pqxx::row r = tx.exec_params1(sql, provider, source_file);
    out.counts.new_lines += r["new_lines"].as<std::int64_t>();
    out.counts.payments_created += r["created"].as<std::int64_t>();
    out.counts.unmatched += r["unmatched"].as<std::int64_t>();
    out.counts.by_account_number += r["by_account_number"].as<std::int64_t>();
    out.counts.by_email += r["by_email"].as<std::int64_t>();
    out.counts.by_rule += r["by_rule"].as<std::int64_t>();
    if (sql == new_payments_sql) out.counts.wallet_settled = r["settled"].as<std::int64_t>();
    else out.counts.refunds = r["refunds"].as<std::int64_t>();
    if (!r["matched_payment"].is_null()) out.matched_payment = r["matched_payment"].as<std::string>();
  }
  return out;
}

StoredLine stored_line(const pqxx::row& r) {
  StoredLine l;
  l.id = r["id"].as<std::int64_t>();
  l.provider = r["provider"].as<std::string>();
  l.reference = r["reference"].as<std::string>();
  l.booked_at = r["booked_at"].as<std::string>();
  l.amount_pence = r["amount_pence"].as<std::int64_t>();
  l.status = r["status"].as<std::string>();
  l.payer = text_of(r["payer"]);
  l.payer_reference = text_of(r["payer_reference"]);
  l.description = text_of(r["description"]);
  l.notes = text_of(r["notes"]);
  l.payment = text_of(r["payment"]);
  return l;
}

const char* const line_columns =
    "id, provider, reference, to_char(booked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS booked_at, "
    "amount_pence, status, payer, payer_reference, description, notes, payment::text AS payment";

}  // namespace

billing::PaymentDirectory payment_directory(pqxx::transaction_base& tx) {
  billing::PaymentDirectory d;
  for (const auto& r : tx.exec(
           "SELECT a.id::text AS account, a.account_number, lower(c.email) AS email "
           "FROM public.accounts a "
           "LEFT JOIN public.customer_accounts ca ON ca.account = a.id AND ca.role = 'occupier' AND ca.move_out IS NULL "
           "LEFT JOIN public.customers c ON c.id = ca.customer "
           "WHERE a.type = 'supply'")) {
    const std::string account = r["account"].as<std::string>();
    d.accounts[r["account_number"].as<std::int64_t>()] = account;
    if (!r["email"].is_null()) d.emails[r["email"].as<std::string>()].push_back(account);
  }
  return d;
}

void lock_payment_lines(pqxx::transaction_base& tx) {
  tx.exec("SELECT pg_advisory_xact_lock(hashtext('flows-bill payment lines'))");
}

StoreCounts store_payment_lines(pqxx::transaction_base& tx, const std::string& provider,
                                const std::string& source_file, const std::vector<LineToStore>& lines,
                                const std::vector<std::string>& allowed_changes) {
  // A statement over 100,000 lines: no JIT compilation, and its sorts and
  // hashes in memory rather than on disk.
  tx.exec0("SET LOCAL jit = off");
  tx.exec0("SET LOCAL work_mem = '64MB'");
  stage(tx, lines, std::nullopt);
  const pqxx::row seen = tx.exec_params1(status_changes_sql, provider, source_file, text_array(allowed_changes));
  Reconciled r = reconcile_staged(tx, provider, source_file);
  r.counts.lines = static_cast<std::int64_t>(lines.size());
  r.counts.already = seen["already"].as<std::int64_t>();
  r.counts.status_changes = seen["changes"].as<std::int64_t>();
  r.counts.stale = seen["differ"].as<std::int64_t>() - r.counts.status_changes;
  return r.counts;
}

std::optional<StoredLine> payment_line(pqxx::transaction_base& tx, std::int64_t id) {
  const pqxx::result r =
      tx.exec_params(std::string("SELECT ") + line_columns + " FROM public.payment_lines WHERE id = $1 FOR UPDATE", id);
  if (r.empty()) return std::nullopt;
  return stored_line(r[0]);
}

std::optional<std::vector<std::string>> customer_supply_accounts(pqxx::transaction_base& tx,
                                                                 const std::string& email) {
  const pqxx::result r = tx.exec_params(
      "SELECT a.id::text AS account FROM public.customers c "
      "LEFT JOIN public.customer_accounts ca ON ca.customer = c.id AND ca.role = 'occupier' AND ca.move_out IS NULL "
      "LEFT JOIN public.accounts a ON a.id = ca.account AND a.type = 'supply' "
      "WHERE lower(c.email) = lower($1) ORDER BY a.account_number",
      email);
  if (r.empty()) return std::nullopt;
  std::vector<std::string> accounts;
  for (const auto& row : r)
    if (!row["account"].is_null()) accounts.push_back(row["account"].as<std::string>());
  return accounts;
}

std::string match_line_to_account(pqxx::transaction_base& tx, const StoredLine& line, const std::string& account,
                                  const std::string& refund_words) {
  // The stored line as a parsed one: what the reconciliation reads of it.
  billing::PaymentLine p;
  p.line = 0;
  p.reference = line.reference;
  p.booked_at = line.booked_at;
  p.amount_pence = line.amount_pence;
  p.payer = line.payer;
  p.payer_reference = line.payer_reference;
  p.description = line.description;
  p.status = billing::line_status_from_string(line.status).value_or(billing::LineStatus::succeeded);
  const LineToStore l{&p, {account, billing::MatchedBy::manual, {}}, billing::is_refund(p), refund_words};
  stage(tx, {l}, line.id);
  return reconcile_staged(tx, line.provider, "").matched_payment;
}

std::vector<StoredLine> unmatched_lines(pqxx::transaction_base& tx) {
  std::vector<StoredLine> out;
  for (const auto& r : tx.exec(std::string("SELECT ") + line_columns +
                               " FROM public.payment_lines WHERE payment IS NULL ORDER BY booked_at, id"))
    out.push_back(stored_line(r));
  return out;
}

std::vector<PaymentRow> list_payments(pqxx::transaction_base& tx, const std::optional<std::string>& customer,
                                      const std::optional<std::pair<std::string, std::string>>& range) {
  const pqxx::result res = tx.exec_params(
      "WITH p AS ("
      "  SELECT p.*, COALESCE(p.submitted_at, p.created_at) AS paid_at, "
      "    (COALESCE(p.submitted_at, p.created_at) AT TIME ZONE 'Europe/London')::date AS day "
      "  FROM public.payments p "
      "  WHERE ($2::timestamptz IS NULL OR COALESCE(p.submitted_at, p.created_at) >= $2::timestamptz) "
      "    AND ($3::timestamptz IS NULL OR COALESCE(p.submitted_at, p.created_at) < $3::timestamptz)) "
      "SELECT p.id::text AS id, p.day::text AS day, a.account_number, occupier.email AS customer, p.amount_pence, "
      "  p.status::text AS status, p.provider, p.provider_reference, p.description "
      "FROM p JOIN public.accounts a ON a.id = p.account "
      "LEFT JOIN LATERAL ("
      "  SELECT c.email FROM public.customer_accounts ca JOIN public.customers c ON c.id = ca.customer "
      "  WHERE ca.account = p.account AND ca.role = 'occupier' "
      "    AND (ca.move_in IS NULL OR ca.move_in <= p.day) AND (ca.move_out IS NULL OR ca.move_out > p.day) "
      "  ORDER BY ca.move_in DESC NULLS LAST, c.email LIMIT 1) occupier ON true "
      "WHERE $1::text IS NULL OR lower(occupier.email) = lower($1::text) "
      "ORDER BY p.paid_at, p.id",
      customer, range ? Text(range->first) : Text(), range ? Text(range->second) : Text());
  std::vector<PaymentRow> out;
  for (const auto& r : res) {
    PaymentRow p;
    p.id = r["id"].as<std::string>();
    p.day = r["day"].as<std::string>();
    p.account_number = r["account_number"].as<std::int64_t>();
    p.customer = text_of(r["customer"]);
    p.amount_pence = r["amount_pence"].as<std::int64_t>();
    p.status = r["status"].as<std::string>();
    p.provider = text_of(r["provider"]);
    p.provider_reference = text_of(r["provider_reference"]);
    p.description = text_of(r["description"]);
    out.push_back(std::move(p));
  }
  return out;
}

bool customer_exists(pqxx::transaction_base& tx, const std::string& email) {
  return tx.exec_params("SELECT 1 FROM public.customers WHERE lower(email) = lower($1)", email).size() > 0;
}

}  // namespace flows::db
