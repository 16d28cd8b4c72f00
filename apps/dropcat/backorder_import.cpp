#include "backorder_cmd.hpp"
#include "options.hpp"
#include "output.hpp"

#include <dropcat/domain.hpp>
#include <dropcat/droplist.hpp>

#include <fmt/format.h>

#include <charconv>

namespace dropcat::cli {

namespace {

constexpr std::size_t k_shown_rejections = 20;
constexpr std::string_view k_card = "looks like a payment card number; dropcat stores no "
                                    "payment data: backorders are informational";

struct ImportOptions {
    std::string file = "-";
};

std::string lower(std::string s) {
    for (char& c : s)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return s;
}

// One CSV row as a request, or the reason it is refused. Rows are reported without their
// text: they hold personal data, and a refused one may hold a card number.
Result<BackorderRequest> parse_row(const std::vector<std::string>& cells,
                                   const std::vector<int>& column) {
    auto cell = [&](std::size_t which) -> std::string {
        int i = column[which];
        return i >= 0 && static_cast<std::size_t>(i) < cells.size()
                   ? cells[static_cast<std::size_t>(i)]
                   : std::string();
    };
    // Every cell, whatever its column, and any two cells together (a number split between
    // two fields); the phone cell is judged as a phone number first.
    std::vector<std::string_view> written;
    bool phone_valid = false;
    for (std::size_t i = 0; i < cells.size(); ++i) {
        if (static_cast<int>(i) == column[4] && valid_phone_number(cells[i])) {
            phone_valid = true;
            continue; // as in Backorders::add
        }
        if (looks_like_card_number(cells[i])) return fail(ErrorKind::data, std::string(k_card));
        written.push_back(cells[i]);
    }
    if (card_number_across(written))
        return fail(ErrorKind::data, fmt::format("two fields together {}", k_card));
    auto name = parse_domain(cell(0));
    if (!name) return std::unexpected(name.error());
    // The email and phone are personal data: their errors do not quote them.
    auto email = normalise_email(cell(1));
    if (!email)
        return fail(ErrorKind::data, "the email is not an address such as name@example.com");
    BackorderRequest r;
    r.domain = name->ascii;
    r.contact = Contact{*email, cell(2), cell(3), cell(4)};
    if (!r.contact.phone.empty() && !phone_valid)
        return fail(ErrorKind::data, "the phone is not a valid phone number (write it with its "
                                     "country code, such as +46 8 123 456 78)");
    std::string priority = cell(5);
    if (!priority.empty()) {
        auto [end, ec] =
            std::from_chars(priority.data(), priority.data() + priority.size(), r.priority);
        if (ec != std::errc() || end != priority.data() + priority.size())
            return fail(ErrorKind::data,
                        fmt::format("priority '{}' is not a whole number", priority));
    }
    r.note = cell(6);
    return r;
}

int run_import(const ImportOptions& options, const BackorderGroup& group, Context& ctx) {
    auto input = Input::open(options.file);
    if (!input) return ctx.failed(input.error());
    const std::string& file = input->display_name();
    CsvReader reader(*input);
    std::vector<std::string> cells;
    std::size_t line = 0;
    auto header = reader.next(cells, line);
    if (!header) return ctx.failed(header.error());
    static constexpr std::string_view k_names[] = {"domain", "email",    "name", "company",
                                                   "phone",  "priority", "note"};
    std::vector<int> column(std::size(k_names), -1);
    if (*header)
        for (std::size_t i = 0; i < cells.size(); ++i)
            for (std::size_t k = 0; k < std::size(k_names); ++k)
                if (lower(cells[i]) == k_names[k]) column[k] = static_cast<int>(i);
    if (!*header || column[0] < 0 || column[1] < 0) {
        ctx.report.error(fmt::format("{}:{}: the header needs 'domain' and 'email' columns "
                                     "(domain,email,name,company,phone,priority,note); nothing "
                                     "was stored",
                                     file, *header ? line : 1));
        return exit_code(ErrorKind::data);
    }
    std::vector<BackorderRequest> requests;
    std::size_t rejected = 0;
    while (true) {
        auto more = reader.next(cells, line);
        if (!more) return ctx.failed(more.error());
        if (!*more) break;
        auto r = parse_row(cells, column);
        if (r) {
            requests.push_back(std::move(*r));
        } else if (++rejected <= k_shown_rejections) {
            ctx.report.plain(fmt::format("{}:{}: {}", file, line, r.error().message));
        }
    }
    if (rejected > k_shown_rejections)
        ctx.report.plain(fmt::format("... and {} more rejected {}", rejected - k_shown_rejections,
                                     (rejected - k_shown_rejections) == 1 ? "row" : "rows"));
    if (rejected > 0) {
        ctx.report.error(fmt::format("{} of {} rejected; nothing was stored", rejected,
                                     counted(rejected + requests.size(), "row", "rows")));
        return exit_code(ErrorKind::data);
    }
    if (requests.empty()) {
        ctx.report.error(fmt::format("{}: no backorders in it; nothing was stored", file));
        return exit_code(ErrorKind::data);
    }
    int code = 0;
    auto store = ctx.open_store(code);
    if (!store) return code;
    Backorders book(*store);
    auto added = book.add(requests, group.actor(), wall_clock_now());
    if (!added) return ctx.failed(added.error());
    std::size_t created = 0, already = 0, reactivated = 0;
    for (const auto& o : *added) {
        if (o.result == AddOutcome::created)
            ++created;
        else if (o.result == AddOutcome::already)
            ++already;
        else
            ++reactivated;
    }
    ctx.report.note(fmt::format("read {}: {} added, {} already there, {} made active again",
                                counted(added->size(), "backorder", "backorders"), created, already,
                                reactivated));
    return 0;
}

} // namespace

void add_backorder_import(CLI::App& group, Context& ctx, std::shared_ptr<BackorderGroup> shared) {
    auto opts = std::make_shared<ImportOptions>();
    auto* cmd = group.add_subcommand("import", "add backorders from a CSV file, all or nothing");
    cmd->fallthrough();
    set_value_kind(
        cmd->add_option("FILE", opts->file, "CSV with a header; - is stdin")->type_name("FILE"),
        ValueKind::file);
    cmd->footer("Columns: domain,email,name,company,phone,priority,note (domain and email\n"
                "required). One bad row and nothing is stored.\n"
                "Example:\n"
                "  dropcat backorder import customers.csv");
    cmd->callback([opts, shared, &ctx] {
        ctx.action = [opts, shared, &ctx] { return run_import(*opts, *shared, ctx); };
    });
}

} // namespace dropcat::cli
