#include "core/text.hpp"

#include <fmt/format.h>

namespace dropcat::text {

std::size_t utf8_sequence(std::string_view s, char32_t& cp) {
    auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
    unsigned char b0 = byte(0);
    std::size_t n = b0 < 0x80                  ? 1
                    : b0 >= 0xC2 && b0 <= 0xDF ? 2
                    : b0 >= 0xE0 && b0 <= 0xEF ? 3
                    : b0 >= 0xF0 && b0 <= 0xF4 ? 4
                                               : 0;
    if (n == 0 || n > s.size()) return 0;
    cp = n == 1 ? b0 : n == 2 ? b0 & 0x1F : n == 3 ? b0 & 0x0F : b0 & 0x07;
    for (std::size_t i = 1; i < n; ++i) {
        if ((byte(i) & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (byte(i) & 0x3F);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

std::string for_message(std::string_view s, std::size_t max_chars) {
    std::string out;
    std::size_t chars = 0;
    std::size_t i = 0;
    while (i < s.size() && chars < max_chars) {
        char32_t cp = 0;
        std::size_t n = utf8_sequence(s.substr(i), cp);
        if (n == 0) {
            out += fmt::format("\\x{:02X}", static_cast<unsigned char>(s[i]));
            n = 1;
        } else if (cp == '\t') {
            out += ' ';
        } else if (cp < 0x20 || cp == 0x7F) {
            out += fmt::format("\\x{:02X}", static_cast<unsigned>(cp));
        } else if (cp >= 0x80 && cp <= 0x9F) {
            out += fmt::format("\\u{:04X}", static_cast<unsigned>(cp));
        } else {
            out.append(s.substr(i, n));
        }
        i += n;
        ++chars;
    }
    if (i < s.size()) out += "...";
    return out;
}

} // namespace dropcat::text
