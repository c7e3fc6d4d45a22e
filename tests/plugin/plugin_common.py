"""What the plugin test drivers share.  Each driver is run by CTest as
    python3 test_NAME.py PATH/TO/ninep.so
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "lib"))
import ninep_testlib  # noqa: E402
from ninep_testlib import Checker, read_expected, all_captures, compare_golden, SOURCE_DIR  # noqa: E402,F401

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN_DIR = os.path.join(HERE, "golden")

# Separates the occurrences of one field in -T fields output (a comma may
# appear inside strings).
AGGREGATOR = "\x1f"


def plugin_path():
    if len(sys.argv) < 2:
        sys.exit("usage: %s PATH/TO/ninep.so" % sys.argv[0])
    return os.path.abspath(sys.argv[1])


def tshark(plugin, pcap, *options, two_pass=False, check=True):
    """Run tshark with the plugin; two_pass reads the file with -2 (state
    known after the fact, as the GUI shows it)."""
    if two_pass:
        options = ("-2",) + options
    return ninep_testlib.tshark(plugin, pcap, *options, check=check)


def fields(plugin, pcap, names, two_pass=False, display_filter=None, preferences=()):
    """Per frame, a dict field -> list of occurrences (strings).
    preferences: tshark -o settings, "name:value"."""
    options = ["-T", "fields", "-E", "occurrence=a", "-E", "aggregator=" + AGGREGATOR]
    for preference in preferences:
        options += ["-o", preference]
    if display_filter:
        options += ["-Y", display_filter]
    for name in names:
        options += ["-e", name]
    _, out, _ = tshark(plugin, pcap, *options, two_pass=two_pass)
    rows = []
    for line in out.splitlines():
        values = line.split("\t")
        values += [""] * (len(names) - len(values))
        rows.append({name: (v.split(AGGREGATOR) if v else []) for name, v in zip(names, values)})
    return rows


def real_captures():
    """The captures of real implementations, with their ground truth."""
    return [(p, e) for p, e in all_captures() if os.sep + "real" + os.sep in p and e is not None]


def capture_named(stem):
    for pcap, expected in all_captures():
        if os.path.splitext(os.path.basename(pcap))[0] == stem:
            return pcap, expected
    raise SystemExit("capture %s not found" % stem)


def server_port(plugin, pcap):
    """The server's TCP port: where the first request of the capture went."""
    for row in fields(plugin, pcap, ["tcp.dstport", "ninep.type"], display_filter="ninep.type"):
        if row["ninep.type"] and int(row["ninep.type"][0]) % 2 == 0:
            return int(row["tcp.dstport"][0])
    raise AssertionError("no 9P request in %s" % pcap)
