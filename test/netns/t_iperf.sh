#!/bin/sh
# SPDX-License-Identifier: MIT
# iperf3 TCP for 5 s across the overlay completes and moves data; UDP at a
# fixed rate arrives with iperf3's own integrity checks.
. "$(dirname "$0")/lib.sh"
need iperf3 jq
two_nodes
start_node a
start_node b
wait_ping a 2001:db8:b::1 10 || fail "no overlay connectivity"

nx b iperf3 -s -1 -B 2001:db8:b::1 >"$T_DIR/iperf-s.log" 2>&1 &
T_PIDS="$T_PIDS $!"
sleep 0.5
# Large pings run alongside the stream, so MTU-sized, fragmented and (with
# offloads) super-sized packets are mixed on the same path.
nx a ping -q -c 20 -i 0.2 -s 8000 2001:db8:b::1 >"$T_DIR/ping-mix.txt" 2>&1 &
pp=$!
T_PIDS="$T_PIDS $pp"
nx a timeout 30 iperf3 -c 2001:db8:b::1 -t 5 -J >"$T_DIR/tcp.json" || fail "iperf3 TCP failed"
wait "$pp" || fail "large pings during the TCP stream were lost: $(tail -2 "$T_DIR/ping-mix.txt")"
if [ "${OFFLOAD:-yes}" = no ]; then
	[ "$(counter a tun_rx_gso)" = 0 ] || fail "super-packets read with offloads off"
else
	[ "$(counter a tun_rx_gso)" -gt 0 ] || fail "no TSO super-packet was read with offloads on"
	info "offloads: $(counter a tun_rx_gso) super-packets read, $(counter b tun_tx_writes) TUN writes for $(counter b tun_tx_packets) packets"
fi
bps=$(jq '.end.sum_received.bits_per_second' "$T_DIR/tcp.json")
info "TCP 1 stream: $(echo "$bps" | awk '{printf "%.0f Mbit/s", $1/1e6}')"
awk -v b="$bps" 'BEGIN{exit !(b > 1e6)}' || fail "TCP throughput too low: $bps bit/s"

nx b iperf3 -s -1 -B 10.77.0.2 >"$T_DIR/iperf-s2.log" 2>&1 &
T_PIDS="$T_PIDS $!"
sleep 0.5
nx a timeout 30 iperf3 -c 10.77.0.2 -u -b 50M -l 1200 -t 3 -J >"$T_DIR/udp.json" ||
	fail "iperf3 UDP failed"
lost=$(jq '.end.sum.lost_percent' "$T_DIR/udp.json")
info "UDP 50 Mbit/s over IPv4 inner: lost $lost %"
awk -v l="$lost" 'BEGIN{exit !(l < 5)}' || fail "UDP loss $lost %"
echo "PASS"
