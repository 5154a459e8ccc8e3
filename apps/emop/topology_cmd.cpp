// emop db import FILE [--dry-run]: the topology document (db/topology.hpp) into
// the configured database, in one transaction.
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "core/error.hpp"
#include "core/files.hpp"
#include "db/connection.hpp"
#include "db/topology.hpp"

namespace flows::emop_app {
namespace {

struct ImportArgs {
  std::string file;
  bool dry_run = false;
};

int run_import(const GlobalOptions& options, Resources& res, const ImportArgs& a) {
  // The whole document is checked before the database is opened: a bad one
  // exits 2 without touching it.
  const auto topology = db::parse_topology(read_text_file(a.file), a.file);
  auto conn = db::connect(res.settings());
  db::ImportOptions o;
  o.dry_run = a.dry_run;
  const auto counts = db::import_topology(*conn, topology, o);
  if (options.json) {
    nlohmann::json j = nlohmann::json::object();
    for (const auto& [kind, c] : counts.by_kind())
      j[kind] = {{"inserted", c.inserted}, {"updated", c.updated}, {"unchanged", c.unchanged}};
    std::cout << nlohmann::json{{"file", a.file}, {"dry_run", a.dry_run}, {"changes", counts.changes()}, {"counts", j}}
                     .dump(2)
              << "\n";
    return 0;
  }
  for (const auto& [kind, c] : counts.by_kind()) {
    if (c.inserted + c.updated + c.unchanged == 0) continue;
    std::cout << kind << ": " << c.inserted << " inserted, " << c.updated << " updated, " << c.unchanged
              << " unchanged\n";
  }
  std::cout << (a.dry_run ? "dry run: nothing written (" : "imported " + a.file + " (") << counts.changes()
            << (a.dry_run ? " changes would be made)\n" : " changes)\n");
  return 0;
}

}  // namespace

void add_db_import_command(CLI::App* db, Invocation& inv) {
  static ImportArgs args;
  auto* imp = db->add_subcommand(
      "import",
      "import a topology YAML document (ESCOs, sites, feeders, service heads, properties, meters, registers, "
      "circuits; see emlite-sim topology) in one transaction, idempotently; a bad document exits 2 and changes nothing");
  imp->add_option("file", args.file, "topology YAML file")->required()->check(CLI::ExistingFile);
  imp->add_flag("--dry-run", args.dry_run, "check and count everything, then roll back");
  imp->callback([&inv] { inv.action = [&inv] { return run_import(inv.options, inv.resources, args); }; });
}

}  // namespace flows::emop_app
