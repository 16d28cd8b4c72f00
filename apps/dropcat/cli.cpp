#include "cli.hpp"

#include "backorder_cmd.hpp"
#include "complete_cmd.hpp"
#include "drops_cmd.hpp"
#include "registrar_cmd.hpp"
#include "generate_cmd.hpp"
#include "import_cmd.hpp"
#include "options.hpp"
#include "output.hpp"
#include "signals.hpp"
#include "catch_cmd.hpp"
#include "offer_cmd.hpp"
#include "status_cmd.hpp"
#include "suggest.hpp"

#include <fmt/format.h>

#include <regex>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <fcntl.h>
#include <unistd.h>
#include <vector>

namespace dropcat::cli {

namespace {

constexpr std::array k_commands{
    CommandInfo{"import", "read drop lists into the store", add_import_command},
    CommandInfo{"drops", "list drops by date, TLD, length, pattern", add_drops_command},
    CommandInfo{"backorder", "customers' backorders: add, list, show, cancel, forget",
                add_backorder_command},
    CommandInfo{"status", "registry state over RDAP and the predicted drop", add_status_command},
    CommandInfo{"catch", "at drop time, register backordered names within each account's limits",
                add_catch_command},
    CommandInfo{"offer", "offers of caught names, notices to backorderers, opt-outs",
                add_offer_command},
    CommandInfo{"registrar", "registrar accounts from the configuration", add_registrar_command},
    CommandInfo{"generate", "write man page option lists and completions", add_generate_command,
                true},
    CommandInfo{"__complete", "print live values for shell completions", add_complete_command,
                true},
};

// Global options that take a value, so the scan for the command word can skip it.
bool takes_value(std::string_view arg) {
    return arg == "--db" || arg == "--config" || arg == "--color";
}

// The command word on the line: the first argument that is not an option or an option's value.
std::optional<std::string_view> command_word(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        if (arg == "--") return std::nullopt;
        if (arg.starts_with("-")) {
            if (takes_value(arg)) ++i;
            continue;
        }
        return arg;
    }
    return std::nullopt;
}

// The commands named on the line, outermost first: dropcat, backorder, add for
// `dropcat backorder add --oops`.
std::vector<const CLI::App*> command_path(const CLI::App& app, int argc, char** argv) {
    std::vector<const CLI::App*> path{&app};
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        if (arg == "--") break;
        if (arg.starts_with("-")) {
            if (takes_value(arg)) ++i;
            continue;
        }
        const CLI::App* next = nullptr;
        for (const CLI::App* sub :
             path.back()->get_subcommands([](const CLI::App*) { return true; }))
            if (sub->get_name() == arg) next = sub;
        if (next == nullptr) break;
        path.push_back(next);
    }
    return path;
}

// "backorder add " for the "try 'dropcat backorder add --help'" hint.
std::string help_path(const std::vector<const CLI::App*>& path) {
    std::string out;
    for (std::size_t i = 1; i < path.size(); ++i)
        out += path[i]->get_name() + " ";
    return out;
}

// "--colour is not an option of dropcat drops; did you mean --color?" for the first long option
// on the line that none of the commands named on it knows.
std::optional<std::string> unknown_option(const std::vector<const CLI::App*>& path, int argc,
                                          char** argv) {
    std::vector<std::string> known;
    for (const CLI::App* a : path)
        for (const CLI::Option* opt : a->get_options())
            for (const auto& l : opt->get_lnames())
                known.push_back("--" + l);
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        if (arg == "--") break;
        if (!arg.starts_with("--")) continue;
        std::string_view name = arg.substr(0, arg.find('='));
        if (std::find(known.begin(), known.end(), name) != known.end()) continue;
        std::vector<std::string_view> views(known.begin(), known.end());
        std::string message =
            fmt::format("{} is not an option of dropcat {}", name, help_path(path));
        while (message.back() == ' ')
            message.pop_back();
        if (auto guess = closest(name, views)) message += fmt::format("; did you mean {}?", *guess);
        return message;
    }
    return std::nullopt;
}

} // namespace

std::span<const CommandInfo> commands() {
    return k_commands;
}

bool Context::store_exists() const {
    auto location = store_location();
    return location && (is_postgresql_location(*location) || std::filesystem::exists(*location));
}

std::optional<Store> Context::open_store(int& code, bool read_only, bool create) {
    auto location = store_location();
    if (!location) {
        code = failed(location.error());
        return std::nullopt;
    }
    if (read_only && !is_postgresql_location(*location) && !std::filesystem::exists(*location)) {
        code = failed(Error{ErrorKind::no_input,
                            fmt::format("there is no store {} (nothing imported yet, or a "
                                        "different --db?)",
                                        *location)});
        return std::nullopt;
    }
    StoreOptions options;
    options.read_only = read_only;
    options.create = create && !read_only;
    options.busy_wait = lock_wait;
    auto store = Store::open(*location, options);
    if (!store) {
        code = failed(store.error());
        return std::nullopt;
    }
    report.verbose(
        fmt::format("store: {}{}", store->name(), store->read_only() ? " (read only)" : ""));
    return std::move(*store);
}

Result<Config> Context::load_configuration() const {
    bool given = !config_path.empty();
    std::filesystem::path path;
    if (given) {
        path = config_path;
    } else {
        auto found = default_config_path();
        if (!found) return std::unexpected(found.error());
        path = *found;
    }
    auto config = load_config(path, given);
    if (config)
        report.verbose(
            config->path.empty()
                ? fmt::format("configuration: {} (not there: no accounts)", path.string())
                : fmt::format("configuration: {}", path.string()));
    return config;
}

int Context::failed(const Error& error) {
    report.error(error.message);
    // Every usage error ends with where to read more.
    if (error.kind == ErrorKind::usage) report.plain(fmt::format("try 'dropcat {}'", help_hint));
    return exit_code(error.kind);
}

std::unique_ptr<CLI::App> build_app(Context& ctx) {
    auto app = std::make_unique<CLI::App>(
        "dropcat: a toolkit for domain drop-catch operators.\n"
        "Import drop lists, list what drops, record backorders, catch and offer names.",
        "dropcat");
    app->set_version_flag("--version", "dropcat " DROPCAT_VERSION, "print the version and exit")
        ->group("Global options");
    app->set_help_flag("-h,--help", "print this help and exit")->group("Global options");
    app->require_subcommand(0, 1);
    app->fallthrough();
    app->get_formatter()->column_width(30);
    app->option_defaults()->group("Global options");

    auto* db =
        app->add_option("--db", ctx.db_path,
                        "the store: a file, or postgresql://… (default: under $XDG_DATA_HOME)");
    db->envname("DROPCAT_DB")->type_name("PATH|URI");
    set_value_kind(db, ValueKind::file);
    auto* config = app->add_option("--config", ctx.config_path,
                                   "the config file (default: under $XDG_CONFIG_HOME)");
    config->envname("DROPCAT_CONFIG")->type_name("PATH");
    set_value_kind(config, ValueKind::file);
    app->add_flag("-q,--quiet", ctx.quiet, "print errors and data only");
    set_repeatable(app->add_flag(
        "-v,--verbose", ctx.verbosity,
        "say more: which store and configuration were opened, timings (repeat for more)"));
    add_choice(*app, "--color", ctx.color, {"auto", "always", "never"},
               "when to colour stderr and tables (default: auto)");

    app->option_defaults()->group("Options"); // subcommands copy the defaults when created

    std::string footer =
        "Run 'dropcat help COMMAND' (or 'dropcat COMMAND --help') for a command's options;\n"
        "man dropcat for more.\n"
        "Exit status: 0 ok, 1 failed, 2 usage, 3 unresolved create, 65 data rejected,\n"
        "66 no store, 69 service unavailable, 74 output, 75 try later, 78 configuration,\n"
        "130 interrupted.";
    app->footer(footer);

    for (const auto& cmd : k_commands) {
        CLI::App* sub = cmd.add(*app, ctx);
        sub->description(std::string(cmd.summary)); // the table is the one source of summaries
        if (cmd.hidden) sub->group("");
    }
    return app;
}

// A standard stream the caller closed (dropcat >&-) is held by /dev/null opened the wrong way
// round, so that using it still fails (EBADF) but no file or socket dropcat opens later can
// take its number: the listing meant for stdout would otherwise go into, say, the PostgreSQL
// connection.
static void hold_closed_standard_streams() {
    for (int fd = 0; fd <= 2; ++fd) {
        if (::fcntl(fd, F_GETFD) != -1 || errno != EBADF) continue;
        int held = ::open("/dev/null", fd == 0 ? O_WRONLY : O_RDONLY);
        if (held >= 0 && held != fd) {
            ::dup2(held, fd);
            ::close(held);
        }
    }
}

// CLI11's own messages, said as dropcat says things: the option or argument first, then what
// is wrong with the value, quoted.
std::string in_dropcat_voice(const std::string& message) {
    static const std::pair<std::regex, std::string> k_rewrites[] = {
        {std::regex(R"(^Could not convert: (\S+) = (.*)$)"), "$1: '$2' is not a valid value"},
        {std::regex(R"(^(\S+): (\d+) required (\S+) missing$)"), "$1 needs a value ($3)"},
        {std::regex(R"(^(\S+) excludes (\S+)$)"), "$1 and $2 cannot be used together"},
        {std::regex(R"(^The following arguments? (?:was|were) not expected: (.*)$)"),
         "unexpected argument: '$1'"},
        {std::regex(R"(^(\S+) requires (\S+)$)"), "$1 needs $2 too"},
        {std::regex(R"(^(\S+): Too many positional arguments with (.*)$)"), "too many arguments"},
        {std::regex(R"(^A subcommand is required$)"), "a command is needed"},
    };
    for (const auto& [pattern, replacement] : k_rewrites)
        if (std::regex_match(message, pattern))
            return std::regex_replace(message, pattern, replacement);
    return message;
}

int run(int argc, char** argv) {
    hold_closed_standard_streams();
    install_signal_handlers();
    Context ctx;
    // --color as given, for the errors that come before the options are parsed.
    std::string early_color = "auto";
    for (int i = 1; i < argc; ++i) {
        std::string_view a = argv[i];
        if (a == "--color" && i + 1 < argc) early_color = argv[i + 1];
        if (a.starts_with("--color=")) early_color = a.substr(8);
        if (a == "--") break;
    }
    if (early_color != "always" && early_color != "never") early_color = "auto";
    ctx.report.configure(early_color, false, 0);

    // `dropcat help [COMMAND [SUBCOMMAND]]` is `dropcat [COMMAND [SUBCOMMAND]] --help`.
    std::vector<char*> rewritten;
    static char help_flag[] = "--help";
    if (auto word = command_word(argc, argv); word && *word == "help") {
        for (int i = 0; i < argc; ++i)
            if (argv[i] != word->data()) rewritten.push_back(argv[i]);
        rewritten.push_back(help_flag);
        argc = static_cast<int>(rewritten.size());
        rewritten.push_back(nullptr);
        argv = rewritten.data();
    }

    std::vector<std::string_view> names;
    for (const auto& cmd : k_commands)
        names.push_back(cmd.name);
    auto word = command_word(argc, argv);
    if (word && std::find(names.begin(), names.end(), *word) == names.end()) {
        std::vector<std::string_view> visible;
        for (const auto& cmd : k_commands)
            if (!cmd.hidden) visible.push_back(cmd.name);
        std::string message = fmt::format("'{}' is not a dropcat command", *word);
        if (auto guess = closest(*word, visible))
            message += fmt::format("; did you mean '{}'?", *guess);
        ctx.report.error(message);
        ctx.report.plain("try 'dropcat --help'");
        return exit_code(ErrorKind::usage);
    }

    auto app = build_app(ctx);
    try {
        app->parse(argc, argv);
    } catch (const CLI::Success& e) {
        return app->exit(e);
    } catch (const CLI::ParseError& e) {
        std::string message = in_dropcat_voice(e.what());
        auto path = command_path(*app, argc, argv);
        if (auto unknown = unknown_option(path, argc, argv)) message = *unknown;
        ctx.report.error(message);
        ctx.report.plain(fmt::format("try 'dropcat {}--help'", help_path(path)));
        return exit_code(ErrorKind::usage);
    }
    ctx.report.configure(ctx.color, ctx.quiet, ctx.verbosity);
    ctx.help_hint = help_path(command_path(*app, argc, argv)) + "--help";
    if (!ctx.action) {
        std::fputs(app->help().c_str(), stderr);
        return exit_code(ErrorKind::usage);
    }
    auto lock_wait = lock_wait_from_environment();
    if (!lock_wait) return ctx.failed(lock_wait.error());
    ctx.lock_wait = *lock_wait;
    // A pager a listing started is waited for however the command ends; one that could not be
    // run showed nothing, which is an error.
    struct PagerWait {
        ~PagerWait() { finish_pager(); }
    } pager_wait;
    auto paged = [&ctx](int code) {
        if (finish_pager()) return code;
        ctx.report.error("the pager (PAGER, or less) could not be run, so nothing was shown; set "
                         "PAGER to a pager, or give --no-pager");
        return exit_code(ErrorKind::io);
    };
    try {
        int code = ctx.action();
        Out::flush();
        return paged(code);
    } catch (const BrokenPipe&) {
        return paged(0);
    } catch (const OutputInterrupted&) {
        ctx.report.error("interrupted");
        return exit_code(ErrorKind::interrupted);
    } catch (const OutputFailed& e) {
        ctx.report.error(e.what());
        return exit_code(ErrorKind::io);
    } catch (const std::exception& e) {
        ctx.report.error(fmt::format("internal error: {}", e.what()));
        return exit_code(ErrorKind::failed);
    }
}

} // namespace dropcat::cli
