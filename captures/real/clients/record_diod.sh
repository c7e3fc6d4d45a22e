#!/bin/sh
# Records the three diod captures of captures/real (see captures/README.md):
#   diod_9p2000L_tools.pcap     port 5660  diodls and diodcat
#   diod_9p2000L_l_client.pcap  port 5661  l_client.py (this folder)
#   diod_9p2000L_diodload.pcap  port 5662  diodload -g, 2 threads, killed after 0.05 s
# Run as root (tcpdump on lo, exports under /srv/9p) on Debian 12 with
# diod, tcpdump and python3 installed.  Writes OUT (default /tmp/diod-captures):
# NAME.pcap, NAME.diod.log (diod's own -d 1 protocol trace: one line per
# message it received or sent) and, for l_client.py, NAME.client.jsonl and
# NAME.client.txt.  Nothing here uses the ninep tools.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-/tmp/diod-captures}
mkdir -p "$OUT"

# start_server PORT LOG EXPORT...: diod in the foreground with its protocol trace.
start_server() {
  port=$1 log=$2; shift 2
  exports=""
  for e in "$@"; do exports="$exports -e $e"; done
  # shellcheck disable=SC2086
  diod -f -n -l 127.0.0.1:$port $exports -c /dev/null -d 1 -L "$log" &
  DIOD=$!
  sleep 1
}
start_capture() {
  tcpdump -i lo -w "$1" -s 0 port "$2" 2>"$1.tcpdump.txt" &
  TCPDUMP=$!
  sleep 1
}
stop_all() {
  sleep 1
  kill -INT "$TCPDUMP"; wait "$TCPDUMP" || true
  kill "$DIOD"; wait "$DIOD" || true
}

# ---- exports ----
A=/srv/9p/diod_a
rm -rf "$A"; mkdir -p "$A/sub/deeper"
printf 'hello from diod capture a\n' > "$A/hello.txt"
printf 'alpha line 1\nalpha line 2\n' > "$A/alpha.txt"
seq 1 500 > "$A/numbers.txt"
printf 'inside sub\n' > "$A/sub/inner.txt"
printf 'deeper still\n' > "$A/sub/deeper/leaf.txt"
: > "$A/empty.txt"
python3 -c "import random; r=random.Random(5660); open('$A/big100k.bin','wb').write(bytes(r.getrandbits(8) for _ in range(102400)))"

B=/srv/9p/diod_b
rm -rf "$B"; mkdir -p "$B/sub/deeper"
printf 'alpha, the first file\n' > "$B/alpha.txt"
printf 'inside sub\n' > "$B/sub/inner.txt"
printf 'deeper still\n' > "$B/sub/deeper/leaf.txt"
mkfifo "$B/fifo"

# ---- a) diod with its own clients ----
N=diod_9p2000L_tools
start_server 5660 "$OUT/$N.diod.log" "$A"
start_capture "$OUT/$N.pcap" 5660
S=127.0.0.1:5660
diodls -s $S -a "$A" -l /                 # 1: long listing of the root
diodls -s $S -a "$A" sub                  # 2: listing of sub
diodls -s $S -a "$A" -l sub/deeper        # 3: long listing of sub/deeper
diodcat -s $S -a "$A" hello.txt alpha.txt numbers.txt sub/inner.txt sub/deeper/leaf.txt empty.txt > "$OUT/$N.cat1"   # 4
diodcat -s $S -a "$A" big100k.bin > "$OUT/$N.cat2"                  # 5: 100 KiB, msize 65536
diodcat -s $S -a "$A" -m 8192 big100k.bin > "$OUT/$N.cat3"          # 6: 100 KiB, msize 8192
diodcat -s $S -a "$A" missing.txt > "$OUT/$N.cat4" 2>&1 || true     # 7: a missing file
stop_all
cmp "$OUT/$N.cat2" "$A/big100k.bin"; cmp "$OUT/$N.cat3" "$A/big100k.bin"

# ---- b) diod with l_client.py ----
N=diod_9p2000L_l_client
start_server 5661 "$OUT/$N.diod.log" "$B"
start_capture "$OUT/$N.pcap" 5661
python3 "$HERE/l_client.py" --port 5661 --export "$B" --log "$OUT/$N.client.jsonl" > "$OUT/$N.client.txt"
stop_all

# ---- a') diodload: the ctl export's synthetic files, getattr only, 2 threads ----
# Its shortest run (-r 1, one second) makes some 30000 packets (5 MB), too
# many for a test fixture (the plugin's golden renderings, valgrind), so it
# is killed after 0.05 s: each connection then ends with the client's RST.
N=diod_9p2000L_diodload
start_server 5662 "$OUT/$N.diod.log" "$A" ctl
start_capture "$OUT/$N.pcap" 5662
timeout -s KILL 0.05 diodload -s 127.0.0.1:5662 -n 2 -r 1 -g > "$OUT/$N.diodload.txt" 2>&1 || true
stop_all

ls -l "$OUT"
