#include "cli.hpp"
#include "meter_cmds.hpp"

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/docs.hpp"
#include "cli/run.hpp"
#include "core/files.hpp"
#include "core/version.hpp"

namespace flows::emop_app {

const emop::ObjectTable& Resources::objects() {
  if (!objects_) {
    emop::ObjectTable t = emop::ObjectTable::builtin();
    std::string path = options_.objects_file;
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

const config::Settings& Resources::settings() {
  if (!settings_) {
    config::LoadOptions o;
    if (!options_.env_name.empty()) o.env_name = options_.env_name;
    if (!options_.dbname.empty()) o.database_url = config::dbname_option(options_.dbname);
    settings_ = config::load(o);
  }
  return *settings_;
}

namespace {

constexpr const char* group_reads = "Meter reads";
constexpr const char* group_writes = "Meter writes";
constexpr const char* group_fleet = "Fleet jobs";
constexpr const char* group_database = "Database";
constexpr const char* group_frames = "Frames and objects";
constexpr const char* group_management = "Management and environments";

// What the options and commands mean: the object table, the protocol, meters and output.
std::vector<cli::ManSection> reference_sections() {
  return {
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
       "(u32le EMOP timestamp, u16le event type, u8 event set, u8 reserved).\n"
       ".PP\n"
       "Element reads (element_a, element_b): four u32le Wh, import active, export active, import reactive, "
       "export reactive. Profile log 2 voltage: a u32le in 0.1 V. Objects the public tools use without a public "
       "id (backlight, load switch, the DST and prepayment flags, the event log, the three\\-phase hardware "
       "configuration and totals) have ids in the 0xFFE0xx block; \\fBemop objects\\fR marks them.\n"
       ".PP\n"
       "Energy units: a CT\\-operated three\\-phase meter (P1.cx) counts its energy registers, totals and "
       "profile log alike, in 0.1 Wh; every other kind counts Wh. The field tool divides by 10\\ 000 on P1.cx "
       "and by 1\\ 000 elsewhere to show kWh, and so does emop: \\fBthree_phase_read\\fR gives the exact kWh "
       "(\\fI*_kwh\\fR, four decimals on P1.cx) and whole Wh rounded down (\\fI*_wh\\fR, as the database "
       "stores them) with \\fIregister_unit\\fR; \\fBthree_phase_intervals\\fR writes Wh with the tenth on "
       "P1.cx; sync stores whole Wh; ingest keeps the tenth (kWh to four decimals). \\fBprofile_log_1\\fR "
       "shows the raw counts.\n"
       ".PP\n"
       "Backlight bytes: 0 is single phase normal_sp and three phase always_off_3p alike (the field tool's "
       "normal_sp_or_always_off_3p), 1 always_on_sp, 2 always_off_sp, 3 30_seconds_turn_off_3p, 4 always_on_3p. "
       "Either name writes 0; a read names 0 by the meter's kind (reading its hardware when the kind is not "
       "known); \\fBframe decode\\fR, which cannot know, shows the shared name. Load switch bytes: 0 "
       "normal_button_always, 1 no_button_prepay_mode, 2 no_button_credit_mode, 3 never_button_required.\n"
       ".PP\n"
       "Active tariff: \\fBtariffs_active_read\\fR (and the shadow's tariffs_active) add threshold_mask "
       "(rate1\\-rate8, true where the bit is set), threshold_values (th1\\-th7) and the block_rate and "
       "element_b_tou_rate indices as the meter reports them (0\\-based), as the field tool does. Money in "
       "tariff JSON is a decimal string, as the balance is.\n"
       ".PP\n"
       "Response addressing: a real meter's captured answer has destination device type c0 and source device "
       "type 00, and neither address is the requester's; emop checks neither address. emlite\\-sim answers "
       "with destination c0 and the requester's address, source 00 and its own.\n"
       ".PP\n"
       "One connection at a time: a meter serves one connection; a second one while it is busy is accepted by "
       "TCP and closed (reset) before any byte is sent, which emop reports as the meter unreachable (status 4, "
       "retried under \\fB\\-\\-attempts\\fR). A listening socket cannot refuse one connection and take "
       "the next, so \\(lqclosed before any byte\\(rq is what a client sees of a busy meter. emlite\\-sim "
       "serves a new connection as soon as the previous client is seen to have closed, even while that "
       "session is still answering.\n"
       ".PP\n"
       "Profile log past the newest record: a meter answers a request for a time after its newest half hour "
       "with all\\-zero records (timestamp 0, which would read 2000\\-01\\-01T00:00:00); emop skips "
       "records with a zero timestamp, so such an answer has no records.\n"
       ".PP\n"
       "Clock writes: a meter with DST correction on keeps UK local time (the spec's time rules), and the value "
       "written to its clock is the reading it then shows: nothing public says it applies the offset itself. "
       "So \\fBclock_time_write\\fR and \\fBpush clock\\fR write UK local time to such a meter and UTC to "
       "the others. The field tool writes UTC to every meter, which sets a DST\\-corrected meter an hour slow "
       "in summer (an integration test shows both on a July date).\n"
       ".PP\n"
       "Future tariff writes: the field tool's eleven writes in its order, the activation time last. No value "
       "is known to disarm a pending future tariff safely on a real meter, so none is written first (an "
       "earlier emop wrote 0xFFFFFFFF there). A write cut off part way says what the meter may hold: with "
       "nothing armed, a tariff that cannot activate; with a tariff armed for later, that activation over a "
       "mix of old and new values, to be written again before then."},
      {"EXISTING FLOWS DATABASES",
       "\\fBemop db status\\fR recognises a database built by the deployed Flows migrations (sqitch project "
       "flows, 0000 to 0006, registry schema flows_sqitch) or a restored dump of such a flows schema, says "
       "what it found (\\(dqdeployed Flows schema (sqitch 0006), not yet adopted\\(dq) and what adoption "
       "would add, and exits 6 until it is adopted. A flows schema of any other shape is listed by its "
       "differences (missing tables and columns the tools use) and refused.\n"
       ".PP\n"
       "\\fBemop db migrate\\fR adopts it: it records a baseline in public.flows_adoption, then adds only what "
       "the tools need and the database lacks (meter_registry.emop_port, the public business, push job and "
       "billing tables, the gateway's audit, the business tables, emop sync's record of its runs "
       "(flows.sync_runs), the daily rollup of the half hours with its triggers, built for the data already "
       "there in batches with progress on standard error; the per-row trigger when register_interval_hh is a "
       "TimescaleDB hypertable), each step in a transaction of its own, and last records versions 1 to N "
       "in public.flows_migrations as adopted. It never drops, renames or retypes a column (the real register "
       "reads stay real), never replaces a function, view, trigger, continuous aggregate or hypertable, never "
       "rewrites a row, and changes no grant or row\\-level security of anything deployed; new tables get "
       "the privileges the roles flows, grafanareader and tableau hold on flows.meter_registry (read\\-only "
       "tables only SELECT). A failed or killed run leaves the database as the last completed step left it "
       "and names the step; running it again carries on; once adopted it does nothing. "
       "\\fB\\-\\-dry\\-run\\fR prints the SQL instead.\n"
       ".PP\n"
       "\\fB\\-\\-with\\-esco\\-isolation\\fR (also on an adopted database) adds row\\-level security "
       "per ESCO to escos, sites_new, feeder_registry, meter_registry, the ESCO billing tables and every other "
       "table holding an ESCO's data (its meters' time series, properties, accounts, customers, payments, "
       "topups, wallets, the record of sync runs), and masks tokens for the read\\-only roles "
       "(public.topups_redacted): a session "
       "that sets flows.esco (SET flows.esco = 'code', or a role's or connection's setting) then sees and "
       "writes only that ESCO's rows; one that does not sees what it saw before. Where a table already has "
       "row\\-level security the policy is RESTRICTIVE, narrowing what its own policies allow. Superusers, "
       "table owners and BYPASSRLS roles are not subject to it. Try an adoption on a copy first "
       "(createdb \\-T, or pg_dump | psql)."},
      {"FLEET STATUS",
       "\\fBemop status\\fR shows, from the database: the schema version (with the migrations pending and what to "
       "run); the last sync per frequency (when it finished, its meters ok and failed, OVERDUE when older than two "
       "of its periods, \\(lqnever\\(rq when none ran), from flows.sync_runs, where every \\fBemop sync\\fR records "
       "its run (per ESCO too) in the transaction of its results; the unhealthy active meters with "
       "meter_shadows.health_details as the reason and when each was last healthy (\\fB\\-\\-limit\\fR of them, "
       "the count is of all); the topups waiting for their token push (wait_token_push: how many, how much, the "
       "oldest); the future tariffs the meters carry still ahead on their clocks, per ESCO and activation; and the "
       "gateways mediators.toml defines (\\fB\\-\\-gateways\\fR, MEDIATORS_CONFIG), each asked its health "
       "within 3 s. \\fB\\-\\-esco\\fR narrows every part to one ESCO (a run over all shows that ESCO's counts). "
       "On a database whose schema is not the tool's only the schema is shown. With \\fB\\-\\-json\\fR, one "
       "object: esco, schema, fleet_read, syncs, unhealthy, tokens_waiting, tariff_activations, gateways, "
       "gateways_note. Exit status 0 once read; 6 when the database cannot be read (one line); 2 for an "
       "unknown ESCO."},
      {"METER SELECTION AND OUTPUT",
       "Every meter command takes the meter as a positional \\fISERIAL\\fR, or \\fB\\-s\\fR SERIAL, "
       "\\fB\\-\\-serials\\fR A,B,C, or \\fB\\-\\-serials\\-file\\fR FILE (one per line; blank lines and "
       "\\fB#\\fR comments ignored). A batch runs concurrently on one event loop (\\fB\\-\\-concurrency\\fR), "
       "with exactly one conversation per meter at a time, and reports one result per meter.\n"
       ".PP\n"
       "Where a meter is: \\fB\\-\\-host\\fR HOST[:PORT] (one meter), else the inventory YAML given by "
       "\\fB\\-\\-inventory\\fR, \\fBEMOP_INVENTORY\\fR or the environment's \\fIinventory\\fR setting "
       "(emlite\\-sim's \\fB\\-\\-fleet\\-out\\fR file is one), else the database when a database_url is "
       "configured (meter_registry ip_address and emop_port, 8080 when null). A meter that is not there, or has "
       "no address, is that meter's failure (status 3): one line on standard error, and the rest of a batch goes on.\n"
       ".PP\n"
       "Simple reads print \\fIcommand\\fR=\\fIvalue\\fR; in a batch each line starts with the serial. With "
       "\\fB\\-\\-json\\fR, one object per meter: {\\(dqserial\\(dq, \\(dqcommand\\(dq, \\(dqok\\(dq, "
       "\\(dqvalue\\(dq or \\(dqerror\\(dq and \\(dqstatus\\(dq} (an array for a batch). Failures are one "
       "line each on standard error.\n"
       ".PP\n"
       "Writes check every argument before the first byte goes out: a token is exactly 20 digits; unit rates "
       "0\\-1.00 \\(Po/kWh and standing charges 0\\-2.00 \\(Po/day (pence typed as pounds are refused); "
       "\\fB\\-\\-from\\-ts\\fR is an ISO time on the meter's clock (UK local time when its DST correction is "
       "on). \\fBtariffs_future_write\\fR writes in the public tool's order with the activation time last, then "
       "reads the future tariff back and fails (status 5) on any mismatch. \\fBprepay_enabled_write on\\fR is "
       "refused while the balance is under \\(Po10. \\fBprepay_send_token\\fR reports the balance before and "
       "after. A write whose request went out but whose answer was lost (timeout, reset, bad CRC) is never "
       "sent again under \\fB\\-\\-attempts\\fR: its outcome is unknown, and is reported so (status 4 or 5). "
       "\\fBprepay_send_token\\fR then reads the transaction count: the token was taken (accepted, with a note), "
       "not taken (send it again), or it cannot tell; \\fBtariffs_future_write\\fR reads the future tariff "
       "back and says what the meter holds.\n"
       ".PP\n"
       "Requests time out after \\fB\\-\\-timeout\\fR seconds (default 10) and are tried \\fB\\-\\-attempts\\fR "
       "times in all, the first included (default 5; \\fB\\-\\-retries\\fR is the older name of this option) with backoff; a NAK is not retried (except an FCS error)."},
  };
}

// How emop is set up: its files, its environment, and examples.
std::vector<cli::ManSection> setup_sections() {
  return {
      {"FILES",
       ".TP\n.I $XDG_CONFIG_HOME/flows/config.toml\n"
       "Named environments and the current one (\\fBenv_list\\fR, \\fBenv_show\\fR, \\fBenv_set\\fR):\n"
       ".PP\n.nf\n.RS\ncurrent = \\(dqlocal\\(dq\n[environments.local]\n"
       "database_url = \\(dqhost=/run/postgresql dbname=flows\\(dq\ntimeout_seconds = 10\n"
       "inventory = \\(dqfleet.yaml\\(dq    # relative to this file\nsocks_host = \\(dqgateway.example\\(dq\n"
       "socks_port = 1080\nsocks_username = \\(dqops\\(dq\nsocks_password = \\(dq...\\(dq\n.RE\n.fi\n"
       ".PP\nA file holding a secret (socks_password, or a password or sslpassword in database_url) must not be readable by "
       "group or others: it is refused (status 3) until \\fBchmod 600\\fR. Secrets never appear in output or "
       "errors. Arrays and inline tables nested more than 64 deep are refused (status 3), and so is "
       "\\fB\\-\\-env\\fR naming an environment the file does not define, or given with no file.\n"
       ".TP\n.I $XDG_CONFIG_HOME/flows/objects.yaml\nObject table overrides (see OBJECT TABLE OVERRIDES)."},
      {"ENVIRONMENT",
       ".TP\n.B FLOWS_ENV\nThe environment to use, unless \\fB\\-\\-env\\fR is given.\n"
       ".TP\n.B FLOWS_DATABASE_URL\nOverrides the environment's database_url (\\fB\\-d\\fR/\\fB\\-\\-dbname\\fR overrides both); "
       "with none set, libpq's defaults apply, and the standard libpq variables "
       "(PGHOST, PGPORT, PGUSER, PGDATABASE, PGPASSWORD \\&...) apply as usual.\n"
       ".TP\n.B EMLITE_TIMEOUT_SECONDS\nOverrides timeout_seconds.\n"
       ".TP\n.B SOCKS_HOST, SOCKS_PORT, SOCKS_USERNAME, SOCKS_PASSWORD\nReach meters through a SOCKS5 proxy "
       "(the 4G gateway path), with username/password authentication.\n"
       ".TP\n.B EMOP_INVENTORY\nMeter inventory, unless \\fB\\-\\-inventory\\fR is given.\n"
       ".TP\n.B EMOP_OBJECTS_FILE\nObject table overrides file, when \\fB\\-\\-objects\\fR is not given.\n"
       ".TP\n.B XDG_CONFIG_HOME\nWhere \\fIflows/\\fR is looked for (default \\fI~/.config\\fR).\n"
       ".TP\n.B NO_COLOR\nHonoured (emop prints no colour)."},
      {"EXAMPLES",
       "Build the request that reads a meter's serial:\n.PP\n.RS\nemop frame encode \\-\\-object serial\n.RE\n"
       ".PP\nDecode a response as JSON:\n.PP\n.RS\nemop frame decode 7e11000000000021ae42050160010000c02f \\-\\-json\n.RE\n"
       ".PP\nRead the balance of every meter in a file, through an inventory:\n.PP\n.RS\n"
       "emop \\-\\-inventory fleet.yaml prepay_balance \\-\\-serials\\-file serials.txt\n.RE\n"
       ".PP\nProgram a future tariff:\n.PP\n.RS\nemop tariffs_future_write EML2137580761 \\-\\-from\\-ts "
       "2025\\-01\\-01T00:00:00 \\-\\-unit\\-rate 0.2798 \\-\\-standing\\-charge 0.6556\n.RE\n"
       ".PP\nPush the next customer tariffs only to the meters whose shadows (last \\fBemop sync\\fR) do not "
       "match (\\fBflows\\-bill tariffs check\\fR's comparison), leaving the others uncontacted:\n.PP\n.RS\n"
       "emop push tariffs \\-\\-esco demo \\-\\-only\\-differing\n.RE"},
  };
}

cli::ManPage man_page() {
  cli::ManPage p;
  p.name = "emop";
  p.summary = "talk to Emlite prepayment meters over EMOP, and inspect EMOP frames";
  p.date = "2026-11-24";
  p.version = std::string(flows::version);
  p.description =
      "emop reads and programs Emlite meters and keeps the Flows database in step with them. "
      "Its command names and flags follow the public Python emop tool that field engineers know.\n"
      ".PP\n"
      "Data goes to standard output, logs and errors to standard error. Every error is one line "
      "on standard error and a non-zero exit status (see EXIT STATUS).";
  p.extra_sections = {{"EXIT STATUS", cli::exit_status_roff()}};
  for (const auto& sections : {reference_sections(), setup_sections()})
    p.extra_sections.insert(p.extra_sections.end(), sections.begin(), sections.end());
  return p;
}

void add_global_options(CLI::App& app, GlobalOptions& o, MeterSelection& sel) {
  app.add_flag("--json", o.json, "print JSON instead of text");
  app.add_option("--objects", o.objects_file, "YAML file that overrides or extends the object table")
      ->envname("EMOP_OBJECTS_FILE");
  app.add_option("--env", o.env_name, "configuration environment to use (default: FLOWS_ENV, then the current one)");
  app.add_option("-d,--dbname", o.dbname,
                 "the database: a connection string, URI or database name, as psql's -d (over FLOWS_DATABASE_URL)");
  // Where the meters are; among the global options, as in the public tool.
  app.add_option("--host", sel.host, "talk to one meter directly at HOST[:PORT] (port 8080 by default)");
  app.add_option("--mediator", o.mediator,
                 "send every meter call through the gateway at HOST:PORT (default: MEDIATOR_SERVER, then the environment's mediator)");
  app.add_option("--inventory", sel.inventory, "YAML inventory of meters (serial, host, port); emlite-sim's fleet file is one")
      ->envname("EMOP_INVENTORY");
  app.add_option("--timeout", o.timeout_seconds, "seconds to wait for a connection or an answer (default 10)")
      ->check(CLI::Range(1, 600));
  app.add_option("--attempts,--retries", o.attempts,
                 "attempts per request, the first included (--retries is the older name of this option)")->capture_default_str()->check(CLI::Range(1, 20));
  app.add_option("--concurrency", o.concurrency, "meters talked to at once in a batch")
      ->capture_default_str()
      ->check(CLI::Range(1, 4096));
  app.add_option("--pace", o.pacing_ms, "least milliseconds between two requests to one meter")
      ->capture_default_str()
      ->check(CLI::Range(0, 60000));
  app.add_flag("--keep-order", o.keep_order,
               "in a batch, print each meter's result in the order the meters were named (once those before it "
               "have ended), not as each ends");
  app.add_flag("-q,--quiet", o.quiet, "no progress line and no summaries on stderr (errors and warnings still)");
  app.add_option("--color", o.color, "colour failed and unhealthy rows: auto (on a terminal, unless NO_COLOR is set), always or never")
      ->capture_default_str()
      ->check(CLI::IsMember({"auto", "always", "never"}));
  app.add_flag("--no-reuse", o.new_connection_per_request,
               "open a new connection for every request, as the public tool does (slower)");
  app.add_option("--log-level", o.log_level, "log level (one of: debug, info, warning, error)")
      ->capture_default_str()
      ->check(CLI::IsMember({"debug", "info", "warning", "error"}));
  app.add_flag("-v,--verbose", o.verbose, "log each request and answer on stderr");
}

}  // namespace

void build_cli(CLI::App& app, Invocation& inv) {
  app.name("emop");
  app.description("Talk to Emlite prepayment meters over EMOP, and inspect EMOP frames.");
  app.require_subcommand(0, 1);
  app.fallthrough();  // global options are accepted after the subcommand too
  add_global_options(app, inv.options, inv.selection);
  app.set_version_flag("--version", "emop " + std::string(flows::version));
  // Grouped by kind in --help and the man page, in this order.
  const auto grouped = [&app](const char* group, const std::function<void()>& add) { cli::add_grouped(app, group, add); };
  grouped(group_reads, [&] { add_read_commands(app, inv); });
  grouped(group_writes, [&] { add_write_commands(app, inv); });
  grouped(group_fleet, [&] {
    add_sync_commands(app, inv);
    add_push_commands(app, inv);
  });
  grouped(group_database, [&] { add_db_commands(app, inv); });
  grouped(group_frames, [&] {
    add_frame_commands(app, inv);
    add_objects_command(app, inv);
  });
  grouped(group_management, [&] {
    add_manage_commands(app, inv);
    add_status_command(app, inv);
    add_env_commands(app, inv);
    app.add_subcommand("version", "print the version (with --json, {\"tool\": \"emop\", \"version\": …})")->callback([&inv] {
      inv.action = [&inv] {
        if (inv.options.json)
          std::cout << nlohmann::ordered_json{{"tool", "emop"}, {"version", std::string(flows::version)}}.dump() << "\n";
        else
          std::cout << "emop " << flows::version << "\n";
        return 0;
      };
    });
    cli::add_help_subcommand(app, inv.action);
  });
  add_complete_command(app, inv);
  cli::add_docs_subcommand(app, man_page, inv.action)->group(group_management);
}

}  // namespace flows::emop_app
