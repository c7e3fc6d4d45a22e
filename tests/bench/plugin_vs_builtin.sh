#!/bin/sh
# Benchmark (not a CTest test): tshark with the ninep plugin against tshark
# with the built-in 9p dissector on one large 9P2000.L capture.
#
#   tests/bench/plugin_vs_builtin.sh PATH/TO/ninep.so [COPIES] [RUNS]
#
# The capture is the diod capture repeated COPIES times (default 40), each
# copy shifted in time after the previous one (editcap -t, mergecap -a).
# Runs alternate plugin / built-in RUNS times (default 3), each printing
# every packet summary to /dev/null; the medians and their ratio are
# printed.  The goal is a ratio of at most 1.2.
set -eu
if [ $# -lt 1 ]; then
	echo "usage: $0 PATH/TO/ninep.so [COPIES] [RUNS]" >&2
	exit 64
fi
plugin=$1
copies=${2:-40}
runs=${3:-3}
here=$(cd "$(dirname "$0")" && pwd)
source_dir=$(dirname "$(dirname "$here")")
wrapper=$source_dir/tests/tshark-with-plugin
base=$source_dir/captures/real/diod_9p2000L_ls_cat.pcap
port=5640

work=$(mktemp -d "${TMPDIR:-/tmp}/ninep-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
chmod 755 "$work"

i=0
parts=""
while [ "$i" -lt "$copies" ]; do
	editcap -t "$((i * 10))" "$base" "$work/part$i.pcap"
	parts="$parts $work/part$i.pcap"
	i=$((i + 1))
done
# shellcheck disable=SC2086
mergecap -a -w "$work/big.pcap" $parts
rm -f $parts
chmod 644 "$work/big.pcap"
echo "capture: $copies copies of $(basename "$base"), $(stat -c %s "$work/big.pcap") bytes," \
	"$(capinfos -c -M "$work/big.pcap" | sed -n 's/^Number of packets: *//p') packets"

# Seconds taken by one tshark run (the file is read with -r so both runs
# see the same seekable file).
time_run() {
	start=$(date +%s.%N)
	"$wrapper" "$plugin" - -r "$work/big.pcap" "$@" >/dev/null
	end=$(date +%s.%N)
	echo "$end - $start" | bc
}

median() {
	sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

: >"$work/plugin.times"
: >"$work/builtin.times"
r=0
while [ "$r" -lt "$runs" ]; do
	p=$(time_run)
	b=$(time_run -d "tcp.port==$port,9p")
	echo "run $((r + 1)): plugin ${p}s, built-in ${b}s"
	echo "$p" >>"$work/plugin.times"
	echo "$b" >>"$work/builtin.times"
	r=$((r + 1))
done
mp=$(median <"$work/plugin.times")
mb=$(median <"$work/builtin.times")
ratio=$(echo "scale=3; $mp / $mb" | bc)
echo "median plugin:   ${mp}s"
echo "median built-in: ${mb}s"
echo "ratio plugin/built-in: $ratio (goal: <= 1.2)"
