"""plugin.srt: `tshark -q -z ninep,srt` gives, per request type, the count,
minimum, maximum, average and sum of the response times that the matched
replies carry in ninep.time."""
import collections
import os
import re

from plugin_common import Checker, all_captures, fields, plugin_path, tshark

# tshark prints SRT times with six decimals.
TOLERANCE = 1.5e-6


def parse_srt(text):
    table = {}
    for line in text.splitlines():
        m = re.match(r"\s*(\d+)\s+(\S+)\s+(\d+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*$", line)
        if m:
            table[m.group(2)] = (int(m.group(3)), float(m.group(4)), float(m.group(5)), float(m.group(6)),
                                 float(m.group(7)))
    return table


def main():
    plugin = plugin_path()
    check = Checker()
    _, out, _ = tshark(plugin, None, "-G", "values")
    type_names = {}
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) == 4 and parts[0] == "V" and parts[1] == "ninep.type":
            type_names[int(parts[2], 0)] = parts[3]
    for pcap, _ in all_captures():
        name = os.path.basename(pcap)
        _, out, _ = tshark(plugin, pcap, "-q", "-z", "ninep,srt")
        srt = parse_srt(out)
        times = collections.defaultdict(list)
        for row in fields(plugin, pcap, ["ninep.request_type", "ninep.time"], display_filter="ninep.time"):
            # Both are generated on each matched reply, in the same order.
            check.equal("%s: request_type and time pair up" % name, len(row["ninep.request_type"]),
                        len(row["ninep.time"]))
            for request_type, t in zip(row["ninep.request_type"], row["ninep.time"]):
                times[int(request_type)].append(float(t))
        expected = {type_names.get(t, str(t)): v for t, v in times.items()}
        check.equal("%s: SRT rows" % name, sorted(srt), sorted(expected))
        for request, values in expected.items():
            if request not in srt:
                continue
            calls, low, high, average, total = srt[request]
            check.equal("%s %s: calls" % (name, request), calls, len(values))
            for what, got, want in (("min", low, min(values)), ("max", high, max(values)),
                                    ("avg", average, sum(values) / len(values)), ("sum", total, sum(values))):
                check.true("%s %s: %s SRT" % (name, request, what), abs(got - want) <= TOLERANCE,
                           "got %.6f, expected %.9f" % (got, want))
    check.finish()


main()
