"""plugin.export: `tshark --export-objects ninep,DIR` (File > Export Objects
> 9P) writes every file a capture read or wrote, byte for byte, as the files
contract of issue 17 says.

Expectations never come from the plugin:
  - the real capture diod_9p2000L_tools.pcap: the files diodcat read, whose
    contents captures/real/clients/record_diod.sh states (remade here exactly
    as that script makes them); cut by editcap -s 200, each file exported
    holds only those files' bytes at their offsets, and zeros;
  - diod_9p2000L_l_client.pcap: the files l_client.py read and wrote, as
    record_diod.sh and l_client.py state them; ling_9p2000e_classic and
    _macro (the same files, by Tread/Twrite and by Tsread/Tswrite): the
    same objects, of the sizes captures/README.md states;
  - the generator's files_9p2000L, files_9p2000e and files_hostile: the
    files captures/generator/cases_files.c states by seed and size;
  - every bundled capture: tshark succeeds and writes only inside DIR;
  - captures written here (one connection of each dialect, on port 564):
    the test knows every byte it put on the wire, and works out each file
    from the contract's rules (several reads, a read twice, a short write, a
    failed write, a hole, snaplen cuts of a read and of a write, directories,
    auth fids, an unknown fid, hostile names, a hostile offset).
File names are the 9P paths, escaped as Wireshark's eo_massage_str
(epan/export_object.c) does before writing: each of <>:"/\\|?* and bytes
0x01-0x1f becomes %xx; a name over 255 bytes is cut to 255.  Every check
runs one-pass and two-pass (-2: the taps run on the second pass, as in the
GUI's retap)."""
import os
import random
import shutil
import struct
import subprocess
import tempfile

from plugin_common import Checker, SOURCE_DIR, all_captures, fields, plugin_path, tshark

REAL_DIR = os.path.join(SOURCE_DIR, "captures", "real")
GENERATED_DIR = os.path.join(SOURCE_DIR, "captures", "generated")
REAL = os.path.join(REAL_DIR, "diod_9p2000L_tools.pcap")
CLIENT = (bytes([10, 0, 0, 1]), 40000)
SERVER = (bytes([10, 0, 0, 2]), 564)
MAX_FILE_NAME = 255  # EXPORT_OBJECT_MAXFILELEN
QTDIR, QTAUTH, QTFILE = 0x80, 0x08, 0x00
NOFID = 0xFFFFFFFF


# ---- Wireshark's file naming (epan/export_object.c), restated -----------------

def wireshark_name(path):
    """The file name Wireshark's export code gives an object named `path`."""
    out = bytearray()
    for byte in path:
        if byte in b'<>:"/\\|?*' or 0x01 <= byte <= 0x1F:
            out += b"%%%02x" % byte
        else:
            out.append(byte)
    if len(out) > MAX_FILE_NAME:
        # eo_rename keeps an extension ("." and after) when it fits
        dot = out.rfind(b".")
        if dot >= 0 and len(out) - dot < MAX_FILE_NAME:
            ext = out[dot:]
            out = out[:MAX_FILE_NAME - len(ext)] + ext
        else:
            out = out[:MAX_FILE_NAME]
    return bytes(out)


# ---- the real capture: what record_diod.sh wrote in /srv/9p/diod_a --------------

def diod_a_files():
    """{9P path: content} of the files diodcat read in diod_9p2000L_tools.pcap
    (record_diod.sh, run 4 and 5/6; empty.txt has no byte to carry)."""
    root = b"/srv/9p/diod_a"
    rng = random.Random(5660)
    big = bytes(rng.getrandbits(8) for _ in range(102400))
    return {
        root + b"/hello.txt": b"hello from diod capture a\n",
        root + b"/alpha.txt": b"alpha line 1\nalpha line 2\n",
        root + b"/numbers.txt": "".join("%d\n" % i for i in range(1, 501)).encode(),
        root + b"/sub/inner.txt": b"inside sub\n",
        root + b"/sub/deeper/leaf.txt": b"deeper still\n",
        root + b"/big100k.bin": big,
    }


def diod_b_files():
    """{9P path: content} of diod_9p2000L_l_client.pcap: what record_diod.sh
    wrote in /srv/9p/diod_b and l_client.py (captures/real/clients) read,
    and the file it created, wrote and read back.  Its FIFO read fails
    (ESPIPE): no file."""
    root = b"/srv/9p/diod_b"
    return {
        root + b"/alpha.txt": b"alpha, the first file\n",
        root + b"/sub/inner.txt": b"inside sub\n",
        root + b"/sub/deeper/leaf.txt": b"deeper still\n",
        root + b"/new.txt": b"written by l_client.py\n",
    }


def file_content(seed, n):
    """captures/generated/README.md: byte i of a file of the files_*
    captures is bits 16..23 of the (i+1)-th state of the LCG
    x = x * 1103515245 + 12345 (mod 2^32) from x = seed."""
    out, x = bytearray(n), seed
    for i in range(n):
        x = (x * 1103515245 + 12345) & 0xFFFFFFFF
        out[i] = (x >> 16) & 0xFF
    return bytes(out)


def generated_files_truth():
    """{capture: {9P path: content}} of the generator's files captures, as
    captures/generated/README.md and captures/generator/cases_files.c state
    them (seeds and sizes); files_hostile: the contents only, by seed."""
    holey = file_content(4, 10000)
    return {
        "files_9p2000L": {
            b"/srv/whole.bin": file_content(1, 5000),
            b"/srv/pieces.bin": file_content(2, 20000),
            b"/srv/twice.txt": file_content(3, 3000),
            b"/srv/holey.bin": holey[:1000] + bytes(5000) + holey[6000:8000],
            b"/srv/written.txt": file_content(5, 14000),
            b"(unknown)/10.0.0.1:40564-10.0.0.2:564/fid-77": file_content(7, 1500),
        },
        "files_9p2000e": {
            b"/e_read.txt": file_content(10, 1000),  # read by Tsread, then replaced by Tswrite
            b"/e_new.txt": file_content(9, 2500),
        },
        "files_hostile": sorted(file_content(k, 100 + k) for k in range(1, 18)),
    }


# ---- captures written here ---------------------------------------------------

def s(text):
    data = text if isinstance(text, bytes) else text.encode()
    return struct.pack("<H", len(data)) + data


def qid(qtype, path):
    return struct.pack("<BIQ", qtype, 0, path)


def msg(mtype, tag, body):
    return struct.pack("<IBH", 7 + len(body), mtype, tag) + body


class Pcap:
    """Ethernet/IPv4/TCP segments, one 9P message each (checksums 0: tshark
    does not check them by default).  cut: captured length of a frame."""

    def __init__(self):
        self.frames = []
        self.seq = {}
        self.time = 0

    def segment(self, client_port, from_client, payload, captured_payload=None):
        client = (CLIENT[0], client_port)
        src, dst = (client, SERVER) if from_client else (SERVER, client)
        key = (client_port, from_client)
        self.seq.setdefault((client_port, True), 1000)
        self.seq.setdefault((client_port, False), 5000)
        tcp = struct.pack(">HHIIBBHHH", src[1], dst[1], self.seq[key], self.seq[(client_port, not from_client)],
                          5 << 4, 0x18, 65535, 0, 0)
        ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp) + len(payload), 0, 0x4000, 64, 6, 0, src[0],
                         dst[0])
        eth = b"\x02\x00\x00\x00\x00\x02" + b"\x02\x00\x00\x00\x00\x01" + b"\x08\x00"
        self.seq[key] += len(payload)
        self.time += 1000
        frame = eth + ip + tcp + payload
        captured = len(frame) if captured_payload is None else len(frame) - len(payload) + captured_payload
        self.frames.append((self.time, frame, captured))

    def write(self, path):
        with open(path, "wb") as f:
            f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
            for t, data, captured in self.frames:
                f.write(struct.pack("<IIII", t // 1000000, t % 1000000, captured, len(data)))
                f.write(data[:captured])


class Conn:
    """One 9P connection of a Pcap: requests and their replies, tags 1, 2..."""

    def __init__(self, pcap, port, version):
        self.pcap, self.port, self.tag = pcap, port, 0
        self.exchange(100, struct.pack("<I", 65536) + s(version), 101, struct.pack("<I", 65536) + s(version),
                      tag=0xFFFF)

    def exchange(self, treq, body, trep, reply_body, tag=None, reply_captured=None, request_captured=None):
        if tag is None:
            self.tag += 1
            tag = self.tag
        self.pcap.segment(self.port, True, msg(treq, tag, body), request_captured)
        reply = msg(trep, tag, reply_body)
        cut = None if reply_captured is None else reply_captured
        self.pcap.segment(self.port, False, reply, cut)

    def attach(self, fid, aname, qtype=QTDIR, dotl=True):
        body = struct.pack("<II", fid, NOFID) + s("user") + s(aname) + (struct.pack("<I", 0) if dotl else b"")
        self.exchange(104, body, 105, qid(qtype, 1))

    def walk(self, fid, newfid, names, qtypes):
        body = struct.pack("<IIH", fid, newfid, len(names)) + b"".join(s(n) for n in names)
        self.exchange(110, body, 111, struct.pack("<H", len(qtypes)) + b"".join(qid(t, 2) for t in qtypes))

    def read(self, fid, offset, data, count=None, reply_captured=None):
        count = len(data) if count is None else count
        header_len = 7 + 4
        cut = None if reply_captured is None else header_len + reply_captured
        self.exchange(116, struct.pack("<IQI", fid, offset, count), 117, struct.pack("<I", len(data)) + data,
                      reply_captured=cut)

    def write(self, fid, offset, data, written, error=None, data_captured=None):
        body = struct.pack("<IQI", fid, offset, len(data)) + data
        cut = None if data_captured is None else 7 + 4 + 8 + 4 + data_captured
        if error is None:
            self.exchange(118, body, 119, struct.pack("<I", written), request_captured=cut)
        else:
            self.exchange(118, body, 7, struct.pack("<I", error))


def stat_record(name):
    """A 9P2000 stat entry (doc/9p-wire.md) of a plain file."""
    body = (struct.pack("<HI", 0, 0) + qid(QTFILE, 9) + struct.pack("<IIIQ", 0o644, 0, 0, 5) + s(name) + s("u")
            + s("g") + s("u"))
    return struct.pack("<H", len(body)) + body


def build_generated(path):
    """The capture and {9P path: expected content} of every file it carries
    at least one captured byte of."""
    p = Pcap()
    expected = {}

    # 9P2000.L, attach name /exp
    c = Conn(p, 40000, "9P2000.L")
    c.attach(0, "/exp")
    # several Treads, in order: one whole file
    multi = bytes((i * 7) & 0xFF for i in range(3000))
    c.walk(0, 1, ["multi.bin"], [QTFILE])
    for at in range(0, 3000, 1000):
        c.read(1, at, multi[at:at + 1000])
    c.read(1, 3000, b"")  # end of file
    expected[b"/exp/multi.bin"] = multi
    # the same bytes read twice: the later read's bytes are kept
    c.walk(0, 2, ["twice.txt"], [QTFILE])
    c.read(2, 0, b"first version of twice\n")
    c.read(2, 0, b"second version, later!\n")
    expected[b"/exp/twice.txt"] = b"second version, later!\n"
    # a write the server takes only 60 bytes of, then a failed write
    c.walk(0, 3, ["written.txt"], [QTFILE])
    written = bytes(range(65, 65 + 26)) * 4
    c.write(3, 0, written, 60)
    c.write(3, 60, b"never written", 0, error=28)  # ENOSPC: carries nothing
    expected[b"/exp/written.txt"] = written[:60]
    c.walk(0, 4, ["failed.txt"], [QTFILE])
    c.write(4, 0, b"rejected bytes", 0, error=13)  # EACCES: no file
    # a hole: [0,10) and [20,30) read, [10,20) never
    c.walk(0, 5, ["hole.bin"], [QTFILE])
    c.read(5, 0, b"0123456789")
    c.read(5, 20, b"abcdefghij")
    expected[b"/exp/hole.bin"] = b"0123456789" + bytes(10) + b"abcdefghij"
    # a read the snaplen cut: 100 of 1000 data bytes captured
    cut = bytes((i * 13 + 5) & 0xFF for i in range(1000))
    c.walk(0, 6, ["cut.bin"], [QTFILE])
    c.read(6, 0, cut, reply_captured=100)
    expected[b"/exp/cut.bin"] = cut[:100] + bytes(900)
    # a write the snaplen cut: 50 of its 500 data bytes captured
    cut_write = bytes((i * 31 + 7) & 0xFF for i in range(500))
    c.walk(0, 12, ["cutwrite.bin"], [QTFILE])
    c.write(12, 0, cut_write, 500, data_captured=50)
    expected[b"/exp/cutwrite.bin"] = cut_write[:50] + bytes(450)
    # a directory read with Tread (its qid is DIR): stat records, no file
    c.walk(0, 7, ["subdir"], [QTDIR])
    c.read(7, 0, stat_record("x") + stat_record("y"))
    # a fid nobody saw made: kept per connection and fid
    c.read(77, 0, b"bytes of a fid made before the capture\n")
    expected[b"(unknown)/10.0.0.1:40000-10.0.0.2:564/fid-77"] = b"bytes of a fid made before the capture\n"
    # hostile names: "..", a name holding "/" (walked as the path it spells,
    # never above the attach root), control bytes, a long name
    c.walk(0, 8, ["..", "..", "escape.txt"], [QTDIR, QTDIR, QTFILE])
    c.read(8, 0, b"dot-dot stays at the root\n")
    expected[b"/exp/escape.txt"] = b"dot-dot stays at the root\n"
    c.walk(0, 9, [b"a/../../b\x01\x1b[31m"], [QTFILE])
    c.read(9, 0, b"slashes and control bytes\n")
    expected[b"/exp/b\x01\x1b[31m"] = b"slashes and control bytes\n"
    long_name = b"L" * 300 + b".txt"
    c.walk(0, 10, [long_name], [QTFILE])
    c.read(10, 0, b"a long name\n")
    expected[b"/exp/" + long_name] = b"a long name\n"
    # a hostile offset: 2^63, far past the limit: kept nowhere, no file
    c.walk(0, 11, ["far.bin"], [QTFILE])
    c.read(11, 1 << 63, b"far away")

    # 9P2000 with an auth fid: reads and writes on it are no files
    a = Conn(p, 40001, "9P2000")
    a.exchange(102, struct.pack("<I", 5) + s("user") + s(""), 103, qid(QTAUTH, 3))
    a.write(5, 0, b"auth protocol bytes", 19)
    a.read(5, 0, b"auth reply bytes")
    a.attach(0, "", dotl=False)
    a.walk(0, 1, ["plain.txt"], [QTFILE])
    a.read(1, 0, b"a 9P2000 file\n")
    expected[b"/plain.txt"] = b"a 9P2000 file\n"

    # 9P2000.e: Tsread/Rsread and Tswrite/Rswrite carry whole files
    e = Conn(p, 40002, "9P2000.e")
    e.attach(0, "/data", dotl=False)
    sread = b"the whole file, in one Rsread\n"
    e.exchange(152, struct.pack("<IH", 0, 1) + s("sread.txt"), 153, struct.pack("<I", len(sread)) + sread)
    expected[b"/data/sread.txt"] = sread
    # a file read whole, then replaced whole by a shorter Tswrite
    e.exchange(152, struct.pack("<IH", 0, 1) + s("both.txt"), 153, struct.pack("<I", 20) + b"twenty bytes of old.")
    new = b"shorter"
    e.exchange(154, struct.pack("<IH", 0, 1) + s("both.txt") + struct.pack("<I", len(new)) + new, 155,
               struct.pack("<I", len(new)))
    expected[b"/data/both.txt"] = new
    # an Rsread of a directory: stat records, no file
    listing = stat_record("sread.txt") + stat_record("both.txt")
    e.exchange(152, struct.pack("<IH", 0, 1) + s("adir"), 153, struct.pack("<I", len(listing)) + listing)
    p.write(path)
    return expected


def build_near_limit(path):
    """A read of 10 bytes 4 bytes before the 1 GiB limit: 6 not kept.  Only
    its expert note is checked: exporting it would write a 1 GiB file."""
    p = Pcap()
    c = Conn(p, 40000, "9P2000.L")
    c.attach(0, "/exp")
    c.walk(0, 1, ["huge.bin"], [QTFILE])
    c.read(1, (1 << 30) - 4, b"0123456789")
    p.write(path)


# ---- running the export -------------------------------------------------------

def export(plugin, pcap, two_pass):
    """{file name (bytes): content} of what tshark exported, and whether
    anything landed outside the export folder or in a subfolder."""
    parent = tempfile.mkdtemp(prefix="ninep-export.")
    os.chmod(parent, 0o777)  # tshark runs as nobody under root
    out = os.path.join(parent, "objects")
    try:
        tshark(plugin, pcap, "-Q", "--export-objects", "ninep," + out, two_pass=two_pass)
        files, stray = {}, []
        if os.path.isdir(out):
            for name in os.listdir(os.fsencode(out)):
                full = os.path.join(os.fsencode(out), name)
                if os.path.isfile(full) and not os.path.islink(full):
                    with open(full, "rb") as f:
                        files[name] = f.read()
                else:
                    stray.append(name)
        stray += [n for n in os.listdir(parent) if n != "objects"]
        return files, stray
    finally:
        shutil.rmtree(parent, ignore_errors=True)


def check_cut(check, label, files, real):
    """A capture the snaplen cut: each exported file is one of the real
    files, no longer than it, and each of its bytes is the real file's byte
    or a zero of a hole; together they hold some captured bytes."""
    names = {wireshark_name(path): content for path, content in real.items()}
    check.true("%s: some files exported" % label, len(files) > 0)
    check.true("%s: only files the clients read" % label, set(files) <= set(names), repr(sorted(files)))
    captured = 0
    for name, got in sorted(files.items()):
        want = names.get(name)
        if want is None:
            continue
        check.true("%s: %s no longer than the real file" % (label, name.decode()), len(got) <= len(want),
                   "%d > %d" % (len(got), len(want)))
        wrong = [i for i, b in enumerate(got) if i < len(want) and b != want[i] and b != 0]
        check.equal("%s: %s bytes that are neither the file's nor a hole's" % (label, name.decode()), wrong[:5], [])
        captured += sum(1 for i, b in enumerate(got) if i < len(want) and b == want[i] and b != 0)
    check.true("%s: captured bytes exported" % label, captured > 0)


def compare(check, label, files, expected):
    want = {wireshark_name(path): content for path, content in expected.items()}
    check.equal("%s: exported names" % label, sorted(files), sorted(want))
    for name, content in sorted(want.items()):
        got = files.get(name)
        check.true("%s: %s byte for byte" % (label, name.decode(errors="replace")), got == content,
                   "got %s bytes, expected %d" % (None if got is None else len(got), len(content)))


def main():
    plugin = plugin_path()
    check = Checker()
    folder = tempfile.mkdtemp(prefix="ninep-export-captures.")
    os.chmod(folder, 0o755)
    try:
        generated = os.path.join(folder, "export_files.pcap")
        expected = build_generated(generated)
        near = os.path.join(folder, "export_near_limit.pcap")
        build_near_limit(near)
        os.chmod(generated, 0o644)
        os.chmod(near, 0o644)
        for two_pass in (False, True):
            label = "two-pass" if two_pass else "one-pass"
            files, stray = export(plugin, REAL, two_pass)
            compare(check, "diod tools " + label, files, diod_a_files())
            check.equal("diod tools %s: nothing outside the folder" % label, stray, [])

            cut = os.path.join(folder, "diod_tools_s200.pcap")
            subprocess.run(["editcap", "-s", "200", REAL, cut], check=True)
            os.chmod(cut, 0o644)
            files, stray = export(plugin, cut, two_pass)
            check_cut(check, "diod tools cut to 200 bytes " + label, files, diod_a_files())

            files, stray = export(plugin, generated, two_pass)
            compare(check, "generated " + label, files, expected)
            check.equal("generated %s: nothing outside the folder, no subfolder" % label, stray, [])

            # the hostile offset: an expert note on its Rread, and no file
            rows = fields(plugin, generated, ["ninep.message", "_ws.expert.message"], two_pass=two_pass)
            notes = [m for r in rows for m in r["_ws.expert.message"] if "export limit" in m]
            check.equal("generated %s: the 2^63 offset's note" % label, notes,
                        ["File content beyond the export limit of 1073741824 bytes not kept: 8 of 8 bytes "
                         "at offset 9223372036854775808 dropped"])
            rows = fields(plugin, near, ["ninep.message", "_ws.expert.message"], two_pass=two_pass)
            notes = [(r["ninep.message"], m) for r in rows for m in r["_ws.expert.message"] if "export limit" in m]
            check.equal("near limit %s: 6 of 10 bytes dropped, on the Rread" % label, notes,
                        [(["Rread"], "File content beyond the export limit of 1073741824 bytes not kept: 6 of "
                          "10 bytes at offset 1073741820 dropped")])

        # The generator's files captures (engineer A's, captures/generated)
        truth = generated_files_truth()
        for stem in ("files_9p2000L", "files_9p2000e"):
            files, stray = export(plugin, os.path.join(GENERATED_DIR, stem + ".pcap"), False)
            compare(check, stem, files, truth[stem])
            check.equal("%s: nothing outside the folder" % stem, stray, [])
        files, stray = export(plugin, os.path.join(GENERATED_DIR, "files_hostile.pcap"), False)
        check.equal("files_hostile: the 17 files' contents, whatever their names",
                    sorted(files.values()), truth["files_hostile"])
        check.equal("files_hostile: nothing outside the folder, no subfolder", stray, [])

        files, stray = export(plugin, os.path.join(REAL_DIR, "diod_9p2000L_l_client.pcap"), False)
        compare(check, "diod l_client", files, diod_b_files())
        # LING's two runs (captures/README.md): the same five files of 53, 67,
        # 1500, 6 and 4000 bytes read and rewritten, one run with Tread and
        # Twrite, the other with one Tsread and one Tswrite each.
        classic, _ = export(plugin, os.path.join(REAL_DIR, "ling_9p2000e_classic.pcap"), False)
        macro, _ = export(plugin, os.path.join(REAL_DIR, "ling_9p2000e_macro.pcap"), False)
        check.equal("ling classic: five files of the stated sizes", sorted(len(v) for v in classic.values()),
                    [6, 53, 67, 1500, 4000])
        check.true("ling macro-ops give the files the classic run gives", macro == classic,
                   "%r / %r" % (sorted(macro), sorted(classic)))

        # Every bundled capture: tshark succeeds, writes only files, only in
        # the folder, and reports no dissector bug.
        for pcap, _ in all_captures():
            name = os.path.basename(pcap)
            try:
                files, stray = export(plugin, pcap, False)
            except AssertionError as failure:
                check.true("%s: tshark --export-objects succeeds" % name, False, str(failure)[:300])
                continue
            check.equal("%s: nothing outside the folder, no subfolder" % name, stray, [])
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    check.finish()


main()
