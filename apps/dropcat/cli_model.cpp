#include "cli_model.hpp"

#include "cli.hpp"
#include "options.hpp"

namespace dropcat::cli {

std::vector<OptionModel> describe_options(const CLI::App& app) {
    std::vector<OptionModel> out;
    for (const CLI::Option* opt : app.get_options()) {
        OptionModel m;
        for (const auto& s : opt->get_snames())
            m.names.push_back("-" + s);
        for (const auto& l : opt->get_lnames())
            m.names.push_back("--" + l);
        if (opt->get_positional()) m.positional = opt->get_name(true);
        m.takes_value = opt->get_expected_max() > 0 || opt->get_positional();
        if (m.takes_value) m.value_name = opt->get_type_name();
        m.description = opt->get_description();
        m.env = opt->get_envname();
        m.group = opt->get_group();
        if (const auto* choices = choices_of(opt)) m.choices = *choices;
        m.files = value_kind_of(opt) == ValueKind::file;
        m.directories = value_kind_of(opt) == ValueKind::directory;
        m.repeatable = is_repeatable(opt);
        if (const auto* live = live_values_of(opt)) m.live = *live;
        out.push_back(std::move(m));
    }
    return out;
}

namespace {
CommandModel describe_command(const CLI::App& app, std::string summary) {
    CommandModel m{app.get_name(), std::move(summary), describe_options(app), {}};
    for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; }))
        m.children.push_back(describe_command(*sub, sub->get_description()));
    return m;
}
} // namespace

std::vector<CommandModel> describe_commands(const CLI::App& root) {
    std::vector<CommandModel> out;
    for (const auto& cmd : commands()) {
        if (cmd.hidden) continue;
        out.push_back(describe_command(*root.get_subcommand(std::string(cmd.name)),
                                       std::string(cmd.summary)));
    }
    return out;
}

} // namespace dropcat::cli
