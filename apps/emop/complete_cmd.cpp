// `emop __complete serials`: the serials the shell completions offer, from the
// inventory, else from the database (cached for a few minutes per environment).
// Best effort and quick: any failure offers nothing.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "cli.hpp"
#include "cli/complete.hpp"
#include "core/files.hpp"
#include "db/connection.hpp"
#include "db/meters.hpp"
#include "meter/inventory.hpp"

namespace flows::emop_app {
namespace {

constexpr std::chrono::minutes cache_max_age{10};

std::vector<std::string> read_lines(const std::filesystem::path& file) {
  std::vector<std::string> out;
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(line);
  return out;
}

// The database's serials, passive meters included; waits at most a few seconds.
std::vector<std::string> database_serials(const config::Settings& settings) {
  setenv("PGCONNECT_TIMEOUT", "2", 1);
  const char* given = std::getenv("PGOPTIONS");
  setenv("PGOPTIONS", ((given ? std::string(given) + " " : std::string()) + "-c statement_timeout=3000").c_str(), 1);
  auto conn = db::connect(settings);
  pqxx::read_transaction tx(*conn);
  db::MeterFilter filter;
  filter.active_only = false;
  std::vector<std::string> out;
  for (const auto& m : db::load_meters(tx, filter)) out.push_back(m.serial);
  return out;
}

std::vector<std::string> known_serials(Invocation& inv, const std::vector<std::string>& words) {
  if (!words.empty()) return {};  // the serial is an argument's first word
  std::string inventory = inv.selection.inventory;  // --inventory, EMOP_INVENTORY
  const config::Settings& settings = inv.resources.settings();
  if (inventory.empty() && settings.inventory) inventory = *settings.inventory;
  std::vector<std::string> out;
  if (!inventory.empty()) {
    // A local file: read as it is now.
    const auto parsed = meter::Inventory::parse(read_text_file(inventory), inventory);
    for (const auto& [serial, entry] : parsed.entries()) out.push_back(serial);
    return out;
  }
  if (!settings.database_url || settings.database_url->empty()) return {};
  const auto dir = cli::cache_dir();
  const auto file = dir ? std::optional(*dir / cli::serials_cache_name(settings.env_name, *settings.database_url))
                        : std::nullopt;
  std::error_code ec;
  if (file) {
    const auto written = std::filesystem::last_write_time(*file, ec);
    if (!ec && cli::cache_fresh(std::chrono::time_point_cast<std::chrono::system_clock::duration>(
                                    std::chrono::file_clock::to_sys(written)),
                                std::chrono::system_clock::now(), cache_max_age))
      return read_lines(*file);
  }
  out = database_serials(settings);
  if (file) {
    std::string text;
    for (const auto& s : out) text += s + "\n";
    try {
      std::filesystem::create_directories(file->parent_path(), ec);
      write_file_atomically(*file, text);
    } catch (...) {
      // No cache this time: the serials are offered all the same.
    }
  }
  return out;
}

}  // namespace

void add_complete_command(CLI::App& app, Invocation& inv) {
  cli::add_complete_subcommand(
      app, {{"serials", [&inv](const std::vector<std::string>& words) { return known_serials(inv, words); }}}, inv.action);
}

}  // namespace flows::emop_app
