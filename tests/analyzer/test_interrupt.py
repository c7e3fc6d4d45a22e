"""analyzer.interrupt: Ctrl-C (SIGINT) while `ninep report` reads a capture
file stops it early, and the report says it is partial: `partial` and
`interrupted` true in JSON, a PARTIAL line in text, a word on standard
error; the exit status is 0 (the user asked for it).  The capture is a
large generated one (gen_bench_capture), so the signal comes long before
the end: its message count, from the generator, is more than the report's."""
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

from ninep_testlib import Checker

MESSAGES = 300_000


def catches_sigint(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("SigCgt:"):
                    return int(line.split()[1], 16) & (1 << (signal.SIGINT - 1)) != 0
    except OSError:
        pass
    return False


def interrupted_run(binary, *args):
    proc = subprocess.Popen([binary, "report", "-q", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    # Ctrl-C once ninep catches SIGINT (its SigCgt in /proc): a fixed 0.3 s
    # sleep sometimes signalled a sanitized build, on a loaded machine,
    # before it had set its handler, and SIGINT's default killed it.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not catches_sigint(proc.pid):
        time.sleep(0.01)
    time.sleep(0.1)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    return proc.returncode, out.decode(), err.decode()


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: %s PATH-TO-ninep PATH-TO-gen_bench_capture" % sys.argv[0])
    binary, generator = sys.argv[1], sys.argv[2]
    check = Checker()
    with tempfile.TemporaryDirectory() as tmp:
        pcap = os.path.join(tmp, "big.pcap")
        made = subprocess.run([generator, "--messages", str(MESSAGES), pcap], capture_output=True, text=True,
                              check=True)
        generated = int(re.search(r"(\d+) messages", made.stderr + made.stdout).group(1))

        code, out, err = interrupted_run(binary, "--json", pcap)
        check.equal("JSON: exit status", code, 0)
        doc = json.loads(out) if out.strip() else {}
        check.equal("JSON: partial", doc.get("partial"), True)
        check.equal("JSON: interrupted", doc.get("interrupted"), True)
        t = doc.get("totals", {})
        check.true("JSON: stopped before the end", t.get("requests", 0) + t.get("replies", 0) < generated,
                   "%r of %d messages" % (t.get("requests"), generated))
        check.true("JSON: standard error says so", "interrupted" in err, err)

        code, out, err = interrupted_run(binary, pcap)
        check.equal("text: exit status", code, 0)
        check.true("text: a PARTIAL line saying it was interrupted",
                   re.search(r"PARTIAL +interrupted before the end", out) is not None, out[:400])

        # Not interrupted, for contrast: whole, every generated message, not partial.
        whole = subprocess.run([binary, "report", "--json", "-q", pcap], capture_output=True, text=True)
        check.equal("read to its end: exit status", whole.returncode, 0)
        doc = json.loads(whole.stdout) if whole.stdout.strip() else {}
        t = doc.get("totals", {})
        check.equal("read to its end: not partial, not interrupted", (doc.get("partial"), doc.get("interrupted")),
                    (False, False))
        check.equal("read to its end: every generated message", t.get("requests", 0) + t.get("replies", 0),
                    generated)
    check.finish()


if __name__ == "__main__":
    sys.exit(main())
