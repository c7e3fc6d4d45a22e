"""analyzer.cli: help, version, usage errors, bad and damaged inputs."""
import json
import os
import shutil
import struct
import sys
import tempfile

from ninep_testlib import CAPTURES_DIR, Checker
from common import ninep_binary, report_json, run

REAL = os.path.join(CAPTURES_DIR, "real")


def main():
    binary = ninep_binary()
    check = Checker()

    code, out, _ = run(binary, "--help")
    check.equal("--help exit", code, 0)
    check.true("--help names the commands", "report" in out and "exchanges" in out, out[:200])
    code, out, _ = run(binary, "report", "--help")
    check.equal("report --help exit", code, 0)
    code, out, _ = run(binary, "--version")
    check.equal("--version exit", code, 0)
    check.true("--version prints a version", out.startswith("ninep "), out)

    for args in (["report", "--bogus", "x.pcap"], ["report", "-Z", "x.pcap"], ["frobnicate"], [],
                 ["report"], ["report", "-p", "notaport", "x.pcap"], ["exchanges", "--json", "x.pcap"],
                 ["report", "-c"]):
        code, _, err = run(binary, *args)
        check.equal("usage error %r exit" % args, code, 1)
        check.true("usage error %r says so" % args, err.startswith("ninep: "), err)

    tmp = tempfile.mkdtemp(prefix="ninep-cli-")
    try:
        # Not a capture at all.
        text = os.path.join(tmp, "notes.pcap")
        with open(text, "w") as f:
            f.write("this is not a capture file\n" * 10)
        code, out, err = run(binary, "report", text)
        check.equal("not a capture: exit", code, 2)
        check.true("not a capture: message names the file", "notes.pcap" in err, err)
        check.equal("not a capture: no empty report", out, "")
        code, out, err = run(binary, "report", "--json", text)
        check.equal("not a capture json: exit", code, 2)
        check.true("not a capture json: message names the file", "notes.pcap" in err, err)
        check.equal("not a capture json: no empty report", out, "")

        # Missing file.
        missing = os.path.join(tmp, "missing.pcap")
        code, out, err = run(binary, "report", missing)
        check.equal("missing file: exit", code, 2)
        check.true("missing file: message names it", "missing.pcap" in err, err)
        check.equal("missing file: no empty report", out, "")

        # A real capture cut short: what was read is reported, marked partial.
        source = os.path.join(REAL, "p9p_9p2000_9pserve_ramfs.pcap")
        with open(source, "rb") as f:
            data = f.read()
        cut = os.path.join(tmp, "cut.pcap")
        with open(cut, "wb") as f:
            f.write(data[:len(data) * 2 // 3 + 5])  # mid-packet
        code, out, err = run(binary, "report", cut)
        check.equal("truncated: exit", code, 2)
        check.true("truncated: message names the file", "cut.pcap" in err, err)
        check.true("truncated: text report printed and marked partial", "PARTIAL" in out and "round trips" in out,
                   out[:300])
        code, out, err = run(binary, "report", "--json", cut)
        check.equal("truncated json: exit", code, 2)
        doc = json.loads(out)
        check.equal("truncated json: partial", doc["partial"], True)
        check.true("truncated json: exchanges before the damage", doc["totals"]["round_trips"] > 50,
                   str(doc["totals"]["round_trips"]))
        check.true("truncated json: fewer than the whole", doc["totals"]["round_trips"] < 155,
                   str(doc["totals"]["round_trips"]))

        # A capture that ends inside a large reply (tcp_spanning's 6,011-byte
        # Rread, in five segments after a message boundary): the bytes of it
        # that came are counted as truncated, though the framer keeps only
        # the reply's head.
        with open(os.path.join(CAPTURES_DIR, "generated", "tcp_spanning.pcap"), "rb") as f:
            data = f.read()
        records, pos = [], 24
        while pos < len(data):
            caplen = struct.unpack("<I", data[pos + 8:pos + 12])[0]
            records.append(data[pos:pos + 16 + caplen])
            pos += 16 + caplen
        first = next(i for i, r in enumerate(records) if len(r) - 16 == 1502)  # the reply's first full segment

        def cut_after(n):
            path = os.path.join(tmp, "spanning_%d.pcap" % n)
            with open(path, "wb") as f:
                f.write(data[:24] + b"".join(records[:n]))
            code, doc, err = report_json(binary, path)
            check.equal("cut after record %d: exit" % n, code, 0)
            return doc["totals"]

        before = cut_after(first)
        check.equal("cut at the reply: nothing truncated", before["truncated_bytes"], 0)
        for n in range(first + 1, first + 5):
            totals = cut_after(n)
            came = totals["bytes_server_to_client"] - before["bytes_server_to_client"]
            check.true("cut after record %d: part of the reply came" % n, came > 0, str(came))
            check.equal("cut after record %d: truncated bytes" % n, totals["truncated_bytes"], came)
            check.equal("cut after record %d: round trips" % n, totals["round_trips"], before["round_trips"])
        check.equal("whole reply: one more round trip", cut_after(first + 5)["round_trips"], before["round_trips"] + 1)

        # Standard input, several files, -p, and a trailing filter.
        with open(source, "rb") as f:
            code, out, err = run(binary, "report", "--json", "-", stdin=f.read())
        check.equal("stdin: exit", code, 0)
        check.equal("stdin: round trips", json.loads(out)["totals"]["round_trips"], 155)
        listen = os.path.join(REAL, "p9p_9p2000_listen1_ramfs.pcap")
        code, out, err = run(binary, "report", "--json", source, listen)
        check.equal("two files: exit", code, 0)
        doc = json.loads(out)
        check.equal("two files: round trips", doc["totals"]["round_trips"], 155 + 41)
        check.equal("two files: connections", doc["totals"]["connections"], 21 + 5)
        check.equal("two files: distinct ids", len({s["id"] for s in doc["sessions"]}), 26)
        code, out, err = run(binary, "report", "--json", "-p", "9999", source)
        check.equal("-p other port: exit", code, 0)
        check.equal("-p other port: no 9P", json.loads(out)["totals"]["connections"], 0)
        code, out, err = run(binary, "report", "--json", "-p", "5650", source)
        check.equal("-p 5650: round trips", json.loads(out)["totals"]["round_trips"], 155)
        code, out, err = run(binary, "report", "--json", source, "tcp", "port", "9999")
        check.equal("trailing filter: exit", code, 0)
        check.equal("trailing filter: nothing passes", json.loads(out)["capture"]["packets"], 0)
        code, out, err = run(binary, "report", "--json", "-f", "tcp port 5650", source)
        check.equal("-f filter: round trips", json.loads(out)["totals"]["round_trips"], 155)
        # A damaged input among good ones: the good ones are still reported.
        code, out, err = run(binary, "report", "--json", text, listen)
        check.equal("bad then good: exit", code, 2)
        doc = json.loads(out)
        check.equal("bad then good: the good one counted", doc["totals"]["round_trips"], 41)
        check.equal("bad then good: partial", doc["partial"], True)
    finally:
        shutil.rmtree(tmp)
    check.finish()


if __name__ == "__main__":
    sys.exit(main())
