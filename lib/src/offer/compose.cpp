// An offer's text: the operator's identity, the template and its fields, the subject, and how
// to stop further mail.
#include "dropcat/offer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

namespace dropcat {

namespace {

constexpr std::string_view k_default_template =
    R"(Hello{recipient_name_greeting},

This is a commercial offer from {company}.

We hold the domain name {domain} and offer it to you for {price}.
The offer stands until {valid_until} ({valid_days} days). {accept}

Why you are receiving this: {reason}

{optout}

{sender_name}
{company}
{address}
Telephone: {phone}
Email: {sender_email}
)";

// Fields a template must name, with what each stands for in a refusal.
const std::vector<std::pair<std::string_view, std::string_view>>& required() {
    static const std::vector<std::pair<std::string_view, std::string_view>> k = {
        {"company", "who is writing"}, {"address", "the postal address"},
        {"phone", "the telephone"},    {"domain", "the name offered"},
        {"price", "the price"},        {"optout", "how to stop further mail"},
        {"accept", "how to accept"}};
    return k;
}

std::map<std::string_view, std::string_view> values(const OfferFields& f) {
    return {{"domain", f.domain},
            {"price", f.price},
            {"valid_until", f.valid_until},
            {"valid_days", f.valid_days},
            {"recipient_name", f.recipient_name},
            {"recipient_email", f.recipient_email},
            {"reason", f.reason},
            {"optout", f.optout},
            {"accept", f.accept},
            {"company", f.company},
            {"address", f.address},
            {"phone", f.phone},
            {"sender_name", f.sender_name},
            {"sender_email", f.sender_email}};
}

struct Piece {
    bool field = false;
    std::string text; // the literal, or the field's name
    std::size_t line = 1;
};

// The template cut into literals and {fields}; kind data for an unclosed brace.
Result<std::vector<Piece>> pieces(std::string_view text) {
    std::vector<Piece> out;
    std::string literal;
    std::size_t line = 1;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '\n') ++line;
        if ((c == '{' || c == '}') && i + 1 < text.size() && text[i + 1] == c) {
            literal += c;
            ++i;
            continue;
        }
        if (c == '}')
            return fail(ErrorKind::data,
                        fmt::format("template line {}: a '}}' with no '{{' (write '}}}}' for a "
                                    "brace)",
                                    line));
        if (c != '{') {
            literal += c;
            continue;
        }
        auto close = text.find('}', i);
        auto newline = text.find('\n', i);
        if (close == std::string_view::npos ||
            (newline != std::string_view::npos && newline < close))
            return fail(ErrorKind::data,
                        fmt::format("template line {}: a '{{' that is not closed on its line "
                                    "(write '{{{{' for a brace)",
                                    line));
        if (!literal.empty()) out.push_back({false, std::move(literal), line});
        literal.clear();
        out.push_back({true, std::string(text.substr(i + 1, close - i - 1)), line});
        i = close;
    }
    if (!literal.empty()) out.push_back({false, std::move(literal), line});
    return out;
}

} // namespace

std::vector<std::string> missing_identity(const OperatorSettings& o) {
    std::vector<std::string> missing;
    for (auto [key, value] : {std::pair<const char*, const std::string*>{"company", &o.company},
                              {"address", &o.address},
                              {"phone", &o.phone},
                              {"sender_name", &o.sender_name},
                              {"sender_email", &o.sender_email}})
        if (value->find_first_not_of(" \t\r\n") == std::string::npos) missing.push_back(key);
    return missing;
}

Result<void> check_identity(const OperatorSettings& identity, std::string_view what) {
    auto missing = missing_identity(identity);
    if (missing.empty()) return {};
    std::string keys;
    for (const auto& k : missing)
        keys += (keys.empty() ? "" : ", ") + k;
    return fail(ErrorKind::config,
                fmt::format("{} without the operator's identity: [operator] lacks {} in the "
                            "configuration",
                            what, keys));
}

Result<void> check_token_secret(const OperatorSettings& identity, std::string_view secret) {
    if (!secret.empty()) return {};
    return fail(ErrorKind::config,
                fmt::format("the opt-out links need a secret: set the environment variable {} "
                            "([operator] token_secret_env) to a long random value, and keep it",
                            identity.token_secret_env));
}

const std::vector<std::string_view>& offer_template_fields() {
    static const std::vector<std::string_view> k = {
        "domain",          "price",          "valid_until",
        "valid_days",      "recipient_name", "recipient_name_greeting",
        "recipient_email", "reason",         "optout",
        "accept",          "company",        "address",
        "phone",           "sender_name",    "sender_email"};
    return k;
}

std::string_view default_offer_template() {
    return k_default_template;
}

Result<void> check_offer_template(std::string_view text) {
    auto parts = pieces(text);
    if (!parts) return std::unexpected(parts.error());
    const auto& known = offer_template_fields();
    std::set<std::string> named;
    std::vector<std::string> problems;
    for (const auto& p : *parts) {
        if (!p.field) continue;
        if (std::find(known.begin(), known.end(), p.text) == known.end())
            problems.push_back(fmt::format("line {}: no field {{{}}}", p.line, p.text));
        named.insert(p.text);
    }
    for (auto [field, what] : required())
        if (!named.count(std::string(field)))
            problems.push_back(fmt::format("{} ({{{}}}) is missing", what, field));
    if (!named.count("valid_until") && !named.count("valid_days"))
        problems.push_back("how long the offer stands ({valid_until} or {valid_days}) is missing");
    if (problems.empty()) return {};
    std::string message = "the template cannot be used: ";
    for (std::size_t i = 0; i < problems.size(); ++i)
        message += (i ? "; " : "") + problems[i];
    return fail(ErrorKind::data, message);
}

Result<std::string> render_offer(std::string_view text, const OfferFields& fields) {
    auto parts = pieces(text);
    if (!parts) return std::unexpected(parts.error());
    auto v = values(fields);
    std::string greeting = fields.recipient_name.empty() ? "" : " " + fields.recipient_name;
    std::string out;
    for (const auto& p : *parts) {
        if (!p.field) {
            out += p.text;
            continue;
        }
        if (p.text == "recipient_name_greeting") {
            out += greeting;
            continue;
        }
        auto found = v.find(p.text);
        if (found == v.end())
            return fail(ErrorKind::data,
                        fmt::format("template line {}: no field {{{}}}", p.line, p.text));
        out += found->second;
    }
    return out;
}

std::string offer_subject(const OfferFields& f) {
    return fmt::format("Offer: {} for {}", f.domain, f.price);
}

std::vector<std::string> unsubscribe_uris(const OperatorSettings& o, std::string_view token) {
    std::vector<std::string> out;
    const std::string& mailto =
        o.unsubscribe_mailto.empty() ? o.sender_email : o.unsubscribe_mailto;
    if (!mailto.empty())
        out.push_back(fmt::format("mailto:{}?subject=unsubscribe%20{}", mailto, token));
    if (!o.unsubscribe_url_base.empty()) {
        std::string base = o.unsubscribe_url_base;
        if (!base.ends_with('/')) base += '/';
        out.push_back(base + std::string(token));
    }
    return out;
}

std::string optout_text(const OperatorSettings& o, std::string_view token) {
    const std::string& mailto =
        o.unsubscribe_mailto.empty() ? o.sender_email : o.unsubscribe_mailto;
    std::string text =
        fmt::format("To receive no further mail from us, about this or any other name, reply with "
                    "\"unsubscribe\" or write to {}",
                    mailto);
    if (!o.unsubscribe_url_base.empty()) {
        std::string base = o.unsubscribe_url_base;
        if (!base.ends_with('/')) base += '/';
        text += fmt::format(", or open {}{} (one click, nothing more to fill in)", base, token);
    }
    return text + ". We stop at once.";
}

} // namespace dropcat
