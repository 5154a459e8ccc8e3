#pragma once
#include <filesystem>
#include <optional>
#include <string>

namespace flows {

// Whole file as text; throws flows::Error(config) naming the path on failure.
std::string read_text_file(const std::filesystem::path& path);

// $XDG_CONFIG_HOME/flows, or ~/.config/flows; nullopt when neither is known.
std::optional<std::filesystem::path> config_dir();

}  // namespace flows
