#include "dropcat/http.hpp"

#include <charconv>
#include <ctime>

namespace dropcat {

std::optional<std::chrono::milliseconds> retry_after(const HttpResponse& response,
                                                     Clock::Wall::time_point wall) {
    using namespace std::chrono;
    auto after = response.header("retry-after");
    if (!after) return std::nullopt;
    long seconds = 0;
    auto [end, ec] = std::from_chars(after->data(), after->data() + after->size(), seconds);
    if (ec == std::errc() && end == after->data() + after->size() && seconds >= 0)
        return milliseconds(seconds * 1000);
    std::tm tm{};
    if (strptime(after->c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm) != nullptr) {
        auto at = system_clock::from_time_t(timegm(&tm));
        return std::max(milliseconds(0), duration_cast<milliseconds>(at - wall));
    }
    return std::nullopt;
}

std::optional<Clock::Wall::time_point> http_date(const HttpResponse& response) {
    auto date = response.header("date");
    if (!date) return std::nullopt;
    std::tm tm{};
    const char* end = strptime(date->c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
    if (end == nullptr || *end != '\0') return std::nullopt;
    return std::chrono::system_clock::from_time_t(timegm(&tm));
}

} // namespace dropcat
