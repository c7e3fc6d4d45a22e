"""plugin.fids: fid paths from attach and walk on the real captures.  diod's
reads show the files they read; plan9port's creates, reads and remove show
theirs; a walk that fails creates no fid; no real capture uses a fid before
it exists or reuses one that is open."""
import os

from plugin_common import Checker, capture_named, fields, plugin_path, real_captures

NAMES = ["frame.number", "ninep.message", "ninep.path", "ninep.fid", "_ws.expert.message"]


def paths_of(rows, message):
    return [p for r in rows if message in r["ninep.message"] for p in r["ninep.path"]]


def main():
    plugin = plugin_path()
    check = Checker()

    pcap, _ = capture_named("diod_9p2000L_ls_cat")
    rows = fields(plugin, pcap, NAMES, two_pass=True, display_filter="ninep")
    reads = paths_of(rows, "Tread")
    tread_frames = sum(r["ninep.message"].count("Tread") for r in rows)
    check.equal("diod: every Tread has a path", len(reads), tread_frames)
    files = sorted(set(reads))
    check.true("diod: reads of at least seven files (six + the big one)", len(files) >= 7, repr(files))
    check.true("diod: paths are under the attach name", all(p.startswith("/srv/9p/export_l/") for p in files),
               repr(files))
    check.true("diod: readdir of / and of sub",
               set(paths_of(rows, "Treaddir")) >= {"/srv/9p/export_l", "/srv/9p/export_l/sub"},
               repr(sorted(set(paths_of(rows, "Treaddir")))))
    getattr_paths = set(paths_of(rows, "Tgetattr"))
    check.true("diod: every Tgetattr has a path",
               len(paths_of(rows, "Tgetattr")) == sum(r["ninep.message"].count("Tgetattr") for r in rows))
    check.true("diod: getattr of a walked file", "/srv/9p/export_l/echo.txt" in getattr_paths, repr(getattr_paths))

    pcap, _ = capture_named("p9p_9p2000_9pserve_ramfs")
    rows = fields(plugin, pcap, NAMES, two_pass=True, display_filter="ninep")
    created = paths_of(rows, "Tcreate")
    check.equal("p9p: five creates with paths", len(created), 5)
    check.true("p9p: created files are in the root", all(p.startswith("/") and p.count("/") == 1 for p in created),
               repr(created))
    removed = paths_of(rows, "Tremove")
    check.true("p9p: removed file was one created", len(removed) == 1 and removed[0] in created, repr(removed))
    reads = set(paths_of(rows, "Tread"))
    check.true("p9p: created files are read back", set(created) <= reads | {"/"}, repr(reads))

    # The failed walk (Rerror) must create nothing: the newfid it named is
    # not used, and nothing uses a fid before it exists, except where a
    # client did so on purpose: l_client.py (captures/README.md) uses the
    # newfid of its partial walk (walk(5): "newfid is not affected") and
    # fid 0 after its second Tversion (version(5): every fid is freed),
    # both of which diod answers.
    on_purpose = {"diod_9p2000L_l_client.pcap": ["Fid 5 used before it exists", "Fid 0 used before it exists"]}
    for pcap, _ in real_captures():
        rows = fields(plugin, pcap, NAMES, two_pass=True, display_filter="ninep")
        problems = [m for r in rows for m in r["_ws.expert.message"]
                    if "before it exists" in m or "already in use" in m]
        name = os.path.basename(pcap)
        check.equal("%s: fid experts" % name, problems, on_purpose.get(name, []))
    check.finish()


main()
