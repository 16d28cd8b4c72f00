#pragma once

// Internal to catcher: what a name's accounts and prices are keyed by.

#include <string>
#include <string_view>

namespace dropcat::catcher {

// Everything after a name's first label: "com" for a.com, "co.uk" for a.co.uk.
inline std::string tld_of(std::string_view domain) {
    auto dot = domain.find('.');
    return std::string(dot == std::string_view::npos ? domain : domain.substr(dot + 1));
}

} // namespace dropcat::catcher
