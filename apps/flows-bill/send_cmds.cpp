// flows-bill statements send --month YYYY-MM: the stored statements by email.
#include <iostream>
#include <memory>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/table.hpp"
#include "config/config.hpp"
#include "connect.hpp"
#include "core/error.hpp"
#include "db_cmds.hpp"
#include "jobs/statement_delivery.hpp"
#include "mail/message.hpp"
#include "mail/smtp.hpp"

namespace flows::bill_app {
namespace {

using json = nlohmann::ordered_json;

struct SendArgs {
  std::string month;
  std::optional<std::string> esco, customer;
  bool resend = false, json = false;
};

struct MailConfig {
  mail::SmtpSettings smtp;
  mail::Address from;
};

// The SMTP settings of the environment, checked before anything else happens.
MailConfig mail_config(const std::string& env) {
  config::LoadOptions o;
  if (!env.empty()) o.env_name = env;
  const config::Settings s = config::load(o);
  if (!s.smtp_url || s.smtp_url->empty())
    throw config_error("smtp_url is not set (config.toml environment \"" + s.env_name + "\" or FLOWS_SMTP_URL)");
  if (!s.smtp_from || s.smtp_from->empty())
    throw config_error("smtp_from is not set (config.toml environment \"" + s.env_name + "\")");
  MailConfig c;
  const auto from = mail::parse_mailbox(*s.smtp_from);
  if (!from) throw config_error("smtp_from \"" + *s.smtp_from + "\" is not an address (Name <local@domain>)");
  c.from = *from;
  c.smtp.url = *s.smtp_url;
  c.smtp.username = s.smtp_username;
  c.smtp.password = s.smtp_password;
  c.smtp.starttls = s.smtp_starttls.value_or("if-offered");
  c.smtp.ca_file = s.smtp_ca_cert;
  c.smtp.timeout_seconds = s.timeout_seconds;
  mail::check_settings(c.smtp);
  return c;
}

void print_report(const jobs::DeliveryReport& r, bool as_json) {
  if (as_json) {
    json rows = json::array();
    for (const auto& i : r.items)
      rows.push_back({{"account_number", i.account_number}, {"customer", i.customer_id}, {"name", i.name},
                      {"email", i.email}, {"outcome", i.outcome}, {"detail", i.detail},
                      {"message_id", i.message_id ? json(*i.message_id) : json(nullptr)}});
    std::cout << json{{"month", r.month},      {"sent", r.count("sent")},       {"failed", r.count("failed")},
                      {"unknown", r.count("unknown")}, {"skipped", r.count("skipped")}, {"deliveries", rows}}
                     .dump(2)
              << "\n";
    return;
  }
  std::vector<std::vector<std::string>> rows{{"ACCOUNT", "EMAIL", "OUTCOME", "DETAIL"}};
  for (const auto& i : r.items)
    rows.push_back({fmt::format("{:06}", i.account_number), i.email, i.outcome, i.detail});
  std::cout << cli::render_table(rows);
}

int run_send(const Globals& g, const SendArgs& a) {
  const auto month = billing::Month::parse(a.month);
  if (!month) throw usage_error("--month '" + a.month + "' is not a month YYYY-MM (e.g. 2024-06)");
  const MailConfig mc = mail_config(g.env);
  auto conn = connect_database(g.env, g.dbname);
  mail::SmtpSession session(mc.smtp);
  jobs::DeliveryOptions o;
  o.month = *month;
  o.esco = a.esco;
  o.customer = a.customer;
  o.resend = a.resend;
  o.from = mc.from;
  const auto report = jobs::deliver_statements(*conn, o, session);
  print_report(report, a.json);
  std::cerr << fmt::format("statements {} via {}: {} sent, {} failed, {} unknown, {} skipped in {} ms\n",
                           report.month, mail::display_url(mc.smtp.url), report.count("sent"),
                           report.count("failed"), report.count("unknown"), report.count("skipped"),
                           report.duration.count());
  if (report.count("unknown") > 0)
    std::cerr << "flows-bill: warning: an unknown delivery may have reached the customer: check the mail server's log "
                 "for its Message-ID before sending again with --resend\n";
  return to_int(jobs::delivery_status(report));
}

}  // namespace

void add_send_commands(CLI::App& app, Globals& g, std::function<int()>& action) {
  auto* statements = app.get_subcommand("statements");
  auto a = std::make_shared<SendArgs>();
  auto* c = statements->add_subcommand(
      "send", "email each customer their stored statement (HTML body, CSV attached) over SMTP; each delivery is "
              "recorded and never sent twice unless --resend; exit 7 if any failed or is unknown");
  c->add_option("--month", a->month, "the month, YYYY-MM")->required();
  c->add_option("--esco", a->esco, "only this ESCO (escos.code)");
  c->add_option("--customer", a->customer, "only this customer (customers.email)");
  c->add_flag("--resend", a->resend, "send again to customers whose statement was sent (or may have been)");
  c->add_flag("--json", a->json, "print the deliveries as JSON");
  c->callback([&g, &action, a] { action = [&g, a] { return run_send(g, *a); }; });
}

}  // namespace flows::bill_app
