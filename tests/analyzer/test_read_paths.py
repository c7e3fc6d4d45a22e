"""analyzer.read_paths: a file and standard input give the same analysis.

A regular file is read by a second thread, which also parses each frame's
link, IP and TCP headers ahead (frame_parse) and hands the reassembler the
result; standard input is read and parsed on the main thread.  Both must
give the same report and the same exchanges, byte for byte apart from the
input's name: on every bundled capture, and on a generated capture large
enough to go round the reading thread's ring of blocks many times.

usage: test_read_paths.py PATH-TO-ninep PATH-TO-gen_bench_capture
"""
import json
import os
import shutil
import sys
import tempfile

from ninep_testlib import Checker, all_captures
from common import ninep_binary, run

# 40,000 messages over 50 connections: about 16 MB, a dozen or more 1 MiB blocks.
GENERATED_MESSAGES = 40000
GENERATED_CONNECTIONS = 50


def without_input_names(doc):
    """The JSON report with the input's name (a path, or "-") taken out."""
    for f in doc.get("inputs", []):
        f["name"] = None
    for s in doc.get("sessions", []):
        s["input"] = None
    return doc


def first_difference(a, b):
    """Where two texts part, as a short message for a failed check."""
    a_lines, b_lines = a.splitlines(), b.splitlines()
    for i, (x, y) in enumerate(zip(a_lines, b_lines)):
        if x != y:
            return "line %d: %r / %r" % (i + 1, x[:120], y[:120])
    return "%d / %d lines" % (len(a_lines), len(b_lines))


def compare(check, binary, capture):
    name = os.path.basename(capture)
    with open(capture, "rb") as f:
        data = f.read()
    code_file, out_file, err_file = run(binary, "report", "--json", "-q", capture)
    code_stdin, out_stdin, err_stdin = run(binary, "report", "--json", "-q", "-", stdin=data)
    check.equal("%s: exit, file and stdin" % name, code_file, code_stdin)
    check.true("%s: the report says something" % name, out_file != "", err_file)
    if out_file and out_stdin:
        report_file = json.dumps(without_input_names(json.loads(out_file)), indent=1, sort_keys=True)
        report_stdin = json.dumps(without_input_names(json.loads(out_stdin)), indent=1, sort_keys=True)
        check.true("%s: report, file and stdin" % name, report_file == report_stdin,
                   first_difference(report_file, report_stdin))
    code_file, csv_file, _ = run(binary, "exchanges", "-q", capture)
    code_stdin, csv_stdin, _ = run(binary, "exchanges", "-q", "-", stdin=data)
    check.equal("%s: exchanges exit, file and stdin" % name, code_file, code_stdin)
    check.true("%s: exchanges, file and stdin" % name, csv_file == csv_stdin, first_difference(csv_file, csv_stdin))
    return csv_file


def main():
    binary = ninep_binary()
    if len(sys.argv) < 3:
        sys.exit("usage: %s PATH-TO-ninep PATH-TO-gen_bench_capture" % sys.argv[0])
    generator = sys.argv[2]
    check = Checker()

    captures = [pcap for pcap, _ in all_captures()]
    check.true("bundled captures found", len(captures) >= 20, str(len(captures)))
    for capture in captures:
        compare(check, binary, capture)

    tmp = tempfile.mkdtemp(prefix="ninep-read-paths-")
    try:
        big = os.path.join(tmp, "mix.pcap")
        code, _, err = run(generator, "--messages", str(GENERATED_MESSAGES), "--connections",
                           str(GENERATED_CONNECTIONS), "--dialect", "mix", big)
        check.equal("generator: exit", code, 0)
        check.true("generated capture spans many ring blocks", os.path.getsize(big) > 8 * (1 << 20),
                   str(os.path.getsize(big)))
        csv = compare(check, binary, big)
        # One header line, then a row per round trip: most of the messages.
        check.true("generated capture: round trips found", csv.count("\n") > GENERATED_MESSAGES // 3,
                   str(csv.count("\n")))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    check.finish()


if __name__ == "__main__":
    sys.exit(main())
