"""analyzer.read_paths: a file and standard input give the same analysis.

A regular file is read by a second thread, which also parses each frame's
link, IP and TCP headers ahead (frame_parse) and hands the reassembler the
result; standard input is read and parsed on the main thread.  An ordinary
pcap file's records are read by our own reader (pcapfile.c), standard
input's by libpcap.  Both must give the same report, the same exchanges and
the same message, byte for byte apart from the input's name: on every
bundled capture, on damaged copies of one (cut in a record's header or
data, a capture length beyond any snapshot length, a small snapshot length
with records longer than it, a negative time), and on a generated capture
large enough to go round the reading thread's ring of blocks many times.

usage: test_read_paths.py PATH-TO-ninep PATH-TO-gen_bench_capture
"""
import json
import os
import shutil
import struct
import sys
import tempfile

from ninep_testlib import Checker, all_captures
from common import ninep_binary, run

# 40,000 messages over 50 connections: about 16 MB, a dozen or more 1 MiB blocks.
GENERATED_MESSAGES = 40000
GENERATED_CONNECTIONS = 50


def without_input_names(doc, name):
    """The JSON report with the input's name (a path, or "-") taken out,
    also from error messages, where it is `name`."""
    for f in doc.get("inputs", []):
        f["name"] = None
        if f.get("error"):
            f["error"] = f["error"].replace(name, "INPUT")
    for s in doc.get("sessions", []):
        s["input"] = None
    return doc


STDIN_NAME = "-: standard input"  # how a message names standard input


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
    check.equal("%s: message, file and stdin" % name, err_file.replace(capture, "INPUT"),
                err_stdin.replace(STDIN_NAME, "INPUT"))
    check.true("%s: the report says something" % name, out_file != "", err_file)
    if out_file and out_stdin:
        report_file = json.dumps(without_input_names(json.loads(out_file), capture), indent=1, sort_keys=True)
        report_stdin = json.dumps(without_input_names(json.loads(out_stdin), STDIN_NAME), indent=1, sort_keys=True)
        check.true("%s: report, file and stdin" % name, report_file == report_stdin,
                   first_difference(report_file, report_stdin))
    code_file, csv_file, _ = run(binary, "exchanges", "-q", capture)
    code_stdin, csv_stdin, _ = run(binary, "exchanges", "-q", "-", stdin=data)
    check.equal("%s: exchanges exit, file and stdin" % name, code_file, code_stdin)
    check.true("%s: exchanges, file and stdin" % name, csv_file == csv_stdin, first_difference(csv_file, csv_stdin))
    return csv_file


PCAP_HEADER = 24
RECORD_HEADER = 16


def record_offsets(data):
    """Where each record of a little-endian pcap file starts, and its capture length."""
    records, at = [], PCAP_HEADER
    while at + RECORD_HEADER <= len(data):
        caplen = struct.unpack_from("<I", data, at + 8)[0]
        records.append((at, caplen))
        at += RECORD_HEADER + caplen
    return records


def damaged_copies(source, folder):
    """Damaged copies of a little-endian pcap file, each as libpcap sees damage."""
    data = open(source, "rb").read()
    records = record_offsets(data)
    at, caplen = [r for r in records[len(records) // 2:] if r[1] > 100][0]
    with_snaplen = lambda b, snaplen: b[:16] + struct.pack("<I", snaplen) + b[20:]
    with_caplen = lambda b, c: b[:at + 8] + struct.pack("<I", c) + b[at + 12:]
    small = with_snaplen(data, 60)
    copies = {
        "cut_in_header": data[:at + 7],
        "cut_in_data": data[:at + RECORD_HEADER + caplen // 2],
        "caplen_beyond_snaplen": with_caplen(data, 300000),
        "caplen_beyond_maximum": with_caplen(with_snaplen(data, 400000), 300000),
        "small_snaplen": small,
        "small_snaplen_cut_in_kept": small[:at + RECORD_HEADER + 30],
        "small_snaplen_cut_in_discarded": small[:at + RECORD_HEADER + 80],
        "zero_snaplen": with_snaplen(data, 0),
        "negative_time": data[:PCAP_HEADER] + struct.pack("<I", 0xF0000000) + data[PCAP_HEADER + 4:],
    }
    paths = []
    for name, content in sorted(copies.items()):
        path = os.path.join(folder, name + ".pcap")
        with open(path, "wb") as f:
            f.write(content)
        paths.append(path)
    return paths, caplen


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
        source = [c for c in captures if os.path.basename(c) == "diod_9p2000L_ls_cat.pcap"]
        check.equal("the capture to damage is bundled", len(source), 1)
        damaged, caplen = damaged_copies(source[0], tmp)
        check.true("the damaged record is longer than the small snapshot length", caplen > 100, str(caplen))
        for capture in damaged:
            compare(check, binary, capture)
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
