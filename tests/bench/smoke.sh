#!/usr/bin/env bash
# bench.smoke: tests/bench/bench.sh runs to the end at tiny sizes and prints
# a row for every workload; the workload generators are deterministic.  No
# timing is checked (bench.sh's targets are for a quiet run at full size:
# its exit status 1, "a target missed", is accepted; 2, an error, is not).
#
#   tests/bench/smoke.sh BUILD_DIR
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
build=$1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ninep-bench-smoke.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

checks=0 failures=0
check() { # description command...
	local what=$1
	shift
	checks=$((checks + 1))
	if "$@"; then
		echo "ok: $what"
	else
		echo "FAIL: $what"
		failures=$((failures + 1))
	fi
}

# The same arguments give the same bytes.
for w in interleaved large-reads macro-ops; do
	"$build/tests/bench/gen_workloads" --workload "$w" --packets 3000 "$tmp/a.pcap" 2>/dev/null
	"$build/tests/bench/gen_workloads" --workload "$w" --packets 3000 "$tmp/b.pcap" 2>/dev/null
	check "gen_workloads --workload $w is deterministic" cmp -s "$tmp/a.pcap" "$tmp/b.pcap"
done

tshark=1
command -v tshark >/dev/null && [ -f "$build/plugin/ninep.so" ] || tshark=0
BENCH_QUICK=1 BENCH_RUNS=1 BENCH_PACKETS=6000 BENCH_TSHARK_PACKETS=1500 BENCH_MEMORY_PACKETS="3000 6000" \
	BENCH_TSHARK=$tshark BENCH_TMPDIR=$tmp "$here/bench.sh" "$build" >"$tmp/out" 2>&1
status=$?
cat "$tmp/out"
check "bench.sh ends without an error (status $status: 0 or 1)" test "$status" -le 1
for w in mix L interleaved large-reads macro-ops cut short esessions; do
	check "$w: a report row" grep -Eq "^report +$w " "$tmp/out"
	check "$w: its ratio to the floor" grep -q "^$w: ninep report / floor (time) " "$tmp/out"
	check "$w: peak memory at two sizes" test "$(grep -c "^$w: ninep report, [0-9]* packets (MB) " "$tmp/out")" -eq 2
	check "$w: the growth between them against a number" \
		grep -Eq "^$w: growth 3000 -> 6000 packets \(MB; flat: .* target <= [0-9]+\.[0-9]+ +(PASS|FAIL)$" "$tmp/out"
	if [ "$tshark" = 1 ]; then
		check "$w: the ratio to tshark" grep -q "^$w: tshark built-in response times / ninep report " "$tmp/out"
		check "$w: plugin / built-in" grep -q "^$w: tshark plugin / built-in, response times" "$tmp/out"
	fi
done
check "cut: against the uncut capture" grep -q "^cut: ninep report time / the uncut large-reads " "$tmp/out"

echo "$checks checks, $failures failed"
[ "$checks" -gt 0 ] && [ "$failures" -eq 0 ]
