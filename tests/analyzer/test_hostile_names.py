"""analyzer.hostile_names: names a diod server sent (files named with ESC,
newline, 0xff, quotes, commas, markup; captures/real/
diod_9p2000L_hostile_names.pcap) come out safe in every format: the text
report, compare, CSV, JSON and HTML are valid UTF-8 (decoded strictly),
hold no control byte but the line ends the format has (and no C1 or
bidirectional control character), parse, and keep their row counts.

What the names are comes from the recording script's list
(captures/real/clients/hostile_names.py), and how they must be written from
the documented escapes (tests/lib/ninep_escaping.py), never from the
tool's own output."""
import csv
import html
import html.parser
import importlib.util
import io
import json
import os
import re
import sys
import tempfile

from ninep_testlib import CAPTURES_DIR, Checker, read_expected
from ninep_escaping import DISPLAY_CONTROLS, json_rule, text_escape, text_unescape
from common import ninep_binary, run

REAL = os.path.join(CAPTURES_DIR, "real")
STEM = "diod_9p2000L_hostile_names"
CAPTURE = os.path.join(REAL, STEM + ".pcap")


def recorded_names():
    """The recording script's list: (names of the files read, in order)."""
    path = os.path.join(REAL, "clients", "hostile_names.py")
    spec = importlib.util.spec_from_file_location("hostile_names", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    names = [name for name, _ in module.NAMES]
    return names, module.DIRECTORY, module.INNER


def raw_run(binary, *args):
    import subprocess
    proc = subprocess.run([binary] + list(args), capture_output=True, timeout=300)
    return proc.returncode, proc.stdout, proc.stderr


def check_clean(check, what, data, allowed=b"\n"):
    """data (bytes) is strict UTF-8 with no control byte but `allowed`,
    and no C1 or bidirectional control character."""
    try:
        text = data.decode("utf-8", errors="strict")
        check.true("%s: valid UTF-8" % what, True)
    except UnicodeDecodeError as e:
        check.true("%s: valid UTF-8" % what, False, str(e))
        text = data.decode("utf-8", errors="replace")  # the other checks go on
    bad = sorted({"%02x" % b for b in data if (b < 0x20 and bytes([b]) not in allowed) or b == 0x7f})
    check.equal("%s: control bytes" % what, bad, [])
    shown = sorted({"U+%04X" % ord(c) for c in text if ord(c) in DISPLAY_CONTROLS})
    check.equal("%s: C1 and bidirectional controls" % what, shown, [])
    return text


def table_rows(text, heading):
    """The rows of a text-report table: the lines after the line starting
    with heading and its column header, up to a blank line."""
    lines = text.split("\n")
    start = [i for i, line in enumerate(lines) if line.startswith(heading)][0] + 2
    rows = []
    for line in lines[start:]:
        if line == "":
            break
        rows.append(line)
    return rows


CUT = "..."


def shown_path(cell, paths):
    """The path a text-report cell shows: the path itself, or, for a path
    too long for the row's 100 columns, "..." and a tail of it from a '/'
    (the text report's rule).  None when the cell is not the text rule's
    writing of a path of `paths` (or of such a tail)."""
    if cell.startswith(CUT) and cell[len(CUT):].startswith("/"):
        tail = cell[len(CUT):]
        if text_escape(text_unescape(tail)) != tail:
            return None
        matches = [p for p in paths if p.endswith(text_unescape(tail))]
        return matches[0] if len(matches) == 1 else None
    if text_escape(text_unescape(cell)) != cell or text_unescape(cell) not in paths:
        return None
    return text_unescape(cell)


def check_text(binary, check, read_paths, totals):
    code, out, err = raw_run(binary, "report", "-q", CAPTURE)
    check.equal("report: exit status (%r)" % err, code, 0)
    text = check_clean(check, "report", out)
    # Every file access is a row or in "... N more": a newline in a name
    # would make two rows of one.
    rows = table_rows(text, "Accesses (times in ")
    more = [int(m.group(1)) for m in re.finditer(r"^  \.\.\. (\d+) more", "\n".join(rows), re.M)]
    listed = [r for r in rows if not r.startswith("  ...")]
    check.equal("report: access rows + more = accesses", len(listed) + sum(more), totals["accesses"])
    shown = set()
    for row in listed:
        path = shown_path(row.split(None, 7)[7], totals["paths"])
        check.true("report: the access row's path is the text rule's (%r)" % row.split(None, 7)[7],
                   path is not None, row)
        shown.add(path)
    hot = table_rows(text, "Hottest paths (by round trips)")
    for row in hot:
        path = shown_path(row.split(None, 3)[3], totals["paths"])
        check.true("report: the hot path is the text rule's (%r)" % row.split(None, 3)[3], path is not None, row)
        shown.add(path)
    # The files read are all shown somewhere: the hot paths list holds
    # every path of 8 round trips or more; each read access has 5.
    for p in read_paths:
        check.true("report: %r shown as %r" % (p, text_escape(p)), p in shown)
    return text


def check_csv(binary, check, read_paths, expected, totals):
    for command, rows_wanted in (("exchanges", int(expected["round_trips"])), ("accesses", totals["accesses"])):
        code, out, err = raw_run(binary, command, "-q", CAPTURE)
        check.equal("%s: exit status (%r)" % (command, err), code, 0)
        check.true("%s: rows end in CRLF" % command, out.endswith(b"\r\n"), repr(out[-4:]))
        text = check_clean(check, command, out.replace(b"\r\n", b""), allowed=b"")
        text = out.decode("utf-8", errors="replace")
        lines = text.split("\r\n")[:-1]
        rows = list(csv.DictReader(io.StringIO(text, newline="")))
        check.equal("%s: a row per line" % command, len(rows), len(lines) - 1)
        check.equal("%s: rows" % command, len(rows), rows_wanted)
        paths = {text_unescape(r["path"]) for r in rows}
        for p in read_paths:
            check.true("%s: %r is a path" % (command, p), p in paths)
        if command == "accesses":
            reads = sorted(text_unescape(r["path"]) for r in rows if r["kind"] == "read")
            check.equal("accesses: the files read are diodcat's", reads, sorted(read_paths))
        if command == "exchanges":
            for r in rows:
                check.true("exchanges: a row has its 12 fields", None not in r and len(r) == 12, repr(r))
                break


def check_json(binary, check, read_paths, expected):
    code, out, err = raw_run(binary, "report", "--json", "-q", CAPTURE)
    check.equal("json: exit status (%r)" % err, code, 0)
    text = check_clean(check, "json", out)
    doc = json.loads(text)
    check.equal("json: round trips", doc["totals"]["round_trips"], int(expected["round_trips"]))
    c = doc["chattiness"]
    reads = sorted(a["path"] for a in c["list"] if a["kind"] == "read")
    check.equal("json: the files read, by JSON's rule", reads, sorted(json_rule(p) for p in read_paths))
    return {"accesses": c["accesses"], "paths": set()}


class Page(html.parser.HTMLParser):
    """Tags, the text of each <pre>, and the cells of each table row."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = set()
        self.pre = []
        self.in_pre = False
        self.rows = []
        self.errors = []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        if tag == "pre":
            self.in_pre = True
            self.pre.append("")
        if tag == "tr":
            self.rows.append(0)
        if tag in ("td", "th") and self.rows:
            self.rows[-1] += 1

    def handle_endtag(self, tag):
        if tag == "pre":
            self.in_pre = False

    def handle_data(self, data):
        if self.in_pre:
            self.pre[-1] += data


def check_html(binary, check, report_text, tmp):
    out_path = os.path.join(tmp, "report.html")
    code, _, err = raw_run(binary, "report", "-q", "--html", out_path, CAPTURE)
    check.equal("html: exit status (%r)" % err, code, 0)
    with open(out_path, "rb") as f:
        data = f.read()
    text = check_clean(check, "html", data)
    page = Page()
    page.feed(text)
    page.close()
    # The name <b>&amp;<i>.html is text, not markup.
    check.true("html: no element from a file name", not (page.tags & {"b", "i"}), repr(sorted(page.tags)))
    check.true("html: the markup name is shown as text", "<b>&amp;<i>.html" in html.unescape(text.replace("<pre>", "")),
               "")
    if page.pre:
        # The tables of the text report, as they were printed.
        check.equal("html: the <pre> is the text report, line for line", page.pre[-1].split("\n"),
                    report_text.split("\n"))
    for i, cells in enumerate(page.rows):
        check.true("html: table row %d has cells" % i, cells > 0)


def check_compare(binary, check):
    code, out, err = raw_run(binary, "compare", CAPTURE, CAPTURE)
    check.equal("compare: exit status (%r)" % err, code, 0)
    check_clean(check, "compare", out)


def main():
    binary = ninep_binary()
    check = Checker()
    names, directory, inner = recorded_names()
    expected = read_expected(os.path.join(REAL, STEM + ".expected"))
    check.equal("the recording read 12 files", len(names) + 1, 12)
    suffixes = [b"/" + n for n in names] + [b"/" + directory + b"/" + inner]

    # The full paths: the attach name (whatever the export was) and the
    # names the script created.  The CSV says which export, and the test
    # then checks every recorded name under it.
    code, out, _ = raw_run(binary, "accesses", "-q", CAPTURE)
    rows = list(csv.DictReader(io.StringIO(out.decode("utf-8", "replace"), newline="")))
    all_paths = {text_unescape(r["path"]) for r in rows}
    exports = {p[: -len(s)] for p in all_paths for s in suffixes if p.endswith(s)}
    check.equal("one export holds every name", len(exports), 1)
    export = exports.pop() if exports else b"/"
    read_paths = [export + s for s in suffixes]
    listed_paths = {export, export + b"/" + directory} | set(read_paths)

    totals = check_json(binary, check, read_paths, expected)
    totals["paths"] = listed_paths
    report_text = check_text(binary, check, read_paths, totals)
    check_csv(binary, check, read_paths, expected, totals)
    tmp = tempfile.mkdtemp(prefix="ninep-hostile-")
    try:
        check_html(binary, check, report_text, tmp)
    finally:
        import shutil
        shutil.rmtree(tmp, ignore_errors=True)
    check_compare(binary, check)
    check.finish()


if __name__ == "__main__":
    sys.exit(main())
