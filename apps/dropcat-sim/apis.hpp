#pragma once

#include "exchange.hpp"

namespace httplib {
class Server;
}

namespace dropcat::sim {

// Each adds one API's routes (WIRE.md) to the server.
void add_dynadot(httplib::Server& server, Context& ctx);   // GET /api3.json
void add_porkbun(httplib::Server& server, Context& ctx);   // POST /api/json/v3/...
void add_namecheap(httplib::Server& server, Context& ctx); // GET, POST /xml.response
void add_rdap(httplib::Server& server, Context& ctx);      // GET /rdap/...
// One extra registry host of [rdap] hosts (1, 2, ...): RDAP look-ups only.
void add_rdap_host(httplib::Server& server, Context& ctx, int host);
// GET / for people, and a logged 404 for every method and path no API serves.
void add_about(httplib::Server& server, Context& ctx);

} // namespace dropcat::sim
