"""plugin.replies_linked: read in two passes, every reply of every real
capture carries ninep.request_in and ninep.time, and every request
ninep.response_in, but for the requests the capture's expectations say were
flushed or never answered.  The links must
be the same on both passes: a request's response_in names a frame whose
reply's request_in names the request back."""
import os

from plugin_common import Checker, fields, plugin_path, real_captures
from ninep_testlib import read_expected

NAMES = ["frame.number", "ninep.message", "ninep.request_in", "ninep.response_in", "ninep.time"]


def main():
    plugin = plugin_path()
    check = Checker()
    for pcap, expected in real_captures():
        name = os.path.basename(pcap)
        rows = fields(plugin, pcap, NAMES, two_pass=True, display_filter="ninep.type")
        links = {}
        unlinked = 0
        for row in rows:
            frame = int(row["frame.number"][0])
            replies = [m for m in row["ninep.message"] if m.startswith("R")]
            requests = [m for m in row["ninep.message"] if m.startswith("T")]
            check.equal("%s frame %d: request_in per reply" % (name, frame), len(row["ninep.request_in"]),
                        len(replies))
            check.equal("%s frame %d: time per reply" % (name, frame), len(row["ninep.time"]), len(replies))
            unlinked += len(requests) - len(row["ninep.response_in"])
            links[frame] = (set(int(f) for f in row["ninep.request_in"]), set(int(f) for f in row["ninep.response_in"]))
        truth = read_expected(expected)
        check.equal("%s: requests without a response" % name, unlinked,
                    int(truth.get("flushed", 0)) + int(truth.get("unanswered", 0)))
        for frame, (_, responses) in links.items():
            for response in responses:
                check.true("%s frame %d: reply %d links back" % (name, frame, response),
                           frame in links.get(response, (set(), set()))[0])
    check.finish()


main()
