#!/usr/bin/env python3
"""Figures of one bench/catch.sh case, from dropcat-sim's log and the release instants.

    catch_report.py LABEL SIM_LOG RELEASES ACCOUNT...

RELEASES: "name unix_seconds" per line. Prints one line: names caught (by the given accounts),
the median and 99th percentile from release to the accepted create's arrival (ms), requests
spent per name caught, creates that arrived more than 50 ms before their name's release,
over-limit answers, and how many names were caught more than 20 ms after their release.
"""
import json
import statistics
import sys
from datetime import datetime, timezone

label, log, releases_file = sys.argv[1], sys.argv[2], sys.argv[3]
ours = set(sys.argv[4:])
release = {}
for line in open(releases_file):
    name, at = line.split()
    release[name] = float(at)
rows = [json.loads(l) for l in open(log) if l.strip()]
gaps, early, over, requests = [], 0, 0, 0
for r in rows:
    if r.get("key") not in ours:
        continue
    t = datetime.strptime(r["time"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc).timestamp()
    if r["command"] in ("check", "create"):
        if r["domain"].startswith("dropcat-price-probe"):
            requests += 1
            continue
        requests += 1
    if r["outcome"] == "rate-limited":
        over += 1
    if r["command"] == "create" and r["domain"] in release:
        if t < release[r["domain"]] - 0.05:
            early += 1
        if r["outcome"] == "registered":
            gaps.append((t - release[r["domain"]]) * 1000)
caught = len(gaps)
if gaps:
    gaps.sort()
    median = statistics.median(gaps)
    p99 = gaps[min(len(gaps) - 1, int(round(0.99 * (len(gaps) - 1))))]
    figures = f"median {median:8.1f} ms  p99 {p99:8.1f} ms"
else:
    figures = "median        - ms  p99        - ms"
per = f"{requests / caught:7.1f}" if caught else "      -"
late = sum(1 for g in gaps if g > 20)
print(f"{label:<34} caught {caught:3d}/{len(release)}  {figures}  requests/caught {per}  "
      f"early creates {early}  over-limit {over}  caught after 20 ms {late}")
