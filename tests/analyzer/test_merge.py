"""analyzer.merge: `ninep merge` of the JSON reports of two halves of a
real capture equals `report --json` of the whole capture: every count
exactly, and percentiles within the documented error of the histograms
(a bucket's midpoint is within 1/512 of every value in it).

The capture is cut with editcap (Wireshark's) at a frame where every TCP
connection before it has ended (tshark's tcp.stream numbers), so no
exchange is split between the halves.  Also: two captures as two hosts
against the two read as one; a file of `--every` lines (its last line);
the interval lines of a run killed before its last line; and reports that
are not reports, or whose histogram lies, are refused with exit status 2."""
import json
import os
import subprocess
import sys
import tempfile

from common import ninep_binary, run
from ninep_testlib import CAPTURES_DIR, Checker

REAL = os.path.join(CAPTURES_DIR, "real")
ERROR_BOUND = 1 / 512


def streams_by_frame(pcap):
    out = subprocess.run(["tshark", "-r", pcap, "-n", "-T", "fields", "-e", "frame.number", "-e", "tcp.stream"],
                         capture_output=True, text=True, check=True).stdout
    return [(int(f), int(s)) for f, s in (line.split("\t") for line in out.splitlines()) if s]


def split_point(pcap):
    """The first frame of the middle connection that starts after every
    earlier one has ended, or None."""
    frames = streams_by_frame(pcap)
    last = {}
    for frame, stream in frames:
        last[stream] = frame
    firsts = {}
    for frame, stream in frames:
        firsts.setdefault(stream, frame)
    clean = [first for stream, first in firsts.items()
             if stream > 0 and all(last[s] < first for s in firsts if s < stream)]
    return clean[len(clean) // 2] if clean else None


def report(binary, *args):
    code, out, err = run(binary, "report", "--json", "-q", *args)
    return code, out, err


def within(joint, merged):
    return abs(merged - joint) <= joint * ERROR_BOUND + 1


def compare(check, what, joint, merged):
    for key, value in joint["capture"].items():
        check.equal("%s: capture.%s" % (what, key), merged["capture"].get(key), value)
    jt, mt = joint["totals"], merged["totals"]
    for key, value in jt.items():
        if key.startswith("latency"):
            continue
        check.equal("%s: totals.%s" % (what, key), mt.get(key), value)
    lat = dict(jt["latency_ns"], ALL=jt["latency_all_ns"])
    mlat = dict(mt["latency_ns"], ALL=mt["latency_all_ns"])
    check.equal("%s: latency names" % what, sorted(mlat), sorted(lat))
    for name, j in lat.items():
        m = mlat.get(name, {})
        for key in ("count", "min", "max", "sum", "mean"):
            check.equal("%s: %s.%s exact" % (what, name, key), m.get(key), j[key])
        for key in ("p50", "p90", "p99"):
            check.true("%s: %s.%s within 1/512" % (what, name, key), within(j[key], m.get(key, -10**18)),
                       "joint %s, merged %s" % (j[key], m.get(key)))


def main():
    binary = ninep_binary()
    check = Checker()
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("diod_9p2000L_ls_cat", "diod_9p2000L_tools", "p9p_9p2000_9pserve_ramfs"):
            pcap = os.path.join(REAL, name + ".pcap")
            cut = split_point(pcap)
            check.true("%s: a frame to split at" % name, cut is not None)
            if cut is None:
                continue
            halves = [os.path.join(tmp, name + ".%d.pcap" % i) for i in (1, 2)]
            subprocess.run(["editcap", "-r", pcap, halves[0], "1-%d" % (cut - 1)], check=True)
            subprocess.run(["editcap", "-r", pcap, halves[1], "%d-1000000" % cut], check=True)
            jsons = []
            for i, half in enumerate(halves):
                code, out, err = report(binary, half)
                check.equal("%s: half %d reported" % (name, i + 1), code, 0)
                jsons.append(os.path.join(tmp, name + ".%d.json" % (i + 1)))
                with open(jsons[-1], "w") as f:
                    f.write(out)
            code, out, err = report(binary, pcap)
            joint = json.loads(out)
            code, out, err = run(binary, "merge", *jsons)
            check.equal("%s: merge exit status" % name, code, 0)
            merged = json.loads(out) if code == 0 else {"capture": {}, "totals": {"latency_ns": {}}}
            check.true("%s: both halves carry requests" % name,
                       all(json.load(open(j))["totals"]["requests"] > 0 for j in jsons))
            compare(check, name + " halves", joint, merged)
            check.equal("%s: merged lists both reports" % name, merged.get("merged"), jsons)

            # --every files: the last line (the whole run) of each.
            ndjson = []
            for i, half in enumerate(halves):
                code, out, err = report(binary, "--every", "0.002", half)
                ndjson.append(os.path.join(tmp, name + ".%d.ndjson" % (i + 1)))
                with open(ndjson[-1], "w") as f:
                    f.write(out)
            code, out, err = run(binary, "merge", *ndjson)
            check.equal("%s: merge of --every files" % name, code, 0)
            if code == 0:
                compare(check, name + " --every files", joint, json.loads(out))

            # A run killed before its last line: its interval lines add up.
            killed = os.path.join(tmp, name + ".killed.ndjson")
            code, out, err = report(binary, "--every", "0.002", pcap)
            with open(killed, "w") as f:
                f.write("".join(out.splitlines(True)[:-1]))
            code, out, err = run(binary, "merge", killed)
            check.equal("%s: merge of interval lines" % name, code, 0)
            if code == 0:
                doc = json.loads(out)
                for key in ("requests", "replies", "round_trips", "errors", "messages", "connections"):
                    check.equal("%s: interval lines: totals.%s" % (name, key), doc["totals"][key],
                                joint["totals"][key])
                check.true("%s: interval lines: an interval spanning them" % name, "interval" in doc)

        # Two hosts: two captures merged, against the two read as one.
        a, b = (os.path.join(REAL, n + ".pcap") for n in ("diod_9p2000L_ls_cat", "p9p_9p2000_listen1_ramfs"))
        files = []
        for i, pcap in enumerate((a, b)):
            code, out, err = report(binary, pcap)
            files.append(os.path.join(tmp, "host%d.json" % i))
            with open(files[-1], "w") as f:
                f.write(out)
        code, out, err = run(binary, "merge", *files)
        check.equal("two hosts: merge exit status", code, 0)
        joint = json.loads(report(binary, a, b)[1])
        if code == 0:
            compare(check, "two hosts", joint, json.loads(out))

        # Not reports: refused, saying why, with exit status 2.
        bad = os.path.join(tmp, "bad.json")
        with open(bad, "w") as f:
            f.write("{\"tool\": \"ninep\", \x01")
        code, out, err = run(binary, "merge", bad)
        check.equal("not JSON: exit status", code, 2)
        check.true("not JSON: says so", "not JSON" in err and "\x01" not in err, err)
        lying = json.load(open(files[0]))
        lat = lying["totals"]["latency_all_ns"]
        lat["histogram"][1] += 1  # one more sample than count says
        with open(bad, "w") as f:
            json.dump(lying, f)
        code, out, err = run(binary, "merge", bad)
        check.equal("a histogram that does not add up: exit status", code, 2)
        check.true("a histogram that does not add up: says so", "histogram" in err, err)
        code, out, err = run(binary, "merge")
        check.equal("merge without reports: usage error", code, 1)
    check.finish()


if __name__ == "__main__":
    sys.exit(main())
