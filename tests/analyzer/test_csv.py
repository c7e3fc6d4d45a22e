"""analyzer.csv: `ninep exchanges` is RFC 4180 CSV with a header row and one
row per round trip (as many as the JSON report counts), for every capture."""
import csv
import io
import json
import re
import sys

from ninep_testlib import Checker, all_captures
from common import message_names, ninep_binary, run

HEADER = ["connection", "client", "server", "tag", "request", "reply", "path", "request_time_ns", "latency_ns",
          "request_size", "reply_size", "error"]


def main():
    binary = ninep_binary()
    names = set(message_names().values())
    check = Checker()
    for pcap, _ in all_captures():
        where = pcap.rsplit("/", 1)[-1]
        code, out, err = run(binary, "exchanges", "-q", pcap)
        _, js, _ = run(binary, "report", "--json", "-q", pcap)
        doc = json.loads(js)
        # RFC 4180: a quoted field may hold CR and LF (a 9P name may:
        # files_hostile); every line break outside one is CRLF
        unquoted = re.sub(r'"(?:[^"]|"")*"', "", out)
        check.true("%s: lines end in CRLF" % where,
                   out.endswith("\r\n") and "\n" not in unquoted.replace("\r\n", ""))
        rows = list(csv.reader(io.StringIO(out, newline=""), strict=True))
        check.equal("%s: header" % where, rows[0] if rows else None, HEADER)
        body = rows[1:]
        check.equal("%s: rows = round trips" % where, len(body), doc["totals"]["round_trips"])
        errors = 0
        for r in body:
            check.equal("%s: row width" % where, len(r), len(HEADER))
            if len(r) != len(HEADER):
                continue
            row = dict(zip(HEADER, r))
            check.true("%s: request/reply names" % where,
                       row["request"] in names and row["reply"] in names and row["request"].startswith("T"), repr(r))
            for k in ("connection", "tag", "request_time_ns", "request_size", "reply_size"):
                check.true("%s: %s is an integer" % (where, k), row[k].isdigit(), repr(r))
            check.true("%s: latency is an integer" % where, row["latency_ns"].lstrip("-").isdigit(), repr(r))
            if row["reply"] in ("Rerror", "Rlerror"):
                errors += 1
                check.true("%s: error rows say what" % where, row["error"] != "", repr(r))
        check.equal("%s: error rows = errors" % where, errors, doc["totals"]["errors"])
    check.finish()


if __name__ == "__main__":
    sys.exit(main())
