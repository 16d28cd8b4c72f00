#include "cli.hpp"
#include "tls.hpp"

#include "listen_address.hpp"
#include "scenario.hpp"
#include "server.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>
#include <exception>

namespace dropcat::sim {

namespace {

struct Options {
    std::string scenario;
    std::string listen = "127.0.0.1:0";
    std::string log;
    TlsFiles tls;
    bool check = false;
};

int error(ErrorKind kind, const std::string& message) {
    fmt::print(stderr, "dropcat-sim: error: {}\n", message);
    return exit_code(kind);
}

void build(CLI::App& app, Options& options) {
    app.set_version_flag("--version", "dropcat-sim " DROPCAT_VERSION, "print the version and exit");
    app.set_help_flag("-h,--help", "print this help and exit");
    app.get_formatter()->column_width(26);
    CLI::Validator existing = CLI::ExistingFile;
    existing.description(""); // the placeholder says FILE already
    app.add_option("SCENARIO", options.scenario, "the scenario (TOML): accounts, names, faults")
        ->required()
        ->check(existing)
        ->type_name("FILE");
    app.add_option("--listen", options.listen,
                   "where to listen, loopback only (port 0: a free port)\n"
                   "(default: 127.0.0.1:0)")
        ->type_name("ADDR:PORT");
    app.add_option("--log", options.log,
                   "write one JSON line per request to FILE (created or\n"
                   "truncated; - is stdout)")
        ->type_name("FILE");
    app.add_option("--tls-cert", options.tls.cert,
                   "serve HTTPS with this certificate (PEM); made, self-signed\n"
                   "for 127.0.0.1, ::1 and localhost, when it and the key\n"
                   "do not exist (trust it with an account's ca_file)")
        ->type_name("FILE");
    app.add_option("--tls-key", options.tls.key, "the certificate's private key (PEM)")
        ->type_name("FILE");
    app.add_flag("--check", options.check,
                 "check the scenario, print a summary and when each name\n"
                 "is deleted, and exit");
    app.footer("It prints its base URL (http://127.0.0.1:PORT) as one line on stdout, then\n"
               "serves Dynadot api3, Porkbun v3, Namecheap and RDAP under it until SIGINT or\n"
               "SIGTERM. To rehearse a catch, set a dropcat [[registrar]] endpoint to:\n"
               "  dynadot    URL\n"
               "  porkbun    URL/api/json/v3\n"
               "  namecheap  URL/xml.response\n"
               "\n"
               "Examples:\n"
               "  dropcat-sim --check rehearsal.toml\n"
               "  dropcat-sim --listen 127.0.0.1:8443 --log sim.jsonl rehearsal.toml\n"
               "  dropcat-sim --tls-cert sim.crt --tls-key sim.key rehearsal.toml\n"
               "\n"
               "Exit status: 0 stopped by a signal, 1 the log cannot be written, 2 usage,\n"
               "65 bad scenario, 69 cannot listen, 130 stopped by a second signal.\n"
               "See dropcat-sim(1) for the scenario format.");
}

// The summary, then when each name is deleted (and taken by the competitor), counted from the
// simulator's start: with jitter the moments are drawn from the seed, so a run with the same
// seed has the same ones.
int check_only(const Options& options, const Scenario& s) {
    fmt::print("{}: ok: {} accounts, {} names, {} faults\n", options.scenario, s.accounts.size(),
               s.domains.size(), s.faults.size());
    auto offset = [&](Instant t) {
        auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t - s.start).count();
        return fmt::format("{}{}.{:03}s", ms < 0 ? "-" : "+", std::abs(ms) / 1000,
                           std::abs(ms) % 1000);
    };
    for (const auto& d : s.domains) {
        if (!d.deleted_at) continue;
        fmt::print("{}: deleted at {}", d.name, offset(*d.deleted_at));
        if (d.competitor_after)
            fmt::print(", taken by the competitor at {}",
                       offset(*d.deleted_at + *d.competitor_after));
        fmt::print("\n");
    }
    return 0;
}

int run_parsed(const Options& options) {
    auto address = parse_listen_address(options.listen);
    if (!address) return error(address.error().kind, address.error().message);
    auto scenario = load_scenario(options.scenario, now());
    if (!scenario) return error(scenario.error().kind, scenario.error().message);
    if (options.check) return check_only(options, *scenario);
    if (options.tls.cert.empty() != options.tls.key.empty())
        return error(ErrorKind::usage, "--tls-cert and --tls-key go together");
    if (options.tls.enabled())
        if (auto made = ensure_certificate(options.tls); !made)
            return error(made.error().kind, made.error().message);
    auto served = serve_scenario(std::move(*scenario), *address, options.log, options.tls);
    if (!served) return error(served.error().kind, served.error().message);
    return 0;
}

} // namespace

int run(int argc, char** argv) {
    CLI::App app("dropcat-sim: a local registrar and registry simulator for dropcat.\n"
                 "Serves the Dynadot, Porkbun and Namecheap APIs and RDAP on loopback, with\n"
                 "names that drop when a scenario says, rate limits, balances and faults.",
                 "dropcat-sim");
    Options options;
    build(app, options);
    try {
        app.parse(argc, argv);
    } catch (const CLI::Success& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        fmt::print(stderr, "dropcat-sim: error: {}\ntry 'dropcat-sim --help'\n", e.what());
        return exit_code(ErrorKind::usage);
    }
    try {
        return run_parsed(options);
    } catch (const std::exception& e) {
        return error(ErrorKind::failed, fmt::format("internal error: {}", e.what()));
    }
}

} // namespace dropcat::sim
