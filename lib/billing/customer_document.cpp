#include "billing/customer_document.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include <yaml-cpp/yaml.h>

#include "core/csv.hpp"
#include "core/emop_time.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "core/yaml_values.hpp"

namespace flows::billing {
namespace {

const std::set<std::string> fields{"email", "name", "esco", "plot", "role", "account", "move_in", "status"};

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

NewCustomer at_line(int line) {
  NewCustomer c;
  c.line = line;
  return c;
}

[[noreturn]] void fail(const NewCustomer& c, const std::string& source, const std::string& msg) {
  throw usage_error(where(c, source) + msg);
}

// Sets the field `key` of `c` from its text; the checks are validate's.
void set_field(NewCustomer& c, const std::string& key, const std::string& value, const std::string& source) {
  if (key == "email") c.email = value;
  else if (key == "name") c.name = value;
  else if (key == "esco") c.esco = value;
  else if (key == "plot") c.plot = value;
  else if (key == "role") c.role = value.empty() ? "occupier" : value;
  else if (key == "account") c.account_type = value.empty() ? "supply" : value;
  else if (key == "move_in") {
    if (value.empty()) return;
    auto d = parse_date(value);
    if (!d) fail(c, source, "move_in '" + value + "' is not a date YYYY-MM-DD");
    c.move_in = *d;
  } else if (key == "status") {
    if (value.empty()) return;
    auto s = parse_customer_status(value);
    if (!s) fail(c, source, "status '" + value + "' is not one of " + customer_status_names());
    c.status = *s;
  } else {
    fail(c, source, "unknown field " + key + " (fields: email, name, esco, plot, role, account, move_in, status)");
  }
}

std::vector<NewCustomer> from_csv(const std::string& text, const std::string& source) {
  const auto records = parse_csv(text, source);
  if (records.empty()) throw usage_error(source + ": no header row (email,name,esco,plot,role,account,move_in,status)");
  const auto& header = records.front();
  std::vector<std::string> columns;
  for (const auto& h : header.cells) {
    const NewCustomer at = at_line(header.line);
    const std::string name = lower(std::string(trim_blanks(h)));
    if (!fields.count(name)) fail(at, source, "unknown column '" + h + "' (columns: " + "email, name, esco, plot, role, account, move_in, status)");
    if (std::count(columns.begin(), columns.end(), name)) fail(at, source, "column " + name + " twice");
    columns.push_back(name);
  }
  if (!std::count(columns.begin(), columns.end(), "email")) fail(at_line(header.line), source, "no email column");
  std::vector<NewCustomer> out;
  for (std::size_t i = 1; i < records.size(); ++i) {
    NewCustomer c;
    c.line = records[i].line;
    if (records[i].cells.size() != columns.size())
      fail(c, source, std::to_string(records[i].cells.size()) + " cells where the header has " +
                          std::to_string(columns.size()));
    for (std::size_t k = 0; k < columns.size(); ++k)
      set_field(c, columns[k], std::string(trim_blanks(records[i].cells[k])), source);
    out.push_back(std::move(c));
  }
  return out;
}

std::vector<NewCustomer> from_yaml(const std::string& text, const std::string& source) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    yaml_values::rethrow(e, source, ExitCode::usage);
  }
  YAML::Node list = root;
  if (root.IsMap()) {
    for (const auto& kv : root)
      if (yaml_values::key(kv.first, source, ExitCode::usage) != "customers")
        yaml_values::fail(ExitCode::usage, source, kv.first.Mark(), "unknown key " + kv.first.Scalar() + " (expected customers)");
    list = root["customers"];
  }
  if (!list || !list.IsSequence())
    yaml_values::fail(ExitCode::usage, source, root.Mark(), "expected a list of customers (or a mapping with `customers:`)");
  std::vector<NewCustomer> out;
  for (const auto& item : list) {
    NewCustomer c;
    c.line = item.Mark().line + 1;
    if (!item.IsMap()) fail(c, source, "a customer must be a mapping of email, name, esco, plot, …");
    for (const auto& kv : item) {
      const std::string k = yaml_values::key(kv.first, source, ExitCode::usage);
      set_field(c, k, kv.second.IsNull() ? "" : yaml_values::scalar<std::string>(kv.second, source, k, ExitCode::usage), source);
    }
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace

std::string where(const NewCustomer& c, const std::string& source) {
  return c.line > 0 ? source + ":" + std::to_string(c.line) + ": " : std::string();
}

bool valid_email(const std::string& email) {
  if (email.empty() || email.size() > 254 || !valid_utf8(email)) return false;
  const auto at = email.find('@');
  if (at == std::string::npos || at == 0 || email.find('@', at + 1) != std::string::npos) return false;
  const std::string domain = email.substr(at + 1);
  const auto dot = domain.find('.');
  if (dot == std::string::npos || dot == 0 || domain.back() == '.') return false;
  return std::none_of(email.begin(), email.end(), [](unsigned char ch) { return ch <= ' ' || ch == 0x7f || ch == '<' || ch == '>' || ch == ',' || ch == '"'; });
}

void validate(const NewCustomer& c, const std::string& source) {
  if (c.email.empty()) fail(c, source, "email is missing");
  if (!valid_email(c.email)) fail(c, source, "email '" + c.email + "' is not an email address");
  if (const char* p = text_problem(c.name, true); *p) fail(c, source, std::string("name ") + p);
  if (c.esco.empty() != c.plot.empty()) fail(c, source, "esco and plot go together (the property): give both or neither");
  if (c.role != "occupier" && c.role != "owner") fail(c, source, "role '" + c.role + "' is not occupier or owner");
  if (c.account_type != "supply" && c.account_type != "solar" && c.account_type != "ev")
    fail(c, source, "account '" + c.account_type + "' is not supply, solar or ev");
  if (c.move_in && c.plot.empty()) fail(c, source, "move_in needs the property (esco and plot)");
}

std::vector<NewCustomer> parse_customers(const std::string& text, const std::string& source) {
  const bool csv = source.size() >= 4 && lower(source.substr(source.size() - 4)) == ".csv";
  std::vector<NewCustomer> rows = csv ? from_csv(text, source) : from_yaml(text, source);
  std::map<std::string, int> seen;
  for (const auto& c : rows) {
    validate(c, source);
    auto [it, fresh] = seen.emplace(lower(c.email), c.line);
    if (!fresh) fail(c, source, "email " + c.email + " is already on line " + std::to_string(it->second));
  }
  if (rows.empty()) throw usage_error(source + ": no customers in the file");
  return rows;
}

}  // namespace flows::billing
