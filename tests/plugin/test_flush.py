"""plugin.flush: flush(5), field by field, both ways, on one and two passes.

flush(5): "If it recognizes oldtag as the tag of a pending transaction, it
should abort any pending response and discard that tag. ... When the client
receives the Rflush, ... if the client received a response to the original
request before the Rflush, it should proceed as though the flush had not
been sent."

  flush_answered_first: the Tread's own Rread comes before the Rflush, so the
      Tread is answered, not flushed: it has ninep.response_in, no
      ninep.flushed_by and no "Request flushed"; the Tflush names no flushed
      request (ninep.flushes).
  flush_never_answered: only the Rflush comes, so the Tread is flushed: on
      the second pass (once the Rflush is known) ninep.flushed_by names the
      Tflush's frame and the Tflush's ninep.flushes names the Tread's; no
      "never answered" for it.
The expected counts come from the captures' .expected files (flushed 0 and
1), written from what the generator's peers did, not from the plugin.
"""
from plugin_common import Checker, capture_named, fields, plugin_path
from ninep_testlib import read_expected

NAMES = ["frame.number", "ninep.message", "ninep.response_in", "ninep.flushed_by", "ninep.flushes",
         "_ws.expert.message"]


def only(rows, message):
    found = [r for r in rows if message in r["ninep.message"]]
    return found[0] if len(found) == 1 else None


def main():
    plugin = plugin_path()
    check = Checker()

    pcap, expected = capture_named("flush_answered_first")
    check.equal("answered_first: the capture's truth", read_expected(expected)["flushed"], 0)
    for two_pass in (False, True):
        label = "answered_first %s" % ("two-pass" if two_pass else "one-pass")
        rows = fields(plugin, pcap, NAMES, two_pass=two_pass, display_filter="ninep")
        tread, tflush = only(rows, "Tread"), only(rows, "Tflush")
        rread = only(rows, "Rread")
        check.true("%s: one Tread, one Rread, one Tflush" % label, None not in (tread, tflush, rread))
        if None in (tread, tflush, rread):
            continue
        # Only a later pass knows, at the Tread, which frame answers it.
        check.equal("%s: the Tread's response is the Rread" % label, tread["ninep.response_in"],
                    rread["frame.number"] if two_pass else [])
        check.equal("%s: the Tread is not flushed" % label, tread["ninep.flushed_by"], [])
        check.true("%s: no 'Request flushed' note" % label,
                   not any("flushed" in m for m in tread["_ws.expert.message"]), repr(tread["_ws.expert.message"]))
        check.equal("%s: the Tflush flushed nothing" % label, tflush["ninep.flushes"], [])

    pcap, expected = capture_named("flush_never_answered")
    check.equal("never_answered: the capture's truth", read_expected(expected)["flushed"], 1)
    rows = fields(plugin, pcap, NAMES, two_pass=True, display_filter="ninep")
    tread, tflush = only(rows, "Tread"), only(rows, "Tflush")
    check.true("never_answered: one Tread, one Tflush", None not in (tread, tflush))
    if None not in (tread, tflush):
        check.equal("never_answered: the Tread has no response", tread["ninep.response_in"], [])
        check.equal("never_answered: flushed by the Tflush", tread["ninep.flushed_by"], tflush["frame.number"])
        check.equal("never_answered: the Tflush names the Tread", tflush["ninep.flushes"], tread["frame.number"])
        check.true("never_answered: 'Request flushed', not 'never answered'",
                   any("flushed" in m for m in tread["_ws.expert.message"]) and
                   not any("never answered" in m for m in tread["_ws.expert.message"]),
                   repr(tread["_ws.expert.message"]))
    check.finish()


main()
