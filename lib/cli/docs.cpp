#include "cli/docs.hpp"

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string_view>

#include <boost/algorithm/string.hpp>

#include "cli/complete.hpp"
#include "core/exit_codes.hpp"

namespace flows::cli {
namespace {

// ---------------------------------------------------------------------------
// The visible command tree, flattened in definition order (pre-order).

struct Node {
  const CLI::App* app = nullptr;
  std::vector<std::string> path;                // tool name first: {"emop", "frame", "decode"}
  std::vector<const CLI::Option*> options;      // options with a - or -- name
  std::vector<const CLI::Option*> positionals;  // positional arguments
  std::vector<std::size_t> children;            // indexes into the tree
  std::optional<std::size_t> parent;
};
using Tree = std::vector<Node>;

bool hidden(const CLI::App& a) { return a.get_group().empty(); }

// Options of `a`, including those of its nameless subcommands (option groups),
// which CLI11 parses as if they were the parent's.
void collect_options(const CLI::App& a, Node& n) {
  for (const CLI::Option* o : a.get_options()) {
    if (o == a.get_help_ptr() || o == a.get_help_all_ptr() || o->get_group().empty()) continue;
    if (o->nonpositional()) n.options.push_back(o);
    else if (o->get_positional()) n.positionals.push_back(o);
  }
  for (const CLI::App* sub : a.get_subcommands([](const CLI::App*) { return true; }))
    if (sub->get_name().empty() && !hidden(*sub)) collect_options(*sub, n);
}

// Named, visible subcommands of `a`, looking through nameless ones.
void visible_subcommands(const CLI::App& a, std::vector<const CLI::App*>& out) {
  for (const CLI::App* sub : a.get_subcommands([](const CLI::App*) { return true; })) {
    if (hidden(*sub)) continue;
    if (sub->get_name().empty()) visible_subcommands(*sub, out);
    else out.push_back(sub);
  }
}

void add_node(Tree& t, const CLI::App& a, std::vector<std::string> path, std::optional<std::size_t> parent) {
  const std::size_t idx = t.size();
  t.push_back(Node{});
  t[idx].app = &a;
  t[idx].path = std::move(path);
  t[idx].parent = parent;
  collect_options(a, t[idx]);
  std::vector<const CLI::App*> subs;
  visible_subcommands(a, subs);
  for (const CLI::App* sub : subs) {
    t[idx].children.push_back(t.size());
    auto child_path = t[idx].path;
    child_path.push_back(sub->get_name());
    add_node(t, *sub, std::move(child_path), idx);
  }
}

Tree build_tree(const CLI::App& app, const std::string& root_name) {
  Tree t;
  add_node(t, app, {root_name}, std::nullopt);
  return t;
}

// Whether the app answers `__complete` (see cli/complete.hpp): only then do the
// scripts ask it for dynamic values.
bool answers_complete(const CLI::App& app) {
  return !app.get_subcommands([](const CLI::App* s) { return s->get_name() == "__complete"; }).empty();
}

using boost::algorithm::join;
using boost::algorithm::trim_copy;

std::string path_string(const Node& n) { return join(n.path, " "); }

// Own options, then the parent's when this command falls through to it, and so on up.
std::vector<const CLI::Option*> options_in_scope(const Tree& t, std::size_t idx) {
  std::vector<const CLI::Option*> out = t[idx].options;
  for (std::size_t i = idx; t[i].parent && t[i].app->get_fallthrough();) {
    i = *t[i].parent;
    out.insert(out.end(), t[i].options.begin(), t[i].options.end());
  }
  return out;
}

// ---------------------------------------------------------------------------
// Facts about one option.

std::vector<std::string> option_names(const CLI::Option& o) {
  std::vector<std::string> out;
  for (const auto& s : o.get_snames()) out.push_back("-" + s);
  for (const auto& l : o.get_lnames()) out.push_back("--" + l);
  return out;
}

bool is_flag(const CLI::Option& o) { return o.get_items_expected_max() == 0; }
bool takes_value(const CLI::Option& o) { return o.get_items_expected_min() > 0; }
bool repeats_value(const CLI::Option& o) { return o.get_items_expected_max() > 1; }

// Items of a SEP-separated list, each trimmed, empty ones dropped.
std::vector<std::string> split_list(std::string_view s, char sep) {
  std::vector<std::string> items;
  boost::algorithm::split(items, s, [sep](char c) { return c == sep; });
  for (auto& item : items) boost::algorithm::trim(item);
  std::erase_if(items, [](const std::string& item) { return item.empty(); });
  return items;
}

// The type name without the validator descriptions CLI11 appends after ':'.
std::string base_type_name(const CLI::Option& o) {
  const std::string full = o.get_type_name();
  return full.substr(0, full.find(':'));
}

// "(one of: a, b, c)" at the end of a description.
std::optional<std::string> described_choices(const std::string& desc) {
  static constexpr std::string_view marker = "(one of:";
  const std::string d = trim_copy(desc);
  const std::size_t at = d.rfind(marker);
  if (at == std::string::npos || d.empty() || d.back() != ')') return std::nullopt;
  return d.substr(at + marker.size(), d.size() - 1 - at - marker.size());
}

std::vector<std::string> choices(const CLI::Option& o) {
  // Validator descriptions follow the type name, each after a ':'. A set is
  // "{a,b}" (IsMember) or "value in {a->x,b->y} OR {x,y}" (CheckedTransformer).
  const std::string full = o.get_type_name();
  for (std::size_t colon = full.find(':'); colon != std::string::npos; colon = full.find(':', colon + 1)) {
    std::string_view rest = std::string_view(full).substr(colon + 1);
    if (rest.starts_with("value in ")) rest.remove_prefix(9);
    if (!rest.starts_with('{')) continue;
    const std::size_t close = rest.find('}');
    if (close == std::string_view::npos) continue;
    std::vector<std::string> out;
    for (auto& item : split_list(rest.substr(1, close - 1), ',')) {
      if (auto arrow = item.find("->"); arrow != std::string::npos) item.resize(arrow);
      out.push_back(item);
    }
    if (!out.empty()) return out;
  }
  if (auto listed = described_choices(o.get_description())) return split_list(*listed, ',');
  return {};
}

// Choices of any positional argument of a command (offered where an argument goes).
std::vector<std::string> positional_choices(const Node& n) {
  std::vector<std::string> out;
  for (const CLI::Option* p : n.positionals) {
    auto c = choices(*p);
    out.insert(out.end(), c.begin(), c.end());
  }
  return out;
}

std::string value_label(const CLI::Option& o) {
  if (!o.get_option_text().empty()) return o.get_option_text();
  std::string t = base_type_name(o);
  return t.empty() ? "VALUE" : t;
}

std::string first_line(const std::string& s) { return trim_copy(s.substr(0, s.find('\n'))); }

// ---------------------------------------------------------------------------
// roff

// Text for roff: backslashes printed as such, no line taken for a request, and a
// hyphen in a word that starts with one (an option name) kept a minus sign.
std::string roff_text(std::string_view s, bool all_hyphens = false) {
  std::string out;
  bool line_start = true;
  bool in_dash_word = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (line_start && (c == '.' || c == '\'')) out += "\\&";
    line_start = c == '\n';
    const bool word_start = i == 0 || std::isspace(static_cast<unsigned char>(s[i - 1])) || s[i - 1] == '(' ||
                            s[i - 1] == '[' || s[i - 1] == '"' || s[i - 1] == '`';
    if (std::isspace(static_cast<unsigned char>(c))) in_dash_word = false;
    else if (word_start) in_dash_word = c == '-';
    if (c == '\\') out += "\\e";
    else if (c == '-' && (all_hyphens || in_dash_word)) out += "\\-";
    else out += c;
  }
  return out;
}

// Something the user types (a command, an option, a value): every hyphen a minus.
std::string roff_literal(std::string_view s) { return roff_text(s, true); }

// A quoted macro argument.
std::string roff_arg(std::string_view s, bool literal) {
  std::string out = "\"";
  for (char c : roff_text(s, literal)) {
    if (c == '"') out += "\\(dq";
    else if (c == '\n') out += ' ';
    else out += c;
  }
  return out + "\"";
}

std::string bold(std::string_view s) { return "\\fB" + roff_literal(s) + "\\fR"; }
std::string italic(std::string_view s) { return "\\fI" + roff_literal(s) + "\\fR"; }

// Multi-line prose; a blank line becomes vertical space (roff warns about empty lines).
std::string roff_paragraph(const std::string& s) {
  std::string out;
  std::size_t start = 0;
  while (start < s.size()) {
    std::size_t end = s.find('\n', start);
    if (end == std::string::npos) end = s.size();
    const std::string line = trim_copy(s.substr(start, end - start));
    out += line.empty() ? ".sp\n" : roff_text(line) + "\n";
    start = end + 1;
  }
  return out;
}

std::string usage_line(const Node& n, std::string_view options_label) {
  std::string out = bold(path_string(n));
  bool optional_options = false;
  for (const CLI::Option* o : n.options) {
    if (!o->get_required()) {
      optional_options = true;
      continue;
    }
    out += " " + bold(option_names(*o).back());
    if (!is_flag(*o)) out += " " + italic(value_label(*o));
  }
  if (optional_options) out += " [" + italic(options_label) + "]";
  for (const CLI::Option* p : n.positionals) {
    std::string arg = italic(p->get_name(true));
    if (repeats_value(*p)) arg += "...";
    out += " " + (p->get_required() ? arg : "[" + arg + "]");
  }
  if (!n.children.empty())
    out += n.app->get_require_subcommand_min() > 0 ? " " + italic("COMMAND") : " [" + italic("COMMAND") + "]";
  return out;
}

std::string option_entry(const CLI::Option& o) {
  std::string tag;
  if (o.nonpositional()) {
    const auto names = option_names(o);
    for (std::size_t i = 0; i < names.size(); ++i) tag += (i ? ", " : "") + bold(names[i]);
    if (!is_flag(o)) {
      const std::string label = italic(value_label(o));
      tag += " " + (takes_value(o) ? label : "[" + label + "]");
    }
  } else {
    tag = italic(o.get_name(true));
  }
  if (repeats_value(o)) tag += "...";

  std::string body = trim_copy(o.get_description());
  std::vector<std::string> notes;
  if (o.get_required()) notes.push_back("required");
  if (const auto c = choices(o); !c.empty() && !described_choices(o.get_description())) {
    std::vector<std::string> b;
    for (const auto& v : c) b.push_back(bold(v));
    notes.push_back("one of: " + join(b, ", "));
  }
  if (!o.get_default_str().empty()) notes.push_back("default: " + bold(o.get_default_str()));
  if (!o.get_envname().empty()) notes.push_back("environment: " + bold(o.get_envname()));

  std::string out = ".TP\n" + tag + "\n";
  out += body.empty() ? std::string() : roff_paragraph(body);
  if (!notes.empty()) out += "(" + join(notes, "; ") + ")\n";
  return out;
}

// ---------------------------------------------------------------------------
// Shell script helpers

std::string sh_quote(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

std::string fish_quote(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c == '\n' ? ' ' : c;
  }
  return out + "'";
}

// A fish word, quoted only when it has to be.
std::string fish_word(std::string_view s) {
  const bool plain = !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("_-.,:/+=@%").find(c) != std::string_view::npos;
  });
  return plain ? std::string(s) : fish_quote(s);
}

std::string function_name(const std::string& tool) {
  std::string out = "_";
  for (char c : tool) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return out;
}

std::string require_name(const CLI::App& app) {
  if (app.get_name().empty()) throw std::invalid_argument("completion scripts need the app to have a name");
  return app.get_name();
}

std::vector<std::string> names_of(const std::vector<const CLI::Option*>& opts, bool value_only) {
  std::vector<std::string> out;
  for (const CLI::Option* o : opts) {
    if (value_only && !takes_value(*o)) continue;
    for (auto& n : option_names(*o)) out.push_back(std::move(n));
  }
  return out;
}

// FN_dynamic PATH OPTION N: the kind `TOOL __complete` lists for OPTION at PATH, or
// (OPTION '') for the command's argument word N (from 0), if any (dyn), and the
// index of the first word of that argument (dynfrom; N for an option, so that no
// words are passed).
std::string shell_dynamic(const Tree& t, const std::string& fn) {
  std::string out;
  out += "# " + fn + "_dynamic PATH OPTION N: what `__complete` lists for OPTION at PATH, or for\n"
         "# argument word N (OPTION ''), if anything (dyn), and where that argument's words start (dynfrom).\n";
  out += fn + "_dynamic() {\n  dyn='' dynfrom=$3\n  case $1'|'$2 in\n";
  for (std::size_t i = 0; i < t.size(); ++i) {
    const std::string path = path_string(t[i]);
    for (const CLI::Option* o : options_in_scope(t, i)) {
      const std::string kind = dynamic_kind(*o);
      if (kind.empty() || !takes_value(*o)) continue;
      std::vector<std::string> pats;
      for (const auto& name : option_names(*o)) pats.push_back(sh_quote(path + "|" + name));
      out += "    " + join(pats, "|") + ") dyn=" + sh_quote(kind) + " ;;\n";
    }
    std::vector<std::string> tests;
    int start = 0;
    for (const CLI::Option* p : t[i].positionals) {
      const int max = p->get_items_expected_max();
      const bool unbounded = max >= (1 << 20);
      if (const std::string kind = dynamic_kind(*p); !kind.empty()) {
        std::string cond = "$3 >= " + std::to_string(start);
        if (!unbounded) cond += " && $3 < " + std::to_string(start + max);
        tests.push_back("((" + cond + ")) && dyn=" + sh_quote(kind) + " dynfrom=" + std::to_string(start));
      }
      if (unbounded) break;
      start += max;
    }
    if (!tests.empty()) out += "    " + sh_quote(path + "|") + ") " + join(tests, "; ") + " ;;\n";
  }
  out += "  esac\n  return 0\n}\n\n";
  return out;
}

// The data functions shared by the bash and zsh scripts (the syntax used is common
// to both): the facts of each command path, subcommand names (aliases included)
// mapped to the canonical name, and the choices of each option.
std::string shell_data(const Tree& t, const std::string& fn, bool dynamic) {
  std::string out;
  out += "# " + fn + "_node PATH: subcommands (subs), options in scope (opts), those taking a value\n"
         "# (vals), and whether the command takes arguments (args).\n";
  out += fn + "_node() {\n  subs='' opts='' vals='' args=0\n  case $1 in\n";
  for (std::size_t i = 0; i < t.size(); ++i) {
    const Node& n = t[i];
    std::vector<std::string> subs;
    for (std::size_t c : n.children) subs.push_back(t[c].path.back());
    const auto scope = options_in_scope(t, i);
    out += "    " + sh_quote(path_string(n)) + ")\n      subs=" + sh_quote(join(subs, " ")) +
           "\n      opts=" + sh_quote(join(names_of(scope, false), " ")) +
           "\n      vals=" + sh_quote(join(names_of(scope, true), " ")) +
           "\n      args=" + (n.positionals.empty() ? "0" : "1") + " ;;\n";
  }
  out += "  esac\n}\n\n";

  out += "# " + fn + "_child PATH WORD: the subcommand WORD names at PATH, if any (child).\n";
  out += fn + "_child() {\n  child=''\n  case $1'|'$2 in\n";
  for (const Node& n : t) {
    if (!n.parent) continue;
    const std::string parent = path_string(t[*n.parent]);
    std::vector<std::string> pats{sh_quote(parent + "|" + n.path.back())};
    for (const auto& alias : n.app->get_aliases()) pats.push_back(sh_quote(parent + "|" + alias));
    out += "    " + join(pats, "|") + ") child=" + sh_quote(n.path.back()) + " ;;\n";
  }
  out += "  esac\n}\n\n";

  out += "# " + fn + "_choices PATH OPTION: the values OPTION takes at PATH, if a fixed set\n"
         "# (choices); OPTION '' stands for the command's arguments.\n";
  out += fn + "_choices() {\n  choices=''\n  case $1'|'$2 in\n";
  for (std::size_t i = 0; i < t.size(); ++i) {
    const std::string path = path_string(t[i]);
    for (const CLI::Option* o : options_in_scope(t, i)) {
      const auto c = choices(*o);
      if (c.empty() || !takes_value(*o)) continue;
      std::vector<std::string> pats;
      for (const auto& name : option_names(*o)) pats.push_back(sh_quote(path + "|" + name));
      out += "    " + join(pats, "|") + ") choices=" + sh_quote(join(c, " ")) + " ;;\n";
    }
    if (const auto c = positional_choices(t[i]); !c.empty())
      out += "    " + sh_quote(path + "|") + ") choices=" + sh_quote(join(c, " ")) + " ;;\n";
  }
  out += "  esac\n}\n\n";
  if (dynamic) out += shell_dynamic(t, fn);
  return out;
}

// The walk over the words before the cursor, common to bash and zsh: follows
// subcommands, skips options and their values, and stops at "--".
std::string shell_walk(const std::string& fn, std::string_view first_index, std::string_view word, bool dynamic,
                       bool colons_split) {
  std::string out;
  out += "  " + fn + "_node \"$cmdpath\"\n";
  out += "  for ((i = " + std::string(first_index) + "; i < cword; i++)); do\n";
  out += "    w=" + std::string(word) + "\n";
  out += "    if [[ -n $pending ]]; then\n"
         "      # \"--opt=value\" comes as \"--opt\" \"=\" \"value\" when '=' breaks words\n"
         "      [[ $w == = ]] || pending=''\n";
  if (dynamic)
    out += "      if ((forward)) && [[ $w != = ]]; then\n"
           "        [[ $w == '~/'* ]] && w=$HOME/${w#'~/'}\n"
           "        fwd+=(\"$w\")\n"
           "        forward=0\n"
           "      fi\n";
  out += "      continue\n"
         "    fi\n";
  if (dynamic) out += "    if ((dashdash)); then argw+=(\"$w\"); continue; fi\n";
  else out += "    if ((dashdash)); then continue; fi\n";
  out += "    case $w in\n"
         "      --) dashdash=1 ;;\n";
  if (dynamic)
    out += "      -*=*) [[ \" $rootopts \" == *\" ${w%%=*} \"* ]] && fwd+=(\"$w\") ;;\n"
           "      -*)\n"
           "        [[ \" $vals \" == *\" $w \"* ]] && pending=$w\n"
           "        # the tool's own options, passed on to `__complete` (an environment, an inventory)\n"
           "        if [[ \" $rootopts \" == *\" $w \"* ]]; then\n"
           "          fwd+=(\"$w\")\n"
           "          [[ -n $pending ]] && forward=1\n"
           "        fi ;;\n";
  else
    out += "      -*=*) ;;\n"
           "      -*) [[ \" $vals \" == *\" $w \"* ]] && pending=$w ;;\n";
  out += "      *)\n"
         "        " + fn + "_child \"$cmdpath\" \"$w\"\n"
         "        if [[ -n $child ]]; then\n"
         "          cmdpath+=\" $child\"\n"
         "          " + fn + "_node \"$cmdpath\"\n";
  if (dynamic) {
    out += "          argw=()\n";
    if (colons_split)
      out += "        elif [[ $w == : || $glue == 1 ]] && ((${#argw[@]})); then\n"
             "          # \"HOST:PORT\" comes as \"HOST\" \":\" \"PORT\" when ':' breaks words\n"
             "          argw[${#argw[@]}-1]+=$w\n"
             "          [[ $w == : ]] && glue=1 || glue=0\n";
    out += "        else\n"
           "          argw+=(\"$w\")\n";
  }
  out += "        fi ;;\n"
         "    esac\n"
         "  done\n";
  return out;
}

std::string generated_note(const std::string& tool, std::string_view kind) {
  return "# Generated by `" + tool + " generate-docs " + std::string(kind) +
         "` from the tool's CLI definition; do not edit.\n";
}

// fish: "__fish_seen_subcommand_from a b" for a node, its aliases included.
std::string fish_seen(const Node& n) {
  std::string out = "__fish_seen_subcommand_from " + n.path.back();
  for (const auto& alias : n.app->get_aliases()) out += " " + alias;
  return out;
}

// fish condition: every command on the path to n has been typed.
std::vector<std::string> fish_path_conditions(const Tree& t, const Node& n) {
  std::vector<std::string> conds;
  std::vector<const Node*> chain;
  for (const Node* p = &n; p->parent; p = &t[*p->parent]) chain.insert(chain.begin(), p);
  for (const Node* p : chain) conds.push_back(fish_seen(*p));
  return conds;
}

std::string fish_not_seen(const Tree& t, const std::vector<std::size_t>& nodes) {
  std::string out = "not __fish_seen_subcommand_from";
  for (std::size_t c : nodes) {
    out += " " + t[c].path.back();
    for (const auto& alias : t[c].app->get_aliases()) out += " " + alias;
  }
  return out;
}

std::string fish_line(const std::string& tool, const std::vector<std::string>& conds, const std::string& rest) {
  std::string out = "complete -c " + tool;
  if (!conds.empty()) out += " -n " + fish_word(join(conds, "; and "));
  return out + rest + "\n";
}

}  // namespace

// ---------------------------------------------------------------------------

std::string generate_man(const CLI::App& app, const ManPage& page) {
  const std::string name = page.name.empty() ? app.get_name() : page.name;
  const Tree t = build_tree(app, name);
  std::string upper;
  for (char c : name) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));

  std::string out;
  out += ".\\\" " + generated_note(name, "man").substr(2);
  out += ".TH " + roff_literal(upper) + " 1 " + roff_arg(page.date, false) + " " +
         roff_arg("flows " + page.version, false) + " " + roff_arg("Flows Manual", false) + "\n";
  out += ".SH NAME\n" + roff_literal(name) + " \\- " + roff_text(page.summary) + "\n";
  out += ".SH SYNOPSIS\n" + usage_line(t[0], "GLOBAL OPTIONS") + "\n";
  out += ".SH DESCRIPTION\n" + page.description;
  if (!page.description.empty() && page.description.back() != '\n') out += "\n";

  if (!t[0].options.empty() || !t[0].positionals.empty()) {
    out += ".SH GLOBAL OPTIONS\n";
    for (const CLI::Option* p : t[0].positionals) out += option_entry(*p);
    for (const CLI::Option* o : t[0].options) out += option_entry(*o);
  }

  // The commands under their groups (as --help shows them), each group a section of
  // its own when there are several; a command's subcommands follow it.
  std::vector<std::string> groups;
  for (std::size_t c : t[0].children)
    if (std::find(groups.begin(), groups.end(), t[c].app->get_group()) == groups.end())
      groups.push_back(t[c].app->get_group());
  for (const std::string& group : groups) {
    std::string title = "COMMANDS";
    if (groups.size() > 1) {
      title.clear();
      for (char c : group) title += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    out += ".SH " + (groups.size() > 1 ? roff_arg(title, false) : title) + "\n";
    for (std::size_t k = 0; k < t[0].children.size(); ++k) {
      const std::size_t top = t[0].children[k];
      if (t[top].app->get_group() != group) continue;
      const std::size_t end = k + 1 < t[0].children.size() ? t[0].children[k + 1] : t.size();
      for (std::size_t i = top; i < end; ++i) {
        const Node& n = t[i];
        out += ".SS " + roff_arg(path_string(n), true) + "\n";
        if (auto d = trim_copy(n.app->get_description()); !d.empty()) out += roff_paragraph(d);
        if (!n.app->get_aliases().empty()) {
          std::vector<std::string> a;
          for (const auto& alias : n.app->get_aliases()) a.push_back(bold(alias));
          out += "(also " + join(a, ", ") + ")\n";
        }
        out += ".PP\n" + usage_line(n, "OPTIONS") + "\n";
        for (const CLI::Option* p : n.positionals) out += option_entry(*p);
        for (const CLI::Option* o : n.options) out += option_entry(*o);
        if (!n.children.empty()) {
          std::vector<std::string> subs;
          for (std::size_t c : n.children) subs.push_back(bold(t[c].path.back()));
          out += ".PP\nCommands: " + join(subs, ", ") + ".\n";
        }
      }
    }
  }

  for (const auto& s : page.extra_sections) {
    out += ".SH " + roff_arg(s.title, false) + "\n" + s.roff;
    if (!s.roff.empty() && s.roff.back() != '\n') out += "\n";
  }
  return out;
}

namespace {
// The root's option names, which the scripts pass on to `__complete`.
std::string root_option_names(const Tree& t) { return join(names_of(t[0].options, false), " "); }
}  // namespace

std::string generate_bash(const CLI::App& app) {
  const std::string tool = require_name(app);
  const std::string fn = function_name(tool);
  const Tree t = build_tree(app, tool);
  const bool dynamic = answers_complete(app);

  std::string out = "# bash completion for " + tool + "\n" + generated_note(tool, "bash") + "\n";
  out += shell_data(t, fn, dynamic);
  out += fn + "() {\n"
        "  local cur=${COMP_WORDS[COMP_CWORD]} cword=$COMP_CWORD cmdpath=" + sh_quote(tool) + "\n"
        "  local pending='' dashdash=0 w i subs opts vals args child choices\n";
  if (dynamic)
    out += "  local rootopts=" + sh_quote(root_option_names(t)) + " forward=0 glue=0 dyn dynfrom\n"
           "  local -a fwd=() argw=()\n";
  out += shell_walk(fn, "1", "${COMP_WORDS[i]}", dynamic, true);
  out += "  COMPREPLY=()\n"
         "  if [[ -n $pending ]]; then\n"
         "    [[ $cur == = ]] && cur=''\n"
         "    " + fn + "_choices \"$cmdpath\" \"$pending\"\n";
  if (dynamic) out += "    [[ -z $choices ]] && " + fn + "_dynamic \"$cmdpath\" \"$pending\" ${#argw[@]}\n";
  out += "  elif ((dashdash)); then\n"
         "    " + fn + "_choices \"$cmdpath\" ''\n"
         "  elif [[ $cur == --*=* ]]; then\n"
         "    " + fn + "_choices \"$cmdpath\" \"${cur%%=*}\"\n"
         "    [[ -n $choices ]] && mapfile -t COMPREPLY < <(compgen -P \"${cur%%=*}=\" -W \"$choices\" -- \"${cur#*=}\")\n"
         "    return 0\n"
         "  elif [[ $cur == -* ]]; then\n"
         "    mapfile -t COMPREPLY < <(compgen -W \"$opts\" -- \"$cur\")\n"
         "    return 0\n"
         "  elif [[ -n $subs ]]; then\n"
         "    mapfile -t COMPREPLY < <(compgen -W \"$subs\" -- \"$cur\")\n"
         "    return 0\n"
         "  elif ((args)); then\n"
         "    " + fn + "_choices \"$cmdpath\" ''\n";
  if (dynamic) out += "    [[ -z $choices ]] && " + fn + "_dynamic \"$cmdpath\" '' ${#argw[@]}\n";
  out += "  else\n"
         "    mapfile -t COMPREPLY < <(compgen -W \"$opts\" -- \"$cur\")\n"
         "    return 0\n"
         "  fi\n";
  if (dynamic)
    out += "  if [[ -n $dyn ]]; then\n"
           "    # values only the tool knows (serials): it prints them, or nothing\n"
           "    choices=$(\"${COMP_WORDS[0]}\" \"${fwd[@]}\" __complete \"$dyn\" \"${argw[@]:dynfrom}\" 2>/dev/null </dev/null)\n"
           "    mapfile -t COMPREPLY < <(compgen -W \"$choices\" -- \"$cur\")\n"
           "    return 0\n"
           "  fi\n";
  out += "  if [[ -n $choices ]]; then\n"
         "    mapfile -t COMPREPLY < <(compgen -W \"$choices\" -- \"$cur\")\n"
         "  else\n"
         "    compopt -o default 2>/dev/null || :  # a file name, or any value\n"
         "  fi\n"
         "  return 0\n"
         "}\n\n"
         "complete -F " + fn + " " + tool + "\n";
  return out;
}

std::string generate_zsh(const CLI::App& app) {
  const std::string tool = require_name(app);
  const std::string fn = function_name(tool);
  const Tree t = build_tree(app, tool);
  const bool dynamic = answers_complete(app);

  std::string out = "#compdef " + tool + "\n# zsh completion for " + tool + "\n" + generated_note(tool, "zsh") + "\n";
  out += shell_data(t, fn, dynamic);
  // `path` is special in zsh (tied to PATH), hence cmdpath.
  out += fn + "() {\n"
        "  local cur=${words[CURRENT]} cword=$CURRENT cmdpath=" + sh_quote(tool) + "\n"
        "  local pending='' dashdash=0 w i subs opts vals args child choices\n";
  if (dynamic)
    out += "  local rootopts=" + sh_quote(root_option_names(t)) + " forward=0 dyn dynfrom\n"
           "  local -a fwd argw\n";
  out += shell_walk(fn, "2", "${words[i]}", dynamic, false);
  out += "  if [[ -n $pending ]]; then\n"
         "    " + fn + "_choices \"$cmdpath\" \"$pending\"\n";
  if (dynamic) out += "    [[ -z $choices ]] && " + fn + "_dynamic \"$cmdpath\" \"$pending\" ${#argw[@]}\n";
  out += "  elif ((dashdash)); then\n"
         "    " + fn + "_choices \"$cmdpath\" ''\n"
         "  elif [[ $cur == --*=* ]]; then\n"
         "    " + fn + "_choices \"$cmdpath\" \"${cur%%=*}\"\n"
         "    compset -P '*='\n"
         "  elif [[ $cur == -* ]]; then\n"
         "    compadd -- ${=opts}\n"
         "    return\n"
         "  elif [[ -n $subs ]]; then\n"
         "    compadd -- ${=subs}\n"
         "    return\n"
         "  elif ((args)); then\n"
         "    " + fn + "_choices \"$cmdpath\" ''\n";
  if (dynamic) out += "    [[ -z $choices ]] && " + fn + "_dynamic \"$cmdpath\" '' ${#argw[@]}\n";
  out += "  else\n"
         "    compadd -- ${=opts}\n"
         "    return\n"
         "  fi\n";
  if (dynamic)
    out += "  if [[ -n $dyn ]]; then\n"
           "    # values only the tool knows (serials): it prints them, or nothing\n"
           "    choices=$(\"${words[1]}\" \"${fwd[@]}\" __complete \"$dyn\" \"${argw[@]:$dynfrom}\" 2>/dev/null </dev/null)\n"
           "    compadd -- ${(f)choices}\n"
           "    return\n"
           "  fi\n";
  out += "  if [[ -n $choices ]]; then\n"
         "    compadd -- ${=choices}\n"
         "  else\n"
         "    _files  # a file name, or any value\n"
         "  fi\n"
         "}\n\n"
         "if [[ ${funcstack[1]} == " + fn + " ]]; then\n"
         "  " + fn + " \"$@\"\n"
         "else\n"
         "  compdef " + fn + " " + tool + "\n"
         "fi\n";
  return out;
}

namespace {

// What the fish lines of one tool share.
struct FishContext {
  std::string tool;
  Tree tree;
  bool dynamic = false;  // the tool answers `__complete KIND`
  std::string helper;    // the fish function that asks it
};

// The fish function behind dynamic completions.
std::string fish_dynamic_helper(const FishContext& f) {
  return "\n# " + f.helper + " KIND DEPTH [FROM]: what `" + f.tool + " __complete KIND` lists, given the words of\n"
         "# the argument that starts at word FROM (from 0) after the DEPTH command words (none without FROM).\n"
         "function " + f.helper + "\n"
         "    set -l words (commandline -opc)\n"
         "    set -l args\n"
         "    for w in $words[2..-1]\n"
         "        string match -q -- '-*' $w; or set -a args $w\n"
         "    end\n"
         "    set -l skip $argv[2]\n"
         "    if set -q argv[3]\n"
         "        set skip (math $skip + $argv[3])\n"
         "    else\n"
         "        set skip (count $args)\n"
         "    end\n"
         "    test (count $args) -ge $skip; or return 0\n"
         "    for i in (seq $skip)\n"
         "        set -e args[1]\n"
         "    end\n"
         "    $words[1] __complete $argv[1] $args 2>/dev/null </dev/null\n"
         "end\n";
}

// Subcommands (not their aliases, as in bash and zsh), while none has been typed yet.
std::string fish_subcommands(const FishContext& f, const Node& n, std::vector<std::string> conds) {
  if (!n.parent) conds = {"__fish_use_subcommand"};
  else if (!n.children.empty()) conds.push_back(fish_not_seen(f.tree, n.children));
  std::string out;
  for (std::size_t c : n.children)
    out += fish_line(f.tool, conds, " -a " + fish_word(f.tree[c].path.back()) + " -d " +
                                        fish_quote(first_line(f.tree[c].app->get_description())));
  return out;
}

// Options: valid here and below, except under subcommands that do not fall through.
std::string fish_options(const FishContext& f, const Node& n, std::vector<std::string> conds) {
  std::vector<std::size_t> closed;
  for (std::size_t c : n.children)
    if (!f.tree[c].app->get_fallthrough()) closed.push_back(c);
  if (!closed.empty()) conds.push_back(fish_not_seen(f.tree, closed));
  std::string out;
  for (const CLI::Option* o : n.options) {
    std::string rest;
    for (const auto& s : o->get_snames()) rest += " -s " + fish_word(s);
    for (const auto& l : o->get_lnames()) rest += " -l " + fish_word(l);
    if (takes_value(*o)) {
      const auto c = choices(*o);
      const std::string kind = f.dynamic ? dynamic_kind(*o) : "";
      if (!c.empty()) rest += " -x -a " + fish_quote(join(c, " "));
      else if (!kind.empty())
        rest += " -x -a " + fish_quote("(" + f.helper + " " + kind + " " + std::to_string(n.path.size() - 1) + ")");
      else rest += " -r -F";
    }
    if (auto d = first_line(o->get_description()); !d.empty()) rest += " -d " + fish_quote(d);
    out += fish_line(f.tool, conds, rest);
  }
  return out;
}

// Arguments: what `__complete` lists, their choices, or file names.
std::string fish_arguments(const FishContext& f, const Node& n, std::vector<std::string> conds) {
  if (n.positionals.empty()) return "";
  if (!n.children.empty()) conds.push_back(fish_not_seen(f.tree, n.children));
  std::string out;
  bool listed = false;
  int start = 0;
  for (const CLI::Option* p : n.positionals) {
    if (const std::string kind = f.dynamic ? dynamic_kind(*p) : ""; !kind.empty()) {
      out += fish_line(f.tool, conds, " -a " + fish_quote("(" + f.helper + " " + kind + " " +
                                                         std::to_string(n.path.size() - 1) + " " +
                                                         std::to_string(start) + ")"));
      listed = true;
    }
    if (p->get_items_expected_max() >= (1 << 20)) break;
    start += p->get_items_expected_max();
  }
  if (const auto c = positional_choices(n); !c.empty()) out += fish_line(f.tool, conds, " -a " + fish_quote(join(c, " ")));
  else if (!listed) out += fish_line(f.tool, conds, " -F");
  return out;
}

}  // namespace

std::string generate_fish(const CLI::App& app) {
  FishContext f;
  f.tool = require_name(app);
  f.tree = build_tree(app, f.tool);
  f.dynamic = answers_complete(app);
  f.helper = "__fish" + function_name(f.tool) + "_dynamic";

  std::string out = "# fish completion for " + f.tool + "\n" + generated_note(f.tool, "fish");
  out += "complete -c " + f.tool + " -f\n";
  if (f.dynamic) out += fish_dynamic_helper(f);
  for (const Node& n : f.tree) {
    const auto here = fish_path_conditions(f.tree, n);
    out += "\n# " + path_string(n) + "\n" + fish_subcommands(f, n, here) + fish_options(f, n, here) +
           fish_arguments(f, n, here);
  }
  return out;
}

std::string exit_status_roff() {
  std::string out;
  for (const auto& d : exit_code_docs)
    out += ".TP\n.B " + std::to_string(to_int(d.code)) + "\n" + roff_text(d.meaning) + "\n";
  return out + ".PP\n" +
         roff_text("An error is one line on standard error, starting with the tool's name; a warning starts "
                   "with the tool's name and \"warning:\"; no other line on standard error (summaries, progress, "
                   "debug lines) starts with the tool's name. Control characters in an error (from a serial, a file "
                   "name, a document) are escaped as \\n, \\r, \\t or \\xNN.") +
         "\n";
}

}  // namespace flows::cli
