#include "backorder_cmd.hpp"
#include "options.hpp"
#include "output.hpp"

#include <dropcat/domain.hpp>
#include <dropcat/droplist.hpp>

#include <fmt/format.h>

namespace dropcat::cli {

namespace {

struct AddOptions {
    std::vector<std::string> domains;
    std::string email;
    std::string name;
    std::string company;
    std::string phone;
    int priority = 0;
    std::string note;
};

// The names on the command line, with "-" standing for the lines of stdin.
Result<std::vector<std::string>> gather_domains(const std::vector<std::string>& given) {
    std::vector<std::string> out;
    for (const auto& d : given) {
        if (d != "-") {
            out.push_back(d);
            continue;
        }
        auto input = Input::open("-");
        if (!input) return std::unexpected(input.error());
        std::string_view line;
        while (true) {
            auto more = input->next_line(line);
            if (!more) return std::unexpected(more.error());
            if (!*more) break;
            auto first = line.find_first_not_of(" \t");
            if (first == std::string_view::npos || line[first] == '#') continue;
            out.emplace_back(line);
        }
    }
    return out;
}

int run_add(const AddOptions& options, const BackorderGroup& group, Context& ctx) {
    auto email = normalise_email(options.email);
    if (!email) return ctx.failed(email.error());
    auto domains = gather_domains(options.domains);
    if (!domains) return ctx.failed(domains.error());
    std::vector<BackorderRequest> requests;
    for (const auto& text : *domains) {
        auto name = parse_domain(text);
        if (!name) {
            ctx.report.error(
                fmt::format("'{}': {}; nothing was stored", text, name.error().message));
            return exit_code(ErrorKind::data);
        }
        BackorderRequest r;
        r.domain = name->ascii;
        r.contact = Contact{*email, options.name, options.company, options.phone};
        r.priority = options.priority;
        r.note = options.note;
        requests.push_back(std::move(r));
    }
    if (requests.empty()) {
        return ctx.failed(Error{ErrorKind::usage, "no domain given; nothing was stored"});
    }
    int code = 0;
    auto store = ctx.open_store(code);
    if (!store) return code;
    Backorders book(*store);
    Instant now = wall_clock_now();
    auto added = book.add(requests, group.actor(), now);
    if (!added) return ctx.failed(added.error());
    for (const auto& o : *added) {
        if (o.drop_date && *o.drop_date < day_of(now) && o.result != AddOutcome::already)
            ctx.report.warning(fmt::format("{} dropped on {}, which has passed; the backorder "
                                           "was kept (a newer list may give its next date)",
                                           to_unicode(o.domain), format_day(*o.drop_date)));
        std::string drops = o.drop_date ? fmt::format("drops {}", format_day(*o.drop_date))
                                        : std::string("drop date not known yet");
        std::string what = o.result == AddOutcome::created ? "added"
                           : o.result == AddOutcome::already
                               ? (o.kept_values ? "already there, nothing new (its priority and "
                                                  "note were kept as they were)"
                                                : "already there, nothing new")
                               : "made active again, at the back of the queue";
        Out::write(fmt::format("backorder {}: {} for {}: {}; {}\n", o.id, to_unicode(o.domain),
                               *email, what, drops));
    }
    return 0;
}

} // namespace

void add_backorder_add(CLI::App& group, Context& ctx, std::shared_ptr<BackorderGroup> shared) {
    auto opts = std::make_shared<AddOptions>();
    auto* cmd = group.add_subcommand("add", "record that a customer wants names");
    cmd->fallthrough();
    auto* domains =
        cmd->add_option("DOMAIN", opts->domains, "names wanted; - reads them from stdin")
            ->required()
            ->type_name("DOMAIN");
    (void)domains;
    cmd->add_option("--email", opts->email, "the customer's email (required)")
        ->required()
        ->type_name("EMAIL")
        ->group("Customer");
    cmd->add_option("--name", opts->name, "the customer's name")
        ->type_name("NAME")
        ->group("Customer");
    cmd->add_option("--company", opts->company, "the customer's company")
        ->type_name("NAME")
        ->group("Customer");
    cmd->add_option("--phone", opts->phone,
                    "the customer's phone, valid to libphonenumber (+46 8 123 456 78)")
        ->type_name("PHONE")
        ->group("Customer");
    cmd->add_option("--priority", opts->priority, "higher goes first (default: 0)")
        ->type_name("N")
        ->group("Backorder");
    cmd->add_option("--note", opts->note, "a note kept with the backorder")
        ->type_name("TEXT")
        ->group("Backorder");
    cmd->footer("Examples:\n"
                "  dropcat backorder add example.com --email anna@example.se --name 'Anna Berg'\n"
                "  grep -v '^#' wanted.txt | dropcat backorder add - --email ops@example.net");
    cmd->callback([opts, shared, &ctx] {
        ctx.action = [opts, shared, &ctx] { return run_add(*opts, *shared, ctx); };
    });
}

} // namespace dropcat::cli
