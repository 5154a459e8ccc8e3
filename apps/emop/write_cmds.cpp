// Meter writes. Every argument is validated before the first byte goes out.
#include <chrono>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/error.hpp"
#include "emop/records.hpp"
#include "meter/write_outcomes.hpp"
#include "meter_cmds.hpp"

namespace flows::emop_app {
namespace {

using jobs::CommandResult;
using jobs::MeterTarget;
using meter::Meter;

bool parse_on_off(const std::string& command, const std::string& v) {
  if (v == "on") return true;
  if (v == "off") return false;
  throw usage_error(command + ": expected on or off, not '" + v + "'");
}

Money parse_money_arg(const std::string& what, const std::string& v) {
  auto m = Money::parse(v);
  if (!m) throw usage_error(what + " '" + v + "' is not an amount in pounds with at most 5 decimals");
  return *m;
}

void add_flag_write(CLI::App& app, Invocation& inv, const std::string& command, const std::string& object,
                    const std::string& help) {
  add_meter_command(app, inv,
                    {command, help, {"on|off"}, true,
                     [command, object](const std::vector<std::string>& extra) -> jobs::MeterJob {
                       bool on = parse_on_off(command, extra[0]);
                       return [command, object, on](Meter& m, const MeterTarget&) -> Task<CommandResult> {
                         co_await m.set_flag(object, on);
                         co_return simple(command, on ? "on" : "off", on ? "on" : "off");
                       };
                     }});
}

// A token delivered but not answered: what the meter shows now says whether it
// landed (returned as a note), did not (a failure: send it again), or is unknown.
Task<std::string> token_fate(Meter& m, const transport::MeterError& e, int count_before, Money balance_before) {
  int count_after = 0;
  Money balance_after;
  try {
    count_after = co_await m.prepay_transaction_count();
    balance_after = co_await m.prepay_balance();
  } catch (const transport::MeterError&) {
    throw meter::token_send_failure(e);  // cannot tell: say so
  }
  switch (meter::token_outcome(count_before, count_after, balance_before, balance_after)) {
    case meter::TokenOutcome::landed:
      co_return "the meter's answer was lost, but it took the token (transaction count " + std::to_string(count_before) +
          " -> " + std::to_string(count_after) + ")";
    case meter::TokenOutcome::not_landed:
      throw transport::MeterError(e.kind(), std::string(e.what()) + "; the meter did not take it (transaction count still " +
                                                std::to_string(count_after) + "): send it again");
    case meter::TokenOutcome::unknown:
      break;
  }
  throw transport::MeterError(e.kind(), std::string(e.what()) + "; whether the meter took it is unknown (transaction count " +
                                            std::to_string(count_before) + " -> " + std::to_string(count_after) +
                                            ", balance " + balance_before.to_string() + " -> " + balance_after.to_string() +
                                            "): read prepay_balance and prepay_transaction_details before sending it again");
}

std::string joined(auto const& names) { return fmt::format("{}", fmt::join(names, ", ")); }

void add_setting_writes(CLI::App& app, Invocation& inv) {
  add_meter_command(app, inv,
                    {"backlight_write", "set the backlight (one of: " + joined(emop::backlight_settings) + ")", {"SETTING"}, true,
                     [](const std::vector<std::string>& extra) -> jobs::MeterJob {
                       std::string setting = extra[0];
                       if (!emop::encode_backlight(setting)) throw usage_error(emop::encode_backlight(setting).error().message);
                       return [setting](Meter& m, const MeterTarget&) -> Task<CommandResult> {
                         co_await m.set_backlight(setting);
                         co_return simple("backlight_write", setting, setting);
                       };
                     }});
  add_meter_command(app, inv,
                    {"load_switch_write", "set the load switch (one of: " + joined(emop::load_switch_settings) + ")", {"SETTING"}, true,
                     [](const std::vector<std::string>& extra) -> jobs::MeterJob {
                       std::string setting = extra[0];
                       if (!emop::encode_load_switch(setting)) throw usage_error(emop::encode_load_switch(setting).error().message);
                       return [setting](Meter& m, const MeterTarget&) -> Task<CommandResult> {
                         co_await m.set_load_switch(setting);
                         co_return simple("load_switch_write", setting, setting);
                       };
                     }});
}

void add_prepay_writes(CLI::App& app, Invocation& inv) {
  add_meter_command(
      app, inv,
      {"prepay_enabled_write", "turn prepayment mode on or off (on is refused while the balance is under £10)", {"on|off"}, true,
       [](const std::vector<std::string>& extra) -> jobs::MeterJob {
         bool on = parse_on_off("prepay_enabled_write", extra[0]);
         return [on](Meter& m, const MeterTarget&) -> Task<CommandResult> {
           if (on) {
             Money balance = co_await m.prepay_balance();
             if (auto refusal = meter::prepay_enable_refusal(balance))
               throw usage_error("prepay_enabled_write on refused: " + *refusal);
           }
           co_await m.set_flag("prepay_enabled_flag", on);
           co_return simple("prepay_enabled_write", on ? "on" : "off", on ? "on" : "off");
         };
       }});
  add_meter_command(
      app, inv,
      {"prepay_send_token", "send a 20-digit top-up token; reports the balance before and after", {"TOKEN"}, true,
       [](const std::vector<std::string>& extra) -> jobs::MeterJob {
         std::string token = extra[0];
         if (!emop::is_valid_token(token)) throw usage_error("prepay_send_token: a token is exactly 20 digits");
         return [token](Meter& m, const MeterTarget&) -> Task<CommandResult> {
           const Money before = co_await m.prepay_balance();
           const int count_before = co_await m.prepay_transaction_count();
           std::optional<transport::MeterError> lost;  // delivered, not answered
           try {
             co_await m.send_token(token);
           } catch (const transport::MeterError& e) {
             if (!e.delivered() || e.kind() == transport::FailureKind::nak) throw meter::token_send_failure(e);
             lost = e;
           }
           std::string note;
           if (lost) note = co_await token_fate(m, *lost, count_before, before);  // throws unless it landed
           const Money after = co_await m.prepay_balance();
           nlohmann::json j{{"token", "accepted"}, {"balance_before", before.to_string()}, {"balance_after", after.to_string()}};
           if (!note.empty()) j["note"] = note;
           co_return CommandResult{j, "prepay_send_token=accepted\nbalance_before=" + before.to_string() +
                                          "\nbalance_after=" + after.to_string() + (note.empty() ? "" : "\nnote=" + note)};
         };
       }});
}

void add_clock_write(CLI::App& app, Invocation& inv) {
  auto at = std::make_shared<std::string>();
  auto* sub = add_meter_command(
      app, inv,
      {"clock_time_write", "set the meter's clock to the true time (UK local time when its DST correction is on)", {}, true,
       [at](const std::vector<std::string>&) -> jobs::MeterJob {
         std::optional<MeterTime> fixed;
         if (!at->empty()) {
           fixed = parse_iso(*at);
           if (!fixed) throw usage_error("--time '" + *at + "' is not an ISO time");
         }
         return [fixed](Meter& m, const MeterTarget&) -> Task<CommandResult> {
           MeterTime t{};
           if (fixed) {
             t = *fixed;
           } else {
             bool dst = co_await m.flag("daylight_savings_correction_flag");
             t = from_utc(date::floor<std::chrono::seconds>(std::chrono::system_clock::now()),
                          dst ? ClockKind::uk_local : ClockKind::utc);
           }
           co_await m.set_clock(t);
           co_return simple("clock_time_write", format_iso(t), format_iso(t));
         };
       }});
  sub->add_option("--time", *at, "set this meter clock reading instead of the true time (ISO)");
}

void add_tariff_write(CLI::App& app, Invocation& inv) {
  struct Args {
    std::string from_ts, unit_rate, standing_charge;
    std::string emergency_credit = "15.00", ecredit_availability = "10.00", debt_recovery_rate = "0.30";
  };
  auto a = std::make_shared<Args>();
  auto* sub = add_meter_command(
      app, inv,
      {"tariffs_future_write",
       "write a future tariff (activation time last), then read it back and report any mismatch", {}, true,
       [a](const std::vector<std::string>&) -> jobs::MeterJob {
         meter::Tariff t;
         auto from = parse_iso(a->from_ts);
         if (!from) throw usage_error("--from-ts '" + a->from_ts + "' is not an ISO time such as 2025-01-01T00:00:00");
         t.activation = *from;
         t.unit_rate_a = t.unit_rate_b = parse_money_arg("--unit-rate", a->unit_rate);
         t.standing_charge = parse_money_arg("--standing-charge", a->standing_charge);
         t.emergency_credit = parse_money_arg("--emergency-credit", a->emergency_credit);
         t.ecredit_availability = parse_money_arg("--ecredit-availability", a->ecredit_availability);
         t.debt_recovery_rate = parse_money_arg("--debt-recovery-rate", a->debt_recovery_rate);
         if (auto problems = meter::validate(t); !problems.empty()) throw usage_error("tariffs_future_write: " + problems.front());
         if (!to_emop_seconds(*t.activation)) throw usage_error("--from-ts is outside the meter clock's range, 2000-01-01T00:00:00 to 2136-02-07T06:28:15");
         return [t](Meter& m, const MeterTarget&) -> Task<CommandResult> {
           auto r = co_await m.write_future_tariff(t);
           if (auto failure = meter::tariff_read_back_failure(r.mismatches))
             throw transport::MeterError(transport::FailureKind::protocol, *failure);
           auto j = meter::tariff_json(r.read_back);
           std::string text = "tariffs_future_write=ok";
           for (auto& [k, v] : j.items()) text += "\n" + k + "=" + (v.is_string() ? v.get<std::string>() : v.dump());
           co_return CommandResult{j, text};
         };
       }});
  sub->add_option("--from-ts", a->from_ts, "activation time, ISO, on the meter's clock")->required();
  sub->add_option("--unit-rate", a->unit_rate, "unit rate, £/kWh (elements A and B)")->required();
  sub->add_option("--standing-charge", a->standing_charge, "standing charge, £/day")->required();
  sub->add_option("--emergency-credit", a->emergency_credit, "emergency credit, £")->capture_default_str();
  sub->add_option("--ecredit-availability", a->ecredit_availability, "e-credit availability, £")->capture_default_str();
  sub->add_option("--debt-recovery-rate", a->debt_recovery_rate, "debt recovery, £/day")->capture_default_str();
}

void add_time_switch_writes(CLI::App& app, Invocation& inv) {
  for (auto e : {meter::Element::a, meter::Element::b}) {
    std::string name = e == meter::Element::a ? "tariffs_time_switches_element_a_or_single_write"
                                              : "tariffs_time_switches_element_b_write";
    add_meter_command(app, inv,
                      {name, "zero the time switch block (the only setting in use)", {}, true,
                       [name, e](const std::vector<std::string>&) -> jobs::MeterJob {
                         return [name, e](Meter& m, const MeterTarget&) -> Task<CommandResult> {
                           co_await m.set_time_switches(e, emop::Bytes(80, 0));
                           co_return simple(name, "zeroed", "zeroed");
                         };
                       }});
  }
}

void add_obis_write(CLI::App& app, Invocation& inv) {
  add_meter_command(app, inv,
                    {"obis_write", "write raw bytes to any object by OBIS triplet a.b.c, hex id or name", {"OBIS", "HEX"}, true,
                     [&res = inv.resources](const std::vector<std::string>& extra) -> jobs::MeterJob {
                       auto info = res.objects().resolve(extra[0]);
                       if (!info) throw usage_error("obis_write: '" + extra[0] + "' is not an OBIS triplet a.b.c, hex id or object name");
                       auto payload = emop::from_hex(extra[1]);
                       if (!payload) throw usage_error("obis_write: '" + extra[1] + "' is not hex");
                       if (payload->size() > 238) throw usage_error("obis_write: payload over 238 bytes");
                       emop::ObjectInfo object = *info;
                       emop::Bytes bytes = *payload;
                       return [object, bytes](Meter& m, const MeterTarget&) -> Task<CommandResult> {
                         co_await m.write(object, bytes);
                         co_return simple("obis_write", emop::to_hex(bytes), "ok");
                       };
                     }});
}

}  // namespace

void add_write_commands(CLI::App& app, Invocation& inv) {
  add_flag_write(app, inv, "daylight_savings_correction_enabled_write", "daylight_savings_correction_flag",
                 "turn the clock's UK daylight-savings correction on or off");
  add_setting_writes(app, inv);
  add_prepay_writes(app, inv);
  add_clock_write(app, inv);
  add_tariff_write(app, inv);
  add_time_switch_writes(app, inv);
  add_obis_write(app, inv);
}

}  // namespace flows::emop_app
