#!/bin/sh
# SPDX-License-Identifier: MIT
# SIGHUP reload: a new neighbor added to the config becomes reachable, the
# existing session survives (same handshake time, traffic keeps flowing), and
# a broken config is refused while the running one stays in force.
. "$(dirname "$0")/lib.sh"
need ping jq
add_ns a; add_ns b; add_ns c
link a b 192.0.2.1 192.0.2.2 24
link a c 198.51.100.1 198.51.100.3 24
genkey a; genkey b; genkey c
UNDERLAY_EXTRA="" node_conf a 2001:db8:a::/48 0.0.0.0:8060
node_conf b 2001:db8:b::/48 192.0.2.2:8060
node_conf c 2001:db8:c::/48 198.51.100.3:8060
peer_conf a b 2001:db8:b::/48 192.0.2.2:8060
peer_conf b a 2001:db8:a::/48 192.0.2.1:8060
peer_conf c a 2001:db8:a::/48 198.51.100.1:8060
start_node a; start_node b; start_node c
wait_ping a 2001:db8:b::1 10 || fail "a -> b"
hs0=$(peer_field a b last_handshake)

# Bad config: refused, old one kept.
cp "$T_DIR/a/omnid.conf" "$T_DIR/a/good.conf"
echo "bogus_key = 1" >>"$T_DIR/a/omnid.conf"
eval "kill -HUP \$PID_a"
sleep 0.5
eval "kill -0 \$PID_a" || fail "a died on a bad reload"
nx a ping -q -c 2 -W 2 2001:db8:b::1 >/dev/null || fail "a -> b after refused reload"
grep -q "reload" "$T_DIR/a/omnid.log" || fail "no reload message logged"
[ "$(counter a reload_failed)" = 1 ] || fail "reload_failed counter is $(counter a reload_failed), want 1"

# Good config with a new peer c.
cp "$T_DIR/a/good.conf" "$T_DIR/a/omnid.conf"
peer_conf a c 2001:db8:c::/48 198.51.100.3:8060
eval "kill -HUP \$PID_a"
wait_ping a 2001:db8:c::1 5 || fail "a -> c after reload"
nx c ping -q -c 2 -W 2 2001:db8:a::1 >/dev/null || fail "c -> a after reload"
nx a ping -q -c 2 -W 2 2001:db8:b::1 >/dev/null || fail "a -> b after reload"
hs1=$(peer_field a b last_handshake)
[ "$hs0" = "$hs1" ] || fail "session with b was re-keyed by the reload ($hs0 -> $hs1)"
[ "$(counter a reloads)" = 1 ] || fail "reloads counter is $(counter a reloads), want 1"

# Remove b again: its route goes away.
cp "$T_DIR/a/good.conf" "$T_DIR/a/omnid.conf"
sed -i '/^\[peer.b\]/,$d' "$T_DIR/a/omnid.conf"
peer_conf a c 2001:db8:c::/48 198.51.100.3:8060
eval "kill -HUP \$PID_a"
sleep 0.5
nx a ip -6 route show 2001:db8:b::/48 | grep -q . && fail "route to removed peer b still present"
[ "$(status_json a | jq '.peers | length')" = 1 ] || fail "peer b still listed"
wait_ping a 2001:db8:c::1 3 || fail "a -> c after removing b"
echo "PASS"
