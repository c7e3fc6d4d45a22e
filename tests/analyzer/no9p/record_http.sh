#!/bin/sh
# Records tests/analyzer/no9p/http_lo.pcap: TCP that is not 9P, for the report's
# "no 9P on N TCP connections" message.  Run as root on Debian 12 (tcpdump,
# python3, curl).  Python's http.server on 127.0.0.1:PORT serves a
# directory of one small file; curl fetches it three times, each on its own
# TCP connection (--no-keepalive, one curl per request), so the capture holds
# exactly 3 TCP connections, all HTTP, and nothing else (filter: that port).
set -eu
PORT=${PORT:-8765}
OUT=${1:-http_lo.pcap}
DIR=$(mktemp -d)
echo "hello, this is not 9P" > "$DIR/hello.txt"
python3 -m http.server "$PORT" --bind 127.0.0.1 --directory "$DIR" >/dev/null 2>&1 &
SERVER=$!
tcpdump -i lo -s 0 -U -w "$OUT" "tcp port $PORT" 2>"$DIR/tcpdump.err" &
DUMP=$!
# tcpdump says "listening on" once the capture is open
while ! grep -q "listening on" "$DIR/tcpdump.err"; do sleep 0.1; done
sleep 0.5 # the server is up
for i in 1 2 3; do
	curl -s --no-keepalive -o /dev/null "http://127.0.0.1:$PORT/hello.txt"
done
sleep 0.5
kill "$DUMP" "$SERVER"
wait "$DUMP" || true
rm -rf "$DIR"
