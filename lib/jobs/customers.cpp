#include "jobs/customers.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "billing/tariffs.hpp"
#include "core/emop_time.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "db/meters.hpp"
#include "db/migrations.hpp"
#include "db/tariff_tables.hpp"
#include "db/transaction.hpp"

namespace flows::jobs {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

db::CustomerRow require_customer(pqxx::transaction_base& tx, const std::string& email) {
  auto c = db::find_customer(tx, email);
  if (!c) throw usage_error("no customer " + email + " (see flows-bill customers list)");
  return *c;
}

db::PropertyRef require_property(pqxx::transaction_base& tx, const std::string& esco, const std::string& plot,
                                 const std::string& where) {
  auto p = db::find_property(tx, esco, plot);
  if (!p) throw usage_error(where + "no property " + plot + " in ESCO " + esco + " (add it with `flows-bill properties add`)");
  return *p;
}

// An add, checked: what it will write.
struct PlannedAdd {
  const billing::NewCustomer* row = nullptr;
  std::optional<db::CustomerRow> existing;  // set: unchanged
  std::optional<db::PropertyRef> property;
  std::optional<db::AccountRef> account;    // none yet: created on write
};

// The key of an account to be, for occupiers planned in the same file.
std::string account_key(const PlannedAdd& p) {
  return p.account ? p.account->id : p.property->id + "/" + p.row->account_type;
}

bool holds_as_given(pqxx::transaction_base& tx, const db::CustomerRow& c, const PlannedAdd& p) {
  if (!p.property) return true;
  for (const auto& h : db::holdings(tx, c.id))
    if (h.property_id == p.property->id && h.type == p.row->account_type && h.role == p.row->role &&
        h.dates.move_in == p.row->move_in)
      return true;
  return false;
}

PlannedAdd plan_add(pqxx::transaction_base& tx, const billing::NewCustomer& row, const std::string& source,
                    const std::map<std::string, db::CustomerRow>& existing,
                    std::map<std::string, std::vector<billing::Occupier>>& occupiers) {
  const std::string where = billing::where(row, source);
  PlannedAdd p{&row, std::nullopt, std::nullopt, std::nullopt};
  if (!row.plot.empty()) {
    p.property = require_property(tx, row.esco, row.plot, where);
    p.account = db::account_of(tx, p.property->id, row.account_type);
  }
  if (auto it = existing.find(lower(row.email)); it != existing.end()) {
    if (!holds_as_given(tx, it->second, p))
      throw usage_error(where + "customer " + it->second.email +
                        " exists already (change them with customers set-status, move-in or move-out)");
    p.existing = it->second;
    return p;
  }
  if (!p.property || row.role != "occupier") return p;
  const std::string key = account_key(p);
  auto [it, fresh] = occupiers.try_emplace(key);
  if (fresh && p.account) it->second = db::holders(tx, p.account->id, "occupier");
  const date::year_month_day day = row.move_in.value_or(date::year_month_day{date::year{1}, date::month{1}, date::day{1}});
  if (auto why = billing::move_in_refusal(it->second, row.email, day))
    throw usage_error(where + row.email + " cannot move into " + row.plot + ": " + *why);
  it->second.push_back({row.email, {row.move_in, std::nullopt}});
  return p;
}

AddedCustomer write_add(pqxx::transaction_base& tx, PlannedAdd& p, std::map<std::string, db::AccountRef>& made) {
  const auto& row = *p.row;
  AddedCustomer out{row.email, false, p.account ? p.account->number : 0, false};
  if (p.existing) return out;
  const std::string id = db::insert_customer(tx, row.email, row.name, billing::to_string(row.status));
  db::customer_event(tx, id, "created", {{"status", billing::to_string(row.status)}});
  out.created = true;
  if (!p.property) return out;
  if (!p.account) {
    const std::string key = account_key(p);
    auto it = made.find(key);
    if (it == made.end()) {
      it = made.emplace(key, db::insert_account(tx, p.property->id, row.account_type)).first;
      out.account_created = true;
    }
    p.account = it->second;
  }
  db::insert_holder(tx, id, p.account->id, row.role, row.move_in);
  db::customer_event(tx, id, "move_in",
                     {{"account", p.account->number}, {"role", row.role},
                      {"date", row.move_in ? nlohmann::json(format_date(*row.move_in)) : nlohmann::json(nullptr)}});
  out.account_number = p.account->number;
  return out;
}

std::map<std::string, db::CustomerRow> existing_customers(pqxx::transaction_base& tx,
                                                          const std::vector<billing::NewCustomer>& rows) {
  std::vector<std::string> emails;
  for (const auto& r : rows) emails.push_back(r.email);
  std::map<std::string, db::CustomerRow> out;
  for (auto& c : db::find_customers(tx, emails)) out.emplace(lower(c.email), std::move(c));
  return out;
}

// The one holding of `email` a move-out ends: the one on the given property,
// or the only open one.
db::Holding holding_to_end(const std::vector<db::Holding>& holdings, const MoveOptions& o) {
  std::vector<const db::Holding*> open;
  for (const auto& h : holdings)
    if (!h.dates.move_out && h.role == o.role && (o.plot.empty() || (h.plot == o.plot && lower(h.esco) == lower(o.esco))))
      open.push_back(&h);
  if (open.empty()) {
    for (auto h = holdings.rbegin(); h != holdings.rend(); ++h)
      if (h->role == o.role && h->dates.move_out && (o.plot.empty() || h->plot == o.plot))
        throw usage_error(o.email + " has already moved out (on " + format_date(*h->dates.move_out) + ")");
    throw usage_error(o.email + " holds no account" + (o.plot.empty() ? "" : " on " + o.plot) + " as " + o.role);
  }
  if (open.size() > 1) throw usage_error(o.email + " holds " + std::to_string(open.size()) + " accounts as " + o.role + ": say which with --esco and --plot");
  return *open.front();
}

// The supply account the customer occupies on `day` or moves into after it.
const db::Holding* occupied_from(const std::vector<db::Holding>& holdings, date::year_month_day day) {
  for (const auto& h : holdings)
    if (h.role == "occupier" && h.type == "supply" && billing::overlaps(h.dates, day, std::nullopt))
      return &h;
  return nullptr;
}

}  // namespace

std::size_t AddReport::created() const {
  return static_cast<std::size_t>(std::count_if(customers.begin(), customers.end(), [](const auto& c) { return c.created; }));
}

AddReport add_customers(pqxx::connection& conn, const std::vector<billing::NewCustomer>& rows,
                        const std::string& source, bool dry_run) {
  for (const auto& r : rows) billing::validate(r, source);
  db::require_current(conn);
  return db::in_transaction(conn, "adding customers failed (nothing was written)", [&](pqxx::work& tx) {
    const auto existing = existing_customers(tx, rows);
    std::map<std::string, std::vector<billing::Occupier>> occupiers;
    std::vector<PlannedAdd> plan;
    for (const auto& r : rows) plan.push_back(plan_add(tx, r, source, existing, occupiers));
    AddReport report;
    std::map<std::string, db::AccountRef> made;
    for (auto& p : plan) {
      if (dry_run) report.customers.push_back({p.row->email, !p.existing, p.account ? p.account->number : 0, !p.account && p.property});
      else report.customers.push_back(write_add(tx, p, made));
    }
    return report;
  });
}

StatusChange set_status(pqxx::connection& conn, const std::string& email, billing::CustomerStatus to,
                        const std::string& note) {
  db::require_current(conn);
  return db::in_transaction(conn, "changing the status failed (nothing was written)", [&](pqxx::work& tx) {
    const auto c = require_customer(tx, email);
    StatusChange out{c.email, c.status, billing::to_string(to), false};
    const auto from = billing::parse_customer_status(c.status);
    if (from == to) return out;
    if (!from) throw usage_error(c.email + " has status " + c.status + ", which this tool does not know");
    if (auto why = billing::transition_refusal(*from, to)) throw usage_error(c.email + ": " + *why);
    db::set_customer_status(tx, c.id, out.to);
    nlohmann::json data{{"from", out.from}, {"to", out.to}};
    if (!note.empty()) data["note"] = note;
    db::customer_event(tx, c.id, "status", data);
    out.changed = true;
    return out;
  });
}

MoveReport move_in(pqxx::connection& conn, const MoveOptions& o) {
  db::require_current(conn);
  return db::in_transaction(conn, "the move-in failed (nothing was written)", [&](pqxx::work& tx) {
    const auto c = require_customer(tx, o.email);
    const auto p = require_property(tx, o.esco, o.plot, "");
    auto account = db::account_of(tx, p.id, o.account_type);
    if (account) {
      if (auto why = billing::move_in_refusal(db::holders(tx, account->id, o.role), c.email, o.day);
          why && (o.role == "occupier" || why->find("already holds") != std::string::npos))
        throw usage_error(c.email + " cannot move into " + o.plot + ": " + *why);
    }
    MoveReport out{c.email, p.esco_code, p.plot, 0, !account};
    if (!account) account = db::insert_account(tx, p.id, o.account_type);
    db::insert_holder(tx, c.id, account->id, o.role, o.day);
    db::customer_event(tx, c.id, "move_in", {{"account", account->number}, {"role", o.role}, {"date", format_date(o.day)}});
    out.account_number = account->number;
    return out;
  });
}

MoveReport move_out(pqxx::connection& conn, const MoveOptions& o) {
  db::require_current(conn);
  return db::in_transaction(conn, "the move-out failed (nothing was written)", [&](pqxx::work& tx) {
    const auto c = require_customer(tx, o.email);
    const db::Holding h = holding_to_end(db::holdings(tx, c.id), o);
    if (auto why = billing::move_out_refusal(h.dates, o.day)) throw usage_error(c.email + " " + *why);
    db::set_move_out(tx, c.id, h.account_id, h.role, o.day);
    db::customer_event(tx, c.id, "move_out", {{"account", h.account_number}, {"role", h.role}, {"date", format_date(o.day)}});
    return MoveReport{c.email, h.esco, h.plot, h.account_number, false};
  });
}

DiscountReport set_discount(pqxx::connection& conn, const std::string& email, const billing::Decimal& discount,
                            date::year_month_day start) {
  billing::validate_discount(discount);
  if (start.day() != date::day{1}) throw usage_error("--period-start " + format_date(start) + " is not the first day of a month");
  db::require_current(conn);
  return db::in_transaction(conn, "setting the discount failed (nothing was written)", [&](pqxx::work& tx) {
    const auto c = require_customer(tx, email);
    const auto holdings = db::holdings(tx, c.id);
    const db::Holding* h = occupied_from(holdings, start);
    if (!h)
      throw usage_error(c.email + " occupies no supply account on or after " + format_date(start) +
                        ", so no ESCO's benchmark applies");
    const auto escos = db::load_escos(tx, h->esco);
    if (escos.empty() || escos.front().region.empty())
      throw Error(ExitCode::config, "ESCO " + h->esco + " has no region, so no benchmark applies");
    const auto benchmarks = billing::rates_in_force(db::benchmarks_until(tx, start), start);
    auto b = benchmarks.find(escos.front().region);
    if (b == benchmarks.end())
      throw Error(ExitCode::config, "no benchmark tariff in force on " + format_date(start) + " for region " +
                                        escos.front().region + " (flows-bill tariffs benchmark add)");
    DiscountReport out{c.email, format_date(start), discount, std::nullopt, billing::customer_rates(b->second, discount)};
    out.replaced = db::upsert_customer_tariff(tx, c.id, start, discount, out.rates);
    db::customer_event(tx, c.id, "discount", {{"period_start", out.period_start}, {"discount", discount.to_string()}});
    return out;
  });
}

CustomerDetails show_customer(pqxx::connection& conn, const std::string& email) {
  return db::in_read_transaction(conn, "reading the customer failed", [&](pqxx::read_transaction& tx) {
    CustomerDetails d;
    d.customer = require_customer(tx, email);
    d.holdings = db::holdings(tx, d.customer.id);
    d.tariffs = db::customer_tariffs(tx, d.customer.id);
    return d;
  });
}

void add_property(pqxx::connection& conn, const db::NewProperty& p) {
  if (p.plot.empty() || !valid_utf8(p.plot)) throw usage_error("--plot must be a property's name (UTF-8 text)");
  db::require_current(conn);
  db::in_transaction(conn, "adding the property failed (nothing was written)", [&](pqxx::work& tx) {
    db::require_esco(tx, p.esco);
    const std::string esco = db::esco_id(tx, p.esco);
    if (db::find_property(tx, p.esco, p.plot)) throw usage_error("ESCO " + p.esco + " has a property " + p.plot + " already");
    std::string meters[2];
    const std::string* serials[2] = {&p.supply_serial, &p.solar_serial};
    for (int i = 0; i < 2; ++i) {
      if (serials[i]->empty()) continue;
      meters[i] = db::meter_id(tx, *serials[i]);
      if (meters[i].empty()) throw usage_error("no meter " + *serials[i] + " in flows.meter_registry (emop db import)");
      if (auto other = db::property_of_meter(tx, meters[i]); !other.empty())
        throw usage_error("meter " + *serials[i] + " belongs to property " + other + " already");
    }
    db::insert_property(tx, esco, p.plot, meters[0], meters[1]);
  });
}

std::vector<db::CustomerListRow> list_customers(pqxx::connection& conn, const std::optional<std::string>& esco,
                                                const std::optional<std::string>& status) {
  return db::in_read_transaction(conn, "listing customers failed", [&](pqxx::read_transaction& tx) {
    return db::list_customers(tx, esco, status);
  });
}

std::vector<db::PropertyRow> list_properties(pqxx::connection& conn, const std::optional<std::string>& esco) {
  return db::in_read_transaction(conn, "listing properties failed",
                                 [&](pqxx::read_transaction& tx) { return db::list_properties(tx, esco); });
}

std::vector<db::InstallationRow> list_installations(pqxx::connection& conn, const std::optional<std::string>& esco) {
  return db::in_read_transaction(conn, "listing installations failed",
                                 [&](pqxx::read_transaction& tx) { return db::list_installations(tx, esco); });
}

InstallationReport add_installation(pqxx::connection& conn, const std::string& esco, const std::string& plot,
                                    const billing::Decimal& capacity_kw) {
  if (capacity_kw <= billing::Decimal() || capacity_kw > billing::Decimal::parse("1000").value())
    throw usage_error("--capacity-kw " + capacity_kw.to_string() + " is not a capacity over 0 and at most 1000 kW");
  db::require_current(conn);
  return db::in_transaction(conn, "adding the installation failed (nothing was written)", [&](pqxx::work& tx) {
    const auto p = require_property(tx, esco, plot, "");
    return InstallationReport{p.esco_code, p.plot, capacity_kw, db::upsert_installation(tx, p.id, capacity_kw)};
  });
}

std::optional<billing::Decimal> set_solar_tariff(pqxx::connection& conn, const std::string& esco,
                                                 date::year_month_day start, const billing::Decimal& pence_per_year) {
  if (pence_per_year < billing::Decimal() || pence_per_year > billing::Decimal::parse("1000000").value())
    throw usage_error("--pence-per-year " + pence_per_year.to_string() + " is not 0 to 1000000");
  db::require_current(conn);
  return db::in_transaction(conn, "setting the solar credit tariff failed (nothing was written)", [&](pqxx::work& tx) {
    db::require_esco(tx, esco);
    const std::string id = db::esco_id(tx, esco);
    return db::upsert_solar_tariff(tx, id, start, pence_per_year);
  });
}

std::optional<std::string> allocation_problem(const std::vector<std::pair<std::string, billing::Decimal>>& shares) {
  if (shares.empty()) return "no shares given";
  billing::Decimal total;
  std::set<std::string> plots;
  const billing::Decimal one = billing::Decimal::parse("1").value();
  for (const auto& [plot, ratio] : shares) {
    if (!plots.insert(plot).second) return "property " + plot + " is given twice";
    if (ratio <= billing::Decimal() || ratio > one) return "the share of " + plot + " is " + ratio.to_string() + ", not over 0 and at most 1";
    total += ratio;
  }
  if (total != one) return "the shares sum to " + total.to_string() + ", not 1";
  return std::nullopt;
}

void allocate_installation(pqxx::connection& conn, const std::string& esco, const std::string& installation_plot,
                           const std::vector<std::pair<std::string, billing::Decimal>>& shares) {
  if (auto why = allocation_problem(shares)) throw usage_error("allocation of " + installation_plot + ": " + *why);
  db::require_current(conn);
  db::in_transaction(conn, "allocating the installation failed (nothing was written)", [&](pqxx::work& tx) {
    const auto inst = require_property(tx, esco, installation_plot, "");
    if (!db::has_installation(tx, inst.id))
      throw usage_error(installation_plot + " has no solar installation (flows-bill solar add)");
    std::vector<std::pair<std::string, billing::Decimal>> by_id;
    for (const auto& [plot, ratio] : shares) by_id.emplace_back(require_property(tx, esco, plot, "").id, ratio);
    db::replace_allocations(tx, inst.id, by_id);
  });
}

}  // namespace flows::jobs
