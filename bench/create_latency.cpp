// Create latency on a warm connection against a cold one, through the library, against a
// dropcat-sim whose URL and CA file bench/registrar.sh passes. Each create registers a new
// name (Dynadot register). Cold: a new account object for each create, so the create pays
// TCP and (with https) TLS itself. Warm: one account object, warmed (Registrar::warm) just
// before each create, so the create's own time is the request and answer alone.
//   dropcat-bench-create URL CA_FILE N
#include <dropcat/config.hpp>
#include <dropcat/registrar.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

using namespace dropcat;

namespace {

double ms_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
        .count();
}

double percentile(std::vector<double> v, double p) {
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 4) {
        fmt::print(stderr, "usage: dropcat-bench-create URL CA_FILE N\n");
        return 2;
    }
    ::setenv("DYN_KEY", "bench-key-0001", 1);
    Config config;
    RegistrarAccount account;
    account.name = "dyn-bench";
    account.kind = "dynadot";
    account.settings["key_env"] = "DYN_KEY";
    account.endpoint = argv[1];
    account.ca_file = argv[2];
    account.checks_per_minute = 100000;
    account.creates_per_minute = 100000;
    config.registrars.push_back(account);
    int n = std::atoi(argv[3]);
    RegistrarSetup setup; // no state folder: limits in memory only
    auto create = [&](Registrar& r, const std::string& name, bool warm) -> double {
        Call call{r.clock().now() + std::chrono::seconds(30), {}};
        auto quotes = r.quote(std::span(&name, 1), 1, call);
        if (!quotes || quotes->front().availability != Availability::available) return -1;
        if (warm && !r.warm(call)) return -1;
        CreateRequest request;
        request.domain = name;
        request.max_price = Money{2000, "USD"};
        request.quote = quotes->front();
        request.dry_run = false;
        auto start = std::chrono::steady_clock::now();
        auto result = r.create(request, call);
        double ms = ms_since(start);
        return result.outcome == Outcome::registered ? ms : -1;
    };
    std::vector<double> cold, warm;
    auto one = open_registrar(config, account, setup);
    if (!one) {
        fmt::print(stderr, "dropcat-bench-create: {}\n", one.error().message);
        return 1;
    }
    for (int i = 0; i < n; ++i) {
        // Alternating, so that both see the same machine at the same time.
        auto fresh = open_registrar(config, account, setup);
        if (!fresh) return 1;
        double c = create(**fresh, fmt::format("cold-{}.com", i), false);
        double w = create(**one, fmt::format("warm-{}.com", i), true);
        if (c < 0 || w < 0) {
            fmt::print(stderr, "dropcat-bench-create: a create did not register\n");
            return 1;
        }
        cold.push_back(c);
        warm.push_back(w);
    }
    fmt::print("creates: {} each, {}\n", n, argv[1]);
    fmt::print("cold (TCP{} in the create): median {:.3f} ms, p90 {:.3f} ms\n",
               std::string(argv[1]).starts_with("https") ? " and TLS" : "", percentile(cold, 0.5),
               percentile(cold, 0.9));
    fmt::print("warm (connection opened before): median {:.3f} ms, p90 {:.3f} ms\n",
               percentile(warm, 0.5), percentile(warm, 0.9));
    fmt::print("cold / warm (medians): {:.2f}\n", percentile(cold, 0.5) / percentile(warm, 0.5));
    return 0;
}
