#pragma once

#include "dropcat/export.hpp"
#include <expected>
#include <string>

DROPCAT_PUBLIC_BEGIN

namespace dropcat {

// What kind of failure an Error is. Each category maps one-to-one to a documented exit code
// (dropcat(1), EXIT STATUS), so the programs never invent codes of their own.
enum class ErrorKind {
    failed = 1,       // the operation failed
    usage = 2,        // the command line was wrong
    unresolved = 3,   // an earlier create's outcome is unknown: check the account first
    data = 65,        // input data rejected
    no_input = 66,    // an input that must exist does not (a store a listing reads)
    unavailable = 69, // a service (registrar, RDAP, SMTP) is unavailable
    io = 74,          // standard output cannot be written (closed, full)
    temporary = 75,   // try later: another run holds the lock, rate-limited
    config = 78,      // configuration error
    interrupted = 130 // SIGINT or SIGTERM
};

// An ordinary failure: a category and a message a person understands. The message never starts
// with "error:" or the program name; the program adds its voice.
struct Error {
    ErrorKind kind = ErrorKind::failed;
    std::string message;
};

inline int exit_code(ErrorKind kind) {
    return static_cast<int>(kind);
}

template <typename T> using Result = std::expected<T, Error>;

inline std::unexpected<Error> fail(ErrorKind kind, std::string message) {
    return std::unexpected<Error>(Error{kind, std::move(message)});
}

} // namespace dropcat

DROPCAT_PUBLIC_END
