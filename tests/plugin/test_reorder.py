"""plugin.reorder: the generated captures whose TCP segments were captured
out of order (tcp_reorder, tcp_reorder_overlap), read with Wireshark's
DEFAULT preferences (tcp.reassemble_out_of_order off).  Wireshark then hands
a subdissector no out-of-order (or retransmitted) segment (its preference
tcp.no_subdissector_on_error, on by default: "Do not call any subdissectors
for Retransmitted or OutOfOrder segments"), so the segment after one
arrives after a hole.  The plugin must:
  - report no 9P expert info of severity warning or error (the reordering is
    no fault of 9P: no "not 9P", no false size, no follow-on link warnings);
  - give exactly one note per connection direction with a hole, naming the
    preference tcp.reassemble_out_of_order;
  - decode and link every message that is certain, and no other.

The expectation is worked out here from the capture's bytes alone (no tool
under test): the segments of each direction put in sequence give every
message the peers sent (checked against the generator's .expected counts);
a segment captured after a later one of its direction is one Wireshark does
not hand on; a message is certain when all its bytes were handed on and
framing is in step at its start, which after a message with bytes missing it
is again only at a handed segment that starts a message (the
resynchronisation rule of captures/generated/README.md).  With the
preference on, tshark must show every message (a cross-check of the model).
"""
import struct
import xml.etree.ElementTree as ElementTree

from plugin_common import Checker, capture_named, fields, plugin_path, read_expected, tshark
from ninep_testlib import pcap_frames

SERVER_PORT = 564
SEVERITY_WARN = 0x00600000  # epan/proto.h PI_WARN; PI_ERROR is above it
FLAG_SYN = 0x02
# Generated captures (captures/generated/README.md) whose segments come out of order.
CAPTURES = ["tcp_reorder", "tcp_reorder_overlap"]


def segments(path):
    """[(frame, from_client, relative seq, payload)] of an Ethernet/IPv4 TCP capture."""
    isn = {}
    out = []
    for number, _, _, data in pcap_frames(path):
        if struct.unpack(">H", data[12:14])[0] != 0x0800:
            continue
        ihl = (data[14] & 0x0F) * 4
        total = struct.unpack(">H", data[16:18])[0]
        tcp = data[14 + ihl:14 + total]
        sport, dport, seq = struct.unpack(">HHI", tcp[:8])
        flags = tcp[13]
        payload = tcp[(tcp[12] >> 4) * 4:]
        from_client = dport == SERVER_PORT
        if flags & FLAG_SYN:
            isn[from_client] = seq
            continue
        if payload:
            out.append((number, from_client, (seq - isn[from_client] - 1) % 2**32, payload))
    return out


def messages(segs, from_client):
    """Every message of one direction, in stream order:
    dict(start, end, type, tag, frames: the frames holding its bytes)."""
    stream = {}
    owner = {}
    for frame, side, seq, payload in segs:
        if side != from_client:
            continue
        for i, byte in enumerate(payload):
            if seq + i not in stream:  # the first copy wins
                stream[seq + i] = byte
                owner[seq + i] = frame
    total = max(stream) + 1 if stream else 0
    assert sorted(stream) == list(range(total)), "a hole in the stream"
    data = bytes(stream[i] for i in range(total))
    out, at, reached = [], 0, 0
    while at + 7 <= total:
        size, mtype, tag = struct.unpack("<IBH", data[at:at + 7])
        assert size >= 7 and at + size <= total, "stream does not frame at %d" % at
        frames = {owner[i] for i in range(at, at + size)}
        reached = max([reached] + list(frames))
        # in_order: the frame where the stream is whole up to its end, where
        # TCP reassembly in order shows it
        out.append({"start": at, "end": at + size, "type": mtype, "tag": tag, "frames": frames,
                    "in_order": reached})
        at += size
    assert at == total
    return out


def handed_on(segs):
    """The frames whose segment Wireshark hands to 9P by default: not captured
    after a later segment of its direction (out of order or retransmitted)."""
    handed, reach = set(), {}
    for frame, side, seq, payload in segs:
        end = seq + len(payload)
        if side not in reach or seq >= reach[side]:
            handed.add(frame)
        reach[side] = max(reach.get(side, 0), end)
    return handed


def certain(segs, msgs, from_client, handed):
    """The messages of one direction a correct dissector can decode."""
    starts = {seq for frame, side, seq, _ in segs if side == from_client and frame in handed}
    out, in_step = [], True
    for m in msgs:
        whole = m["frames"] <= handed
        if not in_step and whole and m["start"] in starts:
            in_step = True
        if in_step and whole:
            out.append(m)
        elif not whole:
            in_step = False
    return out


def exchanges(msgs_by_side, kept, shown_in):
    """(request frame, reply frame) pairs whose both messages are kept: a
    reply answers the latest earlier request of its tag, in the order the
    peers sent them (the frames of their last bytes).  shown_in(message):
    the frame where the dissector shows it."""
    events = []
    for side, msgs in msgs_by_side.items():
        for m in msgs:
            events.append((max(m["frames"]), m["start"], side, m))
    events.sort(key=lambda e: (e[0], e[1]))
    outstanding, pairs = {}, []
    for _, _, side, m in events:
        if side:
            outstanding[m["tag"]] = m
        elif m["tag"] in outstanding:
            request = outstanding.pop(m["tag"])
            if id(request) in kept and id(m) in kept:
                pairs.append((shown_in(request), shown_in(m)))
    return sorted(pairs)


def in_order(m):
    return m["in_order"]


def own_frames(m):
    return max(m["frames"])


def ninep_experts(plugin, pcap, two_pass):
    """[(frame, severity, message)] of the expert infos inside the ninep layer."""
    _, out, _ = tshark(plugin, pcap, "-T", "pdml", two_pass=two_pass)
    found = []
    for packet in ElementTree.fromstring(out).iter("packet"):
        number = int(next(f.get("show") for f in packet.iter("field") if f.get("name") == "frame.number"))
        for proto in packet.iter("proto"):
            if proto.get("name") != "ninep":
                continue
            for expert in proto.iter("field"):
                if expert.get("name") != "_ws.expert":
                    continue
                values = {f.get("name"): f.get("show") for f in expert.iter("field")}
                found.append((number, int(values["_ws.expert.severity"]), values["_ws.expert.message"]))
    return found


def decoded(plugin, pcap, preferences=(), two_pass=False):
    rows = fields(plugin, pcap, ["frame.number", "ninep.type", "ninep.tag", "ninep.request_in"],
                  preferences=preferences, two_pass=two_pass, display_filter="ninep")
    msgs, links = [], []
    for r in rows:
        frame = int(r["frame.number"][0])
        for mtype, tag in zip(r["ninep.type"], r["ninep.tag"]):
            msgs.append((frame, int(mtype), int(tag)))
        links += [(int(request), frame) for request in r["ninep.request_in"]]
    return sorted(msgs), sorted(links)


def check_capture(check, plugin, stem, pcap, sent_messages, sent_round_trips):
    """sent_messages, sent_round_trips: what the generator put in the capture."""
    segs = segments(pcap)
    by_side = {side: messages(segs, side) for side in (True, False)}
    everything = [m for side in by_side for m in by_side[side]]

    # The model against what the generator sent.
    check.equal("%s: messages in the stream" % stem, len(everything), sent_messages)
    all_pairs = exchanges(by_side, {id(m) for m in everything}, in_order)
    check.equal("%s: round trips in the stream" % stem, len(all_pairs), sent_round_trips)

    # Cross-check: with the preference on, Wireshark reorders and the
    # plugin shows every message and link.
    every = sorted((in_order(m), m["type"], m["tag"]) for m in everything)
    got, got_links = decoded(plugin, pcap, preferences=["tcp.reassemble_out_of_order:TRUE"], two_pass=True)
    check.equal("%s: preference on: every message" % stem, got, every)
    check.equal("%s: preference on: every link" % stem, got_links, all_pairs)

    handed = handed_on(segs)
    kept = {side: certain(segs, by_side[side], side, handed) for side in by_side}
    # a certain message lies in segments handed on in sequence: shown where its last byte is
    want = sorted((own_frames(m), m["type"], m["tag"]) for side in kept for m in kept[side])
    want_links = exchanges(by_side, {id(m) for side in kept for m in kept[side]}, own_frames)
    check.true("%s: the capture has out-of-order segments" % stem, len(handed) < len(segs))
    check.true("%s: some messages are not certain" % stem, len(want) < len(every))
    # A direction with a segment held back has a hole: one note each.
    sides_with_holes = {side for frame, side, _, _ in segs if frame not in handed}

    for two_pass in (False, True):
        label = "%s %s" % (stem, "two-pass" if two_pass else "one-pass")
        got, got_links = decoded(plugin, pcap, two_pass=two_pass)
        check.equal("%s: the certain messages, decoded" % label, got, want)
        check.equal("%s: the certain exchanges, linked" % label, got_links, want_links)
        experts = ninep_experts(plugin, pcap, two_pass)
        bad = [e for e in experts if e[1] >= SEVERITY_WARN]
        check.equal("%s: no 9P warning or error" % label, bad, [])
        notes = [e for e in experts if "tcp.reassemble_out_of_order" in e[2]]
        check.equal("%s: one out-of-order note per direction" % label, len(notes), len(sides_with_holes))
        check.true("%s: notes in frames 9P was handed" % label, all(e[0] in handed for e in notes), repr(notes))


def main():
    plugin = plugin_path()
    check = Checker()
    for stem in CAPTURES:
        pcap, expected_path = capture_named(stem)
        expected = read_expected(expected_path)  # the generator's ledger
        check_capture(check, plugin, stem, pcap, expected["requests"] + expected["replies"],
                      expected["round_trips"])
    check.finish()


main()
