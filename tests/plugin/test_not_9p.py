"""plugin.not_9p: p9p_9p2000_listen1_ramfs ends each connection with a
47-byte text line from the server.  Those 5 x 47 bytes are shown as not 9P
(with an expert warning), and every 9P message before them decodes."""
import collections

from plugin_common import Checker, capture_named, fields, plugin_path, read_expected


def main():
    plugin = plugin_path()
    check = Checker()
    pcap, expected_path = capture_named("p9p_9p2000_listen1_ramfs")
    expected = read_expected(expected_path)
    for two_pass in (False, True):
        label = "two-pass" if two_pass else "one-pass"
        rows = fields(plugin, pcap, ["frame.number", "tcp.stream", "ninep.message", "ninep.not_9p",
                                     "_ws.expert.message", "_ws.malformed"], two_pass=two_pass)
        chunks = [(int(r["tcp.stream"][0]), len(v) // 2) for r in rows for v in r["ninep.not_9p"]]
        check.equal("%s: not-9P chunks" % label, sorted(chunks), [(s, 47) for s in range(5)])
        check.equal("%s: not-9P bytes" % label, sum(n for _, n in chunks), expected["not_9p_bytes"])
        warned = sum(1 for r in rows for m in r["_ws.expert.message"] if "not 9P" in m)
        check.equal("%s: expert warnings" % label, warned, 5)
        counts = collections.Counter(m for r in rows for m in r["ninep.message"])
        for key, value in expected.items():
            if key.startswith("count."):
                check.equal("%s: %s" % (label, key), counts.get(key[len("count."):], 0), value)
        check.equal("%s: malformed" % label, [r for r in rows if r["_ws.malformed"]], [])
        # The not-9P text comes after the last 9P message of its connection.
        last_9p = {}
        for r in rows:
            if r["ninep.message"]:
                last_9p[int(r["tcp.stream"][0])] = int(r["frame.number"][0])
        for r in rows:
            if r["ninep.not_9p"]:
                stream = int(r["tcp.stream"][0])
                check.true("%s: stream %d text after its messages" % (label, stream),
                           int(r["frame.number"][0]) > last_9p.get(stream, 0))
    check.finish()


main()
