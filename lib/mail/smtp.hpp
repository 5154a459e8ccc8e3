#pragma once
// Sending messages over SMTP with libcurl: one session (one easy handle, so one
// connection kept open across messages) and the Transport seam the delivery job
// sends through. libcurl speaks EHLO, STARTTLS (smtp://, per policy) or TLS from
// the first byte (smtps://), AUTH (PLAIN, LOGIN, … as the server offers) and
// MAIL/RCPT/DATA; it reconnects by itself after the server dropped the line.
#include <memory>
#include <optional>
#include <string>

namespace flows::mail {

// What became of one message.
//   sent:    the server accepted it (250 after the data).
//   failed:  it was refused, or never handed over (detail: the server's reply
//            "550 5.1.1 mailbox unavailable", or why it never got there).
//   unknown: the data was handed over (354 seen) and no final reply came.
enum class Outcome { sent, failed, unknown };
const char* to_string(Outcome o);

struct SendResult {
  Outcome outcome = Outcome::failed;
  std::string detail;
  // The session itself failed (connect, TLS, login): later messages would fail
  // the same way, without reaching the server's verdict on them.
  bool session_failed = false;
};

class Transport {
 public:
  virtual ~Transport() = default;
  // from and to are addr-specs (local@domain); data is the whole RFC 5322 message.
  virtual SendResult send(const std::string& from, const std::string& to, const std::string& data) = 0;
};

struct SmtpSettings {
  std::string url;  // smtp://HOST[:PORT] or smtps://HOST[:PORT]
  std::optional<std::string> username, password;
  std::string starttls = "if-offered";  // "required", "if-offered" or "off"; ignored for smtps://
  std::optional<std::string> ca_file;   // PEM bundle to verify the server with (default: the system's)
  int timeout_seconds = 10;
};

// The URL with any user information removed, for messages ("smtp://host:25").
std::string display_url(const std::string& url);

// Refuses (flows::Error config) a URL that is not smtp:// or smtps://, a
// STARTTLS policy other than the three, or a password without a username.
void check_settings(const SmtpSettings& s);

class SmtpSession final : public Transport {
 public:
  explicit SmtpSession(SmtpSettings settings);
  ~SmtpSession() override;
  SmtpSession(const SmtpSession&) = delete;
  SmtpSession& operator=(const SmtpSession&) = delete;

  SendResult send(const std::string& from, const std::string& to, const std::string& data) override;

  struct State;

 private:
  std::unique_ptr<State> state_;
};

}  // namespace flows::mail
