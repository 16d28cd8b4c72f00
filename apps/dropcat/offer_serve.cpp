// dropcat offer serve: the one-click opt-out endpoint (RFC 8058). POST /u/TOKEN with the form
// body List-Unsubscribe=One-Click, or an empty body, suppresses the token's address at once;
// GET /u/TOKEN shows a page with one button doing the same. Meant behind a TLS proxy that
// answers at [operator] unsubscribe_url_base.
#include "offer_cmd.hpp"
#include "signals.hpp"

#include <dropcat/mail.hpp>
#include <dropcat/offer.hpp>

#include <fmt/format.h>
#include <httplib.h>

#include <csignal>
#include <stop_token>

namespace dropcat::cli {

namespace {

struct Listen {
    std::string host;
    int port = 0;
};

// HOST:PORT or [IPv6]:PORT; port 0: any free one.
std::optional<Listen> parse_listen(const std::string& text) {
    auto colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) return std::nullopt;
    Listen l;
    l.host = text.substr(0, colon);
    if (l.host.front() == '[') {
        if (l.host.back() != ']') return std::nullopt;
        l.host = l.host.substr(1, l.host.size() - 2);
    }
    std::string port = text.substr(colon + 1);
    if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos)
        return std::nullopt;
    l.port = std::stoi(port);
    if (l.port > 65535) return std::nullopt;
    return l;
}

std::string html_escape(std::string_view text) {
    std::string out;
    for (char c : text) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        default:
            out += c;
        }
    }
    return out;
}

// An RFC 8058 body: List-Unsubscribe=One-Click among the form's fields, or nothing at all.
bool one_click_body(const httplib::Request& req) {
    if (req.body.empty()) return true;
    if (req.has_param("List-Unsubscribe"))
        return req.get_param_value("List-Unsubscribe") == "One-Click";
    return req.body.find("List-Unsubscribe=One-Click") != std::string::npos;
}

} // namespace

int run_offer_serve(const OfferOptions& o, Context& ctx) {
    auto listen = parse_listen(o.listen);
    if (!listen)
        return ctx.failed(
            Error{ErrorKind::usage, fmt::format("--listen {}: give HOST:PORT, e.g. 127.0.0.1:8025 "
                                                "(port 0: any free one)",
                                                o.listen)});
    auto config = ctx.load_configuration();
    if (!config) return ctx.failed(config.error());
    std::string company = config->operator_identity.company.empty()
                              ? std::string("us")
                              : config->operator_identity.company;
    int code = 0;
    auto store = ctx.open_store(code);
    if (!store) return code;
    std::signal(SIGPIPE, SIG_IGN);
    httplib::Server server;
    const std::string done_text =
        fmt::format("You will receive no further mail from {}, about any name.\n", company);
    server.Post(R"(/u/([A-Za-z0-9_-]+))", [&](const httplib::Request& req, httplib::Response& res) {
        if (!one_click_body(req)) {
            res.status = 400;
            res.set_content("Not a one-click unsubscribe request.\n", "text/plain; charset=utf-8");
            return;
        }
        auto done = one_click_optout(*store, req.matches[1].str(), wall_clock_now());
        if (!done) {
            ctx.report.warning(done.error().message);
            res.status = 503;
            res.set_content("Please try again in a minute.\n", "text/plain; charset=utf-8");
            return;
        }
        if (!*done) {
            res.status = 404;
            res.set_content("Unknown link.\n", "text/plain; charset=utf-8");
            return;
        }
        ctx.report.note("an address opted out (one click)");
        res.set_content(done_text, "text/plain; charset=utf-8");
    });
    server.Get(R"(/u/([A-Za-z0-9_-]+))", [&](const httplib::Request& req, httplib::Response& res) {
        std::string token = req.matches[1].str();
        auto known = store->read([&](const ReadTx& tx) -> Result<bool> {
            return token_shaped(token) && tx.optouts().token(token).has_value();
        });
        if (!known || !*known) {
            res.status = known ? 404 : 503;
            res.set_content(known ? "Unknown link.\n" : "Please try again in a minute.\n",
                            "text/plain; charset=utf-8");
            return;
        }
        // A page, not an opt-out: link checkers open GET links; a person presses the button.
        res.set_content(
            fmt::format("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Unsubscribe"
                        "</title></head>\n<body>\n<p>Press the button to receive no further "
                        "mail from {}, about any name.</p>\n<form method=\"post\" action=\"/u/{}"
                        "\">\n<input type=\"hidden\" name=\"List-Unsubscribe\" "
                        "value=\"One-Click\">\n<button type=\"submit\">Unsubscribe</button>\n"
                        "</form>\n</body></html>\n",
                        html_escape(company), token),
            "text/html; charset=utf-8");
    });
    int port = listen->port == 0
                   ? server.bind_to_any_port(listen->host)
                   : (server.bind_to_port(listen->host, listen->port) ? listen->port : -1);
    if (port < 0)
        return ctx.failed(
            Error{ErrorKind::unavailable,
                  fmt::format("cannot listen on {} (is the port in use?)", o.listen)});
    std::string host =
        listen->host.find(':') != std::string::npos ? "[" + listen->host + "]" : listen->host;
    ctx.report.note(fmt::format("listening on http://{}:{}/u/ (stop with Ctrl-C)", host, port));
    std::stop_callback stopping(interrupt_token(), [&] { server.stop(); });
    if (!interrupted()) server.listen_after_bind();
    return interrupted() ? 0 : exit_code(ErrorKind::failed);
}

} // namespace dropcat::cli
