"""analyzer.json_schema: `ninep report --json` is one JSON document with the
keys and types documented in README.md ("The JSON report"), for every capture."""
import sys

from ninep_testlib import Checker, all_captures
from common import message_names, ninep_binary, run
import json

LATENCY_KEYS = ("count", "min", "p50", "p90", "p99", "max", "mean")
FIGURE_INTS = ("requests", "replies", "round_trips", "errors", "unanswered", "flushed", "orphans",
               "bytes_client_to_server", "bytes_server_to_client", "not_9p_bytes", "nonconforming", "gaps", "gap_bytes", "uncaptured_bytes",
               "resync_bytes", "truncated_bytes", "exchanges_lost", "messages_lost", "file_accesses", "file_access_round_trips")


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool) and v >= 0


def check_latency(check, where, obj):
    check.true("%s is an object" % where, isinstance(obj, dict))
    if not isinstance(obj, dict):
        return
    for k in LATENCY_KEYS:
        check.true("%s.%s is a non-negative integer" % (where, k), is_int(obj.get(k)), repr(obj.get(k)))
    if obj.get("count"):
        check.true("%s: min <= p50 <= p90 <= p99 <= max" % where,
                   obj["min"] <= obj["p50"] <= obj["p90"] <= obj["p99"] <= obj["max"], repr(obj))
        check.true("%s: min <= mean <= max" % where, obj["min"] <= obj["mean"] <= obj["max"], repr(obj))


def check_figures(check, where, f, names):
    for k in FIGURE_INTS:
        check.true("%s.%s is a non-negative integer" % (where, k), is_int(f.get(k)), repr(f.get(k)))
    for table in ("messages", "errors_by_request"):
        check.true("%s.%s is an object" % (where, table), isinstance(f.get(table), dict))
        for name, n in f.get(table, {}).items():
            check.true("%s.%s.%s: a message name with a count" % (where, table, name),
                       name in names and is_int(n), repr((name, n)))
    check.true("%s.latency_ns is an object" % where, isinstance(f.get("latency_ns"), dict))
    for name, obj in f.get("latency_ns", {}).items():
        check.true("%s.latency_ns.%s is a request" % (where, name), name in names and name.startswith("T"))
        check_latency(check, "%s.latency_ns.%s" % (where, name), obj)
    check_latency(check, "%s.latency_all_ns" % where, f.get("latency_all_ns"))
    requests = sum(n for name, n in f.get("messages", {}).items() if name.startswith("T"))
    check.equal("%s: requests = sum of T counts" % where, f.get("requests"), requests)
    check.equal("%s: round_trips = sum of latency counts" % where, f.get("round_trips"),
                sum(o.get("count", 0) for o in f.get("latency_ns", {}).values()))


def main():
    binary = ninep_binary()
    names = set(message_names().values())
    check = Checker()
    for pcap, _ in all_captures():
        code, out, err = run(binary, "report", "--json", "-q", pcap)
        try:
            doc = json.loads(out)
        except ValueError as e:
            check.true("%s: output parses as JSON" % pcap, False, str(e))
            continue
        where = pcap.rsplit("/", 1)[-1]
        check.equal("%s: tool" % where, doc.get("tool"), "ninep")
        check.true("%s: version is a string" % where, isinstance(doc.get("version"), str))
        check.true("%s: partial is a boolean" % where, isinstance(doc.get("partial"), bool))
        check.true("%s: inputs is a list" % where, isinstance(doc.get("inputs"), list) and doc["inputs"])
        for i in doc.get("inputs", []):
            check.true("%s: input fields" % where, isinstance(i.get("name"), str) and isinstance(i.get("ok"), bool)
                       and (i.get("error") is None or isinstance(i.get("error"), str)), repr(i))
        check.true("%s: capture.packets" % where, is_int(doc.get("capture", {}).get("packets")))
        t = doc.get("totals", {})
        check.true("%s: totals.dialect is a string" % where, isinstance(t.get("dialect"), str))
        check.true("%s: totals.connections" % where, is_int(t.get("connections")))
        check.true("%s: totals.e_sessions" % where, is_int(t.get("e_sessions")))
        check_figures(check, where + ": totals", t, names)
        sessions = doc.get("sessions")
        check.true("%s: sessions is a list" % where, isinstance(sessions, list))
        others = doc.get("others", {})
        check.true("%s: others.connections" % where, is_int(others.get("connections")))
        check_figures(check, where + ": others", others, names)
        check.equal("%s: one session per connection, or folded into others" % where,
                    len(sessions or []) + others.get("connections", 0), t.get("connections"))
        for s in sessions or []:
            w = "%s: session %s" % (where, s.get("id"))
            check.true(w + " id", is_int(s.get("id")))
            for k in ("client", "server", "dialect", "close", "input"):
                check.true("%s %s is a string" % (w, k), isinstance(s.get(k), str), repr(s.get(k)))
            check.true(w + " msize", is_int(s.get("msize")))
            check.true(w + " syn_seen", isinstance(s.get("syn_seen"), bool))
            check.true(w + " handshake_rtt_ns", s.get("handshake_rtt_ns") is None or is_int(s["handshake_rtt_ns"]))
            check.true(w + " first_ns/last_ns", isinstance(s.get("first_ns"), int) and isinstance(s.get("last_ns"), int))
            check.true(w + " e_session", s.get("e_session") is None or is_int(s["e_session"]))
            check_figures(check, w, s, names)
        check.equal("%s: round trips add up over sessions" % where,
                    sum(s.get("round_trips", 0) for s in sessions or []) + others.get("round_trips", 0),
                    t.get("round_trips"))
        es = doc.get("e_sessions")
        check.true("%s: e_sessions is a list" % where, isinstance(es, list))
        check.equal("%s: e_sessions count" % where, len(es or []), t.get("e_sessions"))
        for e in es or []:
            w = "%s: e_session %s" % (where, e.get("id"))
            fp = e.get("key_fingerprint")
            check.true(w + " key_fingerprint is null or 8 hex digits",
                       fp is None or (isinstance(fp, str) and len(fp) == 8 and all(c in "0123456789abcdef" for c in fp)),
                       repr(fp))
            check.true(w + " connections", isinstance(e.get("connections"), list) and e["connections"])
            check_figures(check, w, e, names)
    check.finish()


if __name__ == "__main__":
    sys.exit(main())
