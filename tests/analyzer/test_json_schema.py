"""analyzer.json_schema: `ninep report --json` is one JSON document with the
keys and types documented in README.md ("The JSON report"), for every capture;
and `report --json --every` is NDJSON whose interval lines have the same
head, capture and totals, with "interval", and whose last line is the report.
The latency objects of totals carry their histogram ("sum", "histogram":
[index, count, ...], README "Histograms"): indexes ascending, counts adding up
to count, every bucket between min's and max's.  Each input's link_type is
the one its own header gives (read here with struct), in the report and in
every interval line, and its link_type_name the text report's link type."""
import struct
import sys

from ninep_testlib import Checker, all_captures
from common import message_names, ninep_binary, run
import json

LATENCY_KEYS = ("count", "min", "p50", "p90", "p99", "max", "mean")
FIGURE_INTS = ("requests", "replies", "round_trips", "errors", "unanswered", "flushed", "orphans",
               "bytes_client_to_server", "bytes_server_to_client", "not_9p_bytes", "nonconforming", "gaps", "gap_bytes", "uncaptured_bytes",
               "resync_bytes", "truncated_bytes", "exchanges_lost", "messages_lost", "file_accesses", "file_access_round_trips")


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool) and v >= 0


def bucket_of(v):
    """The bucket scheme as the README states it (values below 256 their own
    bucket, then 256 buckets per power of two), written here from the README."""
    if v < 256:
        return v
    e = v.bit_length() - 1
    return (e - 7) * 256 + ((v >> (e - 8)) & 255)


def check_histogram(check, where, obj):
    h = obj.get("histogram")
    check.true("%s.histogram is a flat list of pairs" % where, isinstance(h, list) and len(h) % 2 == 0, repr(h))
    check.true("%s.sum is a non-negative integer" % where, is_int(obj.get("sum")), repr(obj.get("sum")))
    if not isinstance(h, list) or len(h) % 2 or not obj.get("count"):
        return
    index, counts = h[0::2], h[1::2]
    check.true("%s.histogram: indexes ascending" % where, index == sorted(set(index)), repr(index))
    check.equal("%s.histogram: counts add up to count" % where, sum(counts), obj["count"])
    check.true("%s.histogram: buckets from min's to max's" % where,
               index[0] >= bucket_of(obj["min"]) and index[-1] <= bucket_of(obj["max"]), repr((index, obj)))
    check.equal("%s: mean = sum / count" % where, obj["mean"], (obj["sum"] + obj["count"] // 2) // obj["count"])


def check_latency(check, where, obj, with_histogram=False):
    check.true("%s is an object" % where, isinstance(obj, dict))
    if not isinstance(obj, dict):
        return
    for k in LATENCY_KEYS:
        check.true("%s.%s is a non-negative integer" % (where, k), is_int(obj.get(k)), repr(obj.get(k)))
    if obj.get("count"):
        check.true("%s: min <= p50 <= p90 <= p99 <= max" % where,
                   obj["min"] <= obj["p50"] <= obj["p90"] <= obj["p99"] <= obj["max"], repr(obj))
        check.true("%s: min <= mean <= max" % where, obj["min"] <= obj["mean"] <= obj["max"], repr(obj))
    if with_histogram:
        check_histogram(check, where, obj)


def check_figures(check, where, f, names, with_histograms=False):
    for k in FIGURE_INTS:
        check.true("%s.%s is a non-negative integer" % (where, k), is_int(f.get(k)), repr(f.get(k)))
    for table in ("messages", "errors_by_request"):
        check.true("%s.%s is an object" % (where, table), isinstance(f.get(table), dict))
        for name, n in f.get(table, {}).items():
            check.true("%s.%s.%s: a message name with a count" % (where, table, name),
                       name in names and is_int(n), repr((name, n)))
    check.true("%s.latency_ns is an object" % where, isinstance(f.get("latency_ns"), dict))
    for name, obj in f.get("latency_ns", {}).items():
        check.true("%s.latency_ns.%s is a request" % (where, name), name in names and name.startswith("T"))
        check_latency(check, "%s.latency_ns.%s" % (where, name), obj, with_histograms)
    check_latency(check, "%s.latency_all_ns" % where, f.get("latency_all_ns"), with_histograms)
    requests = sum(n for name, n in f.get("messages", {}).items() if name.startswith("T"))
    check.equal("%s: requests = sum of T counts" % where, f.get("requests"), requests)
    check.equal("%s: round_trips = sum of latency counts" % where, f.get("round_trips"),
                sum(o.get("count", 0) for o in f.get("latency_ns", {}).values()))


def header_link_type(path):
    """The link type a capture's own header gives, read here with struct (not
    through ninep): a pcap's file header; a pcapng's Interface Description
    Blocks, None when they differ."""
    with open(path, "rb") as f:
        data = f.read()
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        order = "<" if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
        # The low 26 bits (the upper ones may say how long an FCS is).
        return struct.unpack(order + "I", data[20:24])[0] & 0x03FFFFFF
    types = set()
    order, off = "<", 0
    while off + 12 <= len(data):
        if data[off:off + 4] == b"\x0a\x0d\x0d\x0a":  # a section: its byte order
            order = "<" if data[off + 8:off + 12] == b"\x4d\x3c\x2b\x1a" else ">"
        kind, length = struct.unpack(order + "II", data[off:off + 8])
        if kind == 1:  # Interface Description Block: LinkType is its first field
            types.add(struct.unpack(order + "H", data[off + 8:off + 10])[0])
        if length < 12:
            break
        off += length
    return types.pop() if len(types) == 1 else None


def check_link_type(check, where, doc, pcap):
    """The input's link_type is its header's; its name is a string (or, for a
    pcapng of several link types, null and "several")."""
    inputs = doc.get("inputs") or [{}]
    expected = header_link_type(pcap)
    check.equal("%s: inputs[0].link_type is the header's" % where, inputs[0].get("link_type", "missing"), expected)
    name = inputs[0].get("link_type_name")
    check.true("%s: inputs[0].link_type_name" % where,
               isinstance(name, str) and name and (expected is not None or name == "several"), repr(name))


def capture_readable(text):
    return "(ninep reads no IP in it)" not in text


def check_head(check, where, doc):
    """What every document has: tool, version, partial, interrupted, inputs, capture."""
    check.equal("%s: tool" % where, doc.get("tool"), "ninep")
    check.true("%s: version is a string" % where, isinstance(doc.get("version"), str))
    check.true("%s: partial is a boolean" % where, isinstance(doc.get("partial"), bool))
    check.true("%s: interrupted is a boolean" % where, isinstance(doc.get("interrupted"), bool))
    check.true("%s: inputs is a list" % where, isinstance(doc.get("inputs"), list) and doc["inputs"])
    capture = doc.get("capture", {})
    check.true("%s: capture.packets" % where, is_int(capture.get("packets")))
    for k in ("dropped_by_kernel", "dropped_by_interface"):
        check.true("%s: capture.%s is null for a file" % (where, k), k in capture and capture[k] is None,
                   repr(capture.get(k)))


def check_every(check, binary, pcap, names):
    code, out, err = run(binary, "report", "--json", "--every", "0.005", "-q", pcap)
    where = pcap.rsplit("/", 1)[-1] + " --every"
    try:
        lines = [json.loads(line) for line in out.splitlines()]
    except ValueError as e:
        check.true("%s: every line parses as JSON" % where, False, str(e))
        return
    check.true("%s: an interval line and the whole run" % where, len(lines) >= 2, str(len(lines)))
    check.true("%s: the last line has no interval" % where, "interval" not in lines[-1])
    for line in lines[:-1]:
        iv = line.get("interval", {})
        w = "%s [%s]" % (where, iv.get("start_ns"))
        check.true("%s: interval start_ns < end_ns" % w,
                   is_int(iv.get("start_ns")) and is_int(iv.get("end_ns")) and iv["start_ns"] < iv["end_ns"], repr(iv))
        check_head(check, w, line)
        check_link_type(check, w, line, pcap)
        t = line.get("totals", {})
        check.true("%s: totals.connections" % w, is_int(t.get("connections")))
        check_figures(check, w + ": totals", t, names, True)
        check.equal("%s: no per-connection detail" % w,
                    [k for k in ("chattiness", "sessions", "e_sessions") if k in line], [])


def main():
    binary = ninep_binary()
    names = set(message_names().values())
    check = Checker()
    for pcap, _ in all_captures():
        check_every(check, binary, pcap, names)
        code, out, err = run(binary, "report", "--json", "-q", pcap)
        try:
            doc = json.loads(out)
        except ValueError as e:
            check.true("%s: output parses as JSON" % pcap, False, str(e))
            continue
        where = pcap.rsplit("/", 1)[-1]
        check_head(check, where, doc)
        check_link_type(check, where, doc, pcap)
        # The text report's Capture section names it the same.
        code, text, err = run(binary, "report", "-q", pcap)
        shown = [l.split(None, 2)[2] for l in text.splitlines() if l.startswith("  link type ")]
        name = (doc.get("inputs") or [{}])[0].get("link_type_name")
        check.equal("%s: the text report's link type" % where, shown[:1],
                    [] if name is None else [name if capture_readable(text) else name + " (ninep reads no IP in it)"])
        for i in doc.get("inputs", []):
            check.true("%s: input fields" % where, isinstance(i.get("name"), str) and isinstance(i.get("ok"), bool)
                       and (i.get("error") is None or isinstance(i.get("error"), str)), repr(i))
        t = doc.get("totals", {})
        check.true("%s: totals.dialect is a string" % where, isinstance(t.get("dialect"), str))
        check.true("%s: totals.connections" % where, is_int(t.get("connections")))
        check.true("%s: totals.e_sessions" % where, is_int(t.get("e_sessions")))
        check_figures(check, where + ": totals", t, names, True)
        sessions = doc.get("sessions")
        check.true("%s: sessions is a list" % where, isinstance(sessions, list))
        others = doc.get("others", {})
        check.true("%s: others.connections" % where, is_int(others.get("connections")))
        check_figures(check, where + ": others", others, names)
        check.equal("%s: one session per connection, or folded into others" % where,
                    len(sessions or []) + others.get("connections", 0), t.get("connections"))
        for s in sessions or []:
            w = "%s: session %s" % (where, s.get("id"))
            check.true(w + " id", is_int(s.get("id")))
            for k in ("client", "server", "dialect", "close", "input"):
                check.true("%s %s is a string" % (w, k), isinstance(s.get(k), str), repr(s.get(k)))
            check.true(w + " msize", is_int(s.get("msize")))
            check.true(w + " syn_seen", isinstance(s.get("syn_seen"), bool))
            check.true(w + " handshake_rtt_ns", s.get("handshake_rtt_ns") is None or is_int(s["handshake_rtt_ns"]))
            check.true(w + " first_ns/last_ns", isinstance(s.get("first_ns"), int) and isinstance(s.get("last_ns"), int))
            check.true(w + " e_session", s.get("e_session") is None or is_int(s["e_session"]))
            check_figures(check, w, s, names)
        check.equal("%s: round trips add up over sessions" % where,
                    sum(s.get("round_trips", 0) for s in sessions or []) + others.get("round_trips", 0),
                    t.get("round_trips"))
        es = doc.get("e_sessions")
        check.true("%s: e_sessions is a list" % where, isinstance(es, list))
        check.equal("%s: e_sessions count" % where, len(es or []), t.get("e_sessions"))
        for e in es or []:
            w = "%s: e_session %s" % (where, e.get("id"))
            fp = e.get("key_fingerprint")
            check.true(w + " key_fingerprint is null or 8 hex digits",
                       fp is None or (isinstance(fp, str) and len(fp) == 8 and all(c in "0123456789abcdef" for c in fp)),
                       repr(fp))
            check.true(w + " connections", isinstance(e.get("connections"), list) and e["connections"])
            check_figures(check, w, e, names)
    check.finish()


if __name__ == "__main__":
    sys.exit(main())
