"""analyzer.top_realtime: `ninep top --realtime FILE` replays a capture at
the pace it was captured (issue 18); without it, as fast as it can.

The capture: captures/real/diod_9p2000L_ls_cat.pcap (13 ms of diod
traffic) with its timestamps stretched here, with struct, so that it spans
SPAN seconds, packet order and contents unchanged.  top writes a block per
interval (--every 0.5) when its standard output is not a terminal; each
block's first line names its interval of capture time.  Checked (lower
bounds, not speed goals):
  - with --realtime the run takes at least SPAN (less a small tolerance),
    and each block comes no earlier than its interval's end is from the
    first interval's start;
  - without it, the same file takes much less than SPAN;
  - both write the same blocks: pacing changes when, not what."""
import os
import re
import struct
import subprocess
import sys
import tempfile
import time

from common import ninep_binary
from ninep_testlib import CAPTURES_DIR, Checker

SPAN = 3.0            # seconds the stretched capture spans
EVERY = "0.5"
TOLERANCE = 0.05      # seconds: the clocks' granularity and a process start
SOURCE = os.path.join(CAPTURES_DIR, "real", "diod_9p2000L_ls_cat.pcap")
HEADER = re.compile(r"^ninep top - .* (\d\d):(\d\d):(\d\d)(?:\.(\d{3}))?-(\d\d):(\d\d):(\d\d)(?:\.(\d{3}))? UTC$")


def stretch(source, target, span):
    """A copy of a classic pcap whose packets span `span` seconds; returns
    (first, last) timestamps in seconds, as written."""
    with open(source, "rb") as f:
        data = f.read()
    magic = data[:4]
    order = "<" if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    nano = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
    unit = 10 ** 9 if nano else 10 ** 6
    records, off = [], 24
    while off + 16 <= len(data):
        sec, frac, caplen, wirelen = struct.unpack(order + "IIII", data[off:off + 16])
        records.append((sec * unit + frac, data[off + 8:off + 16 + caplen]))
        off += 16 + caplen
    first, last = records[0][0], records[-1][0]
    out = [data[:24]]
    for ts, rest in records:
        t = first + (ts - first) * int(span * unit) // (last - first)
        out.append(struct.pack(order + "II", t // unit, t % unit) + rest)
    with open(target, "wb") as f:
        f.write(b"".join(out))
    end = first + int(span * unit)
    return first / unit, end / unit


def day_seconds(h, m, s, ms):
    return int(h) * 3600 + int(m) * 60 + int(s) + (int(ms) / 1000 if ms else 0)


def run_top(binary, pcap, *options):
    """(wall seconds, [(arrival seconds, start, end) per block], output)."""
    start = time.monotonic()
    proc = subprocess.Popen([binary, "top", "--every", EVERY, *options, pcap], stdout=subprocess.PIPE, text=True)
    blocks, lines = [], []
    for line in proc.stdout:
        arrival = time.monotonic() - start
        lines.append(line)
        m = HEADER.match(line.rstrip("\n"))
        if m:
            g = m.groups()
            blocks.append((arrival, day_seconds(*g[0:4]), day_seconds(*g[4:8])))
    proc.wait(timeout=60)
    return time.monotonic() - start, blocks, "".join(lines), proc.returncode


def main():
    binary = os.path.abspath(ninep_binary())
    check = Checker()
    with tempfile.TemporaryDirectory() as tmp:
        pcap = os.path.join(tmp, "stretched.pcap")
        first, last = stretch(SOURCE, pcap, SPAN)
        check.true("the stretched capture spans SPAN", abs((last - first) - SPAN) < 1e-6, str(last - first))

        wall, blocks, paced, code = run_top(binary, pcap, "--realtime")
        check.equal("--realtime: exit status", code, 0)
        check.true("--realtime: ends with 'ninep top: end'", paced.rstrip().endswith("ninep top: end"), paced[-200:])
        check.true("--realtime: a block per interval of the span (%d)" % len(blocks),
                   len(blocks) >= int(SPAN / float(EVERY)), str(len(blocks)))
        check.true("--realtime: took %.3f s, at least the capture's span %.1f s" % (wall, SPAN),
                   wall >= SPAN - TOLERANCE)
        if blocks:
            origin = blocks[0][1]
            for arrival, start, end in blocks:
                due = (end - origin) % 86400
                check.true("--realtime: the block of [%.3f, %.3f) came at %.3f s, not before %.3f s"
                           % (start - origin, end - origin, arrival, due), arrival >= due - TOLERANCE)

        wall_fast, blocks_fast, fast, code = run_top(binary, pcap)
        check.equal("at once: exit status", code, 0)
        check.true("at once: took %.3f s, much less than the span %.1f s" % (wall_fast, SPAN), wall_fast < SPAN / 3)
        check.equal("the same blocks with and without --realtime", fast, paced)
        print("span %.1f s: --realtime %.3f s, at once %.3f s, %d blocks" % (SPAN, wall, wall_fast, len(blocks)))
    check.finish()


if __name__ == "__main__":
    sys.exit(main())
