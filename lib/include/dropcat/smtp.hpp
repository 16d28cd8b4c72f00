#pragma once

// Handing one message to a mail server over SMTP (libcurl): STARTTLS required on smtp://
// unless the configuration allows plain text to a server on this machine, implicit TLS on
// smtps://, AUTH when a username is set.

#include "dropcat/export.hpp"
#include "dropcat/config.hpp"

#include <memory>
#include <stop_token>
#include <string>
#include <string_view>

DROPCAT_PUBLIC_BEGIN

namespace dropcat {

// What became of one message.
enum class Handoff {
    accepted, // the server answered 250 to the end of the data: it has the message
    refused,  // the server refused it, or the connection failed before the data ended:
              // nothing was delivered, and sending again is safe
    unknown,  // the data went out whole but no answer came: the server may have taken it,
              // and dropcat never sends it again by itself
};

struct HandoffResult {
    Handoff outcome = Handoff::refused;
    std::string detail;    // the server's words or the connection's failure
    int code = 0;          // the server's last reply code, 0 when none
    bool data_out = false; // the whole message was handed to the connection
};

class SmtpSender {
  public:
    // `password` from the environment (resolve_secret of password_env); empty: no AUTH.
    SmtpSender(SmtpSettings settings, std::string password);
    ~SmtpSender();
    SmtpSender(const SmtpSender&) = delete;
    SmtpSender& operator=(const SmtpSender&) = delete;

    // Sends `message` (CRLF lines, as format_message makes it) from `from` to `to`, on the
    // connection kept from the last message when it is still open.
    HandoffResult send(std::string_view from, std::string_view to, std::string_view message,
                       std::stop_token stop = {});

  private:
    HandoffResult send_once(std::string_view from, std::string_view to, std::string_view message,
                            std::stop_token stop);
    struct Impl;
    std::unique_ptr<Impl> m;
};

std::string_view handoff_name(Handoff outcome); // "accepted", "refused", "unknown"

} // namespace dropcat

DROPCAT_PUBLIC_END
