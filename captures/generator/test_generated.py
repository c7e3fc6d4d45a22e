#!/usr/bin/env python3
"""Tests of captures/generated/ (registered by captures/CMakeLists.txt).

  test_generated.py up_to_date CAPGEN GENERATED_DIR
      ninep-capgen into a fresh temporary folder; every file must equal the
      committed one byte for byte, none missing, none extra (README.md is
      written by hand and not compared).
  test_generated.py readable TSHARK GENERATED_DIR
      the real tshark reads every generated capture without an error.
  test_generated.py builtin TSHARK GENERATED_DIR
      for the clean 9P2000 and 9P2000.L captures on port 564, Wireshark's
      built-in 9p dissector counts the same message types as count.* says.
"""
import filecmp
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(SOURCE_DIR, "tests", "lib"))
import ninep_testlib  # noqa: E402

REGENERATE = ("regenerate with:  cmake --build BUILD --target regenerate-captures\n"
              "  (or: BUILD/captures/ninep-capgen captures/generated), then commit captures/generated/")
HAND_WRITTEN = {"README.md"}
CAPTURE_EXTENSIONS = (".pcap", ".pcapng")

# Message types the built-in dissector of Wireshark 4.0 does not decode:
# plan9port's openfd (98, 99) is not in its table, and neither are the
# 9P2000.e messages (150-155; no .e capture is compared anyway).  It also
# misdecodes the bodies of Tgetlock/Rgetlock (reads a flags[4] that is not
# there) and of a .u Tcreate with an empty extension, but it still counts
# their types right, so those are compared.
BUILTIN_UNKNOWN = {"Topenfd", "Ropenfd", "Tsession", "Rsession", "Tsread", "Rsread", "Tswrite", "Rswrite"}
# Keys that make a capture a pathology case (any non-zero value).
PATHOLOGY_KEYS = ("gaps", "uncaptured_bytes", "messages_lost", "not_9p_bytes", "retransmissions", "retransmission_conflicts",
                  "orphans", "unanswered", "flushed")


def captures(folder):
    return sorted(n for n in os.listdir(folder) if n.endswith(CAPTURE_EXTENSIONS))


def up_to_date(capgen, generated):
    check = ninep_testlib.Checker()
    with tempfile.TemporaryDirectory(prefix="ninep-capgen-") as fresh:
        proc = subprocess.run([capgen, fresh], capture_output=True, text=True)
        check.equal("ninep-capgen exit status (stderr: %s)" % proc.stderr.strip(), proc.returncode, 0)
        made = set(os.listdir(fresh))
        committed = set(os.listdir(generated)) - HAND_WRITTEN
        for name in sorted(made - committed):
            check.true("captures/generated/%s is missing" % name, False)
        for name in sorted(committed - made):
            check.true("captures/generated/%s is not written by ninep-capgen (extra file)" % name, False)
        for name in sorted(made & committed):
            same = filecmp.cmp(os.path.join(fresh, name), os.path.join(generated, name), shallow=False)
            check.true("captures/generated/%s differs from what ninep-capgen writes now" % name, same)
        check.true("ninep-capgen wrote captures", len(made) > 0)
    if check.failures:
        print(REGENERATE)
    check.finish()


def tshark_run(tshark, *args):
    proc = subprocess.run([tshark] + list(args), capture_output=True, text=True, timeout=120)
    # tshark run as root warns about it on stderr; that is not a read error
    stderr = "\n".join(line for line in proc.stderr.splitlines()
                       if line.strip() and "Running as user" not in line and "This could be dangerous" not in line)
    return proc.returncode, proc.stdout, stderr


def readable(tshark, generated):
    check = ninep_testlib.Checker()
    for name in captures(generated):
        rc, _, err = tshark_run(tshark, "-r", os.path.join(generated, name), "-q")
        check.true("tshark -r %s -q" % name, rc == 0 and not err, "exit %d: %s" % (rc, err))
    check.finish()


def message_names():
    names = {}
    with open(os.path.join(SOURCE_DIR, "include", "ninep", "messages.def"), encoding="utf-8") as f:
        for number, name in re.findall(r"^NINEP_MESSAGE\((\d+),\s*(\w+)\)", f.read(), re.M):
            names[int(number)] = name
    return names


def builtin(tshark, generated):
    check = ninep_testlib.Checker()
    names = message_names()
    compared = []
    for name in captures(generated):
        path = os.path.join(generated, name)
        expected_path = os.path.splitext(path)[0] + ".expected"
        if not os.path.exists(expected_path):
            check.true("%s has a .expected file" % name, False)
            continue
        expected = ninep_testlib.read_expected(expected_path)
        if expected.get("dialect") not in ("9P2000", "9P2000.L"):
            continue
        if any(expected.get(key, 0) != 0 for key in PATHOLOGY_KEYS):
            continue
        _, ports, _ = tshark_run(tshark, "-r", path, "-c", "1", "-T", "fields", "-e", "tcp.dstport")
        if ports.strip() != "564":
            continue
        compared.append(name)
        rc, out, err = tshark_run(tshark, "-r", path, "-o", "tcp.desegment_tcp_streams:TRUE",
                                  "-o", "tcp.reassemble_out_of_order:TRUE", "-Y", "9p",
                                  "-T", "fields", "-e", "9p.msgtype")
        check.equal("%s: tshark exit status (%s)" % (name, err), rc, 0)
        seen = {}
        for value in out.replace(",", "\n").split():
            msg = names.get(int(value), "unknown(%s)" % value)
            seen[msg] = seen.get(msg, 0) + 1
        want = {k[len("count."):]: v for k, v in expected.items() if k.startswith("count.")}
        for msg in sorted(set(seen) | set(want)):
            if msg in BUILTIN_UNKNOWN:
                continue
            check.equal("%s: count.%s by the built-in 9p dissector" % (name, msg), seen.get(msg, 0), want.get(msg, 0))
    print("compared:", " ".join(compared))
    for must in ("dialect_9p2000.pcap", "dialect_9p2000L.pcap"):
        check.true("%s is among the compared captures" % must, must in compared)
    check.finish()


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("up_to_date", "readable", "builtin"):
        print(__doc__)
        sys.exit(2)
    mode, tool, generated = sys.argv[1:]
    {"up_to_date": up_to_date, "readable": readable, "builtin": builtin}[mode](tool, generated)


if __name__ == "__main__":
    main()
