"""analyzer.idle: --idle-timeout (issue 18), on a generated capture
(gen_idle_connections) of connections that go silent without closing.

The expectations are worked out here from the generator's ledger (every
packet's connection and time, every request's time and its reply's, or
none) and the rule ninep.1 states: a connection silent for longer than the
timeout is ended, as idle, when the capture's clock (the next packet of any
connection) passes its last packet by the timeout; its unanswered requests
count as unanswered; when it speaks again it is a new connection, caught
mid-stream.  Nothing is taken from the analyzer's own output."""
import json
import os
import subprocess
import sys
import tempfile

from common import run
from ninep_testlib import Checker

SECOND_NS = 1_000_000_000


def expected(ledger, timeout_s):
    """What `ninep report --json --idle-timeout timeout_s` must say: the
    connections ("parts" of the generated ones) with their close reasons,
    round trips and unanswered requests."""
    timeout_ns = timeout_s * SECOND_NS
    part = {}      # generated connection -> its current part number
    last = {}      # generated connection -> time of its last packet in that part
    ended = {}     # (connection, part) -> close reason
    spans = {}     # (connection, part) -> [first_ns, last_ns]
    for name, t in ledger["packets"]:
        # The clock reached t: every connection silent for longer ends first.
        for other in sorted(last):
            if timeout_ns > 0 and (other, part[other]) not in ended and t - last[other] > timeout_ns:
                ended[(other, part[other])] = "idle"
                part[other] += 1
                del last[other]
        if name not in last:
            part.setdefault(name, 0)
            spans[(name, part[name])] = [t, t]
        last[name] = t
        spans[(name, part[name])][1] = t
    # The generator ends A and B with FIN both ways; C never closes.
    for name in last:
        ended.setdefault((name, part[name]), "fin" if name in ("A", "B") else "end-of-capture")

    def part_of(name, t):
        for (n, p), (first, end) in spans.items():
            if n == name and first <= t <= end:
                return (n, p)
        raise AssertionError("no part of %s holds %d" % (name, t))

    round_trips = {key: 0 for key in spans}
    unanswered = {key: 0 for key in spans}
    for name, request_ns, reply_ns in ledger["requests"]:
        key = part_of(name, request_ns)
        if reply_ns is not None and part_of(name, reply_ns) == key:
            round_trips[key] += 1
        else:
            unanswered[key] += 1
    return {
        "connections": len(spans),
        "closes": sorted(ended[key] for key in spans),
        "round_trips": sum(round_trips.values()),
        "unanswered": sum(unanswered.values()),
        "by_first_ns": {spans[key][0]: (ended[key], round_trips[key], unanswered[key]) for key in spans},
    }


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: test_idle.py PATH-TO-ninep PATH-TO-gen_idle_connections")
    binary, generator = sys.argv[1], sys.argv[2]
    check = Checker()
    with tempfile.TemporaryDirectory() as tmp:
        pcap = os.path.join(tmp, "idle.pcap")
        ledger = json.loads(subprocess.run([generator, pcap], check=True, capture_output=True).stdout)
        cases = [("default", [], 300), ("300", ["--idle-timeout", "300"], 300), ("never", ["--idle-timeout", "0"], 0),
                 ("longer than every silence", ["--idle-timeout", "2000"], 2000),
                 ("shorter than B's period", ["--idle-timeout", "30"], 30)]
        for label, options, timeout_s in cases:
            want = expected(ledger, timeout_s)
            code, out, err = run(binary, "report", "--json", "-q", *options, pcap)
            check.equal("%s: exit status" % label, code, 0)
            if code != 0:
                print(err)
                continue
            doc = json.loads(out)
            totals = doc["totals"]
            check.equal("%s: connections" % label, totals["connections"], want["connections"])
            check.equal("%s: round trips" % label, totals["round_trips"], want["round_trips"])
            check.equal("%s: unanswered" % label, totals["unanswered"], want["unanswered"])
            got = {s["first_ns"]: (s["close"], s["round_trips"], s["unanswered"]) for s in doc["sessions"]}
            check.equal("%s: close reasons" % label, sorted(c for c, _, _ in got.values()), want["closes"])
            check.equal("%s: each connection" % label, got, want["by_first_ns"])
        # A bad value is a usage error that says why.
        for bad in ("-1", "x", "1e99"):
            code, _, err = run(binary, "report", "--idle-timeout", bad, pcap)
            check.equal("--idle-timeout %s: usage error" % bad, code, 1)
            check.true("--idle-timeout %s: says why" % bad, "idle timeout" in err, err)
    check.finish()


if __name__ == "__main__":
    main()
