// One message to a mail server through libcurl's SMTP: what came of it, told apart so that a
// message the server may have taken is never sent again by itself.
#include "dropcat/smtp.hpp"

#include <curl/curl.h>
#include <fmt/format.h>

#include <algorithm>
#include <cstring>

namespace dropcat {

namespace {

struct Upload {
    std::string_view data;
    std::size_t at = 0;
    std::stop_token stop;
};

std::size_t read_message(char* buffer, std::size_t size, std::size_t count, void* user) {
    auto* up = static_cast<Upload*>(user);
    if (up->stop.stop_requested()) return CURL_READFUNC_ABORT;
    std::size_t n = std::min(size * count, up->data.size() - up->at);
    std::memcpy(buffer, up->data.data() + up->at, n);
    up->at += n;
    return n;
}

int progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    return static_cast<Upload*>(user)->stop.stop_requested() ? 1 : 0;
}

} // namespace

struct SmtpSender::Impl {
    SmtpSettings settings;
    std::string password;
    CURL* easy = nullptr;

    ~Impl() {
        if (easy != nullptr) curl_easy_cleanup(easy);
    }
};

SmtpSender::SmtpSender(SmtpSettings settings, std::string password) : m(std::make_unique<Impl>()) {
    m->settings = std::move(settings);
    m->password = std::move(password);
}

SmtpSender::~SmtpSender() = default;

std::string_view handoff_name(Handoff outcome) {
    switch (outcome) {
    case Handoff::accepted:
        return "accepted";
    case Handoff::refused:
        return "refused";
    case Handoff::unknown:
        return "unknown";
    }
    return "unknown";
}

HandoffResult SmtpSender::send(std::string_view from, std::string_view to, std::string_view message,
                               std::stop_token stop) {
    // A connection kept from the last message may have been closed by the server meanwhile:
    // when it fails before any of the message went out, once more on a new one.
    bool kept = m->easy != nullptr;
    HandoffResult out = send_once(from, to, message, stop);
    if (kept && out.outcome == Handoff::refused && out.code == 0 && !out.data_out &&
        !stop.stop_requested())
        out = send_once(from, to, message, stop);
    return out;
}

HandoffResult SmtpSender::send_once(std::string_view from, std::string_view to,
                                    std::string_view message, std::stop_token stop) {
    const SmtpSettings& s = m->settings;
    // The same handle, so that libcurl keeps the connection between messages.
    if (m->easy == nullptr) m->easy = curl_easy_init();
    CURL* easy = m->easy;
    curl_easy_reset(easy);
    Upload up{message, 0, stop};
    std::string from_path = fmt::format("<{}>", from);
    std::string to_path = fmt::format("<{}>", to);
    curl_slist* rcpt = curl_slist_append(nullptr, to_path.c_str());
    char error[CURL_ERROR_SIZE] = {};
    curl_easy_setopt(easy, CURLOPT_URL, s.url.c_str());
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!s.ca_file.empty()) curl_easy_setopt(easy, CURLOPT_CAINFO, s.ca_file.c_str());
    // smtp:// must upgrade with STARTTLS (the connection fails when the server cannot),
    // unless plain text is allowed, which the configuration permits only on loopback.
    if (s.url.starts_with("smtp://"))
        curl_easy_setopt(easy, CURLOPT_USE_SSL,
                         static_cast<long>(s.allow_plaintext ? CURLUSESSL_NONE : CURLUSESSL_ALL));
    if (!s.username.empty()) {
        curl_easy_setopt(easy, CURLOPT_USERNAME, s.username.c_str());
        curl_easy_setopt(easy, CURLOPT_PASSWORD, m->password.c_str());
    }
    curl_easy_setopt(easy, CURLOPT_MAIL_FROM, from_path.c_str());
    curl_easy_setopt(easy, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(easy, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(easy, CURLOPT_READFUNCTION, read_message);
    curl_easy_setopt(easy, CURLOPT_READDATA, &up);
    curl_easy_setopt(easy, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size()));
    curl_easy_setopt(easy, CURLOPT_XFERINFOFUNCTION, progress);
    curl_easy_setopt(easy, CURLOPT_XFERINFODATA, &up);
    curl_easy_setopt(easy, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(s.timeout_ms));
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(std::min(s.timeout_ms, 10000)));
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, error);
    CURLcode code = curl_easy_perform(easy);
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, nullptr);
    curl_easy_setopt(easy, CURLOPT_MAIL_RCPT, nullptr);
    curl_slist_free_all(rcpt);
    long reply = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &reply);
    HandoffResult out;
    out.code = static_cast<int>(reply);
    std::string why = error[0] != '\0' ? error : curl_easy_strerror(code);
    if (code == CURLE_OK) {
        out.outcome = Handoff::accepted;
        out.detail = fmt::format("{} accepted", reply);
        return out;
    }
    // The whole message was handed to libcurl, yet no answer came (the connection dropped, or
    // time ran out): the end of the data may have reached the server, which may then have the
    // message. Only a message that never went out whole is safe to send again.
    out.data_out = up.at == message.size();
    bool answered = reply >= 400 && reply < 600;
    out.outcome = out.data_out && !answered ? Handoff::unknown : Handoff::refused;
    out.detail = answered ? fmt::format("the server answered {}: {}", reply, why) : why;
    // A connection that failed is not reused.
    curl_easy_cleanup(easy);
    m->easy = nullptr;
    return out;
}

} // namespace dropcat
