#!/bin/sh
# SPDX-License-Identifier: MIT
# The .internal responder (spec/internal-tld.md, docs/dns.md): two nodes of
# the overlay "corp" answer for <node>.corp.internal on their TUN addresses
# only. dig checks live and configured names (A, AAAA, flags, TTL), NXDOMAIN
# with the SOA, REFUSED outside the zone, TCP, truncation and the fallback to
# TCP, the stable id name and PTR; a query across the overlay; nothing on the
# underlay. Malformed messages are dropped and counted and the responder keeps
# answering; the per-source rate limit drops and counts. omnid skips
# systemd-resolved cleanly, `omnictl hosts` and the hosts export list the
# names, a reload updates them, and ping resolves <node>.corp.internal through
# the responder with a resolv.conf inside the namespace.
. "$(dirname "$0")/lib.sh"
need dig jq ping python3 ss
[ "$(dig -v 2>&1 | grep -c DiG)" -ge 1 ] || skip "dig (dnsutils) unusable"

Z=corp.internal
two_nodes
genkey c
# A configured neighbor with 24 host routes: its AAAA answer does not fit 512 octets.
many=""
for i in $(seq 1 24); do many="${many}allowed_prefix = 2001:db8:cc::$i/128
"; done
peer_conf a c 2001:db8:c::/48 "" "$many"
cat >"$T_DIR/a/conf.d/50-dns.conf" <<EOF
[node]
overlay = corp

[dns]
enable = yes
listen_port = 53
rate_limit = 0
hosts_export = $T_DIR/a/hosts
EOF
cat >"$T_DIR/b/conf.d/50-dns.conf" <<EOF
[node]
overlay = Corp

[dns]
enable = yes
rate_limit = 5
register_resolved = yes
EOF
# b is told to register with systemd-resolved: a stand-in resolvectl records the calls.
mkdir -p "$T_DIR/bin"
cat >"$T_DIR/bin/resolvectl" <<EOF
#!/bin/sh
echo "\$*" >>"$T_DIR/b/resolvectl.log"
EOF
chmod 755 "$T_DIR/bin/resolvectl"
export PATH="$T_DIR/bin:$PATH"
start_node a
start_node b
wait_ping a 2001:db8:b::1 10 || fail "no overlay connectivity a -> b"

# q NODE SERVER ARGS...: dig from NODE's namespace, one try.
q() { n=$1 s=$2; shift 2; nx "$n" dig @"$s" +time=2 +tries=1 "$@"; }
short() { q "$@" +short | sort | tr '\n' ' ' | sed 's/ $//'; }
hdr() { q "$@" +noall +comments 2>/dev/null; }

# systemd-resolved does not run here: skipped, with a message.
grep -q "systemd-resolved .*: not registering" "$T_DIR/a/omnid.log" ||
	fail "a: no message about skipping systemd-resolved"
grep -q "registering ~$Z on omni-b with systemd-resolved" "$T_DIR/b/omnid.log" ||
	fail "b: no registration message"
[ "$(counter a dns_resolved_calls)" = 0 ] || fail "a ran resolvectl"
info "systemd-resolved skipped cleanly"
i=0
while [ "$(cat "$T_DIR/b/resolvectl.log" 2>/dev/null | wc -l)" -lt 4 ]; do
	i=$((i + 1)); [ $i -gt 50 ] && fail "b: resolvectl calls: $(cat "$T_DIR/b/resolvectl.log")"; sleep 0.1
done
sort "$T_DIR/b/resolvectl.log" >"$T_DIR/b/calls"
printf '%s\n' "default-route omni-b false" "dns omni-b 2001:db8:b::1 10.77.0.2" \
	"dnssec omni-b no" "domain omni-b ~corp.internal" | cmp -s - "$T_DIR/b/calls" ||
	fail "b: resolvectl calls: $(cat "$T_DIR/b/calls")"
[ "$(counter b dns_resolved_calls)" = 4 ] || fail "b: dns_resolved_calls"
[ "$(counter b dns_resolved_errors)" = 0 ] || fail "b: resolvectl errors"
info "register_resolved = yes: dns, domain ~$Z, default-route false, dnssec no"

# Bound to the TUN addresses on port 53, nowhere else.
socks=$(nx a ss -Hlnu 'sport = :53' | awk '{print $4}' | sort | tr '\n' ' ')
[ "$socks" = "10.77.0.1%omni-a:53 [2001:db8:a::1]%omni-a:53 " ] || fail "UDP sockets: $socks"
socks=$(nx a ss -Hlnt 'sport = :53' | awk '{print $4}' | sort | tr '\n' ' ')
[ "$socks" = "10.77.0.1%omni-a:53 [2001:db8:a::1]%omni-a:53 " ] || fail "TCP sockets: $socks"

# Live nodes and configured neighbors, over IPv6 and IPv4 transport.
[ "$(short a 2001:db8:a::1 a.$Z AAAA)" = "2001:db8:a::1" ] || fail "a.$Z AAAA"
[ "$(short a 10.77.0.1 a.$Z A)" = "10.77.0.1" ] || fail "a.$Z A"
[ "$(short a 2001:db8:a::1 B.CORP.internal AAAA)" = "2001:db8:b::1" ] || fail "b.$Z AAAA"
[ "$(short a 2001:db8:a::1 b.$Z A)" = "10.77.0.2" ] || fail "b.$Z A (allowed_prefix /32)"
[ "$(short a 2001:db8:a::1 b.$Z ANY)" = "10.77.0.2 2001:db8:b::1" ] || fail "b.$Z ANY"
h=$(hdr a 2001:db8:a::1 b.$Z AAAA)
echo "$h" | grep -q "status: NOERROR" || fail "b.$Z: $h"
echo "$h" | grep -q "flags: qr aa rd;" || fail "b.$Z flags (want aa, no ra): $h"
ttl=$(q a 2001:db8:a::1 b.$Z AAAA +noall +answer | awk '{print $2}')
[ "$ttl" = 60 ] || fail "TTL $ttl, want 60"
# The stable name: the first 8 octets of b's key in hex.
bid=$(base64 -d <"$T_DIR/b/public.key" | od -An -tx1 -N8 | tr -d ' \n')
[ "$(short a 2001:db8:a::1 "$bid.id.$Z" AAAA)" = "2001:db8:b::1" ] || fail "$bid.id.$Z"
# PTR for an address in the table.
[ "$(short a 2001:db8:a::1 -x 10.77.0.2)" = "b.$Z." ] || fail "PTR 10.77.0.2"
[ "$(short a 2001:db8:a::1 -x 2001:db8:b::1)" = "b.$Z." ] || fail "PTR 2001:db8:b::1"
info "A, AAAA, ANY, id name and PTR answers ok"

# Unknown names inside the zone: NXDOMAIN with the zone's SOA; outside: REFUSED.
h=$(hdr a 2001:db8:a::1 nope.$Z A)
echo "$h" | grep -q "status: NXDOMAIN" || fail "nope.$Z: $h"
echo "$h" | grep -q "flags: qr aa rd;.*AUTHORITY: 1" || fail "nope.$Z: no aa or no SOA: $h"
soa=$(q a 2001:db8:a::1 nope.$Z A +noall +authority)
echo "$soa" | grep -Eq "^$Z\.[[:space:]]+60[[:space:]]+IN[[:space:]]+SOA[[:space:]]+a\.$Z\. hostmaster\.$Z\. [0-9]+ 3600 600 86400 60" ||
	fail "SOA: $soa"
[ "$(short a 2001:db8:a::1 $Z SOA | awk '{print $1}')" = "a.$Z." ] || fail "apex SOA"
for name in example.com internal other.internal; do
	h=$(hdr a 2001:db8:a::1 "$name" A)
	echo "$h" | grep -q "status: REFUSED" || fail "$name not refused: $h"
	echo "$h" | grep -q "flags: qr rd;" || fail "$name: flags: $h"
done
info "NXDOMAIN with SOA, REFUSED outside the zone ok"

# TCP, truncation over UDP and dig's retry over TCP.
[ "$(short a 2001:db8:a::1 +tcp b.$Z AAAA)" = "2001:db8:b::1" ] || fail "TCP query"
h=$(hdr a 2001:db8:a::1 +noedns +ignore c.$Z AAAA)
echo "$h" | grep -q "flags: qr aa tc rd;.*ANSWER: 0" || fail "no TC for a 25-record answer: $h"
n=$(q a 2001:db8:a::1 +noedns c.$Z AAAA +short | wc -l)
[ "$n" = 25 ] || fail "after TC, $n records over TCP, want 25"
n=$(q a 2001:db8:a::1 c.$Z AAAA +short | wc -l)
[ "$n" = 25 ] || fail "EDNS answer has $n records, want 25"
info "TCP and truncation ok"

# Across the overlay: b asks a's responder; the underlay address has none.
[ "$(short b 2001:db8:a::1 a.$Z AAAA)" = "2001:db8:a::1" ] || fail "b -> a's responder"
[ "$(short a 2001:db8:b::1 a.corp.INTERNAL A)" = "10.77.0.1" ] || fail "a -> b's responder"
q b 192.0.2.1 +time=1 a.$Z A >/dev/null 2>&1 && fail "the responder answered on the underlay"
info "overlay-only binding ok"

# Malformed messages: dropped without an answer, counted; the responder keeps going.
cat >"$T_DIR/raw.py" <<'EOF'
import socket, struct, sys
def hdr(flags=0, qd=1, an=0, ns=0, ar=0, id=0x5151):
    return struct.pack('>HHHHHH', id, flags, qd, an, ns, ar)
msgs = [
    hdr() + b'\xc0\x0c\0\1\0\1',                      # pointer to itself
    hdr() + b'\xc0\x0e\xc0\x0c\0\1\0\1',              # two pointers in a loop
    hdr() + b'\x05alpha\x04co',                       # truncated
    hdr(qd=0xffff, an=0xffff, ns=0xffff, ar=0xffff) + b'\1a\0\0\1\0\1',  # huge counts
    hdr() + b'\x41a\0\0\1\0\1',                       # label type 0x40
    hdr() + b'\x81a\0\0\1\0\1',                       # label type 0x80
    hdr(qd=2) + b'\1a\0\0\1\0\1',                     # two questions, one present
    b'\x12\x34\x01',                                  # shorter than a header
    hdr(flags=0x8180) + b'\1a\0\0\1\0\1',             # a response: never answered
]
fam = socket.AF_INET6 if ':' in sys.argv[1] else socket.AF_INET
s = socket.socket(fam, socket.SOCK_DGRAM)
s.settimeout(0.3)
got = 0
for m in msgs:
    s.sendto(m, (sys.argv[1], 53))
    try:
        s.recvfrom(4096)
        got += 1
    except socket.timeout:
        pass
# Over TCP: a length prefix below a header closes the connection.
t = socket.socket(fam, socket.SOCK_STREAM)
t.settimeout(2)
t.connect((sys.argv[1], 53))
t.sendall(b'\x00\x05hello')
closed = t.recv(10) == b''
print(got, len(msgs), 'closed' if closed else 'open')
EOF
m0=$(counter a dns_drop_malformed); r0=$(counter a dns_drop_response)
out=$(nx b python3 "$T_DIR/raw.py" 2001:db8:a::1) || fail "raw sender: $out"
[ "$out" = "0 9 closed" ] || fail "malformed messages: $out (want 0 answers of 9, TCP closed)"
[ $(( $(counter a dns_drop_malformed) - m0 )) -eq 9 ] ||
	fail "dns_drop_malformed grew by $(( $(counter a dns_drop_malformed) - m0 )), want 9"
[ $(( $(counter a dns_drop_response) - r0 )) -eq 1 ] || fail "dns_drop_response not counted"
eval "kill -0 \$PID_a" || fail "a died on malformed queries"
[ "$(short b 2001:db8:a::1 a.$Z AAAA)" = "2001:db8:a::1" ] || fail "no answer after malformed input"
info "malformed messages dropped and counted"

# b allows 5 answers per second per source: a burst of 40 gets about 5.
cat >"$T_DIR/burst.py" <<'EOF'
import socket, struct, sys
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.settimeout(0.5)
q = b'\1b\4corp\x08internal\0\0\x1c\0\1'
for i in range(40):
    s.sendto(struct.pack('>HHHHHH', i, 0x100, 1, 0, 0, 0) + q, (sys.argv[1], 53))
got = 0
try:
    while True:
        s.recvfrom(4096)
        got += 1
except socket.timeout:
    pass
print(got)
EOF
sleep 1.1
got=$(nx a python3 "$T_DIR/burst.py" 2001:db8:b::1)
[ "$got" -ge 4 ] && [ "$got" -le 8 ] || fail "rate limit: $got answers of 40, want about 5"
[ "$(counter b dns_drop_rate_limited)" -ge 32 ] || fail "dns_drop_rate_limited $(counter b dns_drop_rate_limited)"
info "rate limit ok ($got of 40 answered)"

# The name table: omnictl hosts, its JSON, the exported file.
ctl a hosts >"$T_DIR/hosts.out" || fail "omnictl hosts"
grep -q "^# BEGIN omnid $Z$" "$T_DIR/hosts.out" || fail "hosts: no BEGIN line"
grep -q "^# END omnid $Z$" "$T_DIR/hosts.out" || fail "hosts: no END line"
for l in "2001:db8:a::1	a.$Z" "10.77.0.1	a.$Z" "2001:db8:b::1	b.$Z" "10.77.0.2	b.$Z" \
	"2001:db8:cc::24	c.$Z"; do
	grep -qx "$l" "$T_DIR/hosts.out" || fail "hosts: no line '$l'"
done
[ "$(grep -vc '^#' "$T_DIR/hosts.out")" = 29 ] || fail "hosts: $(grep -vc '^#' "$T_DIR/hosts.out") lines, want 29"
j=$(ctl a hosts --json)
[ "$(echo "$j" | jq -r .zone)" = "$Z" ] || fail "hosts --json zone"
[ "$(echo "$j" | jq -r '.names[] | select(.name == "a.'$Z'") | .source')" = self ] || fail "source"
[ "$(echo "$j" | jq -r '.names[] | select(.name == "b.'$Z'") | .id')" = "$bid" ] || fail "id"
[ "$(echo "$j" | jq -r .listen_port)" = 53 ] || fail "listen_port"
[ -f "$T_DIR/a/hosts" ] || fail "no hosts export"
grep -q "^2001:db8:b::1	b.$Z$" "$T_DIR/a/hosts" || fail "hosts export content"
info "omnictl hosts and the hosts export ok"

# Reload: a new neighbor's name, a new TTL; the responder keeps its sockets.
genkey d
peer_conf a d 2001:db8:d::/48 ""
printf 'ttl = 30\n' >>"$T_DIR/a/conf.d/50-dns.conf"
eval "kill -HUP \$PID_a"
i=0
until [ "$(short a 2001:db8:a::1 d.$Z AAAA 2>/dev/null)" = "2001:db8:d::1" ]; do
	i=$((i + 1)); [ $i -gt 20 ] && fail "d.$Z not answered after reload"; sleep 0.1
done
ttl=$(q a 2001:db8:a::1 b.$Z AAAA +noall +answer | awk '{print $2}')
[ "$ttl" = 30 ] || fail "TTL $ttl after reload, want 30"
i=0
until grep -q "d.$Z" "$T_DIR/a/hosts"; do
	i=$((i + 1)); [ $i -gt 20 ] && fail "hosts export not updated"; sleep 0.1
done
info "reload updates the names"

# Resolution through the responder: glibc reads resolv.conf (here a bind mount).
echo "nameserver 2001:db8:a::1" >"$T_DIR/resolv.conf"
res() { nx "$1" unshare -m sh -c "mount --bind '$T_DIR/resolv.conf' /etc/resolv.conf && $2"; }
out=$(res a "getent ahosts b.$Z") || fail "getent b.$Z: $out"
echo "$out" | grep -q "^2001:db8:b::1 " || fail "getent b.$Z: $out"
res a "ping -c 2 -W 2 b.$Z" >/dev/null || fail "ping b.$Z from a"
res a "ping -4 -c 2 -W 2 b.$Z" >/dev/null || fail "ping -4 b.$Z from a"
res b "ping -c 2 -W 2 a.$Z" >/dev/null || fail "ping a.$Z from b (via a's responder over the overlay)"
info "ping <node>.$Z resolves through the responder"

# Counters are in the status document.
[ "$(counter a dns_queries_tcp)" -ge 2 ] || fail "dns_queries_tcp"
[ "$(counter a dns_truncated)" -ge 1 ] || fail "dns_truncated"
[ "$(counter a dns_nxdomain)" -ge 1 ] || fail "dns_nxdomain"
[ "$(counter a dns_refused)" -ge 3 ] || fail "dns_refused"
[ "$(counter a dns_answers)" -ge 10 ] || fail "dns_answers"

# A clean stop: no handle left open; b reverts its resolved registration.
stop_node a
stop_node b
for n in a b; do
	grep -q "handles open" "$T_DIR/$n/omnid.log" && fail "$n stopped with handles open"
	grep -q "stopped" "$T_DIR/$n/omnid.log" || fail "$n did not stop cleanly"
done
[ "$(tail -n 1 "$T_DIR/b/resolvectl.log")" = "revert omni-b" ] || fail "b: no resolvectl revert"
echo "PASS"
