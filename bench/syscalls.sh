#!/bin/sh
# SPDX-License-Identifier: MIT
# bench/syscalls.sh - system calls per 1,000 inner packets on each omnid of a
# two-node overlay, for iperf3 TCP (1 stream) and UDP 64-byte packets, from
# `strace -c` attached to the running daemons (strace slows them down; the
# counts, not the rates, are the result). Root or unprivileged (netns lib).
# Usage: sh bench/syscalls.sh   (uses ./build; OMNID/OMNICTL override)
SRC_ROOT=${SRC_ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
export SRC_ROOT
. "$SRC_ROOT/test/netns/lib.sh"
need strace iperf3 jq
two_nodes
start_node a
start_node b
wait_ping a 10.77.0.2 10 || fail "no overlay"

measure() { # LABEL IPERF-ARGS...
	label=$1
	shift
	nx b iperf3 -s -1 -B 10.77.0.2 >/dev/null 2>&1 &
	T_PIDS="$T_PIDS $!"
	sleep 0.3
	ta0=$(counter a tun_rx_packets); tb0=$(counter b tun_tx_packets)
	eval "pa=\$PID_a; pb=\$PID_b"
	strace -c -f -U calls,errors,name -S calls -o "$T_DIR/sa.txt" -p "$pa" &
	sa=$!
	strace -c -f -U calls,errors,name -S calls -o "$T_DIR/sb.txt" -p "$pb" &
	sb=$!
	sleep 0.5
	nx a iperf3 -c 10.77.0.2 -t 4 "$@" >/dev/null 2>&1 || true
	kill -INT "$sa" "$sb"
	wait "$sa" "$sb" 2>/dev/null || true
	ta1=$(counter a tun_rx_packets); tb1=$(counter b tun_tx_packets)
	ca=$(awk '$NF == "total" { print $1 }' "$T_DIR/sa.txt")
	cb=$(awk '$NF == "total" { print $1 }' "$T_DIR/sb.txt")
	pa_n=$((ta1 - ta0)); pb_n=$((tb1 - tb0))
	printf '%-8s sender: %8s packets, %6s syscalls per 1000 | receiver: %8s packets, %6s syscalls per 1000\n' \
		"$label" "$pa_n" "$(awk -v c="$ca" -v p="$pa_n" 'BEGIN{ if (p > 0) printf "%.0f", c * 1000 / p; else print "-" }')" \
		"$pb_n" "$(awk -v c="$cb" -v p="$pb_n" 'BEGIN{ if (p > 0) printf "%.0f", c * 1000 / p; else print "-" }')"
	echo "  sender calls:   $(awk '$1 ~ /^[0-9]+$/ && $NF != "total" && n++ < 6 { printf "%s %s  ", $NF, $1 }' "$T_DIR/sa.txt")"
	echo "  receiver calls: $(awk '$1 ~ /^[0-9]+$/ && $NF != "total" && n++ < 6 { printf "%s %s  ", $NF, $1 }' "$T_DIR/sb.txt")"
}
measure "TCP" -P 1
measure "UDP64" -u -b 0 -l 64
