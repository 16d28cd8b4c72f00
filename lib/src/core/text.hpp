#pragma once

// Internal to the library: small text helpers the modules share.

#include <string>
#include <string_view>

namespace dropcat::text {

// `s` without the given characters at either end (by default spaces, tabs and line ends).
inline std::string_view trim(std::string_view s, std::string_view chars = " \t\r\n\v\f") {
    std::size_t first = s.find_first_not_of(chars);
    if (first == std::string_view::npos) return {};
    return s.substr(first, s.find_last_not_of(chars) - first + 1);
}

// ASCII lowercase; other bytes as they are.
inline std::string ascii_lower(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

// The length of the valid UTF-8 sequence at the start of `s` and its code point; 0 when the
// first byte does not start one (overlong forms, surrogates and values past U+10FFFF are not
// valid).
std::size_t utf8_sequence(std::string_view s, char32_t& cp);

// `s` made safe to print in a message on a terminal: valid UTF-8 is kept, a tab becomes a
// space, other control characters (C0, DEL and the C1 range U+0080-U+009F, which terminals may
// act on) are written \xNN or \uNNNN, and a byte that is not valid UTF-8 is written \xNN. At
// most `max_chars` characters of `s`, then "...".
std::string for_message(std::string_view s, std::size_t max_chars = 80);

} // namespace dropcat::text
