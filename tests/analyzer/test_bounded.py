"""analyzer.bounded: memory stays bounded whatever the number of connections
and fids (issue 18, part 4).

On captures of gen_short_connections (tests/bench/gen_short_connections.c),
whose contents are known from how it builds them (connection i: Tversion,
Tattach, Twalk, Tlopen, Tread, Tclunk and their replies, the Tread answered
by Rlerror when i % 100 == 99), it checks that
  - the totals are exact: N connections x 6 round trips, 12 messages, each
    type N times, N / 100 errors;
  - the connections listed plus "others" add up to the totals, and the
    listed ones are --connections N (default 50) of them, those with errors
    first;
  - the text report is at most 400 lines, and says how many were folded;
  - peak RSS (GNU time) of `ninep report` and `ninep exchanges` on 20,000 connections
    is under RSS_LIMIT_MB (not in a sanitizer build, where the shadow memory
    is counted too), and grows by less than GROWTH_LIMIT_MB from 20,000 to
    60,000 connections (in every build);
  - a client that walks to F fids and never clunks makes the engine forget
    exactly F + 1 - 8192 of them (the attach fid and F walks; 8192 is
    NINEP_FIDS_MAX, ninep.1), and none when F + 1 <= 8192.

usage: test_bounded.py NINEP GEN_SHORT_CONNECTIONS [--sanitized]
"""
import json
import os
import subprocess
import sys
import tempfile

from ninep_testlib import Checker

CONNECTIONS = 20000
LARGER = 60000
ERROR_EVERY = 100
ROUND_TRIPS_EACH = 6
KEPT_DEFAULT = 50
FIDS_MAX = 8192          # NINEP_FIDS_MAX, documented in ninep.1 and README.md
TEXT_LINES_MAX = 400
# 20,000 short connections measured 26 MB (report) on the build machine;
# before bounded memory they took 52 MB.
RSS_LIMIT_MB = 40
# From 20,000 to 60,000 connections: a connection kept whole cost about
# 2 KB, so unbounded bookkeeping would grow by about 80 MB.  The growth
# is not zero: the reassembler keeps an ended TCP connection for 60 s of
# capture time to absorb late packets (capture/tcp.c), about 300 bytes
# each, and the generator starts one every 2 ms: 20,000 then 30,000 linger.
GROWTH_LIMIT_MB = 8
TIME = "/usr/bin/time"
REQUEST_TYPES = ("Tversion", "Tattach", "Twalk", "Tlopen", "Tread", "Tclunk")


def generate(gen, path, *args):
    out = subprocess.run([gen, *args, path], capture_output=True, text=True, check=True).stdout
    return out


def run_measured(argv):
    """Exit status, peak RSS in KB, output.  The peak comes from GNU time
    (/usr/bin/time, Debian's `time`): a child forked from this Python
    process would count Python's own pages until it execs."""
    env = dict(os.environ)
    # A sanitizer build must not count freed memory held in quarantine.
    env["ASAN_OPTIONS"] = "quarantine_size_mb=1:" + env.get("ASAN_OPTIONS", "")
    with tempfile.TemporaryDirectory() as tmp:
        rss_file = os.path.join(tmp, "rss")
        with open(os.path.join(tmp, "out"), "w+b") as out:
            p = subprocess.run([TIME, "-f", "%M", "-o", rss_file, *argv], stdout=out, stderr=subprocess.PIPE,
                               env=env)
            out.seek(0)
            text = out.read().decode(errors="replace")
        with open(rss_file) as f:
            rss = int(f.read().split()[-1])
    if p.returncode != 0:
        print(p.stderr.decode(errors="replace"))
    return p.returncode, rss, text


def check_totals(check, doc, n, kept):
    t = doc["totals"]
    errors = n // ERROR_EVERY
    check.equal("connections", t["connections"], n)
    check.equal("requests", t["requests"], n * ROUND_TRIPS_EACH)
    check.equal("replies", t["replies"], n * ROUND_TRIPS_EACH)
    check.equal("round trips", t["round_trips"], n * ROUND_TRIPS_EACH)
    check.equal("errors", t["errors"], errors)
    for name in REQUEST_TYPES:
        check.equal("%s count" % name, t["messages"].get(name), n)
    check.equal("Rread count", t["messages"].get("Rread"), n - errors)
    check.equal("Rlerror count", t["messages"].get("Rlerror"), errors)
    check.equal("unanswered, orphans", (t["unanswered"], t["orphans"]), (0, 0))
    check.true("the report has an others object", isinstance(doc.get("others"), dict))
    sessions = doc["sessions"]
    others = doc.get("others") or {"connections": 0, "latency_ns": {}, "latency_all_ns": {"max": 0}}
    check.equal("connections listed (--connections %d)" % kept, len(sessions), min(kept, n))
    check.equal("others.connections", others["connections"], n - min(kept, n))
    for key in ("requests", "replies", "round_trips", "errors", "bytes_client_to_server",
                "bytes_server_to_client", "file_accesses"):
        check.equal("listed + others = totals: %s" % key,
                    sum(s[key] for s in sessions) + others.get(key, 0), t[key])
    for name in REQUEST_TYPES:
        check.equal("listed + others = totals: latency count of %s" % name,
                    sum(s["latency_ns"][name]["count"] for s in sessions)
                    + others["latency_ns"].get(name, {"count": 0})["count"],
                    t["latency_ns"][name]["count"])
    check.equal("listed + others = totals: max latency",
                max([s["latency_all_ns"]["max"] for s in sessions] + [others["latency_all_ns"]["max"]]),
                t["latency_all_ns"]["max"])
    # Connections with errors matter most: while there are enough, every
    # listed one has one, and they are the ones the generator made fail.
    if min(kept, n) <= errors:
        check.true("every listed connection has the error",
                   all(s["errors"] == 1 for s in sessions), str([s["errors"] for s in sessions][:10]))


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    ninep, gen = sys.argv[1], sys.argv[2]
    sanitized = "--sanitized" in sys.argv[3:]
    if not os.access(TIME, os.X_OK):
        print("FAIL: %s (GNU time, apt-get install time) is needed to measure peak RSS" % TIME)
        return 1
    check = Checker()
    with tempfile.TemporaryDirectory() as tmp:
        big = os.path.join(tmp, "short.pcap")
        larger = os.path.join(tmp, "short_larger.pcap")
        info = generate(gen, big, "--connections", str(CONNECTIONS), "--error-every", str(ERROR_EVERY))
        check.true("generator says what it wrote", "%d connections, %d messages" % (
            CONNECTIONS, CONNECTIONS * 2 * ROUND_TRIPS_EACH) in info, info)
        generate(gen, larger, "--connections", str(LARGER), "--error-every", str(ERROR_EVERY))

        # Exact totals, with the default and with a settable number kept.
        for kept in (None, 10, 0):
            args = [ninep, "report", "--json", "-q", big] + ([] if kept is None else ["--connections", str(kept)])
            code, _, out = run_measured(args)
            check.equal("report --json exit status (--connections %s)" % kept, code, 0)
            try:
                doc = json.loads(out)
            except ValueError as e:
                check.true("report --json parses", False, str(e))
                continue
            check_totals(check, doc, CONNECTIONS, KEPT_DEFAULT if kept is None else kept)

        # The text report stays short, and says what it folded.
        code, rss_report, text = run_measured([ninep, "report", "-q", big])
        check.equal("report exit status", code, 0)
        lines = text.splitlines()
        check.true("text report at most %d lines" % TEXT_LINES_MAX, len(lines) <= TEXT_LINES_MAX, str(len(lines)))
        check.true("text report says how many were folded",
                   any("%d folded into others" % (CONNECTIONS - KEPT_DEFAULT) in l for l in lines))
        others = [l for l in lines if "%d others" % (CONNECTIONS - KEPT_DEFAULT) in l]
        check.equal("one others row", len(others), 1)
        code, _, text = run_measured([ninep, "report", "-q", "--connections", "500", big])
        lines = text.splitlines()
        check.true("--connections 500: text table capped with '... and 400 more'",
                   any("... and 400 more" in l for l in lines), "")
        check.true("--connections 500: text report at most %d lines" % TEXT_LINES_MAX,
                   len(lines) <= TEXT_LINES_MAX, str(len(lines)))

        # Peak memory: bounded, and not growing with the connections.
        code, rss_exchanges, csv = run_measured([ninep, "exchanges", "-q", big])
        check.equal("exchanges exit status", code, 0)
        check.equal("exchanges: one row per round trip", len(csv.splitlines()) - 1,
                    CONNECTIONS * ROUND_TRIPS_EACH)
        _, rss_larger_report, _ = run_measured([ninep, "report", "-q", larger])
        _, rss_larger_exchanges, _ = run_measured([ninep, "exchanges", "-q", larger])
        print("peak RSS: report %.1f MB (%d connections), %.1f MB (%d); exchanges %.1f MB, %.1f MB%s" % (
            rss_report / 1024, CONNECTIONS, rss_larger_report / 1024, LARGER, rss_exchanges / 1024,
            rss_larger_exchanges / 1024, " (sanitizer build)" if sanitized else ""))
        if not sanitized:
            check.true("report peak RSS under %d MB" % RSS_LIMIT_MB, rss_report < RSS_LIMIT_MB * 1024,
                       "%d KB" % rss_report)
            check.true("exchanges peak RSS under %d MB" % RSS_LIMIT_MB, rss_exchanges < RSS_LIMIT_MB * 1024,
                       "%d KB" % rss_exchanges)
        check.true("report RSS growth %d -> %d connections under %d MB" % (CONNECTIONS, LARGER, GROWTH_LIMIT_MB),
                   rss_larger_report - rss_report < GROWTH_LIMIT_MB * 1024,
                   "%d KB -> %d KB" % (rss_report, rss_larger_report))
        check.true("exchanges RSS growth %d -> %d connections under %d MB" % (CONNECTIONS, LARGER, GROWTH_LIMIT_MB),
                   rss_larger_exchanges - rss_exchanges < GROWTH_LIMIT_MB * 1024,
                   "%d KB -> %d KB" % (rss_exchanges, rss_larger_exchanges))

        # A client that never clunks: the fid table is bounded, and says
        # how many fids it forgot.
        for walks in (10000, FIDS_MAX - 1):
            leak = os.path.join(tmp, "leak%d.pcap" % walks)
            generate(gen, leak, "--connections", "0", "--leak-fids", str(walks))
            code, _, out = run_measured([ninep, "report", "--json", "-q", leak])
            check.equal("leak %d: exit status" % walks, code, 0)
            doc = json.loads(out)
            fids = walks + 1  # the attach fid and one per walk
            expected = max(0, fids - FIDS_MAX)
            check.equal("leak %d: fids_forgotten" % walks, doc["totals"].get("fids_forgotten"), expected)
            check.equal("leak %d: every walk matched" % walks, doc["totals"]["messages"].get("Rwalk"), walks)
            check.equal("leak %d: file accesses, one per walk" % walks, doc["totals"]["file_accesses"], walks)
            code, _, text = run_measured([ninep, "report", "-q", leak])
            shown = [l.split() for l in text.splitlines() if l.strip().startswith("fids forgotten")]
            if expected:
                check.equal("leak %d: text says fids forgotten" % walks, shown, [["fids", "forgotten", str(expected)]])
            else:
                check.equal("leak %d: nothing forgotten, nothing said" % walks, shown, [])
    check.finish()


if __name__ == "__main__":
    sys.exit(main())
