#include "sqlite_backend.hpp"

#include <fmt/format.h>

#include <cerrno>

namespace dropcat::store {

Error sqlite_error(const std::string& name, int code, const std::string& what, int system_errno) {
    int primary = code & 0xff;
    if (primary == SQLITE_FULL || (primary == SQLITE_IOERR && system_errno == ENOSPC))
        return Error{ErrorKind::failed,
                     fmt::format("store {}: the disk is full (no space left to write the store "
                                 "or its log); nothing was changed",
                                 name)};
    if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
        return Error{ErrorKind::temporary,
                     fmt::format("store {} is busy: another dropcat run is writing to it; try "
                                 "again later",
                                 name)};
    if (primary == SQLITE_NOTADB)
        return Error{ErrorKind::failed,
                     fmt::format("{} is not a dropcat store (not an SQLite database)", name)};
    if (primary == SQLITE_READONLY)
        return Error{ErrorKind::failed,
                     fmt::format("store {} can only be read by you (no write permission on it or "
                                 "its folder); nothing was changed",
                                 name)};
    if (primary == SQLITE_INTERRUPT)
        return Error{ErrorKind::interrupted, "interrupted; the store was left unchanged"};
    return Error{ErrorKind::failed, fmt::format("store {}: {}", name, what)};
}

} // namespace dropcat::store
