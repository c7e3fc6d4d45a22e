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


def main():
    plugin = plugin_path()
    check = Checker()
    check_posix_file_type(plugin, check)
    check.finish()


main()
