#!/usr/bin/env python3
"""A small 9P2000.L client over a plain TCP socket, written to record a
capture of a real server (diod) doing the things the ninep tools must agree
on: odd attach names, walks through "." and "..", partial and failed walks,
create/write/read, mkdir, renameat and rename, unlinkat and remove, getattr,
readdir, flushes (of a tag already answered, of a request sent in the same
segment, of a request sent 0.3 s before), tag reuse, a second Tversion in the
middle of a connection, and several connections at once.

It does not use the code of the ninep project.  Message layouts are from the
Plan 9 manual (section 5) and the Linux v9fs 9P2000.L documentation.

    python3 l_client.py --port 5661 --export /srv/9p/diod_b --log client.jsonl

Every message sent and received is written to --log (one JSON object per
line: connection, direction, type, name, tag, size, summary), and a summary
(counts per message type, round trips, errors, flushes) is printed at the end.
The export must hold: alpha.txt, sub/inner.txt, sub/deeper/leaf.txt, and a
FIFO named fifo (mkfifo); the script creates and removes its other files.
"""
import argparse
import collections
import json
import os
import select
import socket
import struct
import sys
import time

NOTAG = 0xFFFF
NOFID = 0xFFFFFFFF

NAMES = {
    7: "Rlerror", 8: "Tstatfs", 9: "Rstatfs", 12: "Tlopen", 13: "Rlopen",
    14: "Tlcreate", 15: "Rlcreate", 20: "Trename", 21: "Rrename",
    24: "Tgetattr", 25: "Rgetattr", 40: "Treaddir", 41: "Rreaddir",
    72: "Tmkdir", 73: "Rmkdir", 74: "Trenameat", 75: "Rrenameat",
    76: "Tunlinkat", 77: "Runlinkat",
    100: "Tversion", 101: "Rversion", 102: "Tauth", 103: "Rauth",
    104: "Tattach", 105: "Rattach", 108: "Tflush", 109: "Rflush",
    110: "Twalk", 111: "Rwalk", 116: "Tread", 117: "Rread",
    118: "Twrite", 119: "Rwrite", 120: "Tclunk", 121: "Rclunk",
    122: "Tremove", 123: "Rremove",
}
NUM = {v: k for k, v in NAMES.items()}

O_RDONLY, O_RDWR, O_CREAT = 0, 2, 0o100
AT_REMOVEDIR = 0x200
GETATTR_BASIC = 0x7FF


def s(text):
    b = text.encode()
    return struct.pack("<H", len(b)) + b


class ServerSaidNo(Exception):
    pass


class Conn:
    """One TCP connection; sends T-messages and reads R-messages, logging both."""

    def __init__(self, number, host, port, log, tally):
        self.number = number
        self.sock = socket.create_connection((host, port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""
        self.log = log
        self.tally = tally
        self.pending = {}  # tag -> request name, while outstanding
        self.stash = []    # replies read while waiting for another tag

    def _record(self, direction, mtype, tag, size, summary):
        name = NAMES.get(mtype, str(mtype))
        self.tally["count." + name] += 1
        self.log.write(json.dumps({"connection": self.number, "dir": direction, "type": mtype, "name": name,
                                   "tag": tag, "size": size, "summary": summary}) + "\n")

    def send(self, name, tag, body, summary=""):
        return self.send_many([(name, tag, body, summary)])

    def send_many(self, messages):
        """Several T-messages in one write (so usually one TCP segment)."""
        out = b""
        for name, tag, body, summary in messages:
            mtype = NUM[name]
            out += struct.pack("<IBH", 7 + len(body), mtype, tag) + body
            self._record("T", mtype, tag, 7 + len(body), summary)
            self.pending[tag] = name
        self.sock.sendall(out)

    def recv(self, timeout=5.0):
        """The next R-message: (type, tag, body)."""
        if self.stash:
            return self.stash.pop(0)
        return self._read(timeout)

    def wait(self, tag, timeout=5.0):
        """The reply to tag; other replies read meanwhile are kept for recv()."""
        for i, m in enumerate(self.stash):
            if m[1] == tag:
                return self.stash.pop(i)
        while True:
            m = self._read(timeout)
            if m[1] == tag:
                return m
            self.stash.append(m)

    def _read(self, timeout):
        deadline = time.time() + timeout
        while True:
            if len(self.buf) >= 4:
                size = struct.unpack_from("<I", self.buf)[0]
                if len(self.buf) >= size:
                    msg, self.buf = self.buf[:size], self.buf[size:]
                    mtype, tag = struct.unpack_from("<BH", msg, 4)
                    body = msg[7:]
                    summary = ""
                    if mtype == 7:
                        summary = "ecode %d (%s)" % (struct.unpack("<I", body)[0],
                                                     os.strerror(struct.unpack("<I", body)[0]))
                    elif mtype == 111:
                        summary = "nwqid %d" % struct.unpack_from("<H", body)[0]
                    self._record("R", mtype, tag, size, summary)
                    self.tally["replies"] += 1
                    if tag in self.pending:
                        req = self.pending.pop(tag)
                        self.tally["round_trips"] += 1
                        if mtype == 7:
                            self.tally["errors"] += 1
                            self.tally["errors." + req] += 1
                    else:
                        self.tally["orphans"] += 1
                    return mtype, tag, body
            left = deadline - time.time()
            if left <= 0:
                raise TimeoutError("no reply within %.1f s" % timeout)
            ready, _, _ = select.select([self.sock], [], [], left)
            if ready:
                data = self.sock.recv(65536)
                if not data:
                    raise EOFError("server closed the connection")
                self.buf += data

    def rpc(self, name, tag, body, summary="", ok=True):
        self.send(name, tag, body, summary)
        mtype, rtag, rbody = self.wait(tag)
        if mtype == 7:
            if ok:
                raise ServerSaidNo("%s %s: %s" % (name, summary, os.strerror(struct.unpack("<I", rbody)[0])))
            return mtype, rbody
        if mtype != NUM[name] + 1:
            raise AssertionError("%s answered with %s" % (name, NAMES.get(mtype, mtype)))
        return mtype, rbody

    # The messages, one method each (tag first).
    def version(self, msize=65536, version="9P2000.L"):
        _, body = self.rpc("Tversion", NOTAG, struct.pack("<I", msize) + s(version), version)
        return struct.unpack_from("<I", body)[0], body[6:].decode()

    def auth(self, tag, afid, aname):
        return self.rpc("Tauth", tag, struct.pack("<I", afid) + s("") + s(aname) + struct.pack("<I", 0),
                        "afid %d aname %r" % (afid, aname), ok=False)

    def attach(self, tag, fid, aname, ok=True):
        return self.rpc("Tattach", tag, struct.pack("<II", fid, NOFID) + s("") + s(aname) + struct.pack("<I", 0),
                        "fid %d aname %r" % (fid, aname), ok=ok)

    def walk(self, tag, fid, newfid, names, ok=True):
        body = struct.pack("<IIH", fid, newfid, len(names)) + b"".join(s(n) for n in names)
        mtype, rbody = self.rpc("Twalk", tag, body, "fid %d newfid %d %r" % (fid, newfid, names), ok=ok)
        if mtype == 7:
            return None
        n = struct.unpack_from("<H", rbody)[0]
        return [rbody[2 + 13 * i: 2 + 13 * (i + 1)] for i in range(n)]

    def lopen(self, tag, fid, flags, ok=True):
        return self.rpc("Tlopen", tag, struct.pack("<II", fid, flags), "fid %d flags %#o" % (fid, flags), ok=ok)

    def lcreate(self, tag, fid, name, flags=O_RDWR | O_CREAT, mode=0o644):
        return self.rpc("Tlcreate", tag, struct.pack("<I", fid) + s(name) + struct.pack("<III", flags, mode, 0),
                        "fid %d %r" % (fid, name))

    def read(self, tag, fid, offset, count, ok=True):
        mtype, body = self.rpc("Tread", tag, struct.pack("<IQI", fid, offset, count),
                               "fid %d offset %d count %d" % (fid, offset, count), ok=ok)
        return body[4:] if mtype != 7 else None

    def write(self, tag, fid, offset, data):
        return self.rpc("Twrite", tag, struct.pack("<IQI", fid, offset, len(data)) + data,
                        "fid %d offset %d count %d" % (fid, offset, len(data)))

    def clunk(self, tag, fid, ok=True):
        return self.rpc("Tclunk", tag, struct.pack("<I", fid), "fid %d" % fid, ok=ok)

    def remove(self, tag, fid):
        return self.rpc("Tremove", tag, struct.pack("<I", fid), "fid %d" % fid)

    def getattr(self, tag, fid, ok=True):
        return self.rpc("Tgetattr", tag, struct.pack("<IQ", fid, GETATTR_BASIC), "fid %d" % fid, ok=ok)

    def readdir(self, tag, fid, offset, count=8192):
        _, body = self.rpc("Treaddir", tag, struct.pack("<IQI", fid, offset, count), "fid %d offset %d" % (fid, offset))
        data = body[4:]
        entries, pos = [], 0
        while pos < len(data):
            off = struct.unpack_from("<Q", data, pos + 13)[0]
            n = struct.unpack_from("<H", data, pos + 22)[0]
            entries.append((data[pos + 24: pos + 24 + n].decode(), off))
            pos += 24 + n
        return entries

    def mkdir(self, tag, dfid, name):
        return self.rpc("Tmkdir", tag, struct.pack("<I", dfid) + s(name) + struct.pack("<II", 0o755, 0),
                        "dfid %d %r" % (dfid, name))

    def renameat(self, tag, olddfid, oldname, newdfid, newname, ok=True):
        return self.rpc("Trenameat", tag, struct.pack("<I", olddfid) + s(oldname) + struct.pack("<I", newdfid) +
                        s(newname), "%d/%r -> %d/%r" % (olddfid, oldname, newdfid, newname), ok=ok)

    def rename(self, tag, fid, dfid, name):
        return self.rpc("Trename", tag, struct.pack("<II", fid, dfid) + s(name),
                        "fid %d -> dfid %d %r" % (fid, dfid, name))

    def unlinkat(self, tag, dfid, name, flags=0, ok=True):
        return self.rpc("Tunlinkat", tag, struct.pack("<I", dfid) + s(name) + struct.pack("<I", flags),
                        "dfid %d %r flags %#x" % (dfid, name, flags), ok=ok)

    def flush(self, tag, oldtag):
        return self.rpc("Tflush", tag, struct.pack("<H", oldtag), "oldtag %d" % oldtag)

    def close(self):
        self.sock.close()


def flush_replies(conn, oldtag, flushtag, timeout=2.0):
    """After Tflush(flushtag, oldtag): read replies until Rflush, then 0.3 s
    more for a late reply to oldtag (flush(5) says none may come).  A request
    that got no reply of its own is counted as flushed.  Returns the replies
    seen, as text."""
    seen = []
    try:
        while flushtag in conn.pending:
            mtype, tag, _ = conn.recv(timeout=timeout)
            seen.append("%s(tag %d)" % (NAMES[mtype], tag))
        while oldtag in conn.pending:
            mtype, tag, _ = conn.recv(timeout=0.3)
            seen.append("%s(tag %d) AFTER Rflush" % (NAMES[mtype], tag))
    except TimeoutError:
        seen.append("nothing more within the wait")
    if flushtag not in conn.pending and oldtag in conn.pending:
        conn.pending.pop(oldtag)
        conn.tally["flushed"] += 1
    return seen


def qid_path(qid):
    return struct.unpack_from("<Q", qid, 5)[0]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--export", required=True, help="the server's export path (the attach name)")
    ap.add_argument("--log", required=True, help="JSON lines: every message sent and received")
    args = ap.parse_args()
    tally = collections.Counter()
    notes = []
    ex = args.export

    def note(text):
        notes.append(text)
        print(text)

    with open(args.log, "w") as log:
        def connect(number):
            tally["connections"] += 1
            return Conn(number, args.host, args.port, log, tally)

        # ---- connection 1: the attach root, dots, partial walks, files ----
        c = connect(1)
        msize, version = c.version()
        note("c1: Rversion msize %d %s" % (msize, version))
        _, rq = c.attach(1, 0, ex)
        root_qid = rq[:13]
        # walk(5): nwname 0 clones; "." is the directory itself; ".." at the
        # root of the server is the root itself.
        c.walk(1, 0, 1, [])
        c.getattr(1, 1)
        c.clunk(1, 1)
        q = c.walk(1, 0, 1, ["."])
        note("c1: walk '.' at the root: qid path %#x (root %#x)" % (qid_path(q[0]), qid_path(root_qid)))
        c.getattr(1, 1)
        c.clunk(1, 1)
        q = c.walk(1, 0, 1, [".."])
        note("c1: walk '..' at the root: qid path %#x (root %#x): %s" % (
            qid_path(q[0]), qid_path(root_qid),
            "the root itself" if qid_path(q[0]) == qid_path(root_qid) else "NOT the root (diod left the export)"))
        c.getattr(1, 1)
        c.clunk(1, 1)
        # Dots below the root, in one walk: sub/./deeper/../inner.txt is sub/inner.txt.
        q = c.walk(1, 0, 2, ["sub", ".", "deeper", "..", "inner.txt"])
        note("c1: walk sub/./deeper/../inner.txt: %d qids" % len(q))
        c.lopen(1, 2, O_RDONLY)
        data = c.read(1, 2, 0, 8192)
        note("c1: read sub/inner.txt via dots: %r" % data)
        c.read(1, 2, len(data), 8192)
        c.clunk(1, 2)
        # A walk from a fid below the root: fid 3 = sub, then ".." back to the root and alpha.txt.
        c.walk(1, 0, 3, ["sub"])
        c.walk(1, 3, 4, ["..", "alpha.txt"])
        c.getattr(1, 4)
        c.clunk(1, 4)
        c.walk(1, 3, 4, ["deeper", "leaf.txt"])
        c.lopen(1, 4, O_RDONLY)
        c.read(1, 4, 0, 8192)
        c.clunk(1, 4)
        # Partial walk: sub exists, missing does not: Rwalk with 1 qid, newfid 5 not made.
        q = c.walk(1, 0, 5, ["sub", "missing", "x"])
        note("c1: partial walk sub/missing/x: Rwalk with %d of 3 qids" % len(q))
        r = c.getattr(1, 5, ok=False)
        note("c1: Tgetattr on the fid of the partial walk: %s" % ("Rlerror" if r[0] == 7 else "succeeded"))
        # A walk to a missing file: Rlerror, no fid.
        r = c.walk(1, 0, 5, ["nope.txt"], ok=False)
        note("c1: walk nope.txt: %s" % ("Rlerror" if r is None else "Rwalk"))
        # The same newfid now walks somewhere that exists.
        c.walk(1, 0, 5, ["alpha.txt"])
        c.lopen(1, 5, O_RDONLY)
        c.read(1, 5, 0, 8192)
        c.clunk(1, 5)
        # Create, write, read, clunk.
        c.walk(1, 0, 6, [])
        c.lcreate(1, 6, "new.txt")
        c.write(1, 6, 0, b"written by l_client.py\n")
        c.read(1, 6, 0, 8192)
        c.clunk(1, 6)
        # mkdir, renameat into it, rename a fid back to the root under another name.
        c.mkdir(1, 0, "newdir")
        c.walk(1, 0, 7, ["newdir"])
        r = c.renameat(1, 0, "new.txt", 7, "renamed.txt", ok=False)
        if r[0] == 7:
            note("c1: Trenameat: Rlerror %s; Trename instead" % os.strerror(struct.unpack("<I", r[1])[0]))
            c.walk(1, 0, 8, ["new.txt"])
            c.rename(1, 8, 7, "renamed.txt")   # fid 8 is now newdir/renamed.txt
            c.getattr(1, 8)
        else:
            note("c1: Trenameat: done")
            c.walk(1, 7, 8, ["renamed.txt"])
        c.rename(1, 8, 0, "moved.txt")
        c.getattr(1, 8)      # fid 8 is now moved.txt at the root
        c.clunk(1, 8)
        c.clunk(1, 7)
        for name, flags, fid in [("moved.txt", 0, 12), ("newdir", AT_REMOVEDIR, 13)]:
            r = c.unlinkat(1, 0, name, flags, ok=False)
            if r[0] == 7:
                note("c1: Tunlinkat %s: Rlerror %s; Tremove instead" % (name, os.strerror(struct.unpack("<I", r[1])[0])))
                c.walk(1, 0, fid, [name])
                c.remove(1, fid)
        # Tremove: create doomed.txt, then remove it through a fresh fid.
        c.walk(1, 0, 9, [])
        c.lcreate(1, 9, "doomed.txt")
        c.clunk(1, 9)
        c.walk(1, 0, 9, ["doomed.txt"])
        c.remove(1, 9)
        # readdir of the root: until an empty reply.
        c.walk(1, 0, 10, [])
        c.lopen(1, 10, O_RDONLY)
        entries = c.readdir(1, 10, 0)
        note("c1: readdir of the root: %s" % sorted(e[0] for e in entries))
        c.readdir(1, 10, entries[-1][1])
        c.clunk(1, 10)
        # Tag reuse after reply: tag 1 was used for every request above. Now
        # two requests outstanding at once, on tags 2 and 3, in one segment.
        c.send_many([("Tgetattr", 2, struct.pack("<IQ", 0, GETATTR_BASIC), "fid 0"),
                     ("Twalk", 3, struct.pack("<IIH", 0, 11, 1) + s("sub"), "fid 0 newfid 11 ['sub']")])
        got = sorted(c.recv()[1] for _ in range(2))
        note("c1: two outstanding tags answered: %s" % got)
        c.clunk(3, 11)
        # Tflush of a tag whose reply already came (tag 3 above): Rflush.
        c.flush(4, 3)
        # Tflush sent right behind its request, in the same segment.
        c.send_many([("Tgetattr", 5, struct.pack("<IQ", 0, GETATTR_BASIC), "fid 0"),
                     ("Tflush", 6, struct.pack("<H", 5), "oldtag 5")])
        order = flush_replies(c, 5, 6)
        note("c1: Tgetattr(tag 5) then Tflush(oldtag 5) at once: replies %s" % order)
        # ---- a second Tversion in the middle: every fid is dropped ----
        msize, version = c.version()
        note("c1: second Rversion msize %d %s" % (msize, version))
        r = c.getattr(1, 0, ok=False)
        note("c1: Tgetattr on fid 0 after the second Tversion: %s" % (
            "Rlerror %s" % os.strerror(struct.unpack("<I", r[1])[0]) if r[0] == 7 else "succeeded"))
        # Attach to a subdirectory of the export, and reuse fid numbers of before.
        r = c.attach(1, 0, ex + "/sub", ok=False)
        if r[0] == 7:
            note("c1: attach to %s/sub: refused" % ex)
            c.attach(1, 0, ex)
            c.walk(1, 0, 5, ["sub", "inner.txt"])
        else:
            note("c1: attach to %s/sub: accepted" % ex)
            c.walk(1, 0, 5, ["inner.txt"])
        c.lopen(1, 5, O_RDONLY)
        note("c1: fid 5 after the reset reads %r" % c.read(1, 5, 0, 8192))
        c.clunk(1, 5)
        c.clunk(1, 0)
        c.close()

        # ---- connection 2: odd attach names ----
        c = connect(2)
        c.version()
        r = c.auth(1, 1, ex)
        note("c2: Tauth: %s" % ("Rlerror" if r[0] == 7 else "Rauth"))
        for fid, aname in [(1, ex + "/"), (2, ex + "/."), (3, ex.lstrip("/")), (4, ex + "/sub/.."),
                           (5, "/" + ex.lstrip("/").replace("/", "//", 1))]:
            r = c.attach(1, fid, aname, ok=False)
            accepted = r[0] != 7
            note("c2: attach fid %d aname %r: %s" % (fid, aname, "accepted" if accepted else
                 "Rlerror %s" % os.strerror(struct.unpack("<I", r[1])[0])))
            if accepted:
                c.walk(1, fid, 10 + fid, ["sub", "inner.txt"])
                c.getattr(1, 10 + fid)
                c.clunk(1, 10 + fid)
                c.clunk(1, fid)
        c.close()

        # ---- connections 3 and 4 at once: the same fid numbers, different files ----
        a, b = connect(3), connect(4)
        a.version()
        b.version()
        a.attach(1, 0, ex)
        b.attach(1, 0, ex)
        a.walk(1, 0, 1, ["alpha.txt"])
        b.walk(1, 0, 1, ["sub", "inner.txt"])
        a.lopen(1, 1, O_RDONLY)
        b.lopen(1, 1, O_RDONLY)
        ra = a.read(1, 1, 0, 8192)
        rb = b.read(1, 1, 0, 8192)
        note("c3/c4: fid 1 reads %r on c3 and %r on c4" % (ra[:12], rb[:12]))
        a.clunk(1, 1)
        b.clunk(1, 1)
        # ---- connection 4: a Tflush sent 0.3 s after its request ----
        # A read of a FIFO opened for reading and writing would wait for data
        # in read(2); diod reads with pread(2), so it answers at once (ESPIPE),
        # and the Tflush that follows names a tag already answered.
        b.walk(1, 0, 2, ["fifo"])
        b.lopen(1, 2, O_RDWR)
        b.send("Tread", 7, struct.pack("<IQI", 2, 0, 64), "fid 2 offset 0 count 64")
        time.sleep(0.3)
        b.send("Tflush", 8, struct.pack("<H", 7), "oldtag 7")
        note("c4: Tread(tag 7) on the FIFO, Tflush(oldtag 7) 0.3 s later: %s" % flush_replies(b, 7, 8))
        b.clunk(1, 2)
        a.clunk(1, 0)
        b.clunk(1, 0)
        a.close()
        b.close()

    requests = sum(v for k, v in tally.items() if k.startswith("count.T"))
    print("connections %d requests %d replies %d round_trips %d errors %d flushed %d orphans %d" % (
        tally["connections"], requests, tally["replies"], tally["round_trips"], tally["errors"],
        tally["flushed"], tally["orphans"]))
    for key in sorted(k for k in tally if k.startswith("count.") or k.startswith("errors.")):
        print(key, tally[key])
    return 0


if __name__ == "__main__":
    sys.exit(main())
