"""analyzer.live_drops: packets the kernel dropped, made to happen for real
on lo and shown the same everywhere (issue 18).

ninep captures on lo with the smallest capture buffer (-B 1, KiB) and a
filter for one UDP port; it is stopped (SIGSTOP), this test sends SENT
UDP datagrams to that port, and it is let go on (SIGCONT): the kernel's
buffer filled and the rest was dropped, which only pcap_stats inside ninep
can count.  So the checks are of consistency, with what the test sent
(on lo the kernel counts a drop for each copy of a datagram, the one going
out and the one coming in, so the drops reach up to twice SENT):
  - report --json --every 1: dropped_by_kernel > 0 in the last line; the
    interval lines' drops and packets add up to the last line's; the
    closing "N packets dropped by kernel, M by interface" on standard error
    says the same N and M; packets seen (all of them UDP, not TCP) are at
    most SENT, and seen + dropped at least SENT;
  - the text report: its Capture section's "dropped" line says what its
    standard error says, and seen + dropped >= SENT;
  - top, on a terminal (tmux, as analyzer.top): the screen's "dropped" line
    shows a kernel total > 0, at least the interval's, and the screen's
    packet total plus it is at least SENT; q exits with status 0.

Skipped (exit status 77, saying why) when not root (capturing on lo); the
top part is skipped, saying so, without tmux."""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

from common import free_port, ninep_binary
from ninep_testlib import Checker

SKIP = 77
SENT = 20000            # datagrams sent while ninep is stopped
PAYLOAD = b"d" * 100
BUFFER_KIB = "1"        # -B: libpcap rounds it up to its smallest ring
STDERR_DROPS = re.compile(r"^ninep: (\d+) packets dropped by kernel, (\d+) by interface$", re.M)
TEXT_DROPS = re.compile(r"^  dropped\s+(\d+) by the kernel, (\d+) by the interface$", re.M)
TEXT_PACKETS = re.compile(r"^  packets\s+(\d+) \(", re.M)
TOP_DROPS = re.compile(r"^dropped\s+kernel (\d+) \(total (\d+)\), interface (\d+) \(total (\d+)\)", re.M)
TOP_PACKETS = re.compile(r"^packets\s+(\d+) \(total (\d+)\)", re.M)


def wait_stopped(pid, timeout=10):
    """Until the process is stopped (state T in /proc/PID/stat)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with open("/proc/%d/stat" % pid) as f:
            if f.read().rsplit(")", 1)[1].split()[0] in ("T", "t"):
                return True
        time.sleep(0.01)
    return False


def flood(port):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        for _ in range(SENT):
            s.sendto(PAYLOAD, ("127.0.0.1", port))


def stall_and_flood(check, what, pid, port):
    """Stop ninep, send SENT datagrams, let it go on."""
    os.kill(pid, signal.SIGSTOP)
    check.true("%s: ninep stopped" % what, wait_stopped(pid))
    flood(port)
    os.kill(pid, signal.SIGCONT)


def live_run(check, what, args, port):
    """ninep ARGS -i lo -B 1 'udp port PORT', stalled and flooded, then
    Ctrl-C two intervals later: (exit status, stdout, stderr)."""
    proc = subprocess.Popen(args + ["-q", "-i", "lo", "-B", BUFFER_KIB, "udp port %d" % port],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    first = proc.stderr.readline()  # "ninep: listening on lo, ..." once the capture is open
    check.true("%s: listening on lo" % what, first.startswith("ninep: listening on lo"), first)
    time.sleep(0.3)
    stall_and_flood(check, what, proc.pid, port)
    time.sleep(2.5)  # the drops are read at the next interval's end, and at the end
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    return proc.returncode, out, first + err


def stderr_drops(check, what, err):
    m = STDERR_DROPS.search(err)
    check.true("%s: the closing drop line on standard error" % what, m is not None, err)
    return (int(m.group(1)), int(m.group(2))) if m else (None, None)


def json_part(check, binary):
    what = "report --json --every 1"
    port = free_port()
    code, out, err = live_run(check, what, [binary, "report", "--json", "--every", "1"], port)
    check.equal("%s: exit status (Ctrl-C on a live capture is a normal end)" % what, code, 0)
    try:
        lines = [json.loads(line) for line in out.splitlines()]
    except ValueError as e:
        check.true("%s: NDJSON" % what, False, str(e))
        return
    check.true("%s: interval lines and the whole run" % what, len(lines) >= 2, out[:300])
    if not lines:
        return
    whole, intervals = lines[-1], lines[:-1]
    check.true("%s: the last line is the whole run" % what, "interval" not in whole)
    capture = whole.get("capture", {})
    kernel, interface = capture.get("dropped_by_kernel"), capture.get("dropped_by_interface")
    seen = capture.get("packets", 0)
    check.true("%s: the kernel dropped packets (%s)" % (what, kernel), isinstance(kernel, int) and kernel > 0)
    check.equal("%s: the intervals' kernel drops add up to the whole's" % what,
                sum(l["capture"]["dropped_by_kernel"] or 0 for l in intervals), kernel)
    check.equal("%s: the intervals' interface drops add up to the whole's" % what,
                sum(l["capture"]["dropped_by_interface"] or 0 for l in intervals), interface)
    check.equal("%s: the intervals' packets add up to the whole's" % what,
                sum(l["capture"]["packets"] for l in intervals), seen)
    check.equal("%s: standard error's drops are the JSON's" % what, stderr_drops(check, what, err), (kernel, interface))
    check.true("%s: packets seen (%d) at most those sent (%d)" % (what, seen, SENT), 0 < seen <= SENT)
    check.equal("%s: every packet seen is IP, not TCP (UDP)" % what, capture.get("non_tcp"), seen)
    check.true("%s: seen %d + dropped %s >= sent %d" % (what, seen, kernel, SENT),
               isinstance(kernel, int) and seen + kernel >= SENT)
    # On lo the kernel's filter sees each datagram twice, going out and
    # coming in (libpcap keeps one), and counts a drop of either copy.
    check.true("%s: dropped %s <= twice sent" % (what, kernel), isinstance(kernel, int) and kernel <= 2 * SENT)
    print("%s: sent %d, seen %d, dropped by the kernel %s, by the interface %s" % (what, SENT, seen, kernel, interface))


def text_part(check, binary):
    what = "report (text)"
    port = free_port()
    code, out, err = live_run(check, what, [binary, "report"], port)
    check.equal("%s: exit status" % what, code, 0)
    m = TEXT_DROPS.search(out)
    check.true("%s: the Capture section's dropped line" % what, m is not None, out)
    shown = (int(m.group(1)), int(m.group(2))) if m else (None, None)
    check.equal("%s: the report's drops are standard error's" % what, shown, stderr_drops(check, what, err))
    p = TEXT_PACKETS.search(out)
    seen = int(p.group(1)) if p else 0
    check.true("%s: the kernel dropped packets" % what, (shown[0] or 0) > 0, str(shown))
    check.true("%s: seen %d + dropped %s >= sent %d" % (what, seen, shown[0], SENT), seen + (shown[0] or 0) >= SENT)
    check.true("%s: packets seen at most those sent" % what, 0 < seen <= SENT, str(seen))


def pane_child(pane):
    """The pid of the command the pane's shell runs (ninep)."""
    from test_top import tmux
    shell = int(tmux("list-panes", "-t", pane.name, "-F", "#{pane_pid}").stdout.split()[0])
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with open("/proc/%d/task/%d/children" % (shell, shell)) as f:
            children = f.read().split()
        if children:
            return int(children[0])
        time.sleep(0.05)
    return None


def top_part(check, binary, tmp):
    if shutil.which("tmux") is None:
        print("top part skipped: tmux is not installed (apt-get install tmux)")
        return
    import test_top
    test_top.tmux("new-session", "-d", "-s", "keeper", "sleep 3600")
    what = "top"
    port = free_port()
    try:
        pane = test_top.Pane(tmp, [binary, "top", "-i", "lo", "-B", BUFFER_KIB, "udp port %d" % port], 100, 30)
        check.true("%s: the screen says it is listening" % what, pane.wait_for("listening on lo", timeout=30) is not None)
        pid = pane_child(pane)
        check.true("%s: ninep's pid" % what, pid is not None)
        if pid is None:
            return
        stall_and_flood(check, what, pid, port)
        # The drops come at the end of the interval after the stall, and
        # what the buffer held in the one after: read until two screens agree.
        screen, last, deadline = "", None, time.monotonic() + 20
        while time.monotonic() < deadline:
            screen = pane.screen()
            d, p = TOP_DROPS.search(screen), TOP_PACKETS.search(screen)
            now = (int(d.group(2)), int(p.group(2))) if d and p else None
            if now is not None and now[0] > 0 and now == last:
                break
            last = now
            time.sleep(1.2)
        d, p = TOP_DROPS.search(screen), TOP_PACKETS.search(screen)
        check.true("%s: the screen's dropped and packets lines" % what, d is not None and p is not None, screen)
        if d and p:
            interval_kernel, total_kernel, total_seen = int(d.group(1)), int(d.group(2)), int(p.group(2))
            check.true("%s: kernel drops shown, in total %d > 0" % (what, total_kernel), total_kernel > 0, screen)
            check.true("%s: the interval's drops at most the total" % what, interval_kernel <= total_kernel)
            check.true("%s: packets seen %d at most sent %d" % (what, total_seen, SENT), 0 < total_seen <= SENT)
            check.true("%s: seen %d + dropped %d >= sent %d" % (what, total_seen, total_kernel, SENT),
                       total_seen + total_kernel >= SENT)
            print("top: sent %d, seen %d, dropped by the kernel %d" % (SENT, total_seen, total_kernel))
        pane.keys("q")
        check.equal("%s: q exits with status 0" % what, pane.exit_status(), 0)
    finally:
        test_top.tmux("kill-server", check=False)


def main():
    binary = os.path.abspath(ninep_binary())
    if os.geteuid() != 0:
        print("skipped: capturing on lo needs root")
        sys.exit(SKIP)
    check = Checker()
    json_part(check, binary)
    text_part(check, binary)
    with tempfile.TemporaryDirectory() as tmp:
        top_part(check, binary, tmp)
    check.finish()


if __name__ == "__main__":
    main()
