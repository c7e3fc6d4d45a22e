#!/usr/bin/env python3
"""integration.files_carried: both tools give back, byte for byte, the files
a capture carried (issue 17, "The files themselves"; the files contract).

    python3 test_files_carried.py --ninep BUILD/analyzer/ninep \\
        --plugin BUILD/plugin/ninep.so --tshark-wrapper SRC/tests/tshark-with-plugin

For
  * captures/real/diod_9p2000L_files.pcap, whole and cut to the first 89 and
    120 bytes of every frame (`editcap -s`: 89 keeps every Tread and Twrite
    header and no byte of Twrite data, 120 some bytes of each message), and
    (no cut of a capture with reads is header-only: link, IP and TCP take 66
    bytes of each frame, a Tread needs 23 more for its offset, and an
    Rread's data starts 11 bytes in, so a cut that keeps the Treads keeps
    at least 12 bytes of each Rread; at 89 the written-only file has no
    captured byte and the others some), and
  * captures/real/diod_9p2000L_tools.pcap (seven files read whole, one of
    them empty),
it runs `ninep extract DIR CAPTURE` and `tshark --export-objects ninep,DIR2`
(tests/tshark-with-plugin) and checks
  * the manifest (stdout of ninep extract): its header row, one row per
    file, nothing else; size, captured, holes, access; saved_as the path
    without its leading "/" when a byte was captured, empty otherwise; for
    the whole files capture also first/last frame and time;
  * every file written, byte for byte (size bytes, holes as zeros), and no
    other file in DIR; a file with no captured byte is not written;
  * the plugin's objects: one per file with a captured byte, named as
    Wireshark's own export code names the path (eo_massage_str of the
    installed libwireshark, called through ctypes), with the same bytes;
  * that both tools saved the same bytes for every file.

The truth never comes from the tools under test:
  * diod_9p2000L_files: the test reads the capture itself (pcap records,
    Ethernet, IPv4, TCP put in order by sequence number, 9P messages by
    their size fields, replies matched to requests by tag), takes the
    client's own record of which Tread/Twrite concerned which file
    (diod_9p2000L_files.exchanges, made by the recording client) and applies
    the contract's rules: a Tread answered by Rread moves the Rread's data to
    the Tread's offset, a Twrite answered by Rwrite its first Rwrite.count
    bytes, an Rlerror nothing; a byte moved twice keeps the later value; the
    size is the furthest byte moved.  On the whole capture the result must
    equal diod_9p2000L_files.files (written at recording time from what the
    client sent and received, checked against the disk and the built-in 9p
    dissector): size, captured, holes, access and sha256.  For a cut copy a
    byte counts as captured when it lies within the first N bytes of its
    frame.  The frame of a file's content is the frame holding the last byte
    of the message that carried the bytes (Rread for a read, Twrite for a
    write), also of a read of 0 bytes at the end of the file (as
    include/ninep/files.h defines it).  When the cut leaves no attach name,
    no path can be known: the files are then named by connection and fid,
    "(unknown)/CLIENT-SERVER/fid-N", as the contract and files.h spell it.
  * diod_9p2000L_tools: the seven files captures/real/clients/record_diod.sh
    writes, regenerated here exactly as it makes them.

A tool that does not have the feature yet (`ninep extract` is an unknown
command; tshark does not list "ninep" among its export object types) is
skipped with a message; the exit status is then 77 (CTest SKIP_RETURN_CODE)
if every check that could run passed.  1 when a check failed.
"""
import argparse
import csv
import ctypes
import hashlib
import io
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile

from ninep_testlib import CAPTURES_DIR, Checker, pcap_frames

SKIP = 77
REAL = os.path.join(CAPTURES_DIR, "real")
FILES_CAPTURE = os.path.join(REAL, "diod_9p2000L_files.pcap")
TOOLS_CAPTURE = os.path.join(REAL, "diod_9p2000L_tools.pcap")
SNAPLENS = (89, 120)

MANIFEST_HEADER = ["path", "saved_as", "size", "captured", "holes", "first_frame", "first_time", "last_frame",
                   "last_time", "access"]

# 9P wire sizes (intro(5), read(5), write(5)).
SIZE_FIELD, HEADER = 4, 7            # size[4] type[1] tag[2]
TREAD, RREAD, TWRITE, RWRITE, RLERROR = 116, 117, 118, 119, 7
TRW_FIXED = HEADER + 4 + 8 + 4       # Tread/Twrite: fid[4] offset[8] count[4]
TLCREATE, TATTACH, TWALK = 14, 104, 110  # the requests that give a fid its path
RREAD_FIXED = HEADER + 4             # Rread: count[4], then the data
RWRITE_SIZE = HEADER + 4             # Rwrite: count[4]

# Ethernet, IPv4, TCP.
ETHERNET, ETHERTYPE_IPV4, IPPROTO_TCP = 14, 0x0800, 6


# ---------------------------------------------------------------------------
# Reading the capture, independently of the tools


class Stream:
    """One direction of one TCP connection, put in order: its bytes, and for
    each byte the frame that holds it and where in that frame."""

    def __init__(self, source):
        self.source = source  # "address:port" of the sender
        self.segments = []  # (seq, payload, frame number, ts ns, payload offset in the frame)
        self.data = bytearray()
        self.frame = []     # per byte: frame number
        self.ts = []        # per byte: that frame's time (ns)
        self.at = []        # per byte: its offset in the frame

    def assemble(self):
        first = self.segments[0][0]
        for seq, payload, number, ts, offset in sorted(self.segments, key=lambda s: (s[0] - first) & 0xFFFFFFFF):
            if (seq - first) & 0xFFFFFFFF != len(self.data):
                raise AssertionError("frame %d: a gap or retransmission; the real captures have none" % number)
            self.data += payload
            self.frame += [number] * len(payload)
            self.ts += [ts] * len(payload)
            self.at += range(offset, offset + len(payload))

    def messages(self):
        """[Message] in stream order."""
        out, pos = [], 0
        while pos + HEADER <= len(self.data):
            size = struct.unpack_from("<I", self.data, pos)[0]
            if size < HEADER or pos + size > len(self.data):
                raise AssertionError("a 9P message cut at stream byte %d" % pos)
            out.append(Message(self, pos, size))
            pos += size
        return out


class Message:
    def __init__(self, stream, start, size):
        self.stream, self.start, self.size = stream, start, size
        self.type = stream.data[start + SIZE_FIELD]
        self.tag = struct.unpack_from("<H", stream.data, start + SIZE_FIELD + 1)[0]
        self.last_frame = stream.frame[start + size - 1]
        self.last_ts = stream.ts[start + size - 1]

    def u32(self, at):
        return struct.unpack_from("<I", self.stream.data, self.start + at)[0]

    def u64(self, at):
        return struct.unpack_from("<Q", self.stream.data, self.start + at)[0]

    def whole(self, snaplen):
        return all(self.captured(0, self.size, snaplen))

    def captured(self, first, length, snaplen):
        """Whether each of the bytes [first, first+length) of the message lies
        within the first snaplen bytes of its frame (None: no cut)."""
        at = self.stream.at[self.start + first: self.start + first + length]
        return [snaplen is None or a < snaplen for a in at]


def connections(path):
    """{(client port, server port): (client->server Stream, server->client Stream)} of a
    capture whose server port is the lower of the two."""
    streams = {}
    for number, ts, _, frame in pcap_frames(path):
        if len(frame) < ETHERNET + 20 or struct.unpack(">H", frame[12:14])[0] != ETHERTYPE_IPV4:
            continue
        ip = frame[ETHERNET:]
        ihl = (ip[0] & 15) * 4
        if ip[9] != IPPROTO_TCP:
            continue
        total = struct.unpack(">H", ip[2:4])[0]
        tcp = ip[ihl:total]
        sport, dport, seq = struct.unpack(">HHI", tcp[:8])
        offset = (tcp[12] >> 4) * 4
        payload = bytes(tcp[offset:])
        if payload:
            source = "%s:%d" % (".".join(str(b) for b in ip[12:16]), sport)
            streams.setdefault((sport, dport), Stream(source)).segments.append(
                (seq, payload, number, ts, ETHERNET + ihl + offset))
    pairs = {}
    for (sport, dport), stream in streams.items():
        stream.assemble()
        if sport > dport:
            pairs.setdefault((sport, dport), [None, None])[0] = stream
        else:
            pairs.setdefault((dport, sport), [None, None])[1] = stream
    return pairs


def exchanges_of(to_server, to_client):
    """[(request Message, reply Message)] of Treads and Twrites, in the order
    the requests were sent; replies matched to requests by tag."""
    requests = to_server.messages()
    replies = to_client.messages() if to_client else []
    events = [(m.last_frame, 0, m) for m in requests] + [(m.last_frame, 1, m) for m in replies]
    outstanding, answered = {}, {}
    for _, _, m in sorted(events, key=lambda e: (e[0], e[1], e[2].start)):
        if m.stream is to_server:
            outstanding[m.tag] = m
        elif m.tag in outstanding:
            answered[outstanding.pop(m.tag).start] = m
    return [(m, answered.get(m.start)) for m in requests if m.type in (TREAD, TWRITE)]


class FileImage:
    """A file as a capture carried it, by the contract's rules."""

    def __init__(self):
        self.size = 0
        self.data = bytearray()
        self.have = bytearray()
        self.access = set()
        self.frames = []  # (frame, ts) of the messages that carried its content

    def move(self, offset, data, captured):
        end = offset + len(data)
        self.size = max(self.size, end)
        if end > len(self.data):
            self.data.extend(bytes(end - len(self.data)))
            self.have.extend(bytes(end - len(self.have)))
        for i, (byte, kept) in enumerate(zip(data, captured)):
            if kept:
                self.data[offset + i] = byte
                self.have[offset + i] = 1

    def saved(self):
        """The bytes a tool must save: size bytes, holes as zeros."""
        return bytes(b if h else 0 for b, h in zip(self.data, self.have))

    def captured(self):
        return sum(self.have)

    def holes(self):
        runs, inside = 0, False
        for h in self.have:
            if not h and not inside:
                runs += 1
            inside = not h
        return runs

    def access_text(self):
        return "+".join(word for kind, word in (("read", "read"), ("write", "written")) if kind in self.access)


class Expected:
    """What a tool must report for one file."""

    def __init__(self, path, size, captured, holes, access, content, frames=None):
        self.path, self.size, self.captured, self.holes, self.access = path, size, captured, holes, access
        self.content = content  # the size bytes a tool must save
        self.frames = frames    # (first frame, first ns, last frame, last ns), or None: not checked


def read_exchange_record(path):
    rows = []
    with open(path) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            connection, port, kind, result, offset, count, name = line.rstrip("\n").split(" ", 6)
            rows.append({"port": int(port), "kind": kind, "ok": result == "ok", "offset": int(offset),
                         "count": int(count), "path": name})
    return rows


def read_files_truth(path):
    truth = {}
    with open(path) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            size, captured, holes, access, sha, name = line.rstrip("\n").split(" ", 5)
            truth[name] = (int(size), int(captured), int(holes), access, sha)
    return truth


def files_capture_images(check, capture, record, snaplen):
    """{path: FileImage} of diod_9p2000L_files.pcap as read here, cut at
    snaplen bytes per frame (None: whole)."""
    by_port = {}
    for row in record:
        by_port.setdefault(row["port"], []).append(row)
    images = {}
    conns = connections(capture)
    check.equal("files capture: connections read here = connections in the client's record",
                sorted(port for port, _ in conns), sorted(by_port))
    for (client_port, _), (to_server, to_client) in sorted(conns.items()):
        pairs = exchanges_of(to_server, to_client)
        naming = [m for m in to_server.messages() if m.type in (TATTACH, TWALK, TLCREATE)]
        if all(m.whole(snaplen) for m in naming):
            unknown = None  # the paths are the client's
        elif not any(m.whole(snaplen) for m in naming if m.type == TATTACH):
            # No attach name: no path is known; the files contract keeps such
            # content per connection and fid, spelt as include/ninep/files.h
            # says: (unknown)/CLIENT-SERVER/fid-N.
            unknown = "(unknown)/%s-%s/fid-%%d" % (to_server.source, to_client.source)
        else:
            raise AssertionError("snaplen %s cuts some walks of port %d and not its attach: which paths a "
                                 "tool can know is not worked out here" % (snaplen, client_port))
        rows = by_port.get(client_port, [])
        check.equal("files capture, port %d: Tread/Twrite in the capture = in the client's record" % client_port,
                    len(pairs), len(rows))
        for (request, reply), row in zip(pairs, rows):
            kind = "read" if request.type == TREAD else "write"
            offset = request.u64(HEADER + 4)
            if (kind, offset) != (row["kind"], row["offset"]) or reply is None:
                check.true("files capture, frame %d: %s at %d is the record's %s at %d, and answered" % (
                    request.last_frame, kind, offset, row["kind"], row["offset"]), False)
                continue
            headers = request.captured(0, TRW_FIXED, snaplen) + reply.captured(0, HEADER + 4, snaplen)
            if not all(headers):
                raise AssertionError("snaplen %s cuts a Tread/Twrite or reply header: the truth is undefined" % snaplen)
            if reply.type == RLERROR:
                check.equal("files capture, frame %d: the record says the server refused" % reply.last_frame,
                            row["ok"], False)
                continue
            if kind == "read" and reply.type == RREAD:
                count = reply.u32(HEADER)
                carrier, first = reply, RREAD_FIXED
            elif kind == "write" and reply.type == RWRITE:
                count = reply.u32(HEADER)
                carrier, first = request, TRW_FIXED
            else:
                check.true("files capture, frame %d: %s answered by type %d" % (
                    reply.last_frame, kind, reply.type), False)
                continue
            check.equal("files capture, frame %d: count moved = the record's" % carrier.last_frame,
                        (row["ok"], count), (True, row["count"]))
            start = carrier.start + first
            data = bytes(carrier.stream.data[start:start + count])
            name = row["path"] if unknown is None else unknown % request.u32(HEADER)
            image = images.setdefault(name, FileImage())
            image.access.add(kind)
            image.move(offset, data, carrier.captured(first, count, snaplen))
            image.frames.append((carrier.last_frame, carrier.last_ts))
    return images


def files_capture_expected(check, snaplen):
    """[Expected] for diod_9p2000L_files.pcap (cut at snaplen, or whole)."""
    stem = os.path.splitext(FILES_CAPTURE)[0]
    images = files_capture_images(check, FILES_CAPTURE, read_exchange_record(stem + ".exchanges"), snaplen)
    if snaplen is None:
        # What this test reads from the capture must be the recorded truth.
        truth = read_files_truth(stem + ".files")
        check.equal("files capture: the files read here = diod_9p2000L_files.files", sorted(images), sorted(truth))
        for path, image in sorted(images.items()):
            if path in truth:
                check.equal("files capture %s: size, captured, holes, access, sha256 read here = .files" % path,
                            (image.size, image.captured(), image.holes(), image.access_text(),
                             hashlib.sha256(image.saved()).hexdigest()), truth[path])
    out = []
    for path, image in sorted(images.items()):
        frames = None
        if snaplen is None and image.frames:
            first, last = min(image.frames), max(image.frames)
            frames = (first[0], first[1], last[0], last[1])
        out.append(Expected(path, image.size, image.captured(), image.holes(), image.access_text(), image.saved(),
                            frames))
    return out


def tools_capture_expected():
    """[Expected] for diod_9p2000L_tools.pcap: record_diod.sh's files, made as it makes them."""
    root = "/srv/9p/diod_a/"
    r = random.Random(5660)
    files = {
        "hello.txt": b"hello from diod capture a\n",
        "alpha.txt": b"alpha line 1\nalpha line 2\n",
        "numbers.txt": "".join("%d\n" % i for i in range(1, 501)).encode(),   # seq 1 500
        "sub/inner.txt": b"inside sub\n",
        "sub/deeper/leaf.txt": b"deeper still\n",
        "empty.txt": b"",
        "big100k.bin": bytes(r.getrandbits(8) for _ in range(102400)),
    }
    return [Expected(root + name, len(data), len(data), 0, "read", data) for name, data in sorted(files.items())]


# ---------------------------------------------------------------------------
# Running the tools


def wireshark_export_name(path):
    """The file name Wireshark's export code gives an object named path
    (eo_massage_str of the installed libwireshark, EXPORT_OBJECT_MAXFILELEN 255)."""
    class GString(ctypes.Structure):
        _fields_ = [("str", ctypes.c_char_p), ("len", ctypes.c_size_t), ("allocated_len", ctypes.c_size_t)]
    lib = ctypes.CDLL("libwireshark.so.16")
    lib.eo_massage_str.restype = ctypes.POINTER(GString)
    lib.eo_massage_str.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int]
    return lib.eo_massage_str(path.encode(), 255, 0).contents.str.decode()


def files_below(folder):
    """{path relative to folder: bytes} of every regular file below it."""
    found = {}
    for parent, _, names in os.walk(folder):
        for name in names:
            full = os.path.join(parent, name)
            with open(full, "rb") as f:
                found[os.path.relpath(full, folder)] = f.read()
    return found


def time_text(ns):
    return "%d.%09d" % divmod(ns, 10**9)


def run_extract(ninep, capture, folder):
    """(manifest rows, {saved_as: bytes}) or None when ninep has no extract command."""
    proc = subprocess.run([ninep, "extract", folder, capture], capture_output=True, timeout=300)
    err = proc.stderr.decode(errors="replace")
    if proc.returncode != 0 and "unknown command" in err:
        return None
    if proc.returncode != 0:
        raise RuntimeError("ninep extract %s: exit %d: %s" % (capture, proc.returncode, err.strip()[-500:]))
    return proc.stdout.decode(errors="replace"), files_below(folder)


def run_export(wrapper, plugin, capture, folder):
    """{file name: bytes} or None when tshark has no ninep export object table."""
    os.mkdir(folder)
    os.chmod(folder, 0o777)  # tests/tshark-with-plugin runs tshark as nobody when root
    proc = subprocess.run([wrapper, plugin, capture, "-Q", "--export-objects", "ninep," + folder],
                          capture_output=True, timeout=300)
    err = proc.stderr.decode(errors="replace")
    if "available export object types" in err:
        listed = err.split("available export object types", 1)[1].split()
        if "ninep" not in listed:
            return None
    if proc.returncode != 0:
        raise RuntimeError("tshark --export-objects ninep on %s: exit %d: %s" % (capture, proc.returncode,
                                                                              err.strip()[-500:]))
    return files_below(folder)


def check_manifest(check, what, text, written, expected):
    """The analyzer's manifest and files against the truth; returns {path: saved bytes}."""
    reader = csv.reader(io.StringIO(text, newline=""))
    rows = list(reader)
    check.equal("%s: manifest header" % what, rows[0] if rows else None, MANIFEST_HEADER)
    by_path = {}
    for row in rows[1:]:
        if len(row) != len(MANIFEST_HEADER):
            check.true("%s: manifest row %r has %d columns" % (what, row, len(row)), False)
            continue
        entry = dict(zip(MANIFEST_HEADER, row))
        check.true("%s: %s listed once" % (what, entry["path"]), entry["path"] not in by_path)
        by_path[entry["path"]] = entry
    check.equal("%s: the files listed" % what, sorted(by_path), sorted(e.path for e in expected))
    saved = {}
    for e in expected:
        entry = by_path.get(e.path)
        if entry is None:
            continue
        check.equal("%s %s: size, captured, holes, access" % (what, e.path),
                    (entry["size"], entry["captured"], entry["holes"], entry["access"]),
                    (str(e.size), str(e.captured), str(e.holes), e.access))
        want_saved_as = e.path.lstrip("/") if e.captured else ""
        check.equal("%s %s: saved_as" % (what, e.path), entry["saved_as"], want_saved_as)
        if e.frames:
            check.equal("%s %s: first_frame, first_time, last_frame, last_time" % (what, e.path),
                        (entry["first_frame"], entry["first_time"], entry["last_frame"], entry["last_time"]),
                        (str(e.frames[0]), time_text(e.frames[1]), str(e.frames[2]), time_text(e.frames[3])))
        elif e.captured:  # frames not worked out here: at least well formed
            check.true("%s %s: first_frame <= last_frame, times with 9 decimals (%s, %s, %s, %s)" % (
                what, e.path, entry["first_frame"], entry["first_time"], entry["last_frame"], entry["last_time"]),
                entry["first_frame"].isdigit() and entry["last_frame"].isdigit()
                and 1 <= int(entry["first_frame"]) <= int(entry["last_frame"])
                and all(len(t.partition(".")[2]) == 9 for t in (entry["first_time"], entry["last_time"])))
        if entry["saved_as"]:
            content = written.get(entry["saved_as"])
            check.true("%s %s: written at DIR/%s" % (what, e.path, entry["saved_as"]), content is not None)
            if content is not None:
                saved[e.path] = content
                check.true("%s %s: the %d bytes saved are the file's (sha256 %s, want %s)" % (
                    what, e.path, e.size, hashlib.sha256(content).hexdigest()[:16],
                    hashlib.sha256(e.content).hexdigest()[:16]), content == e.content)
    check.equal("%s: the files in DIR are those the manifest says were saved" % what,
                sorted(written), sorted(entry["saved_as"] for entry in by_path.values() if entry["saved_as"]))
    return saved


def check_objects(check, what, objects, expected):
    """The plugin's exported objects against the truth; returns {path: bytes}."""
    want = {wireshark_export_name(e.path): e for e in expected if e.captured}
    check.equal("%s: the objects exported (file names)" % what, sorted(objects), sorted(want))
    saved = {}
    for name, e in sorted(want.items()):
        content = objects.get(name)
        if content is None:
            continue
        saved[e.path] = content
        check.true("%s %s: the %d bytes exported are the file's (sha256 %s, want %s)" % (
            what, e.path, e.size, hashlib.sha256(content).hexdigest()[:16],
            hashlib.sha256(e.content).hexdigest()[:16]), content == e.content)
    return saved


def main():
    ap = argparse.ArgumentParser(description="Both tools give back the files a capture carried.")
    ap.add_argument("--ninep", required=True, help="the analyzer (BUILD/analyzer/ninep)")
    ap.add_argument("--plugin", required=True, help="the plugin (BUILD/plugin/ninep.so)")
    ap.add_argument("--tshark-wrapper", required=True, help="SRC/tests/tshark-with-plugin")
    args = ap.parse_args()
    plugin = os.path.abspath(args.plugin)
    check = Checker()
    missing = set()

    work = tempfile.mkdtemp(prefix="ninep-files-carried.")
    try:
        cases = [("diod_9p2000L_files", FILES_CAPTURE, files_capture_expected(check, None)),
                 ("diod_9p2000L_tools", TOOLS_CAPTURE, tools_capture_expected())]
        for snaplen in SNAPLENS:
            cut = os.path.join(work, "files_s%d.pcap" % snaplen)
            subprocess.run(["editcap", "-F", "pcap", "-s", str(snaplen), FILES_CAPTURE, cut], check=True)
            os.chmod(cut, 0o644)
            cases.append(("diod_9p2000L_files cut at %d" % snaplen, cut, files_capture_expected(check, snaplen)))
        os.chmod(work, 0o755)

        for index, (what, capture, expected) in enumerate(cases):
            analyzer_saved = plugin_saved = None
            if "analyzer" not in missing:
                result = run_extract(args.ninep, capture, os.path.join(work, "extract%d" % index))
                if result is None:
                    missing.add("analyzer")
                    print("SKIP the analyzer: `ninep extract` is an unknown command in %s" % args.ninep)
                else:
                    analyzer_saved = check_manifest(check, "ninep extract, " + what, result[0], result[1], expected)
            if "plugin" not in missing:
                result = run_export(args.tshark_wrapper, plugin, capture, os.path.join(work, "export%d" % index))
                if result is None:
                    missing.add("plugin")
                    print("SKIP the plugin: tshark has no \"ninep\" export object table with %s" % plugin)
                else:
                    plugin_saved = check_objects(check, "tshark --export-objects, " + what, result, expected)
            if analyzer_saved is not None and plugin_saved is not None:
                for path in sorted(set(analyzer_saved) | set(plugin_saved)):
                    check.true("%s %s: both tools saved the same bytes" % (what, path),
                               analyzer_saved.get(path) == plugin_saved.get(path))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    if missing and not check.failures:
        print("%d checks, 0 failed; skipped: %s without the feature (issue 17, files contract)" % (
            check.checks, " and ".join(sorted(missing))))
        return SKIP
    check.finish()


if __name__ == "__main__":
    sys.exit(main())
