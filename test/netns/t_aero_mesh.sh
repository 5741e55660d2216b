#!/bin/sh
# SPDX-License-Identifier: MIT
# AERO server mesh (docs/aero.md "Servers and the mesh"): servers s1 (msid 1)
# and s2 (msid 2) list each other as [peer.NAME] with mesh = yes. Client a
# registers only with s1, b only with s2, c with both (s1 first: its hub).
# The underlay is routed through the servers' kernels: a - s1 - s2 - b, c - s1.
#  (a) s1 learns b's MNP from s2's route update and s2 learns a's: a pings b's
#      MNP through s1 and s2 (each server's peer counters show the relay);
#  (b) route optimization across the mesh: s1 answers a's NS(AR) from the
#      learned route and forwards it to s2, which tells b; a and b open a
#      direct session, and a tshark capture in both servers' namespaces shows
#      a<->b datagrams routed by their kernels and none to omnid; the
#      convergence time is printed as "# measured:";
#  (b2) a's underlay address changes: s1's route update carries the new origin
#      to s2, which tells b (Report List, §5.8) so b's entry for a follows; a
#      reload of s1 keeps the learned routes;
#  (c) b releases (SIGTERM): s2 withdraws b's route at s1 at once;
#  (d) s2 crashes (SIGKILL) and restarts: s1's route to b expires meanwhile;
#      s1 resends a's route on the new session, relearns b's once b
#      re-registers, and a reaches b again;
#  (e) c reaches a through its hub s1; s1 stops (SIGTERM), withdrawing its
#      routes at s2 at once; c's routes move to s2 and c reaches b through s2.
. "$(dirname "$0")/lib.sh"
need ping jq

LIFE=6
for n in s1 s2 a b c; do add_ns "$n"; done
link a s1 192.0.2.1 192.0.2.2 24
link s1 s2 203.0.113.1 203.0.113.2 24
link b s2 198.51.100.1 198.51.100.2 24
link c s1 100.64.1.1 100.64.1.2 24
for n in s1 s2 a b c; do genkey "$n"; done

# server_conf NAME MSID OTHER OTHER_MSID OTHER_ENDPOINT CLIENT...
server_conf() {
	_n=$1 _m=$2 _o=$3 _om=$4 _oe=$5
	shift 5
	mkdir -p "$T_DIR/$_n"
	{
		printf '[node]\nname = %s\nrole = server\nprivate_key_file = %s/private.key\n\n' "$_n" "$T_DIR/$_n"
		printf '[omni]\ntun = omni-%s\nmsid = %s\n\n[aero]\nrouter_lifetime = %s\n\n' "$_n" "$_m" "$LIFE"
		printf '[underlay.u0]\nlisten = 0.0.0.0:8060\n\n[api]\nsocket = %s/api.sock\n' "$T_DIR/$_n"
		printf '\n[peer.%s]\npublic_key = %s\nmsid = %s\nendpoint = %s\nmesh = yes\n' "$_o" \
			"$(pubkey "$_o")" "$_om" "$_oe"
		for _c in "$@"; do
			printf '\n[client.%s]\npublic_key = %s\nmnp = 2001:db8:%s::/48\n' "$_c" \
				"$(pubkey "$_c")" "$_c"
		done
	} >"$T_DIR/$_n/omnid.conf"
}
# server_of CLIENT SERVER MSID ENDPOINT
server_of() {
	printf '\n[server.%s]\npublic_key = %s\nendpoint = %s\nmsid = %s\n' "$2" "$(pubkey "$2")" "$4" "$3" \
		>>"$T_DIR/$1/omnid.conf"
}
server_conf s1 1 s2 2 203.0.113.2:8060 a c
server_conf s2 2 s1 1 203.0.113.1:8060 b c
SECURE_EXTRA="keepalive = 2" node_conf a 2001:db8:a::/48 0.0.0.0:8060
server_of a s1 1 192.0.2.2:8060
SECURE_EXTRA="keepalive = 2" node_conf b 2001:db8:b::/48 0.0.0.0:8060
server_of b s2 2 198.51.100.2:8060
node_conf c 2001:db8:c::/48 0.0.0.0:8060
server_of c s1 1 100.64.1.2:8060
server_of c s2 2 203.0.113.2:8060

for s in s1 s2; do
	nx "$s" sh -c 'echo 1 >/proc/sys/net/ipv6/conf/all/forwarding && echo 1 >/proc/sys/net/ipv4/conf/all/forwarding' ||
		fail "cannot enable forwarding on $s"
done
nx a ip route add default via 192.0.2.2
nx b ip route add default via 198.51.100.2
nx c ip route add default via 100.64.1.2
nx s1 ip route add 198.51.100.0/24 via 203.0.113.2
nx s2 ip route add 192.0.2.0/24 via 203.0.113.1
nx s2 ip route add 100.64.1.0/24 via 203.0.113.1

regs() { ctl "$1" registrations --json; }
# learned NODE MNP: NODE holds an installed route to MNP learned from the mesh
learned() { regs "$1" | jq -e ".mesh_routes[] | select(.mnp == \"$2\" and .installed)" >/dev/null; }
not_learned() { ! regs "$1" | jq -e ".mesh_routes[] | select(.mnp == \"$2\")" >/dev/null; }
mctr() { regs "$1" | jq -r ".counters[\"$2\"] // 0"; }
kroute() { nx "$1" ip -6 route show "$2" | grep -q "omni-$1"; }
registered() { [ "$(regs "$1" | jq '[.registrations[] | select(.name == "'"$2"'")] | length')" -eq 1 ]; }

start_node s1
start_node s2
start_node a
start_node b
wait_for 15 registered s1 a || fail "a did not register with s1: $(regs s1)"
wait_for 15 registered s2 b || fail "b did not register with s2: $(regs s2)"

# (a) route updates: each server learns the other's client, routed via the other server
t0=$(date +%s%N)
wait_for 15 learned s1 2001:db8:b::/48 || fail "s1 did not learn b's MNP: $(regs s1)"
wait_for 15 learned s2 2001:db8:a::/48 || fail "s2 did not learn a's MNP: $(regs s2)"
info "routes exchanged $(( ($(date +%s%N) - t0) / 1000000 )) ms after both registered"
regs s1 | jq -e '.mesh_routes[] | select(.mnp == "2001:db8:b::/48") | .anchor == "s2" and .anchor_msid == 2 and .origin == "198.51.100.1:8060" and .expires_in_ms > 0 and .expires_in_ms <= '$((LIFE * 1000)) >/dev/null ||
	fail "s1's learned route to b: $(regs s1 | jq -c .mesh_routes)"
ctl s1 registrations | grep -E "^s2 +2001:db8:b::/48 +198.51.100.1:8060 +yes" >/dev/null ||
	fail "omnictl registrations on s1 lacks the mesh route: $(ctl s1 registrations)"
ctl s1 neighbors --json | jq -e '.neighbors[] | select(.name == "s2") | .prefixes | index("2001:db8:b::/48")' >/dev/null ||
	fail "s1 does not route b's MNP to s2: $(ctl s1 neighbors --json)"
kroute s1 2001:db8:b::/48 || fail "no kernel route for b's MNP on s1"
# (a learned route is never passed on: s2 does not announce a's route back to s1)
regs s1 | jq -e '[.mesh_routes[] | select(.mnp == "2001:db8:a::/48")] | length == 0' >/dev/null ||
	fail "s1 learned its own client back: $(regs s1 | jq -c .mesh_routes)"

r12=$(peer_field s1 s2 tx_packets); r21=$(peer_field s2 s1 rx_packets)
tp0=$(date +%s%N)
wait_ping a 2001:db8:b::1 10 || fail "a cannot reach b through s1 and s2"
[ "$(peer_field s1 s2 tx_packets)" -gt "$r12" ] || fail "s1 did not relay a's packets to s2"
[ "$(peer_field s2 s1 rx_packets)" -gt "$r21" ] || fail "s2 did not receive a's packets from s1"
[ "$(peer_field s2 b tx_packets)" -ge 1 ] || fail "s2 did not forward to b"
info "(a) a -> b through s1 and s2 ok"

# (b) route optimization across the mesh (it started with a's first packet to b)
nx a ping -q -c 60 -i 0.05 -W 1 2001:db8:b::1 >/dev/null 2>&1 &
PING_PID=$!
ro_up() { regs a | jq -e '.route_optimized[] | select(.mnp == "2001:db8:b::/48") | .established' >/dev/null; }
wait_for 15 ro_up || fail "no direct a-b session: $(regs a) / s1: $(regs s1 | jq -c .counters) / s2: $(regs s2 | jq -c .counters)"
tp1=$(date +%s%N)
conv=$(regs a | jq '.route_optimized[] | select(.mnp == "2001:db8:b::/48") | .convergence_ms')
wait "$PING_PID" || true
[ "$(mctr s1 mesh_ns_forwarded)" -ge 1 ] || fail "s1 did not forward the NS(AR) to s2"
[ "$(mctr s2 mesh_ns_fwd_rx)" -ge 1 ] || fail "s2 did not act on the forwarded NS(AR)"
regs b | jq -e '.route_optimized[] | select(.mnp == "2001:db8:a::/48") | .established and (.initiator | not)' >/dev/null ||
	fail "b has no direct session with a: $(regs b)"
regs a | jq -e '.route_optimized[] | select(.mnp == "2001:db8:b::/48") | .endpoint == "198.51.100.1:8060"' >/dev/null ||
	fail "a's direct neighbor: $(regs a | jq -c .route_optimized)"
sa0=$(peer_field s1 a rx_packets); sb0=$(peer_field s2 b rx_packets)
CAPS=""
if command -v tshark >/dev/null; then
	for s in s1 s2; do
		nx "$s" tshark -q -i any -a duration:6 -w "$T_DIR/$s.pcap" -f "udp port 8060" >"$T_DIR/tshark-$s.log" 2>&1 &
		eval "CAP_$s=\$!"
		CAPS="$CAPS $s"
	done
	for s in $CAPS; do
		wait_for 10 grep -q "Capturing on" "$T_DIR/tshark-$s.log" || fail "tshark did not start in $s"
	done
	sleep 0.5
fi
# 1000-octet pings: larger than any control message (RS, NS, route update, keepalive)
nx a ping -q -c 10 -i 0.05 -W 2 -s 1000 2001:db8:b::1 >/dev/null || fail "ping a -> b on the direct path"
[ "$(peer_field s1 a rx_packets)" -eq "$sa0" ] || fail "a's packets still cross s1"
[ "$(peer_field s2 b rx_packets)" -eq "$sb0" ] || fail "b's replies still cross s2"
for s in $CAPS; do
	eval "wait \$CAP_$s"
	cap="$T_DIR/$s.pcap"
	direct=$(tshark -r "$cap" -Y "ip.src == 192.0.2.1 && ip.dst == 198.51.100.1 && udp.length > 1000" 2>/dev/null | wc -l)
	back=$(tshark -r "$cap" -Y "ip.src == 198.51.100.1 && ip.dst == 192.0.2.1 && udp.length > 1000" 2>/dev/null | wc -l)
	case $s in
	s1) mine="ip.dst == 192.0.2.2 || ip.dst == 203.0.113.1 || ip.dst == 100.64.1.2" ;;
	s2) mine="ip.dst == 198.51.100.2 || ip.dst == 203.0.113.2" ;;
	esac
	to_s=$(tshark -r "$cap" -Y "($mine) && udp.length > 1000" 2>/dev/null | wc -l)
	info "capture on $s: $direct a->b and $back b->a direct datagrams, $to_s to $s"
	[ "$direct" -ge 10 ] && [ "$back" -ge 10 ] || fail "the capture on $s shows no direct a<->b path"
	[ "$to_s" -eq 0 ] || fail "data still goes to omnid on $s ($to_s datagrams)"
done
echo "# measured: mesh route optimization converged: direct session $conv ms after the NS, $(( (tp1 - tp0) / 1000000 )) ms after the first ping"
info "(b) a <-> b data no longer crosses s1 or s2"
for s in s1 s2; do
	for k in mesh_ru_refused mesh_ns_fwd_refused mesh_stale; do
		[ "$(mctr "$s" "$k")" -eq 0 ] || fail "$s counted $k: $(regs "$s" | jq -c .counters)"
	done
done

# (b2) §5.8 across the mesh: a's underlay address changes; a re-registers with s1, s1's
# route update carries the new origin to s2, and s2 tells b (on its Report List) in a uNA.
b_ro_ep() { regs b | jq -r '.route_optimized[] | select(.mnp == "2001:db8:a::/48") | .endpoint'; }
[ "$(b_ro_ep)" = "192.0.2.1:8060" ] || fail "b's entry for a: $(regs b | jq -c .route_optimized)"
n0=$(mctr s2 mesh_na_tx); m0=$(mctr s2 mesh_ru_rx)
tm0=$(date +%s%N)
nx a ip addr del 192.0.2.1/24 dev "$LINK_a_s1"
nx a ip addr add 192.0.2.11/24 dev "$LINK_a_s1"
nx a ip route replace default via 192.0.2.2
s2_sees_a_moved() { regs s2 | jq -e '.mesh_routes[] | select(.mnp == "2001:db8:a::/48") | .origin == "192.0.2.11:8060"' >/dev/null; }
wait_for 10 s2_sees_a_moved || fail "s2 did not learn a's new origin: $(regs s2 | jq -c .mesh_routes)"
b_told() { [ "$(b_ro_ep)" = "192.0.2.11:8060" ]; }
wait_for 5 b_told || fail "b was not told a's new origin: $(regs b | jq -c .route_optimized)"
tm1=$(date +%s%N)
[ "$(mctr s2 mesh_na_tx)" -gt "$n0" ] || fail "s2 sent b no uNA about a"
wait_ping a 2001:db8:b::1 10 || fail "no a -> b after a moved"
info "(b2) a moved: b's entry for it followed via s1 -> s2 in $(( (tm1 - tm0) / 1000000 )) ms"

# a reload of s1 resets its [peer.s2]'s prefixes to the config: the learned ones come back
kill -HUP "$PID_s1"
wait_for 5 sh -c "[ \$($OMNICTL --socket $T_DIR/s1/api.sock status --json | jq '.counters.reloads') -ge 1 ]" ||
	fail "s1 did not reload"
s1_routes_b() { ctl s1 neighbors --json | jq -e '.neighbors[] | select(.name == "s2") | .prefixes | index("2001:db8:b::/48")' >/dev/null && kroute s1 2001:db8:b::/48; }
wait_for 3 s1_routes_b || fail "s1 lost b's learned route in a reload: $(ctl s1 neighbors --json)"
learned s1 2001:db8:b::/48 || fail "s1's learned routes after the reload: $(regs s1 | jq -c .mesh_routes)"
info "a reload of s1 keeps the learned routes"

# (c) b releases: s2 withdraws b's route at s1
w0=$(mctr s1 mesh_withdrawn)
stop_node b
wait_for 5 not_learned s1 2001:db8:b::/48 || fail "s1 kept b's route after b released: $(regs s1 | jq -c .mesh_routes)"
[ "$(mctr s1 mesh_withdrawn)" -eq $((w0 + 1)) ] || fail "withdrawal not counted at s1"
kroute s1 2001:db8:b::/48 && fail "s1 kept the kernel route for b's MNP"
ctl s1 neighbors --json | jq -e '.neighbors[] | select(.name == "s2") | .prefixes | index("2001:db8:b::/48") | not' >/dev/null ||
	fail "s1 still routes b's MNP to s2: $(ctl s1 neighbors --json)"
info "(c) b's release withdrew its route at s1"

# (d) s2 restarts: the route it gave s1 expires, and comes back once b registers again
start_node b
wait_for 15 learned s1 2001:db8:b::/48 || fail "s1 did not learn b's route again"
e0=$(mctr s1 mesh_expired)
stop_node s2 KILL # (a crash: no withdrawal, the route expires)
wait_for $((LIFE + 4)) not_learned s1 2001:db8:b::/48 || fail "s1's route to b did not expire without s2"
[ "$(mctr s1 mesh_expired)" -ge $((e0 + 1)) ] || fail "expiry not counted at s1"
kroute s1 2001:db8:b::/48 && fail "s1 kept the kernel route for b's MNP after it expired"
rs0=$(mctr s1 mesh_resyncs)
tr0=$(date +%s%N)
rm -f "$T_DIR/s2/api.sock" # (left behind by the SIGKILL)
start_node s2
# the restarted s2 opens a session with s1, on which s1 resends its routes
wait_for 10 learned s2 2001:db8:a::/48 || fail "s2 did not relearn a's route from s1: $(regs s2)"
ta=$(date +%s%N)
[ "$(mctr s1 mesh_resyncs)" -gt "$rs0" ] || fail "s1 did not resync with the restarted s2"
wait_for 30 registered s2 b || fail "b did not re-register with s2: $(regs s2)"
wait_for 10 learned s1 2001:db8:b::/48 || fail "s1 did not relearn b's route after s2's restart: $(regs s1)"
tr1=$(date +%s%N)
wait_ping a 2001:db8:b::1 15 || fail "no a -> b after s2's restart"
info "(d) s2 relearned a's route $(( (ta - tr0) / 1000000 )) ms and s1 b's $(( (tr1 - tr0) / 1000000 )) ms after s2 restarted"

# (e) c with both servers: its hub s1 stops, its routes move to s2
start_node c
hub_is() { regs c | jq -e '.servers[] | select(.name == "'"$1"'") | .hub and .registered' >/dev/null; }
both() { [ "$(regs c | jq '[.servers[] | select(.registered)] | length')" -eq 2 ]; }
wait_for 15 both || fail "c did not register with both servers: $(regs c)"
hub_is s1 || fail "c's hub is not s1: $(regs c)"
# each server has c locally: the route the other one announces does not replace it
wait_for 10 sh -c "$OMNICTL --socket $T_DIR/s2/api.sock registrations --json | jq -e '.mesh_routes[] | select(.mnp == \"2001:db8:c::/48\") | .installed | not' >/dev/null" ||
	fail "s2 does not hold c's route from s1 as shadowed: $(regs s2 | jq -c .mesh_routes)"
ctl s2 neighbors --json | jq -e '.neighbors[] | select(.name == "c") | .prefixes == ["2001:db8:c::/48"]' >/dev/null ||
	fail "s2 does not route c's MNP to c: $(ctl s2 neighbors --json)"
wait_ping c 2001:db8:a::1 10 || fail "c cannot reach a through its hub s1"
w0=$(mctr s2 mesh_withdrawn)
learned s2 2001:db8:a::/48 || fail "s2 has no route to a before s1 stops"
th0=$(date +%s%N)
stop_node s1
# (a shutdown withdraws s1's routes at s2 at once, before they would expire)
wait_for 2 not_learned s2 2001:db8:a::/48 || fail "s1's shutdown did not withdraw a's route at s2: $(regs s2 | jq -c .mesh_routes)"
[ "$(mctr s2 mesh_withdrawn)" -ge $((w0 + 1)) ] || fail "s1's withdrawals not counted at s2"
wait_for $((LIFE + 6)) hub_is s2 || fail "c's routes did not move to s2: $(regs c)"
th1=$(date +%s%N)
nx c ip -6 route show ::/1 | grep -q omni-c || fail "c lost its default route"
ctl c neighbors --json | jq -e '.neighbors[] | select(.name == "s2") | .prefixes == ["::/1", "8000::/1"]' >/dev/null ||
	fail "c's routes do not point at s2: $(ctl c neighbors --json)"
# (c never sent b anything before: the first packets go through its new hub)
rc0=$(peer_field s2 c rx_packets)
wait_ping c 2001:db8:b::1 15 || fail "c cannot reach b after its hub stopped"
th2=$(date +%s%N)
[ "$(peer_field s2 c rx_packets)" -gt "$rc0" ] || fail "c's packets did not go through s2"
info "(e) c's hub moved to s2 $(( (th1 - th0) / 1000000 )) ms after s1 stopped, c reached b via s2 $(( (th2 - th0) / 1000000 )) ms after"
# nothing was refused on the way (no bad route update, no bad forwarded NS)
for s in s2; do
	for k in mesh_ru_refused mesh_ns_fwd_refused; do
		[ "$(mctr "$s" "$k")" -eq 0 ] || fail "$s counted $k: $(regs "$s" | jq -c .counters)"
	done
done
echo "PASS"
