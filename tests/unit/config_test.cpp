#include "temp_files.hpp"

#include <dropcat/config.hpp>
#include <dropcat/money.hpp>
#include <dropcat/registrar.hpp>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <cstdlib>
#include <sys/stat.h>
#include <unistd.h>

using namespace dropcat;

namespace {

const char* k_example = R"toml(
[[registrar]]
name = "dyn-main"             # the account's label on the command line
kind = "dynadot"              # dynadot | porkbun | namecheap
key_env = "DROPCAT_DYN_MAIN_KEY"
endpoint = "https://api.dynadot.com"
checks_per_minute = 60
creates_per_minute = 60
max_in_flight = 1
tlds = ["com", "net"]
max_price = "25.00 USD"

[[registrar]]
name = "pork"
kind = "porkbun"
key_env = "PORK_KEY"
secret_env = "PORK_SECRET"

[[registrar]]
name = "nc"
kind = "namecheap"
api_user = "opsuser"
key_env = "NC_KEY"
client_ip = "203.0.113.7"
[registrar.contact]
first_name = "Ann"
last_name = "Ops"
address = "1 Main St"
city = "Springfield"
state_province = "IL"
postal_code = "62701"
country = "US"
phone = "+1.5555550100"
email = "ops@example.com"
)toml";

std::string config_error(const std::string& text) {
    test::TempDir dir;
    auto path = dir.write("config.toml", text);
    auto c = load_config(path, true);
    REQUIRE_FALSE(c.has_value());
    CHECK(c.error().kind == ErrorKind::config);
    CHECK_THAT(c.error().message, Catch::StartsWith(path.string() + ":"));
    return c.error().message;
}

} // namespace

TEST_CASE("money: amounts as integer minor units") {
    CHECK(parse_money("25.00 USD") == Money{2500, "USD"});
    CHECK(parse_money("25 USD") == Money{2500, "USD"});
    CHECK(parse_money(" 9.5 EUR ") == Money{950, "EUR"});
    CHECK(parse_money("0.99 GBP") == Money{99, "GBP"});
    for (const char* bad :
         {"", "25", "25.001 USD", "USD 25", "25,00 USD", "-1 USD", "25.00 usd", "25. USD"}) {
        INFO(bad);
        CHECK_FALSE(parse_money(bad).has_value());
    }
    CHECK(format_money(Money{2500, "USD"}) == "25.00 USD");
    CHECK(format_money(Money{5, "EUR"}) == "0.05 EUR");
}

TEST_CASE("money: each currency has its own decimals (ISO 4217)") {
    CHECK(currency_decimals("USD") == 2);
    CHECK(currency_decimals("JPY") == 0);
    CHECK(currency_decimals("KRW") == 0);
    CHECK(currency_decimals("BHD") == 3);
    CHECK(currency_decimals("KWD") == 3);
    CHECK(currency_decimals("CLF") == 4);
    // Yen have no fraction: 1500 JPY is 1500 minor units, and "1500.5 JPY" is no amount.
    CHECK(parse_money("1500 JPY") == Money{1500, "JPY"});
    auto half_yen = parse_money("1500.5 JPY");
    REQUIRE_FALSE(half_yen.has_value());
    CHECK_THAT(half_yen.error().message, Catch::Contains("JPY has no decimals"));
    // Dinars have three: 1.25 BHD is 1250 fils.
    CHECK(parse_money("1.25 BHD") == Money{1250, "BHD"});
    CHECK(parse_money("1.250 BHD") == Money{1250, "BHD"});
    CHECK(parse_money("0.005 KWD") == Money{5, "KWD"});
    CHECK_FALSE(parse_money("1.2501 BHD").has_value());
    CHECK(format_money(Money{1500, "JPY"}) == "1500 JPY");
    CHECK(format_money(Money{1250, "BHD"}) == "1.250 BHD");
    CHECK(format_money(Money{5, "KWD"}) == "0.005 KWD");
    CHECK(amount_text(Money{1099, "USD"}) == "10.99");
    CHECK(amount_text(Money{5, "EUR"}) == "0.05");
    CHECK(amount_text(Money{1500, "JPY"}) == "1500");
    CHECK(amount_text(Money{10, "CLF"}) == "0.0010");
    // Every amount written reads back as itself.
    for (const Money& m : {Money{123456, "USD"}, Money{7, "JPY"}, Money{1001, "OMR"}})
        CHECK(parse_money(format_money(m)) == m);
}

TEST_CASE("money: API decimals become minor units, rounded up, never on the cheap side") {
    CHECK(decimal_money("10.99", "USD") == Money{1099, "USD"});
    CHECK(decimal_money("13000.0000", "USD") == Money{1300000, "USD"});
    CHECK(decimal_money("9.5", "USD") == Money{950, "USD"});
    CHECK(decimal_money("12", "USD") == Money{1200, "USD"});
    CHECK(decimal_money("1,499.00", "USD") == Money{149900, "USD"});
    CHECK(decimal_money("10.871", "USD") == Money{1088, "USD"});
    CHECK(decimal_money("1500", "JPY") == Money{1500, "JPY"});
    CHECK(decimal_money("1500.00", "JPY") == Money{1500, "JPY"});
    CHECK(decimal_money("1500.4", "JPY") == Money{1501, "JPY"});
    CHECK(decimal_money("2.5", "BHD") == Money{2500, "BHD"});
    CHECK(decimal_money("2.5001", "BHD") == Money{2501, "BHD"});
    CHECK_FALSE(decimal_money("", "USD"));
    CHECK_FALSE(decimal_money("1.2.3", "USD"));
    CHECK_FALSE(decimal_money("-5", "USD"));
    CHECK_FALSE(decimal_money("12.", "USD"));
}

TEST_CASE("config: the documented example loads") {
    test::TempDir dir;
    auto c = load_config(dir.write("config.toml", k_example), true);
    REQUIRE(c.has_value());
    REQUIRE(c->registrars.size() == 3);
    const auto& dyn = c->registrars[0];
    CHECK(dyn.name == "dyn-main");
    CHECK(dyn.kind == "dynadot");
    CHECK(dyn.setting("key_env") == "DROPCAT_DYN_MAIN_KEY");
    CHECK(dyn.checks_per_minute == 60);
    CHECK(dyn.tlds == std::vector<std::string>{"com", "net"});
    CHECK(dyn.max_price == Money{2500, "USD"});
    CHECK(dyn.line == 2);
    CHECK(c->registrars[1].setting("secret_env") == "PORK_SECRET");
    const auto& nc = c->registrars[2];
    CHECK(nc.setting("username") == "opsuser"); // defaults to api_user
    CHECK(nc.setting("client_ip") == "203.0.113.7");
    REQUIRE(nc.contact.has_value());
    CHECK(nc.contact->phone == "+1.5555550100");
}

TEST_CASE("config: a missing file is an empty configuration unless required") {
    test::TempDir dir;
    auto c = load_config(dir.path() / "none.toml", false);
    REQUIRE(c.has_value());
    CHECK(c->registrars.empty());
    auto must = load_config(dir.path() / "none.toml", true);
    REQUIRE_FALSE(must.has_value());
    CHECK(must.error().kind == ErrorKind::config);
}

TEST_CASE("config: an unknown key or kind is an error at its line, with a suggestion") {
    CHECK_THAT(config_error("secret_file = \"s.toml\"\n"),
               Catch::Contains(":1: secret_file: unknown key; did you mean 'secrets_file'?"));
    CHECK_THAT(config_error("[[registrar]]\nname = \"a\"\nkind = \"dynadott\"\n"),
               Catch::Contains(":3: kind: 'dynadott' is not one of dynadot, porkbun, namecheap; "
                               "did you mean 'dynadot'?"));
    CHECK_THAT(config_error("[[registrar]]\nname = \"a\"\nkind = \"dynadot\"\nkey_env = \"K\"\n"
                            "endpont = \"http://127.0.0.1:1\"\n"),
               Catch::Contains(":5: endpont: unknown key") &&
                   Catch::Contains("did you mean 'endpoint'?"));
    CHECK_THAT(config_error("[[registrar]]\nname = \"a\"\nkind = \"dynadot\"\nkey_env = \"K\"\n"
                            "colour = \"red\"\n"),
               !Catch::Contains("did you mean"));
}

TEST_CASE("config: errors name the file, the line and the key") {
    CHECK_THAT(config_error("[[registrar]]\nname = \"a\"\nkind = \"godaddy\"\nkey_env = \"K\"\n"),
               Catch::Contains(":3: kind: 'godaddy' is not one of dynadot, porkbun, namecheap"));
    CHECK_THAT(config_error("[[registrar]]\nname = \"a\"\nkind = \"dynadot\"\nkey_env = \"K\"\n"
                            "checks_per_minute = 0\n"),
               Catch::Contains(":5: checks_per_minute: must be a whole number"));
    CHECK_THAT(config_error("[[registrar]]\nname = \"a\"\nkind = \"porkbun\"\nkey_env = \"K\"\n"),
               Catch::Contains("secret_env: is required for porkbun"));
    CHECK_THAT(config_error("[[registrar]]\nname = \"a\"\nkind = \"dynadot\"\nkey_env = \"K\"\n"
                            "colour = \"red\"\n"),
               Catch::Contains(":5: colour: unknown key"));
    CHECK_THAT(config_error("[[registrar]]\nname = \"a\"\nkind = \"dynadot\"\nkey_env = \"K\"\n"
                            "[[registrar]]\nname = \"a\"\nkind = \"dynadot\"\nkey_env = \"K\"\n"),
               Catch::Contains(":5: name: 'a' is used twice"));
    CHECK_THAT(
        config_error("[[registrar]]\nname = \"a\"\nkind = \"dynadot\"\nkey_env = \"not an env\"\n"),
        Catch::Contains(":4: key_env: must name the environment variable"));
    CHECK_THAT(config_error("[[registrar]]\nname = \"a\"\nkind = \"dynadot\"\nkey_env = \"K\"\n"
                            "max_price = \"25 dollars\"\n"),
               Catch::Contains(":5: max_price:"));
    CHECK_THAT(config_error("[[registrar]]\nname = \"a\"\nkind = \"dynadot\"\nkey_env = \"K\"\n"
                            "endpoint = \"http://api.example.com\"\n"),
               Catch::Contains(":5: endpoint: must be an https:// URL"));
    CHECK_THAT(config_error("[[registrar]]\nname = \"nc\"\nkind = \"namecheap\"\napi_user = \"u\"\n"
                            "key_env = \"K\"\nclient_ip = \"1.2.3.4\"\n"),
               Catch::Contains("contact: is required for namecheap"));
    CHECK_THAT(config_error("this is = not toml ["), Catch::Contains(":1:"));
}

TEST_CASE("config: plain http only to a loopback host, told by the URL's own host") {
    auto endpoint = [](const char* url) {
        return config_error(fmt::format("[[registrar]]\nname = \"a\"\nkind = \"dynadot\"\n"
                                        "key_env = \"K\"\nendpoint = \"{}\"\n",
                                        url));
    };
    // Each of these names a host that is not loopback, however it starts.
    for (const char* bad :
         {"http://127.0.0.1.example.com/", "http://localhost.example.com",
          "http://127.evil.com:80/api3.json", "http://10.0.0.1:8080", "ftp://127.0.0.1/",
          "http://[::2]:80/", "http://[::1].example.net/", "http://[::1]x.example.net/",
          "http://example.com#@127.0.0.1/", "http://example.com?@127.0.0.1/",
          "http://example.com/127.0.0.1", "http://localhost.:8080/", "http://[::ffff:127.0.0.1]/",
          "http://127.0.0.1%2e.example.com/", "http://1.127.0.0.1/",
          "http://127.0.0.1 .example.com/", "//127.0.0.1/", "127.0.0.1:8080"}) {
        INFO(bad);
        auto message = endpoint(bad);
        CHECK_THAT(message, Catch::Contains(":5: endpoint: "));
        CHECK_THAT(message, !Catch::Contains("has no host") || Catch::Contains("https"));
    }
    CHECK_THAT(endpoint("http://127.0.0.1@example.com/"),
               Catch::Contains(":5: endpoint: must not hold a user name or password"));
    CHECK_THAT(endpoint("http://127.0.0.1:80@example.com/"),
               Catch::Contains(":5: endpoint: must not hold a user name or password"));
    CHECK_THAT(endpoint("https://"), Catch::Contains(":5: endpoint: "));
    for (const char* good :
         {"http://127.0.0.1:8080/api/json/v3", "http://127.1.2.3", "http://localhost:9/x",
          "http://[::1]:8080/xml.response", "https://api.dynadot.com"}) {
        test::TempDir dir;
        auto c = load_config(dir.write("c.toml", fmt::format("[[registrar]]\nname = \"a\"\n"
                                                             "kind = \"dynadot\"\nkey_env = \"K\"\n"
                                                             "endpoint = \"{}\"\n",
                                                             good)),
                             true);
        CHECK(c.has_value());
    }
}

TEST_CASE("config: a secret in the file itself is refused") {
    CHECK_THAT(config_error("[[registrar]]\nname = \"a\"\nkind = \"dynadot\"\n"
                            "key = \"abc123secret\"\nkey_env = \"K\"\n"),
               Catch::Contains(":4: key: secrets do not go in the configuration file"));
    CHECK_THAT(config_error("password = \"hunter2\"\n"),
               Catch::Contains(":1: password: secrets do not go in the configuration file"));
}

TEST_CASE("config: secrets come from the environment or a private secrets file") {
    test::TempDir dir;
    auto secrets = dir.write("secrets.toml", "DROPCAT_TEST_FILE_KEY = \"from-file\"\n");
    ::chmod(secrets.c_str(), 0600);
    auto path = dir.write("config.toml", "secrets_file = \"secrets.toml\"\n");
    auto c = load_config(path, true);
    REQUIRE(c.has_value());
    CHECK(resolve_secret(*c, "DROPCAT_TEST_FILE_KEY") == "from-file");
    ::setenv("DROPCAT_TEST_FILE_KEY", "from-env", 1);
    CHECK(resolve_secret(*c, "DROPCAT_TEST_FILE_KEY") == "from-env");
    ::unsetenv("DROPCAT_TEST_FILE_KEY");
    CHECK(resolve_secret(*c, "DROPCAT_TEST_FILE_KEY") == "from-file");
    auto missing = resolve_secret(*c, "DROPCAT_TEST_MISSING");
    REQUIRE_FALSE(missing.has_value());
    CHECK(missing.error().kind == ErrorKind::config);
    CHECK_THAT(missing.error().message, Catch::Contains("DROPCAT_TEST_MISSING is not set"));
    CHECK_THAT(missing.error().message, !Catch::Contains("from-file")); // no secret quoted
}

TEST_CASE("config: a secret put in a *_env key is not echoed") {
    auto message = config_error("[[registrar]]\nname = \"a\"\nkind = \"dynadot\"\n"
                                "key_env = \"dk_live_9f8e7d6c5b4a\"\n");
    CHECK_THAT(message, Catch::Contains("key_env: must name the environment variable"));
    CHECK_THAT(message, !Catch::Contains("9f8e7d6c5b4a"));
}

TEST_CASE("config: a FIFO named as the secrets file is refused at once, never read") {
    test::TempDir dir;
    auto fifo = dir.path() / "secrets.toml";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    auto path = dir.write("config.toml", "secrets_file = \"secrets.toml\"\n");
    auto c = load_config(path, true); // would hang here if the FIFO were opened to be read
    REQUIRE_FALSE(c.has_value());
    CHECK(c.error().kind == ErrorKind::config);
    CHECK_THAT(c.error().message, Catch::Contains("is not a regular file"));
    // A device, the same.
    auto dev = dir.write("config2.toml", "secrets_file = \"/dev/zero\"\n");
    auto d = load_config(dev, true);
    REQUIRE_FALSE(d.has_value());
    CHECK_THAT(d.error().message, Catch::Contains("is not a regular file"));
}

TEST_CASE("config: a secrets file that belongs to another user is refused") {
    test::TempDir dir;
    auto secrets = dir.write("secrets.toml", "K = \"v\"\n");
    ::chmod(secrets.c_str(), 0600);
    // Only root can give a file away; elsewhere this case has nothing to show.
    if (::geteuid() != 0 || ::chown(secrets.c_str(), 65534, 65534) != 0) {
        WARN("not root: a file of another user cannot be made here");
        return;
    }
    auto path = dir.write("config.toml", "secrets_file = \"secrets.toml\"\n");
    auto c = load_config(path, true);
    REQUIRE_FALSE(c.has_value());
    CHECK_THAT(c.error().message, Catch::Contains("belongs to another user (uid 65534)"));
}

TEST_CASE("config: a secrets file others can read is refused, like ssh does") {
    test::TempDir dir;
    auto secrets = dir.write("secrets.toml", "K = \"v\"\n");
    ::chmod(secrets.c_str(), 0640);
    auto path = dir.write("config.toml", "\nsecrets_file = \"secrets.toml\"\n");
    auto c = load_config(path, true);
    REQUIRE_FALSE(c.has_value());
    CHECK(c.error().kind == ErrorKind::config);
    CHECK_THAT(c.error().message, Catch::Contains(":2: secrets_file:"));
    CHECK_THAT(c.error().message, Catch::Contains("can be read by others (mode 640)"));
    CHECK_THAT(c.error().message, Catch::Contains("chmod 600"));
}

TEST_CASE("config: per-second limits and timeouts, with their defaults") {
    test::TempDir dir;
    auto c = load_config(dir.write("config.toml", R"toml(
[[registrar]]
name = "fast"
kind = "dynadot"
key_env = "K"
checks_per_second = 10
creates_per_second = 2
timeout_ms = 1500
connect_timeout_ms = 300

[[registrar]]
name = "plain"
kind = "dynadot"
key_env = "K"
)toml"),
                         true);
    REQUIRE(c.has_value());
    const auto& fast = c->registrars[0];
    CHECK(fast.checks_per_second == 10);
    CHECK(fast.creates_per_second == 2);
    CHECK(fast.timeout_ms == 1500);
    CHECK(fast.connect_timeout_ms == 300);
    const auto& plain = c->registrars[1];
    CHECK(plain.checks_per_second == 0);
    CHECK(plain.timeout_ms == 30000);
    CHECK(plain.connect_timeout_ms == 5000);

    auto bad = load_config(dir.write("bad.toml", "[[registrar]]\nname = \"x\"\nkind = \"dynadot\"\n"
                                                 "key_env = \"K\"\ntimeout_ms = 0\n"),
                           true);
    REQUIRE_FALSE(bad.has_value());
    CHECK(bad.error().message.find("bad.toml:5: timeout_ms") != std::string::npos);
}

TEST_CASE("config: the state folder follows XDG_STATE_HOME, else ~/.local/state") {
    const char* saved_state = std::getenv("XDG_STATE_HOME");
    const char* saved_home = std::getenv("HOME");
    std::string state = saved_state ? saved_state : "", home = saved_home ? saved_home : "";
    ::setenv("HOME", "/home/op", 1);
    ::setenv("XDG_STATE_HOME", "/var/lib/op-state", 1);
    CHECK(default_state_dir() == std::filesystem::path("/var/lib/op-state/dropcat"));
    ::setenv("XDG_STATE_HOME", "relative/state", 1); // ignored, as the XDG specification says
    CHECK(default_state_dir() == std::filesystem::path("/home/op/.local/state/dropcat"));
    ::unsetenv("XDG_STATE_HOME");
    CHECK(default_state_dir() == std::filesystem::path("/home/op/.local/state/dropcat"));
    if (saved_state) ::setenv("XDG_STATE_HOME", state.c_str(), 1);
    if (saved_home) ::setenv("HOME", home.c_str(), 1);
}

TEST_CASE("config: DROPCAT_LOCK_WAIT sets how long a run waits for another, in seconds") {
    using std::chrono::milliseconds;
    const char* saved = std::getenv("DROPCAT_LOCK_WAIT");
    std::string kept = saved ? saved : "";
    auto with = [](const char* value) {
        ::setenv("DROPCAT_LOCK_WAIT", value, 1);
        return lock_wait_from_environment();
    };
    ::unsetenv("DROPCAT_LOCK_WAIT");
    CHECK(lock_wait_from_environment() == milliseconds(5000));
    CHECK(with("") == milliseconds(5000));
    CHECK(with("0") == milliseconds(0));
    CHECK(with("30") == milliseconds(30000));
    CHECK(with("0.25") == milliseconds(250));
    CHECK(with("1.5") == milliseconds(1500));
    CHECK(with("3600") == milliseconds(3600000));
    for (const char* bad :
         {"3601", "-1", "1.", ".5", "1.2345", "5s", " 5", "1e3", "abc", "99999999999999999999"}) {
        auto r = with(bad);
        INFO(bad);
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error().kind == ErrorKind::config);
        CHECK(r.error().message.find("DROPCAT_LOCK_WAIT") != std::string::npos);
    }
    if (saved)
        ::setenv("DROPCAT_LOCK_WAIT", kept.c_str(), 1);
    else
        ::unsetenv("DROPCAT_LOCK_WAIT");
}

namespace {

// An account of `kind` with every key it requires (placeholder values of each key's form),
// plus `extra` lines.
std::string account_text(const RegistrarKind& kind, const std::string& extra) {
    std::string text = fmt::format("[[registrar]]\nname = \"a\"\nkind = \"{}\"\n", kind.name);
    std::string contact;
    for (const KindKey& k : kind.keys) {
        if (!k.required) continue;
        switch (k.form) {
        case KeyForm::secret_env:
            text += fmt::format("{} = \"SOME_VARIABLE\"\n", k.name);
            break;
        case KeyForm::text:
            text += fmt::format("{} = \"value\"\n", k.name);
            break;
        case KeyForm::ipv4:
            text += fmt::format("{} = \"192.0.2.1\"\n", k.name);
            break;
        case KeyForm::contact:
            contact = fmt::format("[registrar.{}]\nfirst_name = \"A\"\nlast_name = \"B\"\n"
                                  "address = \"1 Road\"\ncity = \"C\"\nstate_province = \"S\"\n"
                                  "postal_code = \"1\"\ncountry = \"GB\"\nphone = \"+44.1\"\n"
                                  "email = \"a@example.org\"\n",
                                  k.name);
            break;
        }
    }
    return text + extra + contact;
}

} // namespace

TEST_CASE("config: each kind's own keys come from its entry in the kinds table") {
    REQUIRE_FALSE(registrar_kinds().empty());
    for (const RegistrarKind& kind : registrar_kinds()) {
        INFO(kind.name);
        test::TempDir dir;
        // Every key it requires, and nothing else, makes a valid account.
        auto minimal = load_config(dir.write("min.toml", account_text(kind, "")), true);
        REQUIRE(minimal.has_value());
        for (const KindKey& k : kind.keys) {
            INFO(k.name);
            if (k.form == KeyForm::contact) continue;
            const std::string& value = minimal->registrars[0].setting(k.name);
            // A key with a default has one; a required key has its value.
            if (k.required || !k.defaults_to.empty()) CHECK_FALSE(value.empty());
            if (!k.defaults_to.empty())
                CHECK(value == minimal->registrars[0].setting(k.defaults_to));
            if (!k.required) continue;
            // Without a required key: "KEY: is required for KIND", with what it is.
            std::string without;
            std::string full = account_text(kind, "");
            std::size_t at = full.find(std::string(k.name) + " = ");
            REQUIRE(at != std::string::npos);
            without = full.substr(0, at) + full.substr(full.find('\n', at) + 1);
            CHECK_THAT(config_error(without),
                       Catch::Contains(
                           fmt::format("{}: is required for {}: {}", k.name, kind.name, k.help)));
        }
        // Each form is checked: a secret's variable name, an address, a non-empty text.
        for (const KindKey& k : kind.keys) {
            INFO(k.name);
            std::string bad;
            if (k.form == KeyForm::secret_env) bad = "not a variable";
            if (k.form == KeyForm::ipv4) bad = "example.org";
            if (k.form == KeyForm::text) bad = "";
            if (k.form == KeyForm::contact) continue;
            std::string full = account_text(kind, "");
            std::size_t at = full.find(std::string(k.name) + " = ");
            std::string line = fmt::format("{} = \"{}\"\n", k.name, bad);
            std::string text = at == std::string::npos ? account_text(kind, line)
                                                       : full.substr(0, at) + line +
                                                             full.substr(full.find('\n', at) + 1);
            CHECK_THAT(config_error(text), Catch::Contains(fmt::format(": {}: must", k.name)));
        }
        // Another kind's own key is unknown here, and the message lists this kind's keys.
        for (const RegistrarKind& other : registrar_kinds())
            for (const KindKey& k : other.keys) {
                if (find_kind_key(kind, k.name) != nullptr || k.form == KeyForm::contact) continue;
                INFO(k.name);
                std::string message = config_error(
                    account_text(kind, fmt::format("{} = \"SOME_VARIABLE\"\n", k.name)));
                CHECK_THAT(message,
                           Catch::Contains(fmt::format(
                               "{}: unknown key (the {} kind's own keys are ", k.name, kind.name)));
            }
    }
}

TEST_CASE("config: without HOME or an absolute XDG folder there is no default path") {
    const char* saved_home = std::getenv("HOME");
    std::string home = saved_home ? saved_home : "";
    const char* vars[] = {"XDG_STATE_HOME", "XDG_CONFIG_HOME"};
    std::vector<std::string> saved;
    for (const char* v : vars)
        saved.push_back(std::getenv(v) ? std::getenv(v) : "");
    for (const char* h : {"", "relative/home"}) {
        INFO(h);
        ::setenv("HOME", h, 1);
        ::setenv("XDG_STATE_HOME", "relative/state", 1);
        ::unsetenv("XDG_CONFIG_HOME");
        auto state = default_state_dir();
        REQUIRE_FALSE(state.has_value());
        CHECK(state.error().kind == ErrorKind::config);
        CHECK_THAT(state.error().message,
                   Catch::Contains("XDG_STATE_HOME is not an absolute path"));
        auto config = default_config_path();
        REQUIRE_FALSE(config.has_value());
        CHECK_THAT(config.error().message, Catch::Contains("--config PATH"));
    }
    ::unsetenv("HOME");
    CHECK_FALSE(default_config_path().has_value());
    ::setenv("XDG_CONFIG_HOME", "/etc/xdg-op", 1); // an absolute XDG folder needs no HOME
    CHECK(default_config_path() == std::filesystem::path("/etc/xdg-op/dropcat/config.toml"));
    if (saved_home) ::setenv("HOME", home.c_str(), 1);
    for (std::size_t i = 0; i < saved.size(); ++i)
        if (saved[i].empty())
            ::unsetenv(vars[i]);
        else
            ::setenv(vars[i], saved[i].c_str(), 1);
}
