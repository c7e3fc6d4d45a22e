#!/usr/bin/env python3
"""The truth about the files a capture carried, from what the client itself
read and wrote (files_client.py's --record) and from the files on disk; then
checked against Wireshark's BUILT-IN 9p dissector.

    python3 files_truth.py RECORD EXPORT CAPTURE PORT OUT_STEM

Writes OUT_STEM.files (one line per file: size, captured, holes, access,
sha256 of the bytes a tool must save, path; format in captures/README.md)
and OUT_STEM.exchanges (the client's Treads and Twrites in order, without
their data: what the tests need to tell which message moved which file's
bytes).  The rules are those of the files contract (issue 17): a Tread
answered by Rread moves its data to the Tread's offset, a Twrite answered by
Rwrite the first Rwrite.count bytes; an answered Rlerror moves nothing; a
file's size is the end of the furthest byte moved; a byte moved twice keeps
the later value; bytes never moved are holes, saved as zeros.

Checks, exit status 1 on any difference:
  * every byte moved equals the byte now on disk at that offset (for the
    files read twice, the later read; for written files, what was written);
  * per file and direction, the built-in 9p dissector (`tshark -d
    tcp.port==PORT,9p`, run as root so that no personal plugin loads; fid
    paths from its own fid tracking, replies matched to requests here by
    stream and tag) sees the same number of Tread/Rread and Twrite/Rwrite
    exchanges moving the same number of bytes.
Nothing here uses the ninep project's code.
"""
import collections
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

TREAD, RREAD, TWRITE, RWRITE = 116, 117, 118, 119


class Image:
    """One file as the capture carried it."""

    def __init__(self):
        self.data = bytearray()
        self.moved = bytearray()  # 1 where a byte was moved
        self.access = set()

    def put(self, offset, data):
        end = offset + len(data)
        if end > len(self.data):
            self.data.extend(bytes(end - len(self.data)))
            self.moved.extend(bytes(end - len(self.moved)))
        self.data[offset:end] = data
        self.moved[offset:end] = b"\x01" * len(data)

    def holes(self):
        runs, inside = 0, False
        for m in self.moved:
            if not m and not inside:
                runs += 1
            inside = not m
        return runs


def images_of(record):
    images = collections.OrderedDict()
    exchanges = []
    with open(record) as f:
        for line in f:
            ex = json.loads(line)
            exchanges.append(ex)
            if not ex["ok"]:
                continue  # Rlerror: nothing moved
            image = images.setdefault(ex["path"], Image())
            image.access.add(ex["kind"])
            image.put(ex["offset"], bytes.fromhex(ex["data"]))
    return images, exchanges


def check_disk(images, export):
    """The moved bytes equal the files on disk now."""
    bad = 0
    for path, image in images.items():
        if not path.startswith(export + "/"):
            print("%s: not below the export %s" % (path, export))
            bad += 1
            continue
        with open(os.path.join(export, path[len(export) + 1:]), "rb") as f:
            disk = f.read()
        for i, m in enumerate(image.moved):
            if m and (i >= len(disk) or disk[i] != image.data[i]):
                print("%s: byte %d moved as %#x, on disk %s" % (path, i, image.data[i],
                                                               "%#x" % disk[i] if i < len(disk) else "past the end"))
                bad += 1
                break
    return bad


FID_PATH = re.compile(r"^Fid: \d+ \((.*)\)$")


def builtin_totals(capture, port):
    """{(path, kind): [exchanges, bytes]} as the built-in 9p dissector sees it."""
    out = subprocess.run(["tshark", "-r", capture, "-n", "-d", "tcp.port==%d,9p" % port, "-Y", "9p", "-T", "pdml"],
                         capture_output=True, check=True).stdout
    outstanding = {}  # (stream, tag) -> (path, kind)
    totals = collections.defaultdict(lambda: [0, 0])
    for _, packet in ET.iterparse(io.BytesIO(out)):
        if packet.tag != "packet":
            continue
        stream = None
        for proto in packet.findall("proto"):
            if proto.get("name") == "tcp":
                stream = proto.find("field[@name='tcp.stream']").get("show")
            if proto.get("name") != "9p":
                continue
            fields = {}
            for field in proto.iter("field"):
                fields.setdefault(field.get("name"), field)
            mtype = int(fields["9p.msgtype"].get("show"))
            key = (stream, fields["9p.tag"].get("show"))
            if mtype in (TREAD, TWRITE):
                m = FID_PATH.match(fields["9p.fid"].get("showname", ""))
                outstanding[key] = (m.group(1) if m else "?", "read" if mtype == TREAD else "write")
            elif mtype % 2 == 1:
                request = outstanding.pop(key, None)
                if request and mtype in (RREAD, RWRITE):
                    totals[request][0] += 1
                    totals[request][1] += int(fields["9p.count"].get("show"))
        packet.clear()
    return totals


def main():
    if len(sys.argv) != 6:
        sys.exit(__doc__)
    record, export, capture, port, stem = sys.argv[1], sys.argv[2].rstrip("/"), sys.argv[3], int(sys.argv[4]), \
        sys.argv[5]
    images, exchanges = images_of(record)
    bad = check_disk(images, export)

    ours = collections.defaultdict(lambda: [0, 0])
    for ex in exchanges:
        if ex["ok"]:
            ours[(ex["path"], ex["kind"])][0] += 1
            ours[(ex["path"], ex["kind"])][1] += ex["count"]
    theirs = builtin_totals(capture, port)
    for key in sorted(set(ours) | set(theirs)):
        if ours.get(key) != theirs.get(key):
            print("%s %s: the client moved %s (exchanges, bytes), the built-in 9p dissector saw %s" % (
                key[0], key[1], ours.get(key), theirs.get(key)))
            bad += 1
    print("# built-in 9p dissector: %d (file, direction) totals, %s" % (
        len(theirs), "all equal to the client's" if not bad else "DIFFERENT"), file=sys.stderr)

    with open(stem + ".files", "w") as f:
        f.write("# The files %s carried (see captures/README.md, \"files\"), from\n"
                "# clients/files_truth.py: what the client read and wrote, checked against the\n"
                "# files on disk and the built-in 9p dissector.\n"
                "# size captured holes access sha256 path\n" % os.path.basename(capture))
        for path, image in sorted(images.items()):
            access = "+".join(word for kind, word in (("read", "read"), ("write", "written")) if kind in image.access)
            f.write("%d %d %d %s %s %s\n" % (len(image.data), sum(image.moved), image.holes(), access,
                                            hashlib.sha256(image.data).hexdigest(), path))
    with open(stem + ".exchanges", "w") as f:
        f.write("# Every Tread and Twrite of clients/files_client.py, in the order sent, as it\n"
                "# recorded them (see captures/README.md, \"files\"): its connection, its TCP port,\n"
                "# read or write, ok (answered Rread/Rwrite) or error (Rlerror), offset, count\n"
                "# moved (Rread's count, Rwrite's count), the file's 9P path.\n"
                "# connection client_port kind result offset count path\n")
        for ex in exchanges:
            f.write("%d %d %s %s %d %d %s\n" % (ex["connection"], ex["client_port"], ex["kind"],
                                               "ok" if ex["ok"] else "error", ex["offset"], ex["count"], ex["path"]))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
