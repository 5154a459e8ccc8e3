// Meter reads: one command per thing a meter can tell, with the public tool's names.
#include <chrono>

#include "core/csv.hpp"
#include "core/error.hpp"
#include "core/files.hpp"
#include "core/text.hpp"
#include "emop/data_field.hpp"
#include "emop/inspect.hpp"
#include "jobs/clock_push_decision.hpp"
#include "jobs/profile_window.hpp"
#include "meter_cmds.hpp"

namespace flows::emop_app {
namespace {

using jobs::CommandResult;
using jobs::MeterTarget;
using meter::Meter;
using Fn = std::function<Task<CommandResult>(Meter&, const MeterTarget&)>;

// A read without extra arguments.
void read_cmd(CLI::App& app, Invocation& inv, const std::string& name, const std::string& help, Fn fn) {
  add_meter_command(app, inv, {name, help, {}, true, [fn](const std::vector<std::string>&) { return jobs::MeterJob(fn); }});
}

std::string on_off(bool b) { return b ? "on" : "off"; }

nlohmann::json registers_json(const emop::ElementRegisters& r) {
  return {{"import_active_wh", r.import_active_wh}, {"export_active_wh", r.export_active_wh},
          {"import_reactive_wh", r.import_reactive_wh}, {"export_reactive_wh", r.export_reactive_wh}};
}
std::string registers_text(const std::string& prefix, const emop::ElementRegisters& r) {
  return prefix + "import_active_wh=" + std::to_string(r.import_active_wh) + "\n" + prefix +
         "export_active_wh=" + std::to_string(r.export_active_wh) + "\n" + prefix +
         "import_reactive_wh=" + std::to_string(r.import_reactive_wh) + "\n" + prefix +
         "export_reactive_wh=" + std::to_string(r.export_reactive_wh);
}

// key=value lines of a JSON object, strings unquoted; an inner object's keys
// are prefixed with its own (threshold_mask.rate1=true).
std::string key_value_text(const nlohmann::json& j, const std::string& prefix) {
  std::string text;
  for (auto& [k, v] : j.items()) {
    if (!text.empty()) text += "\n";
    if (v.is_object()) text += key_value_text(v, prefix + k + ".");
    else text += prefix + k + "=" + (v.is_string() ? v.get<std::string>() : v.dump());
  }
  return text;
}

// Whole Wh (rounded down, as the database stores them) and the exact kWh the
// field tool shows: a CT meter's registers count 0.1 Wh.
nlohmann::json three_phase_json(const meter::ThreePhaseTotals& t, bool all) {
  const auto unit = t.unit;
  nlohmann::json j{{"register_unit", unit == emop::EnergyUnit::tenth_wh ? "0.1 Wh" : "Wh"},
                   {"active_import_wh", emop::floor_wh(t.tenths(t.active_import))},
                   {"active_export_wh", emop::floor_wh(t.tenths(t.active_export))},
                   {"active_import_kwh", emop::format_kwh(t.tenths(t.active_import), unit)},
                   {"active_export_kwh", emop::format_kwh(t.tenths(t.active_export), unit)}};
  if (!all) return j;
  j["reactive_import"] = emop::floor_wh(t.tenths(t.reactive_import));
  j["reactive_export"] = emop::floor_wh(t.tenths(t.reactive_export));
  j["apparent_import"] = emop::floor_wh(t.tenths(t.apparent_import));
  j["apparent_export"] = emop::floor_wh(t.tenths(t.apparent_export));
  j["reactive_import_kvarh"] = emop::format_kwh(t.tenths(t.reactive_import), unit);
  j["reactive_export_kvarh"] = emop::format_kwh(t.tenths(t.reactive_export), unit);
  j["apparent_import_kvah"] = emop::format_kwh(t.tenths(t.apparent_import), unit);
  j["apparent_export_kvah"] = emop::format_kwh(t.tenths(t.apparent_export), unit);
  return j;
}

CommandResult tariff_result(const meter::Tariff& t) {
  auto j = meter::tariff_json(t);
  return {j, key_value_text(j, "")};
}

nlohmann::json status_json(const emop::ProfileStatus& s) {
  nlohmann::json a = nlohmann::json::array();
  for (auto n : s.names()) a.push_back(std::string(n));
  return a;
}

// A status in one CSV cell: its flags joined by '|' ("valid|power_fail"), never
// a comma (JSON output keeps them as an array).
std::string status_cell(const emop::ProfileStatus& s) {
  std::string out;
  for (auto n : s.names()) out += (out.empty() ? "" : "|") + std::string(n);
  return out;
}

MeterTime parse_time_arg(const std::string& what, const std::string& text) {
  auto t = parse_iso(text);
  if (!t) throw usage_error(what + " '" + text + "' is not an ISO time such as 2024-03-31T00:00:00");
  if (!to_emop_seconds(*t)) throw usage_error(what + " '" + text + "' is outside the meter clock's range, 2000-01-01T00:00:00 to 2136-02-07T06:28:15");
  return *t;
}

void add_profile_commands(CLI::App& app, Invocation& inv) {
  for (int log : {1, 2}) {
    auto ts = std::make_shared<std::string>();
    auto twin = std::make_shared<bool>(false);
    std::string name = "profile_log_" + std::to_string(log);
    auto* sub = add_meter_command(
        app, inv,
        {name, "half-hourly profile log " + std::to_string(log) + " records from a time (meter clock)", {}, true,
         [ts, twin, log](const std::vector<std::string>&) -> jobs::MeterJob {
           MeterTime from = parse_time_arg("--timestamp", *ts);
           bool twin_records = *twin;
           return [from, twin_records, log](Meter& m, const MeterTarget& target) -> Task<CommandResult> {
             nlohmann::json rows = nlohmann::json::array();
             std::string text = log == 1 ? "timestamp,status,import_a_wh,import_b_wh"
                                         : "timestamp,status,active_export_a_wh,reactive_import_a,reactive_export_a,voltage";
             bool twin_meter = twin_records || target.hardware == "C1.w";
             if (log == 1) {
               for (auto& r : co_await m.profile_log_1(from)) {
                 rows.push_back({{"timestamp", format_iso(r.timestamp)}, {"status", status_json(r.status)},
                                 {"import_a_wh", r.import_a_wh}, {"import_b_wh", r.import_b_wh}});
                 text += "\n" + format_iso(r.timestamp) + "," + status_cell(r.status) + "," +
                         std::to_string(r.import_a_wh) + "," + std::to_string(r.import_b_wh);
               }
             } else {
               for (auto& r : co_await m.profile_log_2(from, twin_meter)) {
                 emop::Voltage v{static_cast<std::uint16_t>(r.voltage_decivolts)};
                 nlohmann::json row{{"timestamp", format_iso(r.timestamp)}, {"status", status_json(r.status)},
                                    {"active_export_a_wh", r.active_export_a_wh},
                                    {"reactive_import_a", r.reactive_import_a},
                                    {"reactive_export_a", r.reactive_export_a},
                                    {"voltage", nlohmann::json::parse(v.to_string())}};
                 if (r.twin) {
                   row["active_export_b_wh"] = r.active_export_b_wh;
                   row["reactive_import_b"] = r.reactive_import_b;
                   row["reactive_export_b"] = r.reactive_export_b;
                 }
                 rows.push_back(row);
                 text += "\n" + format_iso(r.timestamp) + "," + status_cell(r.status) + "," +
                         std::to_string(r.active_export_a_wh) + "," + std::to_string(r.reactive_import_a) + "," +
                         std::to_string(r.reactive_export_a) + "," + v.to_string();
               }
             }
             co_return CommandResult{rows, text};
           };
         }});
    sub->add_option("--timestamp", *ts, "first half hour to read, ISO time on the meter's clock")->required();
    if (log == 2) sub->add_flag("--twin", *twin, "decode twin-element (34-byte) records");
  }
}

void add_event_log(CLI::App& app, Invocation& inv) {
  add_meter_command(app, inv,
                    {"event_log", "read one block of ten events (0 = newest, 9 = oldest)", {"IDX"}, true,
                     [](const std::vector<std::string>& extra) -> jobs::MeterJob {
                       int idx = -1;
                       try {
                         std::size_t used = 0;
                         idx = std::stoi(extra[0], &used);
                         if (used != extra[0].size()) idx = -1;
                       } catch (const std::exception&) {
                       }
                       if (idx < 0 || idx > 9) throw usage_error("event_log: IDX must be 0-9, not '" + extra[0] + "'");
                       auto block = static_cast<std::uint8_t>(idx);
                       return [block](Meter& m, const MeterTarget&) -> Task<CommandResult> {
                         nlohmann::json rows = nlohmann::json::array();
                         std::string text = "timestamp,event_type,event_set";
                         for (auto& e : co_await m.event_log(block)) {
                           rows.push_back({{"timestamp", format_iso(e.timestamp)},
                                           {"event_type", e.event_type},
                                           {"event_set", e.event_set}});
                           text += "\n" + format_iso(e.timestamp) + "," + std::to_string(e.event_type) + "," +
                                   std::to_string(e.event_set);
                         }
                         co_return CommandResult{rows, text};
                       };
                     }});
}

void add_obis_read(CLI::App& app, Invocation& inv) {
  add_meter_command(app, inv,
                    {"obis_read", "read any object by OBIS triplet a.b.c, hex id or name", {"OBIS"}, true,
                     [&res = inv.resources](const std::vector<std::string>& extra) -> jobs::MeterJob {
                       auto info = res.objects().resolve(extra[0]);
                       if (!info) throw usage_error("obis_read: '" + extra[0] + "' is not an OBIS triplet a.b.c, hex id or object name");
                       emop::ObjectInfo object = *info;
                       return [object](Meter& m, const MeterTarget&) -> Task<CommandResult> {
                         auto payload = co_await m.read(object);
                         nlohmann::json j{{"object_id", emop::object_hex(object.id)}, {"obis", emop::obis_of(object.id)},
                                          {"payload", emop::to_hex(payload)}};
                         std::string text = "obis_read=" + emop::to_hex(payload);
                         if (object.type != emop::ValueType::bytes) {
                           if (auto v = emop::value_json(object.type, payload)) {
                             j["value"] = *v;
                             text += "\nvalue=" + (v->is_string() ? v->get<std::string>() : v->dump());
                           }
                         }
                         co_return CommandResult{j, text};
                       };
                     }});
}

void add_three_phase_intervals(CLI::App& app, Invocation& inv) {
  struct Args {
    std::string day, start, end, csv;
    bool statuses = false;
  };
  auto a = std::make_shared<Args>();
  auto* sub = add_meter_command(
      app, inv,
      {"three_phase_intervals", "half-hourly import of a day or a time range into a CSV file", {}, true,
       [a, &sel = inv.selection](const std::vector<std::string>&) -> jobs::MeterJob {
         MeterTime from{}, to{};
         if (!a->day.empty()) {
           if (!a->start.empty() || !a->end.empty()) throw usage_error("give --day or --start-time/--end-time, not both");
           from = parse_time_arg("--day", a->day);
           to = from + date::days{1};
         } else {
           if (a->start.empty() || a->end.empty()) throw usage_error("give --day D, or both --start-time and --end-time");
           from = parse_time_arg("--start-time", a->start);
           to = parse_time_arg("--end-time", a->end);
           if (to <= from) throw usage_error("--end-time must be after --start-time");
         }
         if (sel.may_be_batch()) throw usage_error("three_phase_intervals writes one CSV: give one meter");
         std::string csv = a->csv;
         bool statuses = a->statuses;
         return [from, to, csv, statuses](Meter& m, const MeterTarget& t) -> Task<CommandResult> {
           const std::string hardware = co_await m.hardware();
           if (emop::meter_phases(hardware) != emop::MeterPhases::three)
             throw usage_error("meter " + t.serial + " is " + hardware +
                               ", not three-phase: three_phase_intervals reads P1.ax and P1.cx meters");
           const auto unit = emop::energy_unit(hardware);  // Wh, or 0.1 Wh on a CT meter
           std::string out = statuses ? "timestamp,import_wh,export_wh,status\n" : "timestamp,import_wh,export_wh\n";
           std::size_t rows = 0;
           for (std::optional<MeterTime> cursor = from; cursor && *cursor < to;) {
             const auto page = jobs::window_page(co_await m.profile_log_1(*cursor), *cursor, to);
             for (const auto& r : page.in_window) {
               out += csv_cell(format_iso(r.timestamp)) + "," +
                      csv_cell(emop::format_wh(emop::to_tenth_wh(r.import_a_wh, unit), unit)) + "," +
                      csv_cell(emop::format_wh(emop::to_tenth_wh(r.import_b_wh, unit), unit));
               if (statuses) out += "," + csv_cell(status_cell(r.status));
               out += "\n";
               ++rows;
             }
             cursor = page.next;
           }
           // All or nothing: the CSV appears only once every record is in.
           try {
             write_file_atomically(csv, out);
           } catch (const Error& e) {
             throw usage_error(e.what());  // --csv names a file that cannot be written
           }
           co_return CommandResult{{{"csv", csv}, {"rows", rows}}, "three_phase_intervals=" + count_of(rows, "row") + " in " + csv};
         };
       }});
  sub->add_option("--day", a->day, "the day to read, YYYY-MM-DD (meter clock)");
  sub->add_option("--start-time", a->start, "first half hour, ISO (meter clock)");
  sub->add_option("--end-time", a->end, "end of the range, ISO (exclusive)");
  sub->add_option("--csv", a->csv, "CSV file to write")->required();
  sub->add_flag("--include-statuses", a->statuses, "add each record's status flags");
}

void add_identity_reads(CLI::App& app, Invocation& inv) {
  read_cmd(app, inv, "serial_read", "read the meter's serial", [](Meter& m, const MeterTarget&) -> Task<CommandResult> {
    auto s = co_await m.serial();
    co_return simple("serial_read", s, s);
  });
  read_cmd(app, inv, "three_phase_serial", "read a three-phase meter's serial",
           [](Meter& m, const MeterTarget&) -> Task<CommandResult> {
             auto s = co_await m.three_phase_serial();
             co_return simple("three_phase_serial", s, s);
           });
  read_cmd(app, inv, "hardware", "read the hardware kind (C1.w, B1.w, EMA1.w, P1.ax, P1.cx …)",
           [](Meter& m, const MeterTarget&) -> Task<CommandResult> {
             auto s = co_await m.hardware();
             co_return simple("hardware", s, s);
           });
  read_cmd(app, inv, "three_phase_hardware_configuration", "whole current (P1.ax) or CT operated (P1.cx)",
           [](Meter& m, const MeterTarget&) -> Task<CommandResult> {
             auto s = emop::hardware_registry_three_phase(co_await m.three_phase_hardware_configuration());
             co_return simple("three_phase_hardware_configuration", s, s);
           });
  read_cmd(app, inv, "firmware_version", "read the firmware version", [](Meter& m, const MeterTarget&) -> Task<CommandResult> {
    auto s = co_await m.firmware_version();
    co_return simple("firmware_version", s, s);
  });
  read_cmd(app, inv, "csq", "read the signal quality (CSQ 0-31)", [](Meter& m, const MeterTarget&) -> Task<CommandResult> {
    auto s = co_await m.csq();
    co_return simple("csq", s.csq, std::to_string(s.csq));
  });
}

void add_power_reads(CLI::App& app, Invocation& inv) {
  read_cmd(app, inv, "instantaneous_voltage", "read the voltage (V)", [](Meter& m, const MeterTarget&) -> Task<CommandResult> {
    auto v = co_await m.instantaneous_voltage();
    co_return simple("instantaneous_voltage", nlohmann::json::parse(v.to_string()), v.to_string());
  });
  read_cmd(app, inv, "three_phase_instantaneous_voltage", "read the L1, L2, L3 voltages (V)",
           [](Meter& m, const MeterTarget&) -> Task<CommandResult> {
             auto v = co_await m.three_phase_instantaneous_voltage();
             nlohmann::json j{{"l1", nlohmann::json::parse(v[0].to_string())},
                              {"l2", nlohmann::json::parse(v[1].to_string())},
                              {"l3", nlohmann::json::parse(v[2].to_string())}};
             co_return CommandResult{j, "l1=" + v[0].to_string() + "\nl2=" + v[1].to_string() + "\nl3=" + v[2].to_string()};
           });
  read_cmd(app, inv, "instantaneous_active_power", "read the active power (W)", [](Meter& m, const MeterTarget&) -> Task<CommandResult> {
    auto w = co_await m.instantaneous_active_power();
    co_return simple("instantaneous_active_power", w, std::to_string(w));
  });
  read_cmd(app, inv, "instantaneous_active_power_element_a", "read element A's active power (W)",
           [](Meter& m, const MeterTarget&) -> Task<CommandResult> {
             auto w = co_await m.instantaneous_active_power(meter::Element::a);
             co_return simple("instantaneous_active_power_element_a", w, std::to_string(w));
           });
  read_cmd(app, inv, "instantaneous_active_power_element_b", "read element B's active power (W)",
           [](Meter& m, const MeterTarget&) -> Task<CommandResult> {
             auto w = co_await m.instantaneous_active_power(meter::Element::b);
             co_return simple("instantaneous_active_power_element_b", w, std::to_string(w));
           });
}

void add_prepay_and_setting_reads(CLI::App& app, Invocation& inv) {
  read_cmd(app, inv, "prepay_balance", "read the prepayment balance (£)", [](Meter& m, const MeterTarget&) -> Task<CommandResult> {
    auto b = co_await m.prepay_balance();
    co_return simple("prepay_balance", b.to_string(), b.to_string());
  });
  read_cmd(app, inv, "prepay_transaction_count", "read how many top-ups the meter has taken",
           [](Meter& m, const MeterTarget&) -> Task<CommandResult> {
             auto n = co_await m.prepay_transaction_count();
             co_return simple("prepay_transaction_count", n, std::to_string(n));
           });
  struct FlagRead {
    const char* command;
    const char* object;
    const char* help;
  };
  for (auto f : {FlagRead{"prepay_enabled", "prepay_enabled_flag", "is prepayment mode on?"},
                 FlagRead{"daylight_savings_correction_enabled", "daylight_savings_correction_flag",
                          "does the clock keep UK local time (BST)?"},
                 FlagRead{"prepay_no_debt_recovery_when_emergency_credit_enabled",
                          "prepay_no_debt_recovery_when_emergency_credit_flag",
                          "is debt recovery paused in emergency credit?"},
                 FlagRead{"prepay_no_standing_charge_when_power_fail_enabled",
                          "prepay_no_standing_charge_when_power_fail_flag",
                          "is the standing charge paused while the power has failed?"}}) {
    std::string command = f.command, object = f.object;
    read_cmd(app, inv, command, f.help, [command, object](Meter& m, const MeterTarget&) -> Task<CommandResult> {
      bool on = co_await m.flag(object);
      co_return simple(command, on, on_off(on));
    });
  }
  read_cmd(app, inv, "backlight", "read the backlight setting", [](Meter& m, const MeterTarget& t) -> Task<CommandResult> {
    auto s = co_await m.backlight(emop::meter_phases(t.hardware));
    co_return simple("backlight", s, s);
  });
  read_cmd(app, inv, "load_switch", "read the load switch setting", [](Meter& m, const MeterTarget&) -> Task<CommandResult> {
    auto s = co_await m.load_switch();
    co_return simple("load_switch", s, s);
  });
}

void add_clock_reads(CLI::App& app, Invocation& inv) {
  read_cmd(app, inv, "clock_time_read", "read the meter's clock", [](Meter& m, const MeterTarget&) -> Task<CommandResult> {
    auto c = co_await m.clock();
    co_return simple("clock_time_read", format_iso(c.time), format_iso(c.time));
  });
  read_cmd(app, inv, "clock_drift", "seconds the meter's clock is ahead of the true time (negative: behind)",
           [](Meter& m, const MeterTarget&) -> Task<CommandResult> {
             bool dst = co_await m.flag("daylight_savings_correction_flag");
             auto c = co_await m.clock();
             auto now = date::floor<std::chrono::seconds>(std::chrono::system_clock::now());
             auto drift = jobs::clock_drift(c.time, dst ? ClockKind::uk_local : ClockKind::utc, now);
             co_return simple("clock_drift", drift, std::to_string(drift));
           });
}

void add_register_reads(CLI::App& app, Invocation& inv) {
  read_cmd(app, inv, "read_element_a", "read element A's registers (Wh)", [](Meter& m, const MeterTarget&) -> Task<CommandResult> {
    auto r = co_await m.read_element(meter::Element::a);
    co_return CommandResult{registers_json(r), registers_text("", r)};
  });
  read_cmd(app, inv, "read_element_b", "read element B's registers (Wh)", [](Meter& m, const MeterTarget&) -> Task<CommandResult> {
    auto r = co_await m.read_element(meter::Element::b);
    co_return CommandResult{registers_json(r), registers_text("", r)};
  });
  read_cmd(app, inv, "three_phase_read", "read a three-phase meter's total registers", [](Meter& m, const MeterTarget&) -> Task<CommandResult> {
    const auto j = three_phase_json(co_await m.three_phase_read(), true);
    co_return CommandResult{j, key_value_text(j, "")};
  });
  read_cmd(app, inv, "read", "read every register the meter kind has (A; A and B; or three-phase totals)",
           [](Meter& m, const MeterTarget&) -> Task<CommandResult> {
             auto r = co_await m.read_all();
             nlohmann::json j{{"hardware", r.hardware}};
             std::string text = "hardware=" + r.hardware;
             if (r.a) {
               j["element_a"] = registers_json(*r.a);
               text += "\n" + registers_text("element_a.", *r.a);
             }
             if (r.b) {
               j["element_b"] = registers_json(*r.b);
               text += "\n" + registers_text("element_b.", *r.b);
             }
             if (r.three_phase) {
               j["three_phase"] = three_phase_json(*r.three_phase, false);
               text += "\n" + key_value_text(j["three_phase"], "three_phase.");
             }
             co_return CommandResult{j, text};
           });
}

void add_tariff_reads(CLI::App& app, Invocation& inv) {
  read_cmd(app, inv, "tariffs_active_read", "read the tariff in force", [](Meter& m, const MeterTarget&) -> Task<CommandResult> {
    co_return tariff_result(co_await m.tariffs_active());
  });
  read_cmd(app, inv, "tariffs_future_read", "read the future tariff and its activation time",
           [](Meter& m, const MeterTarget&) -> Task<CommandResult> { co_return tariff_result(co_await m.tariffs_future()); });
  read_cmd(app, inv, "tariffs_time_switches_element_a_or_single_read", "read the time switch block of element A",
           [](Meter& m, const MeterTarget&) -> Task<CommandResult> {
             auto b = emop::to_hex(co_await m.time_switches(meter::Element::a));
             co_return simple("tariffs_time_switches_element_a_or_single_read", b, b);
           });
  read_cmd(app, inv, "tariffs_time_switches_element_b_read", "read the time switch block of element B",
           [](Meter& m, const MeterTarget&) -> Task<CommandResult> {
             auto b = emop::to_hex(co_await m.time_switches(meter::Element::b));
             co_return simple("tariffs_time_switches_element_b_read", b, b);
           });
}

}  // namespace

void add_read_commands(CLI::App& app, Invocation& inv) {
  add_identity_reads(app, inv);
  add_power_reads(app, inv);
  add_prepay_and_setting_reads(app, inv);
  add_clock_reads(app, inv);
  add_register_reads(app, inv);
  add_tariff_reads(app, inv);
  add_profile_commands(app, inv);
  add_event_log(app, inv);
  add_obis_read(app, inv);
  add_three_phase_intervals(app, inv);
}

}  // namespace flows::emop_app
