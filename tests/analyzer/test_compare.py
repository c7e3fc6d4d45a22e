"""analyzer.compare: `ninep compare` on the real LING pair (before and after
macro-ops): 51 against 16 round trips, 45 against 10 for file accesses, as
text and as JSON; several captures per side with `vs`; usage errors."""
import json
import os
import sys

from ninep_testlib import CAPTURES_DIR, Checker
from common import ninep_binary, run


def main():
    binary = ninep_binary()
    check = Checker()
    real = os.path.join(CAPTURES_DIR, "real")
    classic = os.path.join(real, "ling_9p2000e_classic.pcap")
    macro = os.path.join(real, "ling_9p2000e_macro.pcap")

    code, out, err = run(binary, "compare", "--json", "-q", classic, macro)
    check.equal("json: exit status (%s)" % err.strip(), code, 0)
    doc = json.loads(out)
    f = doc["figures"]
    check.equal("round trips", (f["round_trips"]["before"], f["round_trips"]["after"], f["round_trips"]["change"]),
                (51, 16, -35))
    check.equal("requests", (f["requests"]["before"], f["requests"]["after"]), (51, 16))
    check.equal("file access round trips",
                (f["file_access_round_trips"]["before"], f["file_access_round_trips"]["after"]), (45, 10))
    check.equal("file accesses", (f["file_accesses"]["before"], f["file_accesses"]["after"]), (10, 10))
    check.equal("reads by kind", doc["by_kind"]["read"],
                {"before": {"accesses": 5, "round_trips": 25}, "after": {"accesses": 5, "round_trips": 5}})
    check.equal("round trips per access", doc["round_trips_per_access"],
                {"before": {"4": 5, "5": 5}, "after": {"1": 10}})
    check.true("latency of Tsread only after", doc["latency_ns"]["Tsread"]["before"] is None
               and doc["latency_ns"]["Tsread"]["after"]["count"] == 5, repr(doc["latency_ns"].get("Tsread")))
    check.equal("what-if on before", doc["what_if_before"]["round_trips_with_macro_ops"], 10)
    for k in ("bytes_client_to_server", "bytes_server_to_client", "wait_ns"):
        check.true("figure %s" % k, k in f)

    code, out, err = run(binary, "compare", "-q", classic, macro)
    check.equal("text: exit status", code, 0)
    lines = [line.split() for line in out.splitlines()]
    check.true("text: round trips 51 16", ["round", "trips", "51", "16"] in [l[:4] for l in lines])
    check.true("text: file access round trips 45 10",
               ["file", "access", "round", "trips", "45", "10"] in [l[:6] for l in lines])

    # Several captures a side are one capture (merged by timestamp): the
    # same file twice is every packet twice, retransmissions and not new
    # round trips.  Split captures on a side: tests/analyzer/test_split_inputs.py.
    code, out, err = run(binary, "compare", "--json", "-q", classic, classic, "vs", macro)
    doc = json.loads(out) if out else {}
    check.equal("vs: two befores", doc.get("figures", {}).get("round_trips", {}).get("before"), 51)
    check.equal("vs: before inputs", doc.get("before_inputs"), [classic, classic])
    code, out, err = run(binary, "compare", "--json", "-q", classic, "--", macro, macro)
    doc = json.loads(out) if out else {}
    check.equal("--: two afters", doc.get("figures", {}).get("round_trips", {}).get("after"), 16)
    check.equal("--: after inputs", doc.get("after_inputs"), [macro, macro])

    code, out, err = run(binary, "compare", classic)
    check.equal("one capture is a usage error", code, 1)
    check.finish()


if __name__ == "__main__":
    sys.exit(main())
