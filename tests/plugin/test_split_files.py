"""plugin.split_files: rotated and split captures in Wireshark (issue 16).

tshark and Wireshark read one file at a time; the files of a rotated
capture (dumpcap -b, tcpdump -C/-G, editcap -c) are put together with
mergecap (File > Merge in the GUI), which orders packets by timestamp.  A
real capture split with `editcap -c` and merged again, the pieces given in
shuffled order, must give the plugin exactly the whole file's exchanges:
every reply linked to the same request frame time, tag and type, with the
same response time.  The whole file's links are the expectation (the
plugin's links on whole captures are checked against ground truth by
plugin.real_counts and against the analyzer by integration.tools_agree).
"""
import os
import random
import subprocess
import tempfile

from plugin_common import Checker, capture_named, fields, plugin_path

NAMES = ["frame.time_epoch", "tcp.stream", "ninep.type", "ninep.tag", "ninep.request_type", "ninep.time"]
CAPTURES = ("diod_9p2000L_ls_cat", "ling_9p2000e_session", "p9p_9p2000_9pserve_ramfs")
PIECE_PACKETS = (7, 50)


def exchanges(plugin, pcap):
    """(reply time, tag, request type, reply type, response time) of every linked reply."""
    out = []
    for row in fields(plugin, pcap, NAMES, two_pass=True, display_filter="ninep.request_type"):
        # one linked reply per frame in these captures' replies; several are zipped in order
        for tag, rtype, req, time in zip(row["ninep.tag"], row["ninep.type"], row["ninep.request_type"],
                                         row["ninep.time"]):
            if int(rtype) % 2 == 1:
                out.append((row["frame.time_epoch"][0], tag, req, rtype, time))
    return sorted(out)


def main():
    plugin = plugin_path()
    check = Checker()
    rng = random.Random(564)
    with tempfile.TemporaryDirectory() as tmp:
        os.chmod(tmp, 0o755)  # tshark runs as nobody and reads the merged file
        for stem in CAPTURES:
            pcap, _ = capture_named(stem)
            whole = exchanges(plugin, pcap)
            check.true("%s: the whole file has exchanges" % stem, len(whole) > 0)
            for n in PIECE_PACKETS:
                base = os.path.join(tmp, "%s-%d.pcap" % (stem, n))
                subprocess.run(["editcap", "-c", str(n), pcap, base], check=True, capture_output=True)
                pieces = sorted(p for p in os.listdir(tmp) if p.startswith("%s-%d_" % (stem, n)))
                check.true("%s -c %d: split into several files" % (stem, n), len(pieces) > 1, repr(pieces))
                rng.shuffle(pieces)
                merged = os.path.join(tmp, "%s-%d-merged.pcap" % (stem, n))
                subprocess.run(["mergecap", "-F", "pcap", "-w", merged] + [os.path.join(tmp, p) for p in pieces],
                               check=True, capture_output=True)
                os.chmod(merged, 0o644)
                got = exchanges(plugin, merged)
                check.equal("%s -c %d, %d pieces merged in shuffled order: the whole file's exchanges"
                            % (stem, n, len(pieces)), got, whole)
                for p in pieces:
                    os.unlink(os.path.join(tmp, p))
    check.finish()


main()
