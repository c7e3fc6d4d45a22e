"""plugin.session: on ling_9p2000e_session, connections 1 and 2 share one
ninep.session and connection 3 has another; the Tsession of connection 2
links to the frame whose MUMBLE record established the key; the rejection
of connection 3's Tsession is an expert note, once, on the Rerror."""
from plugin_common import Checker, capture_named, fields, plugin_path

NAMES = ["frame.number", "tcp.stream", "ninep.message", "ninep.session", "ninep.session_key_frame",
         "ninep.session_key", "ninep.mumble.node", "_ws.expert.message"]


def main():
    plugin = plugin_path()
    check = Checker()
    pcap, _ = capture_named("ling_9p2000e_session")
    for two_pass in (False, True):
        label = "two-pass" if two_pass else "one-pass"
        rows = fields(plugin, pcap, NAMES, two_pass=two_pass, display_filter="ninep")
        sessions = {}
        for row in rows:
            stream = int(row["tcp.stream"][0])
            sessions.setdefault(stream, set()).update(row["ninep.session"])
        check.equal("%s: streams" % label, sorted(sessions), [0, 1, 2])
        check.equal("%s: one session per connection" % label, [len(sessions.get(s, ())) for s in (0, 1, 2)],
                    [1, 1, 1])
        check.true("%s: connections 1 and 2 share a session" % label, sessions.get(0) == sessions.get(1),
                   repr(sessions))
        check.true("%s: connection 3 has another" % label, sessions.get(2) != sessions.get(0), repr(sessions))

        mumble = [int(r["frame.number"][0]) for r in rows if r["ninep.mumble.node"]]
        check.equal("%s: one MUMBLE record" % label, len(mumble), 1)
        tsessions = [r for r in rows if "Tsession" in r["ninep.message"]]
        check.equal("%s: Tsessions" % label, len(tsessions), 2)
        if len(tsessions) == 2 and mumble:
            resumed, rejected = tsessions
            check.equal("%s: Tsession links to the MUMBLE frame" % label,
                        [int(f) for f in resumed["ninep.session_key_frame"]], mumble)
            check.equal("%s: the unknown key links nowhere" % label, rejected["ninep.session_key_frame"], [])
            mumble_row = [r for r in rows if int(r["frame.number"][0]) == mumble[0]][0]
            check.equal("%s: same key in MUMBLE and Tsession" % label, resumed["ninep.session_key"],
                        mumble_row["ninep.session_key"])
            # The refusal is said once, on the reply that refuses.
            check.true("%s: the Tsession itself says nothing of its refusal" % label,
                       not any("Session not resumed" in m for m in rejected["_ws.expert.message"]),
                       repr(rejected["_ws.expert.message"]))
        rerror = [r for r in rows if "Rerror" in r["ninep.message"]]
        check.true("%s: Rerror says the session was not resumed" % label,
                   len(rerror) == 1 and any("Session not resumed" in m for m in rerror[0]["_ws.expert.message"]))
    check.finish()


main()
