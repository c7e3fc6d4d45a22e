#!/usr/bin/env python3
"""Seed the fuzz corpora from the bundled captures.

    tests/fuzz/seed_corpus.py            # rewrite tests/fuzz/corpus/{decode,capture,engine}/

corpus/decode/: every distinct 9P message found in captures/real and
captures/generated.  Each direction of each TCP connection is put together
naively (segments sorted by sequence number, a repeated sequence number
kept once, no gaps filled) and cut by the size field until it stops making
sense; a message goes in once (files are named by the sha1 of their bytes).
This parser is deliberately independent of the analyzer's: it only has to
be good enough to find well-formed messages in well-formed captures.

corpus/capture/: every capture under 64 KB, behind fuzz_capture.c's 4-byte
control header, twice: as the reassembler delivers it (header 00 000000),
and split at PRNG points with ports, CSV and JSON on (header 07 + a seed).

corpus/engine/: for every capture, its 9P connections (up to ENGINE_MAX
bytes each) as fuzz_engine.c's records: requests and replies in turn, each
cut into records of up to 64 bytes of one direction; connections alternate
between the target's two conversations, so a 9P2000.e Tsession can resume
the session of an earlier one.

Standard library only.  Deterministic: the same captures give the same
files.  Existing files in the two folders are replaced; regressions/ is
never touched.
"""
import hashlib
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.path.dirname(os.path.dirname(HERE))
CAPTURE_DIRS = [os.path.join(SOURCE_DIR, "captures", d) for d in ("real", "generated")]
DECODE_DIR = os.path.join(HERE, "corpus", "decode")
CAPTURE_CORPUS_DIR = os.path.join(HERE, "corpus", "capture")
ENGINE_DIR = os.path.join(HERE, "corpus", "engine")
ENGINE_MAX = 16 * 1024
RECORD_MAX = 64

HDRSZ = 7            # size[4] type[1] tag[2]
MAX_MESSAGE = 8192   # larger messages (big Rreads) add bytes, not structure
PER_TYPE = 12        # distinct messages kept per (message type, size class)
MAX_CAPTURE = 64 * 1024

# LINKTYPE_ values and how many bytes of link header precede IP (None: parsed)
LT_NULL, LT_ETHER, LT_RAW, LT_LOOP, LT_SLL, LT_IPV4, LT_IPV6, LT_SLL2 = 0, 1, 101, 108, 113, 228, 229, 276
ETH_VLAN = (0x8100, 0x88A8, 0x9100)
IPV6_EXT = (0, 43, 60)  # hop-by-hop, routing, destination options


def read_pcap(data):
    """[(linktype, frame)] of a classic pcap (either byte order, us or ns)."""
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        endian = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        endian = ">"
    else:
        return []
    linktype = struct.unpack(endian + "I", data[20:24])[0] & 0x0FFFFFFF
    out, pos = [], 24
    while pos + 16 <= len(data):
        caplen = struct.unpack(endian + "I", data[pos + 8:pos + 12])[0]
        pos += 16
        if pos + caplen > len(data):
            break
        out.append((linktype, data[pos:pos + caplen]))
        pos += caplen
    return out


def read_pcapng(data):
    """[(linktype, frame)] of a pcapng: EPBs and SPBs, every section."""
    out, pos, endian, interfaces = [], 0, "<", []
    while pos + 12 <= len(data):
        if data[pos:pos + 4] == b"\x0a\x0d\x0d\x0a":
            endian = "<" if data[pos + 8:pos + 12] == b"\x4d\x3c\x2b\x1a" else ">"
            interfaces = []
        btype, blen = struct.unpack(endian + "II", data[pos:pos + 8])
        if blen < 12 or pos + blen > len(data):
            break
        body = data[pos + 8:pos + blen - 4]
        if btype == 1 and len(body) >= 2:    # Interface Description Block
            interfaces.append(struct.unpack(endian + "H", body[:2])[0])
        elif btype == 6 and len(body) >= 20:  # Enhanced Packet Block
            ifid, _, _, caplen = struct.unpack(endian + "IIII", body[:16])
            if ifid < len(interfaces):
                out.append((interfaces[ifid], body[20:20 + caplen]))
        elif btype == 3 and len(body) >= 4 and interfaces:  # Simple Packet Block
            out.append((interfaces[0], body[4:]))
        pos += blen
    return out


def link_to_ip(linktype, frame):
    """The IP packet inside a frame, or None."""
    if linktype == LT_ETHER:
        pos = 12
        while pos + 2 <= len(frame):
            ethertype = struct.unpack(">H", frame[pos:pos + 2])[0]
            if ethertype in ETH_VLAN:
                pos += 4
                continue
            return frame[pos + 2:] if ethertype in (0x0800, 0x86DD) else None
        return None
    if linktype in (LT_NULL, LT_LOOP):
        return frame[4:]
    if linktype in (LT_RAW, LT_IPV4, LT_IPV6):
        return frame
    if linktype == LT_SLL:
        return frame[16:]
    if linktype == LT_SLL2:
        return frame[20:]
    return None


def ip_to_tcp(packet):
    """(src, dst, tcp segment) of an unfragmented IPv4 or IPv6 packet, or None."""
    if len(packet) < 1:
        return None
    version = packet[0] >> 4
    if version == 4 and len(packet) >= 20:
        ihl = (packet[0] & 15) * 4
        total = struct.unpack(">H", packet[2:4])[0]
        frag = struct.unpack(">H", packet[6:8])[0]
        if packet[9] != 6 or frag & 0x3FFF:  # not TCP, or a fragment: skipped
            return None
        return packet[12:16], packet[16:20], packet[ihl:min(total, len(packet))]
    if version == 6 and len(packet) >= 40:
        nxt, pos = packet[6], 40
        end = 40 + struct.unpack(">H", packet[4:6])[0]
        while nxt in IPV6_EXT and pos + 8 <= len(packet):
            nxt, pos = packet[pos], pos + (packet[pos + 1] + 1) * 8
        if nxt != 6:
            return None
        return packet[8:24], packet[24:40], packet[pos:min(end, len(packet))]
    return None


def streams_of(path):
    """{(src, sport, dst, dport): bytes}: each direction's payload, naively."""
    with open(path, "rb") as f:
        data = f.read()
    frames = read_pcapng(data) if data[:4] == b"\x0a\x0d\x0d\x0a" else read_pcap(data)
    segments = {}
    for linktype, frame in frames:
        ip = link_to_ip(linktype, frame)
        found = ip_to_tcp(ip) if ip else None
        if not found:
            continue
        src, dst, seg = found
        if len(seg) < 20:
            continue
        sport, dport, seq = struct.unpack(">HHI", seg[:8])
        payload = seg[(seg[12] >> 4) * 4:]
        if payload:
            segments.setdefault((src, sport, dst, dport), []).append((seq, payload))
    streams = {}
    for key, segs in segments.items():
        base = segs[0][0]
        # Relative to the first segment, so a sequence wrap sorts right.
        ordered = sorted(((s - base) & 0xFFFFFFFF, p) for s, p in segs)
        seen, parts = set(), []
        for rel, payload in ordered:
            if rel not in seen:
                seen.add(rel)
                parts.append(payload)
        streams[key] = b"".join(parts)
    return streams


def messages_of(stream):
    """Cut a stream by the size field until a size stops making sense."""
    pos = 0
    while pos + HDRSZ <= len(stream):
        size = struct.unpack("<I", stream[pos:pos + 4])[0]
        if size < HDRSZ or pos + size > len(stream):
            return
        yield stream[pos:pos + size]
        pos += size


def engine_records(path):
    """fuzz_engine.c's input for one capture: its connections, in turn."""
    streams = streams_of(path)
    out, conversation = bytearray(), 0
    for key in sorted(streams):
        client = list(messages_of(streams[key]))
        if not client or client[0][4] % 2 != 0:
            continue  # the server's side: taken with its client
        src, sport, dst, dport = key
        server = list(messages_of(streams.get((dst, dport, src, sport), b"")))
        turns = []
        for i in range(max(len(client), len(server))):
            turns += [(0, m) for m in client[i:i + 1]] + [(1, m) for m in server[i:i + 1]]
        for direction, msg in turns:
            for at in range(0, len(msg), RECORD_MAX):
                piece = msg[at:at + RECORD_MAX]
                out += bytes([((len(piece) - 1) << 2) | (conversation << 1) | direction]) + piece
            if len(out) > ENGINE_MAX * (conversation + 1):
                break
        conversation ^= 1
        if len(out) > 2 * ENGINE_MAX:
            break
    return bytes(out)


def replace_folder(folder, files):
    os.makedirs(folder, exist_ok=True)
    for name in os.listdir(folder):
        if not name.startswith("."):
            os.remove(os.path.join(folder, name))
    for name, data in files.items():
        with open(os.path.join(folder, name), "wb") as f:
            f.write(data)


def main():
    captures = []
    for folder in CAPTURE_DIRS:
        for name in sorted(os.listdir(folder)):
            if name.endswith((".pcap", ".pcapng")):
                captures.append(os.path.join(folder, name))

    decode, kept = {}, {}
    for path in captures:
        streams = streams_of(path)
        for key in sorted(streams):
            for msg in messages_of(streams[key]):
                if len(msg) > MAX_MESSAGE:
                    continue
                # A few of each type and size class: the corpus stays small
                # and every layout stays in it.
                cls = (msg[4], len(msg).bit_length())
                digest = hashlib.sha1(msg).hexdigest()
                if digest in decode or kept.get(cls, 0) >= PER_TYPE:
                    continue
                kept[cls] = kept.get(cls, 0) + 1
                decode[digest] = msg

    capture = {}
    for path in captures:
        with open(path, "rb") as f:
            data = f.read()
        if len(data) >= MAX_CAPTURE:
            continue
        seed = hashlib.sha1(os.path.basename(path).encode()).digest()[:3]
        for header in (b"\x00\x00\x00\x00", b"\x07" + (seed if seed != b"\0\0\0" else b"\0\0\1")):
            blob = header + data
            capture[hashlib.sha1(blob).hexdigest()] = blob

    engine = {}
    for path in captures:
        blob = engine_records(path)
        if blob:
            engine[hashlib.sha1(blob).hexdigest()] = blob

    replace_folder(DECODE_DIR, decode)
    replace_folder(CAPTURE_CORPUS_DIR, capture)
    replace_folder(ENGINE_DIR, engine)
    for folder, files in ((DECODE_DIR, decode), (CAPTURE_CORPUS_DIR, capture), (ENGINE_DIR, engine)):
        print("%s: %d files, %d bytes" % (os.path.relpath(folder, SOURCE_DIR), len(files),
                                          sum(len(d) for d in files.values())))
    types = sorted({m[4] for m in decode.values()})
    print("message types in corpus/decode: %d (%s)" % (len(types), " ".join(map(str, types))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
