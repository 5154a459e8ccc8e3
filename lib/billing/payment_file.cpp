#include "billing/payment_file.hpp"

#include <array>
#include <cctype>
#include <set>

#include <date/date.h>
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "core/csv.hpp"
#include "core/emop_time.hpp"
#include "core/error.hpp"
#include "core/text.hpp"

namespace flows::billing {
namespace {

constexpr std::array<const char*, 7> fields{"date", "amount", "reference", "payer", "payer_reference", "description",
                                            "status"};

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool digit(char c) { return c >= '0' && c <= '9'; }

const std::map<std::string, LineStatus>& default_statuses() {
  static const std::map<std::string, LineStatus> words = [] {
    std::map<std::string, LineStatus> w;
    for (const char* s : {"succeeded", "success", "paid", "completed", "settled", "cleared", "confirmed"})
      w[s] = LineStatus::succeeded;
    for (const char* s : {"pending", "processing", "submitted", "created"}) w[s] = LineStatus::pending;
    for (const char* s : {"failed", "declined", "rejected", "cancelled", "canceled", "bounced", "returned"})
      w[s] = LineStatus::failed;
    for (const char* s : {"refunded", "refund", "reversed", "charged_back", "chargeback"}) w[s] = LineStatus::refunded;
    return w;
  }();
  return words;
}

// Reads digits of s from i, exactly n of them; -1 when they are not there.
int fixed_digits(std::string_view s, std::size_t i, std::size_t n) {
  if (i + n > s.size()) return -1;
  int v = 0;
  for (std::size_t k = i; k < i + n; ++k) {
    if (!digit(s[k])) return -1;
    v = v * 10 + (s[k] - '0');
  }
  return v;
}

std::optional<date::year_month_day> make_day(int y, int m, int d) {
  if (y < 1 || m < 1 || d < 1) return std::nullopt;
  const date::year_month_day ymd{date::year{y}, date::month{static_cast<unsigned>(m)},
                                 date::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  return ymd;
}

// "HH:MM[:SS][.fff](Z|±HH:MM)" from i: seconds from midnight and the offset.
std::optional<std::pair<int, int>> parse_clock(std::string_view s, std::size_t i) {
  const int hh = fixed_digits(s, i, 2), mm = fixed_digits(s, i + 3, 2);
  if (hh < 0 || mm < 0 || s[i + 2] != ':' || hh > 23 || mm > 59) return std::nullopt;
  i += 5;
  int ss = 0;
  if (i < s.size() && s[i] == ':') {
    ss = fixed_digits(s, i + 1, 2);
    if (ss < 0 || ss > 59) return std::nullopt;
    i += 3;
    if (i < s.size() && s[i] == '.') {
      ++i;
      const std::size_t start = i;
      while (i < s.size() && digit(s[i])) ++i;
      if (i == start) return std::nullopt;
    }
  }
  if (i == s.size()) return std::nullopt;
  int offset = 0;
  if (s[i] == 'Z' || s[i] == 'z') {
    ++i;
  } else if (s[i] == '+' || s[i] == '-') {
    const int oh = fixed_digits(s, i + 1, 2), om = fixed_digits(s, i + 4, 2);
    if (oh < 0 || om < 0 || s[i + 3] != ':' || oh > 23 || om > 59) return std::nullopt;
    offset = (s[i] == '-' ? -1 : 1) * (oh * 3600 + om * 60);
    i += 6;
  } else {
    return std::nullopt;
  }
  if (i != s.size()) return std::nullopt;
  return std::pair{hh * 3600 + mm * 60 + ss, offset};
}

// "2024-06-11" → "2024-06-10T23:00:00Z" (BST): when the UK day starts.
std::string uk_midnight_utc(const std::string& day) {
  const auto d = parse_date(day);
  return format_iso_utc(to_utc(MeterTime{date::local_days{*d}}, ClockKind::uk_local));
}

std::string field_of(const CsvRecord& r, const std::map<std::string, std::size_t>& index, const char* field) {
  const auto it = index.find(field);
  if (it == index.end() || it->second >= r.cells.size()) return {};
  return std::string(trim(r.cells[it->second]));
}

// Field → its column in the header; throws when a required one is missing.
std::map<std::string, std::size_t> column_index(const CsvRecord& header, const PaymentMapping& m,
                                                const std::string& source) {
  std::map<std::string, std::size_t> by_name;
  for (std::size_t i = 0; i < header.cells.size(); ++i) by_name.emplace(lower(trim(header.cells[i])), i);
  std::map<std::string, std::size_t> index;
  for (const auto& [field, name] : m.columns) {
    const auto it = by_name.find(lower(trim(name)));
    if (it != by_name.end()) index[field] = it->second;
    else if (field == "date" || field == "amount" || field == "reference")
      throw usage_error(fmt::format("{}:{}: no column \"{}\" (the {} column of the mapping)", source, header.line,
                                    name, field));
  }
  return index;
}

// One record as a payment line, or the reason it is not one.
std::string read_line(const CsvRecord& r, const std::map<std::string, std::size_t>& index, const PaymentMapping& m,
                      PaymentLine& out) {
  out.line = r.line;
  for (const auto& f : r.cells)
    if (const char* p = text_problem(f, false); *p) return std::string("a field ") + p;
  out.reference = field_of(r, index, "reference");
  if (out.reference.empty()) return "no reference";
  const std::string when = field_of(r, index, "date");
  const auto booked = parse_booked(when);
  if (!booked) return "date \"" + when + "\" is not YYYY-MM-DD, DD/MM/YYYY or an RFC 3339 instant";
  out.booked_date = booked->date;
  out.booked_at = booked->at.empty() ? uk_midnight_utc(booked->date) : booked->at;
  const std::string amount = field_of(r, index, "amount");
  const auto pence = parse_amount_pence(amount);
  if (!pence) return "amount \"" + amount + "\" is not an amount in pounds such as 12.34, -5.00, £12.34 or 1,234.56";
  if (*pence == 0 || *pence > max_payment_pence || *pence < -max_payment_pence)
    return fmt::format("amount {} is {} p: a payment is 1 to {} p", amount, *pence, max_payment_pence);
  out.amount_pence = *pence;
  if (index.count("status")) {
    const std::string word = field_of(r, index, "status");
    const auto status = map_status(word, m);
    if (!status) return "status \"" + word + "\" is not one the mapping knows (succeeded, pending, failed, refunded)";
    out.status = *status;
  }
  out.payer = field_of(r, index, "payer");
  out.payer_reference = field_of(r, index, "payer_reference");
  out.description = field_of(r, index, "description");
  return {};
}

}  // namespace

const char* to_string(LineStatus s) {
  switch (s) {
    case LineStatus::succeeded: return "succeeded";
    case LineStatus::pending: return "pending";
    case LineStatus::failed: return "failed";
    case LineStatus::refunded: return "refunded";
  }
  return "?";
}

std::optional<LineStatus> line_status_from_string(std::string_view s) {
  for (LineStatus v : {LineStatus::succeeded, LineStatus::pending, LineStatus::failed, LineStatus::refunded})
    if (s == to_string(v)) return v;
  return std::nullopt;
}

PaymentMapping default_mapping() {
  PaymentMapping m;
  for (const char* f : fields) m.columns[f] = f;
  return m;
}

PaymentMapping parse_mapping(const std::string& yaml_text, const std::string& source) {
  auto fail = [&](const YAML::Node& n, const std::string& msg) -> Error {
    return usage_error(fmt::format("{}:{}: {}", source, n.Mark().line + 1, msg));
  };
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    throw usage_error(fmt::format("{}:{}: {}", source, e.mark.line + 1, e.msg));
  }
  PaymentMapping m = default_mapping();
  if (!root || root.IsNull()) return m;
  if (!root.IsMap()) throw fail(root, "a mapping file is a map with columns, statuses and rules");
  const std::set<std::string> known_fields(fields.begin(), fields.end());
  for (const auto& kv : root) {
    const std::string key = kv.first.as<std::string>();
    const YAML::Node v = kv.second;
    if (key == "columns") {
      if (!v.IsMap()) throw fail(v, "columns: a map of field: column name");
      for (const auto& c : v) {
        const std::string field = c.first.as<std::string>();
        if (!known_fields.count(field))
          throw fail(c.first, "unknown field " + field + " (date, amount, reference, payer, payer_reference, "
                                                         "description, status)");
        if (!c.second.IsScalar() || c.second.as<std::string>().empty())
          throw fail(c.second, "columns." + field + ": a column name");
        m.columns[field] = c.second.as<std::string>();
      }
    } else if (key == "statuses") {
      if (!v.IsMap()) throw fail(v, "statuses: a map of word: succeeded|pending|failed|refunded");
      for (const auto& s : v) {
        const auto status = v.IsMap() && s.second.IsScalar() ? line_status_from_string(s.second.as<std::string>())
                                                              : std::nullopt;
        if (!status) throw fail(s.second, "statuses: each word maps to succeeded, pending, failed or refunded");
        m.statuses[lower(trim(s.first.as<std::string>()))] = *status;
      }
    } else if (key == "rules") {
      if (!v.IsSequence()) throw fail(v, "rules: a list of {payer: NAME, customer: EMAIL}");
      for (const auto& r : v) {
        if (!r.IsMap() || !r["payer"] || !r["customer"] || !r["payer"].IsScalar() || !r["customer"].IsScalar())
          throw fail(r, "a rule is {payer: NAME, customer: EMAIL}");
        PayerRule rule{r["payer"].as<std::string>(), r["customer"].as<std::string>(), r.Mark().line + 1};
        if (trim(rule.payer).empty() || rule.customer.find('@') == std::string::npos)
          throw fail(r, "a rule needs a payer name and a customer email");
        m.rules.push_back(rule);
      }
    } else {
      throw fail(kv.first, "unknown key " + key + " (columns, statuses, rules)");
    }
  }
  return m;
}

std::optional<std::int64_t> parse_amount_pence(std::string_view s) {
  s = trim(s);
  static constexpr std::string_view pound = "\xC2\xA3";
  bool negative = false, sign = false, currency = false;
  for (int k = 0; k < 2; ++k) {
    if (!sign && !s.empty() && (s.front() == '-' || s.front() == '+')) {
      negative = s.front() == '-';
      sign = true;
      s.remove_prefix(1);
    } else if (!currency && s.starts_with(pound)) {
      currency = true;
      s.remove_prefix(pound.size());
    }
  }
  const std::size_t point = s.find('.');
  const std::string_view whole = s.substr(0, point);
  const std::string_view fraction = point == std::string_view::npos ? std::string_view() : s.substr(point + 1);
  if (whole.empty() || (point != std::string_view::npos && (fraction.empty() || fraction.size() > 2))) return std::nullopt;
  std::int64_t pounds = 0;
  int digits = 0, group = 0;
  bool grouped = false;
  for (std::size_t k = 0; k < whole.size(); ++k) {
    const char c = whole[k];
    if (c == ',') {
      // Thousands commas: a first group of 1-3 digits, then groups of exactly 3.
      if ((grouped ? group != 3 : (group == 0 || group > 3))) return std::nullopt;
      grouped = true;
      group = 0;
      continue;
    }
    if (!digit(c) || ++digits > 9) return std::nullopt;
    ++group;
    pounds = pounds * 10 + (c - '0');
  }
  if (grouped && group != 3) return std::nullopt;
  std::int64_t pence = 0;
  for (std::size_t k = 0; k < 2; ++k) {
    if (k < fraction.size() && !digit(fraction[k])) return std::nullopt;
    pence = pence * 10 + (k < fraction.size() ? fraction[k] - '0' : 0);
  }
  const std::int64_t total = pounds * 100 + pence;
  return negative ? -total : total;
}

std::optional<BookedWhen> parse_booked(std::string_view s) {
  s = trim(s);
  if (s.size() == 10 && s[2] == '/' && s[5] == '/') {
    const auto day = make_day(fixed_digits(s, 6, 4), fixed_digits(s, 3, 2), fixed_digits(s, 0, 2));
    if (!day) return std::nullopt;
    return BookedWhen{date::format("%F", *day), {}};
  }
  if (s.size() < 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  const auto day = make_day(fixed_digits(s, 0, 4), fixed_digits(s, 5, 2), fixed_digits(s, 8, 2));
  if (!day) return std::nullopt;
  if (s.size() == 10) return BookedWhen{date::format("%F", *day), {}};
  if (s[10] != 'T' && s[10] != 't') return std::nullopt;
  const auto clock = parse_clock(s, 11);
  if (!clock) return std::nullopt;
  const auto instant = date::sys_seconds(date::sys_days(*day)) + std::chrono::seconds(clock->first - clock->second);
  return BookedWhen{{}, date::format("%FT%TZ", instant)};
}

std::optional<LineStatus> map_status(std::string_view word, const PaymentMapping& m) {
  const std::string w = lower(trim(word));
  if (const auto it = m.statuses.find(w); it != m.statuses.end()) return it->second;
  if (const auto it = default_statuses().find(w); it != default_statuses().end()) return it->second;
  return std::nullopt;
}

std::vector<PaymentLine> parse_payment_file(std::string_view text, const PaymentMapping& m,
                                            const std::string& source) {
  const std::vector<CsvRecord> records = flows::parse_csv(text, source);
  if (records.empty()) throw usage_error(source + ": empty file (a header row is needed)");
  const auto index = column_index(records.front(), m, source);
  std::vector<PaymentLine> lines;
  lines.reserve(records.size() - 1);
  std::map<std::string, int> seen;  // reference → line
  std::string first_error;
  int errors = 0;
  for (std::size_t k = 1; k < records.size(); ++k) {
    PaymentLine line;
    std::string why = read_line(records[k], index, m, line);
    if (why.empty()) {
      const auto [it, fresh] = seen.emplace(line.reference, line.line);
      if (!fresh) why = fmt::format("reference {} is also on line {}", line.reference, it->second);
    }
    if (!why.empty()) {
      if (errors++ == 0) first_error = fmt::format("{}:{}: {}", source, records[k].line, why);
      continue;
    }
    lines.push_back(std::move(line));
  }
  if (errors > 1) first_error += fmt::format(" (and {} more bad line{})", errors - 1, errors > 2 ? "s" : "");
  if (errors > 0) throw usage_error(first_error + "; nothing was imported");
  return lines;
}

}  // namespace flows::billing
