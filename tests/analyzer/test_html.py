"""analyzer.html: `ninep report --html` and `ninep compare --html` write one
self-contained file; headless Chromium renders it and the three charts are
in the rendered DOM, non-empty.  Skips (77) only when chromium is absent."""
import os
import re
import shutil
import subprocess
import sys
import tempfile

from ninep_testlib import CAPTURES_DIR, Checker
from common import ninep_binary, run

SKIP = 77
CHARTS = ("latency", "round-trips", "timeline")


def chromium():
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return None


def render(browser, html, work):
    profile = tempfile.mkdtemp(dir=work)
    args = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--user-data-dir=" + profile,
            "--window-size=1400,2000"]
    dom = subprocess.run(args + ["--dump-dom", "file://" + html], capture_output=True, text=True, timeout=120)
    shot = os.path.join(work, os.path.basename(html) + ".png")
    subprocess.run(args + ["--screenshot=" + shot, "file://" + html], capture_output=True, timeout=120)
    return dom.stdout, shot


def check_page(check, label, html, dom, shot, sides):
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
    check.true("%s: tables of the text report" % label, "<pre>" in dom)
    check.true("%s: screenshot written" % label, os.path.exists(shot) and os.path.getsize(shot) > 10000)


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
        dom, shot = render(browser, page, work)
        check_page(check, "report", page, dom, shot, 1)

        page = os.path.join(work, "compare.html")
        code, out, err = run(binary, "compare", "-q", "--html", page, os.path.join(real, "ling_9p2000e_classic.pcap"),
                             os.path.join(real, "ling_9p2000e_macro.pcap"))
        check.equal("compare: exit status (%s)" % err.strip(), code, 0)
        dom, shot = render(browser, page, work)
        check_page(check, "compare", page, dom, shot, 2)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    check.finish()


if __name__ == "__main__":
    sys.exit(main())
