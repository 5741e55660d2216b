#!/bin/sh
# SPDX-License-Identifier: MIT
# Two nodes: ping both ways over IPv6 and IPv4 inner, at 56, 1400 and 8000
# bytes (8000 needs OAL fragmentation on the 1500-byte underlay); exact
# per-peer counters; a source outside the sender's prefixes is dropped.
. "$(dirname "$0")/lib.sh"
need ping jq
OMNI_EXTRA_A="route = 2001:db8:ee::/48
route = 10.88.0.0/16" two_nodes
start_node a
start_node b

wait_ping a 2001:db8:b::1 10 || fail "no overlay connectivity a -> b"
for s in 56 1400 8000; do
	nx a ping -q -c 3 -i 0.1 -W 2 -s "$s" 2001:db8:b::1 >/dev/null || fail "ping6 a->b size $s"
	nx b ping -q -c 3 -i 0.1 -W 2 -s "$s" 2001:db8:a::1 >/dev/null || fail "ping6 b->a size $s"
	nx a ping -q -c 3 -i 0.1 -W 2 -s "$s" 10.77.0.2 >/dev/null || fail "ping4 a->b size $s"
	nx b ping -q -c 3 -i 0.1 -W 2 -s "$s" 10.77.0.1 >/dev/null || fail "ping4 b->a size $s"
done
info "ping ok at 56, 1400, 8000 bytes, both ways, IPv6 and IPv4"

# Exact counters: 10 echo requests a->b and 10 replies b->a, nothing else.
ta0=$(peer_field a b tx_packets); rb0=$(peer_field b a rx_packets)
tb0=$(peer_field b a tx_packets); ra0=$(peer_field a b rx_packets)
nx a ping -q -c 10 -i 0.05 -W 2 2001:db8:b::1 >/dev/null || fail "ping for counters"
ta1=$(peer_field a b tx_packets); rb1=$(peer_field b a rx_packets)
tb1=$(peer_field b a tx_packets); ra1=$(peer_field a b rx_packets)
[ $((ta1 - ta0)) -eq 10 ] || fail "a tx to b grew by $((ta1 - ta0)), want 10"
[ $((rb1 - rb0)) -eq 10 ] || fail "b rx from a grew by $((rb1 - rb0)), want 10"
[ $((tb1 - tb0)) -eq 10 ] || fail "b tx to a grew by $((tb1 - tb0)), want 10"
[ $((ra1 - ra0)) -eq 10 ] || fail "a rx from b grew by $((ra1 - ra0)), want 10"
[ "$(peer_field a b state)" = established ] || fail "a's session with b not established"
info "exact counters ok"

# Negative: a source address a does not own is dropped by b's inner-source check.
nx a ip addr add 2001:db8:99::1/128 dev omni-a
nx a ip route add 2001:db8:b::/48 dev omni-a src 2001:db8:99::1 metric 10 2>/dev/null || true
d0=$(peer_field b a 'counters.drop_inner_src // 0')
nx a ping -q -c 3 -i 0.1 -W 1 -I 2001:db8:99::1 2001:db8:b::1 >/dev/null 2>&1 &&
	fail "ping from a foreign source got through"
d1=$(peer_field b a 'counters.drop_inner_src // 0')
[ $((d1 - d0)) -eq 3 ] || fail "b counted $((d1 - d0)) inner-source drops, want 3"
info "inner-source check ok"
# A destination routed into the TUN that no neighbor owns: ICMP unreachable.
u0=$(counter a icmp_unreach_tx)
out=$(nx a ping -c 1 -W 2 2001:db8:ee::1 2>&1) && fail "ping to an unowned prefix succeeded"
echo "$out" | grep -qi "unreachable" || fail "no ICMPv6 unreachable: $out"
out=$(nx a ping -c 1 -W 2 10.88.0.1 2>&1) && fail "ping4 to an unowned prefix succeeded"
echo "$out" | grep -qi "unreachable" || fail "no ICMP unreachable: $out"
[ $(( $(counter a icmp_unreach_tx) - u0 )) -eq 2 ] || fail "icmp_unreach_tx grew by $(( $(counter a icmp_unreach_tx) - u0 )), want 2"
[ "$(counter a drop_no_route)" -ge 2 ] || fail "drop_no_route not counted"
info "unreachable answers ok"
echo "PASS"
