// emop list / info / serial_to_name: what the Flows database knows of the meters.
// An unknown serial (or --esco code) is a bad input value: one line, exit 2.
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "core/error.hpp"
#include "db/connection.hpp"
#include "db/db_error.hpp"
#include "db/migrations.hpp"

namespace flows::emop_app {
namespace {

std::unique_ptr<pqxx::connection> open_db(State& st) {
  auto conn = db::connect(st.settings().database_url.value_or(""));
  db::require_current(*conn);
  return conn;
}

template <typename F>
auto with_read(State& st, const char* what, F&& f) {
  auto conn = open_db(st);
  try {
    pqxx::read_transaction tx(*conn);
    return f(tx);
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw db::database_error(what, e);
  }
}

[[noreturn]] void unknown_serial(const std::string& serial) {
  throw usage_error("meter " + serial + " is not in the database (meter_registry)");
}

struct ListArgs {
  std::string esco;
};

int run_list(State& st, const ListArgs& a) {
  const auto rows = with_read(st, "list", [&](pqxx::read_transaction& tx) {
    if (!a.esco.empty() && tx.exec_params("SELECT 1 FROM flows.escos WHERE code = $1", a.esco).empty())
      throw usage_error("no ESCO with code '" + a.esco + "' in the database");
    return tx.exec_params(
        "SELECT COALESCE(e.code, ''), m.serial, COALESCE(m.name, ''), s.csq::text, s.health::text, "
        "       COALESCE(m.hardware, ''), COALESCE(string_agg(DISTINCT f.name, ',' ORDER BY f.name), '') "
        "FROM flows.meter_registry m "
        "LEFT JOIN flows.escos e ON e.id = m.esco "
        "LEFT JOIN flows.meter_shadows s ON s.id = m.id "
        "LEFT JOIN flows.service_head_meter shm ON shm.meter = m.id "
        "LEFT JOIN flows.service_head_registry sh ON sh.id = shm.service_head "
        "LEFT JOIN flows.feeder_registry f ON f.id = sh.feeder "
        "WHERE ($1::text = '' OR e.code = $1) "
        "GROUP BY e.code, m.serial, m.name, s.csq, s.health, m.hardware "
        "ORDER BY e.code NULLS FIRST, m.serial",
        a.esco);
  });
  const std::vector<std::string> header = {"esco", "serial", "name", "signal", "health", "hardware", "feeder"};
  if (st.json) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const auto& r : rows) {
      nlohmann::ordered_json j;
      for (std::size_t i = 0; i < header.size(); ++i) {
        if (r[static_cast<int>(i)].is_null()) j[header[i]] = nullptr;
        else if (header[i] == "signal") j[header[i]] = r[static_cast<int>(i)].as<int>();
        else j[header[i]] = r[static_cast<int>(i)].as<std::string>();
      }
      out.push_back(j);
    }
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  std::vector<std::vector<std::string>> table{header};
  for (const auto& r : rows) {
    std::vector<std::string> line;
    for (std::size_t i = 0; i < header.size(); ++i) {
      const auto f = r[static_cast<int>(i)];
      std::string v = f.is_null() ? "" : f.as<std::string>();
      line.push_back(v.empty() ? "-" : v);
    }
    table.push_back(std::move(line));
  }
  std::vector<std::size_t> width(header.size(), 0);
  for (const auto& line : table)
    for (std::size_t i = 0; i < line.size(); ++i) width[i] = std::max(width[i], line[i].size());
  for (const auto& line : table) {
    std::string out;
    for (std::size_t i = 0; i < line.size(); ++i) {
      out += line[i];
      if (i + 1 < line.size()) out += std::string(width[i] - line[i].size() + 2, ' ');
    }
    std::cout << out << "\n";
  }
  return 0;
}

int run_info(State& st, const std::string& serial) {
  const auto row = with_read(st, "info", [&](pqxx::read_transaction& tx) {
    auto r = tx.exec_params(
        "SELECT row_to_json(m)::text, row_to_json(s)::text, e.code, si.code, "
        "       (SELECT string_agg(DISTINCT sh.name, ',') FROM flows.service_head_meter shm "
        "          JOIN flows.service_head_registry sh ON sh.id = shm.service_head WHERE shm.meter = m.id), "
        "       (SELECT string_agg(DISTINCT f.name, ',') FROM flows.service_head_meter shm "
        "          JOIN flows.service_head_registry sh ON sh.id = shm.service_head "
        "          JOIN flows.feeder_registry f ON f.id = sh.feeder WHERE shm.meter = m.id), "
        "       (SELECT COALESCE(json_agg(json_build_object('register_id', r.register_id, 'element', r.element, "
        "                 'nature', r.nature, 'status', r.status, 'start_time', r.start_time, 'end_time', r.end_time) "
        "                 ORDER BY r.element, r.nature), '[]'::json)::text "
        "          FROM flows.meter_registers r WHERE r.meter_id = m.id) "
        "FROM flows.meter_registry m "
        "LEFT JOIN flows.meter_shadows s ON s.id = m.id "
        "LEFT JOIN flows.escos e ON e.id = m.esco "
        "LEFT JOIN flows.sites_new si ON si.id = m.site "
        "WHERE m.serial = $1",
        serial);
    if (r.empty()) unknown_serial(serial);
    return r[0];
  });
  auto text_or_null = [](const pqxx::field& f) -> nlohmann::ordered_json {
    if (f.is_null()) return nullptr;
    return f.as<std::string>();
  };
  nlohmann::ordered_json j;
  j["serial"] = serial;
  j["esco"] = text_or_null(row[2]);
  j["site"] = text_or_null(row[3]);
  j["service_head"] = text_or_null(row[4]);
  j["feeder"] = text_or_null(row[5]);
  j["registry"] = nlohmann::ordered_json::parse(row[0].as<std::string>());
  j["shadow"] = row[1].is_null() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json::parse(row[1].as<std::string>());
  j["registers"] = nlohmann::ordered_json::parse(row[6].as<std::string>());
  if (st.json) {
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  auto scalar = [](const nlohmann::ordered_json& v) { return v.is_null() ? std::string("-") : v.is_string() ? v.get<std::string>() : v.dump(); };
  for (const char* k : {"serial", "esco", "site", "service_head", "feeder"}) std::cout << k << ": " << scalar(j[k]) << "\n";
  for (const char* section : {"registry", "shadow"}) {
    std::cout << section << ":\n";
    if (j[section].is_object())
      for (const auto& [k, v] : j[section].items()) std::cout << "  " << k << ": " << scalar(v) << "\n";
  }
  std::cout << "registers:\n";
  for (const auto& r : j["registers"])
    std::cout << "  " << scalar(r["element"]) << " " << scalar(r["nature"]) << " " << scalar(r["status"]) << " from "
              << scalar(r["start_time"]) << " " << scalar(r["register_id"]) << "\n";
  return 0;
}

int run_serial_to_name(State& st, const std::string& serial) {
  const auto name = with_read(st, "serial_to_name", [&](pqxx::read_transaction& tx) {
    auto r = tx.exec_params("SELECT name FROM flows.meter_registry WHERE serial = $1", serial);
    if (r.empty()) unknown_serial(serial);
    return r[0][0].is_null() ? std::string() : r[0][0].as<std::string>();
  });
  if (st.json) std::cout << nlohmann::json{{"serial", serial}, {"name", name}}.dump(2) << "\n";
  else std::cout << name << "\n";
  return 0;
}

}  // namespace

void add_manage_commands(CLI::App& app, State& st) {
  static ListArgs list_args;
  static std::string info_serial, name_serial;
  auto* list = app.add_subcommand(
      "list", "list the meters in the database: esco, serial, name, signal (CSQ), health, hardware, feeder");
  list->add_option("--esco", list_args.esco, "only this ESCO's meters (escos.code; an unknown code exits 2)");
  list->callback([&st] { st.action = [&st] { return run_list(st, list_args); }; });

  auto* info = app.add_subcommand(
      "info", "show one meter's registry row, shadow (latest state) and registers from the database; "
              "an unknown serial exits 2");
  info->add_option("serial", info_serial, "meter serial")->required();
  info->callback([&st] { st.action = [&st] { return run_info(st, info_serial); }; });

  auto* name = app.add_subcommand("serial_to_name", "print the name the database gives a meter; an unknown serial exits 2");
  name->add_option("serial", name_serial, "meter serial")->required();
  name->callback([&st] { st.action = [&st] { return run_serial_to_name(st, name_serial); }; });
}

}  // namespace flows::emop_app
