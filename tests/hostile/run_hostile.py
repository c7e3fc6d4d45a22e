"""Hostile captures through one tool, each measured and bounded.

    python3 run_hostile.py analyzer GEN_HOSTILE NINEP [CASE...]
    python3 run_hostile.py plugin GEN_HOSTILE NINEP_PLUGIN.so [CASE...]

For each case (all of gen_hostile --list unless named), gen_hostile writes
the capture into a temporary folder and prints its facts; the tool runs on
it with its wall time and peak memory (the child's ru_maxrss from wait4)
measured; the capture is deleted.  A case fails when the tool is killed by a
signal, exits non-zero, prints a sanitizer report or a dissector bug, takes
longer or grows larger than the bound in BOUNDS below, or contradicts a fact.
BOUNDS and the figures they were set from are in README.md here.

NINEP_HOSTILE_REPORT=FILE appends one line per run (tool, case, seconds,
peak KB) to FILE, to refresh README.md's table.

Standard library only.
"""
import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "lib"))
from ninep_testlib import Checker, TSHARK_WRAPPER  # noqa: E402

# (seconds, peak MiB) per tool and case: measured in a -DNINEP_SANITIZE=ON
# build (as CI runs) on 2 shared cores, then given a generous margin;
# README.md lists the measured figures beside them.
BOUNDS = {
    "analyzer": {
        "size_4gib": (20, 100),
        "tags_65535": (20, 150),
        "connections_100k": (60, 2500),
        "no_boundary_100mb": (20, 64),
        "tiny_segments": (20, 100),
        "reorder_never_fills": (30, 200),
        "walk_65535_names": (20, 100),
        "strings_65535": (20, 100),
        "nested_paths": (20, 64),
    },
    "plugin": {
        "size_4gib": (30, 400),
        "tags_65535": (30, 400),
        "connections_100k": (90, 1500),
        "no_boundary_100mb": (60, 400),
        "tiny_segments": (30, 400),
        "reorder_never_fills": (30, 400),
        "walk_65535_names": (30, 400),
        "strings_65535": (30, 400),
        "nested_paths": (30, 400),
    },
}
# Past this a run is killed: the bound has failed long before.
KILL_FACTOR = 3

# From include/ninep/protocol.h: the longest path either tool keeps, and
# the marker a cut path ends with.
PATH_MAX = 4096
PATH_TRUNCATED = "[...]"

CRASH_MARKERS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:",
                 "Dissector bug", "DISSECTOR_ASSERT", "Segmentation fault")

# tshark -T fields: several occurrences of a field in one frame.
AGGREGATOR = "\x1f"


# GNU time (package time) measures the command alone.  Without it the
# figure is the child's ru_maxrss from wait4, which also counts the forked
# python before the exec (a floor of about 17 MiB).
GNU_TIME = "/usr/bin/time"


def measure(argv, stdout_path, timeout, env=None):
    """Runs argv with stdout to a file; returns (status, seconds, peak KiB,
    stderr).  status is the exit code, or -signal."""
    err = tempfile.TemporaryFile()
    time_out = None
    if os.access(GNU_TIME, os.X_OK):
        time_out = stdout_path + ".time"
        argv = [GNU_TIME, "-f", "%M", "-o", time_out] + list(argv)
    with open(stdout_path, "wb") as out:
        start = time.monotonic()
        proc = subprocess.Popen(argv, stdout=out, stderr=err, env=env, start_new_session=True)
        killed = []

        def kill():
            killed.append(True)
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        seconds = time.monotonic() - start
    proc.returncode = 0  # reaped by wait4: keep Popen from waiting again
    code = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
    err.seek(0)
    stderr = err.read().decode("utf-8", "replace")
    peak_kb = usage.ru_maxrss
    if time_out is not None and os.path.exists(time_out):
        with open(time_out, encoding="utf-8") as f:
            lines = f.read().split("\n")
        lines = [line for line in lines if line.strip()]
        if lines and lines[-1].strip().isdigit():
            peak_kb = int(lines[-1])
        for line in lines:
            if line.startswith("Command terminated by signal"):
                code = -int(line.split()[-1])
    if killed:
        stderr += "\n(killed after %d s)" % timeout
    return code, seconds, peak_kb, stderr


def generate(gen, case, folder):
    pcap = os.path.join(folder, case + ".pcap")
    proc = subprocess.run([gen, case, pcap], capture_output=True, text=True, check=True)
    facts = {}
    for line in proc.stdout.splitlines():
        key, value = line.split()
        facts[key] = int(value)
    os.chmod(pcap, 0o644)  # tshark runs as nobody when the test runs as root
    return pcap, facts


def json_object_after(text, key):
    """The JSON value of "key": in a document too large to load whole (the
    report of 100,000 connections lists each): decode just that value."""
    at = text.find('"%s":' % key)
    if at < 0:
        return None
    start = text.index(":", at) + 1
    while text[start].isspace():
        start += 1
    value, _ = json.JSONDecoder().raw_decode(text, start)
    return value


def report_head(path):
    """capture and totals of a --json report (they come before the long
    per-connection lists)."""
    with open(path, encoding="utf-8") as f:
        head = f.read(1 << 20)
    return json_object_after(head, "capture"), json_object_after(head, "totals")


def check_run(check, tool, case, what, result, bounds):
    code, seconds, peak_kb, stderr = result
    bound_s, bound_mb = bounds
    name = "%s %s %s" % (tool, case, what)
    print("%-8s %-20s %-10s %7.2f s (bound %d)  %8.1f MiB (bound %d)  exit %d"
          % (tool, case, what, seconds, bound_s, peak_kb / 1024.0, bound_mb, code))
    report = os.environ.get("NINEP_HOSTILE_REPORT")
    if report:
        with open(report, "a", encoding="utf-8") as f:
            f.write("%s %s %s %.2f %d\n" % (tool, case, what, seconds, peak_kb))
    check.true(name + ": not killed by a signal", code >= 0, "(signal %d)" % -code)
    check.equal(name + ": exit status", code, 0)
    for marker in CRASH_MARKERS:
        check.true(name + ": no '%s'" % marker, marker not in stderr, stderr[-2000:])
    check.true(name + ": time within bound", seconds <= bound_s, "(%.1f s > %d s)" % (seconds, bound_s))
    check.true(name + ": peak memory within bound", peak_kb <= bound_mb * 1024,
               "(%.0f MiB > %d MiB)" % (peak_kb / 1024.0, bound_mb))
    return code == 0


def check_paths(check, name, paths):
    """No path longer than the ceiling plus the marker; some path was cut."""
    longest = max((len(p.encode("utf-8", "surrogateescape")) for p in paths), default=0)
    check.true(name + ": paths capped", longest <= PATH_MAX + len(PATH_TRUNCATED),
               "(longest %d bytes)" % longest)
    check.true(name + ": a cut path ends with the marker",
               any(p.endswith(PATH_TRUNCATED) and len(p) == PATH_MAX + len(PATH_TRUNCATED) for p in paths))


def run_analyzer(check, ninep, case, pcap, facts, folder):
    bounds = BOUNDS["analyzer"][case]
    out = os.path.join(folder, "report.json")
    result = measure([ninep, "report", "--json", "-q", pcap], out, bounds[0] * KILL_FACTOR)
    if not check_run(check, "analyzer", case, "report", result, bounds):
        return
    capture, totals = report_head(out)
    name = "analyzer %s" % case
    for key in ("connections", "requests", "replies", "round_trips", "unanswered", "orphans", "errors",
                "not_9p_bytes", "nonconforming"):
        if key in facts:
            check.equal("%s: %s" % (name, key), totals[key], facts[key])
    if "min_requests" in facts:
        check.true(name + ": requests", totals["requests"] >= facts["min_requests"], "(%d)" % totals["requests"])
    if "min_gaps" in facts:
        check.true(name + ": gaps", totals["gaps"] >= facts["min_gaps"], "(%d)" % totals["gaps"])
        check.true(name + ": a reassembly ceiling was hit and counted", capture["limit_hits"] >= 1)
    if "path_max" in facts:
        csv_out = os.path.join(folder, "exchanges.csv")
        result = measure([ninep, "exchanges", "-q", pcap], csv_out, bounds[0] * KILL_FACTOR)
        if check_run(check, "analyzer", case, "exchanges", result, bounds):
            with open(csv_out, encoding="utf-8", errors="surrogateescape", newline="") as f:
                rows = list(csv.DictReader(f))
            check.equal(name + ": exchanges rows", len(rows), facts["round_trips"])
            check_paths(check, name, [r["path"] for r in rows])


def run_plugin(check, plugin, case, pcap, facts, folder):
    bounds = BOUNDS["plugin"][case]
    out = os.path.join(folder, "tshark.txt")
    env = dict(os.environ)
    # As tests/fuzz/mutate-plugin: a dissector bug aborts rather than
    # becoming a line in the output.
    env.update({"WIRESHARK_ABORT_ON_DISSECTOR_BUG": "1"})
    argv = [TSHARK_WRAPPER, plugin, pcap, "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=" + AGGREGATOR,
            "-e", "ninep.type", "-e", "ninep.malformed", "-e", "ninep.path", "-z", "ninep,srt"]
    result = measure(argv, out, bounds[0] * KILL_FACTOR, env=env)
    if not check_run(check, "plugin", case, "tshark", result, bounds):
        return
    messages = malformed = 0
    paths = []
    srt = False
    with open(out, encoding="utf-8", errors="surrogateescape") as f:
        for line in f:
            if line.startswith("==="):
                srt = True
            if srt:
                continue
            cols = line.rstrip("\n").split("\t") + ["", "", ""]
            types, bad, path = (c.split(AGGREGATOR) if c else [] for c in cols[:3])
            messages += len(types)
            malformed += len(bad)
            paths += path
    name = "plugin %s" % case
    check.true(name + ": the srt statistics were printed", srt)
    if "plugin_messages" in facts:
        check.equal(name + ": 9P messages shown", messages, facts["plugin_messages"])
    check.equal(name + ": malformed messages", malformed, facts.get("plugin_malformed", 0))
    if "path_max" in facts:
        check_paths(check, name, paths)


def main():
    if len(sys.argv) < 4 or sys.argv[1] not in BOUNDS:
        sys.exit("usage: run_hostile.py analyzer|plugin GEN_HOSTILE NINEP|NINEP_PLUGIN.so [CASE...]")
    tool, gen, program = sys.argv[1], sys.argv[2], os.path.abspath(sys.argv[3])
    cases = sys.argv[4:] or subprocess.run([gen, "--list"], capture_output=True, text=True,
                                           check=True).stdout.split()
    if tool == "plugin" and shutil.which("tshark") is None:
        print("tshark not found: apt-get install tshark")
        sys.exit(77)
    check = Checker()
    for case in cases:
        if case not in BOUNDS[tool]:
            check.true("case %s has bounds" % case, False)
            continue
        folder = tempfile.mkdtemp(prefix="ninep-hostile.")
        os.chmod(folder, 0o755)
        try:
            pcap, facts = generate(gen, case, folder)
            if tool == "analyzer":
                run_analyzer(check, program, case, pcap, facts, folder)
            else:
                run_plugin(check, program, case, pcap, facts, folder)
        finally:
            shutil.rmtree(folder, True)
        sys.stdout.flush()
    check.finish()


if __name__ == "__main__":
    main()
