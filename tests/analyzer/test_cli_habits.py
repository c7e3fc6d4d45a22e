"""analyzer.cli_habits: the command line as a tcpdump or tshark user
expects it (issue 19): -r FILE, -n, a bad BPF filter is a usage error with
libpcap's message, -c refuses what is not a count, several -f are joined
with "and", filter words are never taken for files because a file of that
name exists, COMMAND --help, a synopsis with every form, the ninep: prefix
on every error, compare with an unreadable side, and "could not be read"
rather than "damaged" for a file that does not exist.

Expectations come from elsewhere: round trips from the capture's .expected
file, packet counts and libpcap's messages from tcpdump run on the same
file and filter."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

from ninep_testlib import CAPTURES_DIR, SOURCE_DIR, Checker, read_expected
from common import ninep_binary, run

REAL = os.path.join(CAPTURES_DIR, "real")
STEM = "p9p_9p2000_9pserve_ramfs"  # server port 5650
COMMANDS = ("report", "exchanges", "accesses", "compare")


def tcpdump_count(capture, expression):
    """Packets of capture that match expression, by tcpdump (libpcap)."""
    proc = subprocess.run(["tcpdump", "-n", "-r", capture, expression], capture_output=True, text=True)
    if proc.returncode != 0:
        raise AssertionError("tcpdump %r: %s" % (expression, proc.stderr))
    return len(proc.stdout.splitlines())


def tcpdump_error(capture, expression):
    """libpcap's message for a filter it cannot compile, as tcpdump prints it."""
    proc = subprocess.run(["tcpdump", "-d", "-r", capture, expression], capture_output=True, text=True)
    lines = [l for l in proc.stderr.splitlines() if l.startswith("tcpdump: ")]
    return proc.returncode, lines[-1][len("tcpdump: "):] if lines else ""


def report(binary, *args, cwd=None):
    proc = subprocess.run([binary, "report", "--json", "-q"] + list(args), capture_output=True, text=True,
                          cwd=cwd, timeout=300)
    doc = json.loads(proc.stdout) if proc.stdout else None
    return proc.returncode, doc, proc.stderr


def check_read_and_filter(binary, check, capture, round_trips):
    all_packets = tcpdump_count(capture, "")
    code, doc, err = report(binary, "-r", capture)
    check.equal("-r FILE: exit (%s)" % err, code, 0)
    check.equal("-r FILE: round trips", doc and doc["totals"]["round_trips"], round_trips)
    code, doc, err = report(binary, "-n", "-r", capture, "tcp", "port", "5650")
    check.equal("-n -r FILE FILTER: exit (%s)" % err, code, 0)
    check.equal("-r FILE FILTER: packets as tcpdump", doc and doc["capture"]["packets"],
                tcpdump_count(capture, "tcp port 5650"))
    code, doc, err = report(binary, "-r", capture, "port", "9999")
    check.equal("-r FILE port 9999: packets as tcpdump", doc and doc["capture"]["packets"],
                tcpdump_count(capture, "port 9999"))
    code, doc, err = report(binary, "-r", capture, "-r", capture)
    check.equal("-r twice: two inputs", doc and len(doc["inputs"]), 2)
    code, doc, err = report(binary, "-n", capture)
    check.equal("-n accepted: exit (%s)" % err, code, 0)
    check.equal("-n: packets", doc and doc["capture"]["packets"], all_packets)

    # Several -f: all must match, each as a whole ("(A) and (B)"), however
    # the words of one would bind with the other's.
    for clauses in (["port 5650", "tcp"], ["port 5650", "port 9999"], ["port 9999 or port 5650", "port 9999"],
                    ["port 9999 or port 5650", "port 5650"]):
        args = []
        for c in clauses:
            args += ["-f", c]
        joined = " and ".join("(%s)" % c for c in clauses)
        code, doc, err = report(binary, *(args + [capture]))
        check.equal("-f %s: exit (%s)" % (clauses, err), code, 0)
        check.equal("-f %s: packets as tcpdump '%s'" % (clauses, joined), doc and doc["capture"]["packets"],
                    tcpdump_count(capture, joined))
    code, doc, err = report(binary, "-f", "port 9999 or port 5650", capture, "port", "9999")
    check.equal("-f and filter words: packets as tcpdump", doc and doc["capture"]["packets"],
                tcpdump_count(capture, "(port 9999 or port 5650) and (port 9999)"))

    # A bad filter: a usage error with libpcap's message, nothing read.
    for how in (["-f", "port 56 50 )", capture], [capture, "port", "56", "50", ")"], ["-r", capture, "host"],
                [capture, "--", "tcp", "prot", "5650"]):
        expression = " ".join(how[how.index("-f") + 1:how.index("-f") + 2]) if "-f" in how else \
            " ".join(w for w in how[how.index(capture) + 1:] if w != "--")
        tcode, message = tcpdump_error(capture, expression)
        check.true("tcpdump rejects %r too" % expression, tcode != 0 and message, message)
        code, out, err = run(binary, "report", *how)
        check.equal("bad filter %r: exit" % how, code, 1)
        check.true("bad filter %r: libpcap's message %r" % (how, message), message in err, err)
        check.true("bad filter %r: ninep: prefix" % how, err.startswith("ninep: "), err)
        check.equal("bad filter %r: no report" % how, out, "")

    # -c: a whole number from 1.
    for bad in ("-5", "0", "+5", " 5", "5x", "-0"):
        code, out, err = run(binary, "report", "-c", bad, capture)
        check.equal("-c %r: usage error" % bad, code, 1)
        check.true("-c %r: says so" % bad, err.startswith("ninep: ") and "count" in err, err)
    code, doc, err = report(binary, "-c", "5", capture)
    check.equal("-c 5: five packets", doc and doc["capture"]["packets"], 5)


def check_words(binary, check, capture, round_trips, tmp):
    """Which words are files never depends on what exists."""
    work = os.path.join(tmp, "cwd")
    os.makedirs(os.path.join(work, "port"))
    with open(os.path.join(work, "5650"), "w") as f:
        f.write("a file named like a filter word\n")
    local = os.path.join(work, "a.pcap")
    shutil.copy(capture, local)
    wanted = tcpdump_count(capture, "port 5650")
    for where in (work, tmp):  # with the look-alikes, and without them
        code, doc, err = report(binary, local if where == tmp else "a.pcap", "port", "5650", cwd=where)
        check.equal("a.pcap port 5650 in %s: exit (%s)" % (where, err), code, 0)
        check.equal("a.pcap port 5650 in %s: one input" % where, doc and len(doc["inputs"]), 1)
        check.equal("a.pcap port 5650 in %s: filtered as tcpdump" % where, doc and doc["capture"]["packets"],
                    wanted)
    # Files named otherwise: "--" ends them; a rotated tcpdump -C name and a
    # word with a / are files; the first word always is.
    plain = os.path.join(work, "trace")
    rotated = os.path.join(work, "trace.pcap1")
    shutil.copy(capture, plain)
    shutil.copy(capture, rotated)
    code, doc, err = report(binary, "trace", "trace.pcap1", "--", "port", "5650", cwd=work)
    check.equal("FILE FILE -- FILTER: exit (%s)" % err, code, 0)
    check.equal("FILE FILE -- FILTER: two inputs", doc and [i["name"] for i in doc["inputs"]],
                ["trace", "trace.pcap1"])
    check.equal("FILE FILE -- FILTER: round trips (the same capture twice: one connection each time)",
                doc and doc["totals"]["round_trips"], round_trips)
    code, doc, err = report(binary, "trace", "./trace", "port", "5650", cwd=work)
    check.equal("a word with / is a file", doc and len(doc["inputs"]), 2)
    code, doc, err = report(binary, "-f", "--", capture)
    check.equal("-f -- is a filter, not the end of options", code, 1)


def check_help(binary, check):
    code, general, _ = run(binary, "--help")
    check.equal("--help: exit", code, 0)
    texts = {}
    for command in COMMANDS:
        for flag in ("--help", "-h"):
            code, out, err = run(binary, command, flag)
            check.equal("%s %s: exit" % (command, flag), code, 0)
            check.true("%s %s: starts with its usage" % (command, flag),
                       out.startswith("usage: ninep %s" % command), out[:80])
            texts[command] = out
        check.true("%s --help: not the general help" % command, texts[command] != general)
    check.equal("each command's help is its own", len(set(texts.values())), len(COMMANDS))

    # The man page's synopsis has every form --help lists.
    env = dict(os.environ, MANWIDTH="3000")
    env.pop("MAN_KEEP_FORMATTING", None)
    page = subprocess.run(["man", "-l", os.path.join(SOURCE_DIR, "analyzer", "ninep.1")], capture_output=True,
                          text=True, env=env).stdout
    page = re.sub(".\b", "", page)  # overstrike bold and underline, as col -b drops them
    synopsis = page[page.index("SYNOPSIS"):page.index("DESCRIPTION")]
    man_forms = set()
    for line in synopsis.splitlines()[1:]:
        line = " ".join(line.split())
        m = re.match(r"ninep \{([a-z|]+)\} (.*)", line)
        for command in (m.group(1).split("|") if m else [None]):
            man_forms.add(("ninep %s %s" % (command, m.group(2))) if m else line)
    help_forms = set()
    for text in [general] + list(texts.values()):
        for line in text.splitlines():
            line = " ".join(line.split())
            if not (line.startswith("usage: ninep") or line.startswith("ninep ")):
                continue
            line = line[len("usage: "):] if line.startswith("usage: ") else line
            m = re.match(r"ninep ([a-z]+(?:\|[a-z]+)+) (.*)", line)
            for command in (m.group(1).split("|") if m else [None]):
                help_forms.add(("ninep %s %s" % (command, m.group(2))) if m else line)
    check.true("forms found in --help", len(help_forms) >= 10, repr(help_forms))
    for form in sorted(help_forms):
        # compare's two-capture and "--" forms are one line in the page.
        alt = form.replace("BEFORE... -- AFTER...", "BEFORE... {vs|--} AFTER...") \
                  .replace("BEFORE... vs AFTER...", "BEFORE... {vs|--} AFTER...")
        check.true("the synopsis has %r" % form, form in man_forms or alt in man_forms, repr(sorted(man_forms)))
    for needed in ("ninep report [--json] [--html OUT.html]", "ninep exchanges [options] -i IFACE",
                   "ninep accesses [options] -i IFACE", "ninep exchanges [options] -r FILE"):
        check.true("the synopsis has %r" % needed, any(f.startswith(needed) for f in man_forms), "")


def check_errors(binary, check, capture, tmp):
    missing = os.path.join(tmp, "missing.pcap")
    unwritable = os.path.join(tmp, "no", "such", "dir", "out.html")
    # Every line of every error carries the prefix (or is the hint).
    for args in (["report", "--html", unwritable, capture], ["compare", "--html", unwritable, capture, capture],
                 ["report", missing], ["report", "-c", "-5", capture], ["report", "-f", "((", capture],
                 ["compare", capture, missing], ["report", "-Q", capture]):
        code, out, err = run(binary, *args)
        check.true("%r: fails" % args, code in (1, 2), str(code))
        lines = [l for l in err.splitlines() if l]
        check.true("%r: says why" % args, lines, err)
        for line in lines:
            check.true("%r: ninep: prefix on %r" % (args, line),
                       line.startswith("ninep: ") or line.startswith("Try 'ninep"), err)
    # A file name is anyone's bytes: the error about it is escaped too.
    hostile = os.path.join(tmp, "e\x1b[31mvil\nname.pcap")
    with open(hostile, "w") as f:
        f.write("not a capture\n")
    code, out, err = run(binary, "report", hostile)
    check.equal("hostile file name: exit", code, 2)
    check.true("hostile file name: no raw ESC or newline in the error", "\x1b" not in err and err.count("\n") == 1,
               repr(err))
    check.true("hostile file name: shown escaped", "e\\x1b[31mvil\\x0aname.pcap" in err, repr(err))
    code, out, err = run(binary, "report", "--html", unwritable, capture)
    check.equal("--html unwritable: exit", code, 2)
    check.true("--html unwritable: names it", unwritable in err, err)

    # compare with a side that cannot be read: the error, no table.
    for args in ([capture, missing], [missing, capture], ["--json", capture, missing], [capture, "vs", missing],
                 [capture, "--", missing, missing]):
        html_out = os.path.join(tmp, "cmp.html")
        if os.path.exists(html_out):
            os.remove(html_out)
        code, out, err = run(binary, "compare", "--html", html_out, *args)
        check.equal("compare %r: exit" % args, code, 2)
        check.equal("compare %r: no table" % args, out, "")
        check.true("compare %r: the error names the file" % args, "missing.pcap" in err, err)
        check.true("compare %r: no HTML page" % args, not os.path.exists(html_out), "")
    # One side partly readable: the table, with the unreadable file named.
    code, out, err = run(binary, "compare", capture, "vs", capture, missing)
    check.equal("compare, one file of a side missing: exit", code, 2)
    check.true("compare, one file of a side missing: the table", "round trips" in out, out[:200])
    check.true("compare, one file of a side missing: it could not be read",
               "could not be read" in out and "damaged" not in out, out[:400])

    # A file that does not exist is not "damaged"; a cut one is.
    code, out, err = run(binary, "report", missing, capture)
    check.equal("report missing + good: exit", code, 2)
    check.true("report missing + good: no 'damaged'", "damaged" not in out, out[:400])
    check.true("report missing + good: 'could not be read'", "could not be read" in out, out[:400])
    with open(capture, "rb") as f:
        data = f.read()
    cut = os.path.join(tmp, "cut.pcap")
    with open(cut, "wb") as f:
        f.write(data[:len(data) * 2 // 3 + 5])
    code, out, err = run(binary, "report", cut)
    check.equal("report cut: exit", code, 2)
    check.true("report cut: 'damaged'", "PARTIAL" in out and "damaged" in out, out[:400])


def main():
    binary = os.path.abspath(ninep_binary())  # some runs are in another folder
    check = Checker()
    capture = os.path.join(REAL, STEM + ".pcap")
    round_trips = int(read_expected(os.path.join(REAL, STEM + ".expected"))["round_trips"])
    tmp = tempfile.mkdtemp(prefix="ninep-habits-")
    os.chmod(tmp, 0o755)
    try:
        check_read_and_filter(binary, check, capture, round_trips)
        check_words(binary, check, capture, round_trips, tmp)
        check_help(binary, check)
        check_errors(binary, check, capture, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    check.finish()


if __name__ == "__main__":
    sys.exit(main())
