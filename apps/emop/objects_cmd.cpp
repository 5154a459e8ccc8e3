// emop objects: the object table, with provisional ids marked.
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli.hpp"

namespace flows::emop_app {

namespace {

int run_objects(const GlobalOptions& options, Resources& res) {
  const auto& entries = res.objects().entries();
  if (options.json) {
    nlohmann::json a = nlohmann::json::array();
    for (auto& e : entries)
      a.push_back({{"name", e.name},
                   {"id", emop::object_hex(e.id)},
                   {"obis", emop::obis_of(e.id)},
                   {"type", std::string(emop::value_type_name(e.type))},
                   {"provisional", e.provisional},
                   {"description", e.description}});
    std::cout << a.dump(2) << "\n";
    return 0;
  }
  std::cout << fmt::format("{:<52} {:<6} {:<11} {:<20} {}\n", "NAME", "ID", "OBIS", "TYPE", "PROVISIONAL");
  for (auto& e : entries)
    std::cout << fmt::format("{:<52} {:<6} {:<11} {:<20} {}\n", e.name, emop::object_hex(e.id), emop::obis_of(e.id),
                             emop::value_type_name(e.type), e.provisional ? "yes" : "no");
  return 0;
}

}  // namespace

void add_objects_command(CLI::App& app, Invocation& inv) {
  auto* cmd = app.add_subcommand("objects", "list the object table (provisional ids marked)");
  cmd->callback([&inv] { inv.action = [&inv] { return run_objects(inv.options, inv.resources); }; });
}

}  // namespace flows::emop_app
