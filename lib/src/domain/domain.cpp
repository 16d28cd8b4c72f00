#include "dropcat/domain.hpp"
#include "core/text.hpp"

#include <fmt/format.h>
#include <idn2.h>
#include <libpsl.h>

#include <cstdlib>
#include <memory>
#include <unordered_map>

namespace dropcat {

namespace {

constexpr std::size_t k_max_label = 63;
constexpr std::size_t k_max_name = 253;

// The public suffix list: the newest of libpsl's built-in copy and the system's DAFSA file.
const psl_ctx_t* suffix_list() {
    static const psl_ctx_t* ctx = [] {
        const psl_ctx_t* latest = psl_latest(nullptr);
        return latest != nullptr ? latest : psl_builtin();
    }();
    return ctx;
}

struct FreeDeleter {
    void operator()(char* p) const { idn2_free(p); }
};
using Idn2String = std::unique_ptr<char, FreeDeleter>;

std::string shown_char(unsigned char c) {
    if (c >= 0x21 && c < 0x7f) return fmt::format("'{}'", static_cast<char>(c));
    if (c == ' ') return "a space";
    return fmt::format("byte 0x{:02x}", c);
}

bool is_ldh(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

// An xn-- label is valid only when it decodes and encodes back to itself under IDNA2008.
bool valid_a_label(std::string_view label) {
    std::string copy(label);
    char* decoded = nullptr;
    if (idn2_to_unicode_8z8z(copy.c_str(), &decoded, 0) != IDN2_OK || decoded == nullptr)
        return false;
    Idn2String unicode(decoded);
    bool any_non_ascii = false;
    for (const char* p = unicode.get(); *p != '\0'; ++p)
        if (static_cast<unsigned char>(*p) >= 0x80) any_non_ascii = true;
    if (!any_non_ascii) return false;
    char* encoded = nullptr;
    if (idn2_lookup_u8(reinterpret_cast<const uint8_t*>(unicode.get()),
                       reinterpret_cast<uint8_t**>(&encoded), IDN2_NONTRANSITIONAL) != IDN2_OK ||
        encoded == nullptr)
        return false;
    Idn2String back(encoded);
    return copy == back.get();
}

bool is_icann_suffix(const std::string& name, bool allow_star) {
    int type = PSL_TYPE_ICANN | (allow_star ? 0 : PSL_TYPE_NO_STAR_RULE);
    return psl_is_public_suffix2(suffix_list(), name.c_str(), type) != 0;
}

// The same for the few suffixes (TLDs, parents of names) that drop lists repeat endlessly:
// remembered per thread, so a million names under .com ask the list twice, not two million
// times.
bool is_icann_suffix_cached(const std::string& name, bool allow_star) {
    thread_local std::unordered_map<std::string, bool> cache[2];
    auto& map = cache[allow_star ? 1 : 0];
    if (auto it = map.find(name); it != map.end()) return it->second;
    bool result = is_icann_suffix(name, allow_star);
    if (map.size() < 4096) map.emplace(name, result);
    return result;
}

// Checks one label against the LDH, length and hyphen rules.
Result<void> check_label(std::string_view label) {
    if (label.empty())
        return fail(ErrorKind::data, "empty label (two dots in a row or a leading dot)");
    if (label.size() > k_max_label)
        return fail(ErrorKind::data,
                    fmt::format("label '{}...' is longer than 63 characters", label.substr(0, 20)));
    for (unsigned char c : label)
        if (!is_ldh(c))
            return fail(ErrorKind::data,
                        fmt::format("{} is not allowed in a domain name (letters, digits and "
                                    "hyphens only)",
                                    shown_char(c)));
    if (label.front() == '-')
        return fail(ErrorKind::data, fmt::format("label '{}' starts with a hyphen", label));
    if (label.back() == '-')
        return fail(ErrorKind::data, fmt::format("label '{}' ends with a hyphen", label));
    if (label.size() >= 4 && label[2] == '-' && label[3] == '-') {
        if (!label.starts_with("xn"))
            return fail(ErrorKind::data,
                        fmt::format("label '{}' has hyphens in positions 3-4, which are reserved "
                                    "for xn-- labels",
                                    label));
        if (!valid_a_label(label))
            return fail(ErrorKind::data, fmt::format("label '{}' is not valid punycode", label));
    }
    return {};
}

} // namespace

Result<DomainName> parse_domain(std::string_view text) {
    text = text::trim(text);
    if (!text.empty() && text.back() == '.') text.remove_suffix(1);
    if (text.empty()) return fail(ErrorKind::data, "empty name");

    std::string name;
    bool ascii = true;
    for (unsigned char c : text)
        if (c >= 0x80) ascii = false;
    if (ascii) {
        name.resize(text.size());
        for (std::size_t i = 0; i < text.size(); ++i) {
            char c = text[i];
            name[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
        }
    } else {
        std::string input(text);
        char* out = nullptr;
        int rc = idn2_to_ascii_8z(input.c_str(), &out, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);
        if (rc != IDN2_OK || out == nullptr)
            return fail(ErrorKind::data,
                        fmt::format("not a valid internationalised name ({})", idn2_strerror(rc)));
        Idn2String converted(out);
        name = converted.get();
    }

    if (name.size() > k_max_name)
        return fail(ErrorKind::data,
                    fmt::format("name is {} characters long, more than 253", name.size()));

    std::size_t labels = 0;
    std::size_t first_dot = std::string::npos;
    std::size_t last_dot = std::string::npos;
    std::size_t start = 0;
    while (true) {
        std::size_t dot = name.find('.', start);
        std::string_view label = std::string_view(name).substr(
            start, dot == std::string::npos ? std::string::npos : dot - start);
        if (auto ok = check_label(label); !ok) return std::unexpected(ok.error());
        ++labels;
        if (dot == std::string::npos) break;
        if (first_dot == std::string::npos) first_dot = dot;
        last_dot = dot;
        start = dot + 1;
    }
    if (labels < 2)
        return fail(ErrorKind::data,
                    fmt::format("'{}' is a single label, not a domain name", name));

    std::string tld = name.substr(last_dot + 1);
    if (!is_icann_suffix_cached(tld, false))
        return fail(ErrorKind::data, fmt::format("unknown top-level domain '.{}'", tld));
    if (is_icann_suffix(name, true))
        return fail(ErrorKind::data,
                    fmt::format("'{}' is a public suffix, not a registrable domain", name));
    if (!is_icann_suffix_cached(name.substr(first_dot + 1), true)) {
        // Find the registrable domain the name sits under, to say so.
        std::size_t pos = first_dot;
        std::string under = name;
        while (pos != std::string::npos) {
            std::size_t next = name.find('.', pos + 1);
            if (next == std::string::npos || is_icann_suffix(name.substr(next + 1), true)) {
                under = name.substr(pos + 1);
                break;
            }
            pos = next;
        }
        return fail(
            ErrorKind::data,
            fmt::format("not a registrable domain: '{}' is a name under '{}'", name, under));
    }
    return DomainName{std::move(name), last_dot + 1, first_dot};
}

std::string to_unicode(std::string_view ascii) {
    if (ascii.find("xn--") == std::string_view::npos) return std::string(ascii);
    std::string copy(ascii);
    char* out = nullptr;
    if (idn2_to_unicode_8z8z(copy.c_str(), &out, 0) != IDN2_OK || out == nullptr) return copy;
    Idn2String unicode(out);
    return unicode.get();
}

} // namespace dropcat
