#!/bin/sh
# SPDX-License-Identifier: MIT
# bench/cpu_split.sh - where the CPU goes in the two-node benchmark topology:
# per-process CPU (user+system, % of ONE core) of both omnid daemons and both
# iperf3 ends, plus the whole machine's busy and steal share, sampled from
# /proc over the middle of an iperf3 run (TCP 1 stream, TCP 4 streams, UDP
# 64-byte payload at -b 0). "other" is machine busy minus the four processes:
# softirq work the kernel does not charge to them (veth, ksoftirqd) and other
# tenants of the machine. Root or unprivileged (netns lib).
# Usage: sh bench/cpu_split.sh   (uses ./build; OMNID/OMNICTL override;
#        OMNI_EXTRA_A / OMNI_EXTRA_B add [omni] keys, e.g. "workers = 2";
#        SECS = measured seconds per run, default 4; PIN_A / PIN_B = CPU list
#        each daemon is pinned to with taskset, e.g. PIN_A=0 PIN_B=1)
# TCPbidir is one stream each way (the result is their sum): the case where
# each daemon has work in both directions. "usr% a/b" is the user-space part
# of omnid-a / omnid-b (the rest of their CPU is system calls and the kernel
# work charged to them: TUN, UDP, veth). "out% a/b" is the share of each
# daemon's inner packets that went TUN->UDP (the rest went UDP->TUN): how much
# a split of the data path by direction could spread.
# shellcheck disable=SC1091,SC2034,SC2154  # lib.sh is sourced: it reads LOG_LEVEL, sets PID_*
SRC_ROOT=${SRC_ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
export SRC_ROOT
. "$SRC_ROOT/test/netns/lib.sh"
need iperf3 awk jq
SECS=${SECS:-4}
HZ=$(getconf CLK_TCK)
NCPU=$(getconf _NPROCESSORS_ONLN)
LOG_LEVEL=warn
two_nodes
start_node a
start_node b
wait_ping a 10.77.0.2 10 || fail "no overlay"
if [ -n "${PIN_A:-}${PIN_B:-}" ]; then
	need taskset
	[ -z "${PIN_A:-}" ] || taskset -a -p -c "$PIN_A" "$PID_a" >/dev/null || fail "taskset a"
	[ -z "${PIN_B:-}" ] || taskset -a -p -c "$PIN_B" "$PID_b" >/dev/null || fail "taskset b"
	info "omnid-a on CPU ${PIN_A:-any}, omnid-b on CPU ${PIN_B:-any}"
fi

# ticks PID: utime+stime of every thread of PID, in clock ticks (0 if gone).
ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
# uticks PID: utime alone (user space: crypto, codecs; the rest is the kernel's work).
uticks() { awk '{ sub(/^.*\) /, ""); print $12 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
# machine: "busy steal total" jiffies summed over all CPUs.
machine() { awk '$1 == "cpu" { t = 0; for (i = 2; i <= 9; i++) t += $i
	print t - $5 - $6 - $9, $9, t }' /proc/stat; }
# dir NAME: "inner packets out (TUN->UDP) in (UDP->TUN)" of node NAME so far.
dir() { status_json "$1" | jq -r '"\(.counters.tun_rx_packets) \(.counters.tun_tx_packets)"'; }
# share O0 I0 O1 I1: % of the packets in the window that went TUN->UDP.
share() { awk -v a="$1" -v b="$2" -v c="$3" -v d="$4" \
	'BEGIN { o = c - a; i = d - b; printf "%.0f", ((o + i) > 0 ? o * 100 / (o + i) : 0) }'; }
pct() { awk -v a="$1" -v b="$2" -v hz="$HZ" -v s="$3" \
	'BEGIN { printf "%.0f", (b - a) * 100 / hz / s }'; }

FMT='%-8s %10s %7s %7s %8s %8s %6s %6s %6s %13s %9s\n'
# shellcheck disable=SC2059  # one format for the header and the rows
printf "$FMT" run result omnid-a omnid-b iperf-c iperf-s other busy% steal% 'usr% a/b' 'out% a/b'
measure() { # LABEL IPERF-ARGS...
	label=$1
	shift
	ip netns exec "$(ns b)" iperf3 -s -1 -B 10.77.0.2 >/dev/null 2>&1 &
	srv=$!
	T_PIDS="$T_PIDS $srv"
	sleep 0.3
	ip netns exec "$(ns a)" iperf3 -c 10.77.0.2 -t $((SECS + 2)) -J "$@" >"$T_DIR/$label.json" 2>&1 &
	cli=$!
	T_PIDS="$T_PIDS $cli"
	sleep 1
	eval "pa=\$PID_a; pb=\$PID_b"
	a0=$(ticks "$pa"); b0=$(ticks "$pb"); c0=$(ticks "$cli"); s0=$(ticks "$srv")
	ua0=$(uticks "$pa"); ub0=$(uticks "$pb")
	read -r ao0 ai0 <<EOF
$(dir a)
EOF
	read -r bo0 bi0 <<EOF
$(dir b)
EOF
	read -r m0 st0 t0 <<EOF
$(machine)
EOF
	sleep "$SECS"
	a1=$(ticks "$pa"); b1=$(ticks "$pb"); c1=$(ticks "$cli"); s1=$(ticks "$srv")
	ua1=$(uticks "$pa"); ub1=$(uticks "$pb")
	read -r ao1 ai1 <<EOF
$(dir a)
EOF
	read -r bo1 bi1 <<EOF
$(dir b)
EOF
	read -r m1 st1 t1 <<EOF
$(machine)
EOF
	wait "$cli" 2>/dev/null || true
	wait "$srv" 2>/dev/null || true
	case $label in
		UDP*) res=$(jq -r '.end.sum.packets as $p | .end.sum.seconds as $s |
			.end.sum.lost_percent as $l | "\((($p / $s) * (100 - $l) / 100 / 1000) | floor)kpps"' \
			"$T_DIR/$label.json" 2>/dev/null) ;;
		*) res=$(jq -r '"\(((.end.sum_received.bits_per_second +
			(.end.sum_received_bidir_reverse.bits_per_second // 0)) / 1e6) | floor)Mb/s"' \
			"$T_DIR/$label.json" 2>/dev/null) ;;
	esac
	# machine figures in % of one core, like the processes (NCPU * 100 = all busy)
	busy=$(awk -v a="$m0" -v b="$m1" -v ta="$t0" -v tb="$t1" -v n="$NCPU" \
		'BEGIN { printf "%.0f", (b - a) * 100 * n / (tb - ta) }')
	steal=$(awk -v a="$st0" -v b="$st1" -v ta="$t0" -v tb="$t1" -v n="$NCPU" \
		'BEGIN { printf "%.0f", (b - a) * 100 * n / (tb - ta) }')
	pa_=$(pct "$a0" "$a1" "$SECS"); pb_=$(pct "$b0" "$b1" "$SECS")
	pc_=$(pct "$c0" "$c1" "$SECS"); ps_=$(pct "$s0" "$s1" "$SECS")
	other=$((busy - pa_ - pb_ - pc_ - ps_))
	# shellcheck disable=SC2059
	printf "$FMT" "$label" "${res:--}" "$pa_" "$pb_" "$pc_" \
		"$ps_" "$other" "$busy" "$steal" "$(pct "$ua0" "$ua1" "$SECS")/$(pct "$ub0" "$ub1" "$SECS")" \
		"$(share "$ao0" "$ai0" "$ao1" "$ai1")/$(share "$bo0" "$bi0" "$bo1" "$bi1")"
}
measure TCP1 -P 1
measure TCP4 -P 4
measure TCPbidir -P 1 --bidir
measure UDP64 -u -b 0 -l 64
echo "# CPU in % of one core over ${SECS}s; the machine has $NCPU CPUs (= $((NCPU * 100))%)"
