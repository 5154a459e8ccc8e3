#include "mail/message.hpp"

#include <array>
#include <ctime>

#include <fmt/format.h>

namespace flows::mail {
namespace {

constexpr std::string_view b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64(std::string_view data) {
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    const unsigned n = static_cast<unsigned char>(data[i]) << 16 | static_cast<unsigned char>(data[i + 1]) << 8 |
                       static_cast<unsigned char>(data[i + 2]);
    out += b64[n >> 18 & 63];
    out += b64[n >> 12 & 63];
    out += b64[n >> 6 & 63];
    out += b64[n & 63];
  }
  if (i + 1 == data.size()) {
    const unsigned n = static_cast<unsigned char>(data[i]) << 16;
    out += b64[n >> 18 & 63];
    out += b64[n >> 12 & 63];
    out += "==";
  } else if (i + 2 == data.size()) {
    const unsigned n = static_cast<unsigned char>(data[i]) << 16 | static_cast<unsigned char>(data[i + 1]) << 8;
    out += b64[n >> 18 & 63];
    out += b64[n >> 12 & 63];
    out += b64[n >> 6 & 63];
    out += '=';
  }
  return out;
}

bool is_atext(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos;
}

bool printable_ascii(std::string_view s) {
  for (char c : s)
    if (c < 0x20 || c > 0x7E) return false;
  return true;
}

// Whether the display name can go out as a bare phrase (atext words and spaces).
bool plain_phrase(std::string_view s) {
  if (s.empty() || s.front() == ' ' || s.back() == ' ') return false;
  for (char c : s)
    if (c != ' ' && !is_atext(c)) return false;
  return true;
}

bool valid_label(std::string_view l) {
  if (l.empty() || l.size() > 63 || l.front() == '-' || l.back() == '-') return false;
  for (char c : l)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-')) return false;
  return true;
}

// Splits into dot-separated pieces; false when any piece fails ok.
template <class F>
bool all_dot_pieces(std::string_view s, F ok) {
  for (;;) {
    const auto dot = s.find('.');
    if (!ok(s.substr(0, dot))) return false;
    if (dot == std::string_view::npos) return true;
    s.remove_prefix(dot + 1);
  }
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The length of the UTF-8 sequence starting with byte c (1 for a stray byte).
std::size_t utf8_length(unsigned char c) {
  if (c >= 0xF0) return 4;
  if (c >= 0xE0) return 3;
  if (c >= 0xC0) return 2;
  return 1;
}

}  // namespace

bool valid_address(std::string_view a) {
  if (a.size() > 254) return false;
  const auto at = a.rfind('@');
  if (at == std::string_view::npos) return false;
  const auto local = a.substr(0, at), domain = a.substr(at + 1);
  if (local.empty() || local.size() > 64) return false;
  const bool local_ok = all_dot_pieces(local, [](std::string_view p) {
    if (p.empty()) return false;
    for (char c : p)
      if (!is_atext(c)) return false;
    return true;
  });
  return local_ok && all_dot_pieces(domain, valid_label);
}

std::optional<Address> parse_mailbox(std::string_view text) {
  text = trim(text);
  const auto lt = text.rfind('<');
  if (lt == std::string_view::npos) {
    if (!valid_address(text)) return std::nullopt;
    return Address{"", std::string(text)};
  }
  if (text.back() != '>') return std::nullopt;
  const auto addr = text.substr(lt + 1, text.size() - lt - 2);
  if (!valid_address(addr)) return std::nullopt;
  auto name = trim(text.substr(0, lt));
  if (name.size() >= 2 && name.front() == '"' && name.back() == '"') name = name.substr(1, name.size() - 2);
  return Address{std::string(name), std::string(addr)};
}

std::string encode_header_text(std::string_view text) {
  std::string clean(text);
  for (char& c : clean)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = ' ';
  if (printable_ascii(clean) && clean.find("=?") == std::string::npos) return clean;
  // "=?UTF-8?B?" + base64 + "?=" <= 75: 63 base64 characters, so at most 45
  // bytes (15 groups of 3) of text per word; never split a character.
  std::string out;
  std::size_t i = 0;
  while (i < clean.size()) {
    std::size_t end = i;
    while (end < clean.size()) {
      const std::size_t n = utf8_length(static_cast<unsigned char>(clean[end]));
      if (end + n - i > 45) break;
      end += n;
    }
    if (end == i) end = std::min(clean.size(), i + 1);  // a malformed sequence longer than the budget
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + base64(std::string_view(clean).substr(i, end - i)) + "?=";
    i = end;
  }
  return out;
}

std::string format_mailbox(const Address& a) {
  if (a.name.empty()) return a.address;
  const std::string angle = "<" + a.address + ">";
  if (plain_phrase(a.name)) return a.name + " " + angle;
  std::string name = encode_header_text(a.name);
  if (name.rfind("=?", 0) == 0) return name + " " + angle;
  std::string quoted = "\"";
  for (char c : name) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + "\" " + angle;
}

std::string base64_lines(std::string_view data) {
  const std::string all = base64(data);
  std::string out;
  out.reserve(all.size() + all.size() / 76 * 2 + 2);
  for (std::size_t i = 0; i < all.size(); i += 76) {
    out.append(all, i, 76);
    out += "\r\n";
  }
  return out;
}

std::string rfc5322_date(std::chrono::system_clock::time_point t) {
  static constexpr std::array<const char*, 7> days{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr std::array<const char*, 12> months{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  return fmt::format("{}, {:02} {} {} {:02}:{:02}:{:02} +0000", days.at(static_cast<std::size_t>(tm.tm_wday)),
                     tm.tm_mday, months.at(static_cast<std::size_t>(tm.tm_mon)), tm.tm_year + 1900, tm.tm_hour,
                     tm.tm_min, tm.tm_sec);
}

std::string domain_of(std::string_view address) {
  const auto at = address.rfind('@');
  return at == std::string_view::npos ? std::string("localhost") : std::string(address.substr(at + 1));
}

std::string message_id(std::string_view unique, std::string_view domain) {
  return "<" + std::string(unique) + "@" + std::string(domain) + ">";
}

std::string render(const Message& m) {
  // '=' and '_' never occur together in base64, nor does '_' at all.
  std::string boundary = "=_flows_";
  for (char c : m.message_id)
    if (is_atext(c) && c != '=') boundary += c;
  auto part = [&](const std::string& headers, std::string_view data) {
    return "--" + boundary + "\r\n" + headers + "Content-Transfer-Encoding: base64\r\n\r\n" + base64_lines(data);
  };
  std::string out;
  out += "From: " + format_mailbox(m.from) + "\r\n";
  out += "To: " + format_mailbox(m.to) + "\r\n";
  out += "Subject: " + encode_header_text(m.subject) + "\r\n";
  out += "Date: " + m.date + "\r\n";
  out += "Message-ID: " + m.message_id + "\r\n";
  out += "MIME-Version: 1.0\r\n";
  out += "Content-Type: multipart/mixed; boundary=\"" + boundary + "\"\r\n";
  out += "\r\nThis is a multi-part message in MIME format.\r\n\r\n";
  out += part("Content-Type: text/html; charset=utf-8\r\n", m.html);
  for (const auto& a : m.attachments)
    out += part("Content-Type: " + a.content_type + "; name=\"" + a.filename + "\"\r\n" +
                    "Content-Disposition: attachment; filename=\"" + a.filename + "\"\r\n",
                a.data);
  out += "--" + boundary + "--\r\n";
  return out;
}

}  // namespace flows::mail
