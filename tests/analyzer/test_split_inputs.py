"""analyzer.split_inputs: a capture split into several files is one capture.

Real captures are split the ways operators' captures come (editcap -c N at
several N, small enough to cut message exchanges and TCP connections in two;
editcap -i SECONDS; one file per TCP connection with tshark -Y tcp.stream==K,
which overlap in time), and the pieces are given to ninep in shuffled,
reversed and overlapping orders, some through standard input, some
converted to pcapng or to another link type; and a capture cut to its
headers by a small snaplen, then split.  Each time the report (every
figure: totals with per-type counts and latencies, chattiness, each
connection, the capture counters), the exchanges CSV and the accesses CSV
must be those of the whole file, and compare with split sides must equal
compare with the whole sides.

The expectation is the whole file's own output from the same binary: this
test checks that splitting changes nothing, not that the figures are right.
That the single-file figures are right is checked elsewhere against
independent ground truth (analyzer.real_counts against each capture's
.expected counts, analyzer.latency_vs_tshark and integration.tools_agree
against tshark).

Also: pieces read one at a time (each its own capture, as ninep did before
the merge) do lose exchanges, so the splits do cut inside exchanges; a
missing or damaged piece among several is reported as such while what was
read is kept; standard input can be given once; -c counts packets over all
the pieces.

usage: test_split_inputs.py PATH-TO-ninep
"""
import glob
import json
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile

from ninep_testlib import CAPTURES_DIR, Checker
from common import ninep_binary, run

REAL = os.path.join(CAPTURES_DIR, "real")
CAPTURES = ["diod_9p2000L_diodload.pcap", "diod_9p2000L_tools.pcap", "diod_9p2000L_ls_cat.pcap",
            "ling_9p2000e_classic.pcap", "p9p_9p2000_9pserve_ramfs.pcap"]
PACKET_COUNTS = [5, 13, 64, 200]       # editcap -c: pieces of N packets
INTERVALS = ["0.002", "0.01"]          # editcap -i: these captures last 12 to 130 ms
LINKTYPE_ETHERNET, LINKTYPE_RAW = 1, 101


def tool(*args):
    subprocess.run(list(args), check=True, capture_output=True, timeout=120)


def editcap_split(whole, folder, option, value):
    """The pieces of editcap -c/-i as pcap files (editcap 4.0 writes pcapng
    unless told), in time order (editcap numbers them)."""
    os.makedirs(folder)
    tool("editcap", "-F", "pcap", option, str(value), whole, os.path.join(folder, "piece.pcap"))
    return sorted(glob.glob(os.path.join(folder, "piece_*.pcap")))


def by_connection(whole, folder):
    """One file per TCP connection (tshark's tcp.stream), plus one for the
    rest: files that overlap in time."""
    os.makedirs(folder)
    out = subprocess.run(["tshark", "-r", whole, "-T", "fields", "-e", "tcp.stream"], check=True,
                         capture_output=True, timeout=120).stdout.decode()
    streams = sorted({int(s) for s in out.split() if s})
    pieces = []
    for s in streams[:4]:
        path = os.path.join(folder, "stream%d.pcap" % s)
        tool("tshark", "-r", whole, "-Y", "tcp.stream==%d" % s, "-F", "pcap", "-w", path)
        pieces.append(path)
    if len(streams) > 4:
        path = os.path.join(folder, "rest.pcap")
        tool("tshark", "-r", whole, "-Y", "not tcp or tcp.stream>3", "-F", "pcap", "-w", path)
        pieces.append(path)
    return pieces


def read_pcap(path):
    with open(path, "rb") as f:
        data = f.read()
    assert data[:4] == b"\xd4\xc3\xb2\xa1", path  # little-endian microsecond pcap, as editcap writes
    records, pos = [], 24
    while pos < len(data):
        caplen = struct.unpack("<I", data[pos + 8:pos + 12])[0]
        records.append(data[pos:pos + 16 + caplen])
        pos += 16 + caplen
    return data[:24], records


def to_raw_ip(src, dst):
    """The same packets without their Ethernet header, as LINKTYPE_RAW."""
    header, records = read_pcap(src)
    assert struct.unpack("<I", header[20:24])[0] == LINKTYPE_ETHERNET, src
    header = header[:20] + struct.pack("<I", LINKTYPE_RAW)
    out = []
    for r in records:
        sec, usec, caplen, length = struct.unpack("<IIII", r[:16])
        out.append(struct.pack("<IIII", sec, usec, caplen - 14, length - 14) + r[16 + 14:])
    with open(dst, "wb") as f:
        f.write(header + b"".join(out))


class Reference:
    """The whole file's outputs, and how a run on pieces compares with them."""

    def __init__(self, check, binary, whole):
        self.check, self.binary, self.whole = check, binary, whole
        self.name = os.path.basename(whole)
        self.report = self.report_of([whole])
        self.exchanges = self.csv_of("exchanges", [whole])
        self.accesses = self.csv_of("accesses", [whole])

    def report_of(self, inputs, stdin=None, code=0):
        rc, out, err = run(self.binary, "report", "--json", "-q", *inputs, stdin=stdin)
        self.check.equal("%s: exit of report on %d inputs" % (self.name, len(inputs)), rc, code)
        return json.loads(out) if out else {}

    def csv_of(self, command, inputs, stdin=None):
        rc, out, err = run(self.binary, command, "-q", *inputs, stdin=stdin)
        self.check.equal("%s: exit of %s on %d inputs" % (self.name, command, len(inputs)), rc, 0)
        return out

    def same(self, what, inputs, stdin=None):
        """Report, exchanges and accesses of `inputs` are the whole file's."""
        what = "%s %s" % (self.name, what)
        doc = self.report_of(inputs, stdin)
        check = self.check
        check.equal(what + ": inputs listed as given", [i["name"] for i in doc.get("inputs", [])], list(inputs))
        check.true(what + ": every input ok", all(i["ok"] for i in doc.get("inputs", [])))
        check.equal(what + ": partial", doc.get("partial"), False)
        totals, expected = doc.get("totals", {}), self.report["totals"]
        for key in ("connections", "requests", "replies", "round_trips", "unanswered", "orphans", "errors",
                    "flushed", "messages", "errors_by_request", "latency_ns"):
            check.equal("%s: totals.%s" % (what, key), totals.get(key), expected[key])
        check.equal(what + ": all the totals", totals, expected)
        check.equal(what + ": chattiness", doc.get("chattiness"), self.report["chattiness"])
        check.equal(what + ": capture counters", doc.get("capture"), self.report["capture"])
        sessions = [dict(s, input=None) for s in doc.get("sessions", [])]
        check.equal(what + ": connections", sessions, [dict(s, input=None) for s in self.report["sessions"]])
        check.equal(what + ": 9P2000.e sessions", doc.get("e_sessions"), self.report["e_sessions"])
        check.equal(what + ": exchanges CSV", self.csv_of("exchanges", inputs, stdin), self.exchanges)
        check.equal(what + ": accesses CSV", self.csv_of("accesses", inputs, stdin), self.accesses)
        return doc


def one_at_a_time(binary, pieces):
    """unanswered + orphans over the pieces each read as a capture of its own."""
    lost = 0
    for p in pieces:
        rc, out, _ = run(binary, "report", "--json", "-q", p)
        if out:
            t = json.loads(out)["totals"]
            lost += t["unanswered"] + t["orphans"]
    return lost


def split_capture(check, binary, tmp, capture, rng):
    whole = os.path.join(REAL, capture)
    ref = Reference(check, binary, whole)
    base = os.path.join(tmp, capture)
    cut_inside = False
    for n in PACKET_COUNTS:
        pieces = editcap_split(whole, "%s.c%d" % (base, n), "-c", n)
        if len(pieces) < 2:
            continue
        if n <= 13:
            # Pieces this small cut exchanges and connections: read one at
            # a time they lose some, which the merge must find again.
            lost = one_at_a_time(binary, pieces)
            check.true("%s -c %d: read one at a time, pieces lose exchanges" % (capture, n), lost > 0, str(lost))
            cut_inside = cut_inside or lost > 0
        ref.same("-c %d, in order" % n, pieces)
        shuffled = pieces[:]
        rng.shuffle(shuffled)
        ref.same("-c %d, shuffled" % n, shuffled)
        ref.same("-c %d, reversed" % n, pieces[::-1])
    check.true(capture + ": some split cut inside an exchange", cut_inside)
    for seconds in INTERVALS:
        pieces = editcap_split(whole, "%s.i%s" % (base, seconds), "-i", seconds)
        shuffled = pieces[:]
        rng.shuffle(shuffled)
        ref.same("-i %s (%d pieces), shuffled" % (seconds, len(pieces)), shuffled)

    # Overlapping in time: a file per connection, given last first.
    pieces = by_connection(whole, base + ".streams")
    if len(pieces) >= 2:
        doc = ref.same("a file per connection (overlapping), reversed", pieces[::-1])
        # A connection belongs to the input its first packet came from.
        for s in doc.get("sessions", []):
            name = os.path.basename(s["input"])
            check.true("%s: connection %d from a piece of its own stream" % (capture, s["id"]),
                       name in ("stream%d.pcap" % (s["id"] - 1), "rest.pcap"), name)

    # Some of the pieces as pcapng, one as raw IP (another link type), one
    # through standard input; shuffled.
    pieces = editcap_split(whole, base + ".mixed", "-c", 13)
    mixed = []
    for i, p in enumerate(pieces):
        if i % 3 == 1:
            ng = p[:-5] + ".pcapng"
            tool("editcap", "-F", "pcapng", p, ng)
            mixed.append(ng)
        elif i % 3 == 2:
            raw = p[:-5] + ".raw.pcap"
            to_raw_ip(p, raw)
            mixed.append(raw)
        else:
            mixed.append(p)
    raw_ip = [p for p in mixed if p.endswith(".raw.pcap")]
    if raw_ip:
        # Without the Ethernet headers the wire bytes differ; every 9P figure is the same.
        doc = ref.report_of(mixed)
        check.equal(capture + " pcap, pcapng and raw IP pieces: totals", doc.get("totals"), ref.report["totals"])
        check.equal(capture + " pcap, pcapng and raw IP pieces: packets", doc.get("capture", {}).get("packets"),
                    ref.report["capture"]["packets"])
        check.equal(capture + " pcap, pcapng and raw IP pieces: exchanges CSV", ref.csv_of("exchanges", mixed),
                    ref.exchanges)
    ng_only = [p if i % 3 != 1 else p[:-5] + ".pcapng" for i, p in enumerate(pieces)]
    rng.shuffle(ng_only)
    with open(ng_only[len(ng_only) // 2], "rb") as f:
        data = f.read()
    with_stdin = ng_only[:]
    with_stdin[len(ng_only) // 2] = "-"
    ref.same("pcap and pcapng pieces, one through standard input, shuffled", with_stdin, stdin=data)
    return ref, pieces


def failures(check, binary, ref, pieces, tmp):
    """A missing and a damaged piece among good ones."""
    name = ref.name
    missing = os.path.join(tmp, "missing.pcap")
    inputs = pieces[:2] + [missing] + pieces[2:]
    doc = ref.report_of(inputs, code=2)
    check.equal(name + " missing piece: partial", doc.get("partial"), True)
    oks = [i["ok"] for i in doc.get("inputs", [])]
    check.equal(name + " missing piece: only it failed", oks, [i != 2 for i in range(len(inputs))])
    check.true(name + " missing piece: its error names it", "missing.pcap" in (doc["inputs"][2]["error"] or ""))
    check.equal(name + " missing piece: every packet of the others",
                doc.get("capture", {}).get("packets"), ref.report["capture"]["packets"])

    # The middle piece cut inside its fifth record: its first four packets count.
    header, records = read_pcap(pieces[len(pieces) // 2])
    damaged = os.path.join(tmp, "damaged.pcap")
    with open(damaged, "wb") as f:
        f.write(header + b"".join(records[:4]) + records[4][:20])
    inputs = pieces[:]
    inputs[len(pieces) // 2] = damaged
    doc = ref.report_of(inputs[::-1], code=2)
    check.equal(name + " damaged piece: partial", doc.get("partial"), True)
    bad = [i for i in doc.get("inputs", []) if not i["ok"]]
    check.equal(name + " damaged piece: it alone failed", [i["name"] for i in bad], [damaged])
    check.true(name + " damaged piece: the error says where", bad and "damaged after packet 4" in bad[0]["error"],
               str(bad))
    check.equal(name + " damaged piece: its packets before the damage are kept",
                doc.get("capture", {}).get("packets"), ref.report["capture"]["packets"] - (len(records) - 4))

    # -c counts packets over all the pieces, as over the whole file.
    rc, out, _ = run(binary, "report", "--json", "-q", "-c", "300", *pieces[::-1])
    rc_whole, out_whole, _ = run(binary, "report", "--json", "-q", "-c", "300", ref.whole)
    split, whole = json.loads(out), json.loads(out_whole)
    check.equal(name + " -c 300 over pieces: packets", split["capture"]["packets"], 300)
    check.equal(name + " -c 300 over pieces: the whole file's first 300", split["totals"], whole["totals"])


def compare_sides(check, binary, tmp, rng):
    """compare with each side split equals compare with the whole sides."""
    for before, after in (("ling_9p2000e_classic.pcap", "ling_9p2000e_macro.pcap"),
                          ("diod_9p2000L_tools.pcap", "diod_9p2000L_ls_cat.pcap")):
        b, a = os.path.join(REAL, before), os.path.join(REAL, after)
        pb = editcap_split(b, os.path.join(tmp, "cmp-" + before), "-c", 7)
        pa = editcap_split(a, os.path.join(tmp, "cmp-" + after), "-c", 5)
        rng.shuffle(pb)
        rng.shuffle(pa)
        for fmt in ([], ["--json"]):
            rc, out_whole, _ = run(binary, "compare", "-q", *fmt, b, a)
            check.equal("compare %s %s: exit" % (before, after), rc, 0)
            rc, out_split, _ = run(binary, "compare", "-q", *fmt, *pb, "vs", *pa)
            check.equal("compare split %s %s: exit" % (before, after), rc, 0)
            if fmt:
                whole, split = json.loads(out_whole), json.loads(out_split)
                check.equal("compare split: before inputs as given", split["before_inputs"], pb)
                check.equal("compare split: after inputs as given", split["after_inputs"], pa)
                for doc in (whole, split):
                    del doc["before_inputs"], doc["after_inputs"]
                check.equal("compare --json %s vs %s: split sides as whole" % (before, after), split, whole)
            else:
                # The text names the inputs in its second paragraph; the
                # figures follow.
                whole, split = out_whole.split("\n\n"), out_split.split("\n\n")
                check.equal("compare text: an input a line", len(split[1].splitlines()), len(pb) + len(pa))
                check.equal("compare text %s vs %s: split sides as whole" % (before, after),
                            split[:1] + split[2:], whole[:1] + whole[2:])


def header_only(check, binary, tmp, rng):
    """A capture cut to its headers (editcap -s 128, as operators capture
    file servers), then split: still the cut whole file's figures."""
    cut = os.path.join(tmp, "tools_s128.pcap")
    tool("editcap", "-F", "pcap", "-s", "128", os.path.join(REAL, "diod_9p2000L_tools.pcap"), cut)
    ref = Reference(check, binary, cut)
    check.true("snaplen 128: messages were cut", ref.report["capture"]["snaplen_truncated"] > 0)
    pieces = editcap_split(cut, cut + ".c9", "-c", 9)
    rng.shuffle(pieces)
    ref.same("-c 9, shuffled", pieces)


def main():
    binary = ninep_binary()
    check = Checker()
    rng = random.Random(16)
    tmp = tempfile.mkdtemp(prefix="ninep-split-")
    try:
        for capture in CAPTURES:
            ref, pieces = split_capture(check, binary, tmp, capture, rng)
            if capture == CAPTURES[0]:
                failures(check, binary, ref, pieces, tmp)
        header_only(check, binary, tmp, rng)
        compare_sides(check, binary, tmp, rng)
        # Standard input is read once.
        piece = os.path.join(REAL, CAPTURES[0])
        for args in (["report", "-", piece, "-"], ["compare", "-", "vs", "-"]):
            rc, _, err = run(binary, *args, stdin=b"")
            check.equal("%r: a usage error" % args, rc, 1)
            check.true("%r: says why" % args, "standard input" in err, err)
    finally:
        shutil.rmtree(tmp)
    check.finish()


if __name__ == "__main__":
    sys.exit(main())
