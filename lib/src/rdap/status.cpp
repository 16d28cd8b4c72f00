// Status strings, the lifecycle phase they say, and RDAP domain objects.
#include "dropcat/rdap.hpp"

#include "core/text.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>

namespace dropcat {

namespace {

constexpr std::array<std::string_view, 7> k_phase_names = {
    "registered",     "auto-renew-grace", "redemption", "pending-restore",
    "pending-delete", "available",        "unknown"};

bool has(const std::vector<std::string>& statuses, std::string_view status) {
    return std::find(statuses.begin(), statuses.end(), status) != statuses.end();
}

int digits(std::string_view s, std::size_t pos, std::size_t n) {
    if (pos + n > s.size()) return -1;
    int v = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
        if (s[i] < '0' || s[i] > '9') return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

// RFC 3339 date-time: YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM). Years past 9999 (Nomulus writes
// year 294247 for "never") are not read.
std::optional<Instant> parse_rfc3339(std::string_view s) {
    int y = digits(s, 0, 4), mo = digits(s, 5, 2), d = digits(s, 8, 2);
    if (y < 0 || mo < 0 || d < 0 || s.size() < 19 || s[4] != '-' || s[7] != '-') return {};
    if (s[10] != 'T' && s[10] != 't' && s[10] != ' ') return {};
    int h = digits(s, 11, 2), mi = digits(s, 14, 2), sec = digits(s, 17, 2);
    if (h < 0 || mi < 0 || sec < 0 || s[13] != ':' || s[16] != ':' || h > 23 || mi > 59 || sec > 60)
        return {};
    if (!valid_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d))) return {};
    std::size_t i = 19;
    std::int64_t ms = 0;
    if (i < s.size() && s[i] == '.') {
        std::size_t start = ++i;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9')
            ++i;
        if (i == start) return {};
        for (std::size_t k = start; k < start + 3; ++k)
            ms = ms * 10 + (k < i ? s[k] - '0' : 0);
    }
    int offset_minutes = 0;
    if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
        ++i;
    } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
        int oh = digits(s, i + 1, 2), om = digits(s, i + 4, 2);
        if (oh < 0 || om < 0 || s[i + 3] != ':') return {};
        offset_minutes = (s[i] == '-' ? -1 : 1) * (oh * 60 + om);
        i += 6;
    } else {
        return {};
    }
    if (i != s.size()) return {};
    std::int64_t day = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
    std::int64_t seconds = day * 86400 + h * 3600 + mi * 60 + std::min(sec, 59) -
                           static_cast<std::int64_t>(offset_minutes) * 60;
    return from_unix_ms(seconds * 1000 + ms);
}

} // namespace

std::string_view phase_name(Phase phase) {
    return k_phase_names[static_cast<std::size_t>(phase)];
}

std::optional<Phase> parse_phase(std::string_view name) {
    for (std::size_t i = 0; i < k_phase_names.size(); ++i)
        if (k_phase_names[i] == name) return static_cast<Phase>(i);
    return std::nullopt;
}

std::string normalise_status(std::string_view status) {
    std::string_view s = text::trim(status);
    // An appended URL ("clientHold https://icann.org/epp#clientHold") or one in brackets.
    for (std::string_view cut : {" http", " (http", "\thttp"})
        if (auto at = s.find(cut); at != std::string_view::npos) s = text::trim(s.substr(0, at));
    std::string words;
    bool has_space = s.find(' ') != std::string_view::npos;
    for (std::size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (c == '_' || c == '-' || c == ' ' || c == '\t') {
            if (!words.empty() && words.back() != ' ') words += ' ';
            continue;
        }
        bool upper = c >= 'A' && c <= 'Z';
        // camelCase: a capital after a lower-case letter starts a word.
        if (upper && !has_space && i > 0 && s[i - 1] >= 'a' && s[i - 1] <= 'z') words += ' ';
        words += upper ? static_cast<char>(c - 'A' + 'a') : c;
    }
    while (!words.empty() && words.back() == ' ')
        words.pop_back();
    if (words == "ok") return "active"; // RFC 8056 §2: EPP's ok is RDAP's active
    return words;
}

Phase phase_of(const std::vector<std::string>& statuses, bool reports_rgp) {
    if (has(statuses, "pending restore")) return Phase::pending_restore;
    if (has(statuses, "redemption period")) return Phase::redemption;
    if (has(statuses, "pending delete"))
        return reports_rgp ? Phase::pending_delete : Phase::redemption;
    if (has(statuses, "auto renew period")) return Phase::auto_renew_grace;
    return Phase::registered;
}

std::optional<Instant> RdapRecord::event(std::string_view action) const {
    for (const auto& e : events)
        if (e.action == action) return e.at;
    return std::nullopt;
}

Result<RdapRecord> parse_rdap_domain(std::string_view body, bool reports_rgp) {
    using Json = nlohmann::json;
    Json doc = Json::parse(body, nullptr, false);
    if (doc.is_discarded() || !doc.is_object())
        return fail(ErrorKind::data, "the answer is not JSON");
    auto cls = doc.find("objectClassName");
    if (cls == doc.end() || !cls->is_string() || *cls != "domain")
        return fail(ErrorKind::data, "the answer is not an RDAP domain object");
    RdapRecord r;
    if (auto ldh = doc.find("ldhName"); ldh != doc.end() && ldh->is_string())
        r.domain = text::ascii_lower(ldh->get<std::string>());
    if (auto st = doc.find("status"); st != doc.end()) {
        if (!st->is_array()) return fail(ErrorKind::data, "\"status\" is not a list");
        for (const auto& s : *st)
            if (s.is_string()) r.statuses.push_back(normalise_status(s.get<std::string>()));
    }
    if (auto ev = doc.find("events"); ev != doc.end()) {
        if (!ev->is_array()) return fail(ErrorKind::data, "\"events\" is not a list");
        for (const auto& e : *ev) {
            if (!e.is_object()) continue;
            auto action = e.find("eventAction");
            auto date = e.find("eventDate");
            if (action == e.end() || date == e.end() || !action->is_string() || !date->is_string())
                continue;
            auto at = parse_rfc3339(date->get<std::string>());
            if (!at) continue;
            r.events.push_back(
                RdapEvent{text::ascii_lower(text::trim(action->get<std::string>())), *at});
        }
    }
    r.phase = phase_of(r.statuses, reports_rgp);
    return r;
}

} // namespace dropcat
