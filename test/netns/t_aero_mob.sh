#!/bin/sh
# SPDX-License-Identifier: MIT
# AERO mobility (spec/omni-aero.md §5.8, docs/aero.md): server s and clients
# a and b; a pings b's MNP every 10 ms over their route-optimized direct
# session while the test replaces a's underlay address (ip addr del/add and
# its route). a notices the change through rtnetlink, re-registers at once
# and sends b a keepalive from the new source; s records the new origin and
# sends b an unsolicited NA about a (b was on a's Report List). The test
# prints the largest gap between consecutive ping replies and asserts it is
# under 3000 ms (5000 ms over IPv6, DAD), that s's registration shows a's new origin, and that b's
# direct neighbor for a points at it. AERO_MOB_FAMILY=6 (t_aero_mob6.sh)
# runs it over IPv6 underlays, where the new address first goes through DAD.
. "$(dirname "$0")/lib.sh"
need ping jq awk

if [ "${AERO_MOB_FAMILY:-4}" = 6 ]; then
	A_OLD=fdaa::1 A_NEW=fdaa::11 S_A=fdaa::2 B_UL=fdbb::1 S_B=fdbb::2 PLEN=64
	NET_A=fdaa::/64 NET_B=fdbb::/64 WILD="[::]:8060"
	ep() { echo "[$1]:8060"; }
	# DAD holds the new address back: up to 1 s random delay + 1 s RetransTimer (RFC 4862)
	GAP_MAX=5000
	# a server endpoint on an IPv6 underlay needs [aero] msp (docs/aero.md)
	CLIENT_EXTRA='[aero]
msp = 2001:db8::/32'
else
	A_OLD=192.0.2.1 A_NEW=192.0.2.11 S_A=192.0.2.2 B_UL=198.51.100.1 S_B=198.51.100.2 PLEN=24
	NET_A=192.0.2.0/24 NET_B=198.51.100.0/24 WILD=0.0.0.0:8060
	ep() { echo "$1:8060"; }
	GAP_MAX=3000
	CLIENT_EXTRA=
fi

add_ns s
add_ns a
add_ns b
link a s $A_OLD $S_A $PLEN
link b s $B_UL $S_B $PLEN
for n in s a b; do genkey "$n"; done

aero_server_conf "$WILD" "" a b
server_conf() { # NAME ENDPOINT
	printf '\n%s\n' "$CLIENT_EXTRA" >>"$T_DIR/$1/omnid.conf"
	aero_client_of "$1" "$2"
}
# a listens on the wildcard address so its socket outlives the address it had.
node_conf a 2001:db8:a::/48 "$WILD"
server_conf a "$(ep $S_A)"
node_conf b 2001:db8:b::/48 "$(ep $B_UL)"
server_conf b "$(ep $S_B)"

nx s sh -c 'echo 1 >/proc/sys/net/ipv6/conf/all/forwarding' || fail "cannot enable forwarding"
nx s sh -c 'echo 1 >/proc/sys/net/ipv4/conf/all/forwarding' || fail "cannot enable IPv4 forwarding"
nx a ip route add $NET_B via $S_A
nx b ip route add $NET_A via $S_B

regs() { ctl "$1" registrations --json; }
s_origin() { regs s | jq -r '.registrations[] | select(.name == "a") | .origin'; }
has_regs() { [ "$(regs s | jq '.registrations | length')" -eq 2 ]; }
ro_up() { regs "$1" | jq -e '.route_optimized[] | select(.mnp == "'"$2"'") | .established' >/dev/null; }
# b's route-optimized neighbor (the one for a's MNP): FIELD
b_ro() { ctl b neighbors --json | jq -r '.neighbors[] | select(.kind == "route-optimized") | select(.prefixes | index("2001:db8:a::/48")) | .'"$1"; }

start_node s
start_node a
start_node b
wait_for 10 has_regs || fail "a and b did not register: $(regs s)"
[ "$(s_origin)" = "$(ep $A_OLD)" ] || fail "a's origin: $(s_origin)"

# a -> b goes direct (route optimization), as in t_aero_reg.sh
wait_ping a 2001:db8:b::1 10 || fail "a cannot reach b"
nx a ping -q -c 30 -i 0.05 -W 1 2001:db8:b::1 >/dev/null 2>&1 &
PING_PID=$!
wait_for 10 ro_up a 2001:db8:b::/48 || fail "no direct a-b session: $(regs a)"
wait_for 5 ro_up b 2001:db8:a::/48 || fail "b has no direct session with a: $(regs b)"
wait "$PING_PID" || true
[ "$(b_ro endpoint)" = "$(ep $A_OLD)" ] || fail "b's neighbor for a: $(ctl b neighbors --json)"
una0=$(regs s | jq '.counters.una_tx')

# 10 ms pings with reception timestamps; the minimum interval for non-root may be higher
INTERVAL=0.01
nx a ping -c 1 -i "$INTERVAL" -W 1 2001:db8:b::1 >/dev/null 2>&1 || INTERVAL=0.2
COUNT=$(awk -v i="$INTERVAL" 'BEGIN { printf "%d", 6 / i }')
nx a ping -D -n -i "$INTERVAL" -c "$COUNT" -W 1 2001:db8:b::1 >"$T_DIR/ping.out" 2>&1 &
PING_PID=$!
sleep 1.5
dev=$LINK_a_s
tm0=$(date +%s%N)
nx a ip addr del $A_OLD/$PLEN dev "$dev"
nx a ip addr add $A_NEW/$PLEN dev "$dev"
nx a ip route replace $NET_B via $S_A
info "a's underlay address replaced: $A_OLD -> $A_NEW"
new_origin() { [ "$(s_origin)" = "$(ep $A_NEW)" ]; }
wait_for 5 new_origin || fail "s still has a at $(s_origin)"
tm1=$(date +%s%N)
info "s saw a's new origin $(( (tm1 - tm0) / 1000000 )) ms after the change"
wait "$PING_PID" || true

# the largest interval between consecutive replies ([epoch.frac] timestamps)
gap=$(awk -F'[][]' '/bytes from/ { t = $2 * 1000; if (n++ && t - p > g) g = t - p; p = t }
	END { if (n < 2) print -1; else printf "%d", g }' "$T_DIR/ping.out")
replies=$(grep -c 'bytes from' "$T_DIR/ping.out" || true)
info "ping every ${INTERVAL}s: $replies replies, largest gap between replies ${gap} ms"
[ "$gap" -ge 0 ] || fail "no replies: $(tail -n 5 "$T_DIR/ping.out")"
[ "$gap" -lt "$GAP_MAX" ] || fail "gap $gap ms >= $GAP_MAX ms"
# replies after the change: the last reply is late in the run
last=$(awk -F'[][]' '/bytes from/ { t = $2 } END { printf "%.0f", t * 1000 }' "$T_DIR/ping.out")
[ "$last" -gt "$(( tm1 / 1000000 ))" ] || fail "no reply after the move"

[ "$(regs a | jq '.counters.moves')" -ge 1 ] || fail "a did not act on the change: $(regs a)"
regs a | jq -e '.servers[0] | .registered and .origin == "'"$(ep $A_NEW)"'"' >/dev/null ||
	fail "a's view of its registration: $(regs a)"
[ "$(regs s | jq '.counters.una_tx')" -gt "$una0" ] || fail "s sent b no unsolicited NA: $(regs s)"
[ "$(b_ro endpoint)" = "$(ep $A_NEW)" ] || fail "b's neighbor for a: $(ctl b neighbors --json)"
regs b | jq -e '.route_optimized[] | select(.mnp == "2001:db8:a::/48") | .endpoint == "'"$(ep $A_NEW)"'" and .established' >/dev/null ||
	fail "b's route-optimization entry for a: $(regs b)"
ro_up a 2001:db8:b::/48 || fail "a's direct session with b went: $(regs a)"
info "s: a registered at $(ep $A_NEW); b's direct neighbor follows"
echo "PASS"
