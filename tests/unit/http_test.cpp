#include "http/transport.hpp"

#include <dropcat/http.hpp>

#include <catch2/catch.hpp>
#include <curl/curl.h>

using namespace dropcat;

TEST_CASE("http: the redactor hides secret query parameters whatever their case") {
    Redactor r;
    CHECK(r.redact("https://api.dynadot.com/api3.json?key=abc123&command=search") ==
          "https://api.dynadot.com/api3.json?key=REDACTED&command=search");
    CHECK(r.redact("https://x/xml.response?ApiUser=me&ApiKey=k1&UserName=me") ==
          "https://x/xml.response?ApiUser=me&ApiKey=REDACTED&UserName=me");
    CHECK(r.redact("/p?a=1&secretapikey=sk1_x#frag") == "/p?a=1&secretapikey=REDACTED#frag");
    CHECK(r.redact("/p?monkey=1") == "/p?monkey=1"); // only whole parameter names
}

TEST_CASE("http: the redactor hides the secret values it was told, plain and encoded") {
    Redactor r;
    r.add_secret("s3cr3t+value/");
    r.add_secret("ab"); // too short to hide safely: ignored
    CHECK(r.redact("error near s3cr3t+value/ in body") == "error near REDACTED in body");
    CHECK(r.redact("u?x=s3cr3t%2Bvalue%2F") == "u?x=REDACTED");
    CHECK(r.redact("about") == "about");
}

TEST_CASE("http: url_encode keeps the unreserved characters only") {
    CHECK(url_encode("a.b-c_d~e") == "a.b-c_d~e");
    CHECK(url_encode("a b&c=d/é") == "a%20b%26c%3Dd%2F%C3%A9");
}

TEST_CASE("http: a refused connection is known not to have been sent") {
    HttpOptions options;
    options.connect_timeout = std::chrono::milliseconds(2000);
    std::vector<HttpLogEntry> log;
    HttpClient client(options, Redactor{}, [&](const HttpLogEntry& e) { log.push_back(e); });
    // Port 1 on loopback: nothing listens there on a test machine.
    auto r = client.perform(HttpRequest{"GET", "http://127.0.0.1:1/?key=hidden", {}, {}});
    REQUIRE_FALSE(r);
    CHECK(r.error().stage == TransportStage::not_sent);
    REQUIRE(log.size() == 1);
    CHECK(log[0].url == "http://127.0.0.1:1/?key=REDACTED");
    CHECK(log[0].status == 0);
}

TEST_CASE("http: which transport failures mean the request never left") {
    // A name that does not resolve, a refused or timed-out connect, TLS that fails: never sent.
    for (CURLcode code :
         {CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_CONNECT,
          CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION})
        CHECK(http::never_sent(code, false));
    CHECK(http::never_sent(CURLE_OPERATION_TIMEDOUT, false)); // a connect timeout
    // After the request went out: a timeout waiting for the answer, a reset, a cut-off body.
    CHECK_FALSE(http::never_sent(CURLE_OPERATION_TIMEDOUT, true));
    for (CURLcode code : {CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE,
                          CURLE_WRITE_ERROR, CURLE_ABORTED_BY_CALLBACK})
        CHECK_FALSE(http::never_sent(code, true));
}
