#!/usr/bin/env python3
"""The naive baseline bench/catch.sh measures dropcat catch against.

What a plain drop-catch script does: one loop per registrar account, each over its share of
the names (round robin), checking one name per request at the account's check budget and
creating the moment a check says available, at most one create per create interval. It
keeps each account's connection open (warm TLS) and stays inside the same budgets dropcat
is given, so the comparison is of timing, not of manners.

    naive_catch.py URL CA_FILE UNTIL_UNIX NAMES_FILE ACCOUNT...

ACCOUNT is dynadot, porkbun or namecheap (the simulator's bench accounts). Stops at UNTIL.
"""
import http.client
import json
import ssl
import sys
import threading
import time
import urllib.parse

URL, CA, UNTIL, NAMES = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4]
ACCOUNTS = sys.argv[5:]
CHECK_EVERY = 0.1 + 0.005  # 10 checks a second, as dropcat is held to
CREATE_EVERY = 1.0 + 0.05  # one create a second
KEYS = {
    "dynadot": {"key": "bench-dyn-key"},
    "porkbun": {"apikey": "pk1_bench", "secretapikey": "sk1_bench"},
    "namecheap": {"ApiUser": "benchuser", "ApiKey": "bench-nc-key", "UserName": "benchuser",
                  "ClientIp": "127.0.0.1"},
}
CONTACT = {"FirstName": "Ada", "LastName": "Lovelace", "Address1": "1 Analytical Row",
           "City": "London", "StateProvince": "London", "PostalCode": "N1 1AA", "Country": "GB",
           "Phone": "+44.2071234567", "EmailAddress": "ada@example.org"}


class Account:
    def __init__(self, kind):
        self.kind = kind
        parsed = urllib.parse.urlparse(URL)
        context = ssl.create_default_context(cafile=CA)
        self.conn = http.client.HTTPSConnection(parsed.hostname, parsed.port, context=context,
                                                timeout=10)

    def request(self, method, path, body=None, headers=None):
        for _ in range(2):
            try:
                self.conn.request(method, path, body=body, headers=headers or {})
                r = self.conn.getresponse()
                return r.status, r.read().decode("utf-8", "replace")
            except (http.client.HTTPException, OSError):
                self.conn.close()
        return 0, ""

    def check(self, name):
        """True (available), False (taken), None (no answer)."""
        if self.kind == "dynadot":
            q = urllib.parse.urlencode({**KEYS["dynadot"], "command": "search", "domain0": name})
            _, body = self.request("GET", "/api3.json?" + q)
            try:
                return json.loads(body)["SearchResponse"]["SearchResults"][0]["Available"] == "yes"
            except (ValueError, KeyError, IndexError):
                return None
        if self.kind == "porkbun":
            status, body = self.request("POST", "/api/json/v3/domain/checkDomain/" + name,
                                        json.dumps(KEYS["porkbun"]),
                                        {"Content-Type": "application/json"})
            try:
                j = json.loads(body)
                if j.get("status") != "SUCCESS":
                    return None
                self.price = j["response"].get("price")
                return j["response"]["avail"] == "yes"
            except (ValueError, KeyError):
                return None
        q = urllib.parse.urlencode({**KEYS["namecheap"], "Command": "namecheap.domains.check",
                                    "DomainList": name})
        _, body = self.request("GET", "/xml.response?" + q)
        if 'Available="true"' in body:
            return True
        if 'Available="false"' in body:
            return False
        return None

    def create(self, name):
        if self.kind == "dynadot":
            q = urllib.parse.urlencode({**KEYS["dynadot"], "command": "register", "domain": name,
                                        "duration": 1, "currency": "USD"})
            self.request("GET", "/api3.json?" + q)
        elif self.kind == "porkbun":
            cents = int(round(float(getattr(self, "price", "10.99")) * 100))
            self.request("POST", "/api/json/v3/domain/create/" + name,
                         json.dumps({**KEYS["porkbun"], "cost": cents, "agreeToTerms": "yes"}),
                         {"Content-Type": "application/json"})
        else:
            params = {**KEYS["namecheap"], "Command": "namecheap.domains.create",
                      "DomainName": name, "Years": 1}
            for role in ("Registrant", "Tech", "Admin", "AuxBilling"):
                params.update({role + k: v for k, v in CONTACT.items()})
            self.request("GET", "/xml.response?" + urllib.parse.urlencode(params))


def loop(kind, names):
    account = Account(kind)
    left = list(names)
    next_check = time.time()
    next_create = 0.0
    i = 0
    while left and time.time() < UNTIL:
        now = time.time()
        if now < next_check:
            time.sleep(next_check - now)
        next_check = max(next_check + CHECK_EVERY, time.time())
        name = left[i % len(left)]
        answer = account.check(name)
        if answer:
            wait = next_create - time.time()
            if wait > 0:
                time.sleep(wait)
            account.create(name)
            next_create = time.time() + CREATE_EVERY
            left.remove(name)  # caught or lost: the script moves on
            continue
        i += 1


names = [line.strip() for line in open(NAMES) if line.strip()]
threads = [threading.Thread(target=loop, args=(kind, names[k::len(ACCOUNTS)]))
           for k, kind in enumerate(ACCOUNTS)]
for t in threads:
    t.start()
for t in threads:
    t.join()
