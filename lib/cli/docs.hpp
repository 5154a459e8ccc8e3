#pragma once
// Man pages and shell completions generated from a tool's one CLI11 definition,
// so they cannot drift from what the tool accepts. Each tool exposes them through
// a hidden `generate-docs` subcommand; scripts/gen-docs.sh writes man/ and
// completions/, and the docs_in_sync test fails when those files are stale.
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

// What is read from the CLI11 tree, and the conventions that fill CLI11 2.1's gaps:
//  * Hidden: a subcommand (or option group, or option) whose group is "" is left out
//    everywhere, with its whole subtree; so are the -h/--help and --help-all flags.
//  * Choices: CLI11 2.1 has no getter for a validator's set, so they are read from
//    Option::get_type_name(), where `->check(CLI::IsMember({...}))` appears as
//    "TEXT:{a,b,c}" and a CheckedTransformer as "value in {a->1,b->2} OR {1,2}" (the
//    keys are the choices). Failing that, a description ending in "(one of: a, b, c)"
//    lists them. Choices holding a comma, a brace or a space are not supported.
//  * Values: an option takes a value when it expects at least one item (flags expect
//    none); its label is its option_text, or else its type name ("TEXT", "UINT").
//  * Defaults: what get_default_str() gives, so only with capture_default_str() or
//    default_val().
//  * Scope: the options valid after a subcommand are its own, plus its parent's when
//    it has fallthrough() (as CLI11 parses them), and so on up.
//  * Groups: the commands of the tool are listed under their CLI11 group (as --help
//    lists them), one man page section per group, in the order the groups are first
//    used; with a single group the section is COMMANDS.
//  * Dynamic values: when the app has the hidden `__complete` command (cli/complete.hpp),
//    an option or argument marked with complete_with() completes with what
//    `TOOL [the root options typed] __complete KIND WORD…` prints.
// Everything is emitted in definition order, so the output is reproducible.
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

// A section 1 page: NAME, SYNOPSIS, DESCRIPTION, GLOBAL OPTIONS, COMMANDS (one .SS per
// subcommand path), then page.extra_sections. page.name (or else app's name) names it.
std::string generate_man(const CLI::App& app, const ManPage& page);

// Completion scripts for the app's name (which must not be empty). The bash one
// defines _<name> (non-alphanumerics in the name become '_') and registers it with
// `complete -F`; the zsh one is an autoloadable `#compdef` file that also works when
// sourced; the fish one is plain `complete -c` lines.
std::string generate_bash(const CLI::App& app);
std::string generate_zsh(const CLI::App& app);
std::string generate_fish(const CLI::App& app);

// Roff for the EXIT STATUS section, from flows::exit_code_docs.
std::string exit_status_roff();

}  // namespace flows::cli
