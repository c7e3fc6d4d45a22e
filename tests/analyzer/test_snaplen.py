"""analyzer.snaplen: header-only captures (issue 16).  Every real capture,
cut with `editcap -s N` at snaplens that keep the link, IP and TCP headers,
gives every exchange whose two 9P headers were captured, with the full
capture's latency, and no other exchange.

The expectation is computed here from the FULL capture, independently of
the analyzer: a plain reading of its frames (pcap records, Ethernet, IPv4,
TCP), each direction's messages found by their size fields in the byte
stream put together by sequence number, and for each message which frame
holds its first 7 bytes and which frame its last byte.  A message is
"header-captured" at snaplen N when its 7 header bytes lie inside the first
N bytes of their frames.  Replies are paired with the oldest outstanding
request of their tag (intro(5)); the latency is the time of the frame
holding the reply's last byte minus that of the frame holding the
request's last byte, captured or not (the sequence numbers say which).
"""
import csv
import io
import json
import os
import struct
import subprocess
import sys

from common import message_names, ninep_binary, run
from ninep_testlib import CAPTURES_DIR, Checker, pcap_frames

HDRSZ = 7
SNAPLENS = (70, 73, 80, 96, 128, 200)  # link+IP+TCP headers take 66 bytes: 70 keeps a size field, 73 a 9P header


def segments_of(path):
    """{(src, sport, dst, dport): [(seq, payload, ts, tcp payload offset in the frame)]}"""
    found = {}
    for _, ts, _, frame in pcap_frames(path):
        if len(frame) < 14 + 20 or struct.unpack(">H", frame[12:14])[0] != 0x0800:
            continue
        ip = frame[14:]
        ihl = (ip[0] & 15) * 4
        if ip[9] != 6:
            continue
        total = struct.unpack(">H", ip[2:4])[0]
        tcp = ip[ihl:total]
        sport, dport, seq = struct.unpack(">HHI", tcp[:8])
        doff = (tcp[12] >> 4) * 4
        payload = tcp[doff:]
        if payload:
            found.setdefault((ip[12:16], sport, ip[16:20], dport), []).append((seq, payload, ts, 14 + ihl + doff))
    return found


def messages_of(segments):
    """[(type, tag, header frame offset, ts of the frame with its last byte)] in stream order."""
    segments = sorted(segments, key=lambda s: (s[0] - segments[0][0]) & 0xFFFFFFFF)
    base = segments[0][0]
    stream, owner = bytearray(), []  # owner[i]: (ts, frame offset of stream byte i)
    for seq, payload, ts, at in segments:
        rel = (seq - base) & 0xFFFFFFFF
        if rel != len(stream):
            continue  # a retransmission: the real captures have none
        for i, b in enumerate(payload):
            stream.append(b)
            owner.append((ts, at + i))
    out, pos = [], 0
    while pos + HDRSZ <= len(stream):
        size = struct.unpack("<I", stream[pos:pos + 4])[0]
        if size < HDRSZ or pos + size > len(stream):
            break
        # the header's last byte sits furthest into its frame
        header_reach = max(owner[pos + i][1] for i in range(HDRSZ)) + 1
        out.append((stream[pos + 4], struct.unpack("<H", stream[pos + 5:pos + 7])[0], header_reach,
                    owner[pos + size - 1][0]))
        pos += size
    return out


def expected_exchanges(path, snaplen, names):
    """[(request name, reply name, tag, latency ns)] of the header-captured exchanges."""
    by_stream = segments_of(path)
    rows = []
    for key, segs in by_stream.items():
        src, sport, dst, dport = key
        msgs = messages_of(segs)
        if not msgs or msgs[0][0] % 2 != 0:
            continue  # the replies' side: paired with its requests below
        back = by_stream.get((dst, dport, src, sport))
        replies = messages_of(back) if back else []
        # One timeline of both directions, by completion time (requests first on a tie).
        events = [(m[3], 0, m) for m in msgs] + [(m[3], 1, m) for m in replies]
        events.sort(key=lambda e: (e[0], e[1]))
        outstanding = {}
        for ts, is_reply, (mtype, tag, reach, done) in events:
            captured = reach <= snaplen
            if not is_reply:
                outstanding.setdefault(tag, []).append((mtype, done, captured))
                continue
            queue = outstanding.get(tag)
            if not queue:
                continue
            rtype, rdone, rcaptured = queue.pop(0)
            if rcaptured and captured:
                rows.append((names.get(rtype, str(rtype)), names.get(mtype, str(mtype)), tag, done - rdone))
    return sorted(rows)


def analyzer_exchanges(binary, path):
    code, out, err = run(binary, "exchanges", "-q", path)
    rows = [(r["request"], r["reply"], int(r["tag"]), int(r["latency_ns"])) for r in csv.DictReader(io.StringIO(out))]
    return code, sorted(rows), err


def main():
    binary = ninep_binary()
    check = Checker()
    names = message_names()
    real = os.path.join(CAPTURES_DIR, "real")
    tmp = os.environ.get("TMPDIR", "/tmp")
    for name in sorted(os.listdir(real)):
        if not name.endswith(".pcap"):
            continue
        full = os.path.join(real, name)
        # The parser here and the analyzer must agree on the whole capture first.
        _, whole, _ = analyzer_exchanges(binary, full)
        whole_totals = json.loads(run(binary, "report", "--json", "-q", full)[1])["totals"]
        check.equal("%s: whole capture, parsed here and by ninep" % name, len(expected_exchanges(full, 1 << 20, names)),
                    len(whole))
        for snaplen in SNAPLENS:
            cut = os.path.join(tmp, "ninep-snaplen-%d-%s" % (snaplen, name))
            subprocess.run(["editcap", "-s", str(snaplen), full, cut], check=True, capture_output=True)
            try:
                code, got, err = analyzer_exchanges(binary, cut)
                want = expected_exchanges(full, snaplen, names)
                label = "%s -s %d" % (name, snaplen)
                check.equal("%s: exit status (%s)" % (label, err.strip()), code, 0)
                missing = [w for w in want if w not in got]
                invented = [g for g in got if g not in want]
                check.true("%s: every header-captured exchange, with the full capture's latency (%d of %d found)"
                           % (label, len(want) - len(missing), len(want)), not missing, repr(missing[:5]))
                check.true("%s: no exchange invented" % label, not invented, repr(invented[:5]))
                code, out, _ = run(binary, "report", "--json", "-q", cut)
                totals = json.loads(out)["totals"]
                check.equal("%s: nothing lost, nothing non-conforming" % label,
                            (totals["gaps"], totals["nonconforming"]), (0, whole_totals["nonconforming"]))
                check.true("%s: no more bytes not 9P than in the whole capture" % label,
                           totals["not_9p_bytes"] <= whole_totals["not_9p_bytes"],
                           "(%d > %d)" % (totals["not_9p_bytes"], whole_totals["not_9p_bytes"]))
            finally:
                os.unlink(cut)
    check.finish()


if __name__ == "__main__":
    sys.exit(main())
