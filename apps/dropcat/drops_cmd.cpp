#include "drops_cmd.hpp"

#include "options.hpp"
#include "output.hpp"
#include "signals.hpp"
#include "suggest.hpp"

#include <dropcat/domain.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <regex>

namespace dropcat::cli {

namespace {

// --sort's keys, in the order of DropOrder's values.
const std::vector<std::string> k_sort_keys{"drop_date",  "domain",    "drop_time",
                                           "first_seen", "last_seen", "backorders"};

const std::vector<std::string> k_columns{"domain",     "unicode",        "tld",        "drop_date",
                                         "drop_time",  "source",         "first_seen", "last_seen",
                                         "backorders", "predicted_date", "restored"};

// The filters that look at the name itself, applied to the label left of the public suffix in
// its display (Unicode) form.
struct NameFilter {
    std::vector<std::string> suffixes; // ".com", ".co.uk"
    std::optional<std::size_t> min_length;
    std::optional<std::size_t> max_length;
    bool no_hyphens = false;
    bool no_digits = false;
    std::optional<std::regex> match;

    bool accepts(std::string_view domain, std::string_view unicode) const {
        if (!suffixes.empty()) {
            bool any = false;
            for (const auto& s : suffixes)
                if (domain.ends_with(s)) any = true;
            if (!any) return false;
        }
        std::string_view label = unicode.substr(0, unicode.find('.'));
        std::size_t length = display_width(label);
        if (min_length && length < *min_length) return false;
        if (max_length && length > *max_length) return false;
        if (no_hyphens && label.find('-') != std::string_view::npos) return false;
        if (no_digits && label.find_first_of("0123456789") != std::string_view::npos) return false;
        if (match && !std::regex_search(domain.begin(), domain.end(), *match)) return false;
        return true;
    }
};

// A --tld value as a suffix of A-label names: ".com", ".co.uk", ".xn--p1ai" for ".рф". Only a
// known public suffix is accepted, checked by the same rules as names (a label put in front
// of it must make a registrable domain).
std::optional<std::string> tld_suffix(std::string_view given) {
    while (!given.empty() && given.front() == '.')
        given.remove_prefix(1);
    if (given.empty()) return std::nullopt;
    // The probe label must not be a public suffix itself, as one letter often is ("x.se").
    constexpr std::string_view k_probe = "dropcat-tld-probe";
    auto name = parse_domain(fmt::format("{}.{}", k_probe, given));
    if (!name) return std::nullopt;
    return name->ascii.substr(k_probe.size());
}

} // namespace

CLI::App* add_drops_command(CLI::App& parent, Context& ctx) {
    auto opts = std::make_shared<DropsOptions>();
    auto* cmd = parent.add_subcommand("drops");
    auto* date = cmd->add_option("--date", opts->date, "drops on this day")
                     ->type_name("DATE")
                     ->check(date_validator())
                     ->group("Dates");
    cmd->add_option("--from", opts->from, "drops on or after this day")
        ->type_name("DATE")
        ->check(date_validator())
        ->excludes(date)
        ->group("Dates");
    cmd->add_option("--to", opts->to, "drops on or before this day")
        ->type_name("DATE")
        ->check(date_validator())
        ->excludes(date)
        ->group("Dates");
    cmd->add_option("--tld", opts->tlds, "only names under this TLD or suffix")
        ->type_name("TLD")
        ->allow_extra_args(false)
        ->group("Names");
    set_live_values(cmd->add_option("--source", opts->source, "only rows from this source")
                        ->type_name("NAME")
                        ->group("Names"),
                    "sources");
    cmd->add_option("--min-length", opts->min_length, "label at least N characters long")
        ->type_name("N")
        ->check(count_validator())
        ->group("Names");
    cmd->add_option("--max-length", opts->max_length, "label at most N characters long")
        ->type_name("N")
        ->check(count_validator())
        ->group("Names");
    cmd->add_flag("--no-hyphens", opts->no_hyphens, "no hyphen in the label")->group("Names");
    cmd->add_flag("--no-digits", opts->no_digits, "no digit in the label")->group("Names");
    auto* backordered =
        cmd->add_flag("--backordered", opts->backordered, "only names with active backorders")
            ->group("Names");
    cmd->add_flag("--restored", opts->restored,
                  "only names dropcat status saw registered again after deletion began")
        ->group("Names");
    cmd->add_flag("--not-backordered", opts->not_backordered, "only names without them")
        ->excludes(backordered)
        ->group("Names");
    cmd->add_option("--match", opts->match, "domain matches this ECMAScript regex")
        ->type_name("REGEX")
        ->group("Names");
    cmd->add_option("--limit", opts->limit, "print at most N rows")
        ->type_name("N")
        ->check(count_validator())
        ->group("Output");
    cmd->add_option("--new-since", opts->new_since,
                    "only names first seen on or after this day (what is new)")
        ->type_name("DATE")
        ->check(date_validator())
        ->group("Dates");
    add_choice(*cmd, "--sort", opts->sort, k_sort_keys,
               "order of the rows (default: drop_date; ties by domain)")
        ->group("Output");
    cmd->add_flag("--reverse", opts->reverse, "the order reversed")->group("Output");
    cmd->add_flag("--count", opts->count, "print only how many names match")->group("Output");
    add_listing_options(*cmd, opts->listing, k_columns);
    cmd->footer("Lists drops by drop date, then domain; length and character filters apply\n"
                "to the label left of the public suffix.\n\n"
                "Examples:\n"
                "  dropcat drops --date tomorrow --tld com --max-length 6 --no-digits\n"
                "  dropcat drops --from 2026-12-01 --to 2026-12-07 --format csv > week.csv\n"
                "  dropcat drops --match '^[a-z]{4}\\.(com|net)$' --format json | jq .domain\n"
                "  dropcat drops --new-since today --sort first_seen --columns domain,drop_date\n"
                "See dropcat-drops(1).");
    cmd->callback([opts, &ctx] { ctx.action = [opts, &ctx] { return run_drops(*opts, ctx); }; });
    return cmd;
}

int run_drops(const DropsOptions& options, Context& ctx) {
    DropQuery query;
    if (!options.date.empty()) query.from = query.to = parse_cli_date(options.date);
    if (!options.from.empty()) query.from = parse_cli_date(options.from);
    if (!options.to.empty()) query.to = parse_cli_date(options.to);
    if (query.from && query.to && *query.to < *query.from) {
        ctx.report.error(fmt::format("--to {} is before --from {}: the range is empty (swap them?)",
                                     options.to, options.from));
        ctx.report.plain("try 'dropcat drops --help'");
        return exit_code(ErrorKind::usage);
    }
    if (!options.source.empty()) query.source = options.source;
    if (!options.new_since.empty())
        query.first_seen_from = start_of(*parse_cli_date(options.new_since));
    auto key = std::find(k_sort_keys.begin(), k_sort_keys.end(), options.sort);
    query.order = static_cast<DropOrder>(key - k_sort_keys.begin()); // add_choice checked it
    query.descending = options.reverse;
    RowView view;
    if (auto bad = make_view(options.listing, k_columns, view)) {
        ctx.report.error(bad->message);
        ctx.report.plain("try 'dropcat drops --help'");
        return exit_code(ErrorKind::usage);
    }
    if (options.backordered) query.backordered = true;
    if (options.not_backordered) query.backordered = false;
    query.restored = options.restored;

    NameFilter filter;
    for (const auto& t : options.tlds) {
        auto suffix = tld_suffix(t);
        if (!suffix) {
            // The suffixes drop lists are mostly about, for a likely typo.
            static constexpr std::string_view k_common[] = {
                "com", "net", "org", "info", "biz",   "io",     "co",     "me",    "uk",
                "de",  "se",  "nu",  "nl",   "fr",    "it",     "es",     "eu",    "ch",
                "at",  "dk",  "no",  "fi",   "pl",    "cz",     "be",     "au",    "ca",
                "us",  "in",  "jp",  "cn",   "co.uk", "org.uk", "com.au", "xyz",   "online",
                "app", "dev", "ai",  "tv",   "cc",    "club",   "shop",   "store", "site"};
            std::string_view bare = t;
            while (!bare.empty() && bare.front() == '.')
                bare.remove_prefix(1);
            auto guess = closest(bare, k_common);
            ctx.report.error(
                fmt::format("--tld: '{}' is not a known TLD or public suffix{}", t,
                            guess ? fmt::format("; did you mean '{}'?", *guess) : std::string()));
            ctx.report.plain("try 'dropcat drops --help'");
            return exit_code(ErrorKind::usage);
        }
        filter.suffixes.push_back(*suffix);
    }
    filter.min_length = options.min_length;
    filter.max_length = options.max_length;
    filter.no_hyphens = options.no_hyphens;
    filter.no_digits = options.no_digits;
    if (!options.match.empty()) {
        try {
            filter.match.emplace(options.match, std::regex::ECMAScript | std::regex::optimize);
        } catch (const std::regex_error& e) {
            ctx.report.error(fmt::format("--match: '{}' is not a regular expression: {}",
                                         options.match, e.what()));
            ctx.report.plain("try 'dropcat drops --help'");
            return exit_code(ErrorKind::usage);
        }
    }

    int code = 0;
    auto store = ctx.open_store(code, true);
    if (!store) return code;

    std::optional<RowWriter> writer;
    if (!options.count) {
        start_pager(options.listing);
        writer.emplace(listing_format(options.listing.format), k_columns, use_color(ctx.color, 1),
                       view);
    }
    std::size_t printed = 0;
    std::string unicode, drop_date, drop_time, first_seen, last_seen, backorders, predicted,
        restored;
    bool stopped = false;
    auto done = store->read([&](const ReadTx& tx) -> Result<void> {
        // A source no import has named: most likely a typo; the listing is empty.
        if (query.source) {
            auto names = tx.drops().sources();
            if (std::find(names.begin(), names.end(), *query.source) == names.end()) {
                std::vector<std::string_view> known(names.begin(), names.end());
                auto guess = closest(*query.source, known);
                ctx.report.warning(fmt::format(
                    "no import has named the source '{}'{}", *query.source,
                    guess ? fmt::format("; did you mean '{}'?", *guess) : std::string()));
            }
        }
        tx.drops().each(query, [&](const DropRecord& r) {
            if (interrupted()) {
                stopped = true;
                return false;
            }
            unicode = to_unicode(r.domain);
            if (!filter.accepts(r.domain, unicode)) return true;
            if (!writer) {
                ++printed;
                return !(options.limit && printed >= *options.limit);
            }
            drop_date = format_day(r.drop_date);
            drop_time = r.drop_time ? format_utc(*r.drop_time) : std::string();
            first_seen = format_utc(r.first_seen);
            last_seen = format_utc(r.last_seen);
            backorders = std::to_string(r.backorders);
            predicted =
                r.predicted_earliest ? format_day(day_of(*r.predicted_earliest)) : std::string();
            restored = r.restored_at ? format_utc(*r.restored_at) : std::string();
            std::array<Cell, 11> cells{Cell{r.domain},   Cell{unicode},   Cell{r.tld},
                                       Cell{drop_date},  Cell{drop_time}, Cell{r.source},
                                       Cell{first_seen}, Cell{last_seen}, Cell{backorders, true},
                                       Cell{predicted},  Cell{restored}};
            writer->row(cells);
            return !(options.limit && ++printed >= *options.limit);
        });
        return {};
    });
    if (!done) return ctx.failed(done.error());
    if (writer)
        writer->finish();
    else
        Out::write(fmt::format("{}\n", printed));
    if (stopped) {
        ctx.report.error("interrupted");
        return exit_code(ErrorKind::interrupted);
    }
    return 0;
}

} // namespace dropcat::cli
