#!/usr/bin/env bash
# The ninep benchmark (issues 3, 4, 7, 18 and 20).  Not part of the default
# test run (tests/bench/smoke.sh only checks that it runs): run it by hand.
#
#   tests/bench/bench.sh [BUILD_DIR]          (default ./build)
#
# It builds nothing: BUILD_DIR must hold analyzer/ninep, plugin/ninep.so and
# tests/bench/{pcap_floor,gen_bench_capture,gen_short_connections,gen_workloads}
# and tests/analyzer/gen_esessions
#   cmake --build BUILD_DIR --target ninep ninep_plugin pcap_floor \
#         gen_bench_capture gen_short_connections gen_workloads gen_esessions
# Use a build without NINEP_SANITIZE (the default RelWithDebInfo).
#
# Workloads, every one a deterministic generated capture:
#   mix          gen_bench_capture, 1,000 connections (fewer in captures of
#                under 48,000 packets), 60 % 9P2000.L, 20 %
#                9P2000, 20 % 9P2000.e, several requests in flight, messages
#                sharing and straddling segments
#   L            the same, 9P2000.L only (tshark's built-in dissector knows
#                all of it)
#   interleaved  gen_workloads: 1,000 9P2000 connections interleaved packet
#                by packet, one small message (7-90 bytes) per segment, a
#                fresh fid per walk/open/read/clunk access, 10,000 paths
#   large-reads  gen_workloads: 16 9P2000.L connections, msize 1 MiB,
#                128 KiB Rreads over 91 segments each
#   macro-ops    gen_workloads: 200 9P2000.e connections, Tsession,
#                Tsread/Tswrite
#   cut          large-reads cut to 96 bytes a frame (headers only)
#   short        gen_short_connections: many short 9P2000.L connections of
#                12 messages (issue 18)
#   esessions    gen_esessions: many short 9P2000.e connections, each a
#                session of its own with a key that nothing resumes, 8
#                messages (issue 18: memory bounded whatever the sessions)
#
# For each workload, in one run, round-robin so that the machine's drift
# hits every contender alike, BENCH_RUNS times:
#   floor        pcap_floor: a bare libpcap loop that only reads every packet
#   report       ninep report -q
# on a capture of about BENCH_PACKETS packets, and on a smaller one of about
# BENCH_TSHARK_PACKETS packets (tshark decodes some 30,000 a second):
#   report       ninep report -q again, on this capture
#   builtin-rt   tshark, built-in 9p dissector, -T fields tcp.stream,
#                9p.msgtype, 9p.tag, frame.time_relative, piped into awk that
#                pairs each request with its reply: what a script must do to
#                get the response times ninep gives
#   plugin-rt    tshark with the plugin, -T fields tcp.stream, ninep.type,
#                ninep.tag, ninep.time: the same response times, computed by
#                the plugin
#   builtin      tshark with the built-in dissector, plain output
#   plugin       tshark with the plugin, plain output
# Every tshark contender runs through tests/tshark-with-plugin (the same
# user, the same empty profile, the capture on standard input); the built-in
# ones pass --disable-protocol ninep -d tcp.port==564,9p.  The built-in
# dissector does not know 9P2000.e: on mix and macro-ops it decodes less than
# the plugin, so the plugin/built-in ratio is only a fair comparison on L,
# interleaved, large-reads and cut.
#
# Then peak memory of ninep report at each of BENCH_MEMORY_PACKETS (default
# 1 and 10 million packets), the capture streamed from its generator into
# ninep report -q - (no file: 10 million large-read packets are 10 GB),
# each under 64 MB, and the growth from the smallest size to the largest
# within the "flat" allowance (max_growth_pct, max_growth_mb below).
#
# It prints medians (wall clock, CPU time over every thread: ninep reads
# ahead and adds up figures on other threads), packets per second, peak
# RSS, and the ratios against the issues' targets, PASS or FAIL.  The
# machine is shared and noisy: read the ratios, measured side by side.
#
# Environment:
#  BENCH_RUNS=3                  runs per contender (median reported)
#  BENCH_PACKETS=1000000         the timed captures (BENCH_FULL: 10,000,000)
#  BENCH_TSHARK_PACKETS=100000   the tshark captures (BENCH_FULL: 1,000,000)
#  BENCH_MEMORY_PACKETS="1000000 10000000"   the memory rows; "" for none
#  BENCH_FULL=1                  the full sizes above (an hour or more)
#  BENCH_QUICK=1                 tiny sizes: a smoke test of the script
#  BENCH_WORKLOADS="mix L ..."   a subset of the workloads
#  BENCH_TSHARK=0                skip the tshark contenders
#  BENCH_BASELINE=NINEP          another ninep binary run beside this one
#                                (report-base), on every timed capture
#  BENCH_TMPDIR                  where the captures go (default $TMPDIR or
#                                /tmp), removed at exit
#
# Exit status: 0 when every target is met, 1 when one is missed, 2 on error.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
readonly here top

die() { echo "bench.sh: $*" >&2; exit 2; }

[ $# -le 1 ] || die "usage: $0 [BUILD_DIR]"
[ -d "${1:-./build}" ] || die "no build folder ${1:-./build} (cmake -S . -B build && cmake --build build)"
build=$(cd "${1:-./build}" && pwd)
readonly build

# ---- settings --------------------------------------------------------------
readonly runs=${BENCH_RUNS:-3}
if [ "${BENCH_QUICK:-0}" = 1 ]; then
	packets=${BENCH_PACKETS:-20000}
	tshark_packets=${BENCH_TSHARK_PACKETS:-3000}
	memory_packets=${BENCH_MEMORY_PACKETS-20000 60000}
elif [ "${BENCH_FULL:-0}" = 1 ]; then
	packets=${BENCH_PACKETS:-10000000}
	tshark_packets=${BENCH_TSHARK_PACKETS:-1000000}
	memory_packets=${BENCH_MEMORY_PACKETS-1000000 10000000}
else
	packets=${BENCH_PACKETS:-1000000}
	tshark_packets=${BENCH_TSHARK_PACKETS:-100000}
	memory_packets=${BENCH_MEMORY_PACKETS-1000000 10000000}
fi
readonly packets tshark_packets memory_packets
read -r -a workloads <<<"${BENCH_WORKLOADS:-mix L interleaved large-reads macro-ops cut short esessions}"
readonly workloads
readonly baseline=${BENCH_BASELINE:-}
for n in "$runs" "$packets" "$tshark_packets" $memory_packets; do
	[[ $n =~ ^[1-9][0-9]*$ ]] || die "'$n' is not a positive number (BENCH_RUNS, BENCH_*PACKETS)"
done

# Targets (issues 3, 4, 7, 18 and 20).
readonly max_report_vs_floor=2
readonly min_tshark_vs_report=150
readonly max_plugin_vs_builtin=1.05
readonly max_cut_vs_whole=1
readonly max_peak_mb=64
# "Flat" memory: the peak at the largest BENCH_MEMORY_PACKETS within
# max_growth_pct of the peak at the smallest, or within max_growth_mb,
# whichever allows more.  The megabytes are for buffers of a fixed size
# whose pages are touched only as a run goes on: the tally queue's 1 MiB
# ring (stats/tally.c: as far as the main thread ever ran ahead) and the
# tally thread's malloc arena; on the small captures (cut, large-reads,
# about 5 MB at 1 M packets) they alone are 1.5-1.9 MB, 28-34 %, reached
# by 10 M packets and no larger at 30 M (doc/performance.md, 2026-12-03
# 18:25-19:00 UTC).
readonly max_growth_pct=10
readonly max_growth_mb=2

# ---- what it needs ---------------------------------------------------------
readonly floor=$build/tests/bench/pcap_floor
readonly gen_mix=$build/tests/bench/gen_bench_capture
readonly gen_short=$build/tests/bench/gen_short_connections
readonly gen_workloads=$build/tests/bench/gen_workloads
readonly gen_esessions=$build/tests/analyzer/gen_esessions
readonly ninep=$build/analyzer/ninep
readonly plugin=$build/plugin/ninep.so
readonly wrapper=$top/tests/tshark-with-plugin

for program in "$floor" "$gen_mix" "$gen_short" "$gen_workloads" "$gen_esessions" "$ninep"; do
	[ -x "$program" ] || die "$program is missing: cmake --build $build --target ninep pcap_floor gen_bench_capture gen_short_connections gen_workloads gen_esessions"
done
[ -z "$baseline" ] || [ -x "$baseline" ] || die "BENCH_BASELINE=$baseline is not a program"
[ -x /usr/bin/time ] || die "/usr/bin/time (GNU time, for peak memory) is missing: apt-get install time"
[ -n "${EPOCHREALTIME:-}" ] || die "needs bash 5 (EPOCHREALTIME)"
for w in "${workloads[@]}"; do
	case $w in mix | L | interleaved | large-reads | macro-ops | cut | short | esessions) ;; *) die "unknown workload $w" ;; esac
done

use_tshark=${BENCH_TSHARK:-1}
if [ "$use_tshark" = 1 ]; then
	if ! command -v tshark >/dev/null; then
		echo "bench.sh: tshark not found (apt-get install tshark): tshark contenders skipped" >&2
		use_tshark=0
	elif [ ! -f "$plugin" ]; then
		echo "bench.sh: $plugin not built: tshark contenders skipped" >&2
		use_tshark=0
	fi
fi
readonly use_tshark
if grep -q 'NINEP_SANITIZE:BOOL=ON' "$build/CMakeCache.txt" 2>/dev/null; then
	echo "bench.sh: warning: $build is a sanitizer build; its timings mean little" >&2
fi

# ---- the machine -----------------------------------------------------------
echo "ninep benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine:  $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
echo "memory:   $(awk '/^MemTotal/ { printf "%.1f GB", $2 / 1048576 }' /proc/meminfo), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "kernel:   $(uname -sr)"
echo "ninep:    $("$ninep" --version 2>&1 | head -1) ($build)"
[ "$use_tshark" = 0 ] || echo "tshark:   $(tshark --version 2>/dev/null | head -1)"
echo "sizes:    timed captures about $packets packets, tshark's about $tshark_packets, memory at ${memory_packets:-(none)}"
echo "runs:     $runs per contender, interleaved"
echo

# ---- captures --------------------------------------------------------------
tmp=$(mktemp -d "${BENCH_TMPDIR:-${TMPDIR:-/tmp}}/ninep-bench.XXXXXX")
readonly tmp
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
chmod 755 "$tmp" # tshark-with-plugin runs tshark as nobody

# Pcap bytes per packet, at most (large reads: full 1,514-byte frames), to
# refuse early rather than fill a disk.
need_kb=$(( (packets + tshark_packets) * 1530 * 2 / 1024 ))
have_kb=$(df -Pk "$tmp" | awk 'NR == 2 { print $4 }')
[ "$have_kb" -gt "$need_kb" ] || die "$tmp has $((have_kb / 1024)) MB free, the captures may need $((need_kb / 1024)) MB (set BENCH_TMPDIR or BENCH_PACKETS)"

# generate WORKLOAD PACKETS OUT: a capture of about PACKETS packets on OUT
# ("-": standard output); the generator's summary on standard error.  The
# mix makes about 1.2 packets a message, short connections 18 packets each,
# 9P2000.e sessions 14 each (at most 1,000,000 sessions).
generate() {
	local w=$1 n=$2 out=$3
	# gen_bench_capture: 1,000 connections, fewer on small captures (each
	# needs its Tversion and Tattach)
	local messages=$((n * 5 / 6)) conns=1000
	[ $((messages / 40)) -ge "$conns" ] || conns=$((messages / 40 > 0 ? messages / 40 : 1))
	case $w in
	mix) "$gen_mix" --messages "$messages" --connections "$conns" --dialect mix "$out" ;;
	L) "$gen_mix" --messages "$messages" --connections "$conns" --dialect L "$out" ;;
	interleaved | large-reads | macro-ops) "$gen_workloads" --workload "$w" --packets "$n" "$out" ;;
	cut) "$gen_workloads" --workload large-reads --packets "$n" --snaplen 96 "$out" ;;
	short) # its summary goes to standard output when it writes a file
		if [ "$out" = - ]; then
			"$gen_short" --connections $((n / 18 > 0 ? n / 18 : 1)) -
		else
			"$gen_short" --connections $((n / 18 > 0 ? n / 18 : 1)) "$out" >&2
		fi ;;
	esessions) # its summary goes to standard output when it writes a file
		local sessions=$((n / 14 > 0 ? n / 14 : 1))
		[ "$sessions" -le 1000000 ] || sessions=1000000
		if [ "$out" = - ]; then
			"$gen_esessions" "$sessions" -
		else
			"$gen_esessions" "$sessions" "$out" >&2
		fi ;;
	esac
}

declare -A capture_file capture_packets
make_capture() { # key workload packets
	local key=$1 file=$tmp/$1.pcap
	generate "$2" "$3" "$file" 2>"$tmp/gen.log" || { cat "$tmp/gen.log" >&2; die "generating $key failed"; }
	chmod 644 "$file"
	capture_file[$key]=$file
	# Counting with the floor once also warms the page cache.
	capture_packets[$key]=$("$floor" "$file" | awk '{ print $2 }')
	printf '  %-16s %10s packets, %6d MB\n' "$key" "${capture_packets[$key]}" $(($(stat -c %s "$file") / 1048576))
}
echo "generating captures in $tmp"
for w in "${workloads[@]}"; do
	make_capture "$w" "$w" "$packets"
	[ "$use_tshark" = 0 ] || make_capture "$w@tshark" "$w" "$tshark_packets"
done
echo

# ---- contenders ------------------------------------------------------------
# Pairs a built-in dissector field dump into response times: one line per
# reply, "stream tag seconds".  A frame may hold several messages, so
# msgtype and tag are comma lists.  Requests have even type numbers.
# shellcheck disable=SC2016 # awk's own $1, not the shell's
readonly pair_awk='BEGIN { FS = "\t" }
$2 != "" {
	n = split($2, type, ","); split($3, tag, ",")
	for (i = 1; i <= n; i++) {
		key = $1 "/" tag[i]
		if (type[i] % 2 == 0) start[key] = $4
		else if (key in start) { print $1, tag[i], $4 - start[key]; delete start[key] }
	}
}'

# The command of a contender on a capture file, in the array cmd.
contender_command() { # name file
	local name=$1 file=$2
	local builtin=(--disable-protocol ninep -d 'tcp.port==564,9p')
	case $name in
	floor) cmd=("$floor" "$file") ;;
	report) cmd=("$ninep" report -q "$file") ;;
	report-base) cmd=("$baseline" report -q "$file") ;;
	builtin-rt)
		local dump
		dump=$(printf '%q ' "$wrapper" "$plugin" "$file" "${builtin[@]}" -T fields \
			-e tcp.stream -e 9p.msgtype -e 9p.tag -e frame.time_relative)
		cmd=(bash -c "set -o pipefail; $dump | awk $(printf '%q' "$pair_awk")") ;;
	plugin-rt) cmd=("$wrapper" "$plugin" "$file" -T fields -e tcp.stream -e ninep.type -e ninep.tag -e ninep.time) ;;
	builtin) cmd=("$wrapper" "$plugin" "$file" "${builtin[@]}") ;;
	plugin) cmd=("$wrapper" "$plugin" "$file") ;;
	*) die "unknown contender $name" ;;
	esac
}

# name:capture, in the order of one round.
contenders=()
for w in "${workloads[@]}"; do
	contenders+=("floor:$w" "report:$w")
	[ -z "$baseline" ] || contenders+=("report-base:$w")
	if [ "$use_tshark" = 1 ]; then
		contenders+=("report:$w@tshark" "builtin-rt:$w@tshark" "plugin-rt:$w@tshark" "builtin:$w@tshark" "plugin:$w@tshark")
	fi
done

declare -A seconds_list cpu_list peak_kb
run_once() { # name capture
	local name=$1 capture=$2 t0 t1 kb
	local id=$name:$capture
	contender_command "$name" "${capture_file[$capture]}"
	# Read the capture once, untimed, so that no contender pays for the disk.
	cat "${capture_file[$capture]}" >/dev/null
	t0=$EPOCHREALTIME
	if ! /usr/bin/time -f '%e %M %U %S' -o "$tmp/time" "${cmd[@]}" >/dev/null 2>"$tmp/stderr"; then
		cat "$tmp/stderr" >&2
		die "$id failed"
	fi
	t1=$EPOCHREALTIME
	# Wall time from bash's microsecond clock (GNU time's %e has 10 ms
	# steps); peak RSS from GNU time: the largest process, which is tshark
	# rather than the shell or awk around it.
	kb=$(awk '{ print $2 }' "$tmp/time")
	seconds_list[$id]+="$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", b - a }') "
	cpu_list[$id]+="$(awk '{ printf "%.2f", $3 + $4 }' "$tmp/time") "
	if [ "${peak_kb[$id]:-0}" -lt "$kb" ]; then
		peak_kb[$id]=$kb
	fi
}

for ((round = 1; round <= runs; round++)); do
	printf 'round %d/%d:' "$round" "$runs"
	for c in "${contenders[@]}"; do
		printf ' %s' "$c"
		run_once "${c%%:*}" "${c#*:}"
	done
	echo
done
echo

median() { tr ' ' '\n' | sed '/^$/d' | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
med() { median <<<"${seconds_list[$1]}"; }
med_cpu() { median <<<"${cpu_list[$1]}"; }
mb() { awk -v kb="${peak_kb[$1]}" 'BEGIN { printf "%.1f", kb / 1024 }'; }
ratio() { awk -v a="$(med "$1")" -v b="$(med "$2")" 'BEGIN { print (b > 0) ? a / b : 0 }'; }

# ---- results ---------------------------------------------------------------
printf '%-12s %-20s %10s %10s %9s %13s %9s\n' contender capture packets median_s cpu_s packets/s peak_MB
for c in "${contenders[@]}"; do
	name=${c%%:*} capture=${c#*:}
	s=$(med "$c")
	printf '%-12s %-20s %10s %10.3f %9.2f %13.0f %9s\n' "$name" "$capture" "${capture_packets[$capture]}" \
		"$s" "$(med_cpu "$c")" \
		"$(awk -v p="${capture_packets[$capture]}" -v s="$s" 'BEGIN { print (s > 0) ? p / s : 0 }')" "$(mb "$c")"
done
echo

# verdict LABEL VALUE OP TARGET: prints the value and PASS/FAIL.
failures=0
verdict() {
	local label=$1 value=$2 op=$3 target=$4 ok
	ok=$(awk -v v="$value" -v t="$target" -v op="$op" 'BEGIN { print (op == "<=" ? v <= t : op == "<" ? v < t : v >= t) ? "PASS" : "FAIL" }')
	[ "$ok" = PASS ] || failures=$((failures + 1))
	printf '%-72s %9.2f   target %s %-5s %s\n' "$label" "$value" "$op" "$target" "$ok"
}

echo "ratios (medians of $runs runs side by side)"
for w in "${workloads[@]}"; do
	verdict "$w: ninep report / floor (time)" "$(ratio "report:$w" "floor:$w")" '<=' "$max_report_vs_floor"
	[ -z "$baseline" ] || echo "  ($w: baseline report / floor $(ratio "report-base:$w" "floor:$w" | xargs printf '%.2f'))"
	if [ "$use_tshark" = 1 ]; then
		t=$w@tshark
		verdict "$w: tshark built-in response times / ninep report" "$(ratio "builtin-rt:$t" "report:$t")" '>=' "$min_tshark_vs_report"
		case $w in
		mix | macro-ops) note=' (built-in: no 9P2000.e)' ;;
		*) note= ;;
		esac
		verdict "$w: tshark plugin / built-in, response times$note" "$(ratio "plugin-rt:$t" "builtin-rt:$t")" '<=' "$max_plugin_vs_builtin"
		verdict "$w: tshark plugin / built-in, plain -r$note" "$(ratio "plugin:$t" "builtin:$t")" '<=' "$max_plugin_vs_builtin"
	fi
done
if [[ " ${workloads[*]} " == *" cut "* && " ${workloads[*]} " == *" large-reads "* ]]; then
	verdict "cut: ninep report time / the uncut large-reads" "$(ratio report:cut report:large-reads)" '<=' "$max_cut_vs_whole"
fi
echo

# ---- memory ----------------------------------------------------------------
# Peak RSS of ninep report -q on a capture streamed from its generator.
if [ -n "$memory_packets" ]; then
	echo "memory: ninep report -q - on streamed captures (peak RSS, MB)"
	read -r -a sizes <<<"$memory_packets"
	for w in "${workloads[@]}"; do
		first_kb=
		for n in "${sizes[@]}"; do
			set +o pipefail
			generate "$w" "$n" - 2>/dev/null | /usr/bin/time -f '%M' -o "$tmp/time" "$ninep" report -q - >/dev/null 2>"$tmp/stderr" ||
				{ cat "$tmp/stderr" >&2; die "ninep report on a streamed $w capture of $n packets failed"; }
			set -o pipefail
			kb=$(cat "$tmp/time")
			verdict "$w: ninep report, $n packets (MB)" "$(awk -v kb="$kb" 'BEGIN { print kb / 1024 }')" '<' "$max_peak_mb"
			[ -n "$first_kb" ] || first_kb=$kb
		done
		if [ "${#sizes[@]}" -gt 1 ]; then
			verdict "$w: growth ${sizes[0]} -> ${sizes[-1]} packets (MB; flat: ${max_growth_pct} % or ${max_growth_mb} MB)" \
				"$(awk -v a="$first_kb" -v b="$kb" 'BEGIN { print (b - a) / 1024 }')" '<=' \
				"$(awk -v a="$first_kb" -v pct="$max_growth_pct" -v mb="$max_growth_mb" \
					'BEGIN { t = a * pct / 100 / 1024; printf "%.2f", (t > mb ? t : mb) }')"
		fi
	done
	echo
fi

if [ "${BENCH_QUICK:-0}" = 1 ]; then
	echo "BENCH_QUICK: these sizes only smoke-test the script; its ratios are not the targets' conditions."
fi
echo "$failures target(s) missed"
[ "$failures" -eq 0 ] || exit 1
