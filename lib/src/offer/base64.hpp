#pragma once

// Internal to offer: base64 (RFC 4648) by OpenSSL, which dropcat links for HMAC already.

#include <openssl/evp.h>

#include <string>
#include <string_view>

namespace dropcat::offer {

// Standard base64 with padding (RFC 2047 encoded words).
inline std::string base64(std::string_view bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3), '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(bytes.data()),
                            static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

// The URL-safe alphabet without padding (RFC 4648 section 5): opt-out tokens.
inline std::string base64url(std::string_view bytes) {
    std::string out = base64(bytes);
    while (!out.empty() && out.back() == '=')
        out.pop_back();
    for (char& c : out)
        c = c == '+' ? '-' : c == '/' ? '_' : c;
    return out;
}

} // namespace dropcat::offer
