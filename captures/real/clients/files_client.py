#!/usr/bin/env python3
"""A plain-socket 9P2000.L client that moves files of known content to and
from a real server (diod), to record captures/real/diod_9p2000L_files.pcap:
the capture both tools must give the files back from (issue 17, "The files
themselves").

    python3 files_client.py --port 5663 --export /srv/9p/diod_c --record record.jsonl

The export must hold hello.txt, numbers.txt, alpha.txt, sub/inner.txt and
big.bin (record_diod_files.sh writes them); the client creates multi.txt and
once.txt.  Two connections, every request waiting for its reply:

  connection 1: hello.txt read whole in one Tread, then a Twrite on the same
  fid, opened read-only (the server answers Rlerror: nothing is written);
  numbers.txt in Treads of 1000 bytes, up to the Tread at EOF; alpha.txt read
  whole; sub/inner.txt read whole; the root directory read with Treaddir (a
  directory, not a file).  Then the client rewrites alpha.txt ON DISK (same
  length, "line" -> "LINE" on its first line), so that
  connection 2: reads alpha.txt again and gets different bytes (a tool must
  keep the later ones); creates multi.txt (Tlcreate) and writes it in three
  Twrites at increasing offsets; creates once.txt, writes it in one Twrite
  and reads it back; reads big.bin at [0, 4000) and [40000, 44000) and not
  what lies between (the capture holds the file with a hole).

Every Tread and Twrite is written to --record (one JSON object per line:
connection, the client's TCP port, kind, the file's 9P path as "attach name
+ walk", offset, count asked, count moved, whether the server said yes, and
the data as hex), from which files_truth.py makes the .files truth.  The
message encoding is l_client.py's (imported, not copied); nothing here uses
the ninep project's code.
"""
import argparse
import collections
import json
import os
import struct
import sys

from l_client import NUM, O_RDONLY, O_RDWR, O_CREAT, Conn

MSIZE = 65536
COUNT_SMALL = 1000          # numbers.txt is read in Treads of this many bytes
COUNT_WHOLE = 8192          # more than any small file here holds
BIG_RANGES = ((0, 4000), (40000, 4000))  # the two ranges of big.bin read (offset, count)

# What the client writes.  multi.txt: 2500 bytes in three Twrites.
MULTI_DATA = b"".join(b"multi.txt line %04d, written by files_client.py\n" % i for i in range(60))[:2500]
MULTI_WRITES = ((0, 1000), (1000, 1000), (2000, 500))
ONCE_DATA = (b"once.txt: written in one Twrite and read back. " * 7)[:300]
# The change made on disk between the two reads of alpha.txt.
ALPHA_BEFORE = b"alpha line 1\n"
ALPHA_AFTER = b"alpha LINE 1\n"


class FileMover:
    """One connection, plus the record of its Treads and Twrites."""

    def __init__(self, number, args, log, tally, record):
        self.conn = Conn(number, args.host, args.port, log, tally)
        self.number = number
        self.client_port = self.conn.sock.getsockname()[1]
        self.record = record
        self.paths = {}  # fid -> the 9P path it names ("attach name + walk")
        self.conn.version(MSIZE)
        self.conn.attach(1, 0, args.export)
        self.paths[0] = args.export

    def _note(self, kind, fid, offset, asked, moved, ok, data):
        self.record.write(json.dumps({
            "connection": self.number, "client_port": self.client_port, "kind": kind,
            "path": self.paths[fid], "offset": offset, "asked": asked, "count": moved, "ok": ok,
            "data": data.hex()}) + "\n")

    def walk(self, fid, newfid, names):
        self.conn.walk(1, fid, newfid, names)
        self.paths[newfid] = "/".join([self.paths[fid]] + names)

    def open(self, fid, flags=O_RDONLY):
        self.conn.lopen(1, fid, flags)

    def create(self, dirfid, name):
        """Tlcreate on dirfid: from then on the fid is the new file."""
        self.conn.lcreate(1, dirfid, name, O_RDWR | O_CREAT)
        self.paths[dirfid] = self.paths[dirfid] + "/" + name

    def read(self, fid, offset, count):
        data = self.conn.read(1, fid, offset, count)
        self._note("read", fid, offset, count, len(data), True, data)
        return data

    def write(self, fid, offset, data, ok=True):
        """Returns Rwrite.count, or None when the server said no (ok=False allows it)."""
        mtype, body = self.conn.rpc("Twrite", 1, struct.pack("<IQI", fid, offset, len(data)) + data,
                                    "fid %d offset %d count %d" % (fid, offset, len(data)), ok=ok)
        if mtype == NUM["Rwrite"]:
            moved = struct.unpack_from("<I", body)[0]
            self._note("write", fid, offset, len(data), moved, True, data[:moved])
            return moved
        self._note("write", fid, offset, len(data), 0, False, b"")
        return None

    def readdir_all(self, fid):
        names, offset = [], 0
        while True:
            entries = self.conn.readdir(1, fid, offset)
            if not entries:
                return names
            names += [name for name, _ in entries]
            offset = entries[-1][1]

    def clunk(self, fid):
        self.conn.clunk(1, fid)
        self.paths.pop(fid)

    def close(self):
        self.conn.clunk(1, 0)
        self.conn.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--export", required=True, help="the server's export path (the attach name; a local folder)")
    ap.add_argument("--record", required=True, help="JSON lines: every Tread and Twrite and what it moved")
    ap.add_argument("--log", default=os.devnull, help="JSON lines: every message sent and received")
    args = ap.parse_args()
    tally = collections.Counter()

    with open(args.record, "w") as record, open(args.log, "w") as log:
        # ---- connection 1 ----
        c = FileMover(1, args, log, tally, record)
        c.walk(0, 1, ["hello.txt"])
        c.open(1, O_RDONLY)
        print("c1: hello.txt in one Tread: %d bytes" % len(c.read(1, 0, COUNT_WHOLE)))
        moved = c.write(1, 0, b"not allowed: opened read-only\n", ok=False)
        print("c1: Twrite on hello.txt opened O_RDONLY: %s" % ("Rlerror" if moved is None else "Rwrite %d" % moved))
        c.clunk(1)

        c.walk(0, 2, ["numbers.txt"])
        c.open(2)
        offset, reads = 0, 0
        while True:
            data = c.read(2, offset, COUNT_SMALL)
            reads += 1
            if not data:
                break
            offset += len(data)
        print("c1: numbers.txt in %d Treads of %d bytes (the last at EOF): %d bytes" % (reads, COUNT_SMALL, offset))
        c.clunk(2)

        c.walk(0, 3, ["alpha.txt"])
        c.open(3)
        print("c1: alpha.txt: %r" % c.read(3, 0, COUNT_WHOLE))
        c.clunk(3)

        c.walk(0, 4, ["sub", "inner.txt"])
        c.open(4)
        print("c1: sub/inner.txt: %r" % c.read(4, 0, COUNT_WHOLE))
        c.clunk(4)

        c.walk(0, 5, [])
        c.open(5)
        print("c1: Treaddir of the root: %s" % sorted(c.readdir_all(5)))
        c.clunk(5)
        c.close()

        # ---- between the connections: alpha.txt changes on disk ----
        alpha = os.path.join(args.export, "alpha.txt")
        with open(alpha, "rb") as f:
            before = f.read()
        if not before.startswith(ALPHA_BEFORE):
            sys.exit("alpha.txt does not start with %r" % ALPHA_BEFORE)
        with open(alpha, "wb") as f:
            f.write(ALPHA_AFTER + before[len(ALPHA_BEFORE):])
        print("on disk: alpha.txt's first line is now %r" % ALPHA_AFTER)

        # ---- connection 2 ----
        c = FileMover(2, args, log, tally, record)
        c.walk(0, 1, ["alpha.txt"])
        c.open(1)
        print("c2: alpha.txt again: %r" % c.read(1, 0, COUNT_WHOLE))
        c.clunk(1)

        c.walk(0, 2, [])
        c.create(2, "multi.txt")
        for offset, count in MULTI_WRITES:
            c.write(2, offset, MULTI_DATA[offset:offset + count])
        print("c2: multi.txt written in %d Twrites: %d bytes" % (len(MULTI_WRITES), len(MULTI_DATA)))
        c.clunk(2)

        c.walk(0, 3, [])
        c.create(3, "once.txt")
        c.write(3, 0, ONCE_DATA)
        back = c.read(3, 0, COUNT_WHOLE)
        print("c2: once.txt written in one Twrite, read back %s" % ("equal" if back == ONCE_DATA else "DIFFERENT"))
        c.clunk(3)

        c.walk(0, 4, ["big.bin"])
        c.open(4)
        for offset, count in BIG_RANGES:
            got = c.read(4, offset, count)
            print("c2: big.bin at %d: %d bytes" % (offset, len(got)))
        c.clunk(4)
        c.close()

    requests = sum(v for k, v in tally.items() if k.startswith("count.T"))
    print("requests %d replies %d round_trips %d errors %d" % (
        requests, tally["replies"], tally["round_trips"], tally["errors"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
