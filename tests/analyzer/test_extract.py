"""analyzer.extract: `ninep extract DIR FILE...` gives back, byte for byte,
the files a capture carried, never writes outside DIR, and keeps to the
files contract (issue 17).

Where the expectations come from (never from the analyzer's output):
  - captures/generated/files_*.pcap: the generator's own statement
    (captures/generator/cases_files.c): each file's content is
    file_content(seed, n), an LCG replayed here exactly as the generator
    states it, with the seeds, sizes, offsets and ranges stated there;
  - captures/real/diod_9p2000L_tools.pcap: the files
    captures/real/clients/record_diod.sh wrote before diodcat read them,
    regenerated here exactly as that script makes them;
  - frames and times: tshark's built-in 9p dissector (the Rread/Twrite
    frames, in the order the client read and wrote);
  - names: walk(5) ("..", at the root, stays there) and the escaping
    documented in analyzer/ninep.1 (decoded here as documented).
"""
import csv
import io
import os
import random
import shutil
import stat
import subprocess
import sys
import tempfile

from common import ninep_binary
from ninep_testlib import CAPTURES_DIR, Checker

GEN = os.path.join(CAPTURES_DIR, "generated")
REAL = os.path.join(CAPTURES_DIR, "real")
HEADER = ["path", "saved_as", "size", "captured", "holes", "first_frame", "first_time", "last_frame", "last_time",
          "access"]


def file_content(seed, n):
    """cases_files.c: byte i is bits 16..23 of the i+1-th state of
    x = x * 1103515245 + 12345 (mod 2^32), from x = seed."""
    out = bytearray(n)
    x = seed
    for i in range(n):
        x = (x * 1103515245 + 12345) & 0xFFFFFFFF
        out[i] = (x >> 16) & 0xFF
    return bytes(out)


def extract(binary, outdir, *captures, overwrite=False):
    args = [binary, "extract"] + (["--overwrite"] if overwrite else []) + [outdir] + list(captures)
    proc = subprocess.run(args, capture_output=True, timeout=300)
    return proc.returncode, proc.stdout, proc.stderr.decode("utf-8", "replace")


def manifest(out):
    """The rows, each a dict; the header row checked by the caller."""
    text = out.decode("utf-8", "surrogateescape")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    table = [dict(zip(HEADER, r)) for r in rows[1:]]
    for row in table:
        # saved_as is a file name below DIR: text, escaped as every CSV field is
        if "saved_as" in row:
            row["saved_as"] = unescape_path(row["saved_as"]).decode("utf-8", "surrogateescape")
    return rows[0] if rows else [], table


def unescape_path(field):
    """A manifest field, as every CSV field is escaped (ninep.1): \\xHH stands
    for a byte, \\\\ for a backslash."""
    raw = field.encode("utf-8", "surrogateescape")
    out, i = bytearray(), 0
    while i < len(raw):
        if raw[i:i + 2] == b"\\\\":
            out.append(0x5C)
            i += 2
        elif raw[i:i + 2] == b"\\x":
            out.append(int(raw[i + 2:i + 4], 16))
            i += 4
        else:
            out.append(raw[i])
            i += 1
    return bytes(out)


def decode_saved(saved_as):
    """The 9P path a saved_as spells, by ninep.1's rules: each element's %XX
    is the byte XX, a lone "%" an empty element, the whole "%2F" the root."""
    if saved_as == "%2F":
        return b"/"
    elements = []
    for element in saved_as.split("/"):
        if element == "%":
            elements.append(b"")
            continue
        out, i = bytearray(), 0
        while i < len(element):
            if element[i] == "%":
                out.append(int(element[i + 1:i + 3], 16))
                i += 3
            else:
                out.append(ord(element[i]))
                i += 1
        elements.append(bytes(out))
    return b"/" + b"/".join(elements)


def holds(c, what, condition, detail=""):
    """c.true that also gives the condition back, to skip what depends on it."""
    c.true(what, condition, detail)
    return condition


def read(path):
    with open(path, "rb") as f:
        return f.read()


def builtin_frames(capture, msgtype, port):
    """[(frame, epoch time text, count)] of one 9P message type, from tshark's
    built-in 9p dissector, in capture order."""
    proc = subprocess.run(["tshark", "-r", capture, "-o", "tcp.desegment_tcp_streams:TRUE", "-d",
                           "tcp.port==%d,9p" % port, "-Y", "9p.msgtype==%d" % msgtype, "-T", "fields", "-e",
                           "frame.number", "-e", "frame.time_epoch", "-e", "9p.count"],
                          capture_output=True, text=True, timeout=300)
    rows = []
    for line in proc.stdout.splitlines():
        frame, when, count = line.split("\t")
        rows.append((frame, when, int(count.split(",")[0])))
    return rows


def check_row(c, what, row, size, captured, holes, access):
    c.equal(what + " size", row["size"], str(size))
    c.equal(what + " captured", row["captured"], str(captured))
    c.equal(what + " holes", row["holes"], str(holes))
    c.equal(what + " access", row["access"], access)


def check_frames(c, what, row, first, last):
    """first, last: (frame, epoch time) from the built-in dissector."""
    c.equal(what + " first_frame", row["first_frame"], first[0])
    c.equal(what + " last_frame", row["last_frame"], last[0])
    c.equal(what + " first_time", row["first_time"], first[1])
    c.equal(what + " last_time", row["last_time"], last[1])


def check_saved(c, outdir, row, expected):
    path = os.path.join(outdir, row["saved_as"])
    c.true("%s saved" % row["path"], row["saved_as"] != "" and os.path.isfile(path), row["saved_as"])
    if os.path.isfile(path):
        got = read(path)
        c.true("%s byte for byte (%d bytes, expected %d)" % (row["path"], len(got), len(expected)), got == expected)


# ---- generated captures -------------------------------------------------------------

def generated_9p2000L(c, binary, work):
    capture = os.path.join(GEN, "files_9p2000L.pcap")
    outdir = os.path.join(work, "L")
    code, out, err = extract(binary, outdir, capture)
    c.equal("files_9p2000L exit status", code, 0)
    c.equal("files_9p2000L stderr", err, "")
    header, rows = manifest(out)
    c.equal("manifest header", header, HEADER)
    by_path = {r["path"]: r for r in rows}
    unknown = "(unknown)/10.0.0.1:40564-10.0.0.2:564/fid-77"
    # the files in the order they first carried content; not the failed
    # write, the directory or the auth fid
    c.equal("files_9p2000L files", [r["path"] for r in rows],
            ["/srv/whole.bin", "/srv/pieces.bin", "/srv/twice.txt", "/srv/holey.bin", "/srv/written.txt", unknown])

    holey = file_content(4, 10000)
    expected = {
        "/srv/whole.bin": (file_content(1, 5000), 5000, 0, "read"),
        "/srv/pieces.bin": (file_content(2, 20000), 20000, 0, "read"),
        "/srv/twice.txt": (file_content(3, 3000), 3000, 0, "read"),
        # [0,1000) and [6000,8000) read: the hole [1000,6000) is zeros
        "/srv/holey.bin": (holey[:1000] + bytes(5000) + holey[6000:8000], 3000, 1, "read"),
        "/srv/written.txt": (file_content(5, 14000), 14000, 0, "written"),
        unknown: (file_content(7, 1500), 1500, 0, "read"),
    }
    for path, (content, captured, holes, access) in expected.items():
        row = by_path.get(path)
        if not holds(c, "row for " + path, row is not None):
            continue
        check_row(c, path, row, len(content), captured, holes, access)
        check_saved(c, outdir, row, content)

    # frames: the built-in dissector's Rreads and Twrites in the client's order
    rreads = builtin_frames(capture, 117, 564)
    twrites = builtin_frames(capture, 118, 564)
    c.equal("built-in Rread counts", [r[2] for r in rreads],
            [5000, 0, 8168, 8168, 3664, 0, 3000, 0, 3000, 0, 1000, 2000, 2, 1500])
    c.equal("built-in Twrite counts", [t[2] for t in twrites], [4000, 4000, 4000, 2000, 1000, 700, 11])
    if len(rreads) == 14 and len(twrites) == 7:
        spans = {"/srv/whole.bin": (rreads[0], rreads[1]), "/srv/pieces.bin": (rreads[2], rreads[5]),
                 "/srv/twice.txt": (rreads[6], rreads[9]), "/srv/holey.bin": (rreads[10], rreads[11]),
                 unknown: (rreads[13], rreads[13]), "/srv/written.txt": (twrites[0], twrites[4])}
        for path, (first, last) in spans.items():
            if path in by_path:
                check_frames(c, path, by_path[path], first, last)
    return outdir, expected


def generated_9p2000e(c, binary, work):
    capture = os.path.join(GEN, "files_9p2000e.pcap")
    outdir = os.path.join(work, "e")
    code, out, err = extract(binary, outdir, capture)
    c.equal("files_9p2000e exit status", code, 0)
    header, rows = manifest(out)
    # Tsread of e_read.txt, Tswrite of e_new.txt, then a Tswrite that
    # replaces e_read.txt; the MUMBLE record and the directory are no files
    c.equal("files_9p2000e files", [r["path"] for r in rows], ["/e_read.txt", "/e_new.txt"])
    by_path = {r["path"]: r for r in rows}
    for path, content, access in (("/e_read.txt", file_content(10, 1000), "read+written"),
                                  ("/e_new.txt", file_content(9, 2500), "written")):
        row = by_path.get(path)
        if holds(c, "row for " + path, row is not None):
            check_row(c, path, row, len(content), len(content), 0, access)
            check_saved(c, outdir, row, content)


def hostile(c, binary, work):
    capture = os.path.join(GEN, "files_hostile.pcap")
    outdir = os.path.join(work, "hostile")
    outside = os.path.join(work, "outside")
    os.makedirs(outdir)
    os.makedirs(outside)
    outside_file = os.path.join(work, "outside.txt")
    with open(outside_file, "wb") as f:
        f.write(b"untouched")
    # planted beforehand: symbolic links where the capture has files
    os.symlink(outside, os.path.join(outdir, "planted"))
    os.symlink(outside_file, os.path.join(outdir, "link.txt"))

    for overwrite in (False, True):
        code, out, err = extract(binary, outdir, capture, overwrite=overwrite)
        what = "hostile%s" % (" --overwrite" if overwrite else "")
        c.equal(what + " exit status", code, 0)
        c.true(what + ": no raw control byte on stdout",
               all(b >= 0x20 or b in (0x0d, 0x0a) for b in out), repr(out[:200]))
        c.true(what + ": no raw control byte on stderr", all(ord(ch) >= 0x20 or ch == "\n" for ch in err), repr(err))
        c.true(what + ": the planted link on the way is said", "planted/evil.txt" in err, err)
        c.true(what + ": the planted link is said", "link.txt: is a symbolic link" in err, err)
        c.equal(what + ": nothing written outside DIR", os.listdir(outside), [])
        c.equal(what + ": the file a link points to is untouched", read(outside_file), b"untouched")
        header, rows = manifest(out)
        c.equal(what + " header", header, HEADER)
        c.equal(what + " rows", len(rows), 17)
        if overwrite:
            continue  # the first run's files are replaced by the same bytes

        contents = {file_content(seed, 100 + seed): seed for seed in range(1, 18)}
        seen = set()
        for row in rows:
            saved = row["saved_as"]
            path = unescape_path(row["path"])
            if path in (b"/planted/evil.txt", b"/link.txt"):
                c.equal("%r not saved through a symbolic link" % path, saved, "")
                continue
            if not holds(c, "%r saved" % path, saved != ""):
                continue
            full = os.path.join(outdir, saved)
            c.true("%r: saved_as is at most 3072 bytes" % path, len(saved) <= 3072, str(len(saved)))
            for element in saved.split("/"):
                c.true("%r: element %r is safe" % (path, element[:40]),
                       0 < len(element) <= 255 and element not in (".", "..") and
                       all(0x20 <= ord(ch) <= 0x7e for ch in element))
            c.true("%r: a regular file below DIR" % path,
                   stat.S_ISREG(os.lstat(full).st_mode) and
                   os.path.realpath(full).startswith(os.path.realpath(outdir) + os.sep))
            got = read(full)
            seed = contents.get(got)
            c.true("%r: content is one of the files sent" % path, seed is not None)
            seen.add(seed)
            if "~" not in saved:
                c.equal("%r: saved_as decodes to the path (ninep.1)" % path, decode_saved(saved), path)
            c.equal("%r size" % path, row["size"], str(len(got)))
        c.equal("every hostile file but the two behind links saved once", sorted(s for s in seen if s),
                [s for s in range(1, 18) if s not in (15, 16)])
        # walk(5): ".." at the root stays there; the names are the engine's
        paths = [unescape_path(r["path"]) for r in rows]
        for p in (b"/tmp/escape.txt", b"/etc/cron.d/evil", b"/nul\x00byte", b"/\x1b[31mred\x1b[0m\x07",
                  b"/new\nline\r\n", b"/100%.txt", b"/c", b"/"):
            c.true("hostile path %r in the manifest" % p, p in paths)

    # everything in DIR is inside it: walk it without following links
    for root, dirs, files in os.walk(outdir):
        for name in dirs + files:
            full = os.path.join(root, name)
            st = os.lstat(full)
            if stat.S_ISLNK(st.st_mode):
                c.true("only the planted links are links: %s" % full,
                       full in (os.path.join(outdir, "planted"), os.path.join(outdir, "link.txt")))
            else:
                c.true("%s below DIR" % full[:120],
                       os.path.realpath(full).startswith(os.path.realpath(outdir) + os.sep))


def overwrite(c, binary, work, outdir, expected):
    """A second run into the same DIR leaves every file alone, unless --overwrite."""
    capture = os.path.join(GEN, "files_9p2000L.pcap")
    mine = os.path.join(outdir, "srv", "whole.bin")
    with open(mine, "wb") as f:
        f.write(b"mine")
    code, out, err = extract(binary, outdir, capture)
    c.equal("second run exit status", code, 0)
    c.equal("second run: each existing file said once", err.count("exists, not overwritten"), len(expected))
    _, rows = manifest(out)
    c.equal("second run: nothing saved", [r["saved_as"] for r in rows], [""] * len(rows))
    c.equal("second run: the user's file is untouched", read(mine), b"mine")
    code, out, err = extract(binary, outdir, capture, overwrite=True)
    c.equal("--overwrite exit status", code, 0)
    _, rows = manifest(out)
    for row in rows:
        check_saved(c, outdir, row, expected[row["path"]][0])


# ---- real capture --------------------------------------------------------------------

def diod_files():
    """The files record_diod.sh wrote in its export A, made here as it makes them."""
    big = random.Random(5660)
    return {
        "hello.txt": b"hello from diod capture a\n",
        "alpha.txt": b"alpha line 1\nalpha line 2\n",
        "numbers.txt": "".join("%d\n" % i for i in range(1, 501)).encode(),
        "sub/inner.txt": b"inside sub\n",
        "sub/deeper/leaf.txt": b"deeper still\n",
        "empty.txt": b"",
        "big100k.bin": bytes(big.getrandbits(8) for _ in range(102400)),
    }


def export_a():
    with open(os.path.join(REAL, "clients", "record_diod.sh"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("A="):
                return line.strip()[2:]
    raise AssertionError("record_diod.sh: no A=")


def real_capture(c, binary, work):
    capture = os.path.join(REAL, "diod_9p2000L_tools.pcap")
    outdir = os.path.join(work, "diod")
    code, out, err = extract(binary, outdir, capture)
    c.equal("diod tools exit status", code, 0)
    c.equal("diod tools stderr", err, "")
    _, rows = manifest(out)
    files = diod_files()
    root = export_a()
    order = ["hello.txt", "alpha.txt", "numbers.txt", "sub/inner.txt", "sub/deeper/leaf.txt", "empty.txt",
             "big100k.bin"]
    c.equal("diod tools files", [r["path"] for r in rows], [root + "/" + n for n in order])
    by_path = {r["path"]: r for r in rows}
    for name in order:
        row = by_path.get(root + "/" + name)
        if not holds(c, "row for " + name, row is not None):
            continue
        content = files[name]
        check_row(c, name, row, len(content), len(content), 0, "read")
        if content:
            check_saved(c, outdir, row, content)
        else:
            c.equal("empty.txt: no captured byte, not written", row["saved_as"], "")
    c.true("empty.txt not created", not os.path.exists(os.path.join(outdir, root.lstrip("/"), "empty.txt")))

    # frames: each file's Rreads until the one of 0 bytes, in diodcat's order;
    # big100k.bin is read twice (msize 65536, then 8192)
    rreads = builtin_frames(capture, 117, 5660)
    spans, i = [], 0
    for _ in order + ["big100k.bin"]:
        start = i
        while i < len(rreads) and rreads[i][2] != 0:
            i += 1
        spans.append((rreads[start], rreads[min(i, len(rreads) - 1)]))
        i += 1
    c.equal("every Rread belongs to a file", i, len(rreads))
    if len(spans) == 8:
        spans[6] = (spans[6][0], spans[7][1])
        for name, (first, last) in zip(order, spans):
            row = by_path.get(root + "/" + name)
            if row is not None:
                check_frames(c, name, row, first, last)

    # several captures taken as one: the capture split in three
    if shutil.which("editcap"):
        parts = os.path.join(work, "parts")
        os.makedirs(parts)
        subprocess.run(["editcap", "-c", "120", capture, os.path.join(parts, "part.pcap")], check=True)
        pieces = sorted(os.path.join(parts, p) for p in os.listdir(parts))
        code, out2, _ = extract(binary, os.path.join(work, "diod_parts"), *reversed(pieces))
        c.equal("split capture exit status", code, 0)
        c.true("split capture (%d files) gives the same manifest" % len(pieces), out2 == out)
    return files, root


def header_only(c, binary, work, files, root):
    """Captures cut to their headers: a manifest, and no file without a
    captured byte; what was captured is the files' own bytes."""
    cases = [("snaplen_cut_rread", os.path.join(GEN, "snaplen_cut_rread.pcap"))]
    if shutil.which("editcap"):
        for snaplen in (70, 80, 100, 128):
            cut = os.path.join(work, "cut%d.pcap" % snaplen)
            subprocess.run(["editcap", "-s", str(snaplen), os.path.join(REAL, "diod_9p2000L_tools.pcap"), cut],
                           check=True)
            cases.append(("diod tools -s %d" % snaplen, cut))
    for what, capture in cases:
        outdir = os.path.join(work, "cut-" + what.replace(" ", "_"))
        code, out, err = extract(binary, outdir, capture)
        c.equal(what + " exit status", code, 0)
        header, rows = manifest(out)
        c.equal(what + " header", header, HEADER)
        saved = set()
        for row in rows:
            if int(row["captured"]) == 0:
                c.equal(what + ": %s has no captured byte, not saved" % row["path"], row["saved_as"], "")
                continue
            full = os.path.join(outdir, row["saved_as"])
            saved.add(os.path.realpath(full))
            c.true(what + ": %s saved" % row["path"], os.path.isfile(full))
            if not os.path.isfile(full):
                continue
            got = read(full)
            c.equal(what + ": %s is size bytes" % row["path"], len(got), int(row["size"]))
            # a name the walk kept: the captured bytes are the file's, holes zeros
            name = row["path"].split("/")[-1]
            known = [content for n, content in files.items() if n.split("/")[-1] == name]
            if known and len(known[0]) == len(got) and capture != cases[0][1]:
                c.true(what + ": %s holds only the file's bytes and zeros" % row["path"],
                       all(g == k or g == 0 for g, k in zip(got, known[0])))
        on_disk = set()
        for r, _, names in os.walk(outdir):
            on_disk.update(os.path.realpath(os.path.join(r, n)) for n in names)
        c.equal(what + ": the files on disk are exactly the saved ones", on_disk, saved)


def usage(c, binary, work):
    code, _, err = extract(binary, os.path.join(work, "u"))
    c.equal("extract DIR without captures: usage error", code, 1)
    c.true("usage error message", err.startswith("ninep: "), err)
    code, _, _ = subprocess.run([binary, "extract"], capture_output=True).returncode, None, None
    c.equal("extract alone: usage error", code, 1)
    code, out, err = extract(binary, os.path.join(work, "u"), os.path.join(work, "no-such.pcap"))
    c.equal("unreadable input: exit status 2", code, 2)
    c.true("unreadable input named", "no-such.pcap" in err, err)
    blocker = os.path.join(work, "a-file")
    with open(blocker, "w") as f:
        f.write("x")
    code, out, err = extract(binary, blocker, os.path.join(GEN, "files_9p2000L.pcap"))
    c.equal("DIR that is a file: exit status 2", code, 2)
    c.true("DIR that is a file: said", err.startswith("ninep: ") and "a-file" in err, err)
    code, out, _ = subprocess.run([binary, "report", "--overwrite", os.path.join(GEN, "files_9p2000L.pcap")],
                                  capture_output=True).returncode, None, None
    c.equal("--overwrite only with extract", code, 1)


def main():
    binary = ninep_binary()
    c = Checker()
    work = tempfile.mkdtemp(prefix="ninep-extract-")
    try:
        outdir, expected = generated_9p2000L(c, binary, work)
        generated_9p2000e(c, binary, work)
        overwrite(c, binary, work, outdir, expected)
        hostile(c, binary, work)
        files, root = real_capture(c, binary, work)
        header_only(c, binary, work, files, root)
        usage(c, binary, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    c.finish()
    sys.exit(1 if c.failures else 0)


if __name__ == "__main__":
    main()
