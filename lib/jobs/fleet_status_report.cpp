// `emop status` rendered: pure functions over a FleetStatus (jobs/fleet_status.hpp).
#include <array>
#include <sstream>

#include "core/text.hpp"
#include "jobs/fleet_status.hpp"

namespace flows::jobs {

namespace {

constexpr std::array<const char*, 3> frequencies = {"hourly", "12hourly", "daily"};

using json = nlohmann::ordered_json;

json text_or_null(const std::string& v) { return v.empty() ? json(nullptr) : json(v); }
json text_or_null(const std::optional<std::string>& v) { return v ? json(*v) : json(nullptr); }

const db::SyncRunRow* run_of(const FleetStatus& s, const std::string& frequency) {
  for (const auto& r : s.syncs)
    if (r.frequency == frequency) return &r;
  return nullptr;
}

std::string dash_if_empty(const std::string& v) { return v.empty() ? "-" : v; }

std::string schema_line(const SchemaState& s) {
  std::string line = "schema: version " + std::to_string(s.current_version);
  if (s.up_to_date) return line + ", up to date";
  line += ", this tool knows " + std::to_string(s.latest_version);
  if (!s.pending.empty()) {
    line += "; pending:";
    for (const auto& p : s.pending) line += " " + p + (&p == &s.pending.back() ? "" : ",");
    line += " (run `emop db migrate`)";
  } else {
    line += "; the database and this tool disagree (see emop db status)";
  }
  return line;
}

std::string sync_line(const FleetStatus& s, const std::string& frequency) {
  std::string line = "  " + frequency + std::string(10 - frequency.size(), ' ');
  const auto* r = run_of(s, frequency);
  if (!r) return line + "never";
  line += r->finished_at + "  " + count_of(r->counts.meters, "meter") + ", " + std::to_string(r->counts.ok) +
          " ok, " + std::to_string(r->counts.failed) + " failed";
  if (r->esco && s.esco.empty()) line += " (esco " + *r->esco + ")";
  if (r->by_serials) line += " (chosen meters)";
  if (sync_overdue(frequency, r->finished_epoch, s.now)) line += "  OVERDUE";
  return line;
}

void fleet_text(const FleetStatus& s, std::ostream& out) {
  out << "last sync:\n";
  for (const char* f : frequencies) out << sync_line(s, f) << "\n";
  out << "unhealthy meters: " << s.unhealthy.count << "\n";
  for (const auto& m : s.unhealthy.first)
    out << "  " << m.serial << " " << dash_if_empty(m.esco) << " " << dash_if_empty(m.name) << ": "
        << m.reason.value_or("-") << " (last healthy " << m.last_healthy_at.value_or("never") << ")\n";
  if (s.unhealthy.count > s.unhealthy.first.size())
    out << "  ... and " << s.unhealthy.count - s.unhealthy.first.size() << " more (emop list --health unhealthy)\n";
  out << "tokens waiting to be pushed: ";
  if (s.tokens.count == 0) out << "none\n";
  else out << s.tokens.count << ", " << pounds(s.tokens.amount_pence) << ", oldest " << s.tokens.oldest.value_or("-") << "\n";
  out << "next tariff activations:" << (s.tariffs.empty() ? " none" : "") << "\n";
  for (const auto& t : s.tariffs)
    out << "  " << dash_if_empty(t.esco) << " " << t.activation << " " << t.meters << (t.meters == 1 ? " meter" : " meters")
        << "\n";
}

void gateways_text(const FleetStatus& s, std::ostream& out) {
  out << "gateways:" << (s.gateways.empty() ? " none" : "");
  if (s.gateways.empty() && !s.gateways_note.empty()) out << " (" << s.gateways_note << ")";
  out << "\n";
  for (const auto& g : s.gateways) {
    out << "  " << g.name << " " << dash_if_empty(g.esco) << " " << g.listen << " ";
    if (g.reachable)
      out << "reachable, " << count_of(g.meters_served, "meter") << " served, " << count_of(g.calls_in_flight, "call")
          << " in flight"
          << (g.error.empty() ? "" : ", last error: " + g.error);
    else
      out << "unreachable" << (g.error.empty() ? "" : ": " + g.error);
    out << "\n";
  }
}

json syncs_json(const FleetStatus& s) {
  json a = json::array();
  for (const char* f : frequencies) {
    const auto* r = run_of(s, f);
    json j;
    j["frequency"] = f;
    j["started_at"] = r ? json(r->started_at) : json(nullptr);
    j["finished_at"] = r ? json(r->finished_at) : json(nullptr);
    j["meters"] = r ? json(r->counts.meters) : json(nullptr);
    j["ok"] = r ? json(r->counts.ok) : json(nullptr);
    j["failed"] = r ? json(r->counts.failed) : json(nullptr);
    j["esco"] = r ? text_or_null(r->esco) : json(nullptr);
    j["by_serials"] = r ? json(r->by_serials) : json(nullptr);
    j["overdue"] = r ? sync_overdue(f, r->finished_epoch, s.now) : true;
    a.push_back(std::move(j));
  }
  return a;
}

json unhealthy_json(const FleetStatus& s) {
  json meters = json::array();
  for (const auto& m : s.unhealthy.first)
    meters.push_back({{"serial", m.serial},
                      {"esco", text_or_null(m.esco)},
                      {"name", text_or_null(m.name)},
                      {"reason", text_or_null(m.reason)},
                      {"last_healthy_at", text_or_null(m.last_healthy_at)}});
  return {{"count", s.unhealthy.count}, {"meters", std::move(meters)}};
}

json tariffs_json(const FleetStatus& s) {
  json a = json::array();
  for (const auto& t : s.tariffs)
    a.push_back({{"esco", text_or_null(t.esco)}, {"activation", t.activation}, {"meters", t.meters}});
  return a;
}

json gateways_json(const FleetStatus& s) {
  json a = json::array();
  for (const auto& g : s.gateways)
    a.push_back({{"name", g.name},
                 {"esco", text_or_null(g.esco)},
                 {"listen", g.listen},
                 {"reachable", g.reachable},
                 {"meters_served", g.reachable ? json(g.meters_served) : json(nullptr)},
                 {"calls_in_flight", g.reachable ? json(g.calls_in_flight) : json(nullptr)},
                 {"error", text_or_null(g.error)}});
  return a;
}

}  // namespace

bool sync_overdue(const std::string& frequency, std::int64_t finished, std::int64_t now) {
  const std::int64_t period = frequency == "hourly" ? 3600 : frequency == "12hourly" ? 12 * 3600 : 24 * 3600;
  return now - finished > 2 * period;
}

std::string pounds(std::int64_t pence) {
  const std::int64_t magnitude = pence < 0 ? -pence : pence;
  const std::string cents = std::to_string(magnitude % 100);
  return std::string(pence < 0 ? "-" : "") + "\u00a3" + std::to_string(magnitude / 100) + "." +
         (cents.size() == 1 ? "0" : "") + cents;
}

std::string status_text(const FleetStatus& s) {
  std::ostringstream out;
  if (!s.esco.empty()) out << "esco: " << s.esco << "\n";
  out << schema_line(s.schema) << "\n";
  if (s.fleet_read) fleet_text(s, out);
  else out << "fleet: not read until the schema is this tool's\n";
  gateways_text(s, out);
  return out.str();
}

nlohmann::ordered_json status_json(const FleetStatus& s) {
  json j;
  j["esco"] = text_or_null(s.esco);
  j["schema"] = {{"current_version", s.schema.current_version},
                 {"latest_version", s.schema.latest_version},
                 {"pending", s.schema.pending},
                 {"up_to_date", s.schema.up_to_date}};
  j["fleet_read"] = s.fleet_read;
  j["syncs"] = s.fleet_read ? syncs_json(s) : json(nullptr);
  j["unhealthy"] = s.fleet_read ? unhealthy_json(s) : json(nullptr);
  j["tokens_waiting"] = s.fleet_read ? json{{"count", s.tokens.count},
                                            {"amount_pence", s.tokens.amount_pence},
                                            {"oldest_created_at", text_or_null(s.tokens.oldest)}}
                                     : json(nullptr);
  j["tariff_activations"] = s.fleet_read ? tariffs_json(s) : json(nullptr);
  j["gateways"] = gateways_json(s);
  j["gateways_note"] = text_or_null(s.gateways_note);
  return j;
}

}  // namespace flows::jobs
