#!/bin/sh
# SPDX-License-Identifier: MIT
# AERO behind NATs (spec/omni-aero.md §5.10, docs/aero.md): server s routes
# three NAT namespaces (nftables masquerade): a and d behind endpoint-
# independent NATs (Linux masquerade keeps the source port), c behind a
# symmetric one (masquerade fully-random: a new port per destination). All
# three register through their NAT and the server records the NAT-mapped
# origins; pings between them work through the server. Route optimization
# between a and d (both NATed, EIM) comes up by hole punching: the server
# tells both at once, each one's handshake opens its own NAT towards the
# other's mapped origin, and the retransmission gets through. Between a and
# c (symmetric) it fails (ro_failed) and the traffic stays relayed by s.
# When a's NAT rebinds to a new address, s follows a's session to the new
# origin and sends uNAs, so d's neighbor entry follows too. With a 3 s UDP
# timeout on a's NAT, a's NAT keepalive keeps it reachable from s while idle,
# and keeps the idle direct a-d session open (no fallback to s).
. "$(dirname "$0")/lib.sh"
need ping jq nft

for n in s na nc nd; do router "$n"; done
for n in a c d; do add_ns "$n"; done
link a na 10.0.1.1 10.0.1.254 24
link c nc 10.0.2.1 10.0.2.254 24
link d nd 10.0.3.1 10.0.3.254 24
link na s 192.0.2.1 192.0.2.2 24
link nc s 203.0.113.1 203.0.113.2 24
link nd s 198.51.100.1 198.51.100.2 24
for n in s a c d; do genkey "$n"; done

nat na s eim
nat nc s symmetric
nat nd s eim
route_via na default 192.0.2.2
route_via nc default 203.0.113.2
route_via nd default 198.51.100.2
route_via a default 10.0.1.254
route_via c default 10.0.2.254
route_via d default 10.0.3.254

aero_server_conf 0.0.0.0:8060 "" a c d
client() { # NAME SERVER_ENDPOINT
	node_conf "$1" "2001:db8:$1::/48" 0.0.0.0:8060
	aero_client_of "$1" "$2"
}
# Each client reaches s at the address on its NAT's side.
client a 192.0.2.2:8060
printf '\n[aero]\nnat_keepalive = 2\n' >>"$T_DIR/a/omnid.conf"
client c 203.0.113.2:8060
client d 198.51.100.2:8060

regs() { ctl "$1" registrations --json; }
origin() { regs s | jq -r '.registrations[] | select(.name == "'"$1"'") | .origin'; }
has_regs() { [ "$(regs s | jq '.registrations | length')" -eq 3 ]; }
ro_up() { regs "$1" | jq -e '.route_optimized[] | select(.mnp == "'"$2"'") | .established' >/dev/null; }
cnt() { regs "$1" | jq ".counters.$2"; }

start_node s
for n in a c d; do start_node "$n"; done
wait_for 10 has_regs || fail "a, c and d did not register: $(regs s)"
# The server sees the NATs' addresses, not the clients' private ones.
oa=$(origin a) oc=$(origin c) od=$(origin d)
info "origins: a $oa, c $oc, d $od"
case $oa in 192.0.2.1:*) ;; *) fail "a's origin $oa is not its NAT's" ;; esac
case $oc in 203.0.113.1:*) ;; *) fail "c's origin $oc is not its NAT's" ;; esac
case $od in 198.51.100.1:*) ;; *) fail "d's origin $od is not its NAT's" ;; esac
regs a | jq -e '.servers[0].origin == "'"$oa"'"' >/dev/null || fail "a's RA origin: $(regs a)"

# Reachable through the NATs (via the server first).
wait_ping d 2001:db8:a::1 10 || fail "d cannot reach a behind its NAT"
wait_ping a 2001:db8:c::1 10 || fail "a cannot reach c behind its NAT"
info "d -> a and a -> c through the server ok"

# EIM NATs on both sides: route optimization punches through.
nx d ping -q -c 40 -i 0.05 -W 1 2001:db8:a::1 >/dev/null 2>&1 &
P1=$!
wait_for 10 ro_up d 2001:db8:a::/48 || fail "no direct d-a session through the NATs: $(regs d)"
wait_for 5 ro_up a 2001:db8:d::/48 || fail "a has no direct session with d: $(regs a)"
wait "$P1" || true
regs d | jq -e '.route_optimized[] | select(.mnp == "2001:db8:a::/48") | .endpoint == "'"$oa"'"' >/dev/null ||
	fail "d's direct neighbor is not at a's mapped origin: $(regs d)"
info "a <-> d (both NATed, endpoint-independent): direct after $(regs d | jq '.route_optimized[] | select(.mnp == "2001:db8:a::/48") | .convergence_ms') ms"
# The data between them no longer crosses s.
rx0=$(peer_field s d rx_packets)
nx d ping -q -c 20 -i 0.05 -W 1 2001:db8:a::1 >/dev/null 2>&1 || fail "d -> a on the direct path"
rx1=$(peer_field s d rx_packets)
[ $((rx1 - rx0)) -lt 5 ] || fail "s still carried $((rx1 - rx0)) of d's packets"

# NAT rebinding: a's NAT gets a new public address (its old mappings go). a itself sees no
# change; the server follows a's session to the new origin as soon as a sends it anything,
# and tells d (on a's Report List) and a about each other again.
una0=$(cnt s una_tx) moves0=$(cnt a moves)
nx na ip addr del 192.0.2.1/24 dev "$LINK_na_s"
nx na ip addr add 192.0.2.5/24 dev "$LINK_na_s"
route_via na default 192.0.2.2
nx a ping -c 1 -W 2 2001:db8:c::1 >/dev/null 2>&1 || true # relayed by s: a's session roams
rebound() { [ "$(origin a)" = "192.0.2.5:8060" ]; }
wait_for 5 rebound || fail "s did not follow a's session: $(origin a)"
[ "$(cnt s una_tx)" -ge $((una0 + 2)) ] || fail "s sent no unsolicited NAs: $(regs s)"
[ "$(cnt a moves)" -eq "$moves0" ] || fail "a saw a change of its own"
d_sees() { regs d | jq -e '.route_optimized[] | select(.mnp == "2001:db8:a::/48") | .endpoint == "192.0.2.5:8060"' >/dev/null; }
wait_for 3 d_sees || fail "d was not told a's new origin: $(regs d)"
wait_ping d 2001:db8:a::1 20 || fail "d cannot reach a after the rebinding"
direct=relayed; ro_up d 2001:db8:a::/48 && direct=direct
info "a's NAT rebound to 192.0.2.5: s and d follow, d -> a works ($direct)"

# Symmetric NAT on c's side: the handshakes cannot meet, the traffic stays relayed.
f0=$(cnt a ro_failed)
nx a ping -q -c 260 -i 0.05 -W 1 2001:db8:c::1 >"$T_DIR/ping_ac.out" 2>&1 &
P2=$!
failed() { [ "$(cnt a ro_failed)" -gt "$f0" ]; }
wait_for 15 failed || fail "a-c: no ro_failed: $(regs a)"
ro_up a 2001:db8:c::/48 && fail "a-c direct through a symmetric NAT?"
wait "$P2" || true
grep -q ' 0% packet loss' "$T_DIR/ping_ac.out" || grep -Eq ' [0-4]% packet loss' "$T_DIR/ping_ac.out" ||
	fail "a -> c lost packets while relayed: $(tail -n 2 "$T_DIR/ping_ac.out")"
info "a <-> c (c behind a symmetric NAT): route optimization failed, $(grep 'packet loss' "$T_DIR/ping_ac.out" | cut -d, -f3) via the server"

# NAT keepalive (§5.10): a's NAT forgets idle UDP mappings after 3 s; a ([aero]
# nat_keepalive = 2) keeps the one s reaches it through open while it sends nothing.
nat_udp_timeout na 3
nx na ip addr del 192.0.2.5/24 dev "$LINK_na_s" # a fresh mapping, with the short timeout
nx na ip addr add 192.0.2.6/24 dev "$LINK_na_s"
route_via na default 192.0.2.2
nx a ping -c 1 -W 2 2001:db8:c::1 >/dev/null 2>&1 || true
rebound6() { [ "$(origin a)" = "192.0.2.6:8060" ]; }
wait_for 5 rebound6 || fail "s did not follow a's session: $(origin a)"
k0=$(cnt a nat_keepalives)
sleep 6
[ "$(cnt a nat_keepalives)" -ge $((k0 + 2)) ] || fail "a sent no NAT keepalives: $(regs a)"
nx c ping -c 1 -W 2 2001:db8:a::1 >/dev/null 2>&1 || fail "s cannot reach a after 6 s idle: the NAT mapping went"
info "NAT keepalive: a stays reachable through a NAT with a 3 s UDP timeout"

# The same for the direct a-d session: while its route-optimized entry lives, a keeps it
# open with keepalives through its NAT (3 s timeout), so d's packets after 6 s of silence
# still go straight to a instead of falling back to s (or into a closed NAT).
d_at6() { regs d | jq -e '.route_optimized[] | select(.mnp == "2001:db8:a::/48") | .established and .endpoint == "192.0.2.6:8060"' >/dev/null; }
nx d ping -q -c 20 -i 0.1 -W 1 2001:db8:a::1 >/dev/null 2>&1 || true
wait_for 15 d_at6 || { nx d ping -q -c 20 -i 0.1 -W 1 2001:db8:a::1 >/dev/null 2>&1; wait_for 15 d_at6; } ||
	fail "no direct d-a session to a's new origin: $(regs d)"
wait_for 5 ro_up a 2001:db8:d::/48 || fail "a has no direct session with d: $(regs a)"
rk0=$(cnt a ro_keepalives) rf0=$(cnt d ro_failed) rx0=$(peer_field s d rx_packets)
sleep 6
[ "$(cnt a ro_keepalives)" -ge $((rk0 + 2)) ] || fail "a sent d no keepalives while idle: $(regs a)"
nx d ping -q -c 20 -i 0.1 -W 1 2001:db8:a::1 >"$T_DIR/ping_da.out" 2>&1 ||
	fail "d -> a after 6 s idle: $(tail -n 2 "$T_DIR/ping_da.out")"
rx1=$(peer_field s d rx_packets)
[ $((rx1 - rx0)) -lt 5 ] || fail "after 6 s idle s carried $((rx1 - rx0)) of d's packets: the direct path closed"
[ "$(cnt d ro_failed)" -eq "$rf0" ] || fail "d's direct session to a failed while idle"
d_at6 || fail "d's direct session with a went: $(regs d)"
info "direct d-a session kept through a's NAT by $(( $(cnt a ro_keepalives) - rk0 )) keepalives in 6 s idle"
echo "PASS"
