#include "db/customers.hpp"

#include "core/emop_time.hpp"
#include "db/decimal_field.hpp"
#include "db/sql_values.hpp"

namespace flows::db {
namespace {

std::optional<date::year_month_day> optional_date(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return parse_date(f.as<std::string>());
}

std::optional<std::string> date_param(const std::optional<date::year_month_day>& d) {
  if (!d) return std::nullopt;
  return format_date(*d);
}

CustomerRow customer_of(const pqxx::row& r) {
  return {r["id"].as<std::string>(), r["email"].as<std::string>(), r["name"].as<std::string>(),
          r["status"].as<std::string>()};
}

Holding holding_of(const pqxx::row& r) {
  Holding h;
  h.account_id = r["account"].as<std::string>();
  h.account_number = r["account_number"].as<std::int64_t>();
  h.type = r["type"].as<std::string>();
  h.role = r["role"].as<std::string>();
  h.plot = r["plot"].as<std::string>();
  h.esco = r["esco"].as<std::string>();
  h.property_id = r["property"].as<std::string>();
  h.dates = {optional_date(r["move_in"]), optional_date(r["move_out"])};
  return h;
}

constexpr const char* customer_columns = "c.id::text AS id, c.email, COALESCE(c.fullname, '') AS name, c.status::text AS status";

constexpr const char* holding_columns =
    "a.id::text AS account, a.account_number, a.type::text AS type, ca.role::text AS role, COALESCE(p.plot, '') AS plot, "
    "COALESCE(e.code, p.esco::text, '') AS esco, p.id::text AS property, ca.move_in::text AS move_in, "
    "ca.move_out::text AS move_out";

}  // namespace

std::optional<CustomerRow> find_customer(pqxx::transaction_base& tx, const std::string& email) {
  const auto r = tx.exec_params(std::string("SELECT ") + customer_columns +
                                    " FROM public.customers c WHERE lower(c.email) = lower($1) ORDER BY c.email LIMIT 1",
                                email);
  if (r.empty()) return std::nullopt;
  return customer_of(r[0]);
}

std::vector<CustomerRow> find_customers(pqxx::transaction_base& tx, const std::vector<std::string>& emails) {
  std::vector<CustomerRow> out;
  for (const auto& r : tx.exec_params(std::string("SELECT ") + customer_columns +
                                          " FROM public.customers c "
                                          "WHERE lower(c.email) IN (SELECT lower(x) FROM unnest($1::text[]) AS x) "
                                          "ORDER BY c.email",
                                      text_array(emails)))
    out.push_back(customer_of(r));
  return out;
}

std::string insert_customer(pqxx::transaction_base& tx, const std::string& email, const std::string& name,
                            const std::string& status) {
  return tx
      .exec_params1("INSERT INTO public.customers (email, fullname, status) "
                    "VALUES ($1, NULLIF($2, ''), $3::public.customer_status_enum) RETURNING id::text AS id",
                    email, name, status)["id"]
      .as<std::string>();
}

void set_customer_status(pqxx::transaction_base& tx, const std::string& customer, const std::string& status) {
  tx.exec_params0("UPDATE public.customers SET status = $2::public.customer_status_enum, exiting = ($2 = 'exiting') "
                  "WHERE id = $1::uuid",
                  customer, status);
}

void customer_event(pqxx::transaction_base& tx, const std::string& customer, const std::string& type,
                    const nlohmann::json& data) {
  tx.exec_params0("INSERT INTO public.customer_events (customer, event_type, data) VALUES ($1::uuid, $2, $3::jsonb)",
                  customer, type, data.dump());
}

std::optional<PropertyRef> find_property(pqxx::transaction_base& tx, const std::string& esco, const std::string& plot) {
  const auto r = tx.exec_params(
      "SELECT p.id::text AS id, e.id::text AS esco_id, e.code AS esco_code, p.plot, COALESCE(e.region, '') AS region, "
      "       COALESCE(p.supply_meter::text, '') AS supply_meter "
      "FROM public.properties p JOIN flows.escos e ON e.id = p.esco "
      "WHERE lower(e.code) = lower($1) AND p.plot = $2 ORDER BY p.id LIMIT 1",
      esco, plot);
  if (r.empty()) return std::nullopt;
  return PropertyRef{r[0]["id"].as<std::string>(), r[0]["esco_id"].as<std::string>(),
                     r[0]["esco_code"].as<std::string>(), r[0]["plot"].as<std::string>(),
                     r[0]["region"].as<std::string>(), r[0]["supply_meter"].as<std::string>()};
}

std::string insert_property(pqxx::transaction_base& tx, const std::string& esco_id, const std::string& plot,
                            const std::string& supply_meter_id, const std::string& solar_meter_id) {
  return tx
      .exec_params1("INSERT INTO public.properties (esco, plot, supply_meter, solar_meter) "
                    "VALUES ($1::uuid, $2, NULLIF($3, '')::uuid, NULLIF($4, '')::uuid) RETURNING id::text AS id",
                    esco_id, plot, supply_meter_id, solar_meter_id)["id"]
      .as<std::string>();
}

std::string esco_id(pqxx::transaction_base& tx, const std::string& code) {
  const auto r = tx.exec_params("SELECT id::text AS id FROM flows.escos WHERE lower(code) = lower($1) ORDER BY id LIMIT 1", code);
  return r.empty() ? std::string() : r[0]["id"].as<std::string>();
}

std::string meter_id(pqxx::transaction_base& tx, const std::string& serial) {
  const auto r = tx.exec_params("SELECT id::text AS id FROM flows.meter_registry WHERE serial = $1 ORDER BY id LIMIT 1", serial);
  return r.empty() ? std::string() : r[0]["id"].as<std::string>();
}

std::string property_of_meter(pqxx::transaction_base& tx, const std::string& meter_id) {
  const auto r = tx.exec_params(
      "SELECT COALESCE(plot, id::text) AS plot FROM public.properties "
      "WHERE supply_meter = $1::uuid OR solar_meter = $1::uuid LIMIT 1",
      meter_id);
  return r.empty() ? std::string() : r[0]["plot"].as<std::string>();
}

std::vector<PropertyRow> list_properties(pqxx::transaction_base& tx, const std::optional<std::string>& esco) {
  std::vector<PropertyRow> out;
  for (const auto& r : tx.exec_params(
           "SELECT COALESCE(e.code, '') AS esco, COALESCE(p.plot, '') AS plot, COALESCE(sm.serial, '') AS supply, "
           "       COALESCE(so.serial, '') AS solar, "
           "       COALESCE((SELECT string_agg(a.account_number || ' ' || a.type, ', ' ORDER BY a.account_number) "
           "                 FROM public.accounts a WHERE a.property = p.id), '') AS accounts "
           "FROM public.properties p LEFT JOIN flows.escos e ON e.id = p.esco "
           "LEFT JOIN flows.meter_registry sm ON sm.id = p.supply_meter "
           "LEFT JOIN flows.meter_registry so ON so.id = p.solar_meter "
           "WHERE ($1::text IS NULL OR lower(e.code) = lower($1)) ORDER BY e.code, p.plot",
           esco)) {
    out.push_back({r["esco"].as<std::string>(), r["plot"].as<std::string>(), r["supply"].as<std::string>(),
                   r["solar"].as<std::string>(), r["accounts"].as<std::string>()});
  }
  return out;
}

std::optional<AccountRef> account_of(pqxx::transaction_base& tx, const std::string& property, const std::string& type) {
  const auto r = tx.exec_params(
      "SELECT id::text AS id, account_number FROM public.accounts "
      "WHERE property = $1::uuid AND type = $2::public.account_type_enum AND status IN ('open', 'pending') "
      "ORDER BY (status = 'open') DESC, created_at, account_number LIMIT 1",
      property, type);
  if (r.empty()) return std::nullopt;
  return AccountRef{r[0]["id"].as<std::string>(), r[0]["account_number"].as<std::int64_t>()};
}

AccountRef insert_account(pqxx::transaction_base& tx, const std::string& property, const std::string& type) {
  const auto r = tx.exec_params1(
      "INSERT INTO public.accounts (property, type, status) VALUES ($1::uuid, $2::public.account_type_enum, 'open') "
      "RETURNING id::text AS id, account_number",
      property, type);
  return {r["id"].as<std::string>(), r["account_number"].as<std::int64_t>()};
}

std::vector<billing::Occupier> holders(pqxx::transaction_base& tx, const std::string& account, const std::string& role) {
  std::vector<billing::Occupier> out;
  for (const auto& r : tx.exec_params(
           "SELECT c.email, ca.move_in::text AS move_in, ca.move_out::text AS move_out "
           "FROM public.customer_accounts ca JOIN public.customers c ON c.id = ca.customer "
           "WHERE ca.account = $1::uuid AND ca.role = $2::public.account_role_type_enum "
           "ORDER BY ca.move_in NULLS FIRST, c.email",
           account, role))
    out.push_back({r["email"].as<std::string>(), {optional_date(r["move_in"]), optional_date(r["move_out"])}});
  return out;
}

void insert_holder(pqxx::transaction_base& tx, const std::string& customer, const std::string& account,
                   const std::string& role, const std::optional<date::year_month_day>& move_in) {
  tx.exec_params0(
      "INSERT INTO public.customer_accounts (customer, account, role, move_in) "
      "VALUES ($1::uuid, $2::uuid, $3::public.account_role_type_enum, $4::date)",
      customer, account, role, date_param(move_in));
}

void set_move_out(pqxx::transaction_base& tx, const std::string& customer, const std::string& account,
                  const std::string& role, date::year_month_day move_out) {
  tx.exec_params0(
      "UPDATE public.customer_accounts SET move_out = $4::date "
      "WHERE customer = $1::uuid AND account = $2::uuid AND role = $3::public.account_role_type_enum",
      customer, account, role, format_date(move_out));
}

std::vector<Holding> holdings(pqxx::transaction_base& tx, const std::string& customer) {
  std::vector<Holding> out;
  for (const auto& r : tx.exec_params(std::string("SELECT ") + holding_columns +
                                          " FROM public.customer_accounts ca "
                                          "JOIN public.accounts a ON a.id = ca.account "
                                          "JOIN public.properties p ON p.id = a.property "
                                          "LEFT JOIN flows.escos e ON e.id = p.esco "
                                          "WHERE ca.customer = $1::uuid "
                                          "ORDER BY ca.move_in NULLS FIRST, a.account_number, ca.role",
                                      customer))
    out.push_back(holding_of(r));
  return out;
}

std::vector<CustomerListRow> list_customers(pqxx::transaction_base& tx, const std::optional<std::string>& esco,
                                            const std::optional<std::string>& status) {
  std::vector<CustomerListRow> out;
  for (const auto& r : tx.exec_params(
           std::string("SELECT ") + customer_columns + ", ca.account IS NOT NULL AS held, " + holding_columns +
               " FROM public.customers c "
               "LEFT JOIN public.customer_accounts ca ON ca.customer = c.id "
               "LEFT JOIN public.accounts a ON a.id = ca.account "
               "LEFT JOIN public.properties p ON p.id = a.property "
               "LEFT JOIN flows.escos e ON e.id = p.esco "
               "WHERE ($1::text IS NULL OR lower(e.code) = lower($1)) "
               "  AND ($2::text IS NULL OR c.status::text = $2) "
               "ORDER BY c.email, a.account_number, ca.move_in NULLS FIRST, ca.role",
           esco, status)) {
    CustomerListRow row{customer_of(r), std::nullopt};
    if (r["held"].as<bool>()) row.holding = holding_of(r);
    out.push_back(std::move(row));
  }
  return out;
}

std::vector<CustomerTariffRow> customer_tariffs(pqxx::transaction_base& tx, const std::string& customer) {
  std::vector<CustomerTariffRow> out;
  for (const auto& r : tx.exec_params(
           "SELECT period_start::text AS period_start, discount::text AS discount, unit_rate::text AS unit_rate, "
           "       standing_charge::text AS standing_charge "
           "FROM public.customer_tariffs WHERE customer = $1::uuid ORDER BY period_start",
           customer))
    out.push_back({*parse_date(r["period_start"].as<std::string>()), decimal_field(r["discount"]),
                   {decimal_field(r["unit_rate"]), decimal_field(r["standing_charge"])}});
  return out;
}

std::optional<billing::Decimal> upsert_customer_tariff(pqxx::transaction_base& tx, const std::string& customer,
                                                       date::year_month_day start, const billing::Decimal& discount,
                                                       const billing::Rates& rates) {
  const auto before = tx.exec_params(
      "SELECT discount::text AS discount FROM public.customer_tariffs "
      "WHERE customer = $1::uuid AND period_start = $2::date FOR UPDATE",
      customer, format_date(start));
  tx.exec_params0(
      "INSERT INTO public.customer_tariffs (customer, period_start, discount, unit_rate, standing_charge) "
      "VALUES ($1::uuid, $2::date, $3::numeric, $4::numeric, $5::numeric) "
      "ON CONFLICT (customer, period_start) DO UPDATE SET discount = EXCLUDED.discount, "
      "  unit_rate = EXCLUDED.unit_rate, standing_charge = EXCLUDED.standing_charge",
      customer, format_date(start), discount.to_string(), rates.unit_rate.to_string(),
      rates.standing_charge.to_string());
  if (before.empty()) return std::nullopt;
  return decimal_field(before[0]["discount"]);
}

std::optional<billing::Decimal> upsert_installation(pqxx::transaction_base& tx, const std::string& property,
                                                    const billing::Decimal& capacity_kw) {
  const auto before = tx.exec_params(
      "SELECT declared_net_capacity::text AS capacity FROM public.solar_installation WHERE property = $1::uuid FOR UPDATE",
      property);
  tx.exec_params0(
      "INSERT INTO public.solar_installation (property, declared_net_capacity) VALUES ($1::uuid, $2::numeric) "
      "ON CONFLICT (property) DO UPDATE SET declared_net_capacity = EXCLUDED.declared_net_capacity",
      property, capacity_kw.to_string());
  if (before.empty()) return std::nullopt;
  return decimal_field(before[0]["capacity"]);
}

std::optional<billing::Decimal> upsert_solar_tariff(pqxx::transaction_base& tx, const std::string& esco_id,
                                                    date::year_month_day start, const billing::Decimal& pence_per_year) {
  const auto before = tx.exec_params(
      "SELECT pence_per_year::text AS p FROM public.solar_credit_tariffs "
      "WHERE esco = $1::uuid AND period_start = $2::date FOR UPDATE",
      esco_id, format_date(start));
  tx.exec_params0(
      "INSERT INTO public.solar_credit_tariffs (esco, period_start, pence_per_year) VALUES ($1::uuid, $2::date, $3::numeric) "
      "ON CONFLICT (esco, period_start) DO UPDATE SET pence_per_year = EXCLUDED.pence_per_year",
      esco_id, format_date(start), pence_per_year.to_string());
  if (before.empty()) return std::nullopt;
  return decimal_field(before[0]["p"]);
}

bool has_installation(pqxx::transaction_base& tx, const std::string& property) {
  return !tx.exec_params("SELECT 1 FROM public.solar_installation WHERE property = $1::uuid", property).empty();
}

void replace_allocations(pqxx::transaction_base& tx, const std::string& installation,
                         const std::vector<std::pair<std::string, billing::Decimal>>& shares) {
  std::vector<std::string> properties, ratios;
  for (const auto& [p, r] : shares) {
    properties.push_back(p);
    ratios.push_back(r.to_string());
  }
  tx.exec_params0("DELETE FROM public.solar_credit_allocation WHERE installation = $1::uuid", installation);
  tx.exec_params0(
      "INSERT INTO public.solar_credit_allocation (installation, property, ratio) "
      "SELECT $1::uuid, p::uuid, r::numeric FROM unnest($2::text[], $3::text[]) AS u(p, r)",
      installation, text_array(properties), text_array(ratios));
}

std::vector<InstallationRow> list_installations(pqxx::transaction_base& tx, const std::optional<std::string>& esco) {
  std::vector<InstallationRow> out;
  for (const auto& r : tx.exec_params(
           "SELECT COALESCE(e.code, '') AS esco, COALESCE(p.plot, '') AS plot, "
           "       i.declared_net_capacity::text AS capacity, COALESCE(sp.plot, '') AS share_plot, "
           "       a.ratio::text AS ratio "
           "FROM public.solar_installation i JOIN public.properties p ON p.id = i.property "
           "LEFT JOIN flows.escos e ON e.id = p.esco "
           "LEFT JOIN public.solar_credit_allocation a ON a.installation = i.property "
           "LEFT JOIN public.properties sp ON sp.id = a.property "
           "WHERE ($1::text IS NULL OR lower(e.code) = lower($1)) "
           "ORDER BY e.code, p.plot, sp.plot",
           esco)) {
    const auto esco_code = r["esco"].as<std::string>(), plot = r["plot"].as<std::string>();
    if (out.empty() || out.back().esco != esco_code || out.back().plot != plot)
      out.push_back({esco_code, plot, decimal_field(r["capacity"]), {}});
    if (!r["ratio"].is_null()) out.back().shares.emplace_back(r["share_plot"].as<std::string>(), decimal_field(r["ratio"]));
  }
  return out;
}

}  // namespace flows::db
