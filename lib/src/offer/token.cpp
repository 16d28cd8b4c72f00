// The opt-out token of an address: HMAC-SHA256 under the operator's secret, so that a token
// can be checked but not made, nor a list of them walked.
#include "dropcat/mail.hpp"

#include "offer/base64.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>

namespace dropcat {

namespace {

constexpr std::string_view k_base64url =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

} // namespace

std::string optout_token(std::string_view secret, std::string_view address) {
    std::string key = canonical_address(address);
    std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
    unsigned int size = 0;
    HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
         reinterpret_cast<const unsigned char*>(key.data()), key.size(), mac.data(), &size);
    return offer::base64url(std::string_view(reinterpret_cast<const char*>(mac.data()),
                                             static_cast<std::size_t>(size)));
}

std::string address_hash(std::string_view address) {
    std::string key = canonical_address(address);
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int size = 0;
    EVP_Digest(key.data(), key.size(), digest.data(), &size, EVP_sha256(), nullptr);
    static constexpr char k_hex[] = "0123456789abcdef";
    std::string out;
    for (unsigned i = 0; i < size; ++i) {
        out += k_hex[digest[i] >> 4];
        out += k_hex[digest[i] & 15];
    }
    return out;
}

bool token_shaped(std::string_view token) {
    if (token.size() != 43) return false;
    for (char c : token)
        if (k_base64url.find(c) == std::string_view::npos) return false;
    return true;
}

} // namespace dropcat
