"""plugin.stats_tree: `tshark -z ninep,tree` counts per message type equal
the ground truth, errors per request type add up to the errors, and round
trips per connection add up to the round trips.  `-z ninep,tree,FILTER`
counts only what the filter keeps (the plugin registers the option itself,
for the GUI's sake: see plugin/stats.c)."""
import os
import re

from plugin_common import Checker, plugin_path, read_expected, real_captures, tshark

NODES = ("Messages by type", "Errors by request type", "Round trips by connection")


def parse_tree(text):
    """{node: (count, {child: count})}"""
    tree = {}
    current = None
    for line in text.splitlines():
        m = re.match(r"^( ?)(\S.*?)\s{2,}(\d+)\s", line)
        if not m:
            continue
        indent, name, count = m.group(1), m.group(2), int(m.group(3))
        if not indent and name in NODES:
            current = name
            tree[name] = (count, {})
        elif indent and current:
            tree[current][1][name] = count
    return tree


def main():
    plugin = plugin_path()
    check = Checker()
    for pcap, expected_path in real_captures():
        name = os.path.basename(pcap)
        expected = read_expected(expected_path)
        _, out, _ = tshark(plugin, pcap, "-q", "-z", "ninep,tree")
        tree = parse_tree(out)
        messages = tree.get("Messages by type", (0, {}))
        want = {k[len("count."):]: v for k, v in expected.items() if k.startswith("count.")}
        check.equal("%s: counts per type" % name, messages[1], want)
        check.equal("%s: messages" % name, messages[0], sum(want.values()))
        errors = tree.get("Errors by request type", (0, {}))
        check.equal("%s: errors" % name, errors[0], expected["errors"])
        check.equal("%s: errors add up" % name, sum(errors[1].values()), errors[0])
        trips = tree.get("Round trips by connection", (0, {}))
        check.equal("%s: round trips" % name, trips[0], expected["round_trips"])
        check.equal("%s: connections" % name, len(trips[1]), expected["connections"])
        _, out, _ = tshark(plugin, pcap, "-q", "-z", "ninep,tree,ninep.type==100")
        filtered = parse_tree(out).get("Messages by type", (0, {}))
        check.equal("%s: with the filter ninep.type==100, only the Tversions" % name, filtered[1],
                    {"Tversion": expected["count.Tversion"]})
    check.finish()


main()
