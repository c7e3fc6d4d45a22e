#!/usr/bin/env bash
# The ninep benchmark (issues 3, 4 and 7).  Not part of the default test run:
# run it by hand on a quiet machine.
#
#   tests/bench/bench.sh [BUILD_DIR]          (default ./build)
#
# It builds nothing: BUILD_DIR must hold analyzer/ninep, plugin/ninep.so and
# tests/bench/{pcap_floor,gen_bench_capture,gen_short_connections}
#   cmake --build BUILD_DIR --target ninep ninep_plugin pcap_floor gen_bench_capture gen_short_connections
# (or simply cmake --build BUILD_DIR).  Use a build without NINEP_SANITIZE.
#
# What it does:
#  1. generates, into a temporary folder removed at exit, three deterministic
#     captures with gen_bench_capture:
#       small  2,000,000 messages over 1,000 connections, dialect mix
#       large 20,000,000 messages over 1,000 connections, dialect mix
#       L      2,000,000 messages over 1,000 connections, 9P2000.L only
#     (the mix is 60 % 9P2000.L, 20 % 9P2000, 20 % 9P2000.e connections;
#     tshark's built-in dissector does not know 9P2000.e, so the plugin is
#     compared with it on the 9P2000.L-only capture, as issue 3 asks);
#     and with gen_short_connections (issue 18, bounded memory):
#       short  200,000 short 9P2000.L connections of 12 messages each
#              (handshake, version, attach, walk, open, read, clunk, FIN);
#  2. runs every contender BENCH_RUNS times, round-robin so that the
#     machine's drift hits all of them alike, timing wall clock and peak RSS;
#  3. prints medians (wall clock, and CPU time over every thread: ninep
#     reads a file ahead on a second thread), packets per second, peak
#     memory, and the ratios with their targets, PASS or FAIL.
#
# Contenders:
#  floor          pcap_floor: a bare libpcap loop that only reads every packet
#  report         ninep report -q
#  exchanges      ninep exchanges -q (CSV to /dev/null)
#  builtin-rt     tshark, built-in 9p dissector, -T fields tcp.stream,
#                 9p.msgtype, 9p.tag, frame.time_relative, piped into awk that
#                 pairs each request with its reply per (stream, tag) and
#                 prints the response time.  The built-in has no response
#                 time field, so this is what a script must do to get the
#                 times ninep exchanges gives; awk costs a few percent of
#                 tshark's time.
#  plugin-rt      tshark with the plugin, -T fields tcp.stream, ninep.type,
#                 ninep.tag, ninep.time (the plugin computes the time itself)
#  plugin-srt     tshark with the plugin, -q -z ninep,srt
#  builtin        tshark with the built-in dissector, plain output to /dev/null
#  plugin         tshark with the plugin, plain output to /dev/null
# Every tshark contender runs through tests/tshark-with-plugin, so all of them
# read the capture from standard input as the same user with the same empty
# profile; the built-in ones pass --disable-protocol ninep -d
# tcp.port==564,9p (the plugin takes port 564 from the built-in).  tshark
# decodes tens of thousands of packets per second, so tshark contenders run
# on the 2-million-message captures only; the large capture is for ninep and
# the floor (time, and memory growth).
#
# Environment:
#  BENCH_RUNS=3           runs per contender (median reported)
#  BENCH_QUICK=1          20,000 / 200,000 messages over 100 connections: a
#                         smoke test of the script in about a minute; its
#                         ratios are not the targets' conditions
#  BENCH_SMALL, BENCH_LARGE, BENCH_CONNECTIONS   override the sizes
#  BENCH_TSHARK=0         skip the tshark contenders
#  BENCH_SHORT            short connections in the short capture (default
#                         200,000; BENCH_QUICK: 20,000)
#  BENCH_ONLY_SHORT=1     only the short capture's rows (report, exchanges,
#                         the floor, the text report's length)
#  BENCH_BASELINE=NINEP   another ninep binary (say, of an older commit) run
#                         on the short capture beside this one:
#                         report-base and exchanges-base
#  BENCH_TMPDIR           where the captures go (default $TMPDIR or /tmp);
#                         the full run needs about 9 GB there (the captures
#                         hold about 370 bytes of pcap per message)
#
# A full run is estimated at 30 to 40 minutes on 2 cores, nearly all of it
# tshark (7 tshark runs of 2.4 million packets per round).  The exit status
# is 0 only when every target is met.
#
# This supersedes tests/bench/plugin_vs_builtin.sh (the plugin engineer's
# quick comparison), which it does not call: the plugin/builtin ratios here
# are measured interleaved with everything else, on the same capture.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
readonly here top

die() { echo "bench.sh: $*" >&2; exit 1; }

[ $# -le 1 ] || die "usage: $0 [BUILD_DIR]"
[ -d "${1:-./build}" ] || die "no build folder ${1:-./build} (cmake -S . -B build && cmake --build build)"
build=$(cd "${1:-./build}" && pwd)
readonly build

# ---- settings --------------------------------------------------------------
readonly runs=${BENCH_RUNS:-3}
readonly quick=${BENCH_QUICK:-0}
if [ "$quick" = 1 ]; then
	small_messages=${BENCH_SMALL:-20000}
	large_messages=${BENCH_LARGE:-200000}
	connections=${BENCH_CONNECTIONS:-100}
	short_connections=${BENCH_SHORT:-20000}
else
	small_messages=${BENCH_SMALL:-2000000}
	large_messages=${BENCH_LARGE:-20000000}
	connections=${BENCH_CONNECTIONS:-1000}
	short_connections=${BENCH_SHORT:-200000}
fi
readonly small_messages large_messages connections short_connections
readonly only_short=${BENCH_ONLY_SHORT:-0}
readonly baseline=${BENCH_BASELINE:-}
[[ $runs =~ ^[1-9][0-9]*$ ]] || die "BENCH_RUNS must be a positive number"

# Targets (issues 3, 4, 7).
readonly max_report_vs_floor=2.5
readonly min_tshark_vs_report=100
readonly max_plugin_vs_builtin=1.2
readonly max_peak_mb=64
readonly max_growth_pct=10
readonly max_text_lines=400 # issue 18: the text report of any capture

# ---- what it needs ---------------------------------------------------------
readonly floor=$build/tests/bench/pcap_floor
readonly gen=$build/tests/bench/gen_bench_capture
readonly gen_short=$build/tests/bench/gen_short_connections
readonly ninep=$build/analyzer/ninep
readonly plugin=$build/plugin/ninep.so
readonly wrapper=$top/tests/tshark-with-plugin

for program in "$floor" "$gen" "$gen_short"; do
	[ -x "$program" ] || die "$program is missing: build it with cmake --build $build --target pcap_floor gen_bench_capture (tests/CMakeLists.txt needs add_subdirectory(bench))"
done
[ -x "$ninep" ] || die "$ninep is missing: build the analyzer (cmake --build $build --target ninep)"
[ -z "$baseline" ] || [ -x "$baseline" ] || die "BENCH_BASELINE=$baseline is not a program"
[ -x /usr/bin/time ] || die "/usr/bin/time (GNU time, for peak memory) is missing: apt-get install time"
[ -n "${EPOCHREALTIME:-}" ] || die "needs bash 5 (EPOCHREALTIME)"

use_tshark=${BENCH_TSHARK:-1}
[ "$only_short" != 1 ] || use_tshark=0
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
if [ "$use_tshark" = 1 ]; then
	echo "tshark:   $(tshark --version 2>/dev/null | head -1)"
fi
if [ "$quick" = 1 ]; then
	echo "runs:     $runs per contender, interleaved (BENCH_QUICK: smoke-test sizes)"
else
	echo "runs:     $runs per contender, interleaved"
fi
echo

# ---- captures --------------------------------------------------------------
tmp=$(mktemp -d "${BENCH_TMPDIR:-${TMPDIR:-/tmp}}/ninep-bench.XXXXXX")
readonly tmp
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

# About 400 bytes of pcap per message; refuse early rather than fill a disk.
# The short capture: about 1,560 bytes of pcap per connection.
if [ "$only_short" = 1 ]; then
	need_kb=$(( short_connections * 1600 / 1024 ))
else
	need_kb=$(( (2 * small_messages + large_messages) * 400 / 1024 + short_connections * 1600 / 1024 ))
fi
have_kb=$(df -Pk "$tmp" | awk 'NR == 2 { print $4 }')
[ "$have_kb" -gt "$need_kb" ] || die "$tmp has $((have_kb / 1024)) MB free, the captures need about $((need_kb / 1024)) MB (set BENCH_TMPDIR)"

declare -A capture_file capture_packets capture_messages
make_capture() { # key messages dialect
	local key=$1 messages=$2 dialect=$3 file=$tmp/$1.pcap info
	info=$("$gen" --messages "$messages" --connections "$connections" --dialect "$dialect" "$file" 2>&1) ||
		die "gen_bench_capture failed: $info"
	echo "  $key: ${info#*"$file": }"
	capture_file[$key]=$file
	capture_messages[$key]=$(sed -n 's/.*: \([0-9]*\) messages.*/\1/p' <<<"$info")
	# Counting with the floor once also warms the page cache for every run.
	capture_packets[$key]=$("$floor" "$file" | awk '{ print $2 }')
}
make_short_capture() { # key connections
	local key=$1 file=$tmp/$1.pcap info
	info=$("$gen_short" --connections "$2" "$file" 2>&1) || die "gen_short_connections failed: $info"
	echo "  $key: ${info#*"$file": }"
	capture_file[$key]=$file
	capture_messages[$key]=$(sed -n 's/.*connections, \([0-9]*\) messages.*/\1/p' <<<"$info")
	capture_packets[$key]=$("$floor" "$file" | awk '{ print $2 }')
}
if [ "$only_short" != 1 ]; then
	echo "generating captures in $tmp ($connections connections each)"
	make_capture small "$small_messages" mix
	make_capture large "$large_messages" mix
	if [ "$use_tshark" = 1 ]; then
		make_capture L "$small_messages" L
	fi
fi
echo "generating the short-connections capture in $tmp"
make_short_capture short "$short_connections"
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
	exchanges) cmd=("$ninep" exchanges -q "$file") ;;
	report-base) cmd=("$baseline" report -q "$file") ;;
	exchanges-base) cmd=("$baseline" exchanges -q "$file") ;;
	builtin-rt)
		local dump
		dump=$(printf '%q ' "$wrapper" "$plugin" "$file" "${builtin[@]}" -T fields \
			-e tcp.stream -e 9p.msgtype -e 9p.tag -e frame.time_relative)
		cmd=(bash -c "set -o pipefail; $dump | awk $(printf '%q' "$pair_awk")") ;;
	plugin-rt) cmd=("$wrapper" "$plugin" "$file" -T fields -e tcp.stream -e ninep.type -e ninep.tag -e ninep.time) ;;
	plugin-srt) cmd=("$wrapper" "$plugin" "$file" -q -z 'ninep,srt') ;;
	builtin) cmd=("$wrapper" "$plugin" "$file" "${builtin[@]}") ;;
	plugin) cmd=("$wrapper" "$plugin" "$file") ;;
	*) die "unknown contender $name" ;;
	esac
}

# name:capture, in the order of one round.
if [ "$only_short" = 1 ]; then
	contenders=()
else
	contenders=(floor:small report:small exchanges:small floor:large report:large exchanges:large)
fi
contenders+=(floor:short report:short exchanges:short)
if [ -n "$baseline" ]; then
	contenders+=(report-base:short exchanges-base:short)
fi
if [ "$use_tshark" = 1 ]; then
	contenders+=(builtin-rt:small plugin-rt:small plugin-srt:small
		floor:L report:L builtin-rt:L plugin-rt:L builtin:L plugin:L)
fi

declare -A seconds_list cpu_list peak_kb
run_once() { # name capture
	local name=$1 capture=$2 t0 t1 kb
	local id=$name:$capture
	contender_command "$name" "${capture_file[$capture]}"
	# Read the capture once, untimed, so that no contender pays for the disk:
	# otherwise the first to read a capture after another evicted it from the
	# page cache (the floor, in every round) is charged for the I/O.
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
	# CPU time (user + system, every thread): ninep reads a file ahead on
	# a second thread, so its wall time can be less than its CPU time.
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

# ---- results ---------------------------------------------------------------
printf '%-12s %-6s %11s %10s %10s %9s %13s %9s\n' contender capture messages packets median_s cpu_s packets/s peak_MB
for c in "${contenders[@]}"; do
	name=${c%%:*} capture=${c#*:}
	s=$(med "$c")
	printf '%-12s %-6s %11s %10s %10.3f %9.2f %13.0f %9s\n' "$name" "$capture" "${capture_messages[$capture]}" \
		"${capture_packets[$capture]}" "$s" "$(med_cpu "$c")" \
		"$(awk -v p="${capture_packets[$capture]}" -v s="$s" 'BEGIN { print (s > 0) ? p / s : 0 }')" "$(mb "$c")"
done
echo

# verdict LABEL VALUE OP TARGET: prints the ratio and PASS/FAIL.
failures=0
verdict() {
	local label=$1 value=$2 op=$3 target=$4 ok
	ok=$(awk -v v="$value" -v t="$target" -v op="$op" 'BEGIN { print (op == "<=" ? v <= t : op == "<" ? v < t : v >= t) ? "PASS" : "FAIL" }')
	[ "$ok" = PASS ] || failures=$((failures + 1))
	printf '%-58s %9.2f   target %s %-5s %s\n' "$label" "$value" "$op" "$target" "$ok"
}
ratio() { awk -v a="$(med "$1")" -v b="$(med "$2")" 'BEGIN { print (b > 0) ? a / b : 0 }'; }
mb_of() { awk -v kb="${peak_kb[$1]}" 'BEGIN { print kb / 1024 }'; }
growth() { awk -v a="${peak_kb[$1]}" -v b="${peak_kb[$2]}" 'BEGIN { print (b - a) * 100 / a }'; }

if [ "$only_short" != 1 ]; then
echo "ratios (medians)"
verdict "ninep report / floor, small (time)" "$(ratio report:small floor:small)" '<=' "$max_report_vs_floor"
verdict "ninep report / floor, large (time)" "$(ratio report:large floor:large)" '<=' "$max_report_vs_floor"
cpu_ratio() { awk -v a="$(med_cpu "$1")" -v b="$(med_cpu "$2")" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }'; }
echo "  (CPU time, both threads, ninep report / floor: small $(cpu_ratio report:small floor:small), large $(cpu_ratio report:large floor:large))"
echo "  (ninep exchanges / floor: small $(ratio exchanges:small floor:small | xargs printf '%.2f'), large $(ratio exchanges:large floor:large | xargs printf '%.2f'))"
if [ "$use_tshark" = 1 ]; then
	verdict "tshark built-in response times / ninep report, small" "$(ratio builtin-rt:small report:small)" '>=' "$min_tshark_vs_report"
	verdict "tshark built-in response times / ninep report, 9P2000.L" "$(ratio builtin-rt:L report:L)" '>=' "$min_tshark_vs_report"
	verdict "plugin / built-in, response times (-T fields), 9P2000.L" "$(ratio plugin-rt:L builtin-rt:L)" '<=' "$max_plugin_vs_builtin"
	verdict "plugin / built-in, plain tshark -r, 9P2000.L" "$(ratio plugin:L builtin:L)" '<=' "$max_plugin_vs_builtin"
	echo "  (plugin -z ninep,srt / built-in response times, small: $(ratio plugin-srt:small builtin-rt:small | xargs printf '%.2f'))"
fi
echo
echo "memory (peak RSS, MB)"
verdict "ninep report, small" "$(mb_of report:small)" '<' "$max_peak_mb"
verdict "ninep report, large" "$(mb_of report:large)" '<' "$max_peak_mb"
verdict "ninep report growth small -> large (%)" "$(growth report:small report:large)" '<' "$max_growth_pct"
verdict "ninep exchanges, small" "$(mb_of exchanges:small)" '<' "$max_peak_mb"
verdict "ninep exchanges, large" "$(mb_of exchanges:large)" '<' "$max_peak_mb"
verdict "ninep exchanges growth small -> large (%)" "$(growth exchanges:small exchanges:large)" '<' "$max_growth_pct"
echo
fi
echo "many short connections: $short_connections (issue 18; peak RSS in MB, lines)"
verdict "ninep report, short connections (MB)" "$(mb_of report:short)" '<=' "$max_peak_mb"
verdict "ninep exchanges, short connections (MB)" "$(mb_of exchanges:short)" '<=' "$max_peak_mb"
text_lines=$("$ninep" report -q "${capture_file[short]}" | wc -l)
verdict "ninep report, short connections: text lines" "$text_lines" '<=' "$max_text_lines"
if [ -n "$baseline" ]; then
	echo "  (baseline $baseline: report $(mb report-base:short) MB, exchanges $(mb exchanges-base:short) MB," \
		"text $("$baseline" report -q "${capture_file[short]}" | wc -l) lines)"
fi
echo
if [ "$quick" = 1 ]; then
	echo "BENCH_QUICK: these sizes only smoke-test the script; the targets are about 2M and 20M messages."
fi
if [ "$use_tshark" = 1 ]; then
	echo "tshark contenders ran on the ${small_messages}-message captures only (small and L), not on the large one."
fi
echo "$failures target(s) missed"
[ "$failures" -eq 0 ]
