#!/bin/sh
# SPDX-License-Identifier: MIT
# A node configured with the wrong public key for its neighbor gets nothing
# through: its initiations are dropped as from an unknown key, and no session
# or inner packet crosses.
. "$(dirname "$0")/lib.sh"
need ping jq
two_nodes
# b believes a has some other key.
genkey mallory
sed -i "s|^public_key = $(pubkey a)\$|public_key = $(pubkey mallory)|" "$T_DIR/b/omnid.conf"
grep -q "$(pubkey mallory)" "$T_DIR/b/omnid.conf" || fail "test setup: key not replaced"
start_node a
start_node b

wait_ping a 2001:db8:b::1 4 && fail "ping crossed with a wrong key"
nx b ping -q -c 2 -W 1 2001:db8:a::1 >/dev/null 2>&1 && fail "ping b->a crossed with a wrong key"
[ "$(counter b hs_unknown_key)" -gt 0 ] || fail "b did not count a's initiations as unknown key"
[ "$(peer_field a b state)" != established ] || fail "a claims an established session"
[ "$(peer_field b a rx_packets)" = 0 ] || fail "b received inner packets"
[ "$(peer_field a b rx_packets)" = 0 ] || fail "a received inner packets"
info "wrong key: $(counter b hs_unknown_key) initiations refused, nothing delivered"
echo "PASS"
