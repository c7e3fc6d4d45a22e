"""plugin.bad_input: a capture written here, on port 564, with bad 9P:
more than 16 walk names, a string past the end, a size larger than the
fields, a size below 7, and a size above msize.  Each is reported with the
offending field; tshark reports no dissector bug; the messages after each
still decode."""
import os
import struct
import tempfile

from plugin_common import Checker, fields, plugin_path

CLIENT, SERVER = (bytes([10, 0, 0, 1]), 40000), (bytes([10, 0, 0, 2]), 564)


def s(text):
    data = text.encode()
    return struct.pack("<H", len(data)) + data


def msg(mtype, tag, body, size=None):
    return struct.pack("<IBH", size if size is not None else 7 + len(body), mtype, tag) + body


class Pcap:
    """Ethernet/IPv4/TCP segments of one connection (checksums left 0:
    tshark does not check them by default)."""

    def __init__(self):
        self.frames = []
        self.seq = {True: 1000, False: 5000}
        self.time = 0

    def segment(self, from_client, payload):
        src, dst = (CLIENT, SERVER) if from_client else (SERVER, CLIENT)
        tcp = struct.pack(">HHIIBBHHH", src[1], dst[1], self.seq[from_client], self.seq[not from_client],
                          5 << 4, 0x18, 65535, 0, 0)
        ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp) + len(payload), 0, 0x4000, 64, 6, 0, src[0], dst[0])
        eth = b"\x02\x00\x00\x00\x00\x02" + b"\x02\x00\x00\x00\x00\x01" + b"\x08\x00"
        self.seq[from_client] += len(payload)
        self.time += 1000
        self.frames.append((self.time, eth + ip + tcp + payload))

    def write(self, path):
        with open(path, "wb") as f:
            f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
            for t, data in self.frames:
                f.write(struct.pack("<IIII", t // 1000000, t % 1000000, len(data), len(data)))
                f.write(data)


def build(path):
    p = Pcap()
    T, R = True, False
    p.segment(T, msg(100, 0xFFFF, struct.pack("<I", 8192) + s("9P2000.L")))
    p.segment(R, msg(101, 0xFFFF, struct.pack("<I", 8192) + s("9P2000.L")))
    p.segment(T, msg(104, 1, struct.pack("<II", 0, 0xFFFFFFFF) + s("u") + s("/") + struct.pack("<I", 0)))
    p.segment(R, msg(105, 1, bytes(13)))
    # 17 walk names: more than the 16 allowed
    p.segment(T, msg(110, 2, struct.pack("<IIH", 0, 1, 17) + b"".join(s("d%d" % i) for i in range(17))))
    p.segment(R, msg(7, 2, struct.pack("<I", 22)))
    # a walk name whose length runs past the end of the message
    p.segment(T, msg(110, 3, struct.pack("<IIH", 0, 2, 1) + struct.pack("<H", 200) + b"abc"))
    p.segment(R, msg(7, 3, struct.pack("<I", 22)))
    # a Tclunk with two bytes more than its fields
    p.segment(T, msg(120, 4, struct.pack("<I", 0) + b"\0\0"))
    p.segment(R, msg(121, 4, b""))
    # a size below the 7-byte header, then a good message in the next segment
    p.segment(T, struct.pack("<IBH", 3, 120, 5))
    p.segment(T, msg(24, 6, struct.pack("<IQ", 0, 0x7FF)))
    p.segment(R, msg(7, 6, struct.pack("<I", 2)))
    # a size above the negotiated msize, then a good message
    p.segment(T, struct.pack("<IBH", 9000, 118, 7) + bytes(16))
    p.segment(T, msg(120, 8, struct.pack("<I", 0)))
    p.segment(R, msg(121, 8, b""))
    p.write(path)


def main():
    plugin = plugin_path()
    check = Checker()
    folder = tempfile.mkdtemp(prefix="ninep-bad-input.")
    path = os.path.join(folder, "bad_input.pcap")
    build(path)
    for two_pass in (False, True):
        label = "two-pass" if two_pass else "one-pass"
        rows = fields(plugin, path, ["frame.number", "ninep.message", "ninep.request_in", "ninep.not_9p",
                                     "_ws.expert.message", "_ws.malformed"], two_pass=two_pass)
        experts = [m for r in rows for m in r["_ws.expert.message"]]
        check.true("%s: no dissector bug" % label, not any("issector bug" in m for m in experts), repr(experts))
        # Our malformed experts also set _ws.malformed; an exception would
        # say so in its own expert text.
        check.true("%s: no exception" % label, not any("Exception occurred" in m for m in experts), repr(experts))
        for needle in ("nwname: more than 16 walk elements", "wname: string runs past the end",
                       "size: size is larger than the fields", "size 9000 is above the msize 8192"):
            check.true("%s: expert '%s'" % (label, needle), any(needle in m for m in experts), repr(experts))
        check.equal("%s: not-9P chunks" % label, [len(v) // 2 for r in rows for v in r["ninep.not_9p"]
                                                  if len(r["ninep.message"]) == 0], [7, 23])
        messages = [m for r in rows for m in r["ninep.message"]]
        check.equal("%s: messages decoded around the bad ones" % label, messages,
                    ["Tversion", "Rversion", "Tattach", "Rattach", "Twalk", "Rlerror", "Twalk", "Rlerror",
                     "Tclunk", "Rclunk", "Tgetattr", "Rlerror", "Tclunk", "Rclunk"])
        replies = [r for r in rows if any(m.startswith("R") for m in r["ninep.message"])]
        check.true("%s: every reply matched" % label, all(r["ninep.request_in"] for r in replies))
    check.finish()


main()
