// flows-bill topups add|list|from-payments|tokens|due, wallets set|show|list,
// solar-credits apply. The work is in lib/jobs (topup_jobs, solar_payout);
// these parse, call and print.
#include <chrono>
#include <iostream>
#include <memory>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "billing/calendar.hpp"
#include "billing/statement.hpp"
#include "cli/table.hpp"
#include "config/config.hpp"
#include "connect.hpp"
#include "core/emop_time.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "db/wallets.hpp"
#include "db_cmds.hpp"
#include "jobs/solar_payout.hpp"
#include "jobs/topup_jobs.hpp"
#include "jobs/wallet_settings.hpp"

namespace flows::bill_app {
namespace {

using json = nlohmann::ordered_json;

constexpr int exit_token_failures = static_cast<int>(ExitCode::partial);  // some tokens could not be fetched

UtcTime now_utc() { return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()); }
date::year_month_day uk_today() { return billing::uk_date(now_utc()); }

// --as-of: "YYYY-MM-DDTHH:MM:SSZ" (or without Z, or a date: its midnight), UTC.
UtcTime instant_option(const std::string& option, std::string text) {
  if (text.ends_with('Z')) text.pop_back();
  const auto t = parse_iso(text);
  if (!t) throw usage_error(option + " '" + text + "' is not a UTC time YYYY-MM-DDTHH:MM:SSZ");
  return UtcTime{t->time_since_epoch()};
}

std::string pounds(std::int64_t pence) { return billing::pence_as_pounds(pence); }

// topups --------------------------------------------------------------------

struct TopupArgs {
  std::optional<std::string> customer, meter, status, esco;
  std::int64_t amount_pence = 0;
  std::string source, reason;
  bool json = false, dry_run = false;
};

int run_add(const Globals& g, const TopupArgs& a) {
  jobs::AddTopup req{a.customer, a.meter, a.amount_pence, a.source, a.reason, uk_today()};
  auto conn = connect_database(g.env, g.dbname);
  const auto t = jobs::add_topup(*conn, req);
  if (a.json)
    std::cout << json{{"topup", t.id}, {"serial", t.serial}, {"amount_pence", t.amount_pence}, {"status", t.status}}
                     .dump(2)
              << "\n";
  else
    std::cout << fmt::format("topup {}: £{} on {} ({})\n", t.id, pounds(t.amount_pence), t.serial, t.status);
  return 0;
}

int run_list(const Globals& g, const TopupArgs& a) {
  auto conn = connect_database(g.env, g.dbname);
  const auto rows = jobs::list_topups(*conn, a.customer, a.status, uk_today());
  if (a.json) {
    json out = json::array();
    for (const auto& r : rows)
      out.push_back({{"topup", r.id}, {"serial", r.serial}, {"customer", r.email ? json(*r.email) : json(nullptr)},
                     {"amount_pence", r.amount_pence}, {"status", r.status}, {"source", r.source},
                     {"notes", r.notes}, {"has_token", r.has_token}, {"created_at", r.created_at}});
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  std::vector<std::vector<std::string>> t{{"created", "topup", "meter", "customer", "£", "status", "source", "notes"}};
  for (const auto& r : rows)
    t.push_back({r.created_at, r.id, r.serial, r.email.value_or("-"), pounds(r.amount_pence), r.status, r.source,
                 r.notes});
  std::cout << cli::render_table(t);
  return 0;
}

int run_from_payments(const Globals& g, const TopupArgs& a) {
  auto conn = connect_database(g.env, g.dbname);
  const auto r = jobs::topups_from_payments(*conn, a.dry_run);
  const char* verb = a.dry_run ? "would_make" : "made";
  json rows = json::array();
  for (const auto& p : r.made) {
    rows.push_back({{"payment", p.payment}, {"account_number", p.account_number}, {"amount_pence", p.amount_pence},
                    {"serial", p.meter->serial}, {"action", verb}});
    if (!a.json) std::cout << fmt::format("{} payment={} account={} serial={} amount=£{}\n", verb, p.payment,
                                          p.account_number, p.meter->serial, pounds(p.amount_pence));
  }
  for (const auto& p : r.no_meter) {
    rows.push_back({{"payment", p.payment}, {"account_number", p.account_number}, {"amount_pence", p.amount_pence},
                    {"serial", nullptr}, {"action", "no_supply_meter"}});
    std::cerr << fmt::format("flows-bill: payment {} (account {}, £{}): the account's property has no supply meter; "
                             "no topup made\n",
                             p.payment, p.account_number, pounds(p.amount_pence));
  }
  if (a.json) std::cout << rows.dump(2) << "\n";
  std::cerr << fmt::format("{} {}from payments, {} without a supply meter\n",
                           count_of(std::ssize(r.made), "topup"), a.dry_run ? "would be made " : "made ",
                           count_of(std::ssize(r.no_meter), "payment"));
  return r.no_meter.empty() ? 0 : to_int(ExitCode::partial);
}

int run_tokens(const Globals& g, const TopupArgs& a) {
  const config::Settings s = config::load(load_options(g.env, g.dbname));
  if (!s.token_command || s.token_command->empty())
    throw config_error("no token source: set token_command in config.toml (or FLOWS_TOKEN_COMMAND)");
  auto conn = connect_database(g.env, g.dbname);
  const auto r = jobs::fetch_tokens(*conn, {*s.token_command}, a.esco);
  if (r.busy) {
    std::cerr << "flows-bill: another `topups tokens` is running; nothing done\n";
    return 0;
  }
  json rows = json::array();
  for (const auto& o : r.outcomes) {
    rows.push_back({{"topup", o.topup}, {"serial", o.serial}, {"amount_pence", o.amount_pence}, {"ok", o.ok},
                    {"token", o.ok ? json(o.token_tail) : json(nullptr)}, {"detail", o.detail}});
    if (!a.json)
      std::cout << fmt::format("{} topup={} serial={} amount=£{}{}\n", o.ok ? "token" : "failed", o.topup, o.serial,
                               pounds(o.amount_pence), o.ok ? " token=" + o.token_tail : "");
    if (!o.ok) std::cerr << fmt::format("flows-bill: topup {} ({}): {}\n", o.topup, o.serial, o.detail);
  }
  if (a.json) std::cout << rows.dump(2) << "\n";
  std::cerr << fmt::format("{} fetched, {} failed\n",
                           count_of(static_cast<long long>(r.outcomes.size() - r.failed()), "token"), r.failed());
  return r.failed() ? exit_token_failures : 0;
}

int run_due(const Globals& g, const TopupArgs& a) {
  auto conn = connect_database(g.env, g.dbname);
  const auto r = jobs::topups_due(*conn, a.esco, a.dry_run, now_utc());
  json rows = json::array();
  for (const auto& row : r.rows) {
    const auto& w = row.wallet;
    const auto& d = row.decision;
    const std::string action = d.due ? (a.dry_run ? "would_topup" : "topup") : "none";
    rows.push_back({{"customer", w.email}, {"serial", w.serial}, {"esco", w.esco},
                    {"balance", w.state.balance ? json(w.state.balance->to_string()) : json(nullptr)},
                    {"reading_at", w.reading_at ? json(*w.reading_at) : json(nullptr)},
                    {"minimum_pence", w.state.wallet.minimum_pence}, {"target_pence", w.state.wallet.target_pence},
                    {"action", action}, {"amount_pence", d.due ? json(d.amount_pence) : json(nullptr)},
                    {"scheduled_at", row.scheduled_at ? json(format_iso_utc(*row.scheduled_at)) : json(nullptr)},
                    {"reason", d.reason}});
    if (!a.json)
      std::cout << (d.due ? fmt::format("{} customer={} serial={} balance=£{} amount=£{} collected={}\n", action,
                                        w.email, w.serial, w.state.balance->to_string(), pounds(d.amount_pence),
                                        format_iso_utc(*row.scheduled_at))
                          : fmt::format("none customer={} serial={}: {}\n", w.email, w.serial, d.reason));
  }
  if (a.json) std::cout << rows.dump(2) << "\n";
  const long long topups = a.dry_run ? std::count_if(r.rows.begin(), r.rows.end(),
                                                      [](const jobs::DueRow& x) { return x.decision.due; })
                                      : static_cast<long long>(r.made);
  std::cerr << fmt::format("{}, {} {}\n", count_of(std::ssize(r.rows), "wallet"),
                           count_of(topups, "auto top-up"), a.dry_run ? "due (dry run: nothing written)" : "made");
  return 0;
}

// wallets -------------------------------------------------------------------

struct WalletArgs {
  std::string email;
  std::optional<std::int64_t> minimum, target;
  std::optional<std::string> auto_topup, timing;
  bool json = false;
};

json wallet_json(const db::WalletRow& w) {
  return {{"customer", w.email},
          {"minimum_pence", w.settings.minimum_pence},
          {"target_pence", w.settings.target_pence},
          {"auto_topup", w.settings.auto_topup},
          {"timing", std::string(billing::to_string(w.settings.timing))},
          {"updated_at", w.updated_at}};
}

void print_wallet(const db::WalletRow& w, bool as_json) {
  if (as_json) {
    std::cout << wallet_json(w).dump(2) << "\n";
    return;
  }
  std::cout << fmt::format("customer {}\nminimum £{}\ntarget £{}\nauto top-up {}\ntiming {}\nupdated {}\n", w.email,
                           pounds(w.settings.minimum_pence), pounds(w.settings.target_pence),
                           w.settings.auto_topup ? "on" : "off", billing::to_string(w.settings.timing), w.updated_at);
}

int run_wallet_set(const Globals& g, const WalletArgs& a) {
  jobs::WalletChange change;
  change.minimum_pence = a.minimum;
  change.target_pence = a.target;
  if (a.auto_topup) change.auto_topup = *a.auto_topup == "on";
  if (a.timing) change.timing = billing::parse_payment_timing(*a.timing);
  auto conn = connect_database(g.env, g.dbname);
  print_wallet(jobs::set_wallet(*conn, a.email, change), a.json);
  return 0;
}

int run_wallet_show(const Globals& g, const WalletArgs& a) {
  auto conn = connect_database(g.env, g.dbname);
  const auto w = jobs::wallet_of(*conn, a.email);
  if (!w) throw config_error("customer " + a.email + " has no wallet (flows-bill wallets set " + a.email + ")");
  print_wallet(*w, a.json);
  return 0;
}

int run_wallet_list(const Globals& g, const WalletArgs& a) {
  auto conn = connect_database(g.env, g.dbname);
  const auto ws = jobs::list_wallets(*conn);
  if (a.json) {
    json out = json::array();
    for (const auto& w : ws) out.push_back(wallet_json(w));
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  std::vector<std::vector<std::string>> t{{"customer", "minimum £", "target £", "auto", "timing"}};
  for (const auto& w : ws)
    t.push_back({w.email, pounds(w.settings.minimum_pence), pounds(w.settings.target_pence),
                 w.settings.auto_topup ? "on" : "off", std::string(billing::to_string(w.settings.timing))});
  std::cout << cli::render_table(t);
  return 0;
}

// solar-credits apply -----------------------------------------------------------

struct ApplyArgs {
  std::optional<std::string> month, esco, as_of;
  bool dry_run = false, json = false;
};

json credit_json(const billing::PropertyCredit& c, const char* action) {
  json j{{"property", c.property}, {"plot", c.plot}, {"credit_pence", c.credit_pence}, {"action", action}};
  if (c.paid_pence) j["paid_pence"] = *c.paid_pence;
  return j;
}

int run_apply(const Globals& g, const ApplyArgs& a) {
  jobs::PayoutOptions o;
  if (a.month) {
    auto m = billing::Month::parse(*a.month);
    if (!m) throw usage_error("--month '" + *a.month + "' is not a month YYYY-MM (e.g. 2024-06)");
    o.month = *m;
  }
  o.esco = a.esco;
  o.dry_run = a.dry_run;
  o.now = a.as_of ? instant_option("--as-of", *a.as_of) : now_utc();
  auto conn = connect_database(g.env, g.dbname);
  const auto months = jobs::apply_solar_credits(*conn, o);
  json out = json::array();
  bool unapplied = false;
  const char* verb = a.dry_run ? "would_apply" : "applied";
  for (const auto& m : months) {
    json rows = json::array();
    for (const auto& c : m.plan.to_apply) {
      rows.push_back(credit_json(c, verb));
      if (!a.json) std::cout << fmt::format("{} {} {} £{}\n", verb, m.month.to_string(), c.plot, pounds(c.credit_pence));
    }
    for (const auto& c : m.plan.no_meter) {
      rows.push_back(credit_json(c, "no_supply_meter"));
      unapplied = true;
      std::cerr << fmt::format("flows-bill: {} {}: credit £{} not paid: the property has no supply meter\n",
                               m.month.to_string(), c.plot, pounds(c.credit_pence));
    }
    for (const auto& c : m.plan.changed) {
      rows.push_back(credit_json(c, "changed_after_payout"));
      std::cerr << fmt::format(
          "flows-bill: warning: {} {}: paid £{}, the month's credit is now £{} ({:+} p); not paid again\n", m.month.to_string(),
          c.plot, pounds(*c.paid_pence), pounds(c.credit_pence), c.credit_pence - *c.paid_pence);
    }
    out.push_back({{"month", m.month.to_string()}, {"scheduled_at", format_iso_utc(m.scheduled_at)},
                   {"already_paid", m.plan.already_paid}, {"properties", rows}});
    std::cerr << fmt::format("solar credits {}: {} {}, {} paid before, {} without a supply meter, {} "
                             "changed since paid\n",
                             m.month.to_string(), m.plan.to_apply.size(), verb, m.plan.already_paid,
                             m.plan.no_meter.size(), m.plan.changed.size());
  }
  if (a.json) std::cout << out.dump(2) << "\n";
  if (months.empty()) std::cerr << "no month of solar credits is due\n";
  return unapplied ? to_int(ExitCode::partial) : 0;
}

void add_topups(CLI::App& app, Globals& g, std::function<int()>& action) {
  auto* t = app.add_subcommand("topups", "credit for meters: added by hand, from payments, tokens, auto top-ups");
  t->require_subcommand(1);
  auto set = [&](CLI::App* c, std::shared_ptr<TopupArgs> a, int (*f)(const Globals&, const TopupArgs&)) {
    c->callback([&g, &action, a, f] { action = [&g, a, f] { return f(g, *a); }; });
  };

  auto a = std::make_shared<TopupArgs>();
  auto* add = t->add_subcommand("add", "add a gift or an adjustment topup for a customer's meter or a meter");
  auto* who = add->add_option("--customer", a->customer, "the customer (email): their supply meter today");
  add->add_option("--meter", a->meter, "the meter (serial)")->excludes(who);
  add->add_option("--amount-pence", a->amount_pence, "pence: gift 1 … 100000; adjustment −50000 … 100000, not 0")
      ->required();
  add->add_option("--source", a->source, "gift or adjustment")->required()->check(CLI::IsMember({"gift", "adjustment"}));
  add->add_option("--reason", a->reason, "why (stored as the topup's notes)")->required();
  add->add_flag("--json", a->json, "print JSON");
  set(add, a, run_add);

  a = std::make_shared<TopupArgs>();
  auto* list = t->add_subcommand("list", "list topups, oldest first");
  list->add_option("--customer", a->customer, "only this customer's meter (email; occupier today)");
  list->add_option("--status", a->status, "only this status (wait_token_fetch, …, completed, pending)");
  list->add_flag("--json", a->json, "print JSON");
  set(list, a, run_list);

  a = std::make_shared<TopupArgs>();
  auto* fp = t->add_subcommand("from-payments", "a topup for each succeeded payment that has none (cron)");
  fp->add_flag("--dry-run", a->dry_run, "show what would be made; write nothing");
  fp->add_flag("--json", a->json, "print JSON");
  set(fp, a, run_from_payments);

  a = std::make_shared<TopupArgs>();
  auto* tok = t->add_subcommand("tokens", "fetch tokens for topups waiting for one, from token_command (cron)");
  tok->add_option("--esco", a->esco, "only this ESCO's meters (escos.code)");
  tok->add_flag("--json", a->json, "print JSON");
  set(tok, a, run_tokens);

  a = std::make_shared<TopupArgs>();
  auto* due = t->add_subcommand("due", "auto top-ups for wallets whose meter balance is below the minimum (cron)");
  due->add_option("--esco", a->esco, "only this ESCO's meters (escos.code)");
  due->add_flag("--dry-run", a->dry_run, "show what is due; write nothing");
  due->add_flag("--json", a->json, "print JSON");
  set(due, a, run_due);
}

void add_wallets(CLI::App& app, Globals& g, std::function<int()>& action) {
  auto* w = app.add_subcommand("wallets", "customers' wallets: minimum, target, auto top-up, timing");
  w->require_subcommand(1);
  auto set = [&](CLI::App* c, std::shared_ptr<WalletArgs> a, int (*f)(const Globals&, const WalletArgs&)) {
    c->callback([&g, &action, a, f] { action = [&g, a, f] { return f(g, *a); }; });
  };
  auto a = std::make_shared<WalletArgs>();
  auto* s = w->add_subcommand("set", "create (£20 / £30 / off / monthly) or change a customer's wallet");
  s->add_option("email", a->email, "the customer's email")->required();
  s->add_option("--minimum-pence", a->minimum, "a balance below this makes an auto top-up due (0 … 100000)");
  s->add_option("--target-pence", a->target, "an auto top-up brings the balance to this (≥ the minimum)");
  s->add_option("--auto-topup", a->auto_topup, "on or off")->check(CLI::IsMember({"on", "off"}));
  s->add_option("--timing", a->timing, "when the provider collects: weekly or monthly")
      ->check(CLI::IsMember({"weekly", "monthly"}));
  s->add_flag("--json", a->json, "print JSON");
  set(s, a, run_wallet_set);

  a = std::make_shared<WalletArgs>();
  auto* sh = w->add_subcommand("show", "show a customer's wallet");
  sh->add_option("email", a->email, "the customer's email")->required();
  sh->add_flag("--json", a->json, "print JSON");
  set(sh, a, run_wallet_show);

  a = std::make_shared<WalletArgs>();
  auto* l = w->add_subcommand("list", "list the wallets");
  l->add_flag("--json", a->json, "print JSON");
  set(l, a, run_wallet_list);
}

// `solar-credits apply` under month_cmds' `solar-credits`, whose --month is
// required and whose callback would replace ours (CLI11 runs a parent's
// callback after its subcommand's): --month becomes optional there and
// required again unless apply was given, and with apply the parent's own
// callback is dropped once parsing is complete.
void add_solar_apply(CLI::App& app, Globals& g, std::function<int()>& action) {
  CLI::App* sc = app.get_subcommand("solar-credits");
  auto a = std::make_shared<ApplyArgs>();
  auto* ap = sc->add_subcommand("apply", "pay each due month's stored solar credits out as topups, once (cron)");
  ap->add_option("--month", a->month, "only this month, YYYY-MM (default: every month due and not fully paid)");
  ap->add_option("--esco", a->esco, "only this ESCO (escos.code)");
  ap->add_option("--as-of", a->as_of, "the time taken as now, YYYY-MM-DDTHH:MM:SSZ (UTC)");
  ap->add_flag("--dry-run", a->dry_run, "show what would be paid; write nothing");
  ap->add_flag("--json", a->json, "print JSON");
  ap->callback([&g, &action, a] { action = [&g, a] { return run_apply(g, *a); }; });
  CLI::Option* month = sc->get_option("--month");
  month->required(false);
  sc->parse_complete_callback([sc, ap, month] {
    if (ap->parsed()) sc->callback(std::function<void()>());
    else if (month->count() == 0) throw CLI::RequiredError("--month");
  });
}

}  // namespace

void add_topup_commands(CLI::App& app, Globals& g, std::function<int()>& action) {
  add_topups(app, g, action);
  add_wallets(app, g, action);
  add_solar_apply(app, g, action);
}

}  // namespace flows::bill_app
