#include "cli.hpp"

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "cli/docs.hpp"
#include "core/files.hpp"

namespace flows::emop_app {

const emop::ObjectTable& State::objects() {
  if (!objects_) {
    emop::ObjectTable t = emop::ObjectTable::builtin();
    std::string path = objects_file;
    if (path.empty()) {
      // The default overrides file is optional; an explicit one must exist.
      if (auto dir = config_dir(); dir && std::filesystem::exists(*dir / "objects.yaml"))
        path = (*dir / "objects.yaml").string();
    }
    if (!path.empty()) t.apply_overrides(read_text_file(path), path);
    objects_ = std::move(t);
  }
  return *objects_;
}

const config::Settings& State::settings() {
  if (!settings_) {
    config::LoadOptions o;
    if (!env_name.empty()) o.env_name = env_name;
    settings_ = config::load(o);
  }
  return *settings_;
}

namespace {

cli::ManPage man_page() {
  cli::ManPage p;
  p.name = "emop";
  p.summary = "talk to Emlite prepayment meters over EMOP, and inspect EMOP frames";
  p.date = "2026-11-24";
  p.version = "0.1.0";
  p.description =
      "emop reads and programs Emlite meters and keeps the Flows database in step with them. "
      "Its command names and flags follow the public Python emop tool that field engineers know.\n"
      ".PP\n"
      "Data goes to standard output, logs and errors to standard error. Every error is one line "
      "on standard error and a non-zero exit status (see EXIT STATUS).";
  p.extra_sections = {
      {"EXIT STATUS", cli::exit_status_roff()},
      {"OBJECT TABLE OVERRIDES",
       "The built-in object table (see \\fBemop objects\\fR) marks ids that no public source confirms as "
       "provisional. An operator holding the vendor documents corrects or extends it without recompiling, "
       "with a YAML file given by \\fB\\-\\-objects\\fR, by \\fBEMOP_OBJECTS_FILE\\fR, or found at "
       "\\fI$XDG_CONFIG_HOME/flows/objects.yaml\\fR:\n"
       ".PP\n.nf\n.RS\nobjects:\n  backlight: { id: \"ffe001\", type: backlight, provisional: false }\n"
       "  my_register: { id: \"1.8.0\", type: wh_u32le, description: \"from the vendor sheet\" }\n.RE\n.fi\n"
       ".PP\n"
       "An existing name takes only the keys given; a new name needs \\fBid\\fR (6 hex digits or an OBIS "
       "triplet a.b.c) and \\fBtype\\fR. A file with an error is refused as a whole, naming the line "
       "(exit status 3)."},
      {"PROVISIONAL PROTOCOL CHOICES",
       "NAK encoding: a response whose control byte has bit 7 set is a NAK, with the code in bits 4\\-6 "
       "(1 FCS error, 2 format error, 3 length incorrect, 4 payload too large, 5 unknown object, "
       "6 security level not granted, 7 address incorrect); bit 0 is the sequence number.\n"
       ".PP\n"
       "Event log record format byte 0x02: object id, block index 0\\-9, then ten 8\\-byte records "
       "(u32le EMOP timestamp, u16le event type, u8 event set, u8 reserved)."},
      {"ENVIRONMENT",
       ".TP\n.B EMOP_OBJECTS_FILE\nObject table overrides file, when \\fB\\-\\-objects\\fR is not given.\n"
       ".TP\n.B XDG_CONFIG_HOME\nWhere \\fIflows/objects.yaml\\fR is looked for (default \\fI~/.config\\fR)."},
      {"EXAMPLES",
       "Build the request that reads a meter's serial:\n.PP\n.RS\nemop frame encode \\-\\-object serial\n.RE\n"
       ".PP\nDecode a response as JSON:\n.PP\n.RS\nemop frame decode 7e11000000000021ae42050160010000c02f \\-\\-json\n.RE"},
  };
  return p;
}

void add_docs_command(CLI::App& app, State& st) {
  auto* docs = app.add_subcommand("generate-docs", "print the man page or a shell completion script");
  docs->group("");  // hidden: used by scripts/gen-docs.sh and the docs_in_sync test
  docs->add_option("kind", st.docs_kind, "man, bash, zsh or fish")
      ->required()
      ->check(CLI::IsMember({"man", "bash", "zsh", "fish"}));
  docs->callback([&app, &st] {
    st.action = [&app, &st] {
      if (st.docs_kind == "man") std::cout << cli::generate_man(app, man_page());
      else if (st.docs_kind == "bash") std::cout << cli::generate_bash(app);
      else if (st.docs_kind == "zsh") std::cout << cli::generate_zsh(app);
      else std::cout << cli::generate_fish(app);
      return 0;
    };
  });
}

}  // namespace

void build_cli(CLI::App& app, State& st) {
  app.name("emop");
  app.description("Talk to Emlite prepayment meters over EMOP, and inspect EMOP frames.");
  app.require_subcommand(0, 1);
  app.fallthrough();  // global options are accepted after the subcommand too
  app.add_flag("--json", st.json, "print JSON instead of text");
  app.add_option("--objects", st.objects_file, "YAML file that overrides or extends the object table")
      ->envname("EMOP_OBJECTS_FILE");
  app.add_option("--env", st.env_name, "configuration environment to use (default: FLOWS_ENV, then the current one)");
  app.add_option("--host", st.host, "talk to one meter directly at HOST[:PORT] (port 8080 by default)");
  app.add_option("--inventory", st.inventory, "YAML inventory of meters (serial, host, port); emlite-sim's fleet file is one")
      ->envname("EMOP_INVENTORY");
  app.add_option("--timeout", st.timeout_seconds, "seconds to wait for a connection or an answer (default 10)")
      ->check(CLI::Range(1, 600));
  app.add_option("--retries", st.attempts, "attempts per request, in all")->capture_default_str()->check(CLI::Range(1, 20));
  app.add_option("--concurrency", st.concurrency, "meters talked to at once in a batch")
      ->capture_default_str()
      ->check(CLI::Range(1, 4096));
  app.add_option("--pace", st.pacing_ms, "least milliseconds between two requests to one meter")
      ->capture_default_str()
      ->check(CLI::Range(0, 60000));
  app.add_flag("--no-reuse", st.new_connection_per_request,
               "open a new connection for every request, as the public tool does (slower)");
  app.add_option("--log-level", st.log_level, "log level (one of: debug, info, warning, error)")
      ->capture_default_str()
      ->check(CLI::IsMember({"debug", "info", "warning", "error"}));
  app.add_flag("-v,--verbose", st.verbose, "log each request and answer on stderr");
  app.set_version_flag("--version", "emop 0.1.0");
  add_frame_commands(app, st);
  add_objects_command(app, st);
  add_env_commands(app, st);
  add_meter_commands(app, st);
  add_docs_command(app, st);
}

}  // namespace flows::emop_app
