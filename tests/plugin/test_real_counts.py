"""plugin.real_counts: on every real capture, with no option, the count of
each message type equals the ground truth (count.* in its .expected), and a
clean capture shows nothing malformed and no dissector bug."""
import collections
import os

from plugin_common import Checker, fields, plugin_path, read_expected, real_captures


def main():
    plugin = plugin_path()
    check = Checker()
    for pcap, expected_path in real_captures():
        name = os.path.basename(pcap)
        expected = read_expected(expected_path)
        rows = fields(plugin, pcap, ["ninep.message", "_ws.expert.group", "_ws.expert.message", "_ws.malformed"])
        counts = collections.Counter(m for row in rows for m in row["ninep.message"])
        want = {key[len("count."):]: value for key, value in expected.items() if key.startswith("count.")}
        for message in sorted(set(want) | set(counts)):
            check.equal("%s: count of %s" % (name, message), counts.get(message, 0), want.get(message, 0))
        check.equal("%s: requests" % name, sum(v for k, v in counts.items() if k.startswith("T")),
                    expected["requests"])
        malformed = [row["_ws.expert.message"] for row in rows if "_ws.malformed" in row and row["_ws.malformed"]]
        check.equal("%s: _ws.malformed frames" % name, malformed, [])
        groups = collections.Counter(g for row in rows for g in row["_ws.expert.group"])
        # 0x07000000 is PI_MALFORMED; its messages say "Dissector bug" for bugs.
        bugs = [m for row in rows for m in row["_ws.expert.message"] if "issector bug" in m]
        check.equal("%s: dissector bugs" % name, bugs, [])
        if expected.get("not_9p_bytes", 0) == 0:
            check.equal("%s: malformed expert infos" % name, groups.get("117440512", 0), 0)
    check.finish()


main()
