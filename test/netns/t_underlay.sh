#!/bin/sh
# SPDX-License-Identifier: MIT
# Several underlays per node, IPv4 and IPv6: node a has an IPv4 underlay
# towards b and an IPv6 underlay (path MTU 1280 by default) towards c; each
# neighbor is reached through the underlay of its endpoint's family, with
# OAL fragmentation at both path sizes.
. "$(dirname "$0")/lib.sh"
need ping jq
add_ns a; add_ns b; add_ns c
link a b 192.0.2.1 192.0.2.2 24
link a c 2001:db8:ff::1 2001:db8:ff::3 64
genkey a; genkey b; genkey c
node_conf a 2001:db8:a::/48 192.0.2.1:8060
printf '\n[underlay.u6]\nlisten = [2001:db8:ff::1]:8060\n' >>"$T_DIR/a/omnid.conf"
node_conf b 2001:db8:b::/48 192.0.2.2:8060
node_conf c 2001:db8:c::/48 "[2001:db8:ff::3]:8060"
peer_conf a b 2001:db8:b::/48 192.0.2.2:8060
peer_conf a c 2001:db8:c::/48 "[2001:db8:ff::3]:8060"
peer_conf b a 2001:db8:a::/48 192.0.2.1:8060
peer_conf c a 2001:db8:a::/48 "[2001:db8:ff::1]:8060"
start_node a; start_node b; start_node c

wait_ping a 2001:db8:b::1 10 || fail "a -> b over the IPv4 underlay"
wait_ping a 2001:db8:c::1 10 || fail "a -> c over the IPv6 underlay"
for s in 56 1400 8000; do
	nx a ping -q -c 2 -i 0.1 -W 2 -s "$s" 2001:db8:b::1 >/dev/null || fail "a -> b size $s"
	nx c ping -q -c 2 -i 0.1 -W 2 -s "$s" 2001:db8:a::1 >/dev/null || fail "c -> a size $s"
done
[ "$(peer_field a c endpoint)" = "[2001:db8:ff::3]:8060" ] || fail "c's endpoint: $(peer_field a c endpoint)"
[ "$(status_json a | jq '.underlays | length')" = 2 ] || fail "a does not list two underlays"
# 8000 bytes over a 1280-byte IPv6 path needs at least 7 fragments per packet.
[ "$(counter c reasm_complete)" -ge 2 ] || fail "c reassembled nothing"
info "IPv4 and IPv6 underlays on one node ok"
echo "PASS"
