"""plugin.snaplen: the real captures cut with editcap -s N (issue 16, part 1).

On a capture whose snaplen cut the payload, every 9P message whose 7-byte
header (size, type, tag) was captured is shown, in the frame that completes
it, and every exchange whose two headers were captured is linked, with the
request type, tag, request frame and response time of the whole capture;
no other message or link is shown, and the cut brings no Malformed, no
error and no warning that the whole capture does not have (one snaplen
note per connection at most).  Snaplens: one that cuts into the TCP header,
then the link+IP+TCP headers plus 0, 4 (size only), 7 (the header
exactly), 30, 62 and 134 payload bytes.

The expectation does not come from the plugin on the cut capture.  This
file reads the WHOLE capture itself (pcap, Ethernet, IPv4, TCP), frames
each direction of each TCP connection by sequence numbers and 9P size
fields, and finds for each message its completing frame (the frame of its
last byte) and the frames of its first 7 bytes; a header is captured at
snaplen N when each of those bytes lies within the first N bytes of its
frame.  The links and times come from the plugin on the whole capture,
which the other tests check against the captures' ground truth; its
messages must be exactly the ones framed here.
"""
import json
import os
import struct
import subprocess
import sys
import tempfile

from plugin_common import Checker, plugin_path, tshark, SOURCE_DIR
from ninep_testlib import pcap_frames

CAPTURES = ["diod_9p2000L_ls_cat", "diod_9p2000L_tools", "diod_9p2000L_diodload", "diod_9p2000L_l_client",
            "ling_9p2000e_classic", "ling_9p2000e_macro", "ling_9p2000e_session",
            "p9p_9p2000_9pserve_ramfs", "p9p_9p2000_listen1_ramfs"]
HDRSZ = 7
# Beyond the link, IP and TCP headers of a frame: nothing, the size field
# only, the header exactly, and a few common payload cuts.
PAYLOAD_CUTS = [0, 4, 7, 30, 62, 134]
# Below the headers: a snaplen that cuts into the TCP header itself.
HEADER_CUT = 60


def tcp_segments(frames):
    """Per frame with TCP payload: (frame, (client?, connection key), seq, payload offset in frame, payload)."""
    out = []
    for number, length, raw in frames:
        if len(raw) != length:
            raise AssertionError("frame %d of the whole capture is cut" % number)
        if struct.unpack("!H", raw[12:14])[0] != 0x0800:
            continue
        ip = 14
        ihl = (raw[ip] & 0x0F) * 4
        if raw[ip + 9] != 6:
            continue
        total = struct.unpack("!H", raw[ip + 2:ip + 4])[0]
        src, dst = raw[ip + 12:ip + 16], raw[ip + 16:ip + 20]
        tcp = ip + ihl
        sport, dport, seq = struct.unpack("!HHI", raw[tcp:tcp + 8])
        thl = (raw[tcp + 12] >> 4) * 4
        start = tcp + thl
        payload = raw[start:ip + total]
        if payload:
            out.append((number, (src, sport, dst, dport), seq, start, payload))
    return out


def frame_messages(segments):
    """Every 9P message of the whole capture: dicts with its completing
    frame, type, tag and the (frame, offset in frame) of each header byte."""
    streams = {}
    for number, key, seq, start, payload in segments:
        streams.setdefault(key, []).append((number, seq, start, payload))
    messages = []
    for key, segs in streams.items():
        # bytes of the stream in order: (frame, offset in frame, byte)
        stream = []
        expected = None
        for number, seq, start, payload in segs:
            skip = 0
            if expected is not None:
                delta = (seq - expected) & 0xFFFFFFFF
                if delta != 0 and delta < 0x80000000:
                    raise AssertionError("gap in the whole capture at frame %d" % number)
                if delta:
                    skip = (expected - seq) & 0xFFFFFFFF  # retransmitted bytes
            for i in range(skip, len(payload)):
                stream.append((number, start + i, payload[i]))
            end = (seq + len(payload)) & 0xFFFFFFFF
            if expected is None or ((end - expected) & 0xFFFFFFFF) < 0x80000000:
                expected = end
        pos = 0
        while pos + HDRSZ <= len(stream):
            head = bytes(b for _, _, b in stream[pos:pos + HDRSZ])
            size, mtype, tag = struct.unpack("<IBH", head)
            if size < HDRSZ or pos + size > len(stream):
                break
            messages.append({"frame": stream[pos + size - 1][0], "type": mtype, "tag": tag,
                             "header": [(f, o) for f, o, _ in stream[pos:pos + HDRSZ]]})
            pos += size
        # Bytes left over: a message the capture ends in the middle of.
    return messages


def header_captured(message, snaplen):
    return all(offset < snaplen for _, offset in message["header"])


def plugin_messages(plugin, pcap):
    """Every ninep message the plugin shows (two passes): dicts of frame,
    type, tag, and for a reply its request frame, request type and time."""
    _, out, _ = tshark(plugin, pcap, "-2", "-T", "json", "--no-duplicate-keys", "-J", "frame ninep",
                       "-Y", "ninep")
    found = []
    for packet in json.loads(out or "[]"):
        layers = packet["_source"]["layers"]
        frame = int(layers["frame"]["frame.number"])
        instances = layers.get("ninep", [])
        if isinstance(instances, dict):
            instances = [instances]
        for m in instances:
            if "ninep.type" not in m:
                continue  # a part of a message, or bytes after a lost boundary
            found.append({"frame": frame, "type": int(m["ninep.type"]), "tag": int(m["ninep.tag"]),
                          "request_in": int(m["ninep.request_in"]) if "ninep.request_in" in m else None,
                          "request_type": m.get("ninep.request_type"), "time": m.get("ninep.time")})
    return found


def faults(plugin, pcap):
    """(frame, expert message) of every Malformed, error expert and ninep
    warning, and the number of snaplen notes."""
    _, out, _ = tshark(plugin, pcap, "-2", "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=\x1f",
                       "-e", "frame.number", "-e", "_ws.expert.message", "-e", "_ws.expert.severity",
                       "-Y", "_ws.malformed || _ws.expert.severity >= 0x00600000 || ninep.snaplen")
    found, notes = set(), 0
    for line in out.splitlines():
        cols = line.split("\t") + ["", ""]
        frame = int(cols[0])
        if "_ws.malformed" in line or "Malformed" in line:
            found.add((frame, "Malformed"))
        for message, severity in zip(cols[1].split("\x1f"), cols[2].split("\x1f")):
            if message.startswith("The capture's snaplen cut"):
                notes += 1
            elif severity and int(severity) >= 0x00600000:
                found.add((frame, message))
    return found, notes


def key(m):
    return (m["frame"], m["type"], m["tag"])


def main():
    plugin = plugin_path()
    check = Checker()
    work = tempfile.mkdtemp(prefix="ninep-snaplen.")
    os.chmod(work, 0o755)
    summary = []
    for stem in CAPTURES:
        pcap = os.path.join(SOURCE_DIR, "captures", "real", stem + ".pcap")
        frames = [(number, length, raw) for number, _, length, raw in pcap_frames(pcap)]
        segments = tcp_segments(frames)
        connections = len({tuple(sorted([(k[0], k[1]), (k[2], k[3])])) for _, k, _, _, _ in segments})
        headers = {start for _, _, _, start, _ in segments}
        check.equal("%s: one header length" % stem, len(headers), 1)
        overhead = headers.pop()
        messages = frame_messages(segments)

        whole = plugin_messages(plugin, pcap)
        whole_faults, _ = faults(plugin, pcap)
        check.equal("%s: the whole capture's messages are the ones framed here" % stem,
                    sorted(key(m) for m in whole), sorted(key(m) for m in messages))
        by_key = {}
        for m in whole:
            by_key.setdefault(key(m), []).append(m)
        requests = {(m["frame"], m["tag"]): m for m in messages if m["type"] % 2 == 0}
        replies = [m for m in whole if m["request_in"] is not None]

        line = ["%s: whole %d linked" % (stem, len(replies))]
        for snaplen in [HEADER_CUT] + [overhead + cut for cut in PAYLOAD_CUTS]:
            cut = os.path.join(work, "%s_s%d.pcap" % (stem, snaplen))
            subprocess.run(["editcap", "-s", str(snaplen), pcap, cut], check=True)
            os.chmod(cut, 0o644)
            what = "%s -s %d" % (stem, snaplen)

            captured = {key(m) for m in messages if header_captured(m, snaplen)}
            expected_links = set()
            for r in replies:
                reply_msg = [m for m in messages if key(m) == key(r)]
                request_msg = [m for m in messages if m["frame"] == r["request_in"] and
                               str(m["type"]) == r["request_type"] and m["tag"] == r["tag"]]
                if (reply_msg and request_msg and header_captured(reply_msg[0], snaplen)
                        and header_captured(request_msg[0], snaplen)):
                    expected_links.add((r["frame"], r["type"], r["tag"], r["request_in"], r["request_type"],
                                        r["time"]))

            shown = plugin_messages(plugin, cut)
            got_links = {(m["frame"], m["type"], m["tag"], m["request_in"], m["request_type"], m["time"])
                         for m in shown if m["request_in"] is not None}
            check.equal("%s: messages shown are those whose header was captured" % what,
                        sorted(key(m) for m in shown), sorted(captured))
            missing = sorted(expected_links - got_links)
            invented = sorted(got_links - expected_links)
            check.true("%s: every exchange whose headers were captured is linked as in the whole capture"
                       % what, not missing, "missing %d, e.g. %s" % (len(missing), missing[:3]))
            check.true("%s: no link that the whole capture does not have" % what, not invented,
                       "invented %d, e.g. %s" % (len(invented), invented[:3]))
            found, notes = faults(plugin, cut)
            bad = sorted(found - whole_faults)
            check.true("%s: no Malformed, error or warning the whole capture does not have" % what, not bad,
                       "%d, e.g. %s" % (len(bad), bad[:5]))
            check.true("%s: at most one snaplen note per connection" % what, notes <= connections,
                       "%d notes, %d connections" % (notes, connections))
            line.append("s%d %d/%d" % (snaplen, len(got_links), len(expected_links)))
        summary.append(", ".join(line))
    for line in summary:
        print(line)
    check.finish()


main()
