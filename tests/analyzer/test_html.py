"""analyzer.html: `ninep report --html` and `ninep compare --html` write one
self-contained file; headless Chromium renders it 700 and 1400 pixels wide:
the three charts and the tables are in the rendered DOM, non-empty, and the
screenshot is written and not blank (a page that failed to render is one
colour).  Skips (77) only when chromium is absent.  The page's figures are
checked against the ground truth by analyzer.html_report."""
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

from ninep_testlib import CAPTURES_DIR, Checker
from common import ninep_binary, run

SKIP = 77
CHARTS = ("latency", "round-trips", "timeline")
TABLES = ("summary", "messages", "latency-table", "connections", "accesses")
WIDTHS = (700, 1400)


def chromium():
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return None


def render(browser, html, work, width):
    profile = tempfile.mkdtemp(dir=work)
    args = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--user-data-dir=" + profile,
            "--window-size=%d,2000" % width]
    dom = subprocess.run(args + ["--dump-dom", "file://" + html], capture_output=True, text=True, timeout=120)
    shot = os.path.join(work, "%s-%d.png" % (os.path.basename(html), width))
    subprocess.run(args + ["--screenshot=" + shot, "file://" + html], capture_output=True, timeout=120)
    return dom.stdout, shot


def png_pixels(path):
    """(width, height, [rows of RGB tuples]) of an 8-bit RGB or RGBA PNG
    (what Chromium writes), filters undone (RFC 2083, 6)."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat = 8, b""
    width = height = channels = None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, color = struct.unpack(">IIBB", body[:10])
            if depth != 8 or color not in (2, 6):
                raise ValueError("PNG of depth %d colour type %d" % (depth, color))
            channels = 3 if color == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, prev = [], bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b = prev[i]
            c = prev[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append([tuple(line[i:i + 3]) for i in range(0, stride, channels)])
        prev = line
    return width, height, rows


def check_screenshot(check, label, shot, width):
    ok = os.path.exists(shot) and os.path.getsize(shot) > 0
    check.true("%s: screenshot written" % label, ok)
    if not ok:
        return
    w, h, rows = png_pixels(shot)
    check.equal("%s: screenshot width" % label, w, width)
    # Ink: pixels far from the white background, in the top 1200 rows
    # (heading, latency chart, round trips chart).
    ink = sum(1 for row in rows[:1200] for r, g, b in row if r + g + b < 600)
    check.true("%s: screenshot not blank (%d dark pixels)" % (label, ink), ink > w * 20)
    colours = len({px for row in rows[:1200:7] for px in row[::7]})
    check.true("%s: screenshot has the charts' colours (%d)" % (label, colours), colours > 8)


def check_page(check, label, html, dom, shot, sides, width):
    with open(html, encoding="utf-8") as f:
        text = f.read()
    check.true("%s: no scripts" % label, "<script" not in text.lower())
    check.true("%s: nothing fetched" % label, re.search(r"(src|href)\s*=\s*[\"']?(https?:)?//", text) is None)
    for chart in CHARTS:
        m = re.search(r'<svg[^>]*id="%s".*?</svg>' % chart, dom, re.S)
        check.true("%s: chart %s rendered" % (label, chart), m is not None)
        if m is None:
            continue
        body = m.group(0)
        sized = re.findall(r'<rect[^>]*width="([0-9.]+)"[^>]*height="([0-9.]+)"', body)
        marks = [w for w, h in sized if float(w) > 0 and float(h) > 0]
        check.true("%s: chart %s has marks" % (label, chart), len(marks) > 2, str(len(marks)))
        check.true("%s: chart %s has labels" % (label, chart), body.count("<text") > 3)
    if sides == 2:
        check.true("%s: legend names before and after" % label, ">before<" in dom and ">after<" in dom)
    for table in TABLES:
        tid = table if sides == 1 else table + "-before"
        m = re.search(r'<table id="%s">.*?</table>' % tid, dom, re.S)
        check.true("%s: table %s rendered" % (label, tid), m is not None and "<thead>" in m.group(0))
    check.true("%s: no text report in a <pre>" % label, "<pre>" not in dom)
    check_screenshot(check, label, shot, width)


def main():
    binary = ninep_binary()
    browser = chromium()
    if browser is None:
        print("SKIP: chromium is not installed (apt-get install chromium)")
        return SKIP
    check = Checker()
    real = os.path.join(CAPTURES_DIR, "real")
    work = tempfile.mkdtemp(prefix="ninep-html-")
    try:
        page = os.path.join(work, "report.html")
        code, out, err = run(binary, "report", "-q", "--html", page, os.path.join(real, "diod_9p2000L_ls_cat.pcap"))
        check.equal("report: exit status (%s)" % err.strip(), code, 0)
        check.true("report: text report still printed", "File accesses" in out)
        for width in WIDTHS:
            dom, shot = render(browser, page, work, width)
            check_page(check, "report %d px" % width, page, dom, shot, 1, width)

        page = os.path.join(work, "hostile.html")
        code, out, err = run(binary, "report", "-q", "--html", page,
                             os.path.join(real, "diod_9p2000L_hostile_names.pcap"))
        check.equal("hostile: exit status (%s)" % err.strip(), code, 0)
        dom, shot = render(browser, page, work, 700)
        check_page(check, "hostile 700 px", page, dom, shot, 1, 700)
        check.true("hostile: the markup name is text", "&lt;b&gt;&amp;amp;&lt;i&gt;.html" in dom)

        page = os.path.join(work, "compare.html")
        code, out, err = run(binary, "compare", "-q", "--html", page, os.path.join(real, "ling_9p2000e_classic.pcap"),
                             os.path.join(real, "ling_9p2000e_macro.pcap"))
        check.equal("compare: exit status (%s)" % err.strip(), code, 0)
        dom, shot = render(browser, page, work, 700)
        check_page(check, "compare 700 px", page, dom, shot, 2, 700)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    check.finish()


if __name__ == "__main__":
    sys.exit(main())
