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

// Sum of amount_pence per id of the rows.
std::map<std::string, std::int64_t> pence_by_id(const pqxx::result& res) {
  std::map<std::string, std::int64_t> out;
  for (const auto& r : res) out[r["id"].as<std::string>()] = r["pence"].as<std::int64_t>();
  return out;
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
                                            const billing::TimeRange& range) {
  std::vector<billing::Occupancy> out;
  for (const auto& r : tx.exec_params(
           "SELECT c.id::text AS customer, c.email, COALESCE(c.fullname, '') AS name, a.id::text AS account, "
           "       a.account_number, p.id::text AS property, COALESCE(p.plot, '') AS plot, p.esco::text AS esco, "
           "       COALESCE(p.supply_meter::text, '') AS supply_meter "
           "FROM public.customer_accounts ca "
           "JOIN public.customers c ON c.id = ca.customer "
           "JOIN public.accounts a ON a.id = ca.account AND a.type = 'supply' "
           "JOIN public.properties p ON p.id = a.property "
           "WHERE ca.role = 'occupier' AND p.esco = ANY($1::uuid[]) "
           "  AND (a.status = 'open' OR (a.status = 'closed' AND a.end_date > $2::timestamptz)) "
           "ORDER BY a.account_number, c.id",
           uuid_array(escos), format_iso_utc(range.start))) {
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

billing::AccountLines account_lines(pqxx::transaction_base& tx, const std::vector<billing::Occupancy>& occupancies,
                                    const billing::TimeRange& range) {
  billing::AccountLines out;
  if (occupancies.empty()) return out;
  std::vector<std::string> meters, accounts;
  for (const auto& o : occupancies) {
    if (!o.supply_meter.empty()) meters.push_back(o.supply_meter);
    accounts.push_back(o.account_id);
  }
  const std::string from = format_iso_utc(range.start), to = format_iso_utc(range.end);
  out.topups = pence_by_id(tx.exec_params(
      "SELECT meter::text AS id, sum(amount_pence) AS pence FROM public.topups "
      "WHERE meter = ANY($1::uuid[]) AND status = 'completed' "
      "  AND COALESCE(used_at, created_at) >= $2::timestamptz AND COALESCE(used_at, created_at) < $3::timestamptz "
      "GROUP BY 1",
      uuid_array(meters), from, to));
  out.payments = pence_by_id(tx.exec_params(
      "SELECT account::text AS id, sum(amount_pence) AS pence FROM public.payments "
      "WHERE account = ANY($1::uuid[]) AND status = 'succeeded' "
      "  AND COALESCE(submitted_at, created_at) >= $2::timestamptz "
      "  AND COALESCE(submitted_at, created_at) < $3::timestamptz "
      "GROUP BY 1",
      uuid_array(accounts), from, to));
  for (const auto& r : tx.exec_params(
           "SELECT m.id::text AS meter, b.balance::text AS balance FROM unnest($1::uuid[]) AS m(id) "
           "CROSS JOIN LATERAL (SELECT balance FROM flows.meter_prepay_balance "
           "  WHERE meter_id = m.id AND \"timestamp\" < $2::timestamptz AND balance IS NOT NULL "
           "  ORDER BY \"timestamp\" DESC LIMIT 1) b",
           uuid_array(meters), to))
    out.balance[r["meter"].as<std::string>()] = decimal_field(r["balance"]);
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
