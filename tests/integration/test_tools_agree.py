#!/usr/bin/env python3
"""integration.tools_agree: the analyzer and the Wireshark plugin must see
the same round trips.

    python3 test_tools_agree.py --ninep BUILD/analyzer/ninep \\
        --plugin BUILD/plugin/ninep.so --tshark-wrapper SRC/tests/tshark-with-plugin CAPTURE...

For every capture, exchange by exchange, it compares

  * the analyzer: `ninep exchanges -q CAPTURE`, one CSV row per round trip
    (client, server, tag, request, reply, path, request_time_ns, latency_ns);
  * the plugin: every reply that tshark (with the plugin) links to its
    request, i.e. that carries ninep.request_type and ninep.time.

tshark runs with Wireshark's default preferences, as `tshark -r` does: TCP
segments that arrive out of order are not put in order (the analyzer puts
them in order); --reassemble-out-of-order turns Wireshark's
tcp.reassemble_out_of_order on (it then stops at a segment lost or cut by
the snap length).  The plugin's fields are read from PDML (-T pdml), one <proto name="ninep">
per 9P message: with `-T fields -E occurrence=a` the fields of the several
messages a frame can hold come aggregated per frame, and a field that only
some of them have (ninep.path, ninep.request_type) cannot be put back with
its message.

Exchanges are matched by (client, server, tag, request type, reply time):
the reply time is request_time_ns + latency_ns for the analyzer and the
epoch time of the frame holding the reply for the plugin.  What does not
match exactly is then paired more loosely (same endpoints and reply time,
then the same endpoints, tag and reply time) so that a difference in
request type or tag shows as such.  For each pair it compares request type,
reply type, tag, path and latency (ns; ninep.time is seconds with 9
decimals).  It also checks that no path either tool reports has a "." or
".." element: walk(5) says "." is the directory itself and ".." its parent,
so a path is reported after they are resolved.

It prints a table of every disagreement and a summary by kind; the exit
status is 0 when the tools agree on every capture, 1 otherwise (also when a
tool could not be run).  Standard library only.
"""
import argparse
import collections
import csv
import io
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "lib"))
from ninep_escaping import text_unescape  # noqa: E402

KINDS = [
    ("only_analyzer", "an exchange only the analyzer reports"),
    ("only_plugin", "a reply only the plugin links to a request"),
    ("request", "the request type differs"),
    ("reply", "the reply type differs"),
    ("tag", "the tag differs"),
    ("path", "the path differs"),
    ("latency", "the latency differs"),
    ("dot_path_analyzer", "the analyzer reports a path with a . or .. element"),
    ("dot_path_plugin", "the plugin reports a path with a . or .. element"),
]


def seconds_to_ns(text):
    """'1796286523.332816000' or '0.000551000' -> integer ns, exactly."""
    text = text.strip()
    negative = text.startswith("-")
    whole, _, fraction = text.lstrip("-").partition(".")
    ns = int(whole or "0") * 1_000_000_000 + int((fraction + "000000000")[:9])
    return -ns if negative else ns


def has_dot_element(path):
    return any(part in (".", "..") for part in path.split("/"))


class Exchange:
    __slots__ = ("client", "server", "tag", "request", "reply", "path", "reply_ns", "latency_ns", "where")

    def __init__(self, client, server, tag, request, reply, path, reply_ns, latency_ns, where):
        self.client, self.server, self.tag = client, server, tag
        self.request, self.reply, self.path = request, reply, path
        self.reply_ns, self.latency_ns, self.where = reply_ns, latency_ns, where


def analyzer_exchanges(ninep, capture):
    proc = subprocess.run([ninep, "exchanges", "-q", capture], capture_output=True, timeout=600)
    if proc.returncode not in (0, 2):
        raise RuntimeError("ninep exchanges %s: exit %d: %s" % (capture, proc.returncode,
                                                              proc.stderr.decode(errors="replace").strip()))
    rows = []
    text = proc.stdout.decode("utf-8", "replace")
    for number, row in enumerate(csv.DictReader(io.StringIO(text, newline="")), 2):
        request_ns = int(row["request_time_ns"])
        latency = int(row["latency_ns"])
        rows.append(Exchange(row["client"], row["server"], int(row["tag"]), row["request"], row["reply"],
                             analyzer_path(row["path"]), request_ns + latency, latency, "csv line %d" % number))
    return rows


# A path's characters, as far as both tools can be read back.  The CSV
# writes a name by the analyzer's documented text rule (\xHH, \\); the
# plugin's value is UTF-8 with U+FFFD for bytes that are not, and tshark's
# PDML writes an ASCII control character c as "\x%x" (one or two hex digits)
# and keeps tab, CR and LF, which the XML parser then reads as spaces.
def analyzer_path(text):
    name = text_unescape(text).decode("utf-8", "replace")
    return re.sub(r"[\t\r\n]", " ", name)


def _pdml_control(m):
    two = int(m.group(1), 16)
    if len(m.group(1)) == 2 and (two < 0x20 or two == 0x7F):
        return chr(two)
    return chr(int(m.group(1)[0], 16)) + m.group(1)[1:]  # "\x7" then a letter: BEL, then it


def plugin_path(show):
    return re.sub(r"[\t\r\n]", " ", re.sub(r"\\x([0-9a-f]{1,2})", _pdml_control, show))


def endpoint(address, port):
    return ("[%s]:%s" % (address, port)) if ":" in address else ("%s:%s" % (address, port))


NAME_RE = re.compile(r":\s*(\S+)\s*\((\d+)\)\s*$")


def message_name(field):
    """'Message type: Tgetattr (24)' -> 'Tgetattr' (the number if no name)."""
    m = NAME_RE.search(field.get("showname", ""))
    return m.group(1) if m else field.get("show", "?")


def plugin_exchanges(wrapper, plugin, capture, two_pass=False, out_of_order=False):
    # The analyzer puts out-of-order TCP segments in order; Wireshark 4.0
    # does so only with this TCP preference (off by default).
    options = ["-T", "pdml", "-Y", "ninep"]
    if out_of_order:
        options = ["-o", "tcp.reassemble_out_of_order:TRUE"] + options
    if two_pass:
        options = ["-2"] + options
    proc = subprocess.run([wrapper, plugin, capture] + options, capture_output=True, timeout=600)
    if proc.returncode != 0:
        raise RuntimeError("tshark with the plugin on %s: exit %d: %s" % (
            capture, proc.returncode, proc.stderr.decode(errors="replace").strip()[-500:]))
    rows = []
    for _, packet in ET.iterparse(io.BytesIO(proc.stdout)):
        if packet.tag != "packet":
            continue
        first = {}
        messages = []
        for proto in packet.findall("proto"):
            if proto.get("name") == "ninep":
                fields = {}
                for field in proto.iter("field"):
                    fields.setdefault(field.get("name"), field)
                messages.append(fields)
            else:
                for field in proto.iter("field"):
                    first.setdefault(field.get("name"), field.get("show"))
        packet.clear()
        frame = first.get("frame.number")
        src = first.get("ip.src") or first.get("ipv6.src")
        dst = first.get("ip.dst") or first.get("ipv6.dst")
        reply_ns = seconds_to_ns(first.get("frame.time_epoch", "0"))
        for index, fields in enumerate(messages):
            if "ninep.request_type" not in fields or "ninep.time" not in fields:
                continue  # a request, or a reply linked to no request
            path = plugin_path(fields["ninep.path"].get("show", "")) if "ninep.path" in fields else ""
            rows.append(Exchange(endpoint(dst, first.get("tcp.dstport")), endpoint(src, first.get("tcp.srcport")),
                                 int(fields["ninep.tag"].get("show")), message_name(fields["ninep.request_type"]),
                                 message_name(fields["ninep.type"]), path, reply_ns,
                                 seconds_to_ns(fields["ninep.time"].get("show")),
                                 "frame %s message %d" % (frame, index + 1)))
    return rows


def pair(analyzer, plugin):
    """Match exchanges; returns (pairs, only_analyzer, only_plugin)."""
    keys = [
        lambda e: (e.client, e.server, e.tag, e.request, e.reply_ns),
        lambda e: (e.client, e.server, e.tag, e.reply_ns),
        lambda e: (e.client, e.server, e.reply_ns, e.reply),
        lambda e: (e.client, e.server, e.reply_ns),
    ]
    pairs = []
    left_a, left_p = list(analyzer), list(plugin)
    for key in keys:
        waiting = collections.defaultdict(list)
        for e in left_p:
            waiting[key(e)].append(e)
        still_a = []
        for e in left_a:
            candidates = waiting.get(key(e))
            if candidates:
                pairs.append((e, candidates.pop(0)))
            else:
                still_a.append(e)
        left_a = still_a
        left_p = [e for lst in waiting.values() for e in lst]
    left_p.sort(key=lambda e: e.reply_ns)
    return pairs, left_a, left_p


def compare(capture, analyzer, plugin):
    """[(kind, exchange description, analyzer value, plugin value)]"""
    found = []
    pairs, only_a, only_p = pair(analyzer, plugin)

    def describe(e):
        return "%s->%s tag %d %s->%s t=%d (%s)" % (e.client, e.server, e.tag, e.request, e.reply, e.reply_ns,
                                                    e.where)

    for a, p in sorted(pairs, key=lambda ap: ap[0].reply_ns):
        where = "%s->%s tag %d %s->%s t=%d (%s; %s)" % (a.client, a.server, a.tag, a.request, a.reply, a.reply_ns,
                                                       a.where, p.where)
        for kind, va, vp in [("request", a.request, p.request), ("reply", a.reply, p.reply), ("tag", a.tag, p.tag),
                             ("path", a.path, p.path), ("latency", a.latency_ns, p.latency_ns)]:
            if va != vp:
                found.append((kind, where, va, vp))
    for a in only_a:
        found.append(("only_analyzer", describe(a), "%s %s" % (a.path, a.latency_ns), "-"))
    for p in only_p:
        found.append(("only_plugin", describe(p), "-", "%s %s" % (p.path, p.latency_ns)))
    for tool, rows in (("analyzer", analyzer), ("plugin", plugin)):
        for e in rows:
            if has_dot_element(e.path):
                found.append(("dot_path_" + tool, describe(e), e.path if tool == "analyzer" else "",
                              e.path if tool == "plugin" else ""))
    return found, len(pairs)


def clip(value, width):
    text = str(value)
    return text if len(text) <= width else text[:width - 3] + "..."


def main():
    ap = argparse.ArgumentParser(description="The analyzer and the plugin agree exchange by exchange.")
    ap.add_argument("--ninep", required=True, help="the analyzer (BUILD/analyzer/ninep)")
    ap.add_argument("--plugin", required=True, help="the plugin (BUILD/plugin/ninep.so)")
    ap.add_argument("--tshark-wrapper", required=True, help="SRC/tests/tshark-with-plugin")
    ap.add_argument("--two-pass", action="store_true", help="read with tshark -2")
    ap.add_argument("--reassemble-out-of-order", action="store_true",
                    help="turn Wireshark's tcp.reassemble_out_of_order preference on")
    ap.add_argument("--max-rows", type=int, default=0, help="print at most this many disagreements per capture and kind")
    ap.add_argument("captures", nargs="+")
    args = ap.parse_args()
    plugin = os.path.abspath(args.plugin)

    totals = collections.Counter()
    per_capture = collections.OrderedDict()
    broken = False
    for capture in args.captures:
        name = os.path.join(os.path.basename(os.path.dirname(capture)), os.path.basename(capture))
        try:
            analyzer = analyzer_exchanges(args.ninep, capture)
            plugin_rows = plugin_exchanges(args.tshark_wrapper, plugin, capture, args.two_pass,
                                           args.reassemble_out_of_order)
        except (RuntimeError, subprocess.TimeoutExpired, ET.ParseError) as error:
            print("ERROR %s: %s" % (name, error))
            broken = True
            continue
        found, matched = compare(capture, analyzer, plugin_rows)
        kinds = collections.Counter(k for k, _, _, _ in found)
        per_capture[name] = (len(analyzer), len(plugin_rows), matched, kinds)
        totals.update(kinds)
        if not found:
            print("agree   %s: %d exchanges" % (name, matched))
            continue
        print("DISAGREE %s: analyzer %d exchanges, plugin %d, paired %d" % (name, len(analyzer), len(plugin_rows),
                                                                          matched))
        print("  %-17s | %-40s | %-40s | %s" % ("kind", "analyzer", "plugin", "exchange"))
        shown = collections.Counter()
        for kind, where, va, vp in found:
            shown[kind] += 1
            if args.max_rows and shown[kind] > args.max_rows:
                continue
            print("  %-17s | %-40s | %-40s | %s" % (kind, clip(va, 40), clip(vp, 40), where))
        for kind, n in shown.items():
            if args.max_rows and n > args.max_rows:
                print("  %-17s | ... %d more" % (kind, n - args.max_rows))

    print()
    print("Summary (%d captures):" % len(args.captures))
    print("  %-36s %10s %10s %8s  %s" % ("capture", "analyzer", "plugin", "paired", "disagreements"))
    for name, (na, np_, matched, kinds) in per_capture.items():
        print("  %-36s %10d %10d %8d  %s" % (clip(name, 36), na, np_, matched,
                                            ", ".join("%s %d" % kv for kv in sorted(kinds.items())) or "none"))
    for kind, meaning in KINDS:
        if totals[kind]:
            print("  %-18s %6d  %s" % (kind, totals[kind], meaning))
    print("%d disagreements%s" % (sum(totals.values()), ", and tools that could not be run" if broken else ""))
    return 1 if broken or sum(totals.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
