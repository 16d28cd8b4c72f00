// RFC 5322 messages for offers: encoded headers (RFC 2047), a quoted-printable body (RFC
// 2045), List-Unsubscribe (RFC 2369) and its one-click form (RFC 8058).
#include "dropcat/mail.hpp"

#include "core/text.hpp"
#include "offer/base64.hpp"

#include <fmt/format.h>

#include <array>
#include <chrono>
#include <random>

namespace dropcat {

namespace {

bool printable_ascii(std::string_view s) {
    for (char c : s)
        if (c < 0x20 || c > 0x7e) return false;
    return true;
}

bool has_line_break(std::string_view s) {
    return s.find_first_of("\r\n") != std::string_view::npos;
}

bool valid_utf8(std::string_view s) {
    while (!s.empty()) {
        char32_t cp = 0;
        std::size_t n = text::utf8_sequence(s, cp);
        if (n == 0) return false;
        s.remove_prefix(n);
    }
    return true;
}

// Encoded words of at most 75 characters (RFC 2047 2), each whole UTF-8 characters, joined by
// a folding space.
std::string encoded_words(std::string_view utf8) {
    constexpr std::size_t k_max_bytes = 45; // 60 base64 characters, 72 with "=?UTF-8?B?" "?="
    std::string out;
    while (!utf8.empty()) {
        std::size_t take = 0;
        while (take < utf8.size()) {
            char32_t cp = 0;
            std::size_t n = text::utf8_sequence(utf8.substr(take), cp);
            if (n == 0) n = 1; // refused before; never split a byte
            if (take + n > k_max_bytes) break;
            take += n;
        }
        if (!out.empty()) out += "\r\n ";
        out += "=?UTF-8?B?" + offer::base64(utf8.substr(0, take)) + "?=";
        utf8.remove_prefix(take);
    }
    return out;
}

// Plain text folded at spaces so that no line is longer than 78 characters where a space
// allows; `used` is what the line holds before the value.
std::string folded(std::string_view value, std::size_t used) {
    std::string out;
    std::size_t line = used;
    while (!value.empty()) {
        std::size_t space = value.find(' ', 1);
        std::string_view word = value.substr(0, space);
        if (line + word.size() > 78 && line > used && word.front() == ' ') {
            out += "\r\n";
            line = 0;
        }
        out += word;
        line += word.size();
        value.remove_prefix(word.size());
    }
    return out;
}

// A display name as a phrase: atoms, a quoted string, or encoded words.
std::string phrase(std::string_view name) {
    if (!printable_ascii(name)) return encoded_words(name);
    if (name.find_first_of("()<>[]:;@\\,.\"") == std::string_view::npos) return std::string(name);
    std::string out = "\"";
    for (char c : name) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + "\"";
}

std::string mailbox(const Mailbox& m) {
    if (m.name.empty()) return "<" + m.address + ">";
    return phrase(m.name) + " <" + m.address + ">";
}

} // namespace

bool plain_address(std::string_view address) {
    auto at = address.rfind('@');
    if (at == std::string_view::npos || at == 0 || at + 1 >= address.size()) return false;
    if (address.size() > 254 || at > 64) return false;
    for (char c : address)
        if (c <= 0x20 || c >= 0x7f || c == '<' || c == '>' || c == '(' || c == ')' || c == ',' ||
            c == ';' || c == ':' || c == '"' || c == '\\' || c == '[' || c == ']')
            return false;
    std::string_view domain = address.substr(at + 1);
    if (address.substr(0, at).find('@') != std::string_view::npos) return false;
    return domain.find('.') != std::string_view::npos && domain.front() != '.' &&
           domain.back() != '.' && domain.find("..") == std::string_view::npos;
}

std::string canonical_address(std::string_view address) {
    return text::ascii_lower(text::trim(address));
}

std::string format_mail_date(Instant t) {
    using namespace std::chrono;
    static constexpr std::array<const char*, 7> k_days = {"Sun", "Mon", "Tue", "Wed",
                                                          "Thu", "Fri", "Sat"};
    static constexpr std::array<const char*, 12> k_months = {
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    auto day = floor<days>(t);
    year_month_day date{day};
    hh_mm_ss clock{floor<seconds>(t - day)};
    return fmt::format("{}, {:02} {} {:04} {:02}:{:02}:{:02} +0000",
                       k_days[weekday{day}.c_encoding()], unsigned(date.day()),
                       k_months[unsigned(date.month()) - 1], int(date.year()),
                       clock.hours().count(), clock.minutes().count(), clock.seconds().count());
}

std::string new_message_id(std::string_view sender_address, Instant now) {
    std::random_device random;
    std::string id;
    for (int i = 0; i < 4; ++i)
        id += fmt::format("{:08x}", static_cast<std::uint32_t>(random()));
    auto at = sender_address.rfind('@');
    std::string_view domain = at == std::string_view::npos ? std::string_view("localhost")
                                                           : sender_address.substr(at + 1);
    return fmt::format("{}.{}@{}", id, unix_ms(now), domain);
}

std::string encode_header_text(std::string_view utf8) {
    if (printable_ascii(utf8) && utf8.find("=?") == std::string_view::npos)
        return std::string(utf8);
    return encoded_words(utf8);
}

std::string quoted_printable(std::string_view text) {
    std::string out;
    std::size_t line = 0;
    auto put = [&](std::string_view piece) {
        if (line + piece.size() > 75) { // 76 with the soft break's "="
            out += "=\r\n";
            line = 0;
        }
        out += piece;
        line += piece.size();
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
        if (c == '\n') {
            out += "\r\n";
            line = 0;
            continue;
        }
        bool line_end = i + 1 == text.size() || text[i + 1] == '\n' ||
                        (text[i + 1] == '\r' && i + 2 < text.size() && text[i + 2] == '\n');
        auto u = static_cast<unsigned char>(c);
        bool literal = (u >= 33 && u <= 126 && c != '=') || ((c == ' ' || c == '\t') && !line_end);
        // A line that starts with a dot is doubled by SMTP itself; "From " is kept as is.
        if (literal)
            put(std::string_view(&text[i], 1));
        else
            put(fmt::format("={:02X}", u));
    }
    return out;
}

Result<std::string> format_message(const MailMessage& m) {
    auto refuse = [](std::string what) { return fail(ErrorKind::data, std::move(what)); };
    struct Field {
        std::string_view name;
        std::string_view value;
    };
    std::vector<Field> fields = {{"From name", m.from.name}, {"From address", m.from.address},
                                 {"To name", m.to.name},     {"To address", m.to.address},
                                 {"Subject", m.subject},     {"Message-ID", m.message_id}};
    if (m.reply_to) {
        fields.push_back({"Reply-To name", m.reply_to->name});
        fields.push_back({"Reply-To address", m.reply_to->address});
    }
    for (const auto& u : m.unsubscribe)
        fields.push_back({"List-Unsubscribe", u});
    for (const auto& f : fields) {
        if (has_line_break(f.value))
            return refuse(
                fmt::format("{} holds a line break (refused: it could add headers)", f.name));
        if (!valid_utf8(f.value)) return refuse(fmt::format("{} is not UTF-8", f.name));
    }
    for (const Mailbox* box : {&m.from, &m.to, m.reply_to ? &*m.reply_to : nullptr})
        if (box != nullptr && !plain_address(box->address))
            return refuse(
                fmt::format("'{}' is not an address dropcat sends to (ASCII local@domain)",
                            text::for_message(box->address)));
    if (m.message_id.empty() || m.message_id.find('@') == std::string::npos ||
        m.message_id.find_first_of("<> ") != std::string::npos)
        return refuse("the Message-ID must be ID@DOMAIN");
    bool https = false;
    for (const auto& u : m.unsubscribe) {
        if (!printable_ascii(u) || u.find_first_of("<> ,") != std::string::npos)
            return refuse(fmt::format("List-Unsubscribe URI '{}' must be printable ASCII with "
                                      "no spaces, commas or angle brackets",
                                      text::for_message(u)));
        https = https || u.starts_with("https://");
    }
    if (m.one_click && !https)
        return refuse("one-click unsubscribe (RFC 8058) needs an https: List-Unsubscribe URI");
    if (!valid_utf8(m.body)) return refuse("the body is not UTF-8");

    std::string out;
    auto header = [&](std::string_view name, std::string_view value) {
        out += name;
        out += ": ";
        out += value;
        out += "\r\n";
    };
    header("From", mailbox(m.from));
    header("To", mailbox(m.to));
    if (m.reply_to) header("Reply-To", mailbox(*m.reply_to));
    std::string subject = encode_header_text(m.subject);
    header("Subject", subject.find("=?") == std::string::npos ? folded(subject, 9) : subject);
    header("Date", format_mail_date(m.date));
    header("Message-ID", "<" + m.message_id + ">");
    if (!m.unsubscribe.empty()) {
        std::string list;
        for (const auto& u : m.unsubscribe)
            list += (list.empty() ? "<" : ",\r\n <") + u + ">";
        header("List-Unsubscribe", list);
    }
    if (m.one_click) header("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
    header("MIME-Version", "1.0");
    header("Content-Type", "text/plain; charset=UTF-8");
    header("Content-Transfer-Encoding", "quoted-printable");
    out += "\r\n";
    out += quoted_printable(m.body);
    if (!out.ends_with("\r\n")) out += "\r\n";
    return out;
}

} // namespace dropcat
