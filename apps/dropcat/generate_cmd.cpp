#include "generate_cmd.hpp"

#include "cli.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace dropcat::cli {

namespace {

constexpr std::string_view k_begin = ".\\\" BEGIN GENERATED OPTIONS (dropcat generate man)";
constexpr std::string_view k_end = ".\\\" END GENERATED OPTIONS";

struct GenerateOptions {
    std::string dir = ".";
    bool check = false;
};

std::optional<std::string> read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// Writes `text` to `path`, or with `check` reports whether it differs. Returns true when the
// file is (now) up to date.
bool put_file(const std::filesystem::path& path, const std::string& text, bool check,
              const Context& ctx) {
    auto current = read_file(path);
    if (current && *current == text) return true;
    if (check) {
        ctx.report.error(fmt::format("{} is out of date: run 'dropcat generate' in the source tree",
                                     path.string()));
        return false;
    }
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) {
        ctx.report.error(fmt::format("cannot write {}", path.string()));
        return false;
    }
    ctx.report.note(fmt::format("wrote {}", path.string()));
    return true;
}

int run_generate(const GenerateOptions& options, const CLI::App& root, const Context& ctx) {
    std::filesystem::path dir = options.dir;
    bool ok = true;
    auto page = [&](const std::string& file, const std::string& options_text) {
        std::filesystem::path path = dir / "man" / file;
        auto current = read_file(path);
        if (!current) {
            ctx.report.error(fmt::format("cannot read {}", path.string()));
            ok = false;
            return;
        }
        if (current->find(k_begin) == std::string::npos) {
            ctx.report.error(fmt::format("{} has no generated-options markers", path.string()));
            ok = false;
            return;
        }
        ok = put_file(path, splice_man_page(*current, options_text), options.check, ctx) && ok;
    };
    page("dropcat.1", man_options(root, true));
    for (const auto& cmd : commands()) {
        if (cmd.hidden) continue;
        page(fmt::format("dropcat-{}.1", cmd.name),
             man_options(*root.get_subcommand(std::string(cmd.name)), false));
    }
    // The registrar kinds, from the kinds table (lib/src/registrar/kinds.cpp).
    {
        std::filesystem::path path = dir / "man" / "dropcat-registrar.1";
        auto current = read_file(path);
        if (!current || current->find("BEGIN GENERATED KINDS") == std::string::npos) {
            ctx.report.error(fmt::format("{} has no generated-kinds markers", path.string()));
            ok = false;
        } else {
            ok = put_file(path, splice_man_block(*current, "KINDS", man_kinds()), options.check,
                          ctx) &&
                 ok;
        }
    }
    ok =
        put_file(dir / "completions" / "dropcat.bash", bash_completion(root), options.check, ctx) &&
        ok;
    ok = put_file(dir / "completions" / "_dropcat", zsh_completion(root), options.check, ctx) && ok;
    ok =
        put_file(dir / "completions" / "dropcat.fish", fish_completion(root), options.check, ctx) &&
        ok;
    return ok ? 0 : exit_code(ErrorKind::failed);
}

} // namespace

std::string splice_man_block(const std::string& page, std::string_view name,
                             const std::string& text) {
    std::string begin_marker = fmt::format(".\\\" BEGIN GENERATED {} (dropcat generate man)", name);
    std::string end_marker = fmt::format(".\\\" END GENERATED {}", name);
    std::size_t begin = page.find(begin_marker);
    std::size_t end = page.find(end_marker);
    if (begin == std::string::npos || end == std::string::npos || end < begin) return page;
    std::size_t after_begin = page.find('\n', begin) + 1;
    return page.substr(0, after_begin) + text + page.substr(end);
}

std::string splice_man_page(const std::string& page, const std::string& options) {
    std::size_t begin = page.find(k_begin);
    std::size_t end = page.find(k_end);
    if (begin == std::string::npos || end == std::string::npos || end < begin) return page;
    std::size_t after_begin = page.find('\n', begin) + 1;
    return page.substr(0, after_begin) + options + page.substr(end);
}

CLI::App* add_generate_command(CLI::App& parent, Context& ctx) {
    auto opts = std::make_shared<GenerateOptions>();
    auto* cmd = parent.add_subcommand("generate");
    cmd->add_option("--dir", opts->dir, "the source tree (default: .)")->type_name("DIR");
    cmd->add_flag("--check", opts->check, "only check that the files are up to date");
    cmd->callback([opts, &ctx, &parent] {
        ctx.action = [opts, &ctx, &parent] { return run_generate(*opts, parent, ctx); };
    });
    return cmd;
}

} // namespace dropcat::cli
