#pragma once
// Man pages and shell completions generated from a tool's one CLI11 definition,
// so they cannot drift from what the tool accepts. Each tool exposes them through
// a hidden `generate-docs` subcommand; scripts/gen-docs.sh writes man/ and
// completions/, and the docs_in_sync test fails when those files are stale.
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace flows::cli {

struct ManSection {
  std::string title;  // "EXIT STATUS"
  std::string roff;   // body, already in roff
};

struct ManPage {
  std::string name;         // "emop"
  std::string summary;      // one line for NAME
  std::string description;  // roff for DESCRIPTION
  std::vector<ManSection> extra_sections;  // after COMMANDS/OPTIONS, in order
  std::string date;         // "2026-11-24" (fixed in source so output is reproducible)
  std::string version;
};

std::string generate_man(const CLI::App& app, const ManPage& page);
std::string generate_bash(const CLI::App& app);
std::string generate_zsh(const CLI::App& app);
std::string generate_fish(const CLI::App& app);

// Roff for the EXIT STATUS section, from flows::exit_code_docs.
std::string exit_status_roff();

}  // namespace flows::cli
