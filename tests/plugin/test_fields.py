"""plugin.fields: fields whose values have names, checked against what the
captures are known to contain (captures/README.md, captures/generated/README.md),
against the spec, and against the built-in 9p dissector, not against the
plugin's own output."""
from plugin_common import Checker, capture_named, fields, plugin_path, read_expected, server_port, tshark

DIOD_ROOT = "/srv/9p/export_l"
# diod_9p2000L_ls_cat (captures/README.md): a listing of / and of sub, and
# files read; / and sub are directories, the files read are regular files.
DIRECTORIES = {DIOD_ROOT, DIOD_ROOT + "/sub"}

S_IFDIR = 0o040000
S_IFREG = 0o100000


def frames(plugin, pcap, display_filter):
    rows = fields(plugin, pcap, ["frame.number"], two_pass=True, display_filter=display_filter)
    return sorted(int(r["frame.number"][0]) for r in rows)


def verbose(plugin, pcap, display_filter):
    _, out, _ = tshark(plugin, pcap, "-2", "-V", "-Y", display_filter)
    return out


def check_posix_file_type(plugin, check):
    """Defect 1: ninep.mode.type is the mode's S_IFMT bits, named, and a
    filter on S_IFDIR / S_IFREG (<sys/stat.h>) selects them."""
    pcap, _ = capture_named("diod_9p2000L_ls_cat")
    rows = fields(plugin, pcap, ["frame.number", "ninep.path"], two_pass=True, display_filter="ninep.type==25")
    dirs = sorted(int(r["frame.number"][0]) for r in rows if r["ninep.path"][0] in DIRECTORIES)
    files = sorted(int(r["frame.number"][0]) for r in rows if r["ninep.path"][0] not in DIRECTORIES)
    check.true("diod ls_cat: Rgetattr of directories and of files", len(dirs) >= 2 and len(files) >= 6,
               repr((dirs, files)))
    check.equal("Rgetattr matching ninep.mode.type == 0040000 (S_IFDIR)",
                frames(plugin, pcap, "ninep.type==25 && ninep.mode.type == 0%o" % S_IFDIR), dirs)
    check.equal("Rgetattr matching ninep.mode.type == 0100000 (S_IFREG)",
                frames(plugin, pcap, "ninep.type==25 && ninep.mode.type == 0%o" % S_IFREG), files)
    check.equal("Rgetattr matching the shifted value 4", frames(plugin, pcap, "ninep.mode.type == 4"), [])
    text = verbose(plugin, pcap, "frame.number==%d" % dirs[0])
    check.true("a directory's Rgetattr shows File type: Directory", "File type: Directory (040000)" in text, text)
    text = verbose(plugin, pcap, "frame.number==%d" % files[0])
    check.true("a file's Rgetattr shows File type: Regular file", "File type: Regular file (0100000)" in text, text)
    check.true("no Unknown file type", "File type: Unknown" not in verbose(plugin, pcap, "ninep.type==25"))


# Linux include/net/9p/9p.h (and doc/9p-wire.md): the getattr and setattr bits.
GETATTR_BITS = [("mode", 0x1), ("nlink", 0x2), ("uid", 0x4), ("gid", 0x8), ("rdev", 0x10), ("atime", 0x20),
                ("mtime", 0x40), ("ctime", 0x80), ("ino", 0x100), ("size", 0x200), ("blocks", 0x400),
                ("btime", 0x800), ("gen", 0x1000), ("data_version", 0x2000)]
SETATTR_BITS = [("mode", 0x1), ("uid", 0x2), ("gid", 0x4), ("size", 0x8), ("atime", 0x10), ("mtime", 0x20),
                ("ctime", 0x40), ("atime_set", 0x80), ("mtime_set", 0x100)]
P9_GETATTR_BASIC = 0x7ff  # MODE .. BLOCKS


def bits_filter(prefix, bits, value):
    """A filter true when every named bit is as value has it."""
    return " && ".join("%s.%s == %d" % (prefix, name, 1 if value & bit else 0) for name, bit in bits)


def check_attr_masks(plugin, check):
    """Defect 2: the Tgetattr request mask, the Rgetattr valid mask and the
    Tsetattr valid mask are shown bit by bit."""
    # clients/l_client.py asks every Tgetattr for P9_GETATTR_BASIC.
    pcap, _ = capture_named("diod_9p2000L_l_client")
    tgetattr = frames(plugin, pcap, "ninep.type==24")
    check.true("l_client: Tgetattrs", len(tgetattr) > 0)
    check.equal("l_client: every Tgetattr asks MODE..BLOCKS and not BTIME, GEN, DATA_VERSION",
                frames(plugin, pcap, "ninep.type==24 && " + bits_filter("ninep.getattr", GETATTR_BITS,
                                                                         P9_GETATTR_BASIC)), tgetattr)
    text = verbose(plugin, pcap, "frame.number==%d" % tgetattr[0])
    for line in ("= P9_GETATTR_MODE: True", "= P9_GETATTR_BLOCKS: True", "= P9_GETATTR_BTIME: False",
                 "= P9_GETATTR_DATA_VERSION: False"):
        check.true("l_client Tgetattr shows %r" % line, line in text, text)
    # An Rgetattr's valid mask has the same bits (diod fills at least the basic ones).
    rgetattr = frames(plugin, pcap, "ninep.type==25")
    check.equal("l_client: every Rgetattr's valid mask names its bits",
                frames(plugin, pcap, "ninep.type==25 && ninep.getattr.mode == 1 && ninep.getattr.size == 1"),
                rgetattr)

    # captures/generator/cases_dialect.c: Tsetattr valid = P9_SETATTR_MODE | P9_SETATTR_SIZE.
    pcap, _ = capture_named("dialect_9p2000L")
    tsetattr = frames(plugin, pcap, "ninep.type==26")
    check.equal("dialect_9p2000L: one Tsetattr", len(tsetattr), 1)
    check.equal("dialect_9p2000L: Tsetattr valid is MODE|SIZE, bit by bit",
                frames(plugin, pcap, "ninep.type==26 && " + bits_filter("ninep.setattr", SETATTR_BITS, 0x1 | 0x8)),
                tsetattr)
    text = verbose(plugin, pcap, "ninep.type==26")
    for line in ("= P9_SETATTR_MODE: True", "= P9_SETATTR_UID: False", "= P9_SETATTR_SIZE: True",
                 "= P9_SETATTR_MTIME_SET: False"):
        check.true("Tsetattr shows %r" % line, line in text, text)
    check.true("Tsetattr valid shows no getattr bit", "P9_GETATTR" not in text, text)


# <dirent.h> d_type values
DT_DIR = 4
DT_REG = 8


def check_dirent_type(plugin, check):
    """Defect 3: Rreaddir's dirent type is named.  In diod ls_cat, ".", ".."
    and "sub" are directories (DT_DIR), the files listed regular (DT_REG)."""
    pcap, _ = capture_named("diod_9p2000L_ls_cat")
    rows = fields(plugin, pcap, ["ninep.dirent.name", "ninep.dirent.type"], two_pass=True,
                  display_filter="ninep.type==41")
    entries = [(n, int(t)) for r in rows for n, t in zip(r["ninep.dirent.name"], r["ninep.dirent.type"])]
    names = [n for n, _ in entries]
    check.true("ls_cat: Rreaddir lists sub and files", "sub" in names and "echo.txt" in names, repr(names))
    for name, value in entries:
        want = DT_DIR if name in (".", "..", "sub") else DT_REG
        check.equal("ls_cat: dirent %s type" % name, value, want)
    check.equal("ls_cat: ninep.dirent.type == 4 and name sub",
                len(frames(plugin, pcap, 'ninep.dirent.name == "sub" && ninep.dirent.type == %d' % DT_DIR)), 1)
    text = verbose(plugin, pcap, "ninep.type==41")
    check.true("ls_cat: dirent types shown by name",
               "Type: DT_DIR (4)" in text and "Type: DT_REG (8)" in text, text[:2000])
    check.true("ls_cat: no bare dirent type", "Type: 4\n" not in text and "Type: 8\n" not in text)


# The DM bits only 9P2000.u defines (its manual, and Linux include/net/9p/9p.h).
DM_U_BITS = ["symlink", "device", "namedpipe", "socket", "setuid", "setgid"]


def check_dm_bits_by_dialect(plugin, check):
    """Defect 8: a permission (Tcreate perm, stat mode) shows the 9P2000.u DM
    bits in 9P2000.u only, never in 9P2000 or 9P2000.e."""
    u_fields = " || ".join("ninep.perm.%s" % bit for bit in DM_U_BITS)
    for stem, dialect, has_u in (("p9p_9p2000_9pserve_ramfs", "9P2000", False),
                                 ("p9p_9p2000_listen1_ramfs", "9P2000", False),
                                 ("dialect_9p2000", "9P2000", False),
                                 ("dialect_9p2000e", "9P2000.e", False),
                                 ("dialect_9p2000u", "9P2000.u", True)):
        pcap, _ = capture_named(stem)
        # A Twstat's mode of ~0 is "don't touch" (wstat(5)), shown without bits (defect 7).
        with_perm = frames(plugin, pcap, "(ninep.perm || ninep.stat.mode) && "
                                         "!(ninep.type==126 && ninep.stat.mode == 0xffffffff)")
        check.true("%s (%s): has permissions to show" % (stem, dialect), len(with_perm) > 0)
        check.equal("%s (%s): the DMDIR bit is shown wherever a permission is" % (stem, dialect),
                    frames(plugin, pcap, "ninep.perm.dir"), with_perm)
        shown = frames(plugin, pcap, u_fields)
        if has_u:
            check.equal("%s (%s): the 9P2000.u DM bits are shown with every permission" % (stem, dialect),
                        shown, with_perm)
        else:
            check.equal("%s (%s): no 9P2000.u DM bit shown" % (stem, dialect), shown, [])
            check.true("%s (%s): no '(9P2000.u)' label" % (stem, dialect),
                       "(9P2000.u)" not in verbose(plugin, pcap, "ninep"))


def builtin_messages(plugin, pcap):
    """[(frame, type, version)] of every message Wireshark's built-in 9p
    dissector decodes (version: Tversion/Rversion's string, else None)."""
    port = server_port(plugin, pcap)
    _, out, _ = tshark(plugin, pcap, "-d", "tcp.port==%d,9p" % port, "-Y", "9p", "-T", "fields",
                       "-e", "frame.number", "-e", "9p.msgtype", "-e", "9p.version")
    found = []
    for line in out.splitlines():
        frame, types, version = (line.split("\t") + ["", ""])[:3]
        for t in types.split(","):
            found.append((int(frame), int(t), version or None))
    return found


def check_rsread_directory(plugin, check):
    """Defect 4: an Rsread whose data is a directory listing (stat records)
    is decoded as the Rread of a directory is; one holding a file's content
    stays data.  sread_directory (captures/generated/README.md): the
    directory lib holds motd (0644, its 38 bytes read by the second Tsread)
    and profile (0755, empty), the records of dialect_9p2000e's directory
    Rread."""
    pcap, _ = capture_named("sread_directory")
    names = ["frame.number", "ninep.path", "ninep.stat.name", "ninep.stat.mode", "ninep.stat.length",
             "ninep.count", "ninep.data"]
    rows = fields(plugin, pcap, names, two_pass=True, display_filter="ninep.type==153")
    check.equal("sread_directory: two Rsreads", len(rows), 2)
    if len(rows) != 2:
        return
    listing, content = rows
    check.equal("Rsread of /lib: path", listing["ninep.path"], ["/lib"])
    check.equal("Rsread of /lib: the stat names", listing["ninep.stat.name"], ["motd", "profile"])
    check.equal("Rsread of /lib: the modes", [int(m, 16) for m in listing["ninep.stat.mode"]], [0o644, 0o755])
    check.equal("Rsread of /lib/motd: path", content["ninep.path"], ["/lib/motd"])
    check.equal("Rsread of /lib/motd: no stat record", content["ninep.stat.name"], [])
    check.true("Rsread of /lib/motd: its data", len(content["ninep.data"]) == 1)
    check.equal("the listing's length of motd is the bytes its Rsread returned",
                [int(n) for n in listing["ninep.stat.length"][:1]], [int(c) for c in content["ninep.count"]])
    text = verbose(plugin, pcap, "ninep.type==153")
    check.true("Rsread of /lib shows its entries", "Stat entry: motd" in text and "Stat entry: profile" in text,
               text[:3000])

    # The same records read with Tread of the directory (dialect_9p2000e) decode alike.
    e_pcap, _ = capture_named("dialect_9p2000e")
    rread = [r for r in fields(plugin, e_pcap, names, two_pass=True, display_filter="ninep.type==117")
             if r["ninep.stat.name"]]
    check.equal("dialect_9p2000e: one directory Rread", len(rread), 1)
    for key in ("ninep.stat.name", "ninep.stat.mode", "ninep.stat.length"):
        check.equal("Rread and Rsread of the directory: %s alike" % key, rread[0][key] if rread else None,
                    listing[key])

    # LING's Tsreads (captures/README.md) all read files: nothing there is a listing.
    for stem in ("ling_9p2000e_macro", "ling_9p2000e_session"):
        real, _ = capture_named(stem)
        rsread = fields(plugin, real, ["ninep.stat_entry", "ninep.data"], two_pass=True,
                        display_filter="ninep.type==153")
        check.true("%s: has Rsreads" % stem, len(rsread) >= 2, repr(len(rsread)))
        check.equal("%s: no Rsread shown as stat records" % stem,
                    [r["ninep.stat_entry"] for r in rsread if r["ninep.stat_entry"]], [])


# wstat(5): "don't touch" is the empty string, or ~0 of the field's size.
DONT_TOUCH_9P2000 = ["Kernel type: don't touch (0xffff)", "Device: don't touch (0xffffffff)",
                     "Qid: don't touch (all ones)", "Mode: don't touch (0xffffffff)",
                     "Access time: don't touch (0xffffffff)", "Modification time: don't touch (0xffffffff)",
                     "Length: don't touch (0xffffffffffffffff)", "Owner: don't touch (empty)",
                     "Group: don't touch (empty)", "Last modified by: don't touch (empty)"]
DONT_TOUCH_U = ["Extension: don't touch (empty)", "Numeric owner: don't touch (0xffffffff)",
                "Numeric group: don't touch (0xffffffff)", "Numeric last modifier: don't touch (0xffffffff)"]


def check_dont_touch(plugin, check):
    """Defect 7: the Twstat of the dialect captures renames notes to
    notes.old and leaves every other field as it is (captures/generated/
    README.md): each shows "don't touch", with no qid or permission bits, no
    date, no length; filters still see the values on the wire.  An Rstat's
    values and a Tsetattr are real values."""
    for stem, dotu in (("dialect_9p2000", False), ("dialect_9p2000u", True), ("dialect_9p2000e", False)):
        pcap, _ = capture_named(stem)
        twstat = frames(plugin, pcap, "ninep.type==126")
        check.equal("%s: one Twstat" % stem, len(twstat), 1)
        text = verbose(plugin, pcap, "ninep.type==126")
        lines = [line.strip() for line in text.splitlines()]
        stat = "\n".join(lines[next((i for i, line in enumerate(lines) if line.startswith("Stat size:")), 0):])
        for want in DONT_TOUCH_9P2000 + (DONT_TOUCH_U if dotu else []):
            check.true("%s Twstat: %r" % (stem, want), want in lines, stat[:600])
        check.true("%s Twstat: the new name" % stem, "Name: notes.old" in lines, stat[:600])
        check.equal("%s Twstat: Stat size is a count, not don't touch" % stem,
                    [line for line in lines if line.startswith("Stat size:") and "don't touch" in line], [])
        for wrong in ("2106", "DMDIR", "Directory", "18446744073709551615", "4294967295"):
            check.true("%s Twstat: no %r" % (stem, wrong), wrong not in text)
        check.equal("%s Twstat: no qid or permission bits" % stem,
                    frames(plugin, pcap, "ninep.type==126 && (ninep.qid.type || ninep.perm.dir || ninep.perm.rwx)"),
                    [])
        check.equal("%s Twstat: filters see the values on the wire" % stem,
                    frames(plugin, pcap, 'ninep.type==126 && ninep.stat.mode == 0xffffffff && '
                                         'ninep.stat.length == 0xffffffffffffffff && ninep.stat.uid == ""'), twstat)
        rstat = verbose(plugin, pcap, "ninep.type==125")
        check.true("%s Rstat: real values" % stem, "Rstat" in rstat and "don't touch" not in rstat, rstat[-800:])
    pcap, _ = capture_named("dialect_9p2000L")
    text = verbose(plugin, pcap, "ninep.type==26")
    check.true("dialect_9p2000L Tsetattr: no don't touch", "Tsetattr" in text and "don't touch" not in text,
               text[-800:])


def check_dialect_negotiation(plugin, check):
    """Defect 9: the dialect of a downgrading Rversion and of what follows is
    the Rversion's (version(5)), the Tversion's its own proposal, as the
    built-in 9p dissector reads their version strings; a refused Tversion
    (Rlerror) leaves a guessed dialect whose note names the refused
    Tversion, never "not captured"."""
    pcap, _ = capture_named("version_downgrade")
    builtin = builtin_messages(plugin, pcap)
    tversion = [(f, v) for f, t, v in builtin if t == 100]
    rversion = [(f, v) for f, t, v in builtin if t == 101]
    check.equal("version_downgrade: the built-in reads one Tversion and one Rversion",
                (len(tversion), len(rversion)), (1, 1))
    if tversion and rversion:
        check.true("version_downgrade: a downgrade", tversion[0][1] != rversion[0][1],
                   repr((tversion, rversion)))
        rows = fields(plugin, pcap, ["frame.number", "ninep.dialect", "ninep.dialect_guessed"], two_pass=True,
                      display_filter="ninep")
        shown = {int(r["frame.number"][0]): r["ninep.dialect"] for r in rows}
        check.equal("version_downgrade: the Tversion shows its proposal", shown.get(tversion[0][0]),
                    [tversion[0][1]])
        after = {f: d for f, d in shown.items() if f >= rversion[0][0]}
        check.equal("version_downgrade: the Rversion and every later message show the Rversion's dialect",
                    after, {f: [rversion[0][1]] for f in after})
        check.true("version_downgrade: every message of the built-in's after the Rversion",
                   len(after) == len([1 for f, _, _ in builtin if f >= rversion[0][0]]), repr(after))
        check.equal("version_downgrade: nothing guessed", [r for r in rows if r["ninep.dialect_guessed"]], [])
        text = verbose(plugin, pcap, "ninep")
        check.true("version_downgrade: the Rversion's tree names 9P2000",
                   "Plan 9 File Protocol (ninep plugin), %s, Rversion" % rversion[0][1] in text)
        check.true("version_downgrade: everything decodes", "Malformed" not in text and "not 9P" not in text)

    pcap, _ = capture_named("version_refused")
    builtin = builtin_messages(plugin, pcap)
    tversion = [f for f, t, _ in builtin if t == 100]
    refusal = [f for f, t, _ in builtin if t in (7, 107)]
    check.equal("version_refused: the built-in reads a Tversion and its Rlerror", (len(tversion), len(refusal)),
                (1, 1))
    _, out, _ = tshark(plugin, pcap, "-2", "-Y", "ninep", "-T", "fields", "-e", "frame.number",
                       "-e", "_ws.expert.message")
    notes = [(int(line.split("\t")[0]), line.split("\t")[1]) for line in out.splitlines()
             if "Dialect guessed" in line]
    if tversion:
        check.equal("version_refused: one note, that the Tversion was refused",
                    [n for _, n in notes], ["Dialect guessed: the Tversion in frame %d was refused" % tversion[0]])
    check.true("version_refused: never 'not captured'", "not captured" not in out)
    check.true("version_refused: the note is after the refusal", all(f > refusal[0] for f, _ in notes) if refusal
               else False, repr(notes))
    status, out, err = tshark(plugin, pcap, "-2", "-Y", "ninep.dialect_guessed.refused", "-T", "fields",
                              "-e", "frame.number", check=False)
    check.equal("version_refused: ninep.dialect_guessed.refused marks one frame",
                (status, len(out.splitlines())), (0, 1))
    # No Tversion at all (captures/generated/README.md): that note stays.
    pcap, _ = capture_named("tcp_midstream")
    text = verbose(plugin, pcap, "ninep")
    check.true("tcp_midstream: 'Tversion/Rversion not captured'", "Tversion/Rversion not captured" in text)
    check.true("tcp_midstream: no refusal", "was refused" not in text)


# Short Protocol column labels, so that Wireshark's GUI shows them whole at
# its default column width (which cuts "9P2000.L" to "9P2000...").
COLUMN = {"9P2000": "9P", "9P2000.u": "9P.u", "9P2000.L": "9P.L", "9P2000.e": "9P.e", "unknown": "9P?"}


def check_protocol_column(plugin, check):
    """Defect 11: the Protocol column names the dialect in at most 4
    characters; the tree and ninep.dialect keep the full name, which for
    every message of a connection with a handshake is the dialect the
    ground truth states."""
    check.true("column labels fit in 4 characters", all(len(v) <= 4 for v in COLUMN.values()))
    check.equal("column labels are distinct", len(set(COLUMN.values())), len(COLUMN))
    for stem in ("diod_9p2000L_ls_cat", "ling_9p2000e_classic", "p9p_9p2000_listen1_ramfs", "dialect_9p2000u",
                 "version_refused", "tcp_midstream"):
        pcap, expected_path = capture_named(stem)
        truth = read_expected(expected_path)["dialect"]
        rows = fields(plugin, pcap, ["frame.number", "_ws.col.Protocol", "ninep.dialect", "ninep.type"],
                      two_pass=True, display_filter="ninep.type")
        check.true("%s: messages" % stem, len(rows) > 5, repr(len(rows)))
        wrong = [r for r in rows if r["_ws.col.Protocol"] != [COLUMN.get(r["ninep.dialect"][-1])]]
        check.equal("%s: the column is the short name of the dialect" % stem, wrong[:3], [])
        if truth != "unknown":
            # Every message but a Tversion's proposal speaks the connection's dialect.
            dialects = {d for r in rows for d, t in zip(r["ninep.dialect"], r["ninep.type"]) if t != "100"}
            check.equal("%s: ninep.dialect is the ground truth's %s" % (stem, truth), dialects, {truth})
            check.true("%s: the tree names %s in full" % (stem, truth),
                       "Plan 9 File Protocol (ninep plugin), %s," % truth in verbose(plugin, pcap, "ninep.type==101"))


def main():
    plugin = plugin_path()
    check = Checker()
    check_posix_file_type(plugin, check)
    check_attr_masks(plugin, check)
    check_dirent_type(plugin, check)
    check_dm_bits_by_dialect(plugin, check)
    check_rsread_directory(plugin, check)
    check_dont_touch(plugin, check)
    check_dialect_negotiation(plugin, check)
    check_protocol_column(plugin, check)
    check.finish()


main()
