#include "db/deployed_shape.hpp"

#include <algorithm>

namespace flows::db {

const char* const adoption_complete_step = "record_schema_version";

bool CatalogueSnapshot::has_column(const std::string& qualified, const std::string& column) const {
  const auto t = columns.find(qualified);
  return t != columns.end() && t->second.count(column) > 0;
}

const std::vector<std::string>& known_sqitch_changes() {
  static const std::vector<std::string> changes = {
      "0000_initial",
      "0001_upstream_updates",
      "0002_reads_insert_handle_no_register",
      "0003_meter_mode_active_default",
      "0004_meter_shadows_clock_synced_at",
      "0005_flows_patch_from_myenergy",
      "0006_regions_and_escos_region",
  };
  return changes;
}

std::string sqitch_number(const std::string& change) { return change.substr(0, change.find('_')); }

const std::map<std::string, std::vector<std::string>>& required_flows_columns() {
  static const std::map<std::string, std::vector<std::string>> required = {
      {"flows.regions", {"code", "name"}},
      {"flows.escos", {"id", "code", "name", "region"}},
      {"flows.sites_new", {"id", "code", "name", "esco"}},
      {"flows.feeder_registry", {"id", "name", "esco"}},
      {"flows.service_head_registry", {"id", "name", "feeder", "phase", "fuse_rating", "type"}},
      {"flows.properties", {"id", "plot"}},
      {"flows.properties_service_head", {"property", "service_head"}},
      {"flows.service_head_meter", {"service_head", "meter"}},
      {"flows.meter_registry",
       {"id", "serial", "ip_address", "name", "hardware", "firmware_version", "prepay_enabled", "site", "mode",
        "esco", "daylight_savings_correction_enabled"}},
      {"flows.meter_registers", {"register_id", "meter_id", "nature", "element", "status", "start_time", "end_time"}},
      {"flows.circuits", {"id", "type", "name"}},
      {"flows.circuit_register", {"circuit", "register", "start_time", "end_time"}},
      {"flows.meter_metrics", {"name", "enabled", "run_frequency"}},
      {"flows.meter_shadows",
       {"id", "balance", "csq", "health", "health_details", "voltage", "3p_voltage_l1", "3p_voltage_l2",
        "3p_voltage_l3", "import_a", "export_a", "import_b", "export_b", "backlight", "load_switch",
        "clock_time_diff_seconds", "clock_time_diff_synced_at", "tariffs_active", "tariffs_future"}},
      {"flows.register_import", {"register_id", "timestamp", "read"}},
      {"flows.register_export", {"register_id", "timestamp", "read"}},
      {"flows.register_interval_hh", {"register_id", "timestamp", "kwh"}},
      {"flows.meter_csq", {"meter_id", "timestamp", "csq"}},
      {"flows.meter_voltage", {"meter_id", "timestamp", "voltage"}},
      {"flows.meter_3p_voltage", {"meter_id", "timestamp", "voltage_l1", "voltage_l2", "voltage_l3"}},
      {"flows.meter_prepay_balance", {"meter_id", "timestamp", "balance"}},
      {"flows.meter_health_history", {"meter_id", "timestamp", "health"}},
      {"flows.meter_event_log", {"meter_id", "timestamp", "event_type", "event_set"}},
  };
  return required;
}

const std::vector<TableGroup>& public_table_groups() {
  static const std::vector<TableGroup> groups = {
      {"public_business",
       true,
       {{"public.customers", {"id", "fullname", "email", "status"}},
        {"public.properties", {"id", "plot", "esco", "supply_meter", "solar_meter"}},
        {"public.accounts", {"id", "property", "type", "status"}},
        {"public.customer_accounts", {"customer", "account", "role"}},
        {"public.customer_events", {"customer", "event_type"}},
        {"public.account_events", {"account", "event_type"}},
        {"public.payments", {"id", "account", "amount_pence", "status", "created_at"}},
        {"public.topups", {"id", "meter", "amount_pence", "status", "token", "used_at", "updated_at"}},
        {"public.topups_payments", {"payment_id", "topup_id"}}}},
      {"push_jobs",
       true,  // 0007 replaces the updated_at trigger of customer_tariffs
       {{"public.topup_token_push_attempts",
         {"topup_id", "meter", "attempts", "started_at", "meter_balance_before", "transaction_count_before",
          "finished_at", "outcome", "detail"}},
        {"public.customer_tariffs", {"customer", "period_start", "discount", "unit_rate", "standing_charge"}},
        {"public.meter_tariff_pushes",
         {"meter_id", "customer", "period_start", "unit_rate", "standing_charge", "activation", "outcome",
          "mismatches", "read_back", "error"}}}},
      {"billing",
       true,
       {{"public.benchmark_tariffs", {"region", "period_start", "unit_rate", "standing_charge"}},
        {"public.microgrid_tariffs", {"esco", "period_start", "discount", "unit_rate", "standing_charge"}},
        {"public.monthly_usage", {"circuit", "month", "kwh", "half_hours"}},
        {"public.monthly_costs", {"customer", "month", "account", "esco", "total"}},
        {"public.solar_installation", {"property", "declared_net_capacity"}},
        {"public.solar_credit_tariffs", {"esco", "period_start", "pence_per_year"}},
        {"public.solar_credit_allocation", {"installation", "property", "ratio"}},
        {"public.monthly_solar_credits", {"property", "month", "installation", "esco", "credit_pence"}},
        {"public.monthly_statements", {"customer", "month", "esco", "total_pence", "statement"}}}},
      {"business",
       false,  // 0011 is written with IF NOT EXISTS throughout
       {{"public.wallets", {"customer", "minimum_balance_pence", "target_balance_pence", "auto_topup", "payment_timing"}},
        {"public.wallet_topups", {"topup_id", "customer", "meter", "reading_at", "balance"}},
        {"public.payment_lines", {"provider", "reference", "booked_at", "amount_pence", "status", "payment"}},
        {"public.solar_credit_payouts", {"property", "month", "esco", "credit_pence", "topup"}},
        {"public.statement_deliveries", {"customer", "month", "esco", "email", "outcome"}}}},
  };
  return groups;
}

namespace {

void check_columns(const CatalogueSnapshot& s, const std::string& table, const std::vector<std::string>& wanted,
                   std::vector<std::string>& out) {
  if (!s.has_table(table)) {
    out.push_back("missing table " + table);
    return;
  }
  for (const auto& c : wanted)
    if (!s.has_column(table, c)) out.push_back("missing column " + table + "." + c);
}

void check_group(const CatalogueSnapshot& s, const TableGroup& g, std::vector<std::string>& out) {
  std::vector<std::string> present, absent;
  for (const auto& [table, cols] : g.tables) (s.has_table(table) ? present : absent).push_back(table);
  if (g.all_or_none && !present.empty() && !absent.empty()) {
    for (const auto& t : absent)
      out.push_back("missing table " + t + " (" + present.front() + " is there: the " + g.name +
                    " tables are partly present)");
  }
  for (const auto& t : present) check_columns(s, t, g.tables.at(t), out);
}

void check_sqitch(const CatalogueSnapshot& s, std::vector<std::string>& out) {
  if (!s.sqitch_changes) return;
  const auto& known = known_sqitch_changes();
  for (const auto& c : *s.sqitch_changes)
    if (std::find(known.begin(), known.end(), c) == known.end())
      out.push_back("sqitch change " + c + " is not one of the deployed Flows migrations this tool knows");
  if (s.sqitch_changes->empty()) out.push_back("sqitch project flows has no changes deployed");
}

std::string origin_of(const CatalogueSnapshot& s) {
  if (!s.sqitch_changes || s.sqitch_changes->empty()) return "restored dump, no sqitch registry";
  return "sqitch " + sqitch_number(s.sqitch_changes->back());
}

std::vector<std::string> deployed_differences(const CatalogueSnapshot& s) {
  std::vector<std::string> out;
  check_sqitch(s, out);
  for (const auto& [table, cols] : required_flows_columns()) check_columns(s, table, cols, out);
  for (const auto& g : public_table_groups()) check_group(s, g, out);
  const bool rollup_by_adoption =
      std::count(s.adoption_steps_done.begin(), s.adoption_steps_done.end(), "daily_rollup") > 0;
  if (s.has_table("flows.register_interval_daily") && !rollup_by_adoption)
    out.push_back("flows.register_interval_daily exists but was not made by an adoption");
  return out;
}

bool adoption_finished(const CatalogueSnapshot& s) {
  return std::count(s.adoption_steps_done.begin(), s.adoption_steps_done.end(), adoption_complete_step) > 0;
}

}  // namespace

Recognition recognise(const CatalogueSnapshot& s) {
  Recognition r;
  if (s.adoption_record && adoption_finished(s)) {
    r.kind = DatabaseKind::adopted;
  } else if (s.migrations_record && !s.adoption_record) {
    r.kind = DatabaseKind::managed;
  } else if (!s.flows_schema && !s.adoption_record) {
    r.kind = DatabaseKind::empty;
  } else {
    r.differences = deployed_differences(s);
    r.kind = r.differences.empty() ? DatabaseKind::deployed : DatabaseKind::unknown;
  }
  if (r.kind == DatabaseKind::deployed || r.kind == DatabaseKind::adopted) r.origin = origin_of(s);
  return r;
}

std::string describe(const Recognition& r, const CatalogueSnapshot& s) {
  switch (r.kind) {
    case DatabaseKind::empty:
      return "no flows schema yet";
    case DatabaseKind::managed:
      return "Flows schema set up by these tools";
    case DatabaseKind::adopted:
      return "deployed Flows schema (" + r.origin + "), adopted";
    case DatabaseKind::deployed:
      return "deployed Flows schema (" + r.origin + "), " +
             (s.adoption_steps_done.empty() ? std::string("not yet adopted")
                                            : "adoption interrupted after " + s.adoption_steps_done.back());
    case DatabaseKind::unknown:
      break;
  }
  return "flows schema of an unknown shape (neither set up by these tools nor a deployed Flows schema they "
         "know): " + std::to_string(r.differences.size()) + " differences that matter";
}

}  // namespace flows::db
