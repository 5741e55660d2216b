#!/bin/sh
# SPDX-License-Identifier: MIT
# NUD towards the servers (docs/aero.md "A dead Hub", §5.7, §5.3): meshed
# servers s1 (msid 1) and s2 (msid 2) with the default router_lifetime (600 s);
# clients a and b each register with both, s1 first (their Hub). Each client
# has its own link to each server and the servers do not forward, so a and b
# have no direct path (route optimization fails, "Network is unreachable"):
# their traffic crosses the Hub.
#  (a) idle for longer than the NAT keepalive: no probe goes unanswered, no
#      server is lost, the Hubs stay (no false failover);
#  (b) a pings b every 10 ms; s1 is killed (SIGKILL: no withdrawal, no RA with
#      lifetime 0). Both clients probe s1, find it unreachable and move their
#      routes to s2; the ping resumes; the largest gap between replies is
#      printed as "# measured: hub failover gap N ms" and must be < 15 s;
#      omnictl servers / registrations show s1 unreachable and s2 as the Hub;
#  (c) s1 restarts: the clients register with it again but keep s2 as the Hub.
. "$(dirname "$0")/lib.sh"
need ping jq awk

GAP_MAX=15000
for n in s1 s2 a b; do add_ns "$n"; done
link s1 s2 203.0.113.1 203.0.113.2 24
link a s1 192.0.2.1 192.0.2.2 30
link a s2 192.0.2.5 192.0.2.6 30
link b s1 198.51.100.1 198.51.100.2 30
link b s2 198.51.100.5 198.51.100.6 30
for n in s1 s2 a b; do genkey "$n"; done
# the servers relay inner IPv6 through their kernels; the underlay (IPv4) is not routed
for s in s1 s2; do
	nx "$s" sh -c 'echo 1 >/proc/sys/net/ipv6/conf/all/forwarding' || fail "cannot enable forwarding on $s"
done

# server_conf NAME MSID OTHER OTHER_MSID OTHER_ENDPOINT
server_conf() {
	mkdir -p "$T_DIR/$1"
	{
		printf '[node]\nname = %s\nrole = server\nprivate_key_file = %s/private.key\n\n' "$1" "$T_DIR/$1"
		printf '[omni]\ntun = omni-%s\nmsid = %s\n\n' "$1" "$2"
		printf '[underlay.u0]\nlisten = 0.0.0.0:8060\n\n[api]\nsocket = %s/api.sock\n' "$T_DIR/$1"
		printf '\n[peer.%s]\npublic_key = %s\nmsid = %s\nendpoint = %s\nmesh = yes\n' "$3" \
			"$(pubkey "$3")" "$4" "$5"
		for c in a b; do
			printf '\n[client.%s]\npublic_key = %s\nmnp = 2001:db8:%s::/48\n' "$c" \
				"$(pubkey "$c")" "$c"
		done
	} >"$T_DIR/$1/omnid.conf"
}
# server_of CLIENT SERVER MSID ENDPOINT
server_of() {
	printf '\n[server.%s]\npublic_key = %s\nendpoint = %s\nmsid = %s\n' "$2" "$(pubkey "$2")" "$4" "$3" \
		>>"$T_DIR/$1/omnid.conf"
}
server_conf s1 1 s2 2 203.0.113.2:8060
server_conf s2 2 s1 1 203.0.113.1:8060
node_conf a 2001:db8:a::/48 0.0.0.0:8060
server_of a s1 1 192.0.2.2:8060
server_of a s2 2 192.0.2.6:8060
node_conf b 2001:db8:b::/48 0.0.0.0:8060
server_of b s1 1 198.51.100.2:8060
server_of b s2 2 198.51.100.6:8060
# (a short NAT keepalive so that the idle check below covers several rounds)
for c in a b; do printf '\n[aero]\nnat_keepalive = 3\n' >>"$T_DIR/$c/omnid.conf"; done

regs() { ctl "$1" registrations --json; }
actr() { regs "$1" | jq -r ".counters[\"$2\"] // 0"; }
srv() { regs "$1" | jq -r ".servers[] | select(.name == \"$2\") | .$3"; }
both() { [ "$(regs "$1" | jq '[.servers[] | select(.registered)] | length')" -eq 2 ]; }
hub_is() { [ "$(srv "$1" "$2" hub)" = true ] && [ "$(srv "$1" "$2" registered)" = true ]; }

start_node s1
start_node s2
start_node a
start_node b
for c in a b; do
	wait_for 15 both "$c" || fail "$c did not register with both servers: $(regs "$c")"
	wait_for 5 hub_is "$c" s1 || fail "$c's hub is not s1: $(regs "$c")"
	[ "$(srv "$c" s1 reachability)" = reachable ] || fail "$c: s1 not reachable: $(regs "$c")"
	[ "$(srv "$c" s1 lifetime)" = 600 ] || fail "$c: not the default lifetime: $(regs "$c")"
done
# (hub_changes counts the start-up move too, if s2 answered first)
HC_a=$(actr a hub_changes); HC_b=$(actr b hub_changes)
hc() { eval "echo \$(( \$(actr $1 hub_changes) - \$HC_$1 ))"; }
wait_ping a 2001:db8:b::1 10 || fail "a cannot reach b through s1: $(ctl a neighbors --json | jq -c .) S1: $(status_json s1 | jq -c "[.peers[] | {name,rx_packets,tx_packets}]") S2: $(status_json s2 | jq -c "[.peers[] | {name,rx_packets,tx_packets}]") B: $(status_json b | jq -c "[.peers[] | {name,rx_packets,tx_packets}]") $(nx a ip -6 route) $(nx b ip -6 addr)"

# (a) idle over several NAT keepalive rounds: a keepalive starts NUD, the probe's RA answers it
# (and, being sent, resets the keepalive timer)
sleep 10
for c in a b; do
	[ "$(actr "$c" nat_keepalives)" -ge 1 ] || fail "$c sent no NAT keepalives: $(regs "$c" | jq -c .counters)"
	[ "$(actr "$c" nud_probes)" -ge 1 ] || fail "$c's NAT keepalives started no NUD probe: $(regs "$c" | jq -c .counters)"
	[ "$(actr "$c" nud_lost)" -eq 0 ] || fail "$c lost a server while idle: $(regs "$c")"
	[ "$(hc "$c")" -eq 0 ] || fail "$c hub moved while idle: $(regs "$c" | jq -c .)"
	hub_is "$c" s1 || fail "$c's hub is not s1 after idling: $(regs "$c")"
done
info "(a) idle 10 s: probes $(actr a nud_probes) (a) / $(actr b nud_probes) (b), none lost"

# (b) a 10 ms ping a -> b through s1; s1 crashes
INTERVAL=0.01
nx a ping -c 1 -i "$INTERVAL" -W 1 2001:db8:b::1 >/dev/null 2>&1 || INTERVAL=0.2
COUNT=$(awk -v i="$INTERVAL" 'BEGIN { printf "%d", 20 / i }')
nx a ping -D -n -i "$INTERVAL" -c "$COUNT" -W 1 2001:db8:b::1 >"$T_DIR/ping.out" 2>&1 &
PING_PID=$!
sleep 2
rx0=$(peer_field s2 a rx_packets)
tk=$(date +%s%N)
stop_node s1 KILL
rm -f "$T_DIR/s1/api.sock" # (left behind by the SIGKILL)
for c in a b; do
	wait_for 15 hub_is "$c" s2 || fail "$c's hub did not move to s2: $(regs "$c")"
done
tm=$(date +%s%N)
info "both clients moved to s2 $(( (tm - tk) / 1000000 )) ms after s1 was killed"
wait "$PING_PID" || true
gap=$(awk -F'[][]' '/bytes from/ { t = $2 * 1000; if (n++ && t - p > g) g = t - p; p = t }
	END { if (n < 2) print -1; else printf "%d", g }' "$T_DIR/ping.out")
replies=$(grep -c 'bytes from' "$T_DIR/ping.out" || true)
last=$(awk -F'[][]' '/bytes from/ { t = $2 } END { printf "%.0f", t * 1000 }' "$T_DIR/ping.out")
echo "# measured: hub failover gap $gap ms (ping every ${INTERVAL}s, $replies replies, default router_lifetime)"
[ "$gap" -ge 0 ] || fail "no replies: $(tail -n 5 "$T_DIR/ping.out")"
[ "$gap" -lt "$GAP_MAX" ] || fail "gap $gap ms >= $GAP_MAX ms"
[ "$last" -gt "$(( tm / 1000000 ))" ] || fail "no reply after the failover: $(tail -n 3 "$T_DIR/ping.out")"
[ "$(peer_field s2 a rx_packets)" -gt "$rx0" ] || fail "a's packets did not go through s2"
for c in a b; do
	[ "$(actr "$c" nud_lost)" -eq 1 ] || fail "$c: nud_lost: $(regs "$c" | jq -c .counters)"
	[ "$(hc "$c")" -eq 1 ] || fail "$c: hub_changes: $(regs "$c" | jq -c .counters)"
	[ "$(srv "$c" s1 reachability)" = unreachable ] || fail "$c: s1 is not unreachable: $(regs "$c")"
	[ "$(srv "$c" s1 registered)" = false ] || fail "$c: still registered with s1: $(regs "$c")"
	[ "$(srv "$c" s1 nud_lost)" = 1 ] || fail "$c: s1's nud_lost: $(regs "$c")"
	[ "$(srv "$c" s1 expirations)" = 0 ] || fail "$c: s1's registration expired instead: $(regs "$c")"
	ctl "$c" neighbors --json | jq -e '.neighbors[] | select(.name == "s2") | .prefixes == ["::/1", "8000::/1"]' >/dev/null ||
		fail "$c's routes do not point at s2: $(ctl "$c" neighbors --json)"
	ctl "$c" neighbors --json | jq -e '.neighbors[] | select(.name == "s1") | .prefixes == []' >/dev/null ||
		fail "$c's routes still point at s1: $(ctl "$c" neighbors --json)"
done
ctl a servers --json | jq -e '[.servers[] | {name, hub, reachability}] == [{"name":"s1","hub":false,"reachability":"unreachable"},{"name":"s2","hub":true,"reachability":"reachable"}]' >/dev/null ||
	fail "omnictl servers --json: $(ctl a servers --json)"
ctl a servers | grep -E "^s1 +(false|no) +unreachable" >/dev/null || fail "omnictl servers: $(ctl a servers | od -c | head -20)"
ctl a registrations | grep -E "^s2 +2 +registered +yes +reachable" >/dev/null ||
	fail "omnictl registrations: $(ctl a registrations | head -8)"
# the live answer matches docs/openapi.yaml (t_cli only sees an empty list)
if [ -f "$SRC_ROOT/docs/openapi.yaml" ] && /usr/bin/python3 -c 'import jsonschema, yaml' 2>/dev/null; then
	mkdir "$T_DIR/json"
	ctl a servers --json >"$T_DIR/json/1.json"
	echo "1.json /v1/servers get 200" >"$T_DIR/json/manifest"
	/usr/bin/python3 "$(dirname "$0")/t_cli_schema.py" "$SRC_ROOT/docs/openapi.yaml" "$T_DIR/json" >/dev/null ||
		fail "/v1/servers does not match docs/openapi.yaml: $(cat "$T_DIR/json/1.json")"
fi
info "(b) s1 killed: NUD moved a and b to s2"

# (c) s1 comes back: registered again, reachable, but s2 stays the Hub
start_node s1
s1_back() { [ "$(srv "$1" s1 registered)" = true ] && [ "$(srv "$1" s1 reachability)" = reachable ]; }
for c in a b; do
	wait_for 30 s1_back "$c" || fail "$c did not register with s1 again: $(regs "$c")"
done
wait_ping a 2001:db8:b::1 10 || fail "a cannot reach b after s1 came back"
for c in a b; do
	hub_is "$c" s2 || fail "$c's hub moved back to s1: $(regs "$c")"
	[ "$(hc "$c")" -eq 1 ] || fail "$c's hub flapped: $(regs "$c" | jq -c .counters)"
done
info "(c) s1 is back and registered; the Hub stays s2"
echo "PASS"
