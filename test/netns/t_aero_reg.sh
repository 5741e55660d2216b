#!/bin/sh
# SPDX-License-Identifier: MIT
# AERO (docs/aero.md): one server s (role server, msid 7) and two clients a
# and b on their own veth underlays, routed through s's kernel. Both register
# (the server's /v1/registrations lists their MNPs and NAT-mapped origins); a
# pings b's MNP, first through the server, then route optimization (NS/NA with
# b's key vouched by s) moves a<->b to a direct session: s's counters and a
# tshark capture in its namespace show the data no longer crosses omnid on s,
# and the convergence time is printed; breaking the direct path sends the
# traffic back through s. A client with an unknown key (x) is refused at the
# handshake and one with a foreign MNP (c) at the OAL check, both counted;
# without its server a client's registration lapses and its default route
# goes, and it re-registers when the server is back; a reload keeps the
# registration; SIGTERM on b releases its registration (MS-Release); a killed
# client's registration expires and its route is withdrawn. The server's
# .internal responder names each registered client (a.aero.internal AAAA =
# <mnp>::1) while it is registered only: dig sees a and b after they
# register, never the unregistered c, and NXDOMAIN after b's MS-Release;
# a's name goes when its registration expires.
. "$(dirname "$0")/lib.sh"
need ping jq

LIFE=6
add_ns s
add_ns a
add_ns b
link a s 192.0.2.1 192.0.2.2 24
link b s 198.51.100.1 198.51.100.2 24
for n in s a b c x; do genkey "$n"; done

aero_server_conf 0.0.0.0:8060 "router_lifetime = $LIFE" a b c
mkdir -p "$T_DIR/s/conf.d"
printf '[node]\noverlay = aero\n\n[omni]\naddress = 2001:db8:5::1/128\n\n[dns]\nenable = yes\nlisten_port = 5353\nrate_limit = 0\n' \
	>"$T_DIR/s/conf.d/50-dns.conf"
# a short keepalive makes a dead direct path show within seconds (docs/aero.md)
SECURE_EXTRA="keepalive = 2" node_conf a 2001:db8:a::/48 192.0.2.1:8060
aero_client_of a 192.0.2.2:8060
SECURE_EXTRA="keepalive = 2" node_conf b 2001:db8:b::/48 198.51.100.1:8060
aero_client_of b 198.51.100.2:8060
# c: an allowed key but another MNP; x: a key the server does not know. Both run in a's namespace.
node_conf c 2001:db8:d::/48 192.0.2.1:8061
aero_client_of c 192.0.2.2:8060
node_conf x 2001:db8:e::/48 192.0.2.1:8062
aero_client_of x 192.0.2.2:8060

nx s sh -c 'echo 1 >/proc/sys/net/ipv6/conf/all/forwarding' || fail "cannot enable forwarding"
# The underlay is routed through s's kernel (like the Internet), so a and b can reach each
# other's underlay addresses directly once route optimization tells them where to go.
nx s sh -c 'echo 1 >/proc/sys/net/ipv4/conf/all/forwarding' || fail "cannot enable IPv4 forwarding"
nx a ip route add 198.51.100.0/24 via 192.0.2.2
nx b ip route add 192.0.2.0/24 via 198.51.100.2

start_in() { # NS NAME
	ip netns exec "$(ns "$1")" "$OMNID" --config "$T_DIR/$2/omnid.conf" >>"$T_DIR/$2/omnid.log" 2>&1 &
	pid=$!
	T_PIDS="$T_PIDS $pid"
	eval "PID_$2=$pid"
	i=0
	while ! [ -S "$T_DIR/$2/api.sock" ]; do
		kill -0 "$pid" 2>/dev/null || fail "omnid $2 exited during start"
		i=$((i + 1)); [ $i -gt 100 ] && fail "omnid $2: API socket did not appear"
		sleep 0.05
	done
}
regs() { ctl s registrations --json; }
nregs() { regs | jq '.registrations | length'; }
scount() { regs | jq -r ".counters[\"$1\"] // 0"; }
# wait_for SECONDS CMD...: until CMD succeeds
has_regs() { [ "$(nregs)" -eq "$1" ]; }
cli_registered() { [ "$(ctl "$1" registrations --json | jq -r '.servers[0].registered')" = true ]; }

start_node s
t0=$(date +%s%N)
start_node a
start_node b
wait_for 10 has_regs 2 || fail "a and b did not register: $(regs)"
t1=$(date +%s%N)
# aaaa NODE NAME: the AAAA answer of s's responder for NAME.aero.internal, asked from NODE.
aaaa() { nx "$1" dig @2001:db8:5::1 -p 5353 +time=2 +tries=1 +short AAAA "$2.aero.internal"; }
rcode() { nx "$1" dig @2001:db8:5::1 -p 5353 +time=2 +tries=1 AAAA "$2.aero.internal" | sed -n 's/.*status: \([A-Z]*\).*/\1/p'; }
info "a and b registered in $(( (t1 - t0) / 1000000 )) ms"
regs | jq -e '.registrations[] | select(.name == "a") | .mnp == "2001:db8:a::/48" and .origin == "192.0.2.1:8060"' >/dev/null ||
	fail "a's registration: $(regs)"
regs | jq -e '.registrations[] | select(.name == "b") | .origin == "198.51.100.1:8060"' >/dev/null ||
	fail "b's registration: $(regs)"
wait_for 5 cli_registered a || fail "a does not see itself registered"
wait_for 5 cli_registered b || fail "b does not see itself registered"
ctl a registrations --json | jq -e '.servers[0] | .hub and .origin == "192.0.2.1:8060" and .lifetime == '$LIFE >/dev/null ||
	fail "a's view: $(ctl a registrations --json)"
ctl s registrations | grep -q "2001:db8:b::/48" || fail "table output lacks b"
nx a ip -6 route show ::/1 | grep -q omni-a && nx a ip -6 route show 8000::/1 | grep -q omni-a ||
	fail "a has no default route (::/1, 8000::/1) via the overlay"
# Registered clients are named in the server's zone; the unregistered c is not.
wait_for 5 sh -c "ip netns exec $(ns a) dig @2001:db8:5::1 -p 5353 +time=1 +tries=1 +short AAAA a.aero.internal | grep -q ." ||
	fail "s's responder does not answer for a.aero.internal: $(rcode a a)"
[ "$(aaaa a a)" = "2001:db8:a::1" ] || fail "a.aero.internal is $(aaaa a a)"
[ "$(aaaa b b)" = "2001:db8:b::1" ] || fail "b.aero.internal is $(aaaa b b)"
[ "$(rcode a c)" = NXDOMAIN ] || fail "the unregistered c has a name: $(rcode a c)"
info "registered clients in DNS: a.aero.internal $(aaaa a a), b.aero.internal $(aaaa a b)"

# a -> b's MNP: the first packets go through the server
tp0=$(date +%s%N)
wait_ping a 2001:db8:b::1 10 || fail "a cannot reach b through the server"
[ "$(peer_field s a rx_packets)" -ge 1 ] || fail "the server did not carry a's first packets"
[ "$(peer_field s b tx_packets)" -ge 1 ] || fail "the server did not forward to b"
info "a -> b via the server ok"

# route optimization: a resolves b through the server (NS/NA with b's vouched key) and
# both switch to a direct session; the server stops carrying their data.
nx a ping -q -c 40 -i 0.05 -W 1 2001:db8:b::1 >/dev/null 2>&1 &
PING_PID=$!
ro_up() { ctl a registrations --json | jq -e '.route_optimized[] | select(.mnp == "2001:db8:b::/48") | .established' >/dev/null; }
wait_for 10 ro_up || fail "no direct a-b session: $(ctl a registrations --json)"
tp1=$(date +%s%N)
conv=$(ctl a registrations --json | jq '.route_optimized[0].convergence_ms')
info "route optimization converged: direct session $conv ms after the NS, $(( (tp1 - tp0) / 1000000 )) ms after the first ping"
wait "$PING_PID" || true
sa0=$(peer_field s a rx_packets); sb0=$(peer_field s b rx_packets)
cap=""
if command -v tshark >/dev/null; then
	# A capture in the server's namespace: the underlay datagrams a<->b are routed by
	# its kernel, none of them goes to omnid's port on s.
	cap="$T_DIR/s.pcap"
	nx s tshark -q -i any -a duration:6 -w "$cap" -f "udp port 8060" >"$T_DIR/tshark.log" 2>&1 &
	CAP_PID=$!
	wait_for 15 grep -q "Capturing on" "$T_DIR/tshark.log" || fail "tshark did not start"
	sleep 0.5
fi
# 1000-octet pings: their datagrams are larger than any control message (RS, NS, keepalive)
nx a ping -q -c 10 -i 0.05 -W 2 -s 1000 2001:db8:b::1 >/dev/null || fail "ping a -> b on the direct path"
[ "$(peer_field s a rx_packets)" -eq "$sa0" ] || fail "a's packets still cross the server"
[ "$(peer_field s b rx_packets)" -eq "$sb0" ] || fail "b's replies still cross the server"
if [ -n "$cap" ]; then
	wait "$CAP_PID"
	direct=$(tshark -r "$cap" -Y "ip.src == 192.0.2.1 && ip.dst == 198.51.100.1 && udp.length > 1000" 2>/dev/null | wc -l)
	back=$(tshark -r "$cap" -Y "ip.src == 198.51.100.1 && ip.dst == 192.0.2.1 && udp.length > 1000" 2>/dev/null | wc -l)
	to_s=$(tshark -r "$cap" -Y "(ip.dst == 192.0.2.2 || ip.dst == 198.51.100.2) && udp.length > 1000" 2>/dev/null | wc -l)
	info "capture on s: $direct a->b and $back b->a direct datagrams, $to_s to s"
	# (each datagram is seen on both veths of s, in and out, if the capture was up in time)
	[ "$direct" -ge 10 ] && [ "$back" -ge 10 ] || fail "the capture shows no direct a<->b path"
	[ "$to_s" -eq 0 ] || fail "data still goes to the server's omnid ($to_s datagrams)"
fi
ctl b registrations --json | jq -e '.route_optimized[] | select(.mnp == "2001:db8:a::/48") | .established and (.initiator | not)' >/dev/null ||
	fail "b has no direct session with a: $(ctl b registrations --json)"
ctl a neighbors --json | jq -e '[.neighbors[] | select(.kind == "route-optimized" and .established and .prefixes == ["2001:db8:b::/48"] and .endpoint == "198.51.100.1:8060")] | length == 1' >/dev/null ||
	fail "a's neighbor cache: $(ctl a neighbors --json)"
ctl a neighbors --json | jq -e '.neighbors[] | select(.name == "s") | .kind == "server" and .prefixes == ["::/1", "8000::/1"]' >/dev/null ||
	fail "a's server entry: $(ctl a neighbors --json)"
ctl s neighbors | grep -E "^b +client .* 2001:db8:b::/48" >/dev/null || fail "s's neighbor table: $(ctl s neighbors)"
info "a <-> b data no longer crosses the server"

# the direct path breaks (a loses its route to b's underlay): back to the server
actr() { ctl "$1" registrations --json | jq -r ".counters[\"$2\"] // 0"; }
f0=$(actr a ro_failed); sa0=$(peer_field s a rx_packets)
nx a ip route del 198.51.100.0/24 via 192.0.2.2
tb0=$(date +%s%N)
nx a ping -q -c 100 -i 0.1 -W 1 2001:db8:b::1 >/dev/null 2>&1 &
PING_PID=$!
wait_for 10 sh -c "[ \$($OMNICTL --socket $T_DIR/a/api.sock registrations --json | jq '.counters.ro_failed') -gt $f0 ]" ||
	fail "a kept using the dead direct path: ro_failed $(actr a ro_failed) (was $f0): $(ctl a registrations --json | jq -c .counters)"
tb1=$(date +%s%N)
kill "$PING_PID" 2>/dev/null; wait "$PING_PID" 2>/dev/null || true
# (b notices when a's packets arrive through the server: it gives the direct path up too)
wait_ping a 2001:db8:b::1 12 || fail "no a -> b via the server after the direct path died"
tb2=$(date +%s%N)
[ "$(actr b ro_abandoned)" -ge 1 ] || fail "b did not give up the direct path when a did"
[ "$(peer_field s a rx_packets)" -gt "$sa0" ] || fail "the server does not carry a's packets again"
info "dead direct path noticed after $(( (tb1 - tb0) / 1000000 )) ms, a -> b via the server again after $(( (tb2 - tb0) / 1000000 )) ms"
nx a ip route add 198.51.100.0/24 via 192.0.2.2

# refusals: a foreign MNP (c) and an unknown key (x)
# (c's packets carry the OAL source of its own MNP, so the OAL address check of the
# secured carrier drops them before the RS is read: counted per neighbor.)
m0=$(peer_field s c 'counters.drop_oal_addr // 0'); k0=$(counter s hs_unknown_key)
start_in a c
start_in a x
wait_for 10 sh -c "[ \$($OMNICTL --socket $T_DIR/s/api.sock status --json | jq '.peers[] | select(.name == \"c\") | .counters.drop_oal_addr') -gt $m0 ]" ||
	fail "c's foreign MNP was not refused: $(status_json s | jq '.peers[] | select(.name == "c")')"
wait_for 10 sh -c "[ \$($OMNICTL --socket $T_DIR/s/api.sock status --json | jq '.counters.hs_unknown_key') -gt $k0 ]" ||
	fail "x's unknown key was not counted"
[ "$(nregs)" -eq 2 ] || fail "a refused client got registered: $(regs)"
nx s ip -6 route show | grep -q "2001:db8:d::" && fail "the server routes c's foreign MNP"
stop_node c; stop_node x
info "foreign MNP and unknown key refused and counted"

# server restart: clients retry and re-register (a and b keep their direct session)
stop_node s
# the clients' registrations lapse (NUD, or the router lifetime): their default routes go
a_expired() { [ "$(ctl a registrations --json | jq -r '.servers[0].registered')" = false ]; }
wait_for $((LIFE + 2)) a_expired || fail "a's registration did not lapse without its server"
nx a ip -6 route show ::/1 | grep -q omni-a && fail "a kept its default route after the lapse"
# (lost to NUD when a sent anything within the lifetime, else expired: either is counted)
[ "$(ctl a registrations --json | jq '.servers[0] | .expirations + .nud_lost')" -ge 1 ] || fail "a's lapse not counted"
info "without the server, a's registration lapsed and its default route went"
start_node s
t2=$(date +%s%N)
wait_for 20 has_regs 2 || fail "clients did not re-register after the server restart: $(regs)"
t3=$(date +%s%N)
info "re-registered $(( (t3 - t2) / 1000000 )) ms after the server came back"
[ "$(ctl a registrations --json | jq '.servers[0].retransmits')" -ge 1 ] || fail "a never retransmitted"
wait_ping a 2001:db8:b::1 10 || fail "no a -> b after the restart"

# a reload of a keeps its registration and its default route (t_aero_reload.sh: adding
# and removing servers, the route-optimized neighbor kept)
kill -HUP "$PID_a"
wait_for 5 sh -c "[ \$($OMNICTL --socket $T_DIR/a/api.sock status --json | jq '.counters.reloads') -ge 1 ]" ||
	fail "a did not reload"
cli_registered a || fail "a lost its registration in a reload"
nx a ip -6 route show ::/1 | grep -q omni-a || fail "a lost its default route in a reload"
wait_ping a 2001:db8:b::1 5 || fail "no a -> b after a's reload"
info "reload keeps the registration"

# SIGTERM on b: MS-Release removes its registration at once
r0=$(scount released)
stop_node b
wait_for 3 has_regs 1 || fail "b's registration survived its SIGTERM: $(regs)"
[ "$(scount released)" -eq $((r0 + 1)) ] || fail "released not counted"
nx s ip -6 route show | grep -q "2001:db8:b::" && fail "b's route was not withdrawn"
[ "$(rcode a b)" = NXDOMAIN ] || fail "b.aero.internal outlived b's release: $(rcode a b)"
[ "$(aaaa a a)" = "2001:db8:a::1" ] || fail "a.aero.internal went with b's release"
info "MS-Release on SIGTERM ok"

# a killed client: its registration expires after the router lifetime
stop_node a KILL
e0=$(scount expired)
wait_for $((LIFE + 3)) has_regs 0 || fail "a's registration did not expire: $(regs)"
[ "$(scount expired)" -eq $((e0 + 1)) ] || fail "expired not counted"
nx s ip -6 route show | grep -q "2001:db8:a::" && fail "a's route was not withdrawn"
ctl s hosts | grep -q "a\.aero\.internal" && fail "a's name outlived its registration: $(ctl s hosts)"
ctl s hosts | grep -q "s\.aero\.internal" || fail "s's own name is missing: $(ctl s hosts)"
info "expiry withdraws the route"
echo "PASS"
