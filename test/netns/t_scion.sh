#!/bin/sh
# SPDX-License-Identifier: MIT
# SCION (docs/scion.md): four ASes 1-1 .. 1-4, each with an omnid border
# router (b1..b4), end hosts h1 (AS 1-1) and h4 (AS 1-4), and two disjoint
# paths h1 -> h4: via2 (1-1#1 1-2#1,2 1-4#1) and via3 (1-1#2 1-3#1,2 1-4#2).
# The hop-field MACs come from an independent Python AES-CMAC. Checks: ping
# over IP-in-SCION on the selected path (BR link counters), a policy change
# by SIGHUP moves it, an egress link set down in a transit BR answers SCMP
# External Interface Down and the host fails over, returns after the hold,
# crafted packets with a bad MAC (first and transit hop) or an expired hop
# are dropped and counted (with an SCMP Parameter Problem back to h1), and
# cutting the active link fails over by probe loss (time printed).
. "$(dirname "$0")/lib.sh"
need ping jq python3
python3 -c "import cryptography" 2>/dev/null || skip "python3-cryptography missing"

for N in h1 b1 b2 b3 b4 h4; do add_ns $N; genkey $N; done
link h1 b1 10.1.0.2 10.1.0.1 24
link b1 b2 10.12.0.1 10.12.0.2 24
link b1 b3 10.13.0.1 10.13.0.2 24
link b2 b4 10.24.0.1 10.24.0.2 24
link b3 b4 10.34.0.1 10.34.0.2 24
link b4 h4 10.4.0.1 10.4.0.2 24

cat >"$T_DIR/scion.py" <<'PYEOF'
# SCION test helper for t_scion.sh: hop-field MACs (AES-CMAC, spec/scion.md §3),
# beacons, path files and crafted packets. Independent of omnid's C code.
import base64, hashlib, json, os, socket, struct, sys, time
from cryptography.hazmat.primitives.cmac import CMAC
from cryptography.hazmat.primitives.ciphers import algorithms

def ia(isd, as_):
    return (isd << 48) | as_

def mac(key, acc, ts, exp, cin, ceg):
    block = struct.pack(">HHIBBHHH", 0, acc, ts, 0, exp, cin, ceg, 0)
    c = CMAC(algorithms.AES(key))
    c.update(block)
    return c.finalize()[:6]

def beacon(keys, hops, seg_id, ts, exp):
    """hops: [(as, cons_in, cons_eg)] in beacon order -> list of (cin, ceg, mac), betas."""
    beta = seg_id
    out, betas = [], []
    for as_, cin, ceg in hops:
        m = mac(keys[as_], beta, ts, exp, cin, ceg)
        out.append((cin, ceg, m))
        betas.append(beta)
        beta ^= (m[0] << 8) | m[1]
    return out, betas

def raw_path(hfs, acc, ts, exp, cons):
    n = len(hfs)
    b = struct.pack(">I", n << 12)
    b += struct.pack(">BBHI", 1 if cons else 0, 0, acc, ts)
    order = hfs if cons else list(reversed(hfs))
    for cin, ceg, m in order:
        b += struct.pack(">BBHH", 0, exp, cin, ceg) + m
    return b

def keys_from(dirname):
    k = {}
    for as_ in (1, 2, 3, 4):
        with open(os.path.join(dirname, "key%d" % as_)) as f:
            k[as_] = base64.b64decode(f.read().strip())
    with open(os.path.join(dirname, "master4")) as f:
        k[4] = hashlib.pbkdf2_hmac("sha256", base64.b64decode(f.read().strip()),
                                   b"Derive OF Key", 1000, 16)
    return k

BEACONS = {
    "via2": [(1, 0, 1), (2, 1, 2), (4, 1, 0)],
    "via3": [(1, 0, 2), (3, 1, 2), (4, 2, 0)],
}

def ifaces(hops):
    out = []
    for as_, cin, ceg in hops:
        if cin:
            out.append({"ia": "1-%d" % as_, "ifid": cin})
        if ceg:
            out.append({"ia": "1-%d" % as_, "ifid": ceg})
    return out

def mkpaths(d):
    keys = keys_from(d)
    ts, exp = int(time.time()) - 60, 63
    expires = (ts * 1000) + int((1 + exp) * 337.5 * 1000)
    fwd, rev = [], []
    for name, hops in BEACONS.items():
        hfs, betas = beacon(keys, hops, 0x1234, ts, exp)
        fwd.append({"name": name, "interfaces": ifaces(hops), "mtu": 1400,
                    "expires_ms": expires, "raw": raw_path(hfs, betas[0], ts, exp, True).hex()})
        rhops = list(reversed(hops))
        rif = []
        for as_, cin, ceg in rhops:
            if ceg:
                rif.append({"ia": "1-%d" % as_, "ifid": ceg})
            if cin:
                rif.append({"ia": "1-%d" % as_, "ifid": cin})
        rev.append({"name": name, "interfaces": rif, "mtu": 1400, "expires_ms": expires,
                    "raw": raw_path(hfs, betas[-1], ts, exp, False).hex()})
    pol = {"rank": ["hops"], "ifdown_hold_ms": 2000}
    for fn, dst, paths in (("paths-h1.json", "1-4", fwd), ("paths-h4.json", "1-1", rev)):
        with open(os.path.join(d, fn), "w") as f:
            json.dump({"version": 1, "default_policy": pol,
                       "destinations": [{"ia": dst, "paths": paths}]}, f)

def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack(">%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff

def craft(d, kind):
    """A UDP/SCION packet h1 -> h4 on via2, broken as @kind, sent to br1's internal side."""
    keys = keys_from(d)
    ts, exp = int(time.time()) - 60, 63
    if kind == "expired":
        ts, exp = int(time.time()) - 7200, 0
    hfs, betas = beacon(keys, BEACONS["via2"], 0x1234, ts, exp)
    if kind == "badmac1":
        hfs[0] = (hfs[0][0], hfs[0][1], bytes([hfs[0][2][0] ^ 1]) + hfs[0][2][1:])
    if kind == "badmac2":
        hfs[1] = (hfs[1][0], hfs[1][1], hfs[1][2][:5] + bytes([hfs[1][2][5] ^ 0x80]))
    path = raw_path(hfs, betas[0], ts, exp, True)
    payload = b"crafted"
    if kind.startswith("inner-"):
        # An ICMP echo inside: from the sender's own prefix or a foreign one.
        src = "10.101.0.1" if kind == "inner-ok" else "10.99.0.1"
        icmp = struct.pack(">BBHHH", 8, 0, 0, 0x4242, 1) + b"x" * 8
        icmp = icmp[:2] + struct.pack(">H", csum(icmp)) + icmp[4:]
        iph = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(icmp), 1, 0, 64, 1, 0,
                          socket.inet_aton(src), socket.inet_aton("10.104.0.1"))
        payload = iph[:10] + struct.pack(">H", csum(iph)) + iph[12:] + icmp
    udp = struct.pack(">HHHH", 30041, 30041, 8 + len(payload), 0) + payload
    dst_host = socket.inet_aton("10.4.0.2")
    src_host = socket.inet_aton("10.1.0.2")
    addrhdr = struct.pack(">Q", ia(1, 4)) + struct.pack(">Q", ia(1, 1)) + dst_host + src_host
    # UDP checksum over the SCION pseudo-header (spec/scion.md §5.3).
    pseudo = addrhdr + struct.pack(">I", len(udp)) + b"\0\0\0" + bytes([17])
    c = csum(pseudo + udp) or 0xffff
    udp = udp[:6] + struct.pack(">H", c) + udp[8:]
    hdr_len = 12 + len(addrhdr) + len(path)
    cmn = struct.pack(">IBBHBBH", 1, 17, hdr_len // 4, len(udp), 1, 0x00, 0)
    pkt = cmn + addrhdr + path + udp
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("10.1.0.2", 0))
    s.sendto(pkt, ("10.1.0.1", 30042))

if __name__ == "__main__":
    if sys.argv[1] == "mkpaths":
        mkpaths(sys.argv[2])
    else:
        craft(sys.argv[2], sys.argv[3])
PYEOF
for k in 1 2 3 4; do python3 -c 'import os,base64;print(base64.b64encode(os.urandom(16)).decode())' >"$T_DIR/key$k"; done
python3 -c 'import os,base64;print(base64.b64encode(os.urandom(16)).decode())' >"$T_DIR/master4"
python3 "$T_DIR/scion.py" mkpaths "$T_DIR" || fail "building the path files"

i=0
for N in h1 b1 b2 b3 b4 h4; do
	i=$((i + 1))
	OMNI_EXTRA="$(case $N in h1) echo 'address = 10.101.0.1/32' ;; h4) echo 'address = 10.104.0.1/32' ;; esac)" \
		node_conf $N "2001:db8:$i::/48" "127.0.0.1:8060"
done
# scion_host NAME IA LISTEN FIRST_HOP PATHFILE ROUTE_IA ROUTE_HOST PREFIX
scion_host() {
	cat >>"$T_DIR/$1/omnid.conf" <<EOC

[scion]
role = host
isd_as = $2
listen = $3
first_hop = $4
path_file = $T_DIR/$5
probe_interval = 300
loss_threshold = 2
hysteresis = 1000
ifdown_hold = 2000

[scion.route.far]
isd_as = $6
host = $7
prefix = $8
EOC
}
# scion_br NAME IA INTERNAL KEYLINE, then scion_link NAME LNAME IFID LOCAL REMOTE
scion_br() {
	printf '\n[scion]\nrole = router\nisd_as = %s\nlisten = %s\nkeepalive = 100\n%s\n' "$2" "$3" "$4" \
		>>"$T_DIR/$1/omnid.conf"
}
scion_link() {
	printf '\n[scion.link.%s]\nifid = %s\nlocal = %s\nremote = %s\n' "$2" "$3" "$4" "$5" \
		>>"$T_DIR/$1/omnid.conf"
}
scion_host h1 1-1 10.1.0.2:30041 10.1.0.1:30042 paths-h1.json 1-4 10.4.0.2 10.104.0.0/24
scion_host h4 1-4 10.4.0.2:30041 10.4.0.1:30042 paths-h4.json 1-1 10.1.0.2 10.101.0.0/24
scion_br b1 1-1 10.1.0.1:30042 "forwarding_key = $(cat "$T_DIR/key1")"
scion_link b1 l12 1 10.12.0.1:50000 10.12.0.2:50000
scion_link b1 l13 2 10.13.0.1:50000 10.13.0.2:50000
scion_br b2 1-2 10.12.0.2:30042 "forwarding_key = $(cat "$T_DIR/key2")"
scion_link b2 l21 1 10.12.0.2:50000 10.12.0.1:50000
scion_link b2 l24 2 10.24.0.1:50000 10.24.0.2:50000
scion_br b3 1-3 10.13.0.2:30042 "forwarding_key = $(cat "$T_DIR/key3")"
scion_link b3 l31 1 10.13.0.2:50000 10.13.0.1:50000
scion_link b3 l34 2 10.34.0.1:50000 10.34.0.2:50000
scion_br b4 1-4 10.4.0.1:30042 "master_key = $(cat "$T_DIR/master4")"
scion_link b4 l42 1 10.24.0.2:50000 10.24.0.1:50000
scion_link b4 l43 2 10.34.0.2:50000 10.34.0.1:50000
for N in b1 b2 b3 b4 h4 h1; do start_node $N; done

c() { counter "$@"; }
active() { ctl "$1" paths --json | jq -r '.destinations[0].paths[] | select(.active) | .name'; }
# burst: 100 pings h1 -> h4, then the growth of b1's two link counters.
burst() {
	x0=$(c b1 scion_link_l12_tx); y0=$(c b1 scion_link_l13_tx)
	nx h1 ping -q -c 100 -i 0.01 -W 2 10.104.0.1 >/dev/null || fail "ping burst ($1)"
	D12=$(( $(c b1 scion_link_l12_tx) - x0 )); D13=$(( $(c b1 scion_link_l13_tx) - y0 ))
	info "$1: b1 sent $D12 on l12 (via2), $D13 on l13 (via3)"
}

wait_ping h1 10.104.0.1 10 || fail "no IP-in-SCION connectivity h1 -> h4"
[ "$(active h1)" = via2 ] || fail "h1's active path is '$(active h1)', want via2"
burst "first path"
[ "$D12" -ge 100 ] && [ "$D13" -lt 30 ] || fail "traffic not on via2"
[ "$(c b2 scion_br_forwarded)" -ge 200 ] || fail "b2 forwarded $(c b2 scion_br_forwarded), want >= 200 (both directions)"
[ "$(c h4 scion_rx_packets)" -ge 100 ] || fail "h4 decapsulated $(c h4 scion_rx_packets)"
for B in b1 b2 b3 b4; do
	for r in bad_mac expired bad_header bad_ingress; do
		[ "$(c $B scion_br_$r)" = 0 ] || fail "$B counted scion_br_$r = $(c $B scion_br_$r)"
	done
done
[ "$(c h1 scion_probes_rx)" -gt 0 ] || fail "no SCMP echo probe answered"
info "via2 carries the traffic; probes answered: $(c h1 scion_probes_rx)"
out=$(ctl h1 paths) || fail "omnictl paths"
echo "$out" | grep -q '^  \* via2 .*mtu 1400 *ok' || fail "omnictl paths: no active via2 line: $out"
echo "$out" | grep -q '1-1#1 1-2#1,2 1-4#1' || fail "omnictl paths: hops of via2 missing: $out"
[ "$(ctl b1 paths --json | jq '.destinations | length')" = 0 ] || fail "a router lists paths"
# A node without SCION answers GET /v1/paths with no destinations.
add_ns x; genkey x; node_conf x 2001:db8:99::/48 127.0.0.1:8060; start_node x
ctl x paths | grep -q "no SCION destinations" || fail "omnictl paths on a node without SCION"
stop_node x
# Path MTU 1400 minus 92 octets of SCION + UDP header: 1308 for inner packets.
nx h1 ping -q -c 2 -i 0.1 -W 2 -s 1280 10.104.0.1 >/dev/null || fail "ping of 1308 octets"
out=$(nx h1 ping -c 2 -i 0.1 -W 1 -M do -s 1300 10.104.0.1 2>&1) && fail "1328 octets passed a 1308 path"
echo "$out" | grep -q "1308" || fail "no packet-too-big with mtu 1308: $out"
[ "$(c h1 scion_icmp_too_big_tx)" -ge 1 ] || fail "icmp_too_big_tx not counted"
info "path MTU: 1308 inner octets, ICMP fragmentation needed above"

# Policy change by reload: prefer via3.
printf '[scion]\nprefer = via3\n' >"$T_DIR/h1/conf.d/50-policy.conf"
eval "kill -HUP \$PID_h1"
i=0; while [ "$(active h1)" != via3 ]; do i=$((i + 1)); [ $i -gt 50 ] && fail "reload did not move h1 to via3"; sleep 0.1; done
burst "prefer via3"
[ "$D13" -ge 100 ] && [ "$D12" -lt 30 ] || fail "traffic not moved to via3"
# A broken path file is refused at reload: the old store stays, reload_failed counts it.
cp "$T_DIR/paths-h1.json" "$T_DIR/paths-h1.good"
echo '{"version": 1, "destinations": [{"ia": "1-4", "paths": [{"mtu": 5}]}]}' >"$T_DIR/paths-h1.json"
f0=$(c h1 reload_failed)
eval "kill -HUP \$PID_h1"
i=0; while [ "$(c h1 reload_failed)" = "$f0" ]; do i=$((i + 1)); [ $i -gt 50 ] && fail "bad path file not refused"; sleep 0.1; done
grep -q "path file .*paths\[0\]\.interfaces: required" "$T_DIR/h1/omnid.log" || fail "no message naming the bad member"
[ "$(active h1)" = via3 ] || fail "a refused path file changed the active path"
nx h1 ping -q -c 2 -i 0.1 -W 2 10.104.0.1 >/dev/null || fail "ping after a refused path file"
mv "$T_DIR/paths-h1.good" "$T_DIR/paths-h1.json"
rm "$T_DIR/h1/conf.d/50-policy.conf"
eval "kill -HUP \$PID_h1"
i=0; while [ "$(active h1)" != via2 ]; do i=$((i + 1)); [ $i -gt 50 ] && fail "reload did not move h1 back to via2"; sleep 0.1; done

# Crafted packets at b1 (from h1's side): bad MAC on the first hop, expired hop.
m0=$(c b1 scion_br_bad_mac); e0=$(c b1 scion_br_expired); p0=$(c h1 scion_scmp_rx_param)
nx h1 python3 "$T_DIR/scion.py" craft "$T_DIR" badmac1
nx h1 python3 "$T_DIR/scion.py" craft "$T_DIR" expired
sleep 0.3
[ $(( $(c b1 scion_br_bad_mac) - m0 )) -eq 1 ] || fail "b1 bad_mac grew by $(( $(c b1 scion_br_bad_mac) - m0 )), want 1"
[ $(( $(c b1 scion_br_expired) - e0 )) -eq 1 ] || fail "b1 expired grew by $(( $(c b1 scion_br_expired) - e0 )), want 1"
# A bad MAC on the transit hop: b1 forwards, b2 drops it and its SCMP error reaches h1.
f0=$(c b2 scion_br_bad_mac)
nx h1 python3 "$T_DIR/scion.py" craft "$T_DIR" badmac2
sleep 0.3
[ $(( $(c b2 scion_br_bad_mac) - f0 )) -eq 1 ] || fail "b2 bad_mac grew by $(( $(c b2 scion_br_bad_mac) - f0 )), want 1"
[ $(( $(c h1 scion_scmp_rx_param) - p0 )) -eq 3 ] || fail "h1 got $(( $(c h1 scion_scmp_rx_param) - p0 )) SCMP parameter problems, want 3"
info "bad MAC and expired hop fields dropped, counted and answered"
# A valid packet whose inner source is not in h4's route to 1-1 is dropped by h4.
r0=$(c h4 scion_rx_packets); s0=$(c h4 scion_drop_inner_src)
nx h1 python3 "$T_DIR/scion.py" craft "$T_DIR" inner-ok
nx h1 python3 "$T_DIR/scion.py" craft "$T_DIR" inner-foreign
sleep 0.3
[ $(( $(c h4 scion_rx_packets) - r0 )) -eq 1 ] || fail "h4 took $(( $(c h4 scion_rx_packets) - r0 )) crafted packets, want 1"
[ $(( $(c h4 scion_drop_inner_src) - s0 )) -eq 1 ] || fail "h4 drop_inner_src grew by $(( $(c h4 scion_drop_inner_src) - s0 )), want 1"
info "inner-source check ok"

# Egress link down in a transit BR (config + reload): SCMP 5, failover to via3.
printf '[scion.link.l24]\nup = no\n' >"$T_DIR/b2/conf.d/50-down.conf"
eval "kill -HUP \$PID_b2"
sleep 0.3
nx h1 ping -q -c 5 -i 0.1 -W 1 10.104.0.1 >/dev/null 2>&1 || true
[ "$(c b2 scion_br_if_down)" -ge 1 ] || fail "b2 did not count if_down"
[ "$(c h1 scion_scmp_rx_ifdown)" -ge 1 ] || fail "h1 got no SCMP external interface down"
[ "$(active h1)" = via3 ] || fail "h1 did not fail over on SCMP 5 (active '$(active h1)')"
burst "after SCMP 5"
[ "$D13" -ge 100 ] || fail "traffic not on via3 after SCMP 5"
# Link back up: h1 returns to via2 after the 2 s hold and the 1 s hysteresis.
rm "$T_DIR/b2/conf.d/50-down.conf"
eval "kill -HUP \$PID_b2"
t0=$(date +%s%N)
i=0; while [ "$(active h1)" != via2 ]; do i=$((i + 1)); [ $i -gt 100 ] && fail "h1 did not return to via2"; sleep 0.1; done
info "returned to via2 after $(( ($(date +%s%N) - t0) / 1000000 )) ms (hold 2000 + hysteresis 1000)"

# Loss only the end hosts see (nftables drops b2 -> b4 datagrams over 100 octets; the BR
# keepalives pass): h1's probes on via2 get lost and it fails over after 2 losses.
if nx b2 nft add table inet scl 2>/dev/null; then
	nx b2 nft add chain inet scl out '{ type filter hook output priority 0; }'
	nx b2 nft add rule inet scl out ip daddr 10.24.0.2 meta length gt 100 drop
	l0=$(c h1 scion_probes_lost); k0=$(c b4 scion_link_lost); t0=$(date +%s%N)
	i=0; while [ "$(active h1)" != via3 ]; do i=$((i + 1)); [ $i -gt 200 ] && fail "no failover on probe loss"; sleep 0.02; done
	info "probe loss -> failover in $(( ($(date +%s%N) - t0) / 1000000 )) ms, $(( $(c h1 scion_probes_lost) - l0 )) probes lost"
	# b4 is the far end of l24: it would miss b2's keepalives if the rule dropped them.
	[ "$(c b4 scion_link_lost)" = "$k0" ] || fail "keepalives were dropped too"
	nx h1 ping -q -c 3 -i 0.1 -W 2 10.104.0.1 >/dev/null || fail "ping after probe-loss failover"
	nx b2 nft delete table inet scl
	i=0; while [ "$(active h1)" != via2 ]; do i=$((i + 1)); [ $i -gt 100 ] && fail "h1 did not return to via2 after the loss"; sleep 0.1; done
else
	info "nft unavailable: probe-loss failover not exercised"
fi

# Cut the active link: b1 misses b2's keepalives (100 ms, 3 missed) and answers SCMP 5,
# or h1's probes get lost; either moves the traffic to via3.
k0=$(c h1 scion_scmp_rx_ifdown)
nx h1 ping -q -i 0.05 -w 8 10.104.0.1 >/dev/null 2>&1 &
PING=$!
sleep 0.5
t0=$(date +%s%N)
ip -n "$(ns b1)" link set "$LINK_b1_b2" down
i=0; while [ "$(active h1)" != via3 ]; do i=$((i + 1)); [ $i -gt 200 ] && fail "no failover after the cut"; sleep 0.02; done
y0=$(c b1 scion_link_l13_tx)
while [ "$(c b1 scion_link_l13_tx)" = "$y0" ]; do sleep 0.01; done
t1=$(date +%s%N)
[ "$(c b1 scion_link_lost)" -ge 1 ] || fail "b1 did not notice the dead link"
[ "$(c h1 scion_scmp_rx_ifdown)" -gt "$k0" ] || fail "h1 got no SCMP 5 for the dead link"
info "link cut -> first packet on via3: $(( (t1 - t0) / 1000000 )) ms (BR keepalive 100 ms x 3)"
echo "scion failover ms: $(( (t1 - t0) / 1000000 ))"
kill "$PING" 2>/dev/null || true
wait "$PING" 2>/dev/null || true
burst "after the cut"
[ "$D13" -ge 100 ] || fail "traffic not on via3 after the cut"

# TCP over IP-in-SCION: the 9180-octet TUN MTU meets the 1308-octet path MTU, so this only
# works when the packet-too-big answers reach TCP. Throughput printed for the record.
if command -v iperf3 >/dev/null; then
	nx h4 iperf3 -s -1 -B 10.104.0.1 >/dev/null 2>&1 &
	sleep 0.3
	bps=$(nx h1 iperf3 -c 10.104.0.1 -t 2 -J 2>/dev/null | jq -r '.end.sum_received.bits_per_second // 0')
	mbps=$(echo "$bps" | awk '{printf "%d", $1 / 1e6}')
	[ "$mbps" -gt 0 ] || fail "no TCP throughput over SCION"
	info "TCP h1 -> h4 over 3 omnid BRs: $mbps Mbit/s (path MTU 1400)"
	echo "scion tcp Mbit/s: $mbps"
fi
echo "PASS"
