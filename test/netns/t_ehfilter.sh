#!/bin/sh
# SPDX-License-Identifier: MIT
# Egress IPv6 extension-header policy (spec/eh-removal.md A.6) end to end.
# Node a (defaults: [ehfilter], the "inside the overlay" policy) gets IPv6
# packets with HBH (padding, Router Alert, unknown options with each action
# bit pattern), Routing headers (types 0-4, CRH, unknown; SL 0 and > 0), DO,
# fragments, AH, ESP and malformed chains, written by scapy straight into its
# TUN; node b has [ehfilter.exit] enabled. A capture on b's TUN must hold
# exactly the expected packets with the expected header chains, unchanged
# upper layers and valid checksums; both nodes' eh_* counters must match what
# was sent. Then a reload changes b's exit policy live, and icmp_errors
# answers drops.
. "$(dirname "$0")/lib.sh"
need ping jq tshark
/usr/bin/python3 -c 'import scapy' 2>/dev/null || skip "python3-scapy missing"

OMNI_EXTRA_A="" OMNI_EXTRA_B="" two_nodes
cat >"$T_DIR/a/conf.d/60-eh.conf" <<EOF
[ehfilter]
icmp_errors = on
EOF
cat >"$T_DIR/b/conf.d/60-eh.conf" <<EOF
[ehfilter]
icmp_errors = on
[ehfilter.exit]
enable = yes
EOF
start_node a
start_node b
wait_ping a 2001:db8:b::1 10 || fail "no overlay connectivity"

cat >"$T_DIR/eh.py" <<'PYEOF'
# Builds the test packets, sends them into a TUN, and checks capture + counters.
import json, socket, struct, sys
from scapy.all import (IPv6, IP, UDP, Raw, IPv6ExtHdrHopByHop, IPv6ExtHdrDestOpt,
                       IPv6ExtHdrRouting, IPv6ExtHdrSegmentRouting, IPv6ExtHdrFragment,
                       RouterAlert, Jumbo, HBHOptUnknown, AH, ESP, rdpcap)

S, D, D2 = '2001:db8:a::1', '2001:db8:b::1', '2001:db8:b::2'

def walk(b):
    """Reference chain walker: (protocols, upper, l4 offset, final dst, fragmented)."""
    nh, off, chain, final, frag = b[6], 40, [], bytes(b[24:40]), False
    while nh in (0, 43, 44, 51, 60, 135, 139, 140):
        if nh == 44:
            hl = 8
            fo = struct.unpack('!H', b[off + 2:off + 4])[0]
            if fo >> 3:  # a non-first fragment: fragment data follows
                chain.append(44)
                return chain, b[off], off + 8, final, True
            frag = frag or fo & 1 == 1
        elif nh == 51:
            hl = (b[off + 1] + 2) * 4
        else:
            hl = (b[off + 1] + 1) * 8
        if nh == 43 and b[off + 3] > 0 and b[off + 2] in (2, 4):
            final = bytes(b[off + 8:off + 24])
        chain.append(nh)
        nh, off = b[off], off + hl
    return chain, nh, off, final, frag

def l4sum(b):
    chain, up, l4, final, frag = walk(b)
    s = 0
    data = bytes(b[8:24]) + final + struct.pack('!IxxxB', len(b) - l4, up) + bytes(b[l4:])
    if len(data) % 2:
        data += b'\0'
    for i in range(0, len(data), 2):
        s += data[i] << 8 | data[i + 1]
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s

def fix(p):
    """Bytes of @p with the UDP checksum recomputed by l4sum (not by scapy)."""
    b = bytearray(bytes(p))
    b[4:6] = struct.pack('!H', len(b) - 40)  # scapy writes 0 when it sees a Jumbo option
    chain, up, l4, final, frag = walk(b)
    if up == 17 and not frag:
        b[l4 + 6:l4 + 8] = b'\0\0'
        c = (~l4sum(b)) & 0xffff or 0xffff
        b[l4 + 6:l4 + 8] = struct.pack('!H', c)
    return bytes(b)

def csum_ok(b):
    chain, up, l4, final, frag = walk(b)
    return None if frag or up != 17 else l4sum(b) == 0xffff

def tag(i):
    return b'EHT%03d-' % i + b'x' * 9

def udp(i):
    return UDP(sport=40000 + i, dport=9) / Raw(tag(i))

def base(**kw):
    return IPv6(src=S, dst=D, hlim=64, **kw)

def opt(t):
    return HBHOptUnknown(otype=t, optdata=b'\xab\xcd')

def cases():
    """
    (name, bytes, chain at the far end (EH protocols + upper layer) or None if dropped,
     a = what node a's entry policy does (verdict, octets removed, counters), b = node b's exit).
    """
    c = []
    def add(name, pkt, cap, a, b=None):
        c.append((name, fix(pkt) if not isinstance(pkt, bytes) else pkt, cap, a, b))
    add('no_eh', base() / udp(0), [17], None)
    add('hbh_pad', base() / IPv6ExtHdrHopByHop() / udp(1), [17], ('strip', 8, ['hbh_strip']))
    add('hbh_ra', base() / IPv6ExtHdrHopByHop(options=[RouterAlert()]) / udp(2), [17],
        ('keep', 0, ['hbh_keep']), ('strip', 8, ['hbh_strip']))
    for k, t in enumerate((0x1f, 0x5f, 0x9f, 0xdf)):
        add('hbh_opt_%02x' % t, base() / IPv6ExtHdrHopByHop(options=[opt(t)]) / udp(3 + k),
            [17], ('keep', 0, ['hbh_keep']), ('strip', 8, ['hbh_strip']))
    add('rh0_sl0', base() / IPv6ExtHdrRouting(addresses=[D2], segleft=0) / udp(7), None,
        ('drop', 0, ['rh_drop', 'drop_policy']))
    add('rh0_sl1', base() / IPv6ExtHdrRouting(addresses=[D2], segleft=1) / udp(8), None,
        ('drop', 0, ['rh_drop', 'drop_policy']))
    add('rh1', base() / IPv6ExtHdrRouting(type=1, addresses=[], segleft=0) / udp(9), None,
        ('drop', 0, ['rh_drop', 'drop_policy']))
    add('rh3', base() / IPv6ExtHdrRouting(type=3, addresses=[], segleft=0) / udp(10), None,
        ('drop', 0, ['rh_drop', 'drop_policy']))
    add('rh2_sl1', base() / IPv6ExtHdrRouting(type=2, addresses=[D2], segleft=1) / udp(11),
        [43, 17], ('keep', 0, ['rh_keep']), ('keep', 0, ['rh_keep']))
    add('rh2_sl0', base() / IPv6ExtHdrRouting(type=2, addresses=[D2], segleft=0) / udp(28),
        [43, 17], ('keep', 0, ['rh_keep']), ('keep', 0, ['rh_keep']))
    add('rh3_sl1', base() / IPv6ExtHdrRouting(type=3, addresses=[D2], segleft=1) / udp(29), None,
        ('drop', 0, ['rh_drop', 'drop_policy']))
    add('srh_sl0', base() / IPv6ExtHdrSegmentRouting(addresses=[D, D2], segleft=0) / udp(12),
        [17], ('keep', 0, ['rh_keep']), ('strip', 40, ['rh_strip']))
    add('srh_sl1', base() / IPv6ExtHdrSegmentRouting(addresses=[D2, D], segleft=1) / udp(13),
        [43, 17], ('keep', 0, ['rh_keep']), ('keep', 0, ['rh_keep']))
    add('rh9_sl0', base() / IPv6ExtHdrRouting(type=9, addresses=[], segleft=0) / udp(14),
        [43, 17], ('keep', 0, ['rh_keep']), ('keep', 0, ['rh_keep']))
    add('rh9_sl2', base() / IPv6ExtHdrRouting(type=9, addresses=[D2], segleft=2) / udp(15),
        [43, 17], ('keep', 0, ['rh_keep']), ('keep', 0, ['rh_keep']))
    crh = bytes([17, 1, 5, 0, 0, 1, 0, 2, 0, 3, 0, 4, 0, 0, 0, 0])  # CRH-16, SL 0
    p = bytearray(fix(base(nh=43) / Raw(crh) / udp(16)))
    add('crh16_sl0', bytes(p), [17], ('keep', 0, ['rh_keep']), ('strip', 16, ['rh_strip']))
    add('do', base() / IPv6ExtHdrDestOpt() / udp(17), [60, 17], ('keep', 0, ['dst_keep']),
        ('keep', 0, ['dst_keep']))
    add('frag_first', base() / IPv6ExtHdrHopByHop() / IPv6ExtHdrFragment(offset=0, m=1, id=7)
        / UDP(sport=40018, dport=9, len=64) / Raw(tag(18)[:16]), [44, 17],
        ('strip', 8, ['hbh_strip', 'frag_keep']), ('keep', 0, ['frag_keep']))
    add('frag_later', base() / IPv6ExtHdrFragment(offset=5, m=0, id=7, nh=17) / Raw(tag(19)),
        [44, 17], ('keep', 0, ['frag_keep']), ('keep', 0, ['frag_keep']))
    add('ah', base() / IPv6ExtHdrHopByHop()
        / AH(spi=0x42, seq=1, icv=b'\xa5' * 12, nh=17, payloadlen=4) / udp(20), [0, 51, 17],
        ('keep', 0, ['hbh_keep', 'ah_keep']), ('keep', 0, ['hbh_keep', 'ah_keep']))
    add('esp', base() / IPv6ExtHdrHopByHop(options=[RouterAlert()])
        / ESP(spi=0x99, seq=1, data=tag(21) + b'\0' * 8), [50],
        ('keep', 0, ['hbh_keep', 'esp_keep']), ('strip', 8, ['hbh_strip', 'esp_keep']))
    add('srh_esp', base() / IPv6ExtHdrHopByHop() / IPv6ExtHdrSegmentRouting(addresses=[D],
        segleft=0) / ESP(spi=0x98, seq=2, data=tag(22) + b'\0' * 8), [50],
        ('strip', 8, ['hbh_strip', 'rh_keep', 'esp_keep']), ('strip', 24, ['rh_strip', 'esp_keep']))
    add('jumbo', base() / IPv6ExtHdrHopByHop(options=[Jumbo(jumboplen=70000)]) / udp(23), None,
        ('drop', 0, ['hbh_drop', 'drop_jumbo']))
    add('exp253', base(nh=253) / Raw(b'\x11\x00' + b'\0' * 6) / udp(24), None,
        ('drop', 0, ['exp_drop', 'drop_policy']))
    add('hbh_after_do', base() / IPv6ExtHdrDestOpt() / IPv6ExtHdrHopByHop() / udp(25), None,
        ('drop', 0, ['hbh_drop', 'drop_order']))
    mob = b''.join(bytes([135 if i < 8 else 17, 0, 0, 0, 0, 0, 0, 0]) for i in range(9))
    add('too_many', fix(base(nh=135) / Raw(mob) / udp(26)), None,
        ('drop', 0, ['mob_drop', 'drop_too_many']))
    add('ipv4', bytes(IP(src='10.77.0.1', dst='10.77.0.2', ttl=64) / UDP(sport=40027, dport=9)
                      / Raw(tag(27))), 'ipv4', None)
    return c

def expected(direction, idx):
    tot = {}
    for name, pkt, cap, a, b in cases():
        v = (a, b)[idx]
        if idx == 1 and a and a[0] == 'drop':
            v = None
        if not v:
            continue
        keys = ['pkts'] + v[2]
        if v[0] == 'strip':
            keys.append('pkts_stripped')
        if v[0] == 'drop':
            keys.append('pkts_dropped')
        for k in keys:
            tot['eh_%s_%s' % (direction, k)] = tot.get('eh_%s_%s' % (direction, k), 0) + 1
        if v[1]:
            k = 'eh_%s_bytes_stripped' % direction
            tot[k] = tot.get(k, 0) + v[1]
    return tot

def send(ifname, names):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM)
    for name, pkt, cap, a, b in cases():
        if names and name not in names:
            continue
        s.sendto(pkt, (ifname, 0x0800 if pkt[0] >> 4 == 4 else 0x86dd))

def fail(msg):
    print('FAIL: ' + msg)
    sys.exit(1)

def check(pcap, ca, cb):
    got = {}
    for p in rdpcap(pcap):
        raw = bytes(p)
        i = raw.find(b'EHT')
        if i < 0:
            continue
        got.setdefault(int(raw[i + 3:i + 6]), []).append(raw)
    n = 0
    for idx, (name, pkt, cap, a, b) in enumerate(cases()):
        seen = got.pop(int(pkt[pkt.find(b'EHT') + 3:pkt.find(b'EHT') + 6]), [])
        if cap is None:
            if seen:
                fail('%s: dropped packet arrived' % name)
            continue
        if len(seen) != 1:
            fail('%s: %d copies captured, want 1' % (name, len(seen)))
        out = seen[0]
        if cap == 'ipv4':
            if out != pkt:
                fail('ipv4: changed')
            n += 1
            continue
        chain, up, l4, final, frag = walk(out)
        c0, up0, l40, final0, frag0 = walk(pkt)
        if chain + [up] != cap:
            fail('%s: header chain %s, want %s' % (name, chain + [up], cap))
        if out[:4] != pkt[:4] or out[7:40] != pkt[7:40]:
            fail('%s: fixed header changed' % name)
        if struct.unpack('!H', out[4:6])[0] != len(out) - 40:
            fail('%s: Payload Length %d for %d octets' % (name, struct.unpack('!H', out[4:6])[0],
                                                        len(out)))
        if out[l4:] != pkt[l40:] or up != up0 or final != final0:
            fail('%s: upper layer changed' % name)
        ok = csum_ok(out)
        if ok is False or (ok is None and not frag and up == 17):
            fail('%s: UDP checksum does not verify' % name)
        n += 1
    if got:
        fail('unexpected captured tags %s' % sorted(got))
    for direction, idx, cfile in (('entry', 0, ca), ('exit', 1, cb)):
        counters = json.load(open(cfile))
        want = expected(direction, idx)
        for k, v in counters.items():
            if not k.startswith('eh_%s_' % direction) or k.endswith('icmp_tx'):
                continue
            if v != want.get(k, 0):
                fail('%s counter %s = %d, want %d' % (direction, k, v, want.get(k, 0)))
        for k in want:
            if k not in counters:
                fail('counter %s missing' % k)
    other = json.load(open(ca))
    if any(v for k, v in other.items() if k.startswith('eh_exit_')):
        fail('node a counted exit work, its exit policy is off')
    other = json.load(open(cb))
    if any(v for k, v in other.items() if k.startswith('eh_entry_') and not k.endswith('icmp_tx')):
        fail('node b counted entry work: %s' % {k: v for k, v in other.items()
                                               if k.startswith('eh_entry_') and v})
    print('# %d packets captured as expected, counters match' % n)

if len(sys.argv) > 1 and sys.argv[1] == 'send':
    send(sys.argv[2], sys.argv[3:])
elif len(sys.argv) > 1 and sys.argv[1] == 'check':
    check(sys.argv[2], sys.argv[3], sys.argv[4])
PYEOF

# tshark, not tcpdump: tcpdump cannot drop privileges inside a user namespace.
# Only what arrives at b is kept: its own replies and errors carry its addresses.
nx b tshark -q -a duration:12 -i omni-b -f "not src net 2001:db8:b::/48 and not src host 10.77.0.2" -w "$T_DIR/cap.pcap" \
	>"$T_DIR/tcpdump.log" 2>&1 &
cap=$!
T_PIDS="$T_PIDS $cap"
i=0
while ! grep -q "Capturing on" "$T_DIR/tcpdump.log" 2>/dev/null; do
	i=$((i + 1)); [ $i -gt 100 ] && fail "tshark did not start"; sleep 0.1
done
nx a /usr/bin/python3 "$T_DIR/eh.py" send omni-a || fail "sending failed"
wait "$cap" || fail "tshark failed: $(cat "$T_DIR/tcpdump.log")"
status_json a | jq .counters >"$T_DIR/a.counters"
status_json b | jq .counters >"$T_DIR/b.counters"
/usr/bin/python3 "$T_DIR/eh.py" check "$T_DIR/cap.pcap" "$T_DIR/a.counters" "$T_DIR/b.counters" ||
	fail "capture or counters differ (tshark: $(cat "$T_DIR/tcpdump.log"))"
[ "$(counter a eh_entry_icmp_tx)" -ge 1 ] || fail "no ICMPv6 error for the entry drops"

# omnictl decode agrees with what happened to srh_sl0 (kept inside, stripped at the exit).
hex=$(/usr/bin/python3 -c "
import sys; sys.argv=['x']; exec(open('$T_DIR/eh.py').read())
print([c for c in cases() if c[0] == 'srh_sl0'][0][1].hex())")
d=$("$OMNICTL" decode ipv6 --config "$T_DIR/b/omnid.conf" "$hex") || fail "omnictl decode failed"
chain=$(echo "$d" | jq -r '.headers[0].type + " " + (.headers[0].segments_left|tostring)')
[ "$chain" = "rh 0" ] || fail "decode: wrong chain: $d"
[ "$(echo "$d" | jq -r '.policy.entry.verdict + " " + .policy.exit.verdict')" = "keep strip" ] ||
	fail "decode: wrong verdicts: $d"
info "omnictl decode: $(echo "$d" | jq -c '[.policy.entry.verdict, .policy.exit.removed]')"

# A reload applies [ehfilter.exit] live: SR with SL > 0 must no longer leave the overlay.
echo "rh_slnz = drop" >>"$T_DIR/b/conf.d/60-eh.conf"
eval "kill -HUP \$PID_b"
i=0
while [ "$(counter b reloads)" != 1 ]; do
	i=$((i + 1)); [ $i -gt 50 ] && fail "reload of b not applied"; sleep 0.1
done
nx a /usr/bin/python3 "$T_DIR/eh.py" send omni-a srh_sl1 || fail "sending failed"
i=0
while [ "$(counter b eh_exit_drop_policy)" != 1 ]; do
	i=$((i + 1)); [ $i -gt 30 ] && fail "srh_sl1 not dropped at b's exit after reload"; sleep 0.1
done
[ "$(counter b eh_exit_rh_drop)" = 1 ] || fail "eh_exit_rh_drop is $(counter b eh_exit_rh_drop)"
[ "$(counter a eh_entry_rh_keep)" = "$(($(jq .eh_entry_rh_keep "$T_DIR/a.counters") + 1))" ] ||
	fail "a did not keep srh_sl1 on entry"
i=0
while [ "$(counter b eh_exit_icmp_tx)" -lt 1 ]; do
	i=$((i + 1)); [ $i -gt 30 ] && fail "no ICMPv6 error for the exit drop"; sleep 0.1
done
echo "PASS"
