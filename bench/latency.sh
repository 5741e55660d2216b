# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# latency.sh - sourced by peers.sh (through bench/extra.sh): after each
# overlay's tunnel comes up, measure ping RTT through it idle and while an
# iperf3 TCP stream loads it, and append "peer idle_avg idle_max load_avg
# load_max" (ms) to $LAT_TSV. Wraps the harness's wait_tunnel; bash's
# dynamic scoping lets it read run_overlay's local $name.
LAT_TSV=${LAT_TSV:-/dev/null}
eval "lat_orig_wait_tunnel() $(declare -f wait_tunnel | tail -n +2)"
lat_ping() { # -> "avg max" in ms
	ip netns exec "$NS_A" ping -q -c 40 -i 0.05 -W 1 "$OVERLAY_DST" 2>/dev/null |
		awk -F'[/ ]' '/^rtt|^round-trip/ { print $8, $9 }'
}
wait_tunnel() {
	lat_orig_wait_tunnel || return $?
	local idle load srv cli
	sleep 0.5
	idle=$(lat_ping)
	ip netns exec "$NS_B" iperf3 -s -1 -p 5299 >/dev/null 2>&1 &
	srv=$!
	sleep 0.3
	ip netns exec "$NS_A" iperf3 -c "$OVERLAY_DST" -p 5299 -t 4 >/dev/null 2>&1 &
	cli=$!
	sleep 0.5
	load=$(lat_ping)
	wait "$cli" 2>/dev/null
	kill "$srv" 2>/dev/null
	wait "$srv" 2>/dev/null
	printf '%s\t%s\t%s\n' "${name:-?}" "${idle:-- -}" "${load:-- -}" | tr ' ' '\t' >>"$LAT_TSV"
	log "${name:-?}: ping RTT idle avg/max ${idle:-?} ms, under TCP load ${load:-?} ms"
	return 0
}
