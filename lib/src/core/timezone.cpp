// IANA time zones from the system's tz database (TZif files, RFC 8536), for lists that give
// local times.

#include "dropcat/date.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>

namespace dropcat {

namespace {

std::int64_t big_endian(const std::string& data, std::size_t pos, std::size_t bytes) {
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < bytes; ++i)
        v = (v << 8) | static_cast<unsigned char>(data[pos + i]);
    if (bytes == 4) return static_cast<std::int32_t>(static_cast<std::uint32_t>(v));
    return static_cast<std::int64_t>(v);
}

// "EST", "CET", "PST8PDT": abbreviations and POSIX-style names, which name no place and are
// ambiguous in lists (IST is three zones). UTC and GMT are fine.
bool looks_like_abbreviation(std::string_view name) {
    if (name == "UTC" || name == "GMT") return false;
    if (name.find('/') != std::string_view::npos) return false;
    return std::all_of(name.begin(), name.end(),
                       [](char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); });
}

bool valid_name(std::string_view name) {
    if (name.empty() || name.size() > 64 || name.front() == '/' || name.back() == '/') return false;
    std::size_t start = 0;
    while (start <= name.size()) {
        std::size_t slash = name.find('/', start);
        std::string_view part =
            name.substr(start, slash == std::string_view::npos ? slash : slash - start);
        if (part.empty() || part == "." || part == "..") return false;
        for (char c : part)
            if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '-' || c == '+'))
                return false;
        if (slash == std::string_view::npos) break;
        start = slash + 1;
    }
    return true;
}

} // namespace

Result<TimeZone> TimeZone::load(std::string_view name) {
    auto refuse = [&](std::string why) -> Result<TimeZone> {
        return fail(ErrorKind::usage, fmt::format("--timezone {}: {}", name, why));
    };
    if (looks_like_abbreviation(name))
        return refuse("an abbreviation names no place (EST, IST and CST each mean several); give "
                      "an IANA name such as America/New_York or Europe/London");
    if (!valid_name(name))
        return refuse("not a time zone name (an IANA name such as Europe/Stockholm)");
    const char* dir = std::getenv("TZDIR");
    std::string path = std::string(dir != nullptr && *dir == '/' ? dir : "/usr/share/zoneinfo") +
                       "/" + std::string(name);
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return refuse(fmt::format("no such zone in the system's tz database ({}); names are "
                                  "like Europe/Stockholm or America/New_York",
                                  path));
    std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto bad = [&] { return refuse(fmt::format("{} is not a TZif file", path)); };
    if (data.size() < 44 || data.compare(0, 4, "TZif") != 0) return bad();
    TimeZone zone;
    zone.m_name = std::string(name);
    // Version 1 data uses 4-byte times; version 2 and later repeat it with 8-byte times after.
    auto counts = [&](std::size_t at, std::array<std::int64_t, 6>& c) {
        for (std::size_t i = 0; i < 6; ++i)
            c[i] = big_endian(data, at + 20 + 4 * i, 4);
    };
    std::array<std::int64_t, 6> c{}; // isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt
    counts(0, c);
    std::size_t pos = 44;
    std::size_t time_size = 4;
    if (data[4] >= '2') {
        std::size_t v1 =
            static_cast<std::size_t>(c[3] * 5 + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0]);
        pos += v1;
        if (data.size() < pos + 44 || data.compare(pos, 4, "TZif") != 0) return bad();
        counts(pos, c);
        pos += 44;
        time_size = 8;
    }
    auto timecnt = static_cast<std::size_t>(c[3]);
    auto typecnt = static_cast<std::size_t>(c[4]);
    if (typecnt == 0 || data.size() < pos + timecnt * (time_size + 1) + typecnt * 6) return bad();
    for (std::size_t i = 0; i < timecnt; ++i)
        zone.m_transitions.push_back(big_endian(data, pos + i * time_size, time_size));
    pos += timecnt * time_size;
    for (std::size_t i = 0; i < timecnt; ++i) {
        auto type = static_cast<unsigned char>(data[pos + i]);
        if (type >= typecnt) return bad();
        zone.m_types.push_back(type);
    }
    pos += timecnt;
    for (std::size_t i = 0; i < typecnt; ++i)
        zone.m_offsets.push_back(static_cast<std::int32_t>(big_endian(data, pos + i * 6, 4)));
    return zone;
}

int TimeZone::offset_at(std::int64_t utc_seconds) const {
    // Before the first transition: the first type (RFC 8536, 3.2). After the last one the
    // footer's rule would apply; Debian's files list transitions to 2037, so the last known
    // offset stands in for it.
    auto after = std::upper_bound(m_transitions.begin(), m_transitions.end(), utc_seconds);
    if (after == m_transitions.begin()) return m_offsets.front();
    return m_offsets[m_types[static_cast<std::size_t>(after - m_transitions.begin() - 1)]];
}

std::int64_t TimeZone::to_utc(std::int64_t local_seconds) const {
    // The offsets in force a day either side are the candidates; of the readings that are
    // consistent, the earlier is taken (a repeated hour when clocks go back); in a gap (clocks
    // go forward) none is, and the offset before the gap moves the time past it.
    int before = offset_at(local_seconds - 86400);
    int after = offset_at(local_seconds + 86400);
    std::optional<std::int64_t> best;
    for (int offset : {before, after}) {
        std::int64_t t = local_seconds - offset;
        if (offset_at(t) == offset && (!best || t < *best)) best = t;
    }
    return best.value_or(local_seconds - before);
}

} // namespace dropcat
