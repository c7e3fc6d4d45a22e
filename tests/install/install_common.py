"""What the install tests share: where Wireshark and the manual say things
go, and the checks that installed files work (the analyzer on a real
capture against its ground truth, the manual page through man-db, the
plugin inside the real tshark).

Expectations come from outside the build: Wireshark's pkg-config file and
`tshark -G folders` say where plugins live, captures/real/*.expected is the
ground truth of a capture, analyzer/ninep.1 is the page's source and the
project's version is the one CMakeLists.txt declares."""
import collections
import gzip
import json
import os
import re
import subprocess

import ninep_testlib  # noqa: F401  (PYTHONPATH from CTest)
from ninep_testlib import SOURCE_DIR, read_expected, tshark

# A real diod session (9P2000.L) with its ground truth.
CAPTURE = os.path.join(SOURCE_DIR, "captures", "real", "diod_9p2000L_l_client.pcap")
CAPTURE_EXPECTED = os.path.join(SOURCE_DIR, "captures", "real", "diod_9p2000L_l_client.expected")
MAN_SOURCE = os.path.join(SOURCE_DIR, "analyzer", "ninep.1")


def run(argv, check=True, timeout=300, **kwargs):
    """Run a program; returns the CompletedProcess (text), raising with its
    stderr when check and it failed."""
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, **kwargs)
    if check and proc.returncode != 0:
        raise AssertionError("%s failed (%d): %s" % (" ".join(argv), proc.returncode, proc.stderr[-2000:]))
    return proc


def project_version():
    """The version project() declares in the top CMakeLists.txt."""
    with open(os.path.join(SOURCE_DIR, "CMakeLists.txt"), encoding="utf-8") as f:
        m = re.search(r"^project\(\s*ninep\s+VERSION\s+([0-9.]+)", f.read(), re.M)
    if not m:
        raise AssertionError("no project(ninep VERSION ...) in CMakeLists.txt")
    return m.group(1)


def pkg_config_variable(name):
    return run(["pkg-config", "--variable=" + name, "wireshark"]).stdout.strip()


def tshark_folders(env=None, run_as=()):
    """tshark -G folders as a dict: what tshark itself says it reads."""
    out = run(list(run_as) + ["tshark", "-G", "folders"], env=env).stdout
    folders = {}
    for line in out.splitlines():
        key, sep, value = line.partition(":")
        if sep:
            folders.setdefault(key.strip(), value.strip())
    return folders


def relative_to_root(path):
    return path.lstrip("/")


def check_analyzer_runs(check, binary, label):
    """The installed ninep reports the ground truth of a real capture."""
    proc = run([binary, "--version"], check=False, cwd="/")
    check.equal("%s: --version" % label, proc.stdout.strip(), "ninep " + project_version())
    proc = run([binary, "report", "--json", "-q", CAPTURE], check=False, cwd="/")
    check.equal("%s: report exit status (%s)" % (label, proc.stderr.strip()[:300]), proc.returncode, 0)
    try:
        totals = json.loads(proc.stdout)["totals"]
    except (ValueError, KeyError):
        check.true("%s: report --json is a JSON report" % label, False, proc.stdout[:200])
        return
    expected = read_expected(CAPTURE_EXPECTED)
    for key in ("dialect", "connections", "requests", "replies", "round_trips", "errors", "flushed"):
        check.equal("%s: %s of %s" % (label, key, os.path.basename(CAPTURE)), totals.get(key), expected[key])
    want = {k[len("count."):]: v for k, v in expected.items() if k.startswith("count.")}
    check.equal("%s: message counts of %s" % (label, os.path.basename(CAPTURE)), totals.get("messages"), want)


def check_man_page(check, page, label):
    """The installed page is analyzer/ninep.1 gzip-compressed, and man-db
    renders it (no groff warning) and reads its NAME line (whatis)."""
    with open(MAN_SOURCE, "rb") as f:
        source = f.read()
    try:
        with gzip.open(page, "rb") as f:
            installed = f.read()
    except OSError as e:
        check.true("%s: gzip-compressed" % label, False, str(e))
        return
    check.true("%s: uncompresses to analyzer/ninep.1" % label, installed == source)
    with open(page, "rb") as f:
        header = f.read(10)
    # gzip -n: no time stamp (bytes 4-7) and no file name (FLG bit 3).
    check.true("%s: no time stamp or name in the gzip header" % label,
               header[4:8] == b"\0\0\0\0" and not header[3] & 0x08, repr(header))

    env = dict(os.environ, MANWIDTH="80", LC_ALL="C.UTF-8", MANPAGER="cat", PAGER="cat")
    proc = run(["man", "--warnings", "-l", page], check=False, env=env, cwd="/")
    check.equal("%s: man -l exit status" % label, proc.returncode, 0)
    check.equal("%s: man -l warnings" % label, proc.stderr, "")
    # What the source says the page holds: its NAME line and its sections.
    text = source.decode("utf-8", "replace")
    name_line = re.search(r"^\.SH NAME\n(.*)$", text, re.M).group(1).replace("\\-", "-")
    headings = [h.strip('"') for h in re.findall(r"^\.SH (.*)$", text, re.M)]
    rendered = proc.stdout
    check.true("%s: rendered NAME line" % label, name_line in rendered, name_line)
    missing = [h for h in headings if not re.search(r"^%s$" % re.escape(h), rendered, re.M)]
    check.equal("%s: rendered section headings" % label, missing, [])
    check.true("%s: rendered page is complete" % label, len(rendered.splitlines()) > 100,
               "%d lines" % len(rendered.splitlines()))
    proc = run(["lexgrog", page], check=False)
    check.true("%s: lexgrog (whatis) reads the NAME line" % label,
               proc.returncode == 0 and name_line in proc.stdout, proc.stdout + proc.stderr)


def message_counts(plugin):
    """The plugin's per-message counts of CAPTURE, as tshark shows them."""
    aggregator = "\x1f"
    _, out, _ = tshark(plugin, CAPTURE, "-T", "fields", "-E", "occurrence=a",
                       "-E", "aggregator=" + aggregator, "-e", "ninep.message")
    return collections.Counter(m for line in out.splitlines() if line for m in line.split(aggregator))


def check_plugin_loads(check, plugin, label):
    """tshark loads the installed plugin (tests/tshark-with-plugin) and it
    decodes a real capture as its ground truth says."""
    _, out, err = tshark(plugin, None, "-G", "plugins", check=False)
    rows = [line.split("\t") for line in out.splitlines()]
    check.true("%s: tshark -G plugins lists ninep.so as a dissector" % label,
               any(r[0].strip() == "ninep.so" and r[2:3] == ["dissector"] for r in rows if len(r) >= 4),
               err[-500:])
    check_decodes(check, message_counts(plugin), label)


def check_decodes(check, counts, label):
    expected = read_expected(CAPTURE_EXPECTED)
    want = {k[len("count."):]: v for k, v in expected.items() if k.startswith("count.")}
    check.equal("%s: plugin's message counts of %s" % (label, os.path.basename(CAPTURE)), dict(counts), want)
