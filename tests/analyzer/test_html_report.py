"""analyzer.html_report: the page `ninep report --html` writes, read with
python's html.parser (no browser; tests/analyzer/test_html.py renders it).

Against the ground truth of each real capture (captures/real/NAME.expected,
counted by Wireshark's built-in 9p dissector, see captures/README.md):
  - the document is well-formed (every element closed, in order), valid
    UTF-8 with no control byte, one self-contained HTML5 file;
  - real tables (summary, messages, latency, connections, file accesses)
    with a <thead>, units in the headers of times, numbers right-aligned,
    and the numbers in them equal the ground truth;
  - the timeline draws one bar per round trip; in each connection no two
    exchanges in flight at once share a lane, and it uses no more lanes
    than the most exchanges that were in flight at once (interval
    partitioning is optimal, so a correct layout has exactly that many);
  - axis labels are like "10 ms", never "1e+03 ms";
  - tooltips say "Tread /path: 1 round trip, 0.84 ms";
  - the hostile-names capture: each recorded name (the recording script's
    list) shows by the documented escape (tests/lib/ninep_escaping.py).
On a generated capture of many connections: the timeline stays within its
documented bounds and says how many exchanges it left out.

usage: test_html_report.py PATH-TO-ninep PATH-TO-gen_bench_capture"""
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
from html.parser import HTMLParser

from ninep_testlib import CAPTURES_DIR, Checker, read_expected
from ninep_escaping import text_escape
from common import spec_order

REAL = os.path.join(CAPTURES_DIR, "real")
VOID = {"meta", "br", "hr", "img", "input", "link", "area", "base", "col", "embed", "source", "track", "wbr"}
NUMBER = re.compile(r"^(-|\d+(\.\d+)?)$")
# Documented in ninep.1 (--html) and html_timeline.c / stats/accesses.h.
MAX_EXCHANGES, MAX_CONNECTIONS, MAX_LANES = 5000, 30, 12
TICK = re.compile(r"^\d+(\.\d+)? (ns|µs|ms|s)$")
TOOLTIP = re.compile(r"^(T\w+)( .*)?: 1 round trip, (\d+(\.\d+)?) (µs|ms|s)(, answered by an error)?; request at "
                     r"\d+(\.\d+)? (µs|ms|s)( in (before|after))?$", re.S)


SPEC_RANK = {name: i for i, name in enumerate(spec_order())}


class Page(HTMLParser):
    """What the tests read of a page: its tables (rows of (tag, class,
    text) cells, and header names), the timeline's bars, the tick labels
    of the charts, and any nesting error."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []
        self.errors = []
        self.tags = set()
        self.tables = {}      # id -> {"head": [...], "rows": [[(tag, class, text)]], "thead": bool}
        self.table = None
        self.cell = None
        self.svg = None       # id of the svg being read
        self.ticks = {}       # svg id -> [label]
        self.text = None      # (svg id, class, text) of an SVG <text> being read
        self.conn = None      # the timeline group being read
        self.bars = []        # dicts of the timeline's bars
        self.title = None
        self.decl = []
        self.ids = []

    def handle_decl(self, decl):
        self.decl.append(decl)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.add(tag)
        if tag not in VOID:
            self.stack.append(tag)
        self.open(tag, a)

    def handle_startendtag(self, tag, attrs):
        self.tags.add(tag)
        self.open(tag, dict(attrs))
        self.closed(tag)

    def open(self, tag, a):
        if "id" in a:
            self.ids.append(a["id"])
        if tag == "table":
            self.table = {"head": [], "rows": [], "thead": False}
            self.tables[a.get("id", "?%d" % len(self.tables))] = self.table
        elif tag == "thead" and self.table is not None:
            self.table["thead"] = True
        elif tag == "tr" and self.table is not None and "thead" not in self.stack:
            self.table["rows"].append([])
        elif tag in ("td", "th") and self.table is not None:
            self.cell = [tag, a.get("class", ""), ""]
        elif tag == "svg":
            self.svg = a.get("id")
            self.ticks.setdefault(self.svg, [])
        elif tag == "text" and self.svg is not None:
            self.text = [a.get("class", ""), ""]
        elif tag == "g" and a.get("class") == "conn":
            self.conn = {"id": (a.get("data-side"), a.get("data-conn")), "lanes": int(a["data-lanes"])}
        elif tag == "rect" and "data-lane" in a:
            self.bars.append({"conn": self.conn["id"] if self.conn else None,
                              "lanes": self.conn["lanes"] if self.conn else 0,
                              "lane": int(a["data-lane"]), "start": int(a["data-request-ns"]),
                              "end": int(a["data-reply-ns"]), "x": float(a["x"]), "w": float(a["width"]),
                              "title": None})
        elif tag == "title" and self.svg is not None:
            self.title = ""

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append("</%s> closes <%s>" % (tag, self.stack[-1] if self.stack else "nothing"))
            if tag in self.stack:
                while self.stack.pop() != tag:
                    pass
            return
        self.stack.pop()
        self.closed(tag)

    def closed(self, tag):
        if tag in ("td", "th") and self.cell is not None and self.table is not None:
            cell = (self.cell[0], self.cell[1], self.cell[2].strip())
            if self.stack and "thead" in self.stack:
                self.table["head"].append(cell[2])
            elif self.table["rows"]:
                self.table["rows"][-1].append(cell)
            self.cell = None
        elif tag == "table":
            self.table = None
        elif tag == "svg":
            self.svg = None
        elif tag == "text" and self.text is not None:
            if self.text[0] == "tick":
                self.ticks[self.svg].append(self.text[1])
            self.text = None
        elif tag == "g" and self.conn is not None and "g" not in self.stack:
            self.conn = None
        elif tag == "title" and self.title is not None:
            if self.bars and self.bars[-1]["title"] is None and self.svg == "timeline":
                self.bars[-1]["title"] = self.title
            self.title = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell[2] += data
        if self.text is not None:
            self.text[1] += data
        if self.title is not None:
            self.title += data


def read_page(check, label, path):
    """The page at path, checked as a document; returns the parsed Page."""
    with open(path, "rb") as f:
        data = f.read()
    try:
        text = data.decode("utf-8", errors="strict")
        check.true("%s: valid UTF-8" % label, True)
    except UnicodeDecodeError as e:
        check.true("%s: valid UTF-8" % label, False, str(e))
        text = data.decode("utf-8", errors="replace")
    bad = sorted({"%02x" % b for b in data if (b < 0x20 and b != 0x0a) or b == 0x7f})
    check.equal("%s: control bytes" % label, bad, [])
    check.true("%s: starts <!DOCTYPE html>" % label, text.startswith("<!DOCTYPE html>\n"))
    check.true("%s: says it is UTF-8" % label, '<meta charset="utf-8">' in text)
    check.true("%s: no scripts" % label, "<script" not in text.lower())
    check.true("%s: nothing fetched" % label,
               re.search(r"(src|href)\s*=|url\(|@import", text, re.I) is None)
    page = Page()
    page.feed(text)
    page.close()
    check.equal("%s: elements closed in order" % label, page.errors[:5], [])
    check.equal("%s: nothing left open" % label, page.stack, [])
    check.equal("%s: ids used twice" % label, sorted({i for i in page.ids if page.ids.count(i) > 1}), [])
    return page


def cells(row):
    return [c[2] for c in row]


def check_tables_shape(check, label, page, ids):
    for tid in ids:
        t = page.tables.get(tid)
        check.true("%s: table %s present" % (label, tid), t is not None, sorted(page.tables))
        if t is None:
            continue
        check.true("%s: table %s has a <thead>" % (label, tid), t["thead"] and len(t["head"]) >= 2, t["head"])
        check.true("%s: table %s has rows" % (label, tid), len(t["rows"]) > 0)
        for row in t["rows"]:
            for tag, cls, text in row:
                if "num" in cls.split():
                    check.true("%s: table %s: number cell %r" % (label, tid, text), NUMBER.match(text) is not None)
    for tid in ("latency-table", "connections"):
        t = page.tables.get(tid)
        if t is not None:
            check.true("%s: %s headers say ms" % (label, tid), any("(ms)" in h for h in t["head"]), t["head"])


def value_rows(table):
    """A two-column table as {label: text}."""
    return {r[0][2]: r[1][2] for r in table["rows"] if len(r) == 2}


def check_numbers(check, label, page, exp, suffix=""):
    """The tables' figures against the capture's ground truth."""
    summary = page.tables.get("summary" + suffix)
    if summary is None:
        check.true("%s: summary table" % label, False)
        return
    s = value_rows(summary)
    keys = {"9P connections": "connections", "requests": "requests", "replies": "replies",
            "round trips": "round_trips", "errors": "errors", "unanswered": "unanswered",
            "orphan replies": "orphans", "flushed": "flushed", "not 9P (bytes)": "not_9p_bytes",
            "file accesses": "file_accesses", "file access round trips": "file_access_round_trips"}
    for name, key in keys.items():
        if key in exp:
            check.equal("%s: summary %s" % (label, name), s.get(name), str(exp[key]))
    if "dialect" in exp:
        check.equal("%s: summary dialect" % label, s.get("dialect"), exp["dialect"])

    # Messages: every count and error count, and nothing the dissector did not see.
    counts, errors = {}, {}
    for row in page.tables["messages" + suffix]["rows"]:
        c = cells(row)
        if c[0]:
            counts[c[0]] = int(c[1])
        if c[2]:
            counts[c[2]] = int(c[3])
        if c[0] and c[4]:
            errors[c[0]] = int(c[4])
    want = {k[len("count."):]: v for k, v in exp.items() if k.startswith("count.")}
    check.equal("%s: message counts" % label, {k: v for k, v in counts.items() if v}, want)
    want_err = {k[len("errors."):]: v for k, v in exp.items() if k.startswith("errors.")}
    if want_err:  # not every .expected counts errors by request
        check.equal("%s: error replies by request" % label, {k: v for k, v in errors.items() if v}, want_err)
    check.equal("%s: error replies add up" % label, sum(errors.values()), exp["errors"])
    # Requests beside their replies: the reply's name is the request's with R.
    for row in page.tables["messages" + suffix]["rows"]:
        c = cells(row)
        if c[0] and c[2]:
            check.equal("%s: %s beside its reply" % (label, c[0]), c[2], "R" + c[0][1:])

    # The spec's order, as in the text report: requests by their rank in doc/9p-wire.md.
    requests = [cells(r)[0] for r in page.tables["messages" + suffix]["rows"] if cells(r)[0]]
    check.true("%s: messages in the spec's order" % label,
               requests == sorted(requests, key=lambda n: SPEC_RANK.get(n, len(SPEC_RANK))), repr(requests))
    lat_names = [cells(r)[0] for r in page.tables["latency-table" + suffix]["rows"] if cells(r)[0] != "all"]
    check.true("%s: latency table in the spec's order" % label,
               lat_names == sorted(lat_names, key=lambda n: SPEC_RANK.get(n, len(SPEC_RANK))), repr(lat_names))

    # Latency: one row per request type answered; they add up to the round trips.
    lat = {cells(r)[0]: int(cells(r)[1]) for r in page.tables["latency-table" + suffix]["rows"]}
    all_rt = lat.pop("all", None)
    check.equal("%s: latency 'all' row" % label, all_rt, exp["round_trips"])
    check.equal("%s: latency rows add up" % label, sum(lat.values()), exp["round_trips"])
    if exp.get("unanswered", 0) == 0 and exp.get("flushed", 0) == 0:
        # every request answered by its own reply: one round trip each
        want_rt = {k: v for k, v in want.items() if k.startswith("T")}
        check.equal("%s: latency round trips by request" % label, lat, want_rt)

    # Connections: one row each, their round trips add up.
    rows = [cells(r) for r in page.tables["connections" + suffix]["rows"]]
    check.equal("%s: connection rows" % label, len(rows), exp["connections"])
    head = page.tables["connections" + suffix]["head"]
    rt = head.index("round trips")
    check.equal("%s: connections' round trips" % label, sum(int(r[rt]) for r in rows), exp["round_trips"])

    acc = value_rows(page.tables["accesses" + suffix])
    if "file_accesses" in exp:
        check.equal("%s: accesses table" % label, acc.get("accesses"), str(exp["file_accesses"]))
        check.equal("%s: accesses' round trips" % label, acc.get("round trips"),
                    str(exp["file_access_round_trips"]))
    return lat


def max_in_flight(bars):
    """The most exchanges in flight at once: a reply at the very time of a
    request frees its lane first (as the layout's rule says)."""
    events = sorted([(b["start"], 1) for b in bars] + [(b["end"], 0) for b in bars])
    depth = best = 0
    for _, up in events:
        depth += 1 if up else -1
        best = max(best, depth)
    return best


def check_lanes(check, label, page):
    """No two exchanges of one connection in flight at once share a lane,
    and no more lanes than needed."""
    by_conn = {}
    for b in page.bars:
        by_conn.setdefault(b["conn"], []).append(b)
    overlaps = 0
    for conn, bars in by_conn.items():
        lanes = {}
        for b in bars:
            lanes.setdefault(b["lane"], []).append(b)
            if b["lane"] >= b["lanes"]:
                overlaps += 1
        for lane in lanes.values():
            lane.sort(key=lambda b: (b["start"], b["end"]))
            for prev, cur in zip(lane, lane[1:]):
                if cur["start"] < prev["end"]:
                    overlaps += 1
        check.equal("%s: conn %s uses as many lanes as exchanges in flight at once" % (label, conn),
                    len(lanes), max_in_flight(bars))
    check.equal("%s: overlapping exchanges sharing a lane" % label, overlaps, 0)
    return by_conn


def check_labels(check, label, page):
    for svg in ("latency", "timeline"):
        ticks = page.ticks.get(svg, [])
        check.true("%s: %s chart has axis labels" % (label, svg), len(ticks) >= 2, ticks)
        bad = [t for t in ticks if "e+" in t or "e-" in t or (not TICK.match(t) and not re.match(r"^T\w+$", t)
                                                              and not t.startswith(("conn ", "before ", "after ")))]
        check.equal("%s: %s axis labels like '10 ms'" % (label, svg), bad, [])
    for b in page.bars:
        if not TOOLTIP.match(b["title"] or ""):
            check.true("%s: tooltip %r" % (label, b["title"]), False)
            break
    else:
        check.true("%s: every bar has a tooltip with its unit" % label, len(page.bars) > 0)


def report(binary, capture, out, *extra):
    proc = subprocess.run([binary, "report", "-q", "--html", out] + list(extra) + [capture], capture_output=True,
                          timeout=300)
    return proc.returncode, proc.stderr.decode("utf-8", "replace")


def check_real(check, binary, work, stem):
    exp = read_expected(os.path.join(REAL, stem + ".expected"))
    out = os.path.join(work, stem + ".html")
    code, err = report(binary, os.path.join(REAL, stem + ".pcap"), out)
    check.equal("%s: exit status (%s)" % (stem, err.strip()), code, 0)
    if code != 0:
        return None
    page = read_page(check, stem, out)
    check_tables_shape(check, stem, page, ("summary", "messages", "latency-table", "connections", "accesses"))
    lat = check_numbers(check, stem, page, exp)
    check.equal("%s: one timeline bar per round trip" % stem, len(page.bars), exp["round_trips"])
    by_type = {}
    for b in page.bars:
        m = TOOLTIP.match(b["title"] or "")
        if m:
            by_type[m.group(1)] = by_type.get(m.group(1), 0) + 1
    if lat is not None:
        check.equal("%s: timeline bars by request type" % stem, by_type, lat)
    check_lanes(check, stem, page)
    check_labels(check, stem, page)
    return page


def check_hostile(check, page):
    """Each name the recording created shows by the documented escape, in
    the access list and in the timeline's tooltips; no markup from a name."""
    path = os.path.join(REAL, "clients", "hostile_names.py")
    spec = importlib.util.spec_from_file_location("hostile_names", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    names = [n for n, _ in module.NAMES] + [module.DIRECTORY + b"/" + module.INNER]
    shown = [cells(r)[-1] for r in page.tables["access-list"]["rows"]]
    titles = [b["title"] for b in page.bars]
    for name in names:
        want = "/" + text_escape(name)
        check.true("hostile: %s in the access list" % want, any(p.endswith(want) for p in shown), shown[:3])
        check.true("hostile: %s in a tooltip" % want, any(want + ":" in t for t in titles))
    check.true("hostile: no element from a file name", not (page.tags & {"b", "i"}), sorted(page.tags))


def check_compare(check, binary, work):
    a, b = "ling_9p2000e_classic", "ling_9p2000e_macro"
    out = os.path.join(work, "compare.html")
    proc = subprocess.run([binary, "compare", "-q", "--html", out, os.path.join(REAL, a + ".pcap"),
                           os.path.join(REAL, b + ".pcap")], capture_output=True, timeout=300)
    check.equal("compare: exit status", proc.returncode, 0)
    if proc.returncode != 0:
        return
    page = read_page(check, "compare", out)
    for stem, side in ((a, "before"), (b, "after")):
        exp = read_expected(os.path.join(REAL, stem + ".expected"))
        check_numbers(check, "compare %s" % side, page, exp, "-" + side)
        drawn = [x for x in page.bars if x["conn"][0] == side]
        check.equal("compare: %s timeline bars" % side, len(drawn), exp["round_trips"])
    check_lanes(check, "compare", page)
    check_labels(check, "compare", page)


def check_bounded(check, binary, gen, work):
    """Many connections with requests outstanding at once: the timeline
    keeps to its bounds and accounts for every round trip."""
    capture = os.path.join(work, "bench.pcap")
    subprocess.run([gen, "--messages", "40000", "--connections", "60", "--seed", "7", capture], check=True,
                   capture_output=True, timeout=300)
    out = os.path.join(work, "bench.html")
    code, err = report(binary, capture, out)
    check.equal("bench: exit status (%s)" % err.strip(), code, 0)
    if code != 0:
        return
    check.true("bench: page under 2 MB", os.path.getsize(out) < 2 << 20, os.path.getsize(out))
    page = read_page(check, "bench", out)
    by_conn = check_lanes(check, "bench", page)
    check.true("bench: at most %d exchanges drawn" % MAX_EXCHANGES, 0 < len(page.bars) <= MAX_EXCHANGES,
               len(page.bars))
    check.true("bench: at most %d connections drawn" % MAX_CONNECTIONS, 0 < len(by_conn) <= MAX_CONNECTIONS,
               len(by_conn))
    check.true("bench: at most %d lanes a connection" % MAX_LANES, max(b["lanes"] for b in page.bars) <= MAX_LANES)
    check.true("bench: some connection had exchanges in flight at once",
               max(b["lanes"] for b in page.bars) > 1)
    with open(out, encoding="utf-8") as f:
        m = re.search(r'<p class="note" id="timeline-left-out">(.*?)</p>', f.read(), re.S)
    check.true("bench: says what it left out", m is not None)
    if m is None:
        return
    left = sum(int(n) for n in re.findall(r"(\d+) exchanges", m.group(1)))
    rt = int(value_rows(page.tables["summary"])["round trips"])
    check.equal("bench: drawn + left out = round trips", len(page.bars) + left, rt)
    check_labels(check, "bench", page)

    # compare: each side has its own bounds, so after is drawn too
    out = os.path.join(work, "bench-compare.html")
    proc = subprocess.run([binary, "compare", "-q", "--html", out, capture, capture], capture_output=True,
                          timeout=300)
    check.equal("bench compare: exit status", proc.returncode, 0)
    if proc.returncode != 0:
        return
    page = read_page(check, "bench compare", out)
    by_conn = check_lanes(check, "bench compare", page)
    for side in ("before", "after"):
        conns = [c for c in by_conn if c[0] == side]
        check.true("bench compare: %s drawn, at most %d connections" % (side, MAX_CONNECTIONS),
                   0 < len(conns) <= MAX_CONNECTIONS, len(conns))


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: %s PATH-TO-ninep PATH-TO-gen_bench_capture" % sys.argv[0])
    binary, gen = sys.argv[1], sys.argv[2]
    check = Checker()
    work = tempfile.mkdtemp(prefix="ninep-html-report-")
    try:
        stems = sorted(f[:-len(".expected")] for f in os.listdir(REAL) if f.endswith(".expected"))
        check.true("real captures found", len(stems) >= 5, stems)
        for stem in stems:
            page = check_real(check, binary, work, stem)
            if page is not None and stem == "diod_9p2000L_hostile_names":
                check_hostile(check, page)
        check_compare(check, binary, work)
        check_bounded(check, binary, gen, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    check.finish()


if __name__ == "__main__":
    sys.exit(main())
