#pragma once

#include "dropcat/error.hpp"

#include <string>

namespace dropcat::sim {

// Where the simulator's TLS certificate and key are (PEM). Empty: plain HTTP.
struct TlsFiles {
    std::string cert;
    std::string key;
    bool enabled() const { return !cert.empty(); }
};

// Makes sure both files exist: when neither does, a self-signed certificate for 127.0.0.1,
// ::1 and localhost (an EC P-256 key, valid for 30 days) is written to them (the key mode
// 0600), so that a client can trust the simulator by naming the certificate as its CA file
// (a dropcat account's ca_file). When one exists without the other, that is an error.
Result<void> ensure_certificate(const TlsFiles& files);

} // namespace dropcat::sim
