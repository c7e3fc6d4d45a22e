"""plugin.generated_counts: on every generated capture (every dialect, TCP
and link-layer pathologies), the count of each message type and the number
of matched round trips equal its .expected.

Wireshark's TCP reassembly leaves out-of-order segments alone unless
tcp.reassemble_out_of_order is on (off by default in 4.0), and with it on,
waits for ever for a hole that is never filled.  So the tcp_reorder*
captures are read with it on, as a user looking at reordered traffic would
(plugin.reorder checks them with the defaults), and every other capture
(the lost-segment ones among them) with Wireshark's defaults."""
import collections
import os

from plugin_common import Checker, all_captures, fields, plugin_path, read_expected

# Captures that need a TCP preference other than Wireshark's default.
TCP_PREFERENCES = {"tcp_reorder.pcap": ["tcp.reassemble_out_of_order:TRUE"],
                   "tcp_reorder_overlap.pcap": ["tcp.reassemble_out_of_order:TRUE"]}


def main():
    plugin = plugin_path()
    check = Checker()
    generated = [(p, e) for p, e in all_captures() if os.sep + "generated" + os.sep in p and e]
    check.true("there are generated captures", len(generated) > 10, str(len(generated)))
    for pcap, expected_path in generated:
        name = os.path.basename(pcap)
        expected = read_expected(expected_path)
        rows = fields(plugin, pcap, ["ninep.message", "ninep.request_in"], preferences=TCP_PREFERENCES.get(name, []))
        counts = collections.Counter(m for row in rows for m in row["ninep.message"])
        want = {key[len("count."):]: value for key, value in expected.items() if key.startswith("count.")}
        for message in sorted(set(want) | set(counts)):
            check.equal("%s: count of %s" % (name, message), counts.get(message, 0), want.get(message, 0))
        if "round_trips" in expected:
            linked = sum(len(row["ninep.request_in"]) for row in rows)
            check.equal("%s: replies linked to their request" % name, linked, expected["round_trips"])
    check.finish()


if __name__ == "__main__":
    main()
