#!/bin/sh
# Records captures/real/diod_9p2000L_files.pcap (see captures/README.md):
#   diod_9p2000L_files.pcap  port 5663  files_client.py (this folder): files
#                            of known content read and written
# Run as root (tcpdump on lo, the export under /srv/9p) on Debian 12 with
# diod, tcpdump, tshark and python3 installed.  Writes OUT (default
# /tmp/diod-files-capture): NAME.pcap, NAME.diod.log (diod's own -d 1
# protocol trace), NAME.record.jsonl (every Tread and Twrite of the client,
# with its data), NAME.client.jsonl and NAME.client.txt (its messages and
# what it printed), and the ground truth to commit beside the capture:
# NAME.expected (message counts, clients/count_builtin.py), NAME.files and
# NAME.exchanges (clients/files_truth.py).  Nothing here uses the ninep tools.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-/tmp/diod-files-capture}
mkdir -p "$OUT"
N=diod_9p2000L_files
PORT=5663

# ---- the export: files of known content ----
C=/srv/9p/diod_c
rm -rf "$C"; mkdir -p "$C/sub"
printf 'hello from the files capture\n' > "$C/hello.txt"
seq 1 2000 > "$C/numbers.txt"
printf 'alpha line 1\nalpha line 2\n' > "$C/alpha.txt"
printf 'inside sub of the files capture\n' > "$C/sub/inner.txt"
python3 -c "import random; r=random.Random(5663); open('$C/big.bin','wb').write(bytes(r.getrandbits(8) for _ in range(60000)))"
sha256sum "$C/hello.txt" "$C/numbers.txt" "$C/alpha.txt" "$C/sub/inner.txt" "$C/big.bin" > "$OUT/$N.export-before.sha256"

# ---- diod, tcpdump, the client (as record_diod.sh does) ----
diod -f -n -l 127.0.0.1:$PORT -e "$C" -c /dev/null -d 1 -L "$OUT/$N.diod.log" &
DIOD=$!
sleep 1
tcpdump -i lo -w "$OUT/$N.pcap" -s 0 port $PORT 2>"$OUT/$N.pcap.tcpdump.txt" &
TCPDUMP=$!
sleep 1
python3 "$HERE/files_client.py" --port $PORT --export "$C" --record "$OUT/$N.record.jsonl" \
  --log "$OUT/$N.client.jsonl" > "$OUT/$N.client.txt"
sleep 1
kill -INT "$TCPDUMP"; wait "$TCPDUMP" || true
kill "$DIOD"; wait "$DIOD" || true
sha256sum "$C/alpha.txt" "$C/multi.txt" "$C/once.txt" > "$OUT/$N.export-after.sha256"

# ---- the ground truth, from the client, the disk, the built-in dissector and diod's log ----
{
  echo "# Ground truth for $N.pcap (see captures/README.md for how it was checked)."
  python3 "$HERE/count_builtin.py" "$OUT/$N.pcap" $PORT "$OUT/$N.diod.log"
} > "$OUT/$N.expected"
python3 "$HERE/files_truth.py" "$OUT/$N.record.jsonl" "$C" "$OUT/$N.pcap" $PORT "$OUT/$N"
cat "$OUT/$N.client.txt" "$OUT/$N.files"
ls -l "$OUT"
