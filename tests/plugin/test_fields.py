"""plugin.fields: fields whose values have names, checked against what the
captures are known to contain (captures/README.md) and against the spec,
not against the plugin's own output."""
from plugin_common import Checker, capture_named, fields, plugin_path, tshark

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
        with_perm = frames(plugin, pcap, "ninep.perm || ninep.stat.mode")
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


def main():
    plugin = plugin_path()
    check = Checker()
    check_posix_file_type(plugin, check)
    check_attr_masks(plugin, check)
    check_dirent_type(plugin, check)
    check_dm_bits_by_dialect(plugin, check)
    check.finish()


main()
