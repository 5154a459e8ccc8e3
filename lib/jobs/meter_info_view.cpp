#include "jobs/meter_info_view.hpp"

#include <sstream>

namespace flows::jobs {

namespace {

using json = nlohmann::ordered_json;

json text_or_null(const std::optional<std::string>& v) { return v ? json(*v) : json(nullptr); }

std::string scalar(const json& v) {
  if (v.is_null()) return "-";
  return v.is_string() ? v.get<std::string>() : v.dump();
}

// "first (second)", or whichever of them there is; "-" for neither.
std::string both(const json& first, const json& second) {
  if (first.is_null()) return scalar(second);
  if (second.is_null() || second == first) return scalar(first);
  return scalar(first) + " (" + scalar(second) + ")";
}

// What the text shows for a registry or shadow column: names for the ids.
std::string shown(const json& info, const std::string& section, const std::string& key, const json& v) {
  if (section == "registry" && key == "esco" && !v.is_null()) return both(info["esco"], info["esco_name"]);
  if (section == "registry" && key == "site" && !v.is_null()) return both(info["site_name"], info["site"]);
  return scalar(v);
}

std::string circuits(const json& r) {
  if (!r.contains("circuits") || !r["circuits"].is_array() || r["circuits"].empty()) return "";
  std::string out;
  for (const auto& c : r["circuits"]) out += (out.empty() ? "" : ", ") + scalar(c);
  return " circuits: " + out;
}

}  // namespace

nlohmann::ordered_json meter_info_json(const std::string& serial, const db::MeterInfoRow& row) {
  json j;
  j["serial"] = serial;
  j["esco"] = text_or_null(row.esco);
  j["esco_name"] = text_or_null(row.esco_name);
  j["site"] = text_or_null(row.site);
  j["site_name"] = text_or_null(row.site_name);
  j["service_head"] = text_or_null(row.service_head);
  j["feeder"] = text_or_null(row.feeder);
  j["registry"] = json::parse(row.registry);
  j["shadow"] = row.shadow ? json::parse(*row.shadow) : json(nullptr);
  j["registers"] = json::parse(row.registers);
  return j;
}

std::string meter_info_text(const nlohmann::ordered_json& j) {
  std::ostringstream out;
  out << "serial: " << scalar(j["serial"]) << "\n";
  out << "esco: " << both(j["esco"], j["esco_name"]) << "\n";
  out << "site: " << both(j["site_name"], j["site"]) << "\n";
  for (const char* k : {"service_head", "feeder"}) out << k << ": " << scalar(j[k]) << "\n";
  for (const std::string section : {"registry", "shadow"}) {
    out << section << ":\n";
    if (!j[section].is_object()) continue;
    for (const auto& [k, v] : j[section].items())
      if (section != "shadow" || k != "id") out << "  " << k << ": " << shown(j, section, k, v) << "\n";
  }
  out << "registers:\n";
  for (const auto& r : j["registers"])
    out << "  " << scalar(r["element"]) << " " << scalar(r["nature"]) << " " << scalar(r["status"]) << " from "
        << scalar(r["start_time"]) << " " << scalar(r["register_id"]) << circuits(r) << "\n";
  return out.str();
}

}  // namespace flows::jobs
