"""plugin.hostile_names: the names diod sent in
captures/real/diod_9p2000L_hostile_names.pcap (ESC sequences, newline,
0xff, quotes, commas, markup, U+009B) reach no terminal raw: tshark's Info
column and its -V detail view with the plugin are valid UTF-8 with no
control byte but newlines (and no C1 or bidirectional control), and the
generated path shows each name as Wireshark itself shows the wname it came
from (its format_text in the Info column; U+FFFD for bytes that are not
UTF-8 in the field value).  Which names were read comes from the
recording script's list (captures/real/clients/hostile_names.py)."""
import importlib.util
import json
import os
import re
import subprocess

from plugin_common import Checker, SOURCE_DIR, plugin_path
import ninep_testlib

REAL = os.path.join(SOURCE_DIR, "captures", "real")
CAPTURE = os.path.join(REAL, "diod_9p2000L_hostile_names.pcap")
# Characters that change how a terminal shows text: C1 controls,
# U+2028..U+202E, U+2066..U+2069.
DISPLAY_CONTROLS = set(range(0x80, 0xA0)) | set(range(0x2028, 0x202F)) | set(range(0x2066, 0x206A))


def recorded_names():
    spec = importlib.util.spec_from_file_location("hostile_names", os.path.join(REAL, "clients", "hostile_names.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return [name for name, _ in module.NAMES] + [module.DIRECTORY, module.INNER]


def tshark_bytes(plugin, *options):
    proc = subprocess.run([ninep_testlib.TSHARK_WRAPPER, plugin, CAPTURE] + list(options), capture_output=True,
                          timeout=300)
    return proc.returncode, proc.stdout, proc.stderr.decode("utf-8", "replace")


def check_clean(check, what, data):
    try:
        text = data.decode("utf-8", errors="strict")
        check.true("%s: valid UTF-8" % what, True)
    except UnicodeDecodeError as e:
        check.true("%s: valid UTF-8" % what, False, str(e))
        text = data.decode("utf-8", errors="replace")
    bad = sorted({"%02x" % b for b in data if (b < 0x20 and b != 0x0A) or b == 0x7F})
    check.equal("%s: control bytes" % what, bad, [])
    shown = sorted({"U+%04X" % ord(c) for c in text if ord(c) in DISPLAY_CONTROLS})
    check.equal("%s: C1 and bidirectional controls" % what, shown, [])
    return text


def main():
    plugin = plugin_path()
    check = Checker()
    names = recorded_names()
    check.equal("the recording's names", len(names), 13)

    code, out, err = tshark_bytes(plugin, "-Y", "ninep")
    check.equal("Info column: tshark exit (%s)" % err.strip(), code, 0)
    info = check_clean(check, "Info column", out)
    # The path is the last item of a line: it must show the walked name as
    # Wireshark's own format_text shows the wname beside it.
    walks = [line for line in info.splitlines() if " Twalk " in line and " wname='" in line]
    check.true("Info column: walks with a name", len(walks) >= 13, repr(len(walks)))
    for line in walks:
        wnames = re.findall(r" wname='(.*?)'(?= wname=| path=)", line)
        path = line.rsplit(" path=", 1)[-1]
        walked = "/".join(wnames)
        check.true("Info column: the path ends with the wnames %r as Wireshark shows them" % walked,
                   path.endswith("/" + walked) or walked in (".", ".."), line)

    code, out, err = tshark_bytes(plugin, "-2", "-V", "-O", "ninep", "-Y", "ninep")
    check.equal("-V: tshark exit (%s)" % err.strip(), code, 0)
    detail = check_clean(check, "-V", out)
    check.true("-V: generated paths shown", detail.count("[Path: ") > 300, repr(detail.count("[Path: ")))

    # The field values (tshark -T json escapes what it prints): each name
    # walked, and the path its walk ends at, in UTF-8 with U+FFFD for what
    # is not, as Wireshark gives the wname itself.
    code, out, err = tshark_bytes(plugin, "-Y", "ninep.wname", "-T", "json", "-e", "frame.number", "-e",
                                  "ninep.wname", "-e", "ninep.path")
    check.equal("-T json: tshark exit (%s)" % err.strip(), code, 0)
    # Only UTF-8 here: tshark's JSON writer passes DEL and C1 characters of
    # any string field (the wname's too) as they are, which is its business.
    try:
        out.decode("utf-8", errors="strict")
        check.true("-T json: valid UTF-8 (the path field's value)", True)
    except UnicodeDecodeError as e:
        check.true("-T json: valid UTF-8 (the path field's value)", False, str(e))
    pairs = set()
    for packet in json.loads(out.decode("utf-8", "replace")):
        layers = packet["_source"]["layers"]
        for wname in layers.get("ninep.wname", []):
            for path in layers.get("ninep.path", []):
                pairs.add((wname, path))
    for name in names:
        shown = name.decode("utf-8", errors="replace")
        check.true("-T json: %r walked, its path ends with it (as UTF-8)" % name,
                   any(w == shown and p.endswith("/" + shown) for w, p in pairs), "")
    check.finish()


main()
