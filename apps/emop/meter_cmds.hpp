#pragma once
// The framework every meter command shares: which meters (SERIAL, -s, --serials,
// --serials-file), where they are (--host, inventory), running the operation on
// all of them concurrently, and printing one result per meter.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cli.hpp"
#include "jobs/batch.hpp"

namespace flows::emop_app {

// Called after parsing and before any connection: validates the command's own
// arguments (throwing flows::Error(usage) on bad input) and returns the job.
using Prepare = std::function<jobs::MeterJob(const std::vector<std::string>& extra)>;

struct MeterCommand {
  std::string name;
  std::string help;
  std::vector<std::string> extra;  // positional arguments after SERIAL, e.g. {"IDX"}
  bool serial_optional_with_host = true;
  Prepare prepare;
};

// Registers the command; returns its CLI11 app so callers can add options.
CLI::App* add_meter_command(CLI::App& app, Invocation& inv, MeterCommand cmd);

// `name=value` for the simple reads.
jobs::CommandResult simple(const std::string& name, nlohmann::json value, const std::string& text);

void add_read_commands(CLI::App& app, Invocation& inv);
void add_write_commands(CLI::App& app, Invocation& inv);

}  // namespace flows::emop_app
