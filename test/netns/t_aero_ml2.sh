#!/bin/sh
# SPDX-License-Identifier: MIT
# AERO multilink, the far side's view (spec/omni-aero.md §4.5, §5.7, §5.8 item 1,
# §5.9; docs/aero.md "Multilink"). Client a has two underlays into server s (u0
# link_quality 4 with dscp_pref ef=3, u1 link_quality 12), client b one; all
# s and a run [aero] multilink = yes, b does not. a registers both underlays
# (one RS each) and s records a's Interface Attributes per ifIndex. Asserted:
#  (a) s's traffic to a follows a's advertised link quality: replies from eight
#      addresses of b (eight flows) all reach a on its u1 address, none on u0;
#  (b) EF replies (ping -Q 0xb8) reach a on u0, per a's advertised preference;
#  (c) a one-way cut (nftables in s drops a's datagrams from u1 only; s still
#      reaches a there): a's u1 path goes down although a keeps hearing s on it,
#      and the flow moves;
#  (d) a mid-path cut of u1 in both directions (NUD budget) vs. a taking its u1
#      interface down itself (Link 0 through u0 at once): the lost 10 ms pings of
#      each are printed as "# measured:" lines; the interface-down loss is bounded
#      well below the NUD budget;
#  (e) s's registration origin for a does not move as flows shift, and s's one
#      path to b (no multilink) stays reachable: b echoes s's probes.
. "$(dirname "$0")/lib.sh"
need ping jq nft

aero_ml_topo
aero_ml_policy
nx a sh -c "echo 0 >/proc/sys/net/ipv6/auto_flowlabels" || fail "cannot set auto_flowlabels"
nx b sh -c "echo 0 >/proc/sys/net/ipv6/auto_flowlabels" || fail "cannot set auto_flowlabels"
for n in s a b; do genkey "$n"; done

aero_server_conf 10.9.9.9:8060 "multilink = yes" a b
UNDERLAY_EXTRA="link_quality = 4
dscp_pref = ef=3" node_conf a 2001:db8:a::/48 10.1.0.2:8060
printf '\n[underlay.u1]\nlisten = 10.2.0.2:8060\nlink_quality = 12\n\n[aero]\nmultilink = yes\n' \
	>>"$T_DIR/a/omnid.conf"
aero_client_of a 10.9.9.9:8060
# b runs without multilink (a mixed deployment)
node_conf b 2001:db8:b::/48 198.51.100.1:8060
aero_client_of b 10.9.9.9:8060

# s's paths to a, and one field of the path(s) to a's address $1 (summed)
apaths() { ctl s neighbors --json | jq -c '[.neighbors[] | select(.name == "a") | .paths[]]'; }
s_to() { apaths | jq "[.[] | select(.endpoint == \"$1:8060\") | .$2] | add // 0"; }
far_link() { apaths | jq "[.[] | select(.endpoint == \"$1:8060\") | .remote.link_quality][0] // -1"; }
a_u1() { ctl a neighbors --json | jq -c "[.neighbors[] | select(.name == \"s\") | .paths[] | select(.underlay == \"u1\")][0]"; }
nusable() { apaths | jq '[.[] | select(.usable)] | length'; }
has_attrs() { [ "$(far_link 10.1.0.2)" -eq 4 ] && [ "$(far_link 10.2.0.2)" -eq 12 ]; }
both_up() { [ "$(nusable)" -eq 2 ] && [ "$(a_u1 | jq -r .state)" = reachable ]; }

start_node s
start_node a
start_node b
wait_for 15 has_attrs || fail "s did not record a's Interface Attributes per path: $(apaths)"
info "s paths for a: $(apaths)"
wait_for 10 both_up || fail "paths not up: s $(apaths) a $(a_u1)"
wait_ping a 2001:db8:b::1 10 || fail "a cannot reach b through s"
# the text view names the far side's attributes
ctl s neighbors | grep -q "10.2.0.2:8060 .* far if 2 link 12" ||
	fail "omnictl neighbors on s does not show a's attributes: $(ctl s neighbors)"

# (a) eight flows (b answers from eight addresses): s sends every reply to a's u1 address
for i in 1 2 3 4 5 6 7 8; do nx b ip -6 addr add "2001:db8:b::$((i + 10))/128" dev lo; done
u0=$(s_to 10.1.0.2 tx) u1=$(s_to 10.2.0.2 tx)
for i in 1 2 3 4 5 6 7 8; do
	nx a ping -q -c 10 -i 0.01 -W 1 "2001:db8:b::$((i + 10))" >/dev/null ||
		fail "ping a -> b::$((i + 10))"
done
d0=$(($(s_to 10.1.0.2 tx) - u0)) d1=$(($(s_to 10.2.0.2 tx) - u1))
info "(a) s -> a, 8 flows x 10 replies: $d1 on a's u1 (link 12), $d0 on a's u0 (link 4)"
[ "$d1" -ge 80 ] || fail "(a) replies not on a's advertised better link: u1 $d1 u0 $d0"
[ "$d0" -lt 5 ] || fail "(a) replies spread onto a's worse link: u1 $d1 u0 $d0"

# (b) EF: a prefers u0 for it (ef=3 against the default 2), s follows
u0=$(s_to 10.1.0.2 tx) u1=$(s_to 10.2.0.2 tx)
nx a ping -q -c 50 -i 0.01 -W 1 -Q 0xb8 2001:db8:b::1 >/dev/null || fail "EF ping a -> b"
e0=$(($(s_to 10.1.0.2 tx) - u0)) e1=$(($(s_to 10.2.0.2 tx) - u1))
u0=$(s_to 10.1.0.2 tx) u1=$(s_to 10.2.0.2 tx)
nx a ping -q -c 50 -i 0.01 -W 1 2001:db8:b::1 >/dev/null || fail "default ping a -> b"
f0=$(($(s_to 10.1.0.2 tx) - u0)) f1=$(($(s_to 10.2.0.2 tx) - u1))
info "(b) s -> a: EF $e0 on u0, $e1 on u1; default DSCP $f0 on u0, $f1 on u1"
[ "$e0" -ge 50 ] && [ "$e1" -lt 5 ] || fail "(b) EF replies not on a's EF-preferred u0"
[ "$f1" -ge 50 ] && [ "$f0" -lt 5 ] || fail "(b) default replies not on u1"

# ping_bg N: N pings 10 ms apart from a to b in the background (for the cuts)
ping_bg() {
	nx a ping -q -c "$1" -i 0.01 -W 1 2001:db8:b::1 >"$T_DIR/ping.out" 2>&1 &
	pp=$!
}
# lost: waits for the background pings, sets L to the number lost
lost() {
	wait "$pp" || true
	tx=$(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' "$T_DIR/ping.out")
	rx=$(sed -n 's/.* \([0-9]*\) \(packets \)\{0,1\}received.*/\1/p' "$T_DIR/ping.out")
	[ -n "$tx" ] && [ -n "$rx" ] || fail "no ping summary: $(cat "$T_DIR/ping.out")"
	L=$((tx - rx))
}
nft_s() { nx s nft "$@"; }
nft_s add table inet mlt
nft_s add chain inet mlt in '{ type filter hook input priority 0; }'
nft_s add chain inet mlt out '{ type filter hook output priority 0; }'

# (c) one-way: s drops what a sends from u1; s -> a on u1 still works
rx0=$(a_u1 | jq .rx)
ping_bg 500
sleep 1
nft_s add rule inet mlt in ip saddr 10.2.0.2 udp sport 8060 drop
lost
l=$L
st=$(a_u1 | jq -r .state) rx1=$(a_u1 | jq .rx)
info "(c) one-way cut of a -> s on u1: $l of 500 pings lost; a's u1 path $st, a heard s on it $((rx1 - rx0)) times"
[ "$st" = down ] || fail "(c) a's u1 path is $st after a one-way cut: $(a_u1)"
[ $((rx1 - rx0)) -gt 3 ] || fail "(c) a did not keep hearing s on u1 (not one-way?): $(a_u1)"
[ "$l" -gt 0 ] || fail "(c) the one-way cut lost nothing: was the flow on u1?"
[ "$l" -lt 450 ] || fail "(c) the flow did not move off the one-way path: $l lost"
nft_s flush chain inet mlt in
wait_for 10 both_up || fail "(c) u1 did not come back: $(apaths) $(a_u1)"

# (d1) mid-path cut of u1 (both directions, in s): NUD on both sides
ping_bg 600
sleep 1
nft_s add rule inet mlt in ip saddr 10.2.0.2 drop
nft_s add rule inet mlt out ip daddr 10.2.0.2 drop
lost
nud=$L
echo "# measured: mid-path cut of the carrying underlay (NUD): $nud of 600 pings at 10 ms lost (~$((nud * 10)) ms)"
nft_s flush chain inet mlt in
nft_s flush chain inet mlt out
wait_for 10 both_up || fail "(d) u1 did not come back after the mid-path cut: $(apaths) $(a_u1)"
[ "$nud" -gt 0 ] && [ "$nud" -lt 550 ] || fail "(d) mid-path cut: $nud lost"

# (d2) a takes its u1 interface down: Link 0 goes to s through u0 at once
ping_bg 600
sleep 1
nx a ip link set "$VA2" down
lost
down=$L
echo "# measured: client takes the carrying underlay down (ip link set down, Link 0 via the other): $down of 600 pings at 10 ms lost (~$((down * 10)) ms)"
[ "$(far_link 10.2.0.2)" -eq 0 ] || fail "(d) s did not record Link 0 for a's u1: $(apaths)"
nx a ip link set "$VA2" up
aero_ml_routes
wait_for 10 both_up || fail "(d) u1 did not come back after link up: $(apaths) $(a_u1)"
[ "$(far_link 10.2.0.2)" -eq 12 ] || fail "(d) a's RS on u1 did not restore link 12: $(apaths)"
[ "$down" -lt 50 ] || fail "(d) interface-down failover lost $down (bound 50 = 0.5 s)"
[ "$down" -lt "$nud" ] || fail "(d) interface down ($down) not faster than NUD ($nud)"
# s kept one registration origin through all of it, and logged no move for flow shifts
moves=$(grep -c "client 'a' moved" "$T_DIR/s/omnid.log" || true)
info "s logged $moves moves of a"
[ "$moves" -le 2 ] || fail "s logged $moves moves of a (flows shifting between paths)"
nx a ping -q -c 20 -i 0.01 -W 1 2001:db8:b::1 >/dev/null || fail "ping after the cuts"
bpath=$(ctl s neighbors --json | jq -c '[.neighbors[] | select(.name == "b") | .paths[]]')
info "s's path to b (no multilink): $bpath"
[ "$(echo "$bpath" | jq 'length')" -eq 1 ] || fail "(e) s has not one path to b: $bpath"
[ "$(echo "$bpath" | jq -r '.[0].state')" = reachable ] || fail "(e) b's single path: $bpath"
[ "$(echo "$bpath" | jq '.[0].echoes')" -gt 5 ] || fail "(e) b does not echo probes: $bpath"
[ "$(ctl b neighbors --json | jq '[.neighbors[] | select(.paths)] | length')" -eq 0 ] ||
	fail "(e) b without multilink lists paths"
echo "PASS"
