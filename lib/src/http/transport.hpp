#pragma once

#include "dropcat/http.hpp"

#include <curl/curl.h>

namespace dropcat::http {

// What every connection dropcat makes is held to, whichever way it is used: http and https
// only, TLS verified (against `options.ca_file` when it names one), no signals, TCP keep-alive
// and no Nagle delay.
void set_connection_options(CURL* easy, const HttpOptions& options);

// Whether a libcurl failure (a CURLcode) means the request cannot have reached the server:
// the name did not resolve, the connection was refused or timed out, TLS failed before any
// byte of the request. `reached_transfer` says whether libcurl got as far as sending (its
// pre-transfer time is set): a timeout before that was a connect timeout, after it a timeout
// waiting for the answer, which may have executed.
bool never_sent(int curl_code, bool reached_transfer);

} // namespace dropcat::http
