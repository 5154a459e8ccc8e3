#include "db/billing_inputs.hpp"

#include <tuple>

#include "core/emop_time.hpp"
#include "db/decimal_field.hpp"
#include "db/sql_values.hpp"
#include "db/staging.hpp"

namespace flows::db {
namespace {

// The links in scope: circuit_register rows of the ESCOs' meters overlapping
// [$2, $3), clipped to it as [s, e). $1: the ESCOs (uuid[]).
constexpr const char* links_in_range =
    "SELECT cr.circuit, cr.register, greatest(cr.start_time, $2::timestamptz) AS s, "
    "       least(COALESCE(cr.end_time, 'infinity'::timestamptz), $3::timestamptz) AS e "
    "FROM flows.circuit_register cr "
    "JOIN flows.meter_registers r ON r.register_id = cr.register "
    "JOIN flows.meter_registry m ON m.id = r.meter_id "
    "WHERE m.esco = ANY($1::uuid[]) AND cr.start_time < $3::timestamptz "
    "  AND (cr.end_time IS NULL OR cr.end_time > $2::timestamptz)";

// Each link's whole days from the daily rollup and its part ranges from the
// half hours (both staged: pg_temp.bill_link_days, pg_temp.bill_link_parts).
constexpr const char* circuit_days =
    "SELECT sp.circuit::text AS circuit, extract(day FROM d.day)::int AS day, d.kwh::text AS kwh, "
    "       d.half_hours AS half_hours "
    "FROM pg_temp.bill_link_days sp JOIN flows.register_interval_daily d "
    "  ON d.register_id = sp.register AND d.day >= sp.d0 AND d.day < sp.d1 "
    "UNION ALL "
    "SELECT p.circuit::text, extract(day FROM ri.\"timestamp\" AT TIME ZONE 'Europe/London')::int, "
    "       ri.kwh::text, 1 "
    "FROM pg_temp.bill_link_parts p JOIN flows.register_interval_hh ri ON ri.register_id = p.register "
    "  AND ri.\"timestamp\" >= p.s AND ri.\"timestamp\" < p.e";

// An instant as timestamptz text, to the microsecond.
std::string timestamptz_text(billing::Instant t) { return date::format("%F %T", t) + "+00"; }

billing::Instant instant_of(const pqxx::field& microseconds) {
  return billing::Instant{std::chrono::microseconds{microseconds.as<std::int64_t>()}};
}

}  // namespace

std::vector<CircuitRow> circuits_in_range(pqxx::transaction_base& tx, const std::vector<std::string>& escos,
                                          const billing::TimeRange& range) {
  std::vector<CircuitRow> out;
  for (const auto& r : tx.exec_params(
           std::string("SELECT DISTINCT c.id::text AS id, COALESCE(c.name, c.id::text) AS name, c.type::text AS type "
                       "FROM (") +
               links_in_range + ") l JOIN flows.circuits c ON c.id = l.circuit",
           uuid_array(escos), format_iso_utc(range.start), format_iso_utc(range.end)))
    out.push_back({r["id"].as<std::string>(), r["name"].as<std::string>(), r["type"].as<std::string>()});
  return out;
}

std::vector<billing::CircuitLink> circuit_links(pqxx::transaction_base& tx, const std::vector<std::string>& escos,
                                                const billing::TimeRange& range) {
  std::vector<billing::CircuitLink> out;
  for (const auto& r : tx.exec_params(
           std::string("SELECT l.circuit::text AS circuit, l.register::text AS register, "
                       "       (extract(epoch FROM l.s) * 1000000)::bigint AS start_us, "
                       "       (extract(epoch FROM l.e) * 1000000)::bigint AS end_us "
                       "FROM (") +
               links_in_range + ") l",
           uuid_array(escos), format_iso_utc(range.start), format_iso_utc(range.end)))
    out.push_back({r["circuit"].as<std::string>(), r["register"].as<std::string>(), instant_of(r["start_us"]),
                   instant_of(r["end_us"])});
  return out;
}

void for_each_circuit_day(pqxx::transaction_base& tx, const std::vector<billing::LinkReads>& reads,
                          const std::function<void(const CircuitDay&)>& each) {
  stage_rows(tx, "bill_link_days", {{"circuit", "uuid"}, {"register", "uuid"}, {"d0", "date"}, {"d1", "date"}},
             [&](pqxx::stream_to& copy) {
               for (const auto& l : reads)
                 if (l.whole_days)
                   copy << std::make_tuple(l.circuit, l.register_id, format_date(l.whole_days->first),
                                           format_date(l.whole_days->end));
             });
  stage_rows(tx, "bill_link_parts",
             {{"circuit", "uuid"}, {"register", "uuid"}, {"s", "timestamptz"}, {"e", "timestamptz"}},
             [&](pqxx::stream_to& copy) {
               for (const auto& l : reads)
                 for (const auto& [s, e] : l.part)
                   copy << std::make_tuple(l.circuit, l.register_id, timestamptz_text(s), timestamptz_text(e));
             });
  // Hundreds of thousands of rows for a large community: no JIT compilation,
  // and a plan from the staged rows' real numbers.
  tx.exec0("SET LOCAL jit = off");
  tx.exec0("ANALYZE pg_temp.bill_link_days, pg_temp.bill_link_parts");
  const pqxx::result res = tx.exec(circuit_days);
  // Columns by name, looked up once for all rows.
  const auto circuit = res.column_number("circuit"), day = res.column_number("day"), kwh = res.column_number("kwh"),
             half_hours = res.column_number("half_hours");
  for (const auto& r : res)
    each({std::string_view(r[circuit].c_str(), r[circuit].size()), r[day].as<int>(), decimal_field(r[kwh]),
          r[half_hours].as<int>()});
}

std::vector<billing::Occupancy> occupancies(pqxx::transaction_base& tx, const std::vector<std::string>& escos,
                                            const billing::Month& month) {
  const billing::TimeRange range = billing::uk_month_range(month);
  std::vector<billing::Occupancy> out;
  for (const auto& r : tx.exec_params(
           "SELECT c.id::text AS customer, c.email, COALESCE(c.fullname, '') AS name, a.id::text AS account, "
           "       a.account_number, p.id::text AS property, COALESCE(p.plot, '') AS plot, p.esco::text AS esco, "
           "       COALESCE(p.supply_meter::text, '') AS supply_meter, c.status::text AS status, "
           "       ca.move_in::text AS move_in, ca.move_out::text AS move_out "
           "FROM public.customer_accounts ca "
           "JOIN public.customers c ON c.id = ca.customer "
           "JOIN public.accounts a ON a.id = ca.account AND a.type = 'supply' "
           "JOIN public.properties p ON p.id = a.property "
           "WHERE ca.role = 'occupier' AND p.esco = ANY($1::uuid[]) "
           "  AND (a.status = 'open' OR (a.status = 'closed' AND a.end_date > $2::timestamptz)) "
           "  AND (ca.move_in IS NULL OR ca.move_in < $4::date) AND (ca.move_out IS NULL OR ca.move_out > $3::date) "
           "ORDER BY a.account_number, ca.move_in NULLS FIRST, c.id",
           uuid_array(escos), format_iso_utc(range.start), format_date(month.first_day()),
           format_date(month.next().first_day()))) {
    billing::Occupancy o;
    o.customer_id = r["customer"].as<std::string>();
    o.email = r["email"].as<std::string>();
    o.name = r["name"].as<std::string>();
    o.account_id = r["account"].as<std::string>();
    o.account_number = r["account_number"].as<std::int64_t>();
    o.property_id = r["property"].as<std::string>();
    o.plot = r["plot"].as<std::string>();
    o.esco_id = r["esco"].as<std::string>();
    o.supply_meter = r["supply_meter"].as<std::string>();
    o.status = r["status"].as<std::string>();
    if (!r["move_in"].is_null()) o.dates.move_in = parse_date(r["move_in"].as<std::string>());
    if (!r["move_out"].is_null()) o.dates.move_out = parse_date(r["move_out"].as<std::string>());
    out.push_back(std::move(o));
  }
  return out;
}

std::map<std::string, std::vector<std::string>> property_circuits(pqxx::transaction_base& tx,
                                                                  const std::vector<std::string>& escos,
                                                                  const billing::TimeRange& range) {
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& r : tx.exec_params(
           "SELECT DISTINCT p.id::text AS property, cr.circuit::text AS circuit "
           "FROM public.properties p "
           "JOIN flows.meter_registers r ON r.meter_id = p.supply_meter "
           "JOIN flows.circuit_register cr ON cr.register = r.register_id "
           "JOIN flows.circuits ci ON ci.id = cr.circuit AND ci.type IN ('power', 'heat') "
           "WHERE p.esco = ANY($1::uuid[]) AND cr.start_time < $3::timestamptz "
           "  AND (cr.end_time IS NULL OR cr.end_time > $2::timestamptz) "
           "ORDER BY 1, 2",
           uuid_array(escos), format_iso_utc(range.start), format_iso_utc(range.end)))
    out[r["property"].as<std::string>()].push_back(r["circuit"].as<std::string>());
  return out;
}

billing::AccountLines account_lines(pqxx::transaction_base& tx, const std::vector<billing::OccupancyWindow>& windows) {
  billing::AccountLines out;
  if (windows.empty()) return out;
  std::vector<std::string> keys, meters, accounts, starts, ends;
  for (const auto& w : windows) {
    keys.push_back(w.key);
    meters.push_back(w.supply_meter);
    accounts.push_back(w.account_id);
    starts.push_back(format_iso_utc(w.range.start));
    ends.push_back(format_iso_utc(w.range.end));
  }
  for (const auto& r : tx.exec_params(
           "SELECT o.key, "
           "  (SELECT sum(t.amount_pence) FROM public.topups t WHERE t.meter = o.meter AND t.status = 'completed' "
           "     AND COALESCE(t.used_at, t.created_at) >= o.s AND COALESCE(t.used_at, t.created_at) < o.e) AS topups, "
           "  (SELECT sum(p.amount_pence) FROM public.payments p WHERE p.account = o.account AND p.status = 'succeeded' "
           "     AND COALESCE(p.submitted_at, p.created_at) >= o.s AND COALESCE(p.submitted_at, p.created_at) < o.e) "
           "     AS payments, "
           "  (SELECT b.balance::text FROM flows.meter_prepay_balance b WHERE b.meter_id = o.meter "
           "     AND b.\"timestamp\" < o.e AND b.balance IS NOT NULL ORDER BY b.\"timestamp\" DESC LIMIT 1) AS balance "
           "FROM (SELECT k AS key, NULLIF(m, '')::uuid AS meter, a::uuid AS account, s::timestamptz AS s, "
           "             e::timestamptz AS e "
           "      FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS u(k, m, a, s, e)) o",
           text_array(keys), text_array(meters), text_array(accounts), text_array(starts), text_array(ends))) {
    const auto key = r["key"].as<std::string>();
    if (!r["topups"].is_null()) out.topups[key] = r["topups"].as<std::int64_t>();
    if (!r["payments"].is_null()) out.payments[key] = r["payments"].as<std::int64_t>();
    if (!r["balance"].is_null()) out.balance[key] = decimal_field(r["balance"]);
  }
  return out;
}

std::vector<billing::SolarInstallation> solar_installations(pqxx::transaction_base& tx,
                                                            const std::vector<std::string>& escos) {
  std::vector<billing::SolarInstallation> out;
  for (const auto& r : tx.exec_params(
           "SELECT s.property::text AS property, COALESCE(p.plot, '') AS plot, p.esco::text AS esco, "
           "       s.declared_net_capacity::text AS declared_net_capacity "
           "FROM public.solar_installation s JOIN public.properties p ON p.id = s.property "
           "WHERE p.esco = ANY($1::uuid[]) ORDER BY p.plot, s.property",
           uuid_array(escos)))
    out.push_back({r["property"].as<std::string>(), r["plot"].as<std::string>(), r["esco"].as<std::string>(),
                   decimal_field(r["declared_net_capacity"])});
  return out;
}

std::vector<billing::SolarAllocation> solar_allocations(pqxx::transaction_base& tx,
                                                        const std::vector<std::string>& escos) {
  std::vector<billing::SolarAllocation> out;
  for (const auto& r : tx.exec_params(
           "SELECT a.installation::text AS installation, a.property::text AS property, "
           "       COALESCE(p.plot, '') AS plot, a.ratio::text AS ratio "
           "FROM public.solar_credit_allocation a JOIN public.properties p ON p.id = a.property "
           "JOIN public.properties ip ON ip.id = a.installation "
           "WHERE ip.esco = ANY($1::uuid[]) ORDER BY a.installation, p.plot, a.property",
           uuid_array(escos)))
    out.push_back({r["installation"].as<std::string>(), r["property"].as<std::string>(), r["plot"].as<std::string>(),
                   decimal_field(r["ratio"])});
  return out;
}

std::vector<billing::SolarProperty> uncredited_solar_properties(pqxx::transaction_base& tx,
                                                                const std::vector<std::string>& escos) {
  std::vector<billing::SolarProperty> out;
  for (const auto& r : tx.exec_params(
           "SELECT p.id::text AS property, COALESCE(p.plot, '') AS plot, p.esco::text AS esco "
           "FROM public.properties p "
           "WHERE p.esco = ANY($1::uuid[]) "
           "  AND (p.solar_meter IS NOT NULL "
           "       OR EXISTS (SELECT 1 FROM public.accounts a WHERE a.property = p.id AND a.type = 'solar')) "
           "  AND NOT EXISTS (SELECT 1 FROM public.solar_installation s WHERE s.property = p.id) "
           "  AND NOT EXISTS (SELECT 1 FROM public.solar_credit_allocation a WHERE a.property = p.id) "
           "ORDER BY p.plot, p.id",
           uuid_array(escos)))
    out.push_back({r["property"].as<std::string>(), r["plot"].as<std::string>(), r["esco"].as<std::string>()});
  return out;
}

}  // namespace flows::db
