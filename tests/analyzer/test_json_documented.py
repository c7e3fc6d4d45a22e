"""analyzer.json_documented: the JSON report says what README.md says it
says.  Every key in the README's FIGURES and chattiness tables is in the
output, every key of the output is named in the README's JSON section, on
every real capture; so neither can drift from the other."""
import json
import os
import re
import tempfile

from common import ninep_binary, report_json, run
from ninep_testlib import SOURCE_DIR, Checker, all_captures


def readme_json_section():
    with open(os.path.join(SOURCE_DIR, "README.md"), encoding="utf-8") as f:
        text = f.read()
    start = text.index("## The JSON report")
    return text[start:text.index("\n## ", start + 1)]


def table_keys(section, heading):
    """The backticked names in the first column of the first table after heading."""
    part = section[section.index(heading):]
    keys = set()
    in_table = False
    for line in part.splitlines():
        if line.startswith("| key"):
            in_table = True
            continue
        if in_table and not line.startswith("|"):
            break
        if in_table and not line.startswith("|--") and not line.startswith("| --"):
            keys.update(re.findall(r"`([a-z_0-9]+)`", line.split("|")[1]))
    return keys


def main():
    binary = ninep_binary()
    check = Checker()
    section = readme_json_section()
    words = set(re.findall(r"[a-z_0-9]+", section))
    figures = table_keys(section, "FIGURES, the same")
    chattiness = table_keys(section, '`"chattiness"`')
    check.true("the README documents FIGURES", len(figures) > 10, str(figures))
    check.true("the README documents chattiness", len(chattiness) > 10, str(chattiness))
    real = [p for p, e in all_captures() if os.sep + "real" + os.sep in p]
    for pcap in real:
        name = os.path.basename(pcap)
        code, doc, err = report_json(binary, pcap)
        check.equal("%s: exit status" % name, code, 0)
        if doc is None:
            continue
        totals = set(doc["totals"])
        check.equal("%s: documented FIGURES missing from totals" % name, sorted(figures - totals), [])
        # dialect, connections and e_sessions are explained in the code block
        # above the table; every other figure needs a row of its own.
        described_above = {"dialect", "connections", "e_sessions"}
        check.equal("%s: totals without a row in FIGURES" % name,
                    sorted(totals - figures - described_above), [])
        check.equal("%s: chattiness keys not documented" % name,
                    sorted(set(doc["chattiness"]) - chattiness), [])
        optional = {"hot_paths_approximate"}  # present only past the exact table's size
        check.equal("%s: documented chattiness keys missing" % name,
                    sorted(chattiness - set(doc["chattiness"]) - optional), [])
        emitted = set(doc) | set(doc["capture"]) | totals | set(doc["totals"]["latency_all_ns"])
        for session in doc["sessions"] + doc["e_sessions"]:
            emitted |= set(session)
        # --every's interval lines, and what `ninep merge` makes of them.
        code, out, err = run(binary, "report", "--json", "--every", "0.005", "-q", pcap)
        lines = [json.loads(line) for line in out.splitlines()]
        for line in lines[:-1]:
            emitted |= set(line) | set(line["interval"])
        check.true("%s: --every gave interval lines" % name, len(lines) >= 2)
        with tempfile.NamedTemporaryFile("w", suffix=".json") as f:
            f.write(out)
            f.flush()
            code, merged, err = run(binary, "merge", f.name)
        check.equal("%s: merge exit status" % name, code, 0)
        if code == 0:
            emitted |= set(json.loads(merged))
        check.equal("%s: keys the README's JSON section never names" % name, sorted(emitted - words), [])
    check.finish()


if __name__ == "__main__":
    main()
