"""analyzer.every: `ninep report --json --every SECONDS` on the real
captures.  Its output is NDJSON: a line per interval of capture time, then
one for the whole run.  The intervals add up to the whole, and to the
captures' ground truth (captures/real/*.expected): the count of every
message type, requests, replies, round trips, connections, packets.  And
each message is in the interval of the packet that completed it, found
independently of the analyzer: tshark's frame times and this test's own
framing of the TCP payload (test_latency_vs_tshark.frame_messages)."""
import json
import os
import sys
from collections import Counter

from common import message_names, ninep_binary, run
from ninep_testlib import CAPTURES_DIR, Checker, read_expected
from test_latency_vs_tshark import frame_messages, tshark_segments

EVERY_NS = 2_000_000  # 2 ms: the real captures last 11 ms to 0.6 s
# Placed by tshark's frame times too (a tshark run each: a dialect each is enough).
PLACED = ("diod_9p2000L_tools.pcap", "ling_9p2000e_session.pcap", "p9p_9p2000_9pserve_ramfs.pcap")
ADDED_UP = ("requests", "replies", "round_trips", "errors", "unanswered", "orphans", "connections")


def messages_by_interval(pcap, names):
    """{interval start: Counter(message name)} by the time of the frame that completed each message."""
    by_direction = {}
    for s in tshark_segments(pcap):
        by_direction.setdefault((s["stream"], s["src"], s["dst"]), []).append(s)
    found = {}
    for segments in by_direction.values():
        for kind, _tag, end_ns in frame_messages(segments):
            start = end_ns - end_ns % EVERY_NS
            found.setdefault(start, Counter())[names.get(kind, str(kind))] += 1
    return found


def main():
    binary = ninep_binary()
    names = message_names()
    check = Checker()
    real = os.path.join(CAPTURES_DIR, "real")
    for name in sorted(os.listdir(real)):
        if not name.endswith(".pcap"):
            continue
        pcap = os.path.join(real, name)
        truth = read_expected(pcap[:-len(".pcap")] + ".expected")
        code, out, err = run(binary, "report", "--json", "--every", "%g" % (EVERY_NS / 1e9), "-q", pcap)
        check.equal("%s: exit status" % name, code, 0)
        try:
            lines = [json.loads(line) for line in out.splitlines()]
        except ValueError as e:
            check.true("%s: every line is a JSON document" % name, False, str(e))
            continue
        check.true("%s: every line ends in a newline" % name, out.endswith("\n") and "\n\n" not in out)
        whole, intervals = lines[-1], lines[:-1]
        check.true("%s: the last line is the whole run (no interval)" % name, "interval" not in whole)
        check.true("%s: several intervals" % name, len(intervals) >= 2, str(len(intervals)))
        previous_end = 0
        for i, line in enumerate(intervals):
            iv = line.get("interval", {})
            start, end = iv.get("start_ns", -1), iv.get("end_ns", -1)
            check.true("%s: interval %d is %d ns, aligned" % (name, i, EVERY_NS),
                       end - start == EVERY_NS and start % EVERY_NS == 0, repr(iv))
            check.true("%s: interval %d after the one before" % (name, i), start >= previous_end, repr(iv))
            previous_end = end

        total = Counter()
        for line in intervals:
            total.update(line["totals"]["messages"])
        for key, value in truth.items():
            if key.startswith("count."):
                check.equal("%s: %s summed over the intervals (ground truth)" % (name, key),
                            total.get(key[len("count."):], 0), value)
        check.equal("%s: messages summed over the intervals = the whole's" % name,
                    dict(total), whole["totals"]["messages"])
        for key in ADDED_UP:
            summed = sum(line["totals"][key] for line in intervals)
            check.equal("%s: %s summed over the intervals = the whole's" % (name, key), summed, whole["totals"][key])
            if key in truth:
                check.equal("%s: %s summed over the intervals (ground truth)" % (name, key), summed, truth[key])
        check.equal("%s: packets summed over the intervals = the whole's" % name,
                    sum(line["capture"]["packets"] for line in intervals), whole["capture"]["packets"])
        for line in intervals:
            t = line["totals"]
            check.equal("%s: round trips = latency counts in interval %d" % (name, line["interval"]["start_ns"]),
                        t["round_trips"], sum(o["count"] for o in t["latency_ns"].values()))

        # Each message in the interval of the packet that completed it.
        if name not in PLACED:
            continue
        want = messages_by_interval(pcap, names)
        got = {line["interval"]["start_ns"]: Counter(line["totals"]["messages"]) for line in intervals}
        got = {k: v for k, v in got.items() if v}
        check.equal("%s: messages per interval as tshark's frame times place them" % name, got, want)

    # Misuse is a usage error (exit status 1) that says why.
    pcap = os.path.join(real, "diod_9p2000L_ls_cat.pcap")
    for args in (["report", "--every", "1"], ["exchanges", "--every", "1"], ["report", "--json", "--every", "0"],
                 ["report", "--json", "--every", "soon"], ["report", "--json", "--every", "nan"]):
        code, out, err = run(binary, *args, pcap)
        check.equal("%s: usage error" % " ".join(args), code, 1)
        check.true("%s: says why" % " ".join(args), "--every" in err or "interval" in err, err)
    check.finish()


if __name__ == "__main__":
    sys.exit(main())
