// emop list / info / serial_to_name: what the Flows database knows of the meters.
// An unknown serial (or --esco code) is a bad input value: one line, exit 2.
#include <iostream>
#include <sstream>
#include <optional>

#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "cli/complete.hpp"
#include "cli/table.hpp"
#include "core/error.hpp"
#include "db/connection.hpp"
#include "gateway/client.hpp"
#include "jobs/meter_info_view.hpp"
#include "jobs/meter_lookup.hpp"
#include "batch_view.hpp"
#include "targets.hpp"

namespace flows::emop_app {
namespace {

std::unique_ptr<pqxx::connection> open_db(Resources& res) {
  return db::connect(res.settings());
}

struct ListArgs {
  std::string esco;
  std::string health;  // --health healthy|unhealthy; "" for any
};

// A column of `emop list`: text (null when absent), and for --json the signal as a number.
struct ListCell {
  std::optional<std::string> text;
  std::optional<int> number;
};

std::vector<ListCell> list_cells(const db::MeterListRow& r) {
  ListCell signal;
  if (r.signal) {
    signal.text = std::to_string(*r.signal);
    signal.number = *r.signal;
  }
  return {{r.esco, {}},     {r.serial, {}},   {r.name, {}},      signal,           {r.health, {}},
          {r.hardware, {}}, {r.feeders, {}},  {r.last_seen, {}}, {r.reason, {}}};
}

bool has_database(Resources& res) { return res.settings().database_url && !res.settings().database_url->empty(); }

std::optional<std::string> text_field(const nlohmann::json& row, const char* key) {
  auto it = row.find(key);
  if (it == row.end() || it->is_null()) return std::nullopt;
  return it->is_string() ? it->get<std::string>() : it->dump();
}

// The rows of the gateway's GetMeters (flows.get_meters_for_cli's columns).
std::vector<db::MeterListRow> list_from_gateway(const GlobalOptions& options, Resources& res, const std::string& esco) {
  gateway::InfoClient client(*mediator_options(options, res));
  const std::string text = client.meters_json(esco);
  const auto rows = nlohmann::json::parse(text, nullptr, false);
  if (!rows.is_array()) throw protocol_error("the gateway's GetMeters answer is not a JSON array");
  std::vector<db::MeterListRow> out;
  for (const auto& r : rows) {
    if (!r.is_object()) continue;
    db::MeterListRow m;
    m.esco = text_field(r, "esco").value_or("");
    m.serial = text_field(r, "serial").value_or("");
    m.name = text_field(r, "name").value_or("");
    if (auto csq = r.find("csq"); csq != r.end() && csq->is_number_integer()) m.signal = csq->get<int>();
    m.health = text_field(r, "health");
    m.hardware = text_field(r, "hardware").value_or("");
    m.feeders = text_field(r, "feeder").value_or("");
    out.push_back(std::move(m));
  }
  return out;
}

// The gateway's rows of one health (its GetMeters has no filter of its own).
std::vector<db::MeterListRow> of_health(std::vector<db::MeterListRow> rows, const std::string& health) {
  if (health.empty()) return rows;
  std::erase_if(rows, [&](const db::MeterListRow& r) { return r.health.value_or("") != health; });
  return rows;
}

// The table, an unhealthy meter's row in red (on a terminal, --color).
void print_table(const std::vector<std::vector<std::string>>& table, const std::vector<db::MeterListRow>& rows, bool colour) {
  std::istringstream lines(cli::render_table(table));
  std::string line;
  for (std::size_t i = 0; std::getline(lines, line); ++i) {
    const bool unhealthy = i > 0 && i <= rows.size() && rows[i - 1].health.value_or("") == "unhealthy";
    std::cout << (unhealthy ? cli::paint(line, cli::Paint::failed, colour) : line) << "\n";
  }
}

int run_list(const GlobalOptions& options, Resources& res, const ListArgs& a) {
  // Without a database, the gateway's InfoService, as the deployed tool asks it.
  const auto rows = !has_database(res) && mediator_options(options, res)
                        ? of_health(list_from_gateway(options, res, a.esco), a.health)
                        : jobs::list_meters(*open_db(res), a.esco, a.health);
  const std::vector<std::string> header = {"esco",     "serial", "name",      "signal", "health",
                                           "hardware", "feeder", "last_seen", "reason"};
  if (options.json) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const auto& r : rows) {
      nlohmann::ordered_json j;
      const auto cells = list_cells(r);
      for (std::size_t i = 0; i < header.size(); ++i) {
        if (!cells[i].text) j[header[i]] = nullptr;
        else if (cells[i].number) j[header[i]] = *cells[i].number;
        else j[header[i]] = *cells[i].text;
      }
      out.push_back(j);
    }
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  std::vector<std::vector<std::string>> table{header};
  for (const auto& r : rows) {
    std::vector<std::string> line;
    for (const auto& cell : list_cells(r)) {
      const std::string v = cell.text.value_or("");
      line.push_back(v.empty() ? "-" : v);
    }
    table.push_back(std::move(line));
  }
  print_table(table, rows, colours_of(options).out);
  return 0;
}

db::MeterInfoRow info_from_gateway(const GlobalOptions& options, Resources& res, const std::string& serial) {
  gateway::InfoClient client(*mediator_options(options, res));
  const auto j = nlohmann::json::parse(client.info_json(serial), nullptr, false);
  if (!j.is_object() || !j.contains("registry")) throw protocol_error("the gateway's GetInfo answer is not {\"registry\": …}");
  db::MeterInfoRow row;
  row.registry = j["registry"].dump();
  if (j.contains("shadow") && !j["shadow"].is_null()) row.shadow = j["shadow"].dump();
  row.registers = "[]";
  return row;
}

int run_info(const GlobalOptions& options, Resources& res, const std::string& serial) {
  const auto row = !has_database(res) && mediator_options(options, res) ? info_from_gateway(options, res, serial)
                                                                         : jobs::meter_info(*open_db(res), serial);
  const auto j = jobs::meter_info_json(serial, row);
  if (options.json) std::cout << j.dump(2) << "\n";
  else std::cout << jobs::meter_info_text(j);
  return 0;
}

int run_serial_to_name(const GlobalOptions& options, Resources& res, const std::string& serial) {
  const auto name = jobs::serial_to_name(*open_db(res), serial);
  if (options.json) std::cout << nlohmann::json{{"serial", serial}, {"name", name}}.dump(2) << "\n";
  else std::cout << name << "\n";
  return 0;
}

}  // namespace

void add_manage_commands(CLI::App& app, Invocation& inv) {
  static ListArgs list_args;
  static std::string info_serial, name_serial;
  auto* list = app.add_subcommand(
      "list", "list the meters in the database (without one, the gateway's): esco, serial, name, signal (CSQ), health, "
              "hardware, feeder, last_seen (last healthy, UTC) and reason (why unhealthy)");
  list->add_option("--esco", list_args.esco, "only this ESCO's meters (escos.code; an unknown code exits 2)");
  list->add_option("--health", list_args.health, "only the meters of this health (healthy or unhealthy)")
      ->check(CLI::IsMember({"healthy", "unhealthy"}));
  list->callback([&inv] { inv.action = [&inv] { return run_list(inv.options, inv.resources, list_args); }; });

  auto* info = app.add_subcommand(
      "info", "show one meter's registry row, shadow (latest state) and registers from the database (without one, the gateway's registry and shadow), "
              "with the names of its ESCO, site, service head, feeder and circuits; an unknown serial exits 2");
  cli::complete_with(info->add_option("serial", info_serial, "meter serial")->required(), "serials");
  info->callback([&inv] { inv.action = [&inv] { return run_info(inv.options, inv.resources, info_serial); }; });

  auto* name = app.add_subcommand("serial_to_name", "print the name the database gives a meter; an unknown serial exits 2");
  cli::complete_with(name->add_option("serial", name_serial, "meter serial")->required(), "serials");
  name->callback([&inv] {
    inv.action = [&inv] { return run_serial_to_name(inv.options, inv.resources, name_serial); };
  });
}

}  // namespace flows::emop_app
