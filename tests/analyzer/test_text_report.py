"""analyzer.text_report: the text report says what it saw (issue 19).

  - "Capture": packets and link type as the pcap records say (read here
    with struct, not by ninep), not IP / not TCP as the generator wrote them.
  - No 9P: the reason, for captures made for each reason: no packets, a
    link type ninep reads no IP in (802.11), no TCP (ARP and UDP), and TCP
    that is not 9P (no9p/http_lo.pcap: 3 curl connections to Python's
    http.server, see no9p/README.md); no empty tables.
  - The messages and latency tables in the order of doc/9p-wire.md (parsed
    here from the spec), requests beside their replies, error replies last.
  - Units: one per table, named in its header, never finer than the
    capture's timestamps (a microsecond pcap: no digit below 1 us; the same
    capture rewritten with nanosecond timestamps: nanoseconds shown), the
    values equal to the JSON report's nanoseconds rounded to that unit;
    compare uses the same units (no "ns" beside "microseconds").
  - Every line of every golden text report and of these reports fits 100
    columns.
  - The Tsread/Tswrite what-if of a 9P2000.L or 9P2000 capture says they are
    9P2000.e's operations.
  - compare with a side that cannot be read: exit 2, the error, no table;
    a file that does not exist is never called damaged.

usage: test_text_report.py PATH-TO-ninep PATH-TO-gen_no9p
"""
import json
import os
import re
import struct
import subprocess
import sys
import tempfile

from ninep_testlib import CAPTURES_DIR, Checker
from common import HERE, run, spec_order

REAL = os.path.join(CAPTURES_DIR, "real")
HTTP = os.path.join(HERE, "no9p", "http_lo.pcap")
HTTP_CONNECTIONS = 3  # record_http.sh: one curl per request, three requests
HTTP_PORT = "8765"
WIDTH = 100
UNIT_NS = {"us": 1000, "ms": 10**6, "s": 10**9}


def pcap_records(path):
    """(link type, nanosecond timestamps?, [(ts_sec, frac, data)]) of a pcap."""
    with open(path, "rb") as f:
        data = f.read()
    magic = data[:4]
    endian = "<" if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    nano = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
    linktype = struct.unpack(endian + "I", data[20:24])[0]
    records, at = [], 24
    while at + 16 <= len(data):
        sec, frac, caplen, length = struct.unpack(endian + "IIII", data[at:at + 16])
        records.append((sec, frac, data[at + 16:at + 16 + caplen], length))
        at += 16 + caplen
    return linktype, nano, records, data[:24], endian


def section(text, heading_prefix):
    """The lines of a section: after the line starting with heading_prefix,
    up to a blank line; None when there is no such section."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if line.startswith(heading_prefix):
            rows = []
            for row in lines[i + 1:]:
                if row == "":
                    break
                rows.append(row)
            return line, rows
    return None, None


def field(rows, label):
    for row in rows or []:
        if row[2:].startswith(label + " ") or row.strip() == label:
            return row[2 + len(label):].strip()
    return None


def check_no9p(binary, gen, check):
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run([gen, tmp], capture_output=True, text=True, check=True).stdout
        made = {}
        for line in out.split("\n"):
            if line:
                name, key, value = line.split()
                made[(name, key)] = int(value)
        cases = [
            ("empty.pcap", [], r"^No 9P: no packets$"),
            ("wifi.pcap", [], r"^No 9P: no TCP: link type 802\.11, in which ninep reads no IP \(%d packets\)$"
             % made[("wifi.pcap", "packets")]),
            ("arp_udp.pcap", [], r"^No 9P: no TCP: %d packets, %d not IP, %d IP but not TCP$" % (
                made[("arp_udp.pcap", "packets")], made[("arp_udp.pcap", "not_ip")],
                made[("arp_udp.pcap", "not_tcp")])),
            (HTTP, [], r"^No 9P: no 9P on %d TCP connections; try -p PORT$" % HTTP_CONNECTIONS),
            (HTTP, ["-p", HTTP_PORT], r"^No 9P: no 9P on %d TCP connections to the ports given with -p \(\d+ bytes not 9P\)$"
             % HTTP_CONNECTIONS),
        ]
        for name, options, reason in cases:
            path = os.path.join(tmp, name) if not os.path.isabs(name) else name
            label = os.path.basename(name) + (" " + " ".join(options) if options else "")
            code, text, err = run(binary, "report", "-q", *options, path)
            check.equal("%s: exit status (%s)" % (label, err.strip()), code, 0)
            check.true("%s: says why there is no 9P" % label, re.search(reason, text, re.M), "\n" + text)
            for table in ("Messages", "Latency by request", "Connections", "File accesses"):
                check.true("%s: no empty %s table" % (label, table), section(text, table)[0] is None)
            check_width(check, label, text)
            linktype, _, records, _, _ = pcap_records(path)
            _, capture = section(text, "Capture")
            check.true("%s: a Capture section" % label, capture is not None, text)
            packets = field(capture, "packets")
            check.equal("%s: packets as the file's records" % label, first_word(packets), str(len(records)))
            if name == "arp_udp.pcap":
                check.equal("arp_udp: not IP", field(capture, "not IP"), str(made[(name, "not_ip")]))
                check.equal("arp_udp: IP, not TCP", field(capture, "IP, not TCP"), str(made[(name, "not_tcp")]))
            if name == "wifi.pcap":
                check.equal("wifi: link type 105", linktype, 105)
                check.true("wifi: link type named", "802.11" in (field(capture, "link type") or ""), repr(capture))
            if name == HTTP:
                check.equal("http: TCP connections", field(capture, "TCP connections"), str(HTTP_CONNECTIONS))


def check_width(check, label, text):
    long_lines = [line for line in text.split("\n") if len(line) > WIDTH]
    check.true("%s: every line fits %d columns" % (label, WIDTH), not long_lines, "\n".join(long_lines[:3]))


def check_order(check, label, text, order):
    rank = {name: i for i, name in enumerate(order)}
    _, rows = section(text, "Messages")
    check.true("%s: a messages table" % label, rows, text)
    rows = (rows or [])[1:]
    requests = [row.split()[0] for row in rows if row[2] != " "]
    errors_at = [i for i, row in enumerate(rows) if row[2] == " "]
    check.true("%s: requests in the spec's order" % label,
               [rank[r] for r in requests] == sorted(rank[r] for r in requests), repr(requests))
    for row in rows:
        words = row.split()
        if row[2] != " " and len(words) >= 4:
            check.equal("%s: %s beside its reply" % (label, words[0]), words[2], "R" + words[0][1:])
    check.true("%s: error replies last" % label, errors_at == list(range(len(rows) - len(errors_at), len(rows))),
               repr(rows))
    _, lat = section(text, "Latency by request")
    names = [row.split()[0] for row in (lat or [])[1:] if row.split()[0] != "all"]
    check.true("%s: latency table in the spec's order" % label,
               [rank[r] for r in names] == sorted(rank[r] for r in names), repr(names))


def first_word(value):
    words = (value or "").split()
    return words[0] if words else None


def decimals(value):
    return len(value.split(".")[1]) if "." in value else 0


def check_latency_units(check, label, text, doc, resolution_ns):
    heading, rows = section(text, "Latency by request")
    m = re.match(r"^Latency by request \((us|ms|s)\)$", heading or "")
    check.true("%s: latency heading names its unit" % label, m, repr(heading))
    if not m:
        return
    unit = UNIT_NS[m.group(1)]
    columns = rows[0].split()[2:]
    for row in rows[1:]:
        words = row.split()
        name = words[0]
        want = doc["totals"]["latency_all_ns" if name == "all" else "latency_ns"]
        want = want if name == "all" else want[name]
        for column, value in zip(columns, words[2:]):
            step = unit // 10 ** decimals(value)
            check.true("%s: %s %s %s: no digit below the capture's %d ns" % (label, name, column, value,
                                                                             resolution_ns),
                       step >= resolution_ns, "")
            ns = want[column]
            check.true("%s: %s %s is the JSON's %d ns in %s" % (label, name, column, ns, m.group(1)),
                       abs(float(value) * unit - ns) <= step / 2 + 1e-6 * unit, value)


def nanosecond_copy(src, dst):
    """src (a microsecond pcap) with nanosecond timestamps, each record given
    a part below the microsecond (a different one each: 1..999 ns)."""
    linktype, nano, records, header, endian = pcap_records(src)
    assert not nano
    magic = struct.pack(endian + "I", 0xa1b23c4d)
    with open(dst, "wb") as f:
        f.write(magic + header[4:])
        for i, (sec, usec, data, length) in enumerate(records):
            f.write(struct.pack(endian + "IIII", sec, usec * 1000 + 1 + (i * 389) % 999, len(data), length))
            f.write(data)


def check_real(binary, check):
    order = spec_order()
    check.true("spec order parsed", order[:4] == ["Tversion", "Rversion", "Tauth", "Rauth"], repr(order[:6]))
    for name in sorted(os.listdir(REAL)):
        if not name.endswith(".pcap"):
            continue
        path = os.path.join(REAL, name)
        code, text, err = run(binary, "report", "-q", path)
        check.equal("%s: exit status" % name, code, 0)
        code, out, err = run(binary, "report", "-q", "--json", path)
        doc = json.loads(out)
        linktype, nano, records, _, _ = pcap_records(path)
        _, capture = section(text, "Capture")
        check.equal("%s: link type" % name, field(capture, "link type"), "Ethernet" if linktype == 1 else None)
        check.equal("%s: packets" % name, first_word(field(capture, "packets")), str(len(records)))
        check_order(check, name, text, order)
        check_latency_units(check, name, text, doc, 1 if nano else 1000)
        check_width(check, name, text)
        for old in ("microseconds", "(ns)"):
            check.true("%s: no %r" % (name, old), old not in text)
        for m in re.finditer(r"\S+ (us|ms|s) (?:saved )?of \S+ (us|ms|s)", text):
            check.equal("%s: %r: a part and its whole in one unit" % (name, m.group(0)), m.group(1), m.group(2))
        dialect = doc["totals"]["dialect"]
        whatif, rows = section(text, "What-if")
        if whatif is not None and dialect != "9P2000.e":
            check.true("%s: the what-if says Tsread/Tswrite are 9P2000.e's" % name,
                       "9P2000.e's Tsread/Tswrite" in whatif, whatif)
    # The golden files: every line fits.
    golden = os.path.join(HERE, "golden")
    for name in sorted(os.listdir(golden)):
        with open(os.path.join(golden, name), encoding="utf-8") as f:
            check_width(check, "golden " + name, f.read())


def check_nanoseconds(binary, check):
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(REAL, "diod_9p2000L_files.pcap")
        ns = os.path.join(tmp, "files_ns.pcap")
        nanosecond_copy(src, ns)
        code, text, err = run(binary, "report", "-q", ns)
        check.equal("ns copy: exit status", code, 0)
        code, out, err = run(binary, "report", "-q", "--json", ns)
        doc = json.loads(out)
        check_latency_units(check, "ns copy", text, doc, 1)
        _, rows = section(text, "Latency by request")
        check.true("ns copy: the latencies show digits below the microsecond",
                   any(decimals(v) == 3 for row in rows[1:] for v in row.split()[2:]), "\n".join(rows))


def check_compare(binary, check):
    l_capture = os.path.join(REAL, "diod_9p2000L_files.pcap")
    e_capture = os.path.join(REAL, "ling_9p2000e_macro.pcap")
    code, text, err = run(binary, "compare", "-q", l_capture, e_capture)
    check.equal("compare: exit status", code, 0)
    check.true("compare: no ns beside other units", "(ns)" not in text and "microseconds" not in text, text)
    units = re.findall(r"\((us|ms|s)[,)]", text)
    check.true("compare: the times name their units", len(units) >= 2, repr(units))
    check.true("compare: the what-if on a 9P2000.L BEFORE says 9P2000.e", "9P2000.e's Tsread/Tswrite" in text, text)
    check_width(check, "compare", text)
    missing = os.path.join(tempfile.gettempdir(), "ninep-no-such-file-%d.pcap" % os.getpid())
    for args in ((missing, l_capture), (l_capture, missing)):
        code, text, err = run(binary, "compare", "-q", *args)
        check.equal("compare %s: exit status 2" % " ".join(os.path.basename(a) for a in args), code, 2)
        check.equal("compare with a missing side: no table", text, "")
        check.true("compare with a missing side: the error, with ninep:",
                   err.startswith("ninep: ") and os.path.basename(missing) in err, err)
        check.true("compare with a missing side: not called damaged", "damaged" not in err.lower(), err)
    code, text, err = run(binary, "report", "-q", missing, l_capture)
    partial = [line for line in text.split("\n") if "PARTIAL" in line]
    check.true("report with a missing input: PARTIAL says it could not be read, not damaged",
               partial and "damaged" not in partial[0] and "could not be read" in partial[0], repr(partial))


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    binary, gen = sys.argv[1], sys.argv[2]
    check = Checker()
    check_no9p(binary, gen, check)
    check_real(binary, check)
    check_nanoseconds(binary, check)
    check_compare(binary, check)
    check.finish()


if __name__ == "__main__":
    sys.exit(main())
