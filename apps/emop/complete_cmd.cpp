// `emop __complete serials`: the serials the shell completions offer, from the
// inventory, else from the database (cached for a few minutes per environment).
// Best effort and quick: any failure offers nothing.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "cli.hpp"
#include "cli/complete.hpp"
#include "core/files.hpp"
#include "db/connection.hpp"
#include "db/meters.hpp"
#include "db/transaction.hpp"
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

// The database's serials, passive meters included; waits a few seconds at most.
std::vector<std::string> database_serials(const config::Settings& settings) {
  auto conn = db::connect_briefly(settings, 2);
  return db::in_read_transaction(*conn, "cannot list the serials",
                                 [](pqxx::read_transaction& tx) { return db::meter_serials(tx); });
}

// The cached serials when FILE is younger than cache_max_age.
std::optional<std::vector<std::string>> fresh_cache(const std::filesystem::path& file) {
  std::error_code ec;
  const auto written = std::filesystem::last_write_time(file, ec);
  if (ec || !cli::cache_fresh(std::chrono::time_point_cast<std::chrono::system_clock::duration>(
                                  std::chrono::file_clock::to_sys(written)),
                              std::chrono::system_clock::now(), cache_max_age))
    return std::nullopt;
  return read_lines(file);
}

// Best effort: without a cache this time, the serials are offered all the same.
void store_cache(const std::filesystem::path& file, const std::vector<std::string>& serials) {
  std::string text;
  for (const auto& s : serials) text += s + "\n";
  try {
    std::error_code ec;
    std::filesystem::create_directories(file.parent_path(), ec);
    write_file_atomically(file, text);
  } catch (...) {
  }
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
  if (file)
    if (auto cached = fresh_cache(*file)) return *cached;
  out = database_serials(settings);
  if (file) store_cache(*file, out);
  return out;
}

}  // namespace

void add_complete_command(CLI::App& app, Invocation& inv) {
  cli::add_complete_subcommand(
      app, {{"serials", [&inv](const std::vector<std::string>& words) { return known_serials(inv, words); }}}, inv.action);
}

}  // namespace flows::emop_app
