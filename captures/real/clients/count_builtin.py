#!/usr/bin/env python3
"""Counts a capture's 9P messages with Wireshark's BUILT-IN 9p dissector
(not the ninep plugin) and, if given, with diod's own protocol trace
(diod -d 1 -L FILE: one line per message received or sent), and prints the
figures in the `key value` format of captures/*/NAME.expected.

    python3 count_builtin.py CAPTURE PORT [DIOD_LOG]

Run as root (tshark then loads no personal plugins, so the ninep plugin is
not involved).  Round trips are matched here, per TCP stream and tag, in
frame order: a reply answers the outstanding request with its tag; Rflush
also ends the request its Tflush named (flushed, when that request had no
reply of its own).  Message names are those of the 9P manuals and the
9P2000.L documentation.  Nothing here uses the ninep project's code.
"""
import collections
import re
import subprocess
import sys

NAMES = {
    6: "Tlerror", 7: "Rlerror", 8: "Tstatfs", 9: "Rstatfs", 12: "Tlopen", 13: "Rlopen",
    14: "Tlcreate", 15: "Rlcreate", 16: "Tsymlink", 17: "Rsymlink", 18: "Tmknod", 19: "Rmknod",
    20: "Trename", 21: "Rrename", 22: "Treadlink", 23: "Rreadlink", 24: "Tgetattr", 25: "Rgetattr",
    26: "Tsetattr", 27: "Rsetattr", 30: "Txattrwalk", 31: "Rxattrwalk", 32: "Txattrcreate",
    33: "Rxattrcreate", 40: "Treaddir", 41: "Rreaddir", 50: "Tfsync", 51: "Rfsync", 52: "Tlock",
    53: "Rlock", 54: "Tgetlock", 55: "Rgetlock", 70: "Tlink", 71: "Rlink", 72: "Tmkdir", 73: "Rmkdir",
    74: "Trenameat", 75: "Rrenameat", 76: "Tunlinkat", 77: "Runlinkat",
    100: "Tversion", 101: "Rversion", 102: "Tauth", 103: "Rauth", 104: "Tattach", 105: "Rattach",
    107: "Rerror", 108: "Tflush", 109: "Rflush", 110: "Twalk", 111: "Rwalk", 112: "Topen",
    113: "Ropen", 114: "Tcreate", 115: "Rcreate", 116: "Tread", 117: "Rread", 118: "Twrite",
    119: "Rwrite", 120: "Tclunk", 121: "Rclunk", 122: "Tremove", 123: "Rremove", 124: "Tstat",
    125: "Rstat", 126: "Twstat", 127: "Rwstat",
}


def builtin(capture, port):
    fields = ["frame.number", "tcp.stream", "9p.msgtype", "9p.tag", "9p.oldtag", "9p.version", "9p.msglen"]
    cmd = ["tshark", "-r", capture, "-n", "-d", "tcp.port==%d,9p" % port, "-Y", "9p", "-T", "fields",
           "-E", "occurrence=a", "-E", "aggregator=|"]
    for f in fields:
        cmd += ["-e", f]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    streams = set()
    counts = collections.Counter()
    figures = collections.Counter()
    versions = set()
    outstanding = {}  # (stream, tag) -> request name
    errors_by = collections.Counter()
    for line in out.splitlines():
        frame, stream, types, tags, oldtags, version, sizes = (line.split("\t") + [""] * 7)[:7]
        figures["9p_bytes"] += sum(int(x) for x in sizes.split("|") if x)
        types = [int(t) for t in types.split("|") if t]
        tags = [int(t) for t in tags.split("|") if t]
        oldtags = [int(t) for t in oldtags.split("|") if t]
        if version:
            versions.update(version.split("|"))
        if len(types) != len(tags):
            sys.exit("frame %s: %d types, %d tags: cannot pair them" % (frame, len(types), len(tags)))
        streams.add(stream)
        flush_names = iter(oldtags)
        for mtype, tag in zip(types, tags):
            name = NAMES.get(mtype, str(mtype))
            counts[name] += 1
            if mtype % 2 == 0:
                figures["requests"] += 1
                if mtype == 100:  # Tversion: every outstanding request of the stream is dropped
                    for key in [k for k in outstanding if k[0] == stream]:
                        figures["unanswered"] += 1
                        del outstanding[key]
                if (stream, tag) in outstanding:
                    figures["unanswered"] += 1  # tag reused with no reply
                outstanding[(stream, tag)] = (name, next(flush_names) if mtype == 108 else None)
            else:
                figures["replies"] += 1
                if mtype in (7, 107):
                    figures["errors"] += 1
                request = outstanding.pop((stream, tag), None)
                if request is None:
                    figures["orphans"] += 1
                    continue
                figures["round_trips"] += 1
                if mtype in (7, 107):
                    errors_by[request[0]] += 1
                if mtype == 109 and (stream, request[1]) in outstanding:
                    del outstanding[(stream, request[1])]
                    figures["flushed"] += 1
    figures["unanswered"] += len(outstanding)
    figures["connections"] = len(streams)
    return counts, figures, versions, errors_by


def diod_log(path):
    counts = collections.Counter()
    with open(path, errors="replace") as f:
        for line in f:
            m = re.match(r"diod: P9_([TR])([A-Z]+) ", line)
            if m:
                counts[m.group(1) + m.group(2).lower()] += 1
    return counts


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    capture, port = sys.argv[1], int(sys.argv[2])
    counts, figures, versions, errors_by = builtin(capture, port)
    print("dialect %s" % (versions.pop() if len(versions) == 1 else "mixed"))
    for key in ["connections", "requests", "replies", "round_trips", "errors", "unanswered", "orphans",
                "flushed"]:
        print("%s %d" % (key, figures[key]))
    # Every TCP payload byte on the port should be a byte of a 9P message.
    out = subprocess.run(["tshark", "-r", capture, "-n", "-T", "fields", "-e", "tcp.len"],
                         capture_output=True, text=True, check=True).stdout
    tcp_bytes = sum(int(x) for x in out.split() if x)
    print("not_9p_bytes %d" % (tcp_bytes - figures["9p_bytes"]))
    number = {v: k for k, v in NAMES.items()}
    # Requests by number, each followed by its reply; Rerror and Rlerror last.
    order = sorted(counts, key=lambda n: (n in ("Rlerror", "Rerror"), number.get(n, 999) // 2, number.get(n, 999)))
    for name in order:
        print("count.%s %d" % (name, counts[name]))
    for name in sorted(errors_by):
        print("errors.%s %d" % (name, errors_by[name]))
    if len(sys.argv) == 4:
        log = diod_log(sys.argv[3])
        diff = {k: (counts.get(k, 0), log.get(k, 0)) for k in set(counts) | set(log)
                if counts.get(k, 0) != log.get(k, 0)}
        print("# diod's own trace: %d messages; differs from the built-in dissector: %s" % (
            sum(log.values()), diff or "nowhere"), file=sys.stderr)
        if diff:
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
