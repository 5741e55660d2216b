#!/bin/sh
# SPDX-License-Identifier: MIT
# AERO multilink (spec/omni-aero.md §5.7, §5.9; docs/aero.md "Multilink"):
# client a has two underlays (u0, u1) on two veths into server s's namespace,
# both towards s's one underlay address, u1 with the better link_quality;
# client b has one. With [aero] multilink = yes the server shows two paths
# for a (JSON and text). a pings b's MNP through s every 10 ms (one flow:
# Flow Label 0), on u1; a takes the veth carrying the flow down: a stops using
# it at once and tells s (Link 0 through u0), or NUD takes the path down on
# both sides, and the flow moves to the other path. The test prints the lost
# packets and the outage in ms and asserts a bound, brings the link back,
# waits for the path to come back up, and does it once more. (The mid-path
# cut, where only NUD helps, is in t_aero_ml2.sh.)
. "$(dirname "$0")/lib.sh"
need ping jq

aero_ml_topo
# every ping is one flow (no per-socket random Flow Label), so the test knows its path
nx a sh -c "echo 0 >/proc/sys/net/ipv6/auto_flowlabels" || fail "cannot set auto_flowlabels"
aero_ml_policy
for n in s a b; do genkey "$n"; done

aero_server_conf 10.9.9.9:8060 "multilink = yes" a b
node_conf a 2001:db8:a::/48 10.1.0.2:8060
printf '\n[underlay.u1]\nlisten = 10.2.0.2:8060\nlink_quality = 12\n\n[aero]\nmultilink = yes\n' >>"$T_DIR/a/omnid.conf"
aero_client_of a 10.9.9.9:8060
node_conf b 2001:db8:b::/48 198.51.100.1:8060
printf "\n[aero]\nmultilink = yes\n" >>"$T_DIR/b/omnid.conf"
aero_client_of b 10.9.9.9:8060

apaths() { ctl s neighbors --json | jq -c '[.neighbors[] | select(.name == "a") | .paths[]]'; }
nup() { apaths | jq '[.[] | select(.state != "down")] | length'; }
has_up() { [ "$(nup)" -eq "$1" ]; }
# both ends: s's two paths to a and a's two paths to s usable again
a_up() { ctl a neighbors --json | jq '[.neighbors[] | select(.name == "s") | .paths[] | select(.usable and .state != "down")] | length'; }
all_up() { has_up 2 && [ "$(a_up)" -eq 2 ]; }

start_node s
start_node a
start_node b
wait_for 10 has_up 2 || fail "s does not show two paths for a: $(apaths)"
info "s paths for a: $(apaths)"
[ "$(ctl a neighbors --json | jq '[.neighbors[] | select(.name == "s") | .paths[]] | length')" \
	-eq 2 ] || fail "a does not show two paths to s: $(ctl a neighbors --json)"
wait_ping a 2001:db8:b::1 10 || fail "a cannot reach b through s"
# the text view lists the paths under the neighbor
[ "$(ctl s neighbors | awk '/^a /{f=1;next} /^[^ ]/{f=0} f && /^  path .* underlay u0 .* reachable /' | wc -l)" -eq 2 ] ||
	fail "omnictl neighbors on s does not list a's two paths: $(ctl s neighbors)"

# cut DEV: 10 ms pings across the cut of DEV (in a's namespace); prints and bounds the loss
cut() {
	nx a ping -q -c 700 -i 0.01 -W 1 2001:db8:b::1 >"$T_DIR/ping.out" 2>&1 &
	pp=$!
	sleep 1
	nx a ip link set "$1" down
	wait "$pp" || true
	nx a ip link set "$1" up
	aero_ml_routes
	tx=$(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' "$T_DIR/ping.out")
	rx=$(sed -n 's/.* \([0-9]*\) \(packets \)\{0,1\}received.*/\1/p' "$T_DIR/ping.out")
	[ -n "$tx" ] && [ -n "$rx" ] || fail "no ping summary: $(cat "$T_DIR/ping.out")"
	lost=$((tx - rx))
	info "cut $2: $lost of $tx packets lost, outage about $((lost * 10)) ms"  >&2
	echo "$lost"
}

# flowpath: which of a's links carries the flow to b (the path whose tx counter moves)
tx_of() { ctl a neighbors --json | jq "[.neighbors[] | select(.name == \"s\") | .paths[] | select(.underlay == \"$1\") | .tx][0]"; }
flowpath() {
	u0a=$(tx_of u0) u1a=$(tx_of u1)
	nx a ping -q -c 20 -i 0.01 2001:db8:b::1 >/dev/null || fail "ping a -> b"
	u0b=$(tx_of u0) u1b=$(tx_of u1)
	[ $((u0b - u0a + u1b - u1a)) -ge 20 ] || fail "the flow is on no path: u0 $u0a->$u0b u1 $u1a->$u1b"
	if [ $((u0b - u0a)) -ge 20 ]; then dev=$VA1 fname=u0; elif [ $((u1b - u1a)) -ge 20 ]; then dev=$VA2 fname=u1; else fail "the flow moves between paths: u0 $u0a->$u0b u1 $u1a->$u1b"; fi
	info "the flow is on $fname"
}

# a's own egress: u1 has link_quality 12, u0 the default 8, so a's flows take u1
flowpath
[ "$fname" = u1 ] || fail "a's flow is not on its better underlay u1"
# Link 0 at once, or at worst NUD: quiet 1 s, then 3 probes 1 s apart (AERO_ML_*,
# common/aero_timers.h): a few seconds at most. Twice: the flow returns to its path when it
# is back up.
for round in 1 2; do
	flowpath
	l=$(cut "$dev" "$fname (the path carrying the flow)" | tail -n 1)
	[ "$l" -gt 0 ] || fail "cutting the path of the flow lost nothing: was it cut?"
	[ "$l" -lt 600 ] || fail "failover too slow: $l packets lost (bound 600 = 6 s)"
	# the path comes back (probes answered again)
	wait_for 10 all_up || fail "the cut path did not come back: $(apaths)"
done
nx a ping -q -c 50 -i 0.01 -W 1 2001:db8:b::1 >/dev/null || fail "ping after both cuts"
info "s paths for a after: $(apaths)"
echo "PASS"
