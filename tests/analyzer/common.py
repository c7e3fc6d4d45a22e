"""Shared bits of the analyzer's test drivers."""
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time

import ninep_testlib  # noqa: F401  (PYTHONPATH from CTest)
from ninep_testlib import SOURCE_DIR

HERE = os.path.dirname(os.path.abspath(__file__))
DIOD = shutil.which("diod") or "/usr/sbin/diod"
DIODCAT = shutil.which("diodcat") or "/usr/sbin/diodcat"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_diod(export):
    """diod on a free loopback port, serving export; (process, port), or
    (None, port) when it did not listen within 5 s."""
    port = free_port()
    proc = subprocess.Popen([DIOD, "-f", "-n", "-l", "127.0.0.1:%d" % port, "-e", export, "-c", "/dev/null"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(50):  # until it listens
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc, port
        except OSError:
            time.sleep(0.1)
    proc.kill()
    return None, port


def ninep_binary():
    if len(sys.argv) < 2:
        sys.exit("usage: %s PATH-TO-ninep" % sys.argv[0])
    return sys.argv[1]


def run(binary, *args, stdin=None, timeout=300):
    """Run ninep; returns (returncode, stdout, stderr) as text."""
    proc = subprocess.run([binary] + list(args), input=stdin, capture_output=True, timeout=timeout)
    return proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace")


def report_json(binary, capture, *options):
    code, out, err = run(binary, "report", "--json", "-q", *options, capture)
    return code, json.loads(out) if out else None, err


def message_names():
    """Message number -> name, from the shared protocol description."""
    import re
    path = os.path.join(ninep_testlib.SOURCE_DIR, "include", "ninep", "messages.def")
    names = {}
    with open(path, encoding="utf-8") as f:
        for m in re.finditer(r"^NINEP_MESSAGE\((\d+),\s*(\w+)\)", f.read(), re.M):
            names[int(m.group(1))] = m.group(2)
    return names


def spec_order():
    """Message names in the order of doc/9p-wire.md's tables: the order the
    text and HTML reports list messages in (analyzer.text_report and
    analyzer.html_report check it)."""
    names = []
    with open(os.path.join(SOURCE_DIR, "doc", "9p-wire.md"), encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^\| (\d+)(?: / (\d+))? \| ([TR]\w+)(?: / ([TR]\w+))? \|", line)
            if m:
                names.append(m.group(3))
                if m.group(4):
                    names.append(m.group(4))
    return names
