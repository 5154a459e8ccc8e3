#pragma once
#include <filesystem>
#include <optional>
#include <string>

namespace flows {

// Whole file as text; throws flows::Error(config) naming the path on failure.
std::string read_text_file(const std::filesystem::path& path);

// Writes DATA to TARGET through a temporary file in the same directory (mode
// MODE, written, fsynced) renamed over it, so a reader sees the old file or the
// new one, never half of it. Throws flows::Error(config) naming the path.
// Every file the tools write goes through this (state, inventories, CSVs).
void write_file_atomically(const std::filesystem::path& target, const std::string& data, unsigned mode);
// The same with the mode a plain open(2) would give: 0666 less the umask.
void write_file_atomically(const std::filesystem::path& target, const std::string& data);

// 0666 less the process's umask (read without changing it where the system allows).
unsigned default_file_mode();

// $XDG_CONFIG_HOME/flows, or ~/.config/flows; nullopt when neither is known.
std::optional<std::filesystem::path> config_dir();

}  // namespace flows
