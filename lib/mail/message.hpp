#pragma once
// An email message as RFC 5322 / MIME text: headers (From, To, Subject, Date,
// Message-ID, MIME-Version), a multipart/mixed body of one text/html part and
// attachments, each part base64 so no line is ever longer than 76 characters
// and any UTF-8 travels over a 7-bit server. Display names and subjects that
// are not plain ASCII become RFC 2047 encoded-words. Pure: no I/O, no clock.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace flows::mail {

struct Address {
  std::string name;     // display name, may be empty; any UTF-8
  std::string address;  // addr-spec local@domain, ASCII
};

// Whether the text is an address the envelope can carry: dot-atom local part,
// a domain of letters, digits and hyphens in dot-separated labels, ASCII, at
// most 254 characters. Quoted local parts and address literals are refused.
bool valid_address(std::string_view address);

// "Name <local@domain>", "<local@domain>" or "local@domain" (surrounding spaces
// ignored; the name may be quoted). nullopt when the address is not valid.
std::optional<Address> parse_mailbox(std::string_view text);

// The address as a header value: `local@domain`, `Name <local@domain>`,
// `"Smith, Ann" <local@domain>`, or `=?UTF-8?B?...?= <local@domain>`.
std::string format_mailbox(const Address& a);

// The text as an unstructured header value: itself when it is printable ASCII,
// else RFC 2047 encoded-words (UTF-8, base64, at most 75 characters each, never
// splitting a character), separated by CRLF SP so that the header is folded.
// Control characters (CR, LF, …) become spaces: a header never breaks early.
std::string encode_header_text(std::string_view text);

// RFC 4648 base64 in lines of at most 76 characters, each ending in CRLF.
std::string base64_lines(std::string_view data);

// The RFC 5322 date-time of a UTC instant: "Mon, 01 Jul 2024 09:05:03 +0000".
std::string rfc5322_date(std::chrono::system_clock::time_point t);

// A Message-ID "<unique@domain>": unique must be made of atext and dots (it is
// the caller's job to make it unique, e.g. a delivery's row id).
std::string message_id(std::string_view unique, std::string_view domain);

// The domain of an addr-spec ("example.org" of "billing@example.org").
std::string domain_of(std::string_view address);

struct Attachment {
  std::string filename;      // ASCII file name
  std::string content_type;  // e.g. "text/csv; charset=utf-8"
  std::string data;
};

struct Message {
  Address from, to;
  std::string subject;
  std::string date;        // rfc5322_date
  std::string message_id;  // message_id
  std::string html;        // the body, UTF-8
  std::vector<Attachment> attachments;
};

// The whole message, CRLF line endings, ending in CRLF. The MIME boundary is
// derived from the Message-ID and cannot occur in base64 text.
std::string render(const Message& m);

}  // namespace flows::mail
