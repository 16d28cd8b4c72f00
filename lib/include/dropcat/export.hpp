#pragma once

// What libdropcat exports. The library is built with hidden visibility (CMake's
// CXX_VISIBILITY_PRESET), so only what these macros mark is part of its ABI: each public
// header puts its declarations between DROPCAT_PUBLIC_BEGIN and DROPCAT_PUBLIC_END, and
// DROPCAT_API marks a single declaration elsewhere. Internal code (lib/src) stays hidden.

#if defined(__GNUC__) || defined(__clang__)
#define DROPCAT_API __attribute__((visibility("default")))
#define DROPCAT_PUBLIC_BEGIN _Pragma("GCC visibility push(default)")
#define DROPCAT_PUBLIC_END _Pragma("GCC visibility pop")
#else
#define DROPCAT_API
#define DROPCAT_PUBLIC_BEGIN
#define DROPCAT_PUBLIC_END
#endif
