#pragma once

#include "dropcat/export.hpp"
#include "dropcat/error.hpp"

#include <string>
#include <string_view>

DROPCAT_PUBLIC_BEGIN

namespace dropcat {

// A domain name that passed every check: stored as its lowercase A-label (ASCII) form.
struct DomainName {
    std::string ascii;     // A-label form, e.g. "xn--bcher-kva.de"
    std::size_t tld_pos;   // offset of the top-level domain within ascii (after the last dot)
    std::size_t label_len; // length of the registrable label (left of the public suffix)

    std::string_view tld() const { return std::string_view(ascii).substr(tld_pos); }
    std::string_view label() const { return std::string_view(ascii).substr(0, label_len); }
};

// Normalises text into a registrable domain name, or says in plain words why it is not one.
// Trims white space, lowercases, strips one trailing dot, maps a U-label to its A-label
// (IDNA2008 with UTS #46 mapping) and checks LDH and length rules, punycode, the top-level
// domain and, with the ICANN section of the public suffix list, that the name is itself a
// registrable domain. Thread-safe.
Result<DomainName> parse_domain(std::string_view text);

// The display (U-label) form of an A-label name; the name itself when it is not an IDN or
// cannot be decoded.
std::string to_unicode(std::string_view ascii);

} // namespace dropcat

DROPCAT_PUBLIC_END
