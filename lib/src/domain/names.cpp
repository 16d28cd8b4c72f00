#include "dropcat/names.hpp"

#include "dropcat/domain.hpp"

#include <fmt/format.h>

namespace dropcat {

namespace {

constexpr std::size_t k_longest_line = 1024;

// A short, printable echo of what was given, for messages.
std::string shown(std::string_view text) {
    std::string out;
    for (unsigned char c : text.substr(0, 80))
        out += (c < 0x20 || c == 0x7f) ? '?' : static_cast<char>(c);
    if (text.size() > 80) out += "...";
    return out;
}

std::string_view trimmed(std::string_view s) {
    auto first = s.find_first_not_of(" \t\r");
    if (first == std::string_view::npos) return {};
    auto last = s.find_last_not_of(" \t\r");
    return s.substr(first, last - first + 1);
}

} // namespace

Result<std::vector<std::string>> read_names(std::span<const std::string> args, std::istream& in,
                                            const std::function<bool()>& stop) {
    std::vector<std::string> out;
    bool read_stdin = false;
    auto add = [&](std::string_view text, std::string where) -> Result<void> {
        auto d = parse_domain(text);
        if (!d)
            return fail(ErrorKind::data,
                        fmt::format("{}'{}': {}", where, shown(text), d.error().message));
        out.push_back(d->ascii);
        return {};
    };
    for (const auto& a : args) {
        if (a != "-") {
            if (auto ok = add(trimmed(a), ""); !ok) return std::unexpected(ok.error());
            continue;
        }
        if (read_stdin) continue; // stdin is read once, whatever the number of "-"
        read_stdin = true;
        std::string line;
        for (std::size_t number = 1;; ++number) {
            if (stop && stop()) return fail(ErrorKind::interrupted, "interrupted");
            line.clear();
            bool any = false;
            for (int c; (c = in.get()) != std::char_traits<char>::eof();) {
                any = true;
                if (c == '\n') break;
                if (line.size() == k_longest_line)
                    return fail(ErrorKind::data,
                                fmt::format("<stdin>:{}: line too long (over {} bytes)", number,
                                            k_longest_line));
                line += static_cast<char>(c);
            }
            if (!any) break;
            std::string_view name = trimmed(line);
            if (name.empty() || name.front() == '#') continue;
            if (auto ok = add(name, fmt::format("<stdin>:{}: ", number)); !ok)
                return std::unexpected(ok.error());
        }
    }
    if (out.empty()) return fail(ErrorKind::usage, "no domain names given");
    return out;
}

} // namespace dropcat
