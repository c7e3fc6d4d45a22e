"""analyzer.latency_vs_tshark: every exchange's latency in `ninep exchanges`
equals, to the nanosecond, frame.time_epoch of the reply's frame minus that
of the request's frame as tshark reports them.

How the frames are found, independently of the analyzer: tshark (built-in
dissectors only; its 9P dissector is not used because it stops at 9P2000.e
messages) lists every TCP segment with its time, stream, endpoints, relative
sequence number and payload.  This script reassembles each direction in
sequence order, frames 9P by size[4] itself, notes for each message the
frame holding its last byte (the time of the packet that completed it), and
matches requests to replies by tag per stream.  Each exchange is keyed by
client, server, tag, request name and request time; the analyzer's row with
the same key must have the same latency, and the two sets of exchanges must
be the same.

Then the percentiles `ninep report --json` shows, from histograms, against
the nearest-rank percentiles of those same tshark-derived latencies: each
connection's (by request and for every request) within 1/64, the
precision of a connection's histograms, and the totals' within 1/512
(analyzer/stats/latency.h, README.md "Latency")."""
import csv
import io
import json
import os
import subprocess
import sys
from collections import Counter

from ninep_testlib import CAPTURES_DIR, Checker
from common import message_names, ninep_binary, run

HDR = 7
MAX_SIZE = 1 << 20


def epoch_ns(text):
    seconds, _, fraction = text.partition(".")
    return int(seconds) * 1_000_000_000 + int((fraction + "000000000")[:9])


def endpoint(ip4, ip6, port):
    return ("%s:%s" % (ip4, port)) if ip4 else ("[%s]:%s" % (ip6, port))


def tshark_segments(pcap):
    fields = ["frame.number", "frame.time_epoch", "tcp.stream", "ip.src", "ipv6.src", "tcp.srcport",
              "ip.dst", "ipv6.dst", "tcp.dstport", "tcp.seq", "tcp.len", "tcp.payload"]
    cmd = ["tshark", "-r", pcap, "-n", "-Y", "tcp", "-T", "fields", "-E", "separator=\t", "-E", "occurrence=f"]
    for f in fields:
        cmd += ["-e", f]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        v = line.split("\t")
        if len(v) < len(fields):
            continue
        yield {
            "frame": int(v[0]), "ns": epoch_ns(v[1]), "stream": int(v[2]),
            "src": endpoint(v[3], v[4], v[5]), "dst": endpoint(v[6], v[7], v[8]),
            "seq": int(v[9] or 0), "len": int(v[10] or 0),
            "payload": bytes.fromhex(v[11].replace(":", "")) if v[11] else b"",
        }


def frame_messages(segments):
    """[(type, tag, end time)] of one direction's segments, in order."""
    data = bytearray()
    ends = []  # (end offset, time) per segment, to find the completing frame
    next_seq = None
    for s in segments:
        if not s["payload"]:
            continue
        if next_seq is not None and s["seq"] < next_seq:  # a retransmission
            continue
        data += s["payload"]
        next_seq = s["seq"] + len(s["payload"])
        ends.append((len(data), s["ns"]))
    messages = []
    pos = 0
    k = 0
    while len(data) - pos >= HDR:
        size = int.from_bytes(data[pos:pos + 4], "little")
        if size < HDR or size > MAX_SIZE or len(data) - pos < size:
            break  # not 9P (or cut short): stop this direction
        end = pos + size
        while ends[k][0] < end:
            k += 1
        messages.append((data[pos + 4], int.from_bytes(data[pos + 5:pos + 7], "little"), ends[k][1]))
        pos = end
    return messages


def expected_exchanges(pcap, names):
    by_direction = {}
    for s in tshark_segments(pcap):
        by_direction.setdefault((s["stream"], s["src"], s["dst"]), []).append(s)
    exchanges = Counter()
    streams = {}
    for (stream, src, dst), segs in by_direction.items():
        streams.setdefault(stream, []).append((src, dst, frame_messages(segs)))
    for stream, directions in streams.items():
        client = [d for d in directions if d[2] and d[2][0][0] % 2 == 0]
        server = [d for d in directions if d[2] and d[2][0][0] % 2 == 1]
        if len(client) != 1 or len(server) != 1:
            continue
        src, dst, requests = client[0]
        replies = server[0][2]
        # Merge by time; a request precedes its reply.
        events = sorted([(t, 0, ty, tag) for ty, tag, t in requests] + [(t, 1, ty, tag) for ty, tag, t in replies])
        outstanding = {}
        for t, is_reply, ty, tag in events:
            if not is_reply:
                outstanding[tag] = (ty, t)
            elif tag in outstanding:
                rty, rt = outstanding.pop(tag)
                exchanges[(src, dst, tag, names.get(rty, str(rty)), rt, t - rt)] += 1
    return exchanges


def nearest_rank(values, percent):
    ordered = sorted(values)
    return ordered[-(-len(ordered) * percent // 100) - 1]


def check_percentiles(check, what, obj, values, denominator):
    """obj's count and p50/p90/p99 against the latencies `values`: within
    1/denominator of the exact nearest-rank ones."""
    check.equal("%s: count" % what, obj["count"], len(values))
    for p in (50, 90, 99):
        exact = nearest_rank(values, p)
        check.true("%s: p%d %d within 1/%d of the exact %d" % (what, p, obj["p%d" % p], denominator, exact),
                   abs(obj["p%d" % p] - exact) * denominator <= exact)


def check_report_percentiles(check, binary, name, pcap, want):
    code, out, err = run(binary, "report", "--json", "-q", pcap)
    check.equal("%s: report --json exit status (%s)" % (name, err.strip()), code, 0)
    report = json.loads(out)
    by_connection = {}
    every = []
    for (client, server, _tag, request, _time, latency), n in want.items():
        conn = by_connection.setdefault((client, server), {})
        conn.setdefault(request, []).extend([latency] * n)
        conn.setdefault(None, []).extend([latency] * n)
        every.extend([latency] * n)
    sessions = report["sessions"]
    check.equal("%s: every connection listed" % name, len(sessions), len(by_connection))
    beyond_exact = 0
    for s in sessions:
        conn = by_connection.get((s["client"], s["server"]))
        check.true("%s: connection %s -> %s seen by tshark" % (name, s["client"], s["server"]), conn is not None)
        if conn is None:
            continue
        what = "%s: connection %d" % (name, s["id"])
        check.equal("%s: request types" % what, sorted(s["latency_ns"]), sorted(k for k in conn if k is not None))
        for request, obj in s["latency_ns"].items():
            if request in conn:
                check_percentiles(check, "%s %s" % (what, request), obj, conn[request], 64)
                beyond_exact += len(conn[request]) > 64
        check_percentiles(check, "%s, every request" % what, s["latency_all_ns"], conn[None], 64)
    check_percentiles(check, "%s: totals, every request" % name, report["totals"]["latency_all_ns"], every, 512)
    return beyond_exact


def main():
    binary = ninep_binary()
    names = message_names()
    check = Checker()
    real = os.path.join(CAPTURES_DIR, "real")
    histograms = 0
    for name in sorted(os.listdir(real)):
        if not name.endswith(".pcap"):
            continue
        pcap = os.path.join(real, name)
        want = expected_exchanges(pcap, names)
        code, out, err = run(binary, "exchanges", "-q", pcap)
        check.equal("%s: exit status (%s)" % (name, err.strip()), code, 0)
        got = Counter()
        for row in csv.DictReader(io.StringIO(out, newline="")):
            got[(row["client"], row["server"], int(row["tag"]), row["request"], int(row["request_time_ns"]),
                 int(row["latency_ns"]))] += 1
        check.true("%s: tshark frames give exchanges" % name, sum(want.values()) > 0)
        check.equal("%s: number of exchanges" % name, sum(got.values()), sum(want.values()))
        missing = want - got
        extra = got - want
        check.equal("%s: exchanges whose latency differs from tshark's frame times" % name,
                    sorted(extra.elements())[:5], [])
        check.equal("%s: exchanges found from tshark's frames only" % name, sorted(missing.elements())[:5], [])
        print("%s: %d exchanges, latencies equal to tshark frame times: %d" %
              (name, sum(want.values()), sum((want & got).values())))
        histograms += check_report_percentiles(check, binary, name, pcap, want)
    # Some connection's request type must have left its exact samples, or
    # the 1/64 above was never put to the test.
    check.true("a connection's histogram beyond its exact samples (%d)" % histograms, histograms > 0)
    check.finish()


if __name__ == "__main__":
    sys.exit(main())
