#pragma once

#include "dropcat/export.hpp"
#include "dropcat/error.hpp"
#include "dropcat/money.hpp"
#include "dropcat/rdap.hpp"

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

DROPCAT_PUBLIC_BEGIN

namespace dropcat {

// The contact a registrar needs for the registrant, admin, tech and billing roles (Namecheap).
struct RegistrarContact {
    std::string first_name;
    std::string last_name;
    std::string address;
    std::string city;
    std::string state_province;
    std::string postal_code;
    std::string country; // ISO 3166-1 alpha-2
    std::string phone;   // +NNN.NNNNNNNNNN
    std::string email;
};

// One registrar account from the configuration. Secrets are never here: only the names of the
// environment variables (or secrets-file entries) that hold them.
struct RegistrarAccount {
    std::string name;     // the account's label on the command line
    std::string kind;     // dynadot | porkbun | namecheap
    std::string endpoint; // empty: the kind's default
    std::string ca_file;  // PEM CA bundle to trust instead of the system's; empty: the system's
    // The kind's own keys (RegistrarKind::keys) as configured, defaults filled in: key_env and
    // the like name variables, never hold secrets.
    std::map<std::string, std::string, std::less<>> settings;
    std::optional<RegistrarContact> contact; // for a kind with a contact key
    // A setting's value; empty when the account has none.
    const std::string& setting(std::string_view key) const;
    int checks_per_minute = 0; // 0: the kind's documented limit
    int creates_per_minute = 0;
    int checks_per_second = 0; // 0: no per-second rule beyond the kind's own
    int creates_per_second = 0;
    int max_in_flight = 1;
    int check_batch = 0;           // names per check request; 0: the kind's default
    int timeout_ms = 30000;        // a whole request, answer included
    int connect_timeout_ms = 5000; // connecting (and the TLS handshake)
    std::vector<std::string> tlds;
    std::optional<Money> max_price;
    // `catch = true|false`: whether dropcat catch fires from this account; none: the kind's
    // stance (catch_allowed).
    std::optional<bool> catching;
    std::size_t line = 0; // where the account starts in the file
};

// [rdap]: registry look-ups (dropcat status).
struct RdapSettings {
    std::string bootstrap_url = "https://data.iana.org/rdap/dns.json";
    double requests_per_second = 1.0; // per RDAP host
    int timeout_ms = 15000;
    int backoff_ms = 5000; // the first wait after a 429 without Retry-After, a 403 or a 422
    std::string ca_file;   // PEM CAs to trust instead of the system's (a test registry)
    // The shipped profiles with [rdap.profile.TLD] (and [rdap.profile.default]) over them.
    LifecycleProfiles profiles = LifecycleProfiles::shipped();
};

// [catch]: how dropcat catch times its requests.
struct CatchSettings {
    // A registrar clock further from ours than this is a warning in the plan and the run.
    std::chrono::milliseconds clock_offset_limit{500};
    // Window only: checks start this long before the predicted instant (warm), are densest
    // for hot_span from it (hot), then every post_interval until the window ends (post).
    std::chrono::seconds warm_lead{10};
    std::chrono::milliseconds warm_interval{1000};
    std::chrono::seconds hot_span{300};
    std::chrono::milliseconds post_interval{1000};
    // A known instant: creates go on for this long after it (at the create cadence).
    std::chrono::seconds known_window{60};
    // A run wakes this long before the first window: quotes, pings, warm connections.
    std::chrono::seconds lead{30};
    // The ceiling for an account without max_price; none: such an account does not fire.
    std::optional<Money> max_price;
    int accounts_per_name = 0; // 0: every account that serves the TLD and may catch
};

// [operator]: who offers come from (dropcat offer). Every offer shows the company, its
// postal address and telephone, and comes from the sender; each may be missing from the file
// (offer draft then says which), and a value given must be right.
struct OperatorSettings {
    std::string company; // the legal name
    std::string address; // the postal address (may span lines)
    std::string phone;   // international form, a number libphonenumber takes
    std::string sender_name;
    std::string sender_email;
    std::string reply_to;           // empty: sender_email
    std::string unsubscribe_mailto; // empty: sender_email
    // https://HOST/PATH/: the one-click endpoint (offer serve) behind a TLS proxy, the
    // token appended; empty: no one-click URI (mailto only).
    std::string unsubscribe_url_base;
    // The environment variable (or secrets-file entry) holding the opt-out tokens' secret.
    std::string token_secret_env = "DROPCAT_OPTOUT_SECRET";
    std::size_t line = 0; // where [operator] starts in the file; 0: no table
};

// [smtp]: how offers and notices are handed to a mail server.
struct SmtpSettings {
    std::string url;              // smtp://HOST[:PORT] (STARTTLS required) or smtps://HOST[:PORT]
    std::string username;         // empty: no AUTH
    std::string password_env;     // the variable holding the password
    bool allow_plaintext = false; // smtp:// without STARTTLS: only to 127.0.0.1, ::1, localhost
    int per_minute = 20;          // messages handed over in any minute, at most
    int timeout_ms = 30000;       // one message, connection included
    std::string ca_file;          // PEM CAs to trust instead of the system's
};

struct Config {
    std::filesystem::path path; // empty when there was no file
    std::optional<std::filesystem::path> secrets_file;
    std::vector<RegistrarAccount> registrars;
    RdapSettings rdap;
    CatchSettings catching;
    OperatorSettings operator_identity;
    SmtpSettings smtp;
};

// ${XDG_CONFIG_HOME:-~/.config}/dropcat/config.toml. Kind `config` when neither
// XDG_CONFIG_HOME nor HOME is an absolute path (the message names --config); so for the next.
Result<std::filesystem::path> default_config_path();

// ${XDG_STATE_HOME:-~/.local/state}/dropcat: what dropcat remembers between runs that is not
// the store, such as each registrar account's recent requests.
Result<std::filesystem::path> default_state_dir();

// How long a command waits for another dropcat run that holds the store or a registrar
// account before it gives up with a temporary failure (exit 75): DROPCAT_LOCK_WAIT, in seconds
// (a decimal from 0 to 3600), else 5 s. Kind `config` when the variable is not such a number.
Result<std::chrono::milliseconds> lock_wait_from_environment();

// Reads and checks the configuration. A missing file is an empty configuration unless
// `must_exist`. Every problem is an Error of kind `config` whose message names the file, the
// line and the key ("FILE:LINE: KEY: REASON"); a secret written into the file itself, a
// secrets file that others can read, an unknown key or kind are such problems.
Result<Config> load_config(const std::filesystem::path& path, bool must_exist);

// The value of a secret named by a *_env key: from the environment, else from the secrets
// file (which must be mode 0600, as ssh insists for its keys). Kind `config` when missing.
Result<std::string> resolve_secret(const Config& config, const std::string& name);

} // namespace dropcat

DROPCAT_PUBLIC_END
