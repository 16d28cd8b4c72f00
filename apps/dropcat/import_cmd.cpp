#include "import_cmd.hpp"

#include "import_collect.hpp"
#include "options.hpp"
#include "output.hpp"
#include "signals.hpp"

#include <dropcat/domain.hpp>
#include <dropcat/droplist.hpp>
#include <dropcat/store_tables.hpp>

#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <map>

namespace dropcat::cli {

namespace {

constexpr std::size_t k_shown_rejections = 20;

// Collects good rows and reports rejected ones as FILE:LINE: REASON: 'TEXT', the first 20.
class ImportSink : public RowSink {
  public:
    ImportSink(ImportCollector& collector, const Reporter& report, std::size_t& rejected)
        : m_collector(collector), m_report(report), m_rejected(rejected) {}
    void start(const std::string& file) { m_file = file; }
    void row(DropRow&& row) override {
        if (m_error) return;
        if (auto added = m_collector.add(row); !added) m_error = added.error();
    }
    void reject(Rejection&& r) override {
        if (++m_rejected <= k_shown_rejections)
            m_report.plain(fmt::format("{}:{}: {}: '{}'", m_file, r.line, r.reason, r.text));
    }
    // A row that could not be kept (no room for the sort's temporary files) stops the reader.
    bool interrupted() const override { return m_error || cli::interrupted(); }
    const std::optional<Error>& error() const { return m_error; }

  private:
    std::optional<Error> m_error;
    ImportCollector& m_collector;
    const Reporter& m_report;
    std::size_t& m_rejected;
    std::string m_file;
};

struct Totals {
    std::size_t read = 0;
    std::size_t rejected = 0;
    std::size_t duplicates = 0;
    ImportCounts counts;
    struct Moved {
        std::string name;
        Day from, to;
    };
    std::vector<Moved> moved; // backordered names whose drop date changed
    struct Odd {
        std::size_t count = 0;
        std::vector<std::string> names; // the first few, for -v
    };
    Odd past;      // drop dates before today
    Odd far_ahead; // more than k_far_ahead_days ahead
};

// A pending-delete list announces names some weeks ahead (a .com name is pending delete for
// five days after a redemption period of 30); a drop date further ahead than this is suspect.
constexpr Day k_far_ahead_days = 120;

void print_summary(const Totals& t, const ImportOptions& options, const Context& ctx) {
    std::size_t imported = t.counts.added + t.counts.updated + t.counts.unchanged;
    if (options.format == "json") {
        Out::write(fmt::format("{{\"read\":{},\"imported\":{},\"new\":{},\"updated\":{},"
                               "\"unchanged\":{},\"rejected\":{},\"duplicates\":{},"
                               "\"past\":{},\"far_ahead\":{},\"backordered_moved\":{},"
                               "\"dry_run\":{}}}\n",
                               t.read, imported, t.counts.added, t.counts.updated,
                               t.counts.unchanged, t.rejected, t.duplicates, t.past.count,
                               t.far_ahead.count, t.moved.size(),
                               options.dry_run ? "true" : "false"));
        return;
    }
    std::string line =
        fmt::format("read {}: {} {} ({} new, {} updated, {} unchanged), {} rejected",
                    counted(t.read, "row", "rows"), options.dry_run ? "would import" : "imported",
                    imported, t.counts.added, t.counts.updated, t.counts.unchanged, t.rejected);
    if (t.duplicates > 0)
        line += fmt::format(", {} counted once",
                            counted(t.duplicates, "duplicate row", "duplicate rows"));
    if (t.past.count > 0)
        line += fmt::format(", {} in the past", counted(t.past.count, "drop date", "drop dates"));
    if (t.far_ahead.count > 0)
        line +=
            fmt::format(", {} over {} days ahead",
                        counted(t.far_ahead.count, "drop date", "drop dates"), k_far_ahead_days);
    if (!t.moved.empty())
        line += fmt::format(", {} {} drop date",
                            counted(t.moved.size(), "backordered name", "backordered names"),
                            options.dry_run ? "would change" : "changed");
    if (options.dry_run) line += "; dry run, nothing written";
    ctx.report.note(line);
    for (const auto* odd : {&t.past, &t.far_ahead}) {
        for (const auto& name : odd->names)
            ctx.report.verbose(fmt::format("drop date {}: {}",
                                           odd == &t.past ? "in the past" : "far ahead", name));
        if (odd->count > odd->names.size())
            ctx.report.verbose(fmt::format("... and {} more", odd->count - odd->names.size()));
    }
    for (const auto& m : t.moved)
        ctx.report.verbose(fmt::format("backordered {}: drop date {} -> {}", to_unicode(m.name),
                                       format_day(m.from), format_day(m.to)));
}

} // namespace

CLI::App* add_import_command(CLI::App& parent, Context& ctx) {
    auto opts = std::make_shared<ImportOptions>();
    auto* cmd = parent.add_subcommand("import");
    auto* files = cmd->add_option("FILE", opts->files, "drop lists to read; none or - is stdin");
    files->type_name("FILE");
    set_value_kind(files, ValueKind::file);

    std::vector<std::string> formats{"auto"};
    for (const auto& f : input_formats())
        formats.emplace_back(f.name);
    add_choice(*cmd, "--input-format", opts->input_format, formats,
               "the list's format (default: auto, from content)")
        ->group("Input");
    cmd->add_option("--domain-column", opts->domain_column,
                    "CSV column of the domain: name or number")
        ->type_name("COLUMN")
        ->group("Input");
    cmd->add_option("--date-column", opts->date_column,
                    "CSV column of the drop date: name or number")
        ->type_name("COLUMN")
        ->group("Input");
    cmd->add_option("--drop-date", opts->drop_date, "drop date for rows that have none")
        ->type_name("DATE")
        ->check(date_validator())
        ->group("Input");
    add_choice(*cmd, "--date-order", opts->date_order, {"auto", "mdy", "dmy", "ymd"},
               "numeric dates such as 03/04/2026: month or day first (default: auto, from "
               "the file's rows, else mdy)")
        ->group("Input");
    cmd->add_option("--timezone", opts->timezone,
                    "IANA zone of times the list gives without one (default: UTC)")
        ->type_name("ZONE")
        ->group("Input");
    set_live_values(
        cmd->add_option("--source", opts->source, "label for the rows (default: the file name)")
            ->type_name("NAME")
            ->group("Input"),
        "sources");
    auto* strict = cmd->add_flag("--strict", opts->strict, "import nothing if any row is rejected")
                       ->group("Behaviour");
    cmd->add_option("--max-rejected", opts->max_rejected,
                    "exit 0 when at most N rows (or N% of them) are rejected; they are still "
                    "reported")
        ->type_name("N|N%")
        ->check(CLI::Validator(
            [](std::string& given) -> std::string {
                if (allowed_rejections(given, 0)) return {};
                return "'" + given + "' is not a number of rows or a percentage (e.g. 20 or 1%)";
            },
            "", "rejections"))
        ->excludes(strict)
        ->group("Behaviour");
    cmd->add_flag("-n,--dry-run", opts->dry_run, "report what would change, write nothing")
        ->group("Behaviour");
    add_choice(*cmd, "--format", opts->format, {"text", "json"},
               "summary: text on stderr or JSON on stdout")
        ->group("Output");
    cmd->footer("Reads plain text, CSV/TSV and registry lists, gzip or not, checking every\n"
                "name; one transaction per run. Formats (--input-format): auto, lines,\n"
                "se-txt, csv, nominet, hexonet, se-json, auda.\n\n"
                "Examples:\n"
                "  dropcat import --drop-date 2026-12-01 namejet-12-01-2026.txt\n"
                "  dropcat import --source nominet drop-list.csv.gz\n"
                "  curl -s URL | dropcat import --input-format se-json --source se -\n"
                "See dropcat-import(1).");
    cmd->callback([opts, &ctx] { ctx.action = [opts, &ctx] { return run_import(*opts, ctx); }; });
    return cmd;
}

std::optional<std::size_t> allowed_rejections(std::string_view text, std::size_t rows) {
    bool percent = text.ends_with('%');
    if (percent) text.remove_suffix(1);
    if (text.empty() || text.size() > 9) return std::nullopt;
    std::size_t n = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        n = n * 10 + static_cast<std::size_t>(c - '0');
    }
    if (!percent) return n;
    if (n > 100) return std::nullopt;
    return rows * n / 100;
}

namespace {

// After a file read with --date-order auto: its month-first rows turn day first when a later
// row showed that order; a file that never showed it keeps the default and says so once.
int settle_date_order(const ReadSummary& summary, const std::string& file,
                      ImportCollector& collector, const TimeZone* zone, Context& ctx) {
    if (summary.date_order != DateOrder::automatic)
        ctx.report.verbose(fmt::format("{}: dates read {} first, as line {} shows", file,
                                       summary.date_order == DateOrder::dmy ? "day" : "month",
                                       summary.date_order_line));
    if (summary.ambiguous_dates == 0) return 0;
    if (summary.date_order == DateOrder::dmy) {
        if (auto resolved = collector.resolve_day_first(zone); !resolved) {
            int failed = ctx.failed(Error{ErrorKind::data, file + ": " + resolved.error().message});
            ctx.report.note("nothing was imported");
            return failed;
        }
        return 0;
    }
    if (summary.date_order == DateOrder::automatic)
        ctx.report.note(fmt::format("{}: {} such as 03/04/2026 could be read either way; read "
                                    "month first (the default); give --date-order dmy if "
                                    "they are day first",
                                    file, counted(summary.ambiguous_dates, "date", "dates")));
    return 0;
}

} // namespace

int run_import(const ImportOptions& options, Context& ctx) {
    ReadOptions read;
    read.format = *find_input_format(options.input_format);
    read.domain_column = options.domain_column;
    read.date_column = options.date_column;
    if (!options.drop_date.empty()) read.default_day = parse_cli_date(options.drop_date);
    read.dates.order = parse_date_order(options.date_order).value_or(DateOrder::automatic);
    std::optional<TimeZone> zone;
    if (!options.timezone.empty()) {
        auto loaded = TimeZone::load(options.timezone);
        if (!loaded) return ctx.failed(loaded.error());
        zone = std::move(*loaded);
        read.dates.zone = &*zone;
    }

    // Every input is read and checked before the store is opened, so a refused file leaves no
    // trace, not even a new store.
    std::vector<std::string> files = options.files;
    if (files.empty()) files.push_back("-");
    using Clock = std::chrono::steady_clock;
    auto seconds_since = [](Clock::time_point t) {
        return std::chrono::duration<double>(Clock::now() - t).count();
    };
    auto started = Clock::now();
    auto budget = sort_memory_from_environment();
    if (!budget) return ctx.failed(budget.error());
    ImportCollector collector(*budget);
    Totals totals;
    ImportSink sink(collector, ctx.report, totals.rejected);
    for (const auto& file : files) {
        auto input = Input::open(file);
        if (!input) {
            int failed = ctx.failed(input.error());
            ctx.report.note("nothing was imported");
            return failed;
        }
        std::string source = options.source;
        if (source.empty())
            source = file == "-" ? "stdin" : std::filesystem::path(file).filename().string();
        collector.set_source(source);
        collector.start_file();
        sink.start(input->display_name());
        auto summary = read_drop_list(*input, read, sink);
        if (sink.error()) {
            int failed = ctx.failed(*sink.error());
            ctx.report.note("nothing was imported");
            return failed;
        }
        if (!summary) {
            ctx.report.error(summary.error().message);
            if (summary.error().kind != ErrorKind::interrupted)
                ctx.report.note("nothing was imported");
            else
                ctx.report.note("interrupted; nothing was imported");
            return exit_code(summary.error().kind);
        }
        ctx.report.verbose(fmt::format(
            "{}: read as '{}'{}, {}", input->display_name(), format_name(summary->format),
            input->compressed() ? " (gzip)" : "", counted(summary->rows, "row", "rows")));
        totals.read += summary->rows;
        if (auto dated =
                settle_date_order(*summary, input->display_name(), collector, read.dates.zone, ctx);
            dated != 0)
            return dated;
    }
    if (totals.rejected > k_shown_rejections)
        ctx.report.plain(fmt::format("... and {} more rejected {}",
                                     totals.rejected - k_shown_rejections,
                                     (totals.rejected - k_shown_rejections) == 1 ? "row" : "rows"));
    if (options.strict && totals.rejected > 0) {
        ctx.report.error(fmt::format("{} of {} rejected; nothing imported (--strict)",
                                     totals.rejected, counted(totals.read, "row", "rows")));
        if (options.format == "json") print_summary(totals, options, ctx);
        return exit_code(ErrorKind::data);
    }

    ctx.report.verbose(fmt::format("read and checked {} in {:.2f} s",
                                   counted(totals.read, "row", "rows"), seconds_since(started)));
    auto sorting = Clock::now();
    if (auto finished = collector.finish(); !finished) {
        int failed = ctx.failed(finished.error());
        ctx.report.note("nothing was imported");
        return failed;
    }
    ctx.report.verbose(fmt::format(
        "sorted {} in {:.2f} s{}", counted(collector.rows(), "row", "rows"), seconds_since(sorting),
        collector.runs() == 0
            ? std::string()
            : fmt::format(" ({} in temporary files)", counted(collector.runs(), "run", "runs"))));
    // The entries, batch by batch, counted as they go to the store.
    std::size_t entries = 0;
    const Day today = day_of(wall_clock_now());
    auto next = [&]() -> std::span<const DropEntry> {
        auto batch = collector.next();
        entries += batch.size();
        // Drop dates that have passed, or are further ahead than a pending-delete list can
        // announce: counted, named with -v, imported all the same.
        for (const auto& e : batch) {
            auto odd = e.day < today                      ? &totals.past
                       : e.day > today + k_far_ahead_days ? &totals.far_ahead
                                                          : nullptr;
            if (odd == nullptr) continue;
            if (odd->count++ < k_shown_rejections)
                odd->names.push_back(
                    fmt::format("{} ({})", to_unicode(e.domain), format_day(e.day)));
        }
        return batch;
    };
    auto writing = Clock::now();
    // A dry run against a store that does not exist yet (no SQLite file, an empty PostgreSQL
    // database): every name would be new, and the store is not created.
    std::optional<Store> store;
    if (!options.dry_run || ctx.store_exists()) {
        int code = 0;
        store = ctx.open_store(code, false, !options.dry_run);
        if (!store) {
            ctx.report.note("nothing was imported");
            return code;
        }
    }
    // A store that cannot be written (busy, a full disk) keeps what it had: say so.
    auto store_failed = [&](const Error& error) {
        int code = ctx.failed(error);
        if (error.kind != ErrorKind::interrupted) ctx.report.note("nothing was imported");
        return code;
    };
    auto version = store ? store->schema_version() : Result<int>(0);
    if (!version) return store_failed(version.error());
    if (options.dry_run && *version == 0) {
        while (!next().empty()) {
        }
        if (collector.error()) return store_failed(*collector.error());
        totals.counts.added = entries;
    } else {
        std::map<std::string, Day> before, after;
        auto counts = store->write([&](Tx& tx) {
            if (options.dry_run) tx.rollback_at_end();
            before = tx.backorders().active_drop_days();
            auto imported = tx.drops().import(next, collector.rows(), wall_clock_now(),
                                              [] { return interrupted(); });
            // A run that could not be read back ends the batches early: nothing is kept.
            if (imported && collector.error())
                return Result<ImportCounts>(std::unexpected(*collector.error()));
            if (imported) after = tx.backorders().active_drop_days();
            return imported;
        });
        if (!counts) return store_failed(counts.error());
        totals.counts = *counts;
        for (const auto& [name, day] : after)
            if (auto old = before.find(name); old != before.end() && old->second != day)
                totals.moved.push_back({name, old->second, day});
    }
    totals.duplicates = collector.rows() - entries;
    ctx.report.verbose(fmt::format("wrote the store in {:.2f} s", seconds_since(writing)));
    print_summary(totals, options, ctx);
    if (totals.rejected == 0) return 0;
    // A list that always carries some junk: within --max-rejected, the run is a success.
    if (!options.max_rejected.empty() &&
        totals.rejected <= *allowed_rejections(options.max_rejected, totals.read)) {
        ctx.report.verbose(fmt::format("{} rejected, within --max-rejected {}: exit 0",
                                       totals.rejected, options.max_rejected));
        return 0;
    }
    return exit_code(ErrorKind::data);
}

} // namespace dropcat::cli
