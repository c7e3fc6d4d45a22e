"""analyzer.real_counts: on every capture with an .expected file, the figures
of `ninep report --json` equal the ground truth, key by key.

Keys the analyzer reports are all checked; keys it does not know are listed
as unchecked, which is a failure for the real captures (their keys are the
ones the analyzer must know)."""
import os
import sys

from ninep_testlib import Checker, all_captures, read_expected
from common import ninep_binary, report_json

# Expected keys that are figures of totals under the same name.
TOTALS_KEYS = {
    "dialect", "connections", "e_sessions", "requests", "replies", "round_trips", "errors",
    "unanswered", "orphans", "flushed", "not_9p_bytes", "gaps", "gap_bytes", "uncaptured_bytes", "nonconforming", "resync_bytes",
    "exchanges_lost", "messages_lost", "truncated_bytes", "file_accesses", "file_access_round_trips",
    "bytes_client_to_server", "bytes_server_to_client",
}
# Figures of the lower half (TCP), reported under "capture".
CAPTURE_KEYS = {"packets": "packets", "tcp_connections": "tcp_connections",
                "other_connections": "other_connections", "retransmissions": "retransmissions",
                "retransmission_conflicts": "retransmission_conflicts"}


def value_of(doc, key):
    """The analyzer's figure for an expected key, or KeyError."""
    totals = doc["totals"]
    if key.startswith("count."):
        return totals["messages"].get(key[len("count."):], 0)
    if key.startswith("errors."):
        return totals["errors_by_request"].get(key[len("errors."):], 0)
    if key in TOTALS_KEYS:
        return totals[key]
    if key in CAPTURE_KEYS:
        return doc["capture"][CAPTURE_KEYS[key]]
    if key == "partial":
        return int(doc["partial"])
    if key == "accesses_open":
        return doc["chattiness"]["accesses_open"]
    if key.startswith("accesses."):
        return doc["chattiness"]["by_kind"][key[len("accesses."):]]["accesses"]
    raise KeyError(key)


def main():
    binary = ninep_binary()
    check = Checker()
    captures = [(p, e) for p, e in all_captures() if e is not None]
    check.true("captures with ground truth exist", len(captures) > 0)
    for pcap, expected_path in captures:
        name = os.path.relpath(pcap, os.path.dirname(os.path.dirname(expected_path)))
        expected = read_expected(expected_path)
        code, doc, err = report_json(binary, pcap)
        want_code = expected.get("exit_status", 0)
        check.equal("%s: exit status (%s)" % (name, err.strip()), code, want_code)
        if doc is None:
            check.true("%s: JSON output" % name, False)
            continue
        unchecked = []
        for key, want in expected.items():
            if key == "exit_status":
                continue
            try:
                got = value_of(doc, key)
            except KeyError:
                unchecked.append(key)
                continue
            label = "%s: %s" % (name, key)
            if key in CAPTURE_KEYS:
                label += " (a TCP figure of the lower half, capture.%s)" % CAPTURE_KEYS[key]
            check.equal(label, got, want)
        # A message type the analyzer counted that the ground truth does not
        # list is a difference too (the .expected files list every type seen).
        for msg, n in doc["totals"]["messages"].items():
            if "count." + msg not in expected and any(k.startswith("count.") for k in expected):
                check.equal("%s: count.%s (not in the ground truth)" % (name, msg), n, 0)
        if unchecked:
            print("%s: unchecked keys: %s" % (name, " ".join(sorted(unchecked))))
            if "/real/" in pcap:
                check.true("%s: every key of a real capture is checked" % name, False, str(unchecked))
    check.finish()


if __name__ == "__main__":
    sys.exit(main())
