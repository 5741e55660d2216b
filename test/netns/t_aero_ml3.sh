#!/bin/sh
# SPDX-License-Identifier: MIT
# AERO multilink between route-optimized neighbors (spec/omni-aero.md §5.6 item
# 3, §5.8 items 1 and 3, §5.9; docs/aero.md "Multilink"). Client a has two
# underlays (u0 link_quality 4, u1 link_quality 12) into server s, client b one;
# s routes the underlay between them, so b's traffic to a goes direct after route
# optimization. Asserted: b learns a's two interfaces with a's advertised link
# qualities from s's NA (not from a), has a path to each, and sends to a's u1
# (link 12); when a takes u1 down, s's uNA carries Link 0 for it and b moves
# its flow at once: the lost 10 ms pings are printed as a "# measured:" line and
# bounded well below NUD's budget.
. "$(dirname "$0")/lib.sh"
need ping jq

aero_ml_topo
nx s sh -c "echo 1 >/proc/sys/net/ipv4/ip_forward" || fail "cannot enable IPv4 forwarding"
nx s sh -c "echo 1 >/proc/sys/net/ipv6/conf/all/forwarding" || fail "cannot enable forwarding"
# a's underlay sockets leave by their own veth, towards s and towards b
routes() {
	nx a ip route replace 10.9.9.9/32 via 10.1.0.1 dev "$VA1"
	nx a ip route replace 198.51.100.0/24 via 10.1.0.1 dev "$VA1"
	nx a ip route replace 10.9.9.9/32 via 10.2.0.1 dev "$VA2" table 100
	nx a ip route replace 198.51.100.0/24 via 10.2.0.1 dev "$VA2" table 100
}
routes
nx a ip rule add from 10.2.0.2 table 100
nx a ip route add unreachable default metric 1000 table 100
nx b ip route add 10.0.0.0/8 via 198.51.100.2
for n in a b; do nx "$n" sh -c "echo 0 >/proc/sys/net/ipv6/auto_flowlabels" || fail "auto_flowlabels"; done
for n in s a b; do genkey "$n"; done

aero_server_conf 10.9.9.9:8060 "multilink = yes" a b
UNDERLAY_EXTRA="link_quality = 4" node_conf a 2001:db8:a::/48 10.1.0.2:8060
printf '\n[underlay.u1]\nlisten = 10.2.0.2:8060\nlink_quality = 12\n\n[aero]\nmultilink = yes\n' \
	>>"$T_DIR/a/omnid.conf"
aero_client_of a 10.9.9.9:8060
node_conf b 2001:db8:b::/48 198.51.100.1:8060
printf "\n[aero]\nmultilink = yes\n" >>"$T_DIR/b/omnid.conf"
aero_client_of b 10.9.9.9:8060

# b's route-optimized neighbor for a: its paths; one field of those to a's address $1
b_paths() { ctl b neighbors --json | jq -c '[.neighbors[] | select(.kind == "route-optimized") | select(.prefixes | index("2001:db8:a::/48")) | .paths[]]'; }
b_to() { b_paths | jq "[.[] | select(.endpoint == \"$1:8060\") | .$2] | add // 0"; }
b_far() { b_paths | jq "[.[] | select(.endpoint == \"$1:8060\") | .remote.link_quality][0] // -1"; }
learned() { [ "$(b_far 10.1.0.2)" -eq 4 ] && [ "$(b_far 10.2.0.2)" -eq 12 ]; }
s_far() { ctl s neighbors --json | jq "[.neighbors[] | select(.name == \"a\") | .paths[] | select(.remote) | .remote.link_quality] | sort | join(\",\")"; }
s_has() { [ "$(s_far)" = '"4,12"' ]; }
b_u1_up() { b_paths | jq -e '[.[] | select(.endpoint == "10.2.0.2:8060" and .usable and .state == "reachable")] | length > 0' >/dev/null; }

start_node s
start_node a
start_node b
wait_for 15 s_has || fail "s did not record a's two interfaces: $(s_far)"
wait_ping b 2001:db8:a::1 10 || fail "b cannot reach a"
# b's traffic to a triggers route optimization; s's NA tells b a's interfaces
nx b ping -q -c 100 -i 0.05 -W 1 2001:db8:a::1 >/dev/null 2>&1 &
pp=$!
wait_for 10 learned || fail "b did not learn a's interfaces from s: $(b_paths)"
wait "$pp" || true
info "b's paths to a: $(b_paths)"
wait_for 10 b_u1_up || fail "b's path to a's u1 is not up: $(b_paths)"
# b -> a follows a's advertised link quality: u1
t0=$(b_to 10.1.0.2 tx) t1=$(b_to 10.2.0.2 tx)
nx b ping -q -c 50 -i 0.01 -W 1 2001:db8:a::1 >/dev/null || fail "ping b -> a"
d0=$(($(b_to 10.1.0.2 tx) - t0)) d1=$(($(b_to 10.2.0.2 tx) - t1))
info "b -> a direct: $d1 on a's u1 (link 12), $d0 on a's u0 (link 4)"
[ "$d1" -ge 50 ] && [ "$d0" -lt 5 ] || fail "b's direct traffic does not follow a's attributes"

# a takes u1 down: Link 0 to s through u0, s's uNA to b, b moves its flow
una0=$(ctl s registrations --json | jq '.counters.una_tx')
nx b ping -q -c 500 -i 0.01 -W 1 2001:db8:a::1 >"$T_DIR/ping.out" 2>&1 &
pp=$!
sleep 1
nx a ip link set "$VA2" down
wait "$pp" || true
tx=$(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' "$T_DIR/ping.out")
rx=$(sed -n 's/.* \([0-9]*\) \(packets \)\{0,1\}received.*/\1/p' "$T_DIR/ping.out")
[ -n "$tx" ] && [ -n "$rx" ] || fail "no ping summary: $(cat "$T_DIR/ping.out")"
lost=$((tx - rx))
una1=$(ctl s registrations --json | jq '.counters.una_tx')
echo "# measured: direct neighbor b -> a, a takes the carrying underlay down (Link 0 via s's uNA): $lost of $tx pings at 10 ms lost (~$((lost * 10)) ms)"
[ "$(b_far 10.2.0.2)" -eq 0 ] || fail "b did not learn Link 0 for a's u1: $(b_paths)"
[ "$una1" -gt "$una0" ] || fail "s sent no uNA: $una0 -> $una1"
[ "$lost" -lt 50 ] || fail "direct failover lost $lost (bound 50 = 0.5 s; NUD would take seconds)"
nx a ip link set "$VA2" up
routes
back() { [ "$(b_far 10.2.0.2)" -eq 12 ] && b_u1_up; }
wait_for 10 back || fail "a's u1 did not come back at b: $(b_paths)"
nx b ping -q -c 20 -i 0.01 -W 1 2001:db8:a::1 >/dev/null || fail "ping b -> a at the end"
echo "PASS"
