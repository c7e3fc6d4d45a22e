"""Helpers shared by the test drivers of every area (plugin, analyzer, captures).

Standard library only: the tests run on a fresh Debian 12 with python3.
"""
import difflib
import os
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.path.dirname(os.path.dirname(HERE))
CAPTURES_DIR = os.path.join(SOURCE_DIR, "captures")
TSHARK_WRAPPER = os.path.join(SOURCE_DIR, "tests", "tshark-with-plugin")

# Set NINEP_UPDATE_GOLDEN=1 to rewrite golden files after a deliberate change
# (see tests/README.md); a golden test then passes and says what it rewrote.
UPDATE_GOLDEN = os.environ.get("NINEP_UPDATE_GOLDEN") == "1"


def read_expected(path):
    """Read a captures/*/NAME.expected file: one 'key value' per line, '#'
    comments.  Values that look like integers become ints."""
    result = {}
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            parts = line.split(None, 1)
            if len(parts) != 2:
                raise ValueError("%s:%d: expected 'key value'" % (path, number))
            key, value = parts
            if key in result:
                raise ValueError("%s:%d: key %s given twice" % (path, number, key))
            try:
                result[key] = int(value)
            except ValueError:
                result[key] = value
    return result


def pcap_frames(path):
    """[(frame number, timestamp in ns, original length, captured bytes)] of
    a classic Ethernet pcap (either byte order, us or ns timestamps): a
    plain reading of the records, for tests that work out their
    expectations without the tools under test."""
    with open(path, "rb") as f:
        data = f.read()
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        endian = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        endian = ">"
    else:
        raise AssertionError("%s: not a pcap file" % path)
    nanoseconds = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
    linktype = struct.unpack(endian + "I", data[20:24])[0]
    if linktype != 1:
        raise AssertionError("%s: link type %d, not Ethernet" % (path, linktype))
    frames, at = [], 24
    while at + 16 <= len(data):
        sec, frac, caplen, length = struct.unpack(endian + "IIII", data[at:at + 16])
        ts = sec * 10**9 + (frac if nanoseconds else frac * 1000)
        frames.append((len(frames) + 1, ts, length, data[at + 16:at + 16 + caplen]))
        at += 16 + caplen
    return frames


def all_captures():
    """Every bundled capture with its .expected file: [(pcap path, expected path)]."""
    found = []
    for folder in sorted(os.listdir(CAPTURES_DIR)):
        full = os.path.join(CAPTURES_DIR, folder)
        if not os.path.isdir(full):
            continue
        for name in sorted(os.listdir(full)):
            stem, ext = os.path.splitext(name)
            if ext in (".pcap", ".pcapng"):
                expected = os.path.join(full, stem + ".expected")
                found.append((os.path.join(full, name), expected if os.path.exists(expected) else None))
    return found


def tshark(plugin, capture, *options, check=True, timeout=300):
    """Run the real tshark with the plugin loaded (see tests/tshark-with-plugin).
    Returns (returncode, stdout, stderr)."""
    proc = subprocess.run([TSHARK_WRAPPER, plugin, capture or "-"] + list(options),
                          capture_output=True, text=True, timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError("tshark %s failed (%d): %s" % (" ".join(options), proc.returncode, proc.stderr))
    return proc.returncode, proc.stdout, proc.stderr


def compare_golden(actual, golden_path):
    """Compare text with a golden file; with NINEP_UPDATE_GOLDEN=1 rewrite it.
    Returns True when they agree (or the file was rewritten)."""
    if UPDATE_GOLDEN:
        os.makedirs(os.path.dirname(golden_path), exist_ok=True)
        with open(golden_path, "w", encoding="utf-8") as f:
            f.write(actual)
        print("rewrote", os.path.relpath(golden_path, SOURCE_DIR))
        return True
    if not os.path.exists(golden_path):
        print("missing golden file %s (run with NINEP_UPDATE_GOLDEN=1 to create it)" % golden_path)
        return False
    with open(golden_path, encoding="utf-8") as f:
        expected = f.read()
    if expected == actual:
        return True
    diff = difflib.unified_diff(expected.splitlines(True), actual.splitlines(True),
                                os.path.relpath(golden_path, SOURCE_DIR), "actual", n=2)
    sys.stdout.writelines(list(diff)[:200])
    return False


class Checker:
    """Collects failed checks so one run reports all of them; exit code 1 if any."""

    def __init__(self):
        self.failures = 0
        self.checks = 0

    def equal(self, what, actual, expected):
        self.checks += 1
        if actual != expected:
            self.failures += 1
            print("FAIL %s: got %r, expected %r" % (what, actual, expected))

    def true(self, what, condition, detail=""):
        self.checks += 1
        if not condition:
            self.failures += 1
            print("FAIL %s %s" % (what, detail))

    def finish(self):
        print("%d checks, %d failed" % (self.checks, self.failures))
        if self.checks == 0:
            print("FAIL: no check ran")
            sys.exit(1)
        sys.exit(1 if self.failures else 0)
