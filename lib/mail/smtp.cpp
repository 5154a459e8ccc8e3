#include "mail/smtp.hpp"

#include <cstring>

#include <curl/curl.h>

#include "core/error.hpp"

namespace flows::mail {

const char* to_string(Outcome o) {
  switch (o) {
    case Outcome::sent: return "sent";
    case Outcome::failed: return "failed";
    case Outcome::unknown: return "unknown";
  }
  return "unknown";
}

std::string display_url(const std::string& url) {
  const auto scheme = url.find("://");
  if (scheme == std::string::npos) return "(an SMTP URL)";
  const auto rest = scheme + 3;
  const auto at = url.find('@', rest);
  const auto slash = url.find('/', rest);
  if (at != std::string::npos && (slash == std::string::npos || at < slash)) return url.substr(0, rest) + url.substr(at + 1);
  return url;
}

void check_settings(const SmtpSettings& s) {
  if (s.url.rfind("smtp://", 0) != 0 && s.url.rfind("smtps://", 0) != 0)
    throw config_error("smtp_url must start with smtp:// or smtps://, not " + display_url(s.url));
  if (s.starttls != "required" && s.starttls != "if-offered" && s.starttls != "off")
    throw config_error("smtp_starttls must be \"required\", \"if-offered\" or \"off\"");
  if (s.password && !s.username) throw config_error("smtp_password is set but smtp_username is not");
}

namespace {

struct Upload {
  const std::string* data = nullptr;
  std::size_t offset = 0;
};

std::size_t read_body(char* buf, std::size_t size, std::size_t n, void* user) {
  auto* u = static_cast<Upload*>(user);
  const std::size_t len = std::min(size * n, u->data->size() - u->offset);
  std::memcpy(buf, u->data->data() + u->offset, len);
  u->offset += len;
  return len;
}

}  // namespace

struct SmtpSession::State {
  SmtpSettings settings;
  CURL* curl = nullptr;
  char error[CURL_ERROR_SIZE] = {};
  // The server's replies to this message, as they came: the last line, and
  // whether the 354 (go ahead with the data) was seen.
  std::string last_reply;
  std::string last_refusal;  // the last 4xx or 5xx reply (a QUIT's 221 may follow it)
  bool data_accepted = false;

  // Only what the server says is looked at (CURLINFO_HEADER_IN): what we send
  // (AUTH with the password) is never recorded or printed.
  static int on_debug(CURL*, curl_infotype type, char* text, std::size_t size, void* user) {
    if (type != CURLINFO_HEADER_IN) return 0;
    auto* st = static_cast<State*>(user);
    std::string line(text, size);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    if (line.rfind("354", 0) == 0) st->data_accepted = true;
    // Multi-line replies ("250-…") keep their last line, which has a space.
    st->last_reply = line.size() > 4 && line[3] == '-' ? line.substr(0, 3) + " " + line.substr(4) : line;
    if (!line.empty() && (line[0] == '4' || line[0] == '5')) st->last_refusal = st->last_reply;
    return 0;
  }
};

SmtpSession::SmtpSession(SmtpSettings settings) : state_(std::make_unique<State>()) {
  check_settings(settings);
  state_->settings = std::move(settings);
  static const bool initialised = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  if (!initialised) throw Error(ExitCode::internal, "cannot initialise libcurl");
  state_->curl = curl_easy_init();
  if (!state_->curl) throw Error(ExitCode::internal, "cannot initialise libcurl");
  CURL* c = state_->curl;
  const auto& s = state_->settings;
  curl_easy_setopt(c, CURLOPT_URL, s.url.c_str());
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, state_->error);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_READFUNCTION, read_body);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, static_cast<long>(s.timeout_seconds));
  // A transfer that moves nothing for timeout_seconds is given up on.
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, static_cast<long>(s.timeout_seconds));
  curl_easy_setopt(c, CURLOPT_VERBOSE, 1L);  // feeds on_debug; nothing is printed
  curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, &State::on_debug);
  curl_easy_setopt(c, CURLOPT_DEBUGDATA, state_.get());
  const long tls = s.starttls == "required" ? CURLUSESSL_ALL : s.starttls == "off" ? CURLUSESSL_NONE : CURLUSESSL_TRY;
  curl_easy_setopt(c, CURLOPT_USE_SSL, s.url.rfind("smtps://", 0) == 0 ? static_cast<long>(CURLUSESSL_ALL) : tls);
  if (s.ca_file) curl_easy_setopt(c, CURLOPT_CAINFO, s.ca_file->c_str());
  if (s.username) curl_easy_setopt(c, CURLOPT_USERNAME, s.username->c_str());
  if (s.password) curl_easy_setopt(c, CURLOPT_PASSWORD, s.password->c_str());
}

SmtpSession::~SmtpSession() {
  if (state_ && state_->curl) curl_easy_cleanup(state_->curl);
}

SendResult SmtpSession::send(const std::string& from, const std::string& to, const std::string& data) {
  State& st = *state_;
  CURL* c = st.curl;
  const std::string mail_from = "<" + from + ">";
  curl_slist* rcpt = curl_slist_append(nullptr, ("<" + to + ">").c_str());
  Upload upload{&data, 0};
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, mail_from.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
  curl_easy_setopt(c, CURLOPT_READDATA, &upload);
  curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(data.size()));
  st.error[0] = '\0';
  st.last_reply.clear();
  st.last_refusal.clear();
  st.data_accepted = false;
  const CURLcode rc = curl_easy_perform(c);
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, nullptr);
  curl_slist_free_all(rcpt);

  SendResult r;
  if (rc == CURLE_OK) {
    r.outcome = Outcome::sent;
    r.detail = st.last_reply;
    return r;
  }
  const std::string why = st.error[0] ? std::string(st.error) : std::string(curl_easy_strerror(rc));
  long code = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
  if (st.data_accepted && st.last_reply.rfind("354", 0) == 0) {
    // The data went (or was going) out and no verdict on it came back.
    r.outcome = Outcome::unknown;
    r.detail = "no reply after the message data (" + why + ")";
    return r;
  }
  const bool final_reply = code >= 400 && st.last_refusal.rfind(std::to_string(code), 0) == 0;
  r.outcome = Outcome::failed;
  if (final_reply) {
    r.detail = st.last_refusal;
    // Refused before any message: the login or the TLS handshake.
    r.session_failed = rc == CURLE_LOGIN_DENIED || rc == CURLE_USE_SSL_FAILED;
  } else {
    r.detail = why + " (" + display_url(st.settings.url) + ")";
    r.session_failed = rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST ||
                       rc == CURLE_OPERATION_TIMEDOUT || rc == CURLE_SSL_CONNECT_ERROR ||
                       rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_USE_SSL_FAILED ||
                       rc == CURLE_LOGIN_DENIED || rc == CURLE_SSL_CACERT_BADFILE;
  }
  return r;
}

}  // namespace flows::mail
