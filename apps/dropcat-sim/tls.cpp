#include "tls.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <ctime>
#include <functional>
#include <filesystem>
#include <memory>
#include <sys/stat.h>

namespace dropcat::sim {

namespace {

template <typename T, void (*Free)(T*)> struct Deleter {
    void operator()(T* p) const { Free(p); }
};
using Key = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using Cert = std::unique_ptr<X509, Deleter<X509, X509_free>>;

bool add_extension(X509* cert, int nid, const char* value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    if (ext == nullptr) return false;
    bool ok = X509_add_ext(cert, ext, -1) == 1;
    X509_EXTENSION_free(ext);
    return ok;
}

Result<void> write_pem(const std::string& path, mode_t mode,
                       const std::function<bool(FILE*)>& write) {
    FILE* f = std::fopen(path.c_str(), "wx"); // never over an existing file
    if (f == nullptr) return fail(ErrorKind::failed, fmt::format("cannot create {}", path));
    ::fchmod(fileno(f), mode);
    bool ok = write(f);
    ok = std::fclose(f) == 0 && ok;
    if (!ok) return fail(ErrorKind::failed, fmt::format("cannot write {}", path));
    return {};
}

} // namespace

Result<void> ensure_certificate(const TlsFiles& files) {
    namespace fs = std::filesystem;
    std::error_code ec;
    bool cert = fs::exists(files.cert, ec), key = fs::exists(files.key, ec);
    if (cert && key) return {};
    if (cert != key)
        return fail(ErrorKind::usage,
                    fmt::format("--tls-cert and --tls-key: {} exists but {} does not; give both "
                                "files, or neither to have a self-signed pair made",
                                cert ? files.cert : files.key, cert ? files.key : files.cert));
    Key pkey(EVP_EC_gen("P-256"));
    Cert x509(X509_new());
    if (!pkey || !x509) return fail(ErrorKind::failed, "cannot make a TLS key");
    X509* c = x509.get();
    X509_set_version(c, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(c), static_cast<long>(std::time(nullptr)));
    X509_gmtime_adj(X509_getm_notBefore(c), -3600);
    X509_gmtime_adj(X509_getm_notAfter(c), 30L * 24 * 3600);
    X509_set_pubkey(c, pkey.get());
    X509_NAME* name = X509_get_subject_name(c);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("dropcat-sim"), -1, -1, 0);
    X509_set_issuer_name(c, name);
    bool ok = add_extension(c, NID_subject_alt_name, "IP:127.0.0.1,IP:::1,DNS:localhost") &&
              add_extension(c, NID_basic_constraints, "critical,CA:TRUE") &&
              add_extension(c, NID_key_usage, "critical,digitalSignature,keyCertSign") &&
              add_extension(c, NID_ext_key_usage, "serverAuth") &&
              X509_sign(c, pkey.get(), EVP_sha256()) > 0;
    if (!ok) return fail(ErrorKind::failed, "cannot make a TLS certificate");
    if (auto w = write_pem(files.key, 0600,
                           [&](FILE* f) {
                               return PEM_write_PrivateKey(f, pkey.get(), nullptr, nullptr, 0,
                                                           nullptr, nullptr) == 1;
                           });
        !w)
        return w;
    return write_pem(files.cert, 0644, [&](FILE* f) { return PEM_write_X509(f, c) == 1; });
}

} // namespace dropcat::sim
