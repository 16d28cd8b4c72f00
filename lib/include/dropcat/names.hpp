#pragma once

#include "dropcat/export.hpp"
#include "dropcat/error.hpp"

#include <functional>
#include <istream>
#include <span>
#include <string>
#include <vector>

DROPCAT_PUBLIC_BEGIN

namespace dropcat {

// The domain names a command is given: its arguments, where "-" stands for the names read from
// `in` (stdin), one a line. Blank lines and lines starting with '#' are skipped and blanks
// around a name trimmed. Every name is normalised to its A-label. The first that is not a
// registrable domain name fails the whole list (ErrorKind::data) with where it came from:
// "'TEXT': REASON" for an argument, "<stdin>:LINE: 'TEXT': REASON" for a line. A line longer
// than 1 KiB (no domain name is) is an error found without reading the rest of it. `stop` is
// asked between lines (ErrorKind::interrupted). No name at all is a usage error.
// The catch engine's target lists (--target FILE|-) read through this too.
Result<std::vector<std::string>> read_names(std::span<const std::string> args, std::istream& in,
                                            const std::function<bool()>& stop = {});

} // namespace dropcat

DROPCAT_PUBLIC_END
