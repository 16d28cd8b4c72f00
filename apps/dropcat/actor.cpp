#include "actor.hpp"

#include <cstdlib>
#include <pwd.h>
#include <unistd.h>

namespace dropcat::cli {

std::string actor_name(const std::string& by) {
    if (!by.empty()) return by;
    if (const char* login = getlogin(); login != nullptr && *login != '\0') return login;
    if (const passwd* pw = getpwuid(getuid()); pw != nullptr && pw->pw_name != nullptr)
        return pw->pw_name;
    if (const char* user = std::getenv("USER"); user != nullptr && *user != '\0') return user;
    return "unknown";
}

} // namespace dropcat::cli
