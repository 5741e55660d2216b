#!/bin/sh
# SPDX-License-Identifier: MIT
# AERO reload (docs/aero.md): two servers, s (msid 7) and t (msid 8), and two
# clients on a routed underlay (router r). b registers with both; a starts with
# s only and has a direct (route-optimized) session with b. While a pings b
# without pause: a reload of a that adds [server.t] registers it with t; a
# reload that removes [server.s] sends s an MS-Release at once (not the 60 s
# expiry), its routes move to t; the direct neighbor survives both reloads
# (no new ro_up, same session) and the ping loses (almost) nothing.
. "$(dirname "$0")/lib.sh"
need ping jq

router r
for n in s t a b; do add_ns "$n"; done
link s r 192.0.2.1 192.0.2.254 24
link t r 198.51.100.1 198.51.100.254 24
link a r 203.0.113.1 203.0.113.254 24
link b r 10.9.0.1 10.9.0.254 24
route_via s default 192.0.2.254
route_via t default 198.51.100.254
route_via a default 203.0.113.254
route_via b default 10.9.0.254
for n in s t a b; do genkey "$n"; done

aero_server_conf 0.0.0.0:8060 "router_lifetime = 60" a b
mkdir -p "$T_DIR/t"
sed -e "s#$T_DIR/s/#$T_DIR/t/#g" -e 's/^name = s$/name = t/' -e 's/^tun = omni-s$/tun = omni-t/' \
	-e 's/^msid = 7$/msid = 8/' "$T_DIR/s/omnid.conf" >"$T_DIR/t/omnid.conf"
grep -q "^msid = 8" "$T_DIR/t/omnid.conf" || fail "t's config: $(cat "$T_DIR/t/omnid.conf")"
for n in s t; do nx "$n" sh -c 'echo 1 >/proc/sys/net/ipv6/conf/all/forwarding'; done
server_t() { printf '\n[server.t]\npublic_key = %s\nendpoint = 198.51.100.1:8060\nmsid = 8\n' "$(pubkey t)"; }
node_conf a 2001:db8:a::/48 0.0.0.0:8060
cp "$T_DIR/a/omnid.conf" "$T_DIR/a/base.conf"
aero_client_of a 192.0.2.1:8060
cp "$T_DIR/a/omnid.conf" "$T_DIR/a/with_s.conf"
node_conf b 2001:db8:b::/48 0.0.0.0:8060
aero_client_of b 192.0.2.1:8060
server_t >>"$T_DIR/b/omnid.conf"

regs() { ctl "$1" registrations --json; }
has() { regs "$1" | jq -e '.registrations[] | select(.name == "'"$2"'")' >/dev/null; }
cnt() { regs "$1" | jq ".counters.$2"; }
ro_peer() { ctl a neighbors --json | jq -r '[.. | objects | select(.kind? == "route-optimized") | .name] | first // empty'; }
ro_up() { regs a | jq -e '.route_optimized[] | select(.mnp == "2001:db8:b::/48") | .established' >/dev/null; }
reloads() { counter a reloads; }

for n in s t a b; do start_node "$n"; done
wait_for 10 has s a || fail "a did not register with s: $(regs s)"
wait_for 10 has s b || fail "b did not register with s: $(regs s)"
wait_for 10 has t b || fail "b did not register with t: $(regs t)"
has t a && fail "a registered with t, which it was not given"
wait_ping a 2001:db8:b::1 10 || fail "a cannot reach b"
wait_for 10 ro_up || { nx a ping -c 5 -i 0.2 2001:db8:b::1 >/dev/null 2>&1; wait_for 10 ro_up; } ||
	fail "no direct a-b session: $(regs a)"
ro0=$(cnt a ro_up) rop=$(ro_peer)
[ -n "$rop" ] || fail "no route-optimized neighbor in a's table: $(ctl a neighbors --json)"
info "a <-> b direct ($rop), a registered with s only"

# 200 pings, 0.1 s apart, across both reloads.
nx a ping -n -c 200 -i 0.1 -W 1 2001:db8:b::1 >"$T_DIR/ping.out" 2>&1 &
PING=$!
sleep 2

# Reload 1: [server.t] added.
r0=$(reloads)
server_t >>"$T_DIR/a/omnid.conf"
kill -HUP "$PID_a"
wait_for 5 sh -c "[ \$($OMNICTL --socket $T_DIR/a/api.sock status --json | jq '.counters.reloads') -gt $r0 ]" ||
	fail "a did not reload"
wait_for 10 has t a || fail "a did not register with the added server t: $(regs t)"
[ "$(regs a | jq '.servers | length')" -eq 2 ] || fail "a's servers: $(regs a)"
regs a | jq -e '.servers[] | select(.name == "s") | .hub' >/dev/null || fail "s stopped being a's hub: $(regs a)"
ro_up || fail "the direct a-b session went with the reload: $(regs a)"
[ "$(ro_peer)" = "$rop" ] || fail "a's route-optimized neighbor changed: $(ro_peer)"
info "reload 1: a registered with the added server t, direct session kept"

# Reload 2: [server.s] removed: MS-Release now, the routes move to t.
rel0=$(cnt s released) r0=$(reloads)
{ cat "$T_DIR/a/base.conf"; server_t; } >"$T_DIR/a/omnid.conf"
kill -HUP "$PID_a"
wait_for 5 sh -c "[ \$($OMNICTL --socket $T_DIR/a/api.sock status --json | jq '.counters.reloads') -gt $r0 ]" ||
	fail "a did not reload"
gone() { ! has s a; }
wait_for 3 gone || fail "s kept a's registration after a dropped s: $(regs s)"
[ "$(cnt s released)" -eq $((rel0 + 1)) ] || fail "s counted no MS-Release: $(regs s)"
nx s ip -6 route show | grep -q "2001:db8:a::" && fail "s still routes a's MNP"
[ "$(regs a | jq '.servers | length')" -eq 1 ] || fail "a's servers: $(regs a)"
regs a | jq -e '.servers[0] | .name == "t" and .registered and .hub' >/dev/null ||
	fail "t is not a's hub: $(regs a)"
nx a ip -6 route show ::/1 | grep -q omni-a || fail "a has no default route via t"
ro_up || fail "the direct a-b session went with the reload: $(regs a)"
[ "$(ro_peer)" = "$rop" ] || fail "a's route-optimized neighbor changed: $(ro_peer)"
info "reload 2: MS-Release to the removed server s, routes via t, direct session kept"

wait "$PING" || true
sent=$(awk '/packets transmitted/ { print $1 }' "$T_DIR/ping.out")
got=$(awk '/packets transmitted/ { print $4 }' "$T_DIR/ping.out")
info "ping across both reloads: $got of $sent answered"
[ "$sent" -eq 200 ] || fail "ping: $(tail -n 2 "$T_DIR/ping.out")"
[ "$got" -ge 196 ] || fail "ping across the reloads lost $((sent - got)) of $sent"
[ "$(cnt a ro_up)" -eq "$ro0" ] || fail "the direct session was set up again ($ro0 -> $(cnt a ro_up))"
wait_ping a 2001:db8:b::1 5 || fail "no a -> b after the reloads"
echo "PASS"
