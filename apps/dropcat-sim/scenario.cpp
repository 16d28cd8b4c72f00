#include "scenario.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <initializer_list>
#include <random>
#include <set>

namespace dropcat::sim {

namespace {

constexpr std::string_view k_apis[] = {"dynadot", "porkbun", "namecheap"};
constexpr std::string_view k_fault_apis[] = {"dynadot", "porkbun", "namecheap", "rdap"};
constexpr std::string_view k_commands[] = {"check",   "create", "ping",     "owns",
                                           "pricing", "lookup", "bootstrap"};
constexpr std::string_view k_kinds[] = {"delay",         "status",  "reset",     "malformed",
                                        "lost-response", "reprice", "competitor"};

// The commands each API serves, as the log names them; a fault for any other pair would
// never hit, which is a mistake in the scenario rather than a quiet no-op.
std::vector<std::string_view> served_commands(std::string_view api) {
    if (api == "rdap") return {"lookup", "bootstrap"};
    if (api == "namecheap") return {"check", "create", "ping", "owns", "pricing"};
    return {"check", "create", "ping", "owns"};
}

template <std::size_t N> bool one_of(std::string_view value, const std::string_view (&set)[N]) {
    return std::find(std::begin(set), std::end(set), value) != std::end(set);
}

template <std::size_t N> std::string choices(const std::string_view (&set)[N]) {
    return fmt::format("must be one of {}", fmt::join(set, ", "));
}

// Thrown by Reader and caught in load_scenario: it keeps each field's read to one line, which
// matters in a file that is mostly a list of fields. It never leaves this file.
struct Problem {
    Error error;
};

// Reads typed fields of one file, turning each problem into "FILE:LINE: KEY: REASON".
class Reader {
  public:
    explicit Reader(std::filesystem::path path) : m_path(std::move(path)) {}

    [[noreturn]] void fail_at(const toml::node& where, std::string_view key,
                              std::string_view reason) const {
        throw Problem{Error{ErrorKind::data, fmt::format("{}:{}: {}: {}", m_path.string(),
                                                         where.source().begin.line, key, reason)}};
    }

    const toml::table& table(const toml::node& node, std::string_view key) const {
        if (!node.is_table()) fail_at(node, key, "must be a table");
        return *node.as_table();
    }

    void known_keys(const toml::table& t, std::initializer_list<std::string_view> keys) const {
        for (const auto& [key, value] : t)
            if (std::find(keys.begin(), keys.end(), key.str()) == keys.end())
                fail_at(value, key.str(), "unknown key");
    }

    std::optional<std::string> string(const toml::table& t, std::string_view key) const {
        const toml::node* node = t.get(key);
        if (node == nullptr) return std::nullopt;
        if (!node->is_string()) fail_at(*node, key, "must be a string");
        return node->as_string()->get();
    }

    std::string required_string(const toml::table& t, std::string_view key) const {
        auto value = string(t, key);
        if (!value) fail_at(t, key, "is required");
        if (value->empty()) fail_at(*t.get(key), key, "must not be empty");
        return *value;
    }

    std::optional<std::int64_t> integer(const toml::table& t, std::string_view key,
                                        std::int64_t min, std::int64_t max) const {
        const toml::node* node = t.get(key);
        if (node == nullptr) return std::nullopt;
        if (!node->is_integer() || node->as_integer()->get() < min ||
            node->as_integer()->get() > max)
            fail_at(*node, key, fmt::format("must be a whole number from {} to {}", min, max));
        return node->as_integer()->get();
    }

    bool boolean(const toml::table& t, std::string_view key) const {
        const toml::node* node = t.get(key);
        if (node == nullptr) return false;
        if (!node->is_boolean()) fail_at(*node, key, "must be true or false");
        return node->as_boolean()->get();
    }

    std::optional<std::vector<std::string>> strings(const toml::table& t,
                                                    std::string_view key) const {
        const toml::node* node = t.get(key);
        if (node == nullptr) return std::nullopt;
        const toml::array* array = node->as_array();
        if (array == nullptr) fail_at(*node, key, "must be a list of strings");
        std::vector<std::string> out;
        for (const auto& item : *array) {
            if (!item.is_string()) fail_at(item, key, "must be a list of strings");
            out.push_back(item.as_string()->get());
        }
        return out;
    }

    std::optional<Money> money(const toml::table& t, std::string_view key,
                               std::string_view currency) const {
        auto text = string(t, key);
        if (!text) return std::nullopt;
        auto amount = parse_money(*text);
        if (!amount) fail_at(*t.get(key), key, amount.error().message);
        if (!currency.empty() && amount->currency != currency)
            fail_at(*t.get(key), key,
                    fmt::format("must be in {}, the currency of default_price", currency));
        return *amount;
    }

    std::optional<Duration> duration(const toml::table& t, std::string_view key) const {
        auto text = string(t, key);
        if (!text) return std::nullopt;
        auto value = parse_duration(*text);
        if (!value) fail_at(*t.get(key), key, value.error().message);
        return *value;
    }

    std::optional<Instant> instant(const toml::table& t, std::string_view key,
                                   Instant start) const {
        const toml::node* node = t.get(key);
        if (node == nullptr) return std::nullopt;
        if (const auto* native = node->as_date_time()) {
            const toml::date_time& dt = native->get();
            if (!dt.offset) fail_at(*node, key, "needs a time zone, such as Z");
            return from_civil(dt.date.year, dt.date.month, dt.date.day, dt.time.hour,
                              dt.time.minute, dt.time.second,
                              std::chrono::duration_cast<Duration>(
                                  std::chrono::nanoseconds(dt.time.nanosecond))) -
                   std::chrono::minutes(dt.offset->minutes);
        }
        if (!node->is_string()) fail_at(*node, key, "must be \"+5s\" or a UTC time");
        auto value = parse_instant(node->as_string()->get(), start);
        if (!value) fail_at(*node, key, value.error().message);
        return *value;
    }

    // The tables of a [[name]] array; none when the key is absent.
    std::vector<const toml::table*> tables(const toml::table& root, std::string_view key) const {
        const toml::node* node = root.get(key);
        if (node == nullptr) return {};
        const toml::array* array = node->as_array();
        if (array == nullptr || !array->is_array_of_tables())
            fail_at(*node, key, fmt::format("must be written as [[{}]] tables", key));
        std::vector<const toml::table*> out;
        for (const auto& item : *array)
            out.push_back(item.as_table());
        return out;
    }

  private:
    std::filesystem::path m_path;
};

void read_sim(const Reader& r, const toml::table& root, Scenario& s) {
    const toml::node* node = root.get("sim");
    if (node == nullptr) return;
    const toml::table& t = r.table(*node, "sim");
    r.known_keys(t, {"default_price", "tlds", "seed", "clock_ahead"});
    if (auto ahead = r.duration(t, "clock_ahead")) s.clock_ahead = *ahead;
    if (auto price = r.money(t, "default_price", "")) s.default_price = *price;
    if (auto tlds = r.strings(t, "tlds")) {
        if (tlds->empty()) r.fail_at(*t.get("tlds"), "tlds", "must name at least one TLD");
        for (const auto& tld : *tlds)
            if (!valid_name("x." + tld))
                r.fail_at(*t.get("tlds"), "tlds",
                          fmt::format("'{}' is not a lowercase TLD such as \"com\"", tld));
        s.tlds = *tlds;
    }
    if (auto seed = r.integer(t, "seed", 0, INT64_MAX)) s.seed = static_cast<std::uint64_t>(*seed);
}

AccountSpec read_account(const Reader& r, const toml::table& t, const Scenario& s) {
    r.known_keys(t, {"name", "api", "key", "secret", "api_user", "username", "client_ip", "balance",
                     "checks", "creates", "per"});
    AccountSpec a;
    a.name = r.required_string(t, "name");
    a.api = r.required_string(t, "api");
    if (!one_of(a.api, k_apis)) r.fail_at(*t.get("api"), "api", choices(k_apis));
    a.key = r.required_string(t, "key");
    // Each API has its own credentials; a field another API uses is a mistake worth naming.
    auto only_for = [&](std::string_view key, std::string_view api) {
        if (a.api == api) return r.required_string(t, key);
        if (const toml::node* node = t.get(key))
            r.fail_at(*node, key, fmt::format("is only for api = \"{}\"", api));
        return std::string();
    };
    a.secret = only_for("secret", "porkbun");
    a.api_user = only_for("api_user", "namecheap");
    a.client_ip = only_for("client_ip", "namecheap");
    // Namecheap's UserName is the account the call acts on; it is the ApiUser unless the key
    // belongs to a reseller acting for another user.
    if (const toml::node* node = t.get("username"); node != nullptr && a.api != "namecheap")
        r.fail_at(*node, "username", "is only for api = \"namecheap\"");
    a.username = r.string(t, "username").value_or(a.api_user);
    if (a.api == "namecheap" && a.username.empty())
        r.fail_at(*t.get("username"), "username", "must not be empty");
    a.balance = r.money(t, "balance", s.default_price.currency)
                    .value_or(Money{0, s.default_price.currency});
    if (auto n = r.integer(t, "checks", 1, 1'000'000)) a.checks = static_cast<int>(*n);
    if (auto n = r.integer(t, "creates", 1, 1'000'000)) a.creates = static_cast<int>(*n);
    if (auto per = r.duration(t, "per")) {
        if (per->count() == 0) r.fail_at(*t.get("per"), "per", "must be longer than 0");
        a.per = *per;
    }
    for (const auto& other : s.accounts) {
        if (other.name == a.name)
            r.fail_at(*t.get("name"), "name", fmt::format("'{}' is used twice", a.name));
        if (other.api == a.api && other.key == a.key)
            r.fail_at(*t.get("key"), "key",
                      fmt::format("is also the key of account '{}'", other.name));
    }
    return a;
}

DomainSpec read_domain(const Reader& r, const toml::table& t, const Scenario& s,
                       std::mt19937_64& random) {
    r.known_keys(t,
                 {"name", "delete_at", "jitter", "statuses", "price", "premium", "reserved",
                  "non_real_time", "competitor_after", "phase", "expires_at", "deletion_event_at"});
    DomainSpec d;
    d.name = r.required_string(t, "name");
    if (!valid_name(d.name))
        r.fail_at(*t.get("name"), "name", "must be a lowercase ASCII name such as \"example.com\"");
    if (tld_of(d.name, s.tlds).empty())
        r.fail_at(*t.get("name"), "name", "its TLD is not in [sim] tlds");
    for (const auto& other : s.domains)
        if (other.name == d.name)
            r.fail_at(*t.get("name"), "name", fmt::format("'{}' is listed twice", d.name));
    d.deleted_at = r.instant(t, "delete_at", s.start);
    if (auto jitter = r.duration(t, "jitter")) {
        if (!d.deleted_at) r.fail_at(*t.get("jitter"), "jitter", "needs delete_at");
        std::uniform_int_distribution<Duration::rep> spread(0, jitter->count());
        *d.deleted_at += Duration(spread(random));
    }
    if (auto statuses = r.strings(t, "statuses")) {
        if (statuses->empty()) r.fail_at(*t.get("statuses"), "statuses", "must not be empty");
        d.statuses = *statuses;
    }
    d.price = r.money(t, "price", s.default_price.currency);
    d.premium = r.boolean(t, "premium");
    d.reserved = r.boolean(t, "reserved");
    d.non_real_time = r.boolean(t, "non_real_time");
    d.competitor_after = r.duration(t, "competitor_after");
    d.expires_at = r.instant(t, "expires_at", s.start);
    d.deletion_event_at = r.instant(t, "deletion_event_at", s.start);
    for (const toml::table* p : r.tables(t, "phase")) {
        r.known_keys(*p, {"at", "statuses"});
        auto when = r.instant(*p, "at", s.start);
        if (!when) r.fail_at(*p, "phase.at", "is required");
        auto statuses = r.strings(*p, "statuses");
        if (!statuses || statuses->empty())
            r.fail_at(*p, "phase.statuses", "must be a list of at least one status");
        if (!d.phases.empty() && *when < d.phases.back().at)
            r.fail_at(*p->get("at"), "phase.at", "must not be before the phase above it");
        d.phases.push_back({*when, *statuses});
    }
    if (d.competitor_after && !d.deleted_at)
        r.fail_at(*t.get("competitor_after"), "competitor_after", "needs delete_at");
    return d;
}

// Every command is served by some API, so only a fault that names both can pair them wrongly.
void check_served(const Reader& r, const toml::table& t, const FaultSpec& f) {
    if (f.api.empty() || f.command.empty()) return;
    auto commands = served_commands(f.api);
    if (std::find(commands.begin(), commands.end(), f.command) == commands.end())
        r.fail_at(*t.get("command"), "command",
                  fmt::format("'{}' is not a command of api = \"{}\" (it has {})", f.command, f.api,
                              fmt::join(commands, ", ")));
}

FaultSpec read_fault(const Reader& r, const toml::table& t, const Scenario& s) {
    r.known_keys(t, {"api", "command", "domain", "kind", "delay", "status", "price", "times",
                     "retry_after"});
    FaultSpec f;
    f.api = r.string(t, "api").value_or("");
    if (!f.api.empty() && !one_of(f.api, k_fault_apis))
        r.fail_at(*t.get("api"), "api", choices(k_fault_apis));
    f.command = r.string(t, "command").value_or("");
    if (!f.command.empty() && !one_of(f.command, k_commands))
        r.fail_at(*t.get("command"), "command", choices(k_commands));
    check_served(r, t, f);
    f.domain = r.string(t, "domain").value_or("");
    if (!f.domain.empty() && !valid_name(f.domain))
        r.fail_at(*t.get("domain"), "domain", "must be a lowercase ASCII name");
    std::string kind = r.required_string(t, "kind");
    if (!one_of(kind, k_kinds)) r.fail_at(*t.get("kind"), "kind", choices(k_kinds));
    f.kind = static_cast<FaultKind>(std::find(std::begin(k_kinds), std::end(k_kinds), kind) -
                                    std::begin(k_kinds));
    auto delay = r.duration(t, "delay");
    if (delay && *delay > k_max_delay) r.fail_at(*t.get("delay"), "delay", "must be at most 10m");
    // A 1xx is not a final answer: HTTP clients wait for the one that follows, which never comes.
    auto status = r.integer(t, "status", 200, 599);
    if (f.kind == FaultKind::delay && !delay)
        r.fail_at(t, "delay", "is required for kind = \"delay\"");
    if (f.kind != FaultKind::delay && delay)
        r.fail_at(*t.get("delay"), "delay", "is only for kind = \"delay\"");
    if (f.kind == FaultKind::status && !status)
        r.fail_at(t, "status", "is required for kind = \"status\"");
    if (f.kind != FaultKind::status && status)
        r.fail_at(*t.get("status"), "status", "is only for kind = \"status\"");
    f.price = r.money(t, "price", s.default_price.currency);
    if (f.kind == FaultKind::reprice && (!f.price || f.domain.empty()))
        r.fail_at(t, f.price ? "domain" : "price", "is required for kind = \"reprice\"");
    if (f.kind == FaultKind::competitor && f.domain.empty())
        r.fail_at(t, "domain", "is required for kind = \"competitor\"");
    if (f.kind != FaultKind::reprice && f.price)
        r.fail_at(*t.get("price"), "price", "is only for kind = \"reprice\"");
    f.delay = delay.value_or(Duration{});
    f.status = static_cast<int>(status.value_or(0));
    f.times = static_cast<int>(r.integer(t, "times", 0, 1'000'000).value_or(1));
    f.retry_after = r.duration(t, "retry_after");
    if (f.retry_after && f.kind != FaultKind::status)
        r.fail_at(*t.get("retry_after"), "retry_after", "is only for kind = \"status\"");
    return f;
}

} // namespace

std::string_view fault_kind_name(FaultKind kind) {
    return k_kinds[static_cast<int>(kind)];
}

Result<Scenario> load_scenario(const std::filesystem::path& path, Instant start) {
    toml::table root;
    try {
        root = toml::parse_file(path.string());
    } catch (const toml::parse_error& e) {
        return fail(ErrorKind::data, fmt::format("{}:{}: {}", path.string(), e.source().begin.line,
                                                 e.description()));
    }
    Reader r(path);
    Scenario s;
    s.start = start;
    try {
        r.known_keys(root, {"sim", "account", "domain", "fault", "rdap"});
        read_sim(r, root, s);
        if (const toml::node* node = root.get("rdap")) {
            const toml::table& t = r.table(*node, "rdap");
            r.known_keys(t, {"hosts", "per_second", "redirect"});
            s.rdap.hosts = static_cast<int>(r.integer(t, "hosts", 0, 64).value_or(0));
            if (auto n = r.integer(t, "per_second", 1, 100000))
                s.rdap.per_second = static_cast<int>(*n);
            s.rdap.redirect = r.boolean(t, "redirect");
        }
        std::mt19937_64 random(s.seed);
        for (const toml::table* t : r.tables(root, "account"))
            s.accounts.push_back(read_account(r, *t, s));
        for (const toml::table* t : r.tables(root, "domain"))
            s.domains.push_back(read_domain(r, *t, s, random));
        for (const toml::table* t : r.tables(root, "fault"))
            s.faults.push_back(read_fault(r, *t, s));
    } catch (const Problem& problem) {
        return std::unexpected(problem.error);
    }
    return s;
}

std::string_view tld_of(std::string_view name, const std::vector<std::string>& tlds) {
    std::string_view best;
    for (const auto& tld : tlds)
        if (name.size() > tld.size() + 1 && name.ends_with(tld) &&
            name[name.size() - tld.size() - 1] == '.' && tld.size() > best.size())
            best = tld;
    return best;
}

bool valid_name(std::string_view name) {
    if (name.empty() || name.size() > 253 || name.find('.') == std::string_view::npos) return false;
    std::size_t label = 0;
    for (std::size_t i = 0; i <= name.size(); ++i) {
        if (i == name.size() || name[i] == '.') {
            if (label == 0 || label > 63 || name[i - 1] == '-' || name[i - label] == '-')
                return false;
            label = 0;
            continue;
        }
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
        ++label;
    }
    return true;
}

} // namespace dropcat::sim
