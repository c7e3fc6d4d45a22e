"""plugin.differential: on the 9P2000 and 9P2000.L real captures, the
built-in dissector (forced with -d tcp.port==PORT,9p) and ours agree, frame
by frame, on every field the built-in decodes correctly.

Compared only where the built-in shows the field at all: it does not decode
the stat records of a directory Rread nor Rreaddir entries, which we do.
Left out as wrong in the built-in (see packet-9p.c in Wireshark 4.0):
  - qid version: read as 16 bits of a 32-bit field;
  - Rlerror ecode and the 9P2000.u errno: shown raw / under other names;
  - Tgetlock/Rgetlock: decoded with Tlock's layout;
  - the perm bit masks (9p.dm.*): Plan 9 rwx bits only, no .u bits;
  - 9p.uid: the built-in files Tattach's n_uname under it.
"""
import os

from plugin_common import AGGREGATOR, Checker, capture_named, plugin_path, server_port, tshark

# (built-in field, our fields whose occurrences together correspond)
PAIRS = [
    ("9p.msglen", ["ninep.size"]),
    ("9p.msgtype", ["ninep.type"]),
    ("9p.tag", ["ninep.tag"]),
    ("9p.oldtag", ["ninep.oldtag"]),
    ("9p.maxsize", ["ninep.msize"]),
    ("9p.version", ["ninep.version"]),
    ("9p.afid", ["ninep.afid"]),
    ("9p.uname", ["ninep.uname"]),
    ("9p.aname", ["ninep.aname"]),
    ("9p.fid", ["ninep.fid"]),
    ("9p.newfid", ["ninep.newfid"]),
    ("9p.dfid", ["ninep.dfid"]),
    ("9p.nwalk", ["ninep.nwname"]),
    ("9p.wname", ["ninep.wname"]),
    ("9p.nqid", ["ninep.nwqid"]),
    ("9p.qidtype", ["ninep.qid.type"]),
    ("9p.qidpath", ["ninep.qid.path"]),
    ("9p.mode", ["ninep.open_mode"]),
    ("9p.perm", ["ninep.perm"]),
    ("9p.iounit", ["ninep.iounit"]),
    ("9p.offset", ["ninep.offset"]),
    ("9p.count", ["ninep.count"]),
    ("9p.ename", ["ninep.ename"]),
    ("9p.filename", ["ninep.name", "ninep.stat.name"]),
    ("9p.length", ["ninep.stat.length"]),
    ("9p.gid", ["ninep.gid"]),
]
CAPTURES = ["diod_9p2000L_ls_cat", "p9p_9p2000_9pserve_ramfs", "p9p_9p2000_listen1_ramfs"]


def normalise(value):
    """Integers compare as numbers (we show some in hex), strings as text."""
    try:
        return int(value, 0)
    except ValueError:
        return value


def per_frame(plugin, pcap, names, *options):
    args = list(options) + ["-T", "fields", "-E", "occurrence=a", "-E", "aggregator=" + AGGREGATOR,
                            "-e", "frame.number"]
    for name in names:
        args += ["-e", name]
    _, out, _ = tshark(plugin, pcap, *args)
    frames = {}
    for line in out.splitlines():
        values = line.split("\t")
        values += [""] * (len(names) + 1 - len(values))
        frames[values[0]] = {n: [normalise(x) for x in v.split(AGGREGATOR)] if v else []
                             for n, v in zip(names, values[1:])}
    return frames


def main():
    plugin = plugin_path()
    check = Checker()
    ours_names = sorted({n for _, names in PAIRS for n in names})
    for stem in CAPTURES:
        pcap, _ = capture_named(stem)
        port = server_port(plugin, pcap)
        builtin = per_frame(plugin, pcap, [b for b, _ in PAIRS], "-d", "tcp.port==%d,9p" % port)
        ours = per_frame(plugin, pcap, ours_names)
        compared = 0
        for frame, values in builtin.items():
            for field, names in PAIRS:
                theirs = values[field]
                if not theirs:
                    continue
                mine = [v for n in names for v in ours.get(frame, {}).get(n, [])]
                compared += 1
                check.equal("%s frame %s: %s" % (stem, frame, field), mine, theirs)
        check.true("%s: fields compared" % stem, compared > 100, str(compared))
        types = sum(len(v["9p.msgtype"]) for v in builtin.values())
        check.true("%s: the built-in decoded the capture" % stem, types > 50, str(types))
    check.finish()


main()
