#!/bin/sh
# SPDX-License-Identifier: MIT
# scripts/demo.sh - the main job of `scripts/run demo`: two omnid nodes in
# network namespaces, each on the shipped default config (conf.d/omnid.conf)
# plus a per-node drop-in, a ping across the overlay (IPv6 and IPv4 inner),
# and `omnictl status` of each node. Cleans up everything it started.
# Runs as root (ip netns) or unprivileged (inside unshare -Urnm).
SRC_ROOT=${SRC_ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
export SRC_ROOT
. "$SRC_ROOT/test/netns/lib.sh"

add_ns alpha
add_ns beta
link alpha beta 192.0.2.1 192.0.2.2 24
genkey alpha
genkey beta

# node NAME MNP V4 UNDERLAY PEER PEER_MNP PEER_V4 PEER_UNDERLAY
node() {
	d=$T_DIR/$1
	mkdir -p "$d/conf.d"
	cp "$SRC_ROOT/conf.d/omnid.conf" "$d/omnid.conf"
	cat >"$d/conf.d/50-demo.conf" <<EOC
# Demo drop-in: what makes the shipped default config a node.
[node]
name = $1
private_key_file = $d/private.key

[omni]
tun = omni-$1
mnp = $2
address = $3/24

[underlay.veth]
listen = $4:8060

[api]
socket = $d/api.sock

[peer.$5]
public_key = $(pubkey "$5")
endpoint = $8:8060
mnp = $6
allowed_prefix = $7/32
EOC
}
node alpha 2001:db8:a::/48 10.77.0.1 192.0.2.1 beta 2001:db8:b::/48 10.77.0.2 192.0.2.2
node beta 2001:db8:b::/48 10.77.0.2 192.0.2.2 alpha 2001:db8:a::/48 10.77.0.1 192.0.2.1

echo "== config check (shipped omnid.conf + conf.d/50-demo.conf)"
"$OMNID" --check-config --config "$T_DIR/alpha/omnid.conf"
start_node alpha
start_node beta

echo "== ping alpha -> beta across the overlay"
wait_ping alpha 2001:db8:b::1 10 || fail "overlay did not come up"
nx alpha ping -c 3 -i 0.2 2001:db8:b::1
nx alpha ping -c 3 -i 0.2 -s 4000 2001:db8:b::1
nx beta ping -c 3 -i 0.2 10.77.0.1

for n in alpha beta; do
	echo "== omnictl status ($n)"
	ctl "$n" status
done
echo "== demo done: stopping both nodes and removing the namespaces"
