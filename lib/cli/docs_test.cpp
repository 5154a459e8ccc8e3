#include "cli/docs.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <fstream>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "cli/complete.hpp"
#include "core/exit_codes.hpp"

namespace {

namespace fs = std::filesystem;
using namespace flows::cli;

// A small tool shaped like emop: a global flag that falls through to every
// subcommand, a nested group, an option with a default, options with choices (one
// set by IsMember, one by the description convention) and a hidden subcommand.
struct Demo {
  CLI::App app{"A tool to try the doc generators on.", "demo"};
  bool json = false;
  bool twin = false;
  std::string hex, object, color, finish, mask, kind;
  unsigned control = 5;

  explicit Demo(bool fallthrough = true) {
    if (fallthrough) app.fallthrough();
    app.require_subcommand(0, 1);
    app.add_flag("--json", json, "print JSON instead of text");
    auto* frame = app.add_subcommand("frame", "inspect and build raw frames");
    frame->require_subcommand(1);
    auto* decode = frame->add_subcommand("decode", "decode a frame given as hex");
    decode->add_option("HEX", hex, "the frame, as hex")->required();
    decode->add_flag("--twin", twin, "decode twin-element records");
    auto* encode = frame->add_subcommand("encode", "build a request frame");
    encode->add_option("--object", object, "object name or 6-digit id")->required();
    encode->add_option("--control", control, "control byte")->capture_default_str();
    auto* paint = app.add_subcommand("paint", "paint the meter box");
    paint->add_option("-c,--color", color, "colour to use")->check(CLI::IsMember({"red", "green", "blue"}));
    paint->add_option("--finish", finish, "surface finish (one of: matt, gloss)");
    paint->add_option("--mask", mask, ".mask file; a\\b path");
    auto* secret = app.add_subcommand("secret-docs", "print the docs");
    secret->group("");
    secret->add_option("kind", kind, "man or bash")->check(CLI::IsMember({"man", "bash"}));
  }
};

ManPage demo_page() {
  ManPage p;
  p.name = "demo";
  p.summary = "try the generators";
  p.description = "demo does nothing useful.\n.PP\nIt is a test fixture.";
  p.date = "2026-01-02";
  p.version = "1.2.3";
  p.extra_sections = {{"EXIT STATUS", exit_status_roff()}, {"SEE ALSO", ".BR emop (1)"}};
  return p;
}

struct TempFile {
  fs::path path;
  TempFile(const std::string& suffix, const std::string& text)
      : path(fs::temp_directory_path() / ("flows_docs_test_" + std::to_string(::getpid()) + suffix)) {
    std::ofstream(path) << text;
  }
  ~TempFile() { fs::remove(path); }
};

std::string sh_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Runs a shell command; its stdout with newlines turned into spaces, and its status.
struct Run {
  std::string out;
  int status = -1;
};
Run run(const std::string& cmd) {
  Run r;
  FILE* p = ::popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) r.out.append(buf, n);
  r.status = ::pclose(p);
  while (!r.out.empty() && r.out.back() == '\n') r.out.pop_back();
  for (char& c : r.out)
    if (c == '\n') c = ' ';
  return r;
}

bool have(const std::string& program) { return run("command -v " + program + " >/dev/null 2>&1").status == 0; }

// Sources the bash script, puts the words on a command line with the cursor on the
// last one, calls _demo and returns COMPREPLY.
std::string bash_complete(const std::string& script, const std::vector<std::string>& words) {
  std::string driver = "source " + sh_quote(script) + "\nCOMP_WORDS=(";
  for (const auto& w : words) driver += sh_quote(w) + " ";
  driver += ")\nCOMP_CWORD=" + std::to_string(words.size() - 1) +
            "\n_demo\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n";
  TempFile d(".driver.bash", driver);
  auto r = run("bash " + sh_quote(d.path.string()));
  REQUIRE(r.status == 0);
  return r.out;
}

// The same for zsh, with compadd/_files/compdef standing in for the completion system.
std::string zsh_complete(const std::string& script, const std::vector<std::string>& words) {
  std::string driver =
      "compadd() { [[ $1 == -- ]] && shift; print -r -- \"$@\" }\n"
      "_files() { print -r -- FILES }\ncompdef() { : }\ncompset() { : }\n"
      "source " + sh_quote(script) + "\nwords=(";
  for (const auto& w : words) driver += sh_quote(w) + " ";
  driver += ")\nCURRENT=" + std::to_string(words.size()) + "\n_demo\n";
  TempFile d(".driver.zsh", driver);
  auto r = run("zsh -f " + sh_quote(d.path.string()));
  REQUIRE(r.status == 0);
  return r.out;
}

bool contains(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

}  // namespace

TEST_CASE("man page: title, sections in order, every visible command, roff escaped") {
  Demo d;
  const std::string man = generate_man(d.app, demo_page());

  CHECK(man.starts_with(".\\\" Generated by `demo generate-docs man`"));
  CHECK(contains(man, "\n.TH DEMO 1 \"2026-01-02\" \"flows 1.2.3\" \"Flows Manual\"\n"));
  CHECK(contains(man, "\n.SH NAME\ndemo \\- try the generators\n"));
  CHECK(contains(man, "\n.SH SYNOPSIS\n\\fBdemo\\fR [\\fIGLOBAL OPTIONS\\fR] [\\fICOMMAND\\fR]\n"));
  CHECK(contains(man, "\n.SH DESCRIPTION\ndemo does nothing useful.\n.PP\nIt is a test fixture.\n"));
  CHECK(contains(man, "\n.SH GLOBAL OPTIONS\n.TP\n\\fB\\-\\-json\\fR\nprint JSON instead of text\n"));

  // One .SS per command path, with its description and usage.
  CHECK(contains(man, "\n.SS \"demo frame\"\ninspect and build raw frames\n.PP\n\\fBdemo frame\\fR \\fICOMMAND\\fR\n"));
  CHECK(contains(man, "\n.SS \"demo frame decode\"\ndecode a frame given as hex\n.PP\n"
                      "\\fBdemo frame decode\\fR [\\fIOPTIONS\\fR] \\fIHEX\\fR\n"
                      ".TP\n\\fIHEX\\fR\nthe frame, as hex\n(required)\n"
                      ".TP\n\\fB\\-\\-twin\\fR\ndecode twin-element records\n"));
  CHECK(contains(man, "\n.SS \"demo frame encode\"\nbuild a request frame\n.PP\n"
                      "\\fBdemo frame encode\\fR \\fB\\-\\-object\\fR \\fITEXT\\fR [\\fIOPTIONS\\fR]\n"
                      ".TP\n\\fB\\-\\-object\\fR \\fITEXT\\fR\nobject name or 6-digit id\n(required)\n"
                      ".TP\n\\fB\\-\\-control\\fR \\fIUINT\\fR\ncontrol byte\n(default: \\fB5\\fR)\n"));
  CHECK(contains(man, ".TP\n\\fB\\-c\\fR, \\fB\\-\\-color\\fR \\fITEXT\\fR\ncolour to use\n"
                      "(one of: \\fBred\\fR, \\fBgreen\\fR, \\fBblue\\fR)\n"));
  // The description already lists the choices, so they are not repeated.
  CHECK(contains(man, ".TP\n\\fB\\-\\-finish\\fR \\fITEXT\\fR\nsurface finish (one of: matt, gloss)\n.TP\n"));
  // A leading '.' would be a request, a backslash an escape.
  CHECK(contains(man, ".TP\n\\fB\\-\\-mask\\fR \\fITEXT\\fR\n\\&.mask file; a\\eb path\n"));

  // Sections in order, the extra ones last.
  const auto at = [&](const std::string& s) { return man.find(s); };
  CHECK(at(".SH NAME") < at(".SH SYNOPSIS"));
  CHECK(at(".SH SYNOPSIS") < at(".SH DESCRIPTION"));
  CHECK(at(".SH DESCRIPTION") < at(".SH GLOBAL OPTIONS"));
  CHECK(at(".SH GLOBAL OPTIONS") < at(".SH COMMANDS"));
  CHECK(at(".SS \"demo frame\"") < at(".SS \"demo frame decode\""));
  CHECK(at(".SS \"demo frame encode\"") < at(".SS \"demo paint\""));
  CHECK(at(".SH COMMANDS") < at(".SH \"EXIT STATUS\"\n.TP\n.B 0\nsuccess\n"));
  CHECK(at(".SH \"EXIT STATUS\"") < at(".SH \"SEE ALSO\"\n.BR emop (1)\n"));
  CHECK(man.ends_with(".SH \"SEE ALSO\"\n.BR emop (1)\n"));

  // Hidden commands and help flags appear nowhere.
  CHECK_FALSE(contains(man, "secret"));
  CHECK_FALSE(contains(man, "help"));

  CHECK(generate_man(d.app, demo_page()) == man);
}

TEST_CASE("man page renders without groff warnings") {
  if (!have("groff")) return;
  Demo d;
  TempFile f(".1", generate_man(d.app, demo_page()));
  auto r = run("groff -man -Tutf8 -ww -z " + sh_quote(f.path.string()) + " 2>&1");
  CHECK(r.status == 0);
  CHECK(r.out == "");
  auto text = run("groff -man -Tascii " + sh_quote(f.path.string()) + " 2>/dev/null | col -b");
  CHECK(contains(text.out, "--control UINT"));
  CHECK(contains(text.out, ".mask file; a\\b path"));
}

TEST_CASE("exit status roff lists every code with its meaning") {
  const std::string roff = exit_status_roff();
  CHECK(roff.starts_with(".TP\n.B 0\nsuccess\n.TP\n.B 1\ninternal error (a bug; please report it)\n"));
  CHECK(contains(roff, ".TP\n.B 4\nmeter or mediator unreachable, or timed out\n"));
  CHECK(contains(roff, ".TP\n.B 7\nitems of a batch failed: some of them, or all for different reasons\n.PP\n"));
  CHECK(roff.ends_with("are escaped as \\en, \\er, \\et or \\exNN.\n"));  // one line, control characters escaped
  std::size_t entries = 0;
  for (std::size_t p = roff.find(".TP\n"); p != std::string::npos; p = roff.find(".TP\n", p + 1)) ++entries;
  CHECK(entries == flows::exit_code_docs.size());
}

TEST_CASE("bash completion script: data per path, and completions when run") {
  Demo d;
  const std::string script = generate_bash(d.app);
  CHECK(contains(script, "\n_demo() {\n"));
  CHECK(script.ends_with("\ncomplete -F _demo demo\n"));
  CHECK(contains(script, "    'demo')\n      subs='frame paint'\n      opts='--json'\n"));
  CHECK(contains(script, "    'demo frame')\n      subs='decode encode'\n"));
  CHECK(contains(script, "    'demo frame|decode') child='decode' ;;\n"));
  CHECK(contains(script, "    'demo paint|-c'|'demo paint|--color') choices='red green blue' ;;\n"));
  CHECK_FALSE(contains(script, "secret"));

  TempFile f(".bash", script);
  CHECK(run("bash -n " + sh_quote(f.path.string())).status == 0);
  const std::string s = f.path.string();
  CHECK(bash_complete(s, {"demo", "fr"}) == "frame");
  CHECK(bash_complete(s, {"demo", ""}) == "frame paint");
  CHECK(bash_complete(s, {"demo", "frame", ""}) == "decode encode");
  CHECK(bash_complete(s, {"demo", "frame", "e"}) == "encode");
  CHECK(bash_complete(s, {"demo", "--json", "frame", "d"}) == "decode");
  CHECK(bash_complete(s, {"demo", "frame", "decode", "--"}) == "--twin --json");
  CHECK(bash_complete(s, {"demo", "frame", "encode", "--"}) == "--object --control --json");
  CHECK(bash_complete(s, {"demo", "paint", "--color", ""}) == "red green blue");
  CHECK(bash_complete(s, {"demo", "paint", "-c", "g"}) == "green");
  CHECK(bash_complete(s, {"demo", "paint", "--finish", ""}) == "matt gloss");
  // '=' is in COMP_WORDBREAKS, so "--color=b" arrives as three words.
  CHECK(bash_complete(s, {"demo", "paint", "--color", "=", "b"}) == "blue");
  CHECK(bash_complete(s, {"demo", "paint", "--color", "="}) == "red green blue");
  // An option's value is not taken for a subcommand.
  CHECK(bash_complete(s, {"demo", "frame", "encode", "--object", "decode", "--c"}) == "--control");
  // A free value: nothing offered (readline falls back to file names).
  CHECK(bash_complete(s, {"demo", "frame", "encode", "--object", ""}) == "");
  // Hidden commands are neither offered nor followed.
  CHECK(bash_complete(s, {"demo", "sec"}) == "");
}

TEST_CASE("without fallthrough, a subcommand does not offer its parent's options") {
  Demo d(false);
  TempFile f(".bash", generate_bash(d.app));
  CHECK(bash_complete(f.path.string(), {"demo", "frame", "decode", "--"}) == "--twin");
  CHECK(bash_complete(f.path.string(), {"demo", "--"}) == "--json");
}

TEST_CASE("zsh completion script") {
  Demo d;
  const std::string script = generate_zsh(d.app);
  CHECK(script.starts_with("#compdef demo\n"));
  CHECK(contains(script, "\n_demo() {\n"));
  CHECK(contains(script, "    'demo frame')\n      subs='decode encode'\n"));
  CHECK(contains(script, "compadd -- ${=subs}"));
  CHECK(contains(script, "    'demo paint|-c'|'demo paint|--color') choices='red green blue' ;;\n"));
  CHECK(script.ends_with("if [[ ${funcstack[1]} == _demo ]]; then\n  _demo \"$@\"\nelse\n  compdef _demo demo\nfi\n"));
  CHECK_FALSE(contains(script, "secret"));

  if (!have("zsh")) return;
  TempFile f(".zsh", script);
  CHECK(run("zsh -n " + sh_quote(f.path.string())).status == 0);
  const std::string s = f.path.string();
  CHECK(zsh_complete(s, {"demo", ""}) == "frame paint");
  CHECK(zsh_complete(s, {"demo", "frame", ""}) == "decode encode");
  CHECK(zsh_complete(s, {"demo", "--json", "frame", "decode", "-"}) == "--twin --json");
  CHECK(zsh_complete(s, {"demo", "paint", "-c", ""}) == "red green blue");
  CHECK(zsh_complete(s, {"demo", "frame", "decode", ""}) == "FILES");
}

TEST_CASE("fish completion script") {
  Demo d;
  const std::string script = generate_fish(d.app);
  CHECK(contains(script, "\ncomplete -c demo -f\n"));
  CHECK(contains(script, "\ncomplete -c demo -n __fish_use_subcommand -a frame -d 'inspect and build raw frames'\n"));
  CHECK(contains(script, "\ncomplete -c demo -l json -d 'print JSON instead of text'\n"));
  CHECK(contains(script, "\ncomplete -c demo -n '__fish_seen_subcommand_from frame; and not __fish_seen_subcommand_from "
                         "decode encode' -a decode -d 'decode a frame given as hex'\n"));
  CHECK(contains(script, "\ncomplete -c demo -n '__fish_seen_subcommand_from frame; and __fish_seen_subcommand_from "
                         "decode' -l twin -d 'decode twin-element records'\n"));
  CHECK(contains(script, "\ncomplete -c demo -n '__fish_seen_subcommand_from frame; and __fish_seen_subcommand_from "
                         "encode' -l control -r -F -d 'control byte'\n"));
  CHECK(contains(script, "\ncomplete -c demo -n '__fish_seen_subcommand_from paint' -s c -l color -x -a 'red green blue' "
                         "-d 'colour to use'\n"));
  CHECK(contains(script, "-l finish -x -a 'matt gloss'"));
  CHECK(contains(script, "-l mask -r -F -d '.mask file; a\\\\b path'\n"));
  CHECK_FALSE(contains(script, "secret"));

  if (!have("fish")) return;
  TempFile f(".fish", script);
  CHECK(run("fish -n " + sh_quote(f.path.string())).status == 0);
  const auto complete = [&](const std::string& line) {
    auto r = run("fish --no-config -c " + sh_quote("source " + sh_quote(f.path.string()) + "; complete -C " +
                                                   sh_quote(line) + " | cut -f1"));
    REQUIRE(r.status == 0);
    return r.out;
  };
  CHECK(complete("demo fr") == "frame");
  CHECK(complete("demo frame ") == "decode encode");
  CHECK(complete("demo paint --color ") == "blue green red");  // fish sorts
}

namespace {

// A tool with dynamic values (cli/complete.hpp) and two groups of commands.
struct Dynamic {
  CLI::App app{"A tool with serials.", "demo"};
  std::string env, serial, endpoint;
  std::vector<std::string> words, command;
  bool json = false;
  std::function<int()> action;
  Dynamic() {
    app.fallthrough();
    app.add_option("--env", env, "environment");
    app.add_flag("--json", json, "JSON");
    auto* read = app.add_subcommand("read", "read a meter")->group("Reads");
    complete_with(read->add_option("args", words, "SERIAL IDX"), "serials");
    complete_with(read->add_option("-s,--serial", serial, "serial"), "serials");
    auto* ctl = app.add_subcommand("ctl", "control")->group("Control");
    ctl->add_option("endpoint", endpoint, "HOST:PORT")->required();
    complete_with(ctl->add_option("command", command, "verb"), "ctl");
    add_complete_subcommand(app, {}, action);
  }
};

// A stand-in for the tool: prints its arguments one a line, so COMPREPLY shows
// what the script passed to `__complete`.
std::string dynamic_complete(const std::string& script, std::vector<std::string> words, const std::string& stub) {
  words.insert(words.begin(), stub);
  return bash_complete(script, words);
}

}  // namespace

TEST_CASE("dynamic values: the scripts ask `TOOL [root options] __complete KIND WORD…`") {
  Dynamic d;
  CHECK(dynamic_kind(*d.app.get_subcommand("read")->get_option("-s")) == "serials");
  CHECK(dynamic_kind(*d.app.get_subcommand("read")->get_option("--serial")) == "serials");
  CHECK(dynamic_kind(*d.app.get_option("--env")).empty());
  const std::string bash = generate_bash(d.app);
  CHECK(contains(bash, "'demo read|') (($3 >= 0)) && dyn='serials' dynfrom=0 ;;"));
  CHECK(contains(bash, "'demo ctl|') (($3 >= 1)) && dyn='ctl' dynfrom=1 ;;"));
  CHECK(contains(bash, "'demo read|-s'|'demo read|--serial') dyn='serials' ;;"));
  CHECK_FALSE(contains(bash, "__complete'"));  // hidden: not offered as a command
  TempFile script(".dyn.bash", bash);
  TempFile stub(".stub.sh", "#!/bin/sh\nprintf '%s\\n' \"$@\"\n");
  fs::permissions(stub.path, fs::perms::owner_all);
  const std::string tool = stub.path.string();
  // The serial: the argument's first word; the root's options (and values) passed on.
  CHECK(dynamic_complete(script.path, {"--env", "qa", "read", ""}, tool) == "--env qa __complete serials");
  CHECK(dynamic_complete(script.path, {"read", "--json", "EML1", ""}, tool) == "--json __complete serials EML1");
  CHECK(dynamic_complete(script.path, {"read", "-s", ""}, tool) == "__complete serials");
  // The control command after HOST:PORT, even when ':' broke it into three words.
  CHECK(dynamic_complete(script.path, {"ctl", "127.0.0.1:9", ""}, tool) == "__complete ctl");
  CHECK(dynamic_complete(script.path, {"ctl", "127.0.0.1", ":", "9", "fault", "X", ""}, tool) ==
        "__complete ctl fault X");
  // The endpoint itself is not a dynamic value: file names (nothing here).
  CHECK(dynamic_complete(script.path, {"ctl", ""}, tool).empty());
  // A tool that prints nothing, or fails, offers nothing.
  CHECK(dynamic_complete(script.path, {"read", ""}, "/bin/false").empty());

  const std::string fish = generate_fish(d.app);
  CHECK(contains(fish, "function __fish_demo_dynamic\n"));
  CHECK(contains(fish, "-a '(__fish_demo_dynamic serials 1 0)'"));
  CHECK(contains(fish, "-a '(__fish_demo_dynamic ctl 1 1)'"));
  CHECK(contains(fish, " -s s -l serial -x -a '(__fish_demo_dynamic serials 1)'"));
  CHECK(contains(generate_zsh(d.app), "__complete \"$dyn\""));
}

TEST_CASE("without __complete, the scripts ask the tool nothing") {
  Demo d;
  CHECK_FALSE(contains(generate_bash(d.app), "__complete"));
  CHECK_FALSE(contains(generate_zsh(d.app), "__complete"));
  CHECK_FALSE(contains(generate_fish(d.app), "__complete"));
}

TEST_CASE("man page: commands under their groups, one section each when there are several") {
  Dynamic d;
  const std::string man = generate_man(d.app, demo_page());
  const auto at = [&man](const std::string& s) { return man.find(s); };
  REQUIRE(at(".SH \"READS\"\n.SS \"demo read\"") != std::string::npos);
  REQUIRE(at(".SH \"CONTROL\"\n.SS \"demo ctl\"") != std::string::npos);
  CHECK(at(".SH \"READS\"") < at(".SH \"CONTROL\""));
  CHECK_FALSE(contains(man, ".SH COMMANDS"));
  CHECK_FALSE(contains(man, "__complete"));
  // One group: COMMANDS, as before.
  Demo one;
  CHECK(contains(generate_man(one.app, demo_page()), ".SH COMMANDS\n.SS \"demo frame\""));
}
