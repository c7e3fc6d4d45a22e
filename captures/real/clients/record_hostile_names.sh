#!/bin/sh
# Records captures/real/diod_9p2000L_hostile_names.pcap (see captures/README.md):
# Debian's diod serving files whose names are hostile to a terminal, a table,
# CSV, HTML or a UTF-8 decoder (the list, and why each is there, is in
# hostile_names.py, which also creates them), listed with diodls -l and each
# read with diodcat, one connection per client run:
#   1      diodls -l /
#   2      diodls -l on the directory whose name holds an OSC title sequence
#   3..    diodcat NAME, one run per name in hostile_names.py's order, then
#          the file inside that directory
# Run as root (tcpdump on lo, the export under /srv/9p) on Debian 12 with
# diod, tcpdump and python3.  Writes OUT (default /tmp/diod-hostile):
# NAME.pcap, NAME.diod.log (diod's -d 1 protocol trace), NAME.ls1/ls2
# (diodls' output) and NAME.cat (every diodcat's output, in order), which
# must equal the files' contents.  Nothing here uses the ninep tools.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-/tmp/diod-hostile}
PORT=5670
N=diod_9p2000L_hostile_names
mkdir -p "$OUT"

E=/srv/9p/diod_hostile
rm -rf "$E"; mkdir -p "$E"
python3 "$HERE/hostile_names.py" create "$E"

diod -f -n -l 127.0.0.1:$PORT -e "$E" -c /dev/null -d 1 -L "$OUT/$N.diod.log" &
DIOD=$!
sleep 1
tcpdump -i lo -w "$OUT/$N.pcap" -s 0 port $PORT 2>"$OUT/$N.pcap.tcpdump.txt" &
TCPDUMP=$!
sleep 1

S=127.0.0.1:$PORT
diodls -s $S -a "$E" -l / > "$OUT/$N.ls1"
# The directory's name, the last argument hostile_names.py prints, up to its "/".
DIR=$(python3 "$HERE/hostile_names.py" args | python3 -c 'import sys; sys.stdout.buffer.write(sys.stdin.buffer.read().split(b"\0")[-2].rsplit(b"/", 1)[0])')
diodls -s $S -a "$E" -l "$DIR" > "$OUT/$N.ls2"
: > "$OUT/$N.cat"
# One diodcat per name: xargs -0 passes each name's bytes as they are.
python3 "$HERE/hostile_names.py" args | xargs -0 -n 1 diodcat -s $S -a "$E" >> "$OUT/$N.cat"

sleep 1
kill -INT "$TCPDUMP"; wait "$TCPDUMP" || true
kill "$DIOD"; wait "$DIOD" || true

# What diodcat read must be what the files hold, in the same order.
python3 - "$HERE" "$OUT/$N.cat" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
import hostile_names as h
want = b"".join(h.content(n) for n, _ in h.NAMES) + h.content(h.INNER)
got = open(sys.argv[2], "rb").read()
sys.exit(0 if got == want else "diodcat read %r, the files hold %r" % (got, want))
PY
ls -l "$OUT"
