#!/bin/sh
# SPDX-License-Identifier: MIT
# The topology helpers of lib.sh (docs/testing.md), checked with real packets and
# no omnid: a chain c - r1 - r2 - v routes end to end (IPv4 and IPv6, two hops
# off the TTL); link_loss drops the configured share of ≥500 pings in the
# direction asked, counted by its own nftables counter; link_rate holds an iperf3
# TCP stream under its tbf rate in both directions; nat makes v see r2's address,
# eim keeps a UDP source port for two destinations, symmetric picks a new one per
# destination; cleanup stops only its own children; link_delay skips (77) without netem.
T_NO_OMNID=1
. "$(dirname "$0")/lib.sh"
need ping python3 nft tc iperf3 jq ss
PY=$(command -v python3)

add_ns c
router r1
router r2
add_ns v
link c r1 10.1.1.1 10.1.1.254 24
link r1 r2 10.1.2.1 10.1.2.2 24
link r2 v 10.1.3.1 10.1.3.2 24
link_addr c r1 2001:db8:1::1/64
link_addr r1 c 2001:db8:1::fe/64
link_addr r1 r2 2001:db8:2::1/64
link_addr r2 r1 2001:db8:2::2/64
link_addr r2 v 2001:db8:3::1/64
link_addr v r2 2001:db8:3::2/64
link_addr v r2 10.1.3.3/24

# Chain: no route yet, then routes via both routers.
nx c ping -c 1 -W 1 10.1.3.2 >/dev/null 2>&1 && fail "c reaches v without routes"
route_via c default 10.1.1.254
route_via c default 2001:db8:1::fe
route_via r1 10.1.3.0/24 10.1.2.2
route_via r1 2001:db8:3::/64 2001:db8:2::2
route_via r2 10.1.1.0/24 10.1.2.1
route_via r2 2001:db8:1::/64 2001:db8:2::1
route_via v default 10.1.3.1
route_via v default 2001:db8:3::1
wait_ping c 10.1.3.2 5 || fail "c cannot reach v over the chain (IPv4)"
wait_ping c 2001:db8:3::2 5 || fail "c cannot reach v over the chain (IPv6)"
nx c ping -c 1 -W 1 10.1.3.2 | grep -q 'ttl=62' || fail "IPv4 reply did not cross two routers"
nx c ping -c 1 -W 1 2001:db8:3::2 | grep -q 'ttl=62' || fail "IPv6 reply did not cross two routers"
info "chain c - r1 - r2 - v: IPv4 and IPv6 end to end, two hops"

# Loss: PING_N pings c -> v across r1 - r2; the loss must sit in a wide band around the
# configured share (binomial: 20 % of 500 has a standard deviation of ~9 packets).
PING_N=500
# lossy_ping: prints "transmitted received".
lossy_ping() {
	nx c ping -q -n -c "$PING_N" -i 0.01 -W 1 10.1.3.2 2>&1 |
		awk '/packets transmitted/ { print $1, $4 }'
}
# in_band VALUE LO HI
in_band() { [ "$1" -ge "$2" ] && [ "$1" -le "$3" ]; }

link_loss r1 r2 20 ab
set -- $(lossy_ping)
lost=$(($1 - $2)) dropped=$(link_dropped r1 r2)
info "20 % r1 -> r2: $lost of $1 lost, nftables dropped $dropped"
[ "$1" -eq "$PING_N" ] || fail "ping sent $1 of $PING_N"
in_band "$lost" 50 150 || fail "20 % loss: $lost of $PING_N lost"
# The rule also drops the odd IPv6 neighbor discovery packet crossing the link.
in_band "$dropped" "$lost" $((lost + 5)) || fail "the loss rule dropped $dropped, ping lost $lost"
[ "$(link_dropped r2 r1)" -eq 0 ] || fail "ab loss dropped packets from r2"

link_loss r1 r2 20 ba
set -- $(lossy_ping)
lost=$(($1 - $2)) dropped=$(link_dropped r2 r1)
info "20 % r2 -> r1: $lost of $1 lost, nftables dropped $dropped"
in_band "$lost" 50 150 || fail "20 % loss on the replies: $lost of $PING_N lost"
in_band "$dropped" "$lost" $((lost + 5)) || fail "the reply loss rule dropped $dropped, ping lost $lost"
[ "$(link_dropped r1 r2)" -eq 0 ] || fail "ba loss left the request rule in place"

# Both ways: a round trip survives with 0.8 * 0.8, so ~36 % loss.
link_loss r1 r2 20
set -- $(lossy_ping)
lost=$(($1 - $2))
info "20 % both ways: $lost of $1 lost"
in_band "$lost" 120 240 || fail "20 % loss both ways: $lost of $PING_N lost"

link_loss r1 r2 0
set -- $(lossy_ping)
[ "$2" -eq "$PING_N" ] || fail "loss removed, still $(($1 - $2)) of $1 lost"
[ "$(link_dropped r1 r2)" -eq 0 ] || fail "loss removed, the rule is still there"
info "loss removed: $2 of $1 answered"

# Rate: one TCP stream c -> v and v -> c through r1 - r2, limited to 8 Mbit/s each way.
# iperf3_bps [-R]: BPS = the receiver's rate of a 4 s stream, bit/s.
iperf3_bps() {
	bg v iperf3 -s -1 -p 5201 >"$T_DIR/iperf3_s.log" 2>&1
	wait_for 5 sh -c "ip netns exec $(ns v) ss -Hltn 'sport = :5201' | grep -q ." ||
		fail "iperf3 server did not start"
	nx c iperf3 -c 10.1.3.2 -p 5201 -t 4 -J "$@" >"$T_DIR/iperf3_c.json" ||
		fail "iperf3: $(tail -n 3 "$T_DIR/iperf3_c.json")"
	wait "$BG_PID" || true
	BPS=$(jq -r '.end.sum_received.bits_per_second | floor' "$T_DIR/iperf3_c.json")
}
RATE=8000000
iperf3_bps
free=$BPS
info "no limit: $((free / 1000)) kbit/s"
link_rate r1 r2 8mbit
iperf3_bps
up=$BPS
iperf3_bps -R
down=$BPS
info "8mbit tbf: c -> v $((up / 1000)) kbit/s, v -> c $((down / 1000)) kbit/s"
in_band "$up" $((RATE / 2)) $((RATE * 11 / 10)) || fail "c -> v at $up bit/s under an 8 Mbit/s limit"
in_band "$down" $((RATE / 2)) $((RATE * 11 / 10)) || fail "v -> c at $down bit/s under an 8 Mbit/s limit"
[ "$free" -gt $((RATE * 2)) ] || fail "without the limit only $free bit/s: the rate check proves nothing"
link_rate r1 r2 off
nx r1 tc qdisc show dev "$(link_if r1 r2)" | grep -q tbf && fail "link_rate off left the tbf"

# NAT on r2 towards v: v sees r2's address instead of c's. A UDP listener on v records
# "tag source-address source-port" for every datagram.
cat >"$T_DIR/udp_listen.py" <<'EOP'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 5000))
open(sys.argv[2], "w").close()
with open(sys.argv[1], "a") as out:
    while True:
        d, a = s.recvfrom(256)
        out.write("%s %s %d\n" % (d.decode(), a[0], a[1]))
        out.flush()
EOP
bg v "$PY" "$T_DIR/udp_listen.py" "$T_DIR/udp.log" "$T_DIR/udp.ready"
wait_for 5 test -f "$T_DIR/udp.ready" || fail "UDP listener did not start"
# udp_send SPORT TAG: from c's port SPORT to both of v's addresses.
udp_send() {
	nx c "$PY" -c 'import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", int(sys.argv[1])))
for d in ("10.1.3.2", "10.1.3.3"):
    s.sendto(sys.argv[2].encode(), (d, 5000))' "$1" "$2"
}
# seen TAG: "address port" lines of the datagrams tagged TAG (two are expected).
seen() { awk -v t="$1" '$1 == t { print $2, $3 }' "$T_DIR/udp.log"; }
two() { [ "$(seen "$1" | wc -l)" -eq 2 ]; }

udp_send 40000 plain
wait_for 3 two plain || fail "v did not get both plain datagrams: $(cat "$T_DIR/udp.log")"
[ "$(seen plain | sort -u)" = "10.1.1.1 40000" ] || fail "routed without NAT, v saw $(seen plain)"

nat r2 v eim
udp_send 40001 eim
wait_for 3 two eim || fail "v did not get both datagrams through the eim NAT: $(cat "$T_DIR/udp.log")"
[ "$(seen eim | sort -u)" = "10.1.3.1 40001" ] ||
	fail "eim NAT: v saw $(seen eim | tr '\n' ' '), not r2's address with the same port"
info "eim NAT: v sees $(seen eim | head -n 1) for both destinations"

nat r2 v symmetric
udp_send 40002 sym
wait_for 3 two sym || fail "v did not get both datagrams through the symmetric NAT: $(cat "$T_DIR/udp.log")"
[ "$(seen sym | cut -d' ' -f1 | sort -u)" = "10.1.3.1" ] || fail "symmetric NAT: v saw $(seen sym)"
[ "$(seen sym | cut -d' ' -f2 | sort -u | wc -l)" -eq 2 ] ||
	fail "symmetric NAT kept one port for two destinations: $(seen sym | tr '\n' ' ')"
info "symmetric NAT: v sees $(seen sym | tr '\n' ' ')"

# Cleanup stops only the test's own processes: a PID left in T_PIDS after its process
# was reaped (stop_node, wait after bg) may belong to someone else by then (pid_max is
# often 32768). A nested harness is handed a live process that is not its child (ours):
# its cleanup must leave it alone.
sleep 60 &
victim=$!
T_PIDS="$T_PIDS $victim"
SRC_ROOT=$SRC_ROOT T_NO_OMNID=1 sh -c '. "$1"; T_PIDS="$T_PIDS $2"' nested "$SRC_ROOT/test/netns/lib.sh" "$victim" >/dev/null 2>&1 ||
	fail "the nested harness failed"
kill -0 "$victim" 2>/dev/null || fail "the harness's cleanup killed PID $victim, which was not its child"
info "cleanup leaves a PID that is not its child alone"

# Delay needs netem: link_delay skips the test where the kernel lacks it.
rc=0
(link_delay r1 r2 20) >/dev/null 2>&1 || rc=$?
if [ "$rc" -eq 77 ]; then
	info "no netem: link_delay skips (77)"
else
	[ "$rc" -eq 0 ] || fail "link_delay exited $rc"
	rtt=$(nx c ping -c 3 -W 2 10.1.3.2 | awk -F/ '/^rtt/ { print int($5) }')
	[ "$rtt" -ge 40 ] || fail "link_delay 20 ms each way, rtt $rtt ms"
	info "netem: rtt $rtt ms with 20 ms each way"
fi
echo "PASS"
