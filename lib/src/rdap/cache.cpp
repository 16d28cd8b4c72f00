// The cached bootstrap file (dropcat status --refresh-bootstrap).
#include "dropcat/rdap.hpp"

#include "core/paths.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace dropcat {

namespace {

std::optional<std::filesystem::path> cache_file() {
    auto dir = paths::xdg_dir("XDG_CACHE_HOME", ".cache");
    if (!dir) return std::nullopt;
    return *dir / "rdap-dns.json";
}

} // namespace

BootstrapInUse bootstrap_in_use() {
    if (auto file = cache_file()) {
        std::ifstream in(*file, std::ios::binary);
        if (in) {
            std::ostringstream text;
            text << in.rdbuf();
            if (auto parsed = RdapBootstrap::parse(text.str())) {
                BootstrapInUse out{std::move(*parsed), file->string(), std::nullopt};
                struct stat st {};
                if (::stat(file->c_str(), &st) == 0)
                    out.saved_at =
                        from_unix_ms(static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000);
                return out;
            }
        }
    }
    auto shipped = RdapBootstrap::parse(shipped_bootstrap());
    return BootstrapInUse{shipped ? std::move(*shipped) : RdapBootstrap{}, "shipped", std::nullopt};
}

Result<std::string> save_bootstrap(std::string_view text) {
    auto file =
        paths::xdg_path("XDG_CACHE_HOME", ".cache", "rdap-dns.json",
                        "cache folder for the RDAP bootstrap file", "set XDG_CACHE_HOME or HOME");
    if (!file) return std::unexpected(file.error());
    std::error_code ec;
    std::filesystem::create_directories(file->parent_path(), ec);
    std::filesystem::path temp = file->string() + ".new";
    {
        std::ofstream out(temp, std::ios::binary | std::ios::trunc);
        out.write(text.data(), static_cast<std::streamsize>(text.size()));
        out.flush();
        if (!out)
            return fail(ErrorKind::io,
                        fmt::format("cannot write {}: {}", temp.string(), std::strerror(errno)));
    }
    std::filesystem::rename(temp, *file, ec);
    if (ec)
        return fail(ErrorKind::io,
                    fmt::format("cannot write {}: {}", file->string(), ec.message()));
    return file->string();
}

} // namespace dropcat
