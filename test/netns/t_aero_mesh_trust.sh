#!/bin/sh
# SPDX-License-Identifier: MIT
# AERO server mesh, what a meshed server may not announce (docs/aero.md
# "Servers and the mesh"): s1 (msid 1) configures [client.a] with a's key and
# MNP 2001:db8:a::/48 (a is not running). s2 (msid 2), meshed with s1,
# configures [client.x] with another key but the same MNP, and x registers
# with s2. s1 must not learn that route (it would route a's MNP to s2 and vouch
# x's key for it to its clients): the update is refused (mesh_ru_refused).
# b registers with s2 under its own MNP, and s1 learns that route: the mesh
# itself works. s1's view stays the same after x refreshes its registration.
# A reload of s1 that gives [peer.s2] one configured prefix (as many as it had
# learned) keeps b's learned route on s2 (the count alone cannot tell them apart).
. "$(dirname "$0")/lib.sh"
need jq

LIFE=6
for n in s1 s2 x b; do add_ns "$n"; done
link s1 s2 203.0.113.1 203.0.113.2 24
link x s2 198.51.100.1 198.51.100.2 24
link b s2 192.0.2.1 192.0.2.2 24
for n in s1 s2 x b a; do genkey "$n"; done

# server_conf NAME MSID OTHER OTHER_MSID OTHER_ENDPOINT [CLIENT MNP]...
server_conf() {
	_n=$1 _m=$2 _o=$3 _om=$4 _oe=$5
	shift 5
	{
		printf '[node]\nname = %s\nrole = server\nprivate_key_file = %s/private.key\n\n' "$_n" "$T_DIR/$_n"
		printf '[omni]\ntun = omni-%s\nmsid = %s\n\n[aero]\nrouter_lifetime = %s\n\n' "$_n" "$_m" "$LIFE"
		printf '[underlay.u0]\nlisten = 0.0.0.0:8060\n\n[api]\nsocket = %s/api.sock\n' "$T_DIR/$_n"
		printf '\n[peer.%s]\npublic_key = %s\nmsid = %s\nendpoint = %s\nmesh = yes\n' "$_o" \
			"$(pubkey "$_o")" "$_om" "$_oe"
		while [ $# -ge 2 ]; do
			printf '\n[client.%s]\npublic_key = %s\nmnp = %s\n' "$1" "$(pubkey "$1")" "$2"
			shift 2
		done
	} >"$T_DIR/$_n/omnid.conf"
}
server_conf s1 1 s2 2 203.0.113.2:8060 a 2001:db8:a::/48
server_conf s2 2 s1 1 203.0.113.1:8060 x 2001:db8:a::/48 b 2001:db8:b::/48
node_conf x 2001:db8:a::/48 0.0.0.0:8060
printf '\n[server.s2]\npublic_key = %s\nendpoint = 198.51.100.2:8060\nmsid = 2\n' "$(pubkey s2)" \
	>>"$T_DIR/x/omnid.conf"
node_conf b 2001:db8:b::/48 0.0.0.0:8060
printf '\n[server.s2]\npublic_key = %s\nendpoint = 192.0.2.2:8060\nmsid = 2\n' "$(pubkey s2)" \
	>>"$T_DIR/b/omnid.conf"

regs() { ctl "$1" registrations --json; }
mctr() { regs "$1" | jq -r ".counters[\"$2\"] // 0"; }
has_route() { regs "$1" | jq -e ".mesh_routes[] | select(.mnp == \"$2\")" >/dev/null; }
registered() { [ "$(regs "$1" | jq '[.registrations[] | select(.name == "'"$2"'")] | length')" -eq 1 ]; }

start_node s1
start_node s2
start_node x
start_node b
wait_for 15 registered s2 x || fail "x did not register with s2: $(regs s2)"
wait_for 15 registered s2 b || fail "b did not register with s2: $(regs s2)"
wait_for 15 has_route s1 2001:db8:b::/48 || fail "s1 did not learn b's MNP: $(regs s1)"
# x's update goes out with b's (each registration change and each resync): by the time
# s1 has b's route, it has seen x's as well; allow a refresh more.
wait_for 10 sh -c "[ \$($OMNICTL --socket $T_DIR/s1/api.sock registrations --json | jq -r '.counters.mesh_ru_refused // 0') -ge 1 ]" ||
	fail "s1 did not refuse x's announcement of a's MNP: $(regs s1 | jq -c '{mesh_routes, counters}')"
has_route s1 2001:db8:a::/48 &&
	fail "s1 learned a's MNP with x's key from s2: $(regs s1 | jq -c .mesh_routes)"
ctl s1 neighbors --json | jq -e '.neighbors[] | select(.name == "s2") | .prefixes | index("2001:db8:a::/48")' >/dev/null &&
	fail "s1 routes its client a's MNP to s2"
info "s1 refused x's route ($(mctr s1 mesh_ru_refused) refused), learned b's"
# x refreshes (LIFE 6 s: every ~3 s): still refused, never learned
r0=$(mctr s1 mesh_ru_refused)
wait_for 10 sh -c "[ \$($OMNICTL --socket $T_DIR/s1/api.sock registrations --json | jq -r '.counters.mesh_ru_refused // 0') -gt $r0 ]" ||
	fail "x's refresh did not reach s1"
has_route s1 2001:db8:a::/48 && fail "s1 learned a's MNP after x's refresh"
has_route s1 2001:db8:b::/48 || fail "s1 lost b's route"

# s2's neighbor entry on s1: b's learned MNP (1 prefix). A reload adds one configured prefix.
s2_prefixes() { ctl s1 neighbors --json | jq -c '[.neighbors[] | select(.name == "s2") | .prefixes[]] | sort'; }
[ "$(s2_prefixes)" = '["2001:db8:b::/48"]' ] || fail "s1's prefixes for s2: $(s2_prefixes)"
sed -i '/^mesh = yes$/a allowed_prefix = 2001:db8:ff::/48' "$T_DIR/s1/omnid.conf"
kill -HUP "$PID_s1"
wait_for 5 sh -c "[ \$($OMNICTL --socket $T_DIR/s1/api.sock status --json | jq '.counters.reloads') -ge 1 ]" ||
	fail "s1 did not reload"
both() { [ "$(s2_prefixes)" = '["2001:db8:b::/48","2001:db8:ff::/48"]' ]; }
wait_for 3 both || fail "after the reload s1 routes to s2: $(s2_prefixes)"
nx s1 ip -6 route show 2001:db8:b::/48 | grep -q omni-s1 || fail "no kernel route for b's MNP on s1 after the reload"
info "a reload adding a configured prefix to s2 keeps b's learned route"
echo "PASS"
