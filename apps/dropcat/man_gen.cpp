#include "cli_model.hpp"
#include "generate_cmd.hpp"

#include <dropcat/registrar.hpp>

#include <fmt/format.h>

namespace dropcat::cli {

namespace {

// Escapes text for roff: backslashes, hyphens as minus signs, and a leading dot or quote.
std::string roff(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (c == '\\')
            out += "\\e";
        else if (c == '-')
            out += "\\-";
        else
            out += c;
    }
    std::string result;
    std::size_t start = 0;
    while (start <= out.size()) {
        std::size_t end = out.find('\n', start);
        std::string_view line =
            std::string_view(out).substr(start, end == std::string::npos ? end : end - start);
        if (!line.empty() && (line.front() == '.' || line.front() == '\'')) result += "\\&";
        result += line;
        if (end == std::string::npos) break;
        result += '\n';
        start = end + 1;
    }
    return result;
}

std::string sentence(std::string text) {
    if (!text.empty())
        text[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(text[0])));
    if (!text.empty() && text.back() != '.') text += '.';
    return text;
}

std::string item(const OptionModel& m) {
    std::string head;
    if (!m.positional.empty()) {
        head = fmt::format("\\fI{}\\fR", roff(m.positional));
        if (m.repeatable) head += " .\\|.\\|.";
    } else {
        for (const auto& n : m.names)
            head += (head.empty() ? "" : ", ") + fmt::format("\\fB{}\\fR", roff(n));
        if (m.takes_value) head += fmt::format(" \\fI{}\\fR", roff(m.value_name));
    }
    std::string body = roff(sentence(m.description));
    if (!m.choices.empty()) {
        std::string list;
        for (const auto& c : m.choices)
            list += (list.empty() ? "" : ", ") + fmt::format("\\fB{}\\fR", roff(c));
        body += fmt::format("\nOne of {}.", list);
    }
    if (!m.positional.empty() && m.repeatable)
        body += "\nMay be given more than once.";
    else if (m.repeatable)
        body += "\nMay be repeated.";
    if (!m.env.empty()) body += fmt::format("\nEnvironment: \\fB{}\\fR.", roff(m.env));
    return fmt::format(".TP\n{}\n{}\n", head, body);
}

} // namespace

std::string man_options(const CLI::App& app, bool global) {
    auto models = describe_options(app);
    std::string out;
    std::string args;
    for (const auto& m : models)
        if (!m.positional.empty()) args += item(m);
    if (!args.empty()) out += ".SS Arguments\n" + args;
    std::vector<std::string> groups;
    for (const auto& m : models)
        if (m.positional.empty() &&
            std::find(groups.begin(), groups.end(), m.group) == groups.end())
            groups.push_back(m.group);
    for (const auto& g : groups) {
        std::string heading =
            g.empty() || g == "Options" ? (global ? "Global options" : "Options") : g;
        out += fmt::format(".SS {}\n", roff(heading));
        for (const auto& m : models)
            if (m.positional.empty() && m.group == g) out += item(m);
    }
    // A group command (backorder) lists each subcommand's arguments and options under its name.
    for (const CLI::App* sub : app.get_subcommands([global](const CLI::App*) { return !global; })) {
        out += fmt::format(".SS \"{} {}\"\n", roff(app.get_name()), roff(sub->get_name()));
        for (const auto& m : describe_options(*sub))
            if (m.names != std::vector<std::string>{"-h", "--help"}) out += item(m);
    }
    return out;
}

// The registrar kinds dropcat speaks, from the kinds table: what an account of each has and
// needs, and what dropcat knows of its API (dropcat-registrar(1), KINDS).
std::string man_kinds() {
    auto form = [](KeyForm f) -> std::string_view {
        switch (f) {
        case KeyForm::secret_env:
            return "an environment variable's name";
        case KeyForm::text:
            return "text";
        case KeyForm::ipv4:
            return "an IPv4 address";
        case KeyForm::contact:
            return "a table";
        }
        return "";
    };
    std::string out;
    for (const RegistrarKind& k : registrar_kinds()) {
        out += fmt::format(".SS {}\n", roff(k.name));
        out +=
            fmt::format("Endpoint \\fB{}\\fR; sandbox: {}.\n", roff(k.production), roff(k.sandbox));
        out += fmt::format("Documented limits: {} checks and {} creates a minute, {} request{} at "
                           "once; a check asks about {} name{} by default, at most {}.\n",
                           k.checks_per_minute, k.creates_per_minute, k.max_in_flight,
                           k.max_in_flight == 1 ? "" : "s", k.batch, k.batch == 1 ? "" : "s",
                           k.max_batch);
        out += fmt::format("Over the limit it answers: {}.\n", roff(k.over_limit_signal));
        out += fmt::format("Dry run: {}.\n", roff(k.dry_run));
        out += fmt::format("Drop\\-catching: {}.\n", roff(k.catch_policy));
        int lag = k.listing_lag_minutes;
        out += fmt::format("A name it registered may take up to {} to be listed in the account.\n",
                           lag % 60 == 0 && lag >= 120 ? fmt::format("{} hours", lag / 60)
                                                       : fmt::format("{} minutes", lag));
        out += "An account of this kind has these keys of its own:\n";
        for (const KindKey& key : k.keys) {
            std::string when = key.required ? "required"
                               : key.defaults_to.empty()
                                   ? "optional"
                                   : fmt::format("optional, default: the {}", key.defaults_to);
            out += fmt::format(".TP\n\\fB{}\\fR ({}; {})\n{}\n", roff(key.name), form(key.form),
                               roff(when), roff(sentence(std::string(key.help))));
        }
    }
    return out;
}

} // namespace dropcat::cli
