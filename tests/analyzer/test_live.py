"""analyzer.live: `ninep report -i lo` captures a real 9P exchange on the
loopback interface and reports it when interrupted (Ctrl-C, SIGINT), and
`-c COUNT` stops it after COUNT packets.

A small 9P2000 server and client in this file talk over TCP on 127.0.0.1;
their bytes are built by hand (the layouts of doc/9p-wire.md).
Capturing needs root (CI runs as root); otherwise the test is skipped."""
import json
import os
import signal
import socket
import struct
import subprocess
import sys
import threading
import time

from common import ninep_binary
from ninep_testlib import Checker

SKIP = 77
NOTAG = 0xFFFF
NOFID = 0xFFFFFFFF


def message(kind, tag, body=b""):
    return struct.pack("<IBH", 7 + len(body), kind, tag) + body


def string(text):
    data = text.encode()
    return struct.pack("<H", len(data)) + data


QID = struct.pack("<BIQ", 0x80, 0, 1)

# The client's requests and the server's reply to each, by request type.
REQUESTS = [
    message(100, NOTAG, struct.pack("<I", 8192) + string("9P2000")),             # Tversion
    message(104, 1, struct.pack("<II", 1, NOFID) + string("glenda") + string("")),  # Tattach
    message(110, 2, struct.pack("<IIH", 1, 2, 1) + string("lib")),               # Twalk
    message(120, 3, struct.pack("<I", 2)),                                       # Tclunk
]
REPLIES = {
    100: lambda tag: message(101, tag, struct.pack("<I", 8192) + string("9P2000")),
    104: lambda tag: message(105, tag, QID),
    110: lambda tag: message(111, tag, struct.pack("<H", 1) + QID),
    120: lambda tag: message(121, tag),
}


def read_exactly(conn, n):
    data = b""
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def serve(listener):
    conn, _ = listener.accept()
    with conn:
        while True:
            header = read_exactly(conn, 7)
            if header is None:
                return
            size, kind, tag = struct.unpack("<IBH", header)
            read_exactly(conn, size - 7)
            conn.sendall(REPLIES[kind](tag))


def talk(port):
    with socket.create_connection(("127.0.0.1", port)) as conn:
        for request in REQUESTS:
            conn.sendall(request)
            size = struct.unpack("<I", read_exactly(conn, 4))[0]
            read_exactly(conn, size - 4)


def start_server():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    threading.Thread(target=serve, args=(listener,), daemon=True).start()
    return listener, listener.getsockname()[1]


def start_capture(binary, port, *options):
    proc = subprocess.Popen([binary, "report", "--json", "-q", "-i", "lo", *options, "tcp port %d" % port],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(1.0)  # libpcap needs a moment before it sees packets
    return proc


def main():
    binary = ninep_binary()
    if os.geteuid() != 0:
        print("skipped: capturing on lo needs root")
        sys.exit(SKIP)
    check = Checker()

    # Ctrl-C: the report of everything captured so far.
    listener, port = start_server()
    proc = start_capture(binary, port)
    if proc.poll() is not None:
        out, err = proc.communicate()
        print("skipped: cannot capture on lo:", err.strip())
        sys.exit(SKIP)
    talk(port)
    time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    listener.close()
    check.equal("exit status after Ctrl-C", proc.returncode, 0)
    report = json.loads(out) if out.strip() else {}
    totals = report.get("totals", {})
    check.equal("requests", totals.get("requests"), 4)
    check.equal("round trips", totals.get("round_trips"), 4)
    check.equal("messages", totals.get("messages"),
                {"Tversion": 1, "Rversion": 1, "Tattach": 1, "Rattach": 1,
                 "Twalk": 1, "Rwalk": 1, "Tclunk": 1, "Rclunk": 1})
    sessions = report.get("sessions", [])
    check.equal("one connection", len(sessions), 1)
    if sessions:
        check.equal("server", sessions[0].get("server"), "127.0.0.1:%d" % port)
        check.equal("dialect", sessions[0].get("dialect"), "9P2000")
        check.true("handshake seen", sessions[0].get("handshake_rtt_ns") is not None)

    # -c 3: the three packets of the TCP handshake, then the report.
    listener, port = start_server()
    proc = start_capture(binary, port, "-c", "3")
    talk(port)
    out, err = proc.communicate(timeout=30)
    listener.close()
    check.equal("exit status after -c 3", proc.returncode, 0)
    report = json.loads(out) if out.strip() else {}
    check.equal("packets read with -c 3", report.get("capture", {}).get("packets"), 3)
    check.finish()


if __name__ == "__main__":
    main()
